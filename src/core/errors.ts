/**
 * Errors of the simulated cloud.
 *
 * Every failure is a {@link CloudError} with the HTTP status the real OpenStack service answers
 * and a stable dotted `code` (`compute.server.not_found`) that is never renamed or reused, as
 * Placement does with its error codes. Category classes mirror the HTTP families; leaf classes
 * name one condition each. A message says what to fix.
 */

/** Free-form, JSON-serialisable details attached to an error. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The base of every error stacksim throws on purpose.
 * Mirrors an OpenStack API error body: `{ <kind>: { code: <status>, message } }`.
 */
export class CloudError extends Error {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'CloudError';
  /** HTTP status the real service would answer with. */
  readonly status: number;
  /** Stable dotted code, e.g. `hardware.host.not_found`. Never renamed. */
  readonly code: string;
  /** Structured details (the field at fault, the candidates of an ambiguous name, …). */
  readonly details: ErrorDetails;
  /** Request id of the call that failed, when it came from a public call. */
  requestId: string | undefined;

  constructor(status: number, code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = Object.freeze({ ...details });
    this.requestId = undefined;
  }

  /** The JSON body an OpenStack API would return (`{ badRequest: { code, message } }`). */
  toJSON(): { status: number; code: string; message: string; details: ErrorDetails } {
    return { status: this.status, code: this.code, message: this.message, details: this.details };
  }
}

/** 400: the request is malformed; nothing changed. */
export class BadRequest extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'BadRequest';
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(400, code, message, details);
  }
}

/** 401: no valid token (expired, revoked, wrong password). */
export class Unauthorized extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'Unauthorized';
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(401, code, message, details);
  }
}

/** 403: policy forbids the call (or nova's over-quota answer). */
export class Forbidden extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'Forbidden';
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(403, code, message, details);
  }
}

/** 404: no such resource visible to the caller. */
export class NotFound extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NotFound';
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(404, code, message, details);
  }
}

/** 409: the request conflicts with the current state (in use, duplicate name, wrong state). */
export class Conflict extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'Conflict';
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(409, code, message, details);
  }
}

/**
 * Over a quota or a size limit. The status is the one the registering service answers with:
 * nova 403, neutron 409, cinder 413.
 */
export class OverLimit extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'OverLimit';
  constructor(status: number, code: string, message: string, details: ErrorDetails = {}) {
    super(status, code, message, details);
  }
}

/** 400 for an input that is not of the expected shape; `details.field` names the culprit. */
export class InvalidInput extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'InvalidInput';
  constructor(field: string, message: string, code = 'core.input.invalid') {
    super(code, `${field}: ${message}`, { field });
  }
}

/** 409 for an action not allowed in the resource's current state (nova's InstanceInvalidState). */
export class InvalidState extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'InvalidState';
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
  }
}

/** 404 for a reference (name or id) that matches nothing the caller may see. */
export class ResourceNotFound extends NotFound {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ResourceNotFound';
  constructor(kind: string, ref: string, code = `${kind}.not_found`, field?: string) {
    const where = field !== undefined && field.includes('.') ? ` (${field})` : '';
    super(code, `No ${kind.split('.').pop()} with name or id '${ref}' was found${where}.`, { kind, ref, ...(field !== undefined ? { field } : {}) });
  }
}

/** 409 for a name that matches several resources; lists the visible candidates' ids. */
export class AmbiguousName extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'AmbiguousName';
  constructor(kind: string, name: string, candidates: readonly string[]) {
    super(
      'core.name.ambiguous',
      `More than one ${kind.split('.').pop()} is named '${name}'; use an id: ${candidates.join(', ')}.`,
      { kind, name, candidates: [...candidates] },
    );
  }
}

/** 409 for a create whose unique name or key is taken. */
export class Duplicate extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'Duplicate';
  constructor(kind: string, name: string, code = `${kind}.duplicate`) {
    const noun = (kind.split('.').pop() ?? kind).replace(/_/g, ' ');
    super(code, `${/^[aeio]/.test(noun) ? 'An' : 'A'} ${noun} named '${name}' already exists; pick another name.`, { kind, name });
  }
}
