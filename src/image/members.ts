/**
 * Image members (`glance/api/v2/image_members.py`): only `shared` images have members; the
 * owner adds and removes them, each member project sets its own status (`pending` →
 * `accepted` / `rejected`), and a member sees only its own membership
 * (`_image_member_find`). Every rule is asked after `get_image` (`MemberAPIPolicy._enforce`).
 */
import { InvalidInput, ResourceNotFound, describeValue, deleteRow, setRow, type Tx } from '../core/index.js';
import { getProject } from '../identity/index.js';
import { ImageDuplicate, ImageForbidden, ImageLimitExceeded, MemberNotFound } from './errors.js';
import { enforceOn, findMember, membersOf, type Ctx } from './context.js';
import { memberNotification } from './views.js';
import { MEMBER_STATUSES, type ImageRow, type MemberRow, type MemberStatus } from './types.js';

type Check = 'create' | 'update' | 'delete' | undefined;

/** `_check_visibility_and_ownership`: members only for shared images; the legacy ownership rule per action. */
export function checkShared(ctx: Ctx, image: ImageRow, action: Check, verb: string): void {
  if (image.visibility !== 'shared') throw new ImageForbidden('image.member.not_shared', `Not allowed to ${verb} members for image ${image.id}: Only shared images have members.`, { image_id: image.id, visibility: image.visibility });
  if (ctx.secureRbac || ctx.isAdmin) return;
  if (action === 'create' && (image.owner === null || image.owner !== ctx.owner)) throw new ImageForbidden('image.member.not_owner', `Not allowed to create members for image ${image.id}: You are not permitted to create image members for the image.`, { image_id: image.id });
  if (action === 'update' && ctx.owner === image.owner) throw new ImageForbidden('image.member.owner_status', `Not allowed to update members for image ${image.id}: You are not permitted to modify 'status' on this image member.`, { image_id: image.id });
  if (action === 'delete' && ctx.owner !== image.owner) throw new ImageForbidden('image.member.not_owner', `Not allowed to delete members for image ${image.id}: You cannot delete image member.`, { image_id: image.id });
}

/** A member as the database returns it to this caller: an admin sees any, others only on their own images or their own membership. */
export function getMember(ctx: Ctx, image: ImageRow, memberId: unknown): MemberRow {
  checkMemberId(memberId);
  const m = findMember(ctx.s, image.id, memberId);
  if (m === undefined || !seen(ctx, image, m)) throw new MemberNotFound(image.id, memberId);
  return m;
}

/** The `{member_id}` of a member URL: a project id of 1 to 255 characters (the `member` column is `String(255)`). */
export function checkMemberId(memberId: unknown): asserts memberId is string {
  if (typeof memberId !== 'string' || memberId.length === 0 || memberId.length > 255) throw new InvalidInput('member_id', `expected a project id, got ${describeValue(memberId)}.`);
}

function seen(ctx: Ctx, image: ImageRow, m: MemberRow): boolean {
  return ctx.isAdmin || (ctx.owner !== null && (image.owner === ctx.owner || m.member_id === ctx.owner));
}

/**
 * The `member` of a create body, checked as the request deserialiser does (present, a string,
 * not empty). It is a project ID: Glance stores the string it is given and resolves no names
 * (`ImageMembersController.create` → `new_image_member(image, member_id)`).
 */
function memberField(ref: unknown): string {
  if (ref === undefined) throw new InvalidInput('member', 'Member to be added not specified');
  if (typeof ref !== 'string') throw new InvalidInput('member', `Expected a member in the form: {"member": "<project id>"}, got ${describeValue(ref)}.`);
  if (ref.length === 0) throw new InvalidInput('member', "Member can't be empty");
  if (ref.length > 255) throw new InvalidInput('member', `must be at most 255 characters, got ${ref.length}.`);
  return ref;
}

/**
 * stacksim refuses a member that is no Keystone project ID (Glance would store any string).
 * Only IDs: a name is not looked up, so nothing tells the caller which projects exist by name
 * or what their IDs are; asked only once the caller may add members to this image.
 */
