/**
 * The volume scheduler's decision, explained on demand: what `scheduleVolume` would decide for a
 * volume of a size, type and zone on the pools as they are now (`cinder/scheduler/
 * filter_scheduler.py` `_get_weighted_candidates`), filter by filter and weigher by weigher. The
 * pools are what `scheduler_stats` shows, so the same policy guards it (an admin's).
 */
import { enforce, ownTarget, type Ctx } from './context.js';
import { invalidInput } from './errors.js';
import { CINDER_RULES } from './policies.js';
import { scheduleVolume, type VolumeExplanation } from './scheduler/index.js';
import { bodyArg, textArg } from './input.js';
import { activePools, sizeArg, storageZones } from './volumes.js';
import { defaultVolumeType, resolveVolumeType, typeSpec } from './volume_types.js';

/** What {@link explainCreate} takes: a create request's `size`, `volume_type` and `availability_zone`. */
export interface VolumeExplanationRequest {
  readonly size: number;
  readonly volume_type?: string;
  readonly availability_zone?: string;
}

/** The scheduler's explanation for a volume of this size, type and zone, now. */
export function explainCreate(ctx: Ctx, input: unknown): VolumeExplanation {
  enforce(ctx, CINDER_RULES.admin.getPools, ownTarget(ctx));
  const body = bodyArg(input, 'request');
  const size = sizeArg(body.size);
  const type = body.volume_type === undefined ? defaultVolumeType(ctx.s) : resolveVolumeType(ctx, body.volume_type);
  const az = body.availability_zone === undefined ? (ctx.s.block.config.default_availability_zone ?? ctx.s.block.config.storage_availability_zone) : (textArg(body.availability_zone, 'availability_zone') as string);
  if (!storageZones(ctx).has(az)) throw invalidInput('availability_zone', `Availability zone '${az}' is invalid.`, 'block.volume.invalid_availability_zone');
  return scheduleVolume(activePools(ctx.s), { volume_id: '(what-if)', size, volume_type: typeSpec(type), availability_zone: az }, ctx.s.block.config).explanation;
}
