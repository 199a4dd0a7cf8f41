/**
 * Glance's request context and guarded getters: who is calling (`context.owner`,
 * `context.is_admin`), which images the database layer lets them see
 * (`glance/db/utils.py` `is_image_visible`), the policy target of an image
 * (`glance/api/policy.py` `ImageTarget`) and the Forbidden → NotFound translation of
 * `glance/api/v2/policy.py` `ImageAPIPolicy._enforce`. `getImage` throws 404
 * (`image.image.not_found`); `findMember` answers undefined.
 */
import { InvalidInput, describeValue, getRow, peek, resolveRef, tableToArray, type Ref, type Resolver, type CloudState, type PolicyCredentials, type PolicyEngine } from '../core/index.js';
import { ImageForbidden, ImageNotFound } from './errors.js';
import type { ImageRow, MemberRow } from './types.js';

type S = CloudState;

/** glance's RequestContext, as far as the API needs it. */
export interface Ctx {
  readonly s: S;
  readonly creds: PolicyCredentials;
  readonly policy: PolicyEngine;
  readonly userId: string;
  /** `context.owner`: the token's project, null for a domain- or system-scoped token. */
  readonly owner: string | null;
  /** `context.is_admin`: the `context_is_admin` rule (`role:admin`). */
  readonly isAdmin: boolean;
  /**
   * `[DEFAULT] enforce_secure_rbac`. stacksim ties it to `[oslo_policy] enforce_new_defaults`:
   * with the new defaults the rules alone decide; without them Glance's legacy owner checks
   * (`check_is_image_mutable`, `check_admin_or_same_owner`, member ownership) apply too.
   */
  readonly secureRbac: boolean;
}

/** Builds the context of a validated token. */
export function makeCtx(s: S, policy: PolicyEngine, creds: PolicyCredentials): Ctx {
  const owner = typeof creds.project_id === 'string' ? creds.project_id : null;
  return {
    s,
    creds,
    policy,
    userId: String(creds.user_id ?? ''),
    owner,
    isAdmin: policy.authorize('context_is_admin', creds, {}),
    secureRbac: peek(s, 'meta', 'policy').enforce_new_defaults,
  };
}

/** The membership of `memberId` in an image, if any. */
export function findMember(s: S, imageId: string, memberId: string | null): MemberRow | undefined {
  return memberId === null ? undefined : getRow(s.image.members, `${imageId}/${memberId}`);
}

/** Every membership of an image. */
export function membersOf(s: S, imageId: string): MemberRow[] {
  return tableToArray(s.image.members).filter((m) => m.image_id === imageId);
}

/** `is_image_visible`: admin, no owner, public / community, own, or shared with the caller's project (any member status). */
export function dbVisible(ctx: Ctx, image: ImageRow): boolean {
  if (ctx.isAdmin || image.owner === null) return true;
  if (image.visibility === 'public' || image.visibility === 'community') return true;
  if (ctx.owner === null) return false;
  if (ctx.owner === image.owner) return true;
  return image.visibility === 'shared' && findMember(ctx.s, image.id, ctx.owner) !== undefined;
}

/**
 * `ImageTarget`: the image's attributes and properties, `project_id` (the owner) and
 * `member_id` (the caller's project when it reads a shared image it does not own: how
 * `ImageRepo._format_image_from_db` sets `member`).
 */
export function imageTarget(ctx: Ctx, image: ImageRow): Readonly<Record<string, unknown>> {
  const member = image.visibility === 'shared' && ctx.owner !== image.owner ? ctx.owner : null;
  // a stored row never changes, so its target for a member is built once and frozen (rules only read it)
  if (!Object.isFrozen(image)) return buildTarget(image, member);
  let byMember = TARGETS.get(image);
  if (byMember === undefined) TARGETS.set(image, (byMember = new Map()));
  let target = byMember.get(member);
  if (target === undefined) byMember.set(member, (target = Object.freeze(buildTarget(image, member))));
  return target;
}

/** Each stored image row's policy targets, by the `member_id` they carry. */
const TARGETS = new WeakMap<ImageRow, Map<string | null, Readonly<Record<string, unknown>>>>();

function buildTarget(image: ImageRow, member: string | null): Record<string, unknown> {
  const { properties, location: _l, staged: _s, ...attrs } = image;
  return { ...properties, ...attrs, image_id: image.id, project_id: image.owner, member_id: member, member };
}

/** Whether a rule allows the caller on this image. */
export function allowed(ctx: Ctx, rule: string, image: ImageRow): boolean {
  return ctx.policy.authorize(rule, ctx.creds, imageTarget(ctx, image));
}

/**
 * `ImageAPIPolicy._enforce`: a refusal of `get_image`, or of any rule on an image the caller
 * may not get, is a 404; otherwise the 403 stands.
 */
export function enforceOn(ctx: Ctx, rule: string, image: ImageRow): void {
  try {
    ctx.policy.enforce(rule, ctx.creds, imageTarget(ctx, image));
  } catch (e) {
    if (rule === 'get_image' || !allowed(ctx, 'get_image', image)) throw new ImageNotFound(image.id);
    throw e;
  }
}

/** `check_is_image_mutable` (only without secure RBAC): admin, or the image's owner. */
export function assertMutable(ctx: Ctx, image: ImageRow): void {
  if (ctx.secureRbac || ctx.isAdmin) return;
  if (image.owner === null || ctx.owner === null || image.owner !== ctx.owner) throw new ImageForbidden('image.not_owner', 'You do not own this image.', { image_id: image.id });
}

/**
 * An image reference: an id or a name (a name is resolved among the images the caller may
 * show; two such images make it ambiguous, 409), or `{ id }` for an id alone, as a URL path
 * holds it: no name is resolved, anything that is no visible image's id is Glance's 404.
 */
export type ImageRef = Ref;


/**
 * `image_repo.get`: the image by id (or by name among the images the caller may show; by id
 * only for `{ id }`), 404 when the database layer would not return it to this caller.
 */
export function getImage(ctx: Ctx, ref: unknown, field = 'image'): ImageRow {
  return resolveRef<ImageRow>(ref, new ImageResolver(ctx), field);
}

/** How `getImage` looks images up for a caller (a class: one small object per lookup, its methods shared). */
class ImageResolver implements Resolver<ImageRow> {
  readonly kind: string;
  readonly maxLength: number;
  constructor(private readonly ctx: Ctx) {
    this.kind = 'image.image';
    this.maxLength = 255;
  }

  byId(id: string): ImageRow | undefined {
    const row = getRow(peek(this.ctx.s, 'image', 'images'), id);
    return row !== undefined && dbVisible(this.ctx, row) ? row : undefined;
  }

  byName(name: string): ImageRow[] {
    return tableToArray(this.ctx.s.image.images).filter((i) => i.name === name && dbVisible(this.ctx, i) && allowed(this.ctx, 'get_image', i));
  }

  idOf(image: ImageRow): string {
    return image.id;
  }

  notFound(key: string): Error {
    return new ImageNotFound(key);
  }

  invalid(f: string, value: unknown): Error {
    return new InvalidInput(f, `expected an image ${f.endsWith('.id') ? 'id' : 'id or name'}, got ${describeValue(value)}.`);
  }
}
