/** The object service's errors: Swift's HTTP statuses with stable `object.*` codes. */
import { CloudError, Conflict, NotFound } from '../core/index.js';

/** 404: no such account (only for accounts that must exist, e.g. another project's). */
export class AccountNotFound extends NotFound {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'AccountNotFound';
  constructor(account: string) {
    super('object.account.not_found', `Account '${account}' not found.`, { account });
  }
}

/** 404: no such container in the account. */
export class ContainerNotFound extends NotFound {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ContainerNotFound';
  constructor(account: string, container: string) {
    super('object.container.not_found', `Container '${container}' not found in account '${account}'.`, { account, container });
  }
}

/** 404: no such object (or it expired, or every copy of it is gone). */
export class ObjectNotFound extends NotFound {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ObjectNotFound';
  constructor(account: string, container: string, object: string, why = '') {
    super('object.object.not_found', `Object '${object}' not found in container '${container}'${why ? ` (${why})` : ''}.`, { account, container, object });
  }
}

/** 409: `DELETE` of a container that still holds objects. */
export class ContainerNotEmpty extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ContainerNotEmpty';
  constructor(container: string, count: number) {
    super('object.container.not_empty', `Container '${container}' is not empty (${count} object(s)); delete its objects first.`, { container, object_count: count });
  }
}

/** 503: fewer devices answered than the write quorum needs, or none holding the data answered. */
export class ServiceUnavailable extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ServiceUnavailable';
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(503, 'object.unavailable', message, details);
  }
}

/** 413: the object is larger than `max_file_size`, or a quota would be exceeded. */
export class EntityTooLarge extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'EntityTooLarge';
  constructor(code: 'object.too_large' | 'object.quota_exceeded', message: string, details: Record<string, unknown> = {}) {
    super(413, code, message, details);
  }
}

/** 416: a `Range` no byte of the object satisfies. */
export class RangeNotSatisfiable extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'RangeNotSatisfiable';
  constructor(range: string, size: number) {
    super(416, 'object.range_not_satisfiable', `Requested range '${range}' not satisfiable: the object has ${size} byte(s).`, { range, size });
  }
}

/** 412: a precondition failed (`limit` above the listing limit, `If-Match`, `If-None-Match: *`). */
export class PreconditionFailed extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PreconditionFailed';
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(412, 'object.precondition_failed', message, details);
  }
}

/** 422: the data received does not match the `ETag` the client sent. */
export class UnprocessableEntity extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'UnprocessableEntity';
  constructor(expected: string, actual: string) {
    super(422, 'object.etag_mismatch', `The ETag sent (${expected}) does not match the MD5 of the data (${actual}).`, { expected, actual });
  }
}
