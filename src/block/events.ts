/**
 * What Cinder adds to the kernel's open interfaces: its notifications (`cinder/volume/volume_utils.py`
 * `notify_about_volume_usage`, `notify_about_snapshot_usage`, `notify_about_backup_usage`,
 * `cinder/transfer/api.py`, which sends `volume.transfer.*` with the volume's usage), with the usage
 * payloads Cinder builds (`_usage_from_volume`, …); the scheduler's `scheduler.retype` /
 * `scheduler.migrate_volume_to_host` errors (`cinder/scheduler/manager.py`).
 * Publisher: `volume.<host>` (`[DEFAULT] host` of the service that sends it).
 */
import type { VolumeUsage, SnapshotUsage, BackupUsage } from './views.js';
import type { SchedulerErrorPayload } from './volume_actions.js';

type Phases<R extends string, P> = Record<`${R}.start` | `${R}.end`, P>;

declare module '../core/bus.js' {
  interface CloudEventMap
    extends Phases<'volume.create', VolumeUsage>,
      Phases<'volume.delete', VolumeUsage>,
      Phases<'volume.attach', VolumeUsage>,
      Phases<'volume.detach', VolumeUsage>,
      Phases<'volume.resize', VolumeUsage>,
      Phases<'volume.update', VolumeUsage>,
      Phases<'volume.revert', VolumeUsage>,
      Phases<'snapshot.create', SnapshotUsage>,
      Phases<'snapshot.delete', SnapshotUsage>,
      Phases<'snapshot.revert', SnapshotUsage>,
      Phases<'snapshot.update', SnapshotUsage>,
      Phases<'snapshot.reset_status', SnapshotUsage>,
      Phases<'backup.create', BackupUsage>,
      Phases<'backup.delete', BackupUsage>,
      Phases<'backup.restore', BackupUsage>,
      Phases<'volume.transfer.create', VolumeUsage>,
      Phases<'volume.transfer.accept', VolumeUsage>,
      Phases<'volume.transfer.delete', VolumeUsage>,
      Phases<'volume.reset_status', VolumeUsage>,
      Record<'volume.retype', VolumeUsage>,
      Record<'scheduler.retype' | 'scheduler.migrate_volume_to_host', SchedulerErrorPayload> {}
}

export {};

/** The `publisher_id` of a notification from a Cinder service on `host` (`volume.<host>`). */
export function publisher(host: string | null): { publisher: string } {
  return { publisher: `volume.${host ?? 'controller'}` };
}