function checkProject(ctx: Ctx, memberId: string): void {
  try {
    getProject(ctx.s, memberId, (p) => p.id === memberId, undefined, 'member');
  } catch (e) {
    if (!(e instanceof ResourceNotFound)) throw e;
    throw new InvalidInput('member', `'${memberId}' is not a project ID: a member is the ID of a Keystone project (names are not accepted, as in Glance).`, 'image.member.unknown_project');
  }
}

/** `POST /v2/images/{id}/members` (`{ member: <project id> }`): a `pending` membership. */
export function addMember(tx: Tx, ctx: Ctx, image: ImageRow, body: unknown): MemberRow {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInput('body', `Expected a member in the form: {"member": "<project id>"}, got ${describeValue(body)}.`);
  const memberId = memberField(Object.hasOwn(body, 'member') ? (body as Record<string, unknown>).member : undefined);
  checkShared(ctx, image, 'create', 'create');
  enforceOn(ctx, 'get_image', image);
  enforceOn(ctx, 'add_member', image);
  checkProject(ctx, memberId);
  if (findMember(tx.draft, image.id, memberId)) throw new ImageDuplicate('image.member.duplicate', `Member ${memberId} is duplicated for image ${image.id}`, { image_id: image.id, member_id: memberId });
  const quota = tx.draft.image.config.image_member_quota;
  const count = membersOf(tx.draft, image.id).length + 1;
  if (quota >= 0 && count > quota) throw new ImageLimitExceeded('members', count, quota);
  const now = tx.now();
  const row: MemberRow = { image_id: image.id, member_id: memberId, status: 'pending', created_at: now, updated_at: now };
  setRow(tx.draft.image.members, `${image.id}/${memberId}`, row);
  tx.emit('image.member.create', () => memberNotification(tx.draft, row));
  tx.trace('glance-api', `image ${image.id} shared with project ${memberId} (pending)`);
  return row;
}

/** `PUT /v2/images/{id}/members/{member_id}` (`{ status }`): the member project answers. */
export function updateMember(tx: Tx, ctx: Ctx, image: ImageRow, memberId: unknown, body: unknown): MemberRow {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInput('body', `Expected a status in the form: {"status": "status"}, got ${describeValue(body)}.`);
  const status = (body as Record<string, unknown>).status;
  if (status === undefined) throw new InvalidInput('status', 'Status not specified');
  checkShared(ctx, image, 'update', 'update');
  enforceOn(ctx, 'get_member', image);
  const m = getMember(ctx, image, memberId);
  enforceOn(ctx, 'modify_member', image);
  if (typeof status !== 'string' || !(MEMBER_STATUSES as readonly string[]).includes(status)) throw new InvalidInput('status', `Incorrect request: Status must be "pending", "accepted" or "rejected", got ${describeValue(status)}.`);
  const row: MemberRow = { ...m, status: status as MemberStatus, updated_at: tx.now() };
  setRow(tx.draft.image.members, `${image.id}/${m.member_id}`, row);
  tx.emit('image.member.update', () => memberNotification(tx.draft, row));
  return row;
}

/** `DELETE /v2/images/{id}/members/{member_id}`. */
export function removeMember(tx: Tx, ctx: Ctx, image: ImageRow, memberId: unknown): void {
  checkShared(ctx, image, 'delete', 'delete');
  enforceOn(ctx, 'get_member', image);
  const m = getMember(ctx, image, memberId);
  enforceOn(ctx, 'delete_member', image);
  deleteRow(tx.draft.image.members, `${image.id}/${m.member_id}`);
  const now = tx.now();
  tx.emit('image.member.delete', () => memberNotification(tx.draft, m, now));
}

/** `GET /v2/images/{id}/members`: the owner sees every member, a member only itself. */
export function listMembers(ctx: Ctx, image: ImageRow): MemberRow[] {
  checkShared(ctx, image, undefined, 'list');
  enforceOn(ctx, 'get_members', image);
  return membersOf(ctx.s, image.id).filter((m) => seen(ctx, image, m)).sort((a, b) => a.created_at - b.created_at || (a.member_id < b.member_id ? -1 : 1));
}
