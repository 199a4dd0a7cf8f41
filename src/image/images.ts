/**
 * Image commands (draft mutators): create, JSON-patch update, tags, deactivate / reactivate,
 * delete. Each follows its controller in `glance/api/v2/images.py`, `image_tags.py` and
 * `image_actions.py`: the image is looked up as the database layer would (404), then policy is
 * asked with Glance's target, then the domain rules of `glance/domain/__init__.py` apply.
 */
import { CloudError, InvalidInput, deleteRow, getRow, releaseBlob, setRow, type Tx } from '../core/index.js';
import { removeObject } from '../object/index.js';
import { ImageDuplicate, ImageForbidden, ImageLimitExceeded, InvalidImageStatus, PropertyNotFound, StoreError } from './errors.js';
import { assertMutable, enforceOn, membersOf, type Ctx } from './context.js';
import { MYSQL_INT_MAX, SETTABLE, checkCreateBody, checkPatch, type Change } from './validate.js';
import { imageNotification } from './views.js';
import { VALID_STATE_TARGETS, type ImageRow, type ImageStatus, type Visibility } from './types.js';

/** The status setter of the domain `Image`: refuses a transition `valid_state_targets` does not list. */
export function transition(image: ImageRow, to: ImageStatus): void {
  if (!VALID_STATE_TARGETS[image.status].includes(to)) {
    throw new InvalidImageStatus(`Image status transition from ${image.status} to ${to} is not allowed`, { image_id: image.id, cur_status: image.status, new_status: to });
  }
}

/** `_enforce_image_visibility`: `publicize_image` for public, `communitize_image` for community. */
function enforceVisibility(ctx: Ctx, visibility: unknown, target: Record<string, unknown>): void {
  if (visibility === 'public') ctx.policy.enforce('publicize_image', ctx.creds, target);
  else if (visibility === 'community') ctx.policy.enforce('communitize_image', ctx.creds, target);
}

/** The quota proxy (`glance/quota/__init__.py`): tag and property counts. */
function checkQuotas(tx: Tx, image: ImageRow): void {
  const c = tx.draft.image.config;
  if (c.image_tag_quota >= 0 && image.tags.length > c.image_tag_quota) throw new ImageLimitExceeded('tags', image.tags.length, c.image_tag_quota);
  const n = Object.keys(image.properties).length;
  if (c.image_property_quota >= 0 && n > c.image_property_quota) throw new ImageLimitExceeded('properties', n, c.image_property_quota);
}

/** `image_repo.save`: quotas, `updated_at`, the row, `image.update`. */
export function saveImage(tx: Tx, image: ImageRow): ImageRow {
  checkQuotas(tx, image);
  const row: ImageRow = { ...image, updated_at: tx.now() };
  setRow(tx.draft.image.images, row.id, row);
  tx.emit('image.update', () => imageNotification(tx.draft, row));
  return row;
}

/** `POST /v2/images`. */
export function createImage(tx: Tx, ctx: Ctx, input: unknown): ImageRow {
  const { image: attrs, properties, tags } = checkCreateBody(input);
  const owner = 'owner' in attrs ? (attrs.owner as string | null) : ctx.owner;
  // ImageAPIPolicy on a dict: the proposed owner and visibility ('private' when absent, as Glance's target says)
  const target = { project_id: owner, owner, visibility: (attrs.visibility as string | undefined) ?? 'private' };
  try {
    ctx.policy.enforce('add_image', ctx.creds, target);
  } catch (e) {
    if (e instanceof CloudError && e.status === 403 && owner !== ctx.owner) throw new ImageForbidden('image.owner.forbidden', `You are not permitted to create images owned by '${String(owner)}'.`, { owner });
    throw e;
  }
  enforceVisibility(ctx, target.visibility, target);
  if (!ctx.secureRbac && !ctx.isAdmin && owner !== ctx.owner) throw new ImageForbidden('image.owner.forbidden', `You are not permitted to create images owned by '${String(owner)}'.`, { owner });
  const id = (attrs.id as string | undefined) ?? tx.ids.uuid();
  if (getRow(tx.draft.image.images, id)) throw new ImageDuplicate('image.image.duplicate', `An image with identifier ${id} already exists`, { image_id: id });
  const now = tx.now();
  const row: ImageRow = {
    id,
    name: (attrs.name as string | null | undefined) ?? null,
    status: 'queued',
    visibility: (attrs.visibility as Visibility | undefined) ?? 'shared',
    protected: (attrs.protected as boolean | undefined) ?? false,
    os_hidden: (attrs.os_hidden as boolean | undefined) ?? false,
    owner,
    disk_format: (attrs.disk_format as string | null | undefined) ?? null,
    container_format: (attrs.container_format as string | null | undefined) ?? null,
    min_disk: (attrs.min_disk as number | undefined) ?? 0,
    min_ram: (attrs.min_ram as number | undefined) ?? 0,
    size: null,
    virtual_size: null,
    checksum: null,
    os_hash_algo: null,
    os_hash_value: null,
    properties,
    tags,
    created_at: now,
    updated_at: now,
    location: null,
    staged: null,
  };
  checkQuotas(tx, row);
  setRow(tx.draft.image.images, id, row);
  tx.emit('image.create', () => imageNotification(tx.draft, row));
  tx.trace('glance-api', `image ${id} created (queued)`);
  return row;
}

