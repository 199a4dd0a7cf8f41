/**
 * Glance's refusals as typed errors with Glance's HTTP statuses and stable `image.*` codes
 * (`glance/common/exception.py`, and the status each controller in `glance/api/v2` maps it to).
 */
import { BadRequest, CloudError, Conflict, Forbidden, NotFound, OverLimit } from '../core/index.js';

/** 404: no image with this id that the caller may see (another project's private image included). */
export class ImageNotFound extends NotFound {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ImageNotFound';
  constructor(ref: string) {
    super('image.image.not_found', `No image found with ID ${ref}`, { image_id: ref });
  }
}

/** 404: the project is not in the image's member list (or the caller may not see that membership). */
export class MemberNotFound extends NotFound {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'MemberNotFound';
  constructor(imageId: string, memberId: string) {
    super('image.member.not_found', `${memberId} not found in the member list of the image ${imageId}.`, { image_id: imageId, member_id: memberId });
  }
}

/** 409: the image's status does not allow the operation (`InvalidImageStatusTransition`, import preconditions). */
export class InvalidImageStatus extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'InvalidImageStatus';
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('image.invalid_status', message, details);
  }
}

/** 403: Glance's own `Forbidden` (read-only or reserved attributes, not the owner, wrong status for deactivate, …). */
export class ImageForbidden extends Forbidden {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ImageForbidden';
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** 409: a create with an id that exists, or a member added twice. */
export class ImageDuplicate extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ImageDuplicate';
  constructor(code: 'image.image.duplicate' | 'image.member.duplicate', message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** 409: a JSON-patch `replace` or `remove` of a property the image does not have (`Property %s does not exist.`). */
export class PropertyNotFound extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PropertyNotFound';
  constructor(name: string) {
    super('image.property.not_found', `Property ${name} does not exist.`, { property: name });
  }
}

/** 413: more tags, properties or members than `image_*_quota` allows (`LimitExceeded`). */
export class ImageLimitExceeded extends OverLimit {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ImageLimitExceeded';
  constructor(what: 'tags' | 'properties' | 'members', attempted: number, maximum: number) {
    const noun = what === 'members' ? 'image members for this image' : `image ${what}`;
    super(413, `image.limit.${what}`, `The limit has been exceeded on the number of allowed ${noun}. Attempted: ${attempted}, Maximum: ${maximum}`, { attempted, maximum });
  }
}

/** 400: an import request Glance refuses before creating a task (unknown or unavailable method). */
export class ImportRefused extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ImportRefused';
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/**
 * The store failed: Swift answered an error other than 404 (glance_store raises
 * `BackendException`, which glance-api answers as 500), or 413 when Swift refused the size
 * (`StorageFull`). The image goes back to `queued`, as `image_data.py` `_restore` does.
 */
export class StoreError extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'StoreError';
  constructor(status: 413 | 500 | 503, code: string, message: string, details: Record<string, unknown> = {}) {
    super(status, code, message, details);
  }
}
