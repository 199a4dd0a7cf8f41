/**
 * What a fresh Cinder install holds, and what DevStack adds (`lib/cinder`):
 * - every preset: the `__DEFAULT__` volume type ("Default Volume Type"), which Cinder's database
 *   migration creates; the services and pools of the hosts, started by the hardware hooks;
 * - devstack: the `lvmdriver-1` volume type with `volume_backend_name=lvmdriver-1`
 *   (`create_volume_types`), which `default_volume_type` names.
 */
import { setRow, type Tx } from '../core/index.js';
import type { VolumeTypeRow } from './types.js';
import { typeByName } from './volume_types.js';

function addType(tx: Tx, name: string, description: string | null, extra_specs: Record<string, string>): void {
  if (typeByName(tx.draft, name) !== undefined) return;
  const now = tx.now();
  const row: VolumeTypeRow = { id: tx.ids.uuid(), name, description, is_public: true, extra_specs, qos_specs_id: null, created_at: now, updated_at: now };
  setRow(tx.draft.block.volume_types, row.id, row);
}

/** Cinder's own `__DEFAULT__` type. */
export function bootstrapBlock(tx: Tx): void {
  addType(tx, '__DEFAULT__', 'Default Volume Type', {});
}

/** DevStack's volume type for each backend (`openstack volume type create --property volume_backend_name=<backend> <backend>`). */
export function devstackVolumeTypes(tx: Tx): void {
  for (const b of tx.draft.block.config.backends) addType(tx, b.name, null, { volume_backend_name: b.volume_backend_name });
}