/** `ImageAPIPolicy.update_property`: the visibility rules first, then `modify_image` and the owner check. */
function updateProperty(ctx: Ctx, image: ImageRow, name: string, value?: unknown): void {
  if (name === 'visibility') {
    try {
      enforceVisibility(ctx, value, { ...image.properties, ...image, project_id: image.owner });
    } catch (e) {
      enforceOn(ctx, 'get_image', image); // an image the caller may not see stays a 404
      throw e;
    }
  }
  enforceOn(ctx, 'modify_image', image);
  assertMutable(ctx, image);
}

/** Sets a base attribute through the domain `Image`'s setters. */
function setAttribute(image: ImageRow, name: (typeof SETTABLE)[number], value: unknown): ImageRow {
  if ((name === 'disk_format' || name === 'container_format') && image.status !== 'queued' && image.status !== 'importing') {
    throw new ImageForbidden('image.attribute.immutable', `Attribute ${name} can be only replaced for a queued image.`, { attribute: name, status: image.status });
  }
  if ((name === 'min_disk' || name === 'min_ram') && typeof value === 'number') {
    if (value < 0) throw new InvalidInput(name, `Invalid value '${value}' for parameter '${name}': Cannot be a negative value.`);
    if (value > MYSQL_INT_MAX) throw new InvalidInput(name, `'${value}' value out of range, must not exceed ${MYSQL_INT_MAX}.`);
  }
  if (name === 'tags') return { ...image, tags: [...new Set(value as string[])].sort() };
  return { ...image, [name]: value } as ImageRow;
}

const isSettable = (name: string): name is (typeof SETTABLE)[number] => (SETTABLE as readonly string[]).includes(name);

/**
 * `PATCH /v2/images/{id}` (`application/openstack-images-v2.1-json-patch`): `_do_add`,
 * `_do_replace`, `_do_remove` of `glance/api/v2/images.py`. `path_root in
 * image.extra_properties` is a dict lookup: only the image's own properties count, so a name
 * every JavaScript object inherits (`toString`, `constructor`, `__proto__`) is no property
 * (replace / remove answer 409); `add` makes it an ordinary own property, as Glance would.
 */
export function updateImage(tx: Tx, ctx: Ctx, found: ImageRow, input: unknown): ImageRow {
  const changes: Change[] = checkPatch(input);
  let image = found;
  for (const change of changes) {
    const root = change.path[0] as string;
    if (root === 'locations') {
      enforceOn(ctx, change.op === 'remove' ? 'delete_image_location' : 'set_image_location', image);
      if (change.op === 'replace' && Array.isArray(change.value) && change.value.length === 0) throw new ImageForbidden('image.locations.forbidden', 'Cannot set locations to empty list.');
      const verb = change.op === 'replace' ? 'update' : change.op;
      throw new ImageForbidden('image.locations.forbidden', `It's not allowed to ${verb} locations if locations are invisible.`, { show_multiple_locations: false });
    }
    if (change.op === 'replace' && root === 'owner' && !ctx.isAdmin) throw new ImageForbidden('image.owner.forbidden', "Owner can't be updated by non admin.");
    updateProperty(ctx, image, root, change.value);
    if (change.op === 'remove') {
      if (isSettable(root)) throw new ImageForbidden('image.attribute.not_removable', `Property ${root} may not be removed.`, { property: root });
      if (!Object.hasOwn(image.properties, root)) throw new PropertyNotFound(root);
      const { [root]: _gone, ...rest } = image.properties;
      image = { ...image, properties: rest };
    } else if (isSettable(root)) {
      image = setAttribute(image, root, change.value);
    } else if (change.op === 'replace' && !Object.hasOwn(image.properties, root)) {
      throw new PropertyNotFound(root);
    } else {
      image = { ...image, properties: { ...image.properties, [root]: change.value as string } };
    }
  }
  if (changes.length === 0) return found;
  tx.trace('glance-api', `image ${found.id} updated (${changes.map((c) => `${c.op} /${c.path.join('/')}`).join(', ')})`);
  return saveImage(tx, image);
}

