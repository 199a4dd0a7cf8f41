/**
 * Cinder's exceptions as stacksim errors (`cinder/exception.py`): Cinder's HTTP status and message
 * text, with `details.cinder` naming the Cinder class. The REST fault body is Cinder's
 * (`cinder/api/openstack/wsgi.py` `Fault`): `{"itemNotFound": {"code": 404, "message": …}}`,
 * `badRequest`, `forbidden`, `conflictingRequest`, `overLimit` (with `retryAfter` "0", as
 * `QuotaError` sets `Retry-After: 0`). Codes are `block.<resource>.<condition>`, never renamed.
 */
import { CloudError, type ErrorDetails } from '../core/index.js';

/** One Cinder exception: status, stable code, Cinder's class name and message. */
export class CinderError extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'CinderError';
  constructor(status: number, code: string, cinder: string, message: string, details: ErrorDetails = {}) {
    super(status, code, message, { cinder, ...details });
  }
}

/** The resources of the Block Storage API, as stacksim's codes name them. */
export type CinderResource = 'volume' | 'snapshot' | 'backup' | 'transfer' | 'volume_type' | 'qos_specs' | 'attachment' | 'service';

const NOT_FOUND: Readonly<Record<CinderResource, readonly [string, (id: string) => string]>> = {
  volume: ['VolumeNotFound', (id) => `Volume ${id} could not be found.`],
  snapshot: ['SnapshotNotFound', (id) => `Snapshot ${id} could not be found.`],
  backup: ['BackupNotFound', (id) => `Backup ${id} could not be found.`],
  transfer: ['TransferNotFound', (id) => `Transfer ${id} could not be found.`],
  volume_type: ['VolumeTypeNotFound', (id) => `Volume type ${id} could not be found.`],
  qos_specs: ['QoSSpecsNotFound', (id) => `No such QoS spec ${id}.`],
  attachment: ['VolumeAttachmentNotFound', (id) => `Volume attachment could not be found with filter: attachment_id = ${id}.`],
  service: ['ServiceNotFound', (id) => `Service ${id} could not be found.`],
};

/** 404: `<Resource>NotFound` with Cinder's message. */
export function notFound(resource: CinderResource, id: string): CinderError {
  const [cinder, message] = NOT_FOUND[resource];
  return new CinderError(404, `block.${resource}.not_found`, cinder, message(id), { id });
}

/** 400 `InvalidInput`: "Invalid input received: <reason>". */
export function invalidInput(field: string, reason: string, code = 'block.input.invalid'): CinderError {
  return new CinderError(400, code, 'InvalidInput', `Invalid input received: ${reason}`, { field });
}

/** 400 `InvalidVolume`: "Invalid volume: <reason>" (a volume in the wrong status for the action). */
export function invalidVolume(reason: string, details: ErrorDetails = {}, code = 'block.volume.invalid_status'): CinderError {
  return new CinderError(400, code, 'InvalidVolume', `Invalid volume: ${reason}`, details);
}

/** 400 `InvalidSnapshot`: "Invalid snapshot: <reason>". */
export function invalidSnapshot(reason: string, details: ErrorDetails = {}, code = 'block.snapshot.invalid_status'): CinderError {
  return new CinderError(400, code, 'InvalidSnapshot', `Invalid snapshot: ${reason}`, details);
}

/** 400 `InvalidBackup`: "Invalid backup: <reason>". */
export function invalidBackup(reason: string, details: ErrorDetails = {}, code = 'block.backup.invalid_status'): CinderError {
  return new CinderError(400, code, 'InvalidBackup', `Invalid backup: ${reason}`, details);
}

/** 400 `InvalidVolumeType`: "Invalid volume type: <reason>". */
export function invalidVolumeType(reason: string, details: ErrorDetails = {}, code = 'block.volume_type.invalid'): CinderError {
  return new CinderError(400, code, 'InvalidVolumeType', `Invalid volume type: ${reason}`, details);
}

/** 403 `PolicyNotAuthorized`: "Policy doesn't allow <action> to be performed.". */
export function policyNotAuthorized(action: string): CinderError {
  return new CinderError(403, 'block.policy.forbidden', 'PolicyNotAuthorized', `Policy doesn't allow ${action} to be performed.`, { action });
}

/** 409 Conflict for a duplicate (`VolumeTypeExists`, `QoSSpecsExists`, `VolumeTypeAccessExists`). */
export function duplicate(code: string, cinder: string, message: string, details: ErrorDetails = {}): CinderError {
  return new CinderError(409, code, cinder, message, details);
}

/**
 * 413 `QuotaError` family (`VolumeLimitExceeded`, `VolumeSizeExceedsAvailableQuota`,
 * `SnapshotLimitExceeded`, `BackupLimitExceeded`, `VolumeBackupSizeExceedsAvailableQuota`).
 */
export function quotaError(code: string, cinder: string, message: string, details: ErrorDetails = {}): CinderError {
  return new CinderError(413, code, cinder, message, details);
}
