/**
 * Extending a volume (`cinder/api/contrib/volume_actions.py` `_extend`, `cinder/volume/api.py`
 * `_extend` / `extend` / `extend_attached_volume`, `cinder/scheduler/manager.py` `extend_volume`,
 * `cinder/volume/manager.py` `extend_volume`): `os-extend` on an `available` volume, or an
 * `in-use` one since 3.42.
 *
 * Not simulated: Nova's `volume-extended` external event for an attached volume (no Nova here),
 * the `extend_volume` driver failures (`error_extending` is reached only by an admin's reset).
 */
import { getRow, type Tx } from '../core/index.js';
import { adjustPool, backendOf } from './backends.js';
import { enforce, indexed, targetOf, type Ctx } from './context.js';
import { invalidInput, invalidVolume } from './errors.js';
import { publisher } from './events.js';
import { bodyArg, typeName } from './input.js';
import { CINDER_RULES } from './policies.js';
import { checkPerVolumeSize, releaseQuota, useQuota } from './quota.js';
import { scheduleVolume } from './scheduler/index.js';
import { moveVolume } from './statuses.js';
import type { VolumeStatus } from './types.js';
import { volumeUsage } from './views.js';
import { checkProvisionSize } from './volume_actions.js';
import { defaultVolumeType } from './volume_types.js';
import { activePools, getVolume, requestSpec, sizeArg, volumeKeys } from './volumes.js';


/**
 * `os-extend` (`volume/api.py` `_extend`, :1548-1640), in Zed's order: the policy
 * (`volume:extend`, or `volume:extend_attached_volume` for an `in-use` volume, 3.42); `new_size`
 * (and no other key); larger than the size (400 `InvalidInput`); the type's
 * `provisioning:min_vol_size` / `max_vol_size`; the status — `available`, or `in-use` — (400
 * `InvalidVolume`); `per_volume_gigabytes` (413); the quota for the difference (413); then
 * `extending` (the status kept in `previous_status`). The scheduler (`scheduler/manager.py`
 * `extend_volume`, :457-479) checks the volume's pool still passes its filters for the new size:
 * no, the quota is given back and the volume returns to its previous status, `previous_status`
 * null, without any notification; yes, the volume manager (`volume/manager.py` `extend_volume`)
 * sends `volume.resize.start` from the backend, grows it, and it is `in-use` when it has
 * attachments, else `available` (`previous_status` left as Zed leaves it), `volume.resize.end`.
 */
export function extendVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolume(ctx, ref);
  const attached = volume.status === 'in-use';
  enforce(ctx, attached ? CINDER_RULES.volume.extendAttached : CINDER_RULES.volume.extend, targetOf(volume));
  const body = bodyArg(input, 'os-extend');
  volumeKeys(body, ['new_size'], 'os-extend');
  const newSize = sizeArg(body.new_size, 'new_size');
  if (newSize <= volume.size) throw invalidInput('new_size', `New size for extend must be greater than current size. (current: ${volume.size}, extended: ${newSize}).`, 'block.volume.extend_not_larger');
  checkProvisionSize(getRow(ctx.s.block.volume_types, volume.volume_type_id) ?? defaultVolumeType(ctx.s), newSize, 'new_size');
  const expected: VolumeStatus = attached ? 'in-use' : 'available';
  if (volume.status !== expected) throw invalidVolume(`Volume ${volume.id} status must be '{'status': '${expected}'}' to extend, currently ${volume.status}.`, { volume_id: volume.id, status: volume.status });
  checkPerVolumeSize(tx, volume.project_id, newSize);
  const delta = newSize - volume.size;
  const type = typeName(ctx.s, volume.volume_type_id);
  useQuota(tx, volume.project_id, 'volumes', { gigabytes: delta, [`gigabytes_${type}`]: delta });
  const extending = moveVolume(tx, volume, 'extending', { previous_status: volume.status });
  const pool = volume.host === null ? undefined : getRow(tx.draft.block.pools, volume.host);
  const candidates = pool === undefined ? [] : activePools(tx.draft, (p) => p.name === pool.name);
  const { pool: chosen, explanation } = scheduleVolume(candidates, requestSpec(tx.draft, extending, newSize), tx.draft.block.config);
  tx.trace('cinder-scheduler', chosen === null ? `extend ${volume.id}: ${explanation.reason ?? 'no valid backend'}` : `extend ${volume.id} on ${chosen.name}`, { explanation });
  if (chosen === null) {
    releaseQuota(tx, volume.project_id, { gigabytes: delta, [`gigabytes_${type}`]: delta });
    moveVolume(tx, extending, extending.previous_status ?? expected, { previous_status: null });
    return;
  }
  const backend = backendOf(chosen.name);
  tx.emit('volume.resize.start', () => volumeUsage(tx.draft, extending), publisher(backend));
  adjustPool(tx, chosen.name, delta);
  const back: VolumeStatus = indexed(tx.draft.block.volume_attachments, volume.id).length > 0 ? 'in-use' : 'available';
  const done = moveVolume(tx, extending, back, { size: newSize });
  tx.emit('volume.resize.end', () => volumeUsage(tx.draft, done), publisher(backend));
}