/** `PUT /v2/images/{id}/tags/{tag}`. */
export function addTag(tx: Tx, ctx: Ctx, image: ImageRow, tag: unknown): ImageRow {
  if (typeof tag !== 'string' || tag.length > 255) throw new InvalidInput('tag', `expected a string of at most 255 characters, got ${typeof tag === 'string' ? `${tag.length} characters` : typeof tag}.`);
  enforceOn(ctx, 'modify_image', image);
  assertMutable(ctx, image);
  return saveImage(tx, { ...image, tags: [...new Set([...image.tags, tag])].sort() });
}

/** `DELETE /v2/images/{id}/tags/{tag}`: 404 when the image does not carry the tag. */
export function deleteTag(tx: Tx, ctx: Ctx, image: ImageRow, tag: unknown): ImageRow {
  if (typeof tag !== 'string') throw new InvalidInput('tag', 'expected a string.');
  enforceOn(ctx, 'modify_image', image);
  assertMutable(ctx, image);
  if (!image.tags.includes(tag)) throw new CloudError(404, 'image.tag.not_found', `Image ${image.id} has no tag '${tag}'.`, { image_id: image.id, tag });
  return saveImage(tx, { ...image, tags: image.tags.filter((t) => t !== tag) });
}

/**
 * `POST /v2/images/{id}/actions/deactivate` (`which` `deactivate`) or `…/reactivate`: active ⇄
 * deactivated; the same status again is a no-op; any other status is 403.
 */
export function setActivation(tx: Tx, ctx: Ctx, image: ImageRow, which: 'deactivate' | 'reactivate'): ImageRow {
  enforceOn(ctx, which, image);
  assertMutable(ctx, image);
  const [from, to] = which === 'deactivate' ? (['active', 'deactivated'] as const) : (['deactivated', 'active'] as const);
  if (image.status === to) return image;
  if (image.status !== from) throw new ImageForbidden('image.invalid_status', `Not allowed to ${which} image in status '${image.status}'`, { image_id: image.id, status: image.status });
  tx.trace('glance-api', `image ${image.id} ${which}d`);
  return saveImage(tx, { ...image, status: to });
}

/**
 * Removes an image's data from the store (`safe_delete_from_backend`): a missing object is
 * fine, any other store error refuses the delete (500, nothing changes).
 */
export function deleteData(tx: Tx, image: ImageRow): void {
  if (image.location !== null) {
    const { account, container, object } = image.location;
    try {
      removeObject(tx, account, container, object);
    } catch (e) {
      if (!(e instanceof CloudError) || e.status !== 404) {
        const why = e instanceof CloudError ? e.message : String(e);
        throw new StoreError(e instanceof CloudError && e.status === 503 ? 503 : 500, 'image.store.backend_error', `Failed to delete image ${image.id} from the store: ${why}`, { image_id: image.id, cause: e instanceof CloudError ? e.code : 'unknown' });
      }
    }
  }
  if (image.staged !== null) releaseBlob(tx.draft.blobs, image.staged);
}

/** `DELETE /v2/images/{id}`: 403 while `protected`; the data leaves the store, the members go with the image. */
export function deleteImage(tx: Tx, ctx: Ctx, image: ImageRow): void {
  enforceOn(ctx, 'delete_image', image);
  assertMutable(ctx, image);
  if (image.protected) throw new ImageForbidden('image.protected', `Image ${image.id} is protected and cannot be deleted.`, { image_id: image.id });
  transition(image, 'deleted');
  deleteData(tx, image);
  const now = tx.now();
  // Glance soft-deletes the image and leaves its member rows behind; nothing can reach them again
  for (const m of membersOf(tx.draft, image.id)) deleteRow(tx.draft.image.members, `${m.image_id}/${m.member_id}`);
  deleteRow(tx.draft.image.images, image.id);
  const gone: ImageRow = { ...image, status: 'deleted', updated_at: now };
  tx.emit('image.delete', () => imageNotification(tx.draft, gone, now));
  tx.trace('glance-api', `image ${image.id} deleted${image.location ? ' and its data removed from Swift' : ''}`);
}
