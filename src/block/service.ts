/**
 * Cinder as the cloud assembles it: its slice and options (`cinder.conf`), Zed's policy defaults,
 * its quotas (and the per-volume-type families), its catalog entries (`block-storage` and
 * `volumev3`, as DevStack registers them), its services and pools on the hardware's storage and
 * controller hosts (through the hardware hooks), its tasks (the volume manager's create and
 * delete), DevStack's volume types, and `session.block`.
 */
import type { ServiceDescriptor } from '../core/index.js';
import { CONTROLLER_URL, type RequestPipeline } from '../identity/index.js';
import { BlockApi } from './api.js';
import { BACKUP_TASKS } from './backup_driver.js';
import { MIGRATE_TASK, MIGRATION_COMPLETE_TASK, runMigrate, runMigrationComplete } from './migration.js';
import { RETYPE_TASK, runRetype } from './retype.js';
import { UPLOAD_TASK, runUpload } from './upload.js';
import { REVERT_TASK, runRevert } from './revert.js';
import { SNAPSHOT_CREATE_TASK, SNAPSHOT_DELETE_TASK, runCreateSnapshot, runDeleteSnapshot } from './snapshots.js';

/** The snapshot manager's tasks. */
const SNAPSHOT_TASKS = { [SNAPSHOT_CREATE_TASK]: runCreateSnapshot, [SNAPSHOT_DELETE_TASK]: runDeleteSnapshot, [REVERT_TASK]: runRevert };
import { hostStateChanged, removeHostServices, syncHostServices } from './backends.js';
import { bootstrapBlock, devstackVolumeTypes } from './bootstrap.js';
import { checkBlockOptions, initialBlockState } from './config.js';
import { CINDER_POLICIES } from './policies.js';
import { blockRest } from './rest.js';
import { CINDER_QUOTAS, CINDER_QUOTA_FAMILIES } from './quota.js';
import type { BlockConfig } from './types.js';
import { CREATE_TASK, runCreate } from './volume_create.js';
import { DELETE_TASK, runDelete } from './volume_delete.js';

/** What Cinder adds to a session. */
export interface BlockSession {
  /** Block Storage (Cinder v3, up to 3.70): volumes, volume types, attachments, snapshots, backups, transfers. */
  readonly block: BlockApi;
}

/**
 * The block storage service (Cinder). Option `block`: `backends` (default DevStack's
 * `lvmdriver-1`, LVM thin, 24 GB), `default_volume_type` (`__DEFAULT__`; `lvmdriver-1` with the
 * devstack preset), zones, the scheduler's filters, weighers and multipliers, `service_down_time`.
 */
export const blockService: ServiceDescriptor<BlockConfig, BlockSession, object, object, RequestPipeline> = {
  name: 'block',
  slices: ['block'],
  option: {
    key: 'block',
    check: (input, context) => {
      const config = checkBlockOptions(input);
      const given = typeof input === 'object' && input !== null && 'default_volume_type' in input;
      return context.preset === 'devstack' && !given ? Object.freeze({ ...config, default_volume_type: config.backends[0]?.name ?? config.default_volume_type }) : config;
    },
  },
  initialState: (config) => ({ block: initialBlockState(config) }),
  policies: CINDER_POLICIES,
  quotas: CINDER_QUOTAS,
  quotaFamilies: CINDER_QUOTA_FAMILIES,
  catalog: [
    { type: 'block-storage', name: 'cinder', description: 'Cinder Volume Service', url: `${CONTROLLER_URL}/volume/v3/%(project_id)s` },
    { type: 'volumev3', name: 'cinderv3', description: 'Cinder Volume Service V3', url: `${CONTROLLER_URL}/volume/v3/%(project_id)s` },
  ],
  hooks: {
    'hardware.host.added': (tx, host) => syncHostServices(tx, host),
    'hardware.host.updated': (tx, _before, after) => syncHostServices(tx, after),
    'hardware.host.state_changed': (tx, before, after) => hostStateChanged(tx, before, after),
    'hardware.host.removing': (tx, host) => removeHostServices(tx, host),
  },
  tasks: { [CREATE_TASK]: runCreate, [DELETE_TASK]: runDelete, ...BACKUP_TASKS, ...SNAPSHOT_TASKS, [RETYPE_TASK]: runRetype, [MIGRATE_TASK]: runMigrate, [MIGRATION_COMPLETE_TASK]: runMigrationComplete, [UPLOAD_TASK]: runUpload },
  bootstrap: (tx) => bootstrapBlock(tx),
  deploy: (tx, context) => {
    if (context.preset === 'devstack') devstackVolumeTypes(tx);
  },
  session: (requests) => ({ block: new BlockApi(requests) }),
  rest: blockRest,
};
