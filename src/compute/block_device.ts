/**
 * Block device mappings (`nova/objects/block_device.py` `BlockDeviceMapping`,
 * `BlockDeviceMappingList.get_by_instance_uuid` / `get_by_volume`): the rows of the `bdms` table,
 * keyed `<instance uuid>/<nnn>` in the order they were requested, read and saved here by every
 * file that works on them (the boot, rebuild, the actions, volume attachments, the views); and
 * the device names a new volume gets (`nova/block_device.py` `generate_device_letter`, the libvirt
 * driver's `get_device_name_for_instance`).
 */
import { peek, setRow, tablePrefix, tableValues, type CloudState, type Tx } from '../core/index.js';
import type { BdmRow, ServerRow } from './types.js';

/** A server's mappings with their keys, in the order they were requested. */
export function bdmEntries(s: CloudState, uuid: string): [string, BdmRow][] {
  return tablePrefix(peek(s, 'compute', 'bdms'), `${uuid}/`);
}

/** A server's block device mappings, in the order they were requested. */
export function bdmsOf(s: CloudState, uuid: string): BdmRow[] {
  return bdmEntries(s, uuid).map(([, b]) => b);
}

function bdmKey(s: CloudState, bdm: BdmRow): string | undefined {
  return bdmEntries(s, bdm.instance_uuid).find(([, b]) => b.id === bdm.id)?.[0];
}

/** `BlockDeviceMapping.save`: the mapping with `patch` (unchanged in the table when it is gone). */
export function saveBdm(tx: Tx, bdm: BdmRow, patch: Partial<BdmRow>): BdmRow {
  const key = bdmKey(tx.draft as CloudState, bdm);
  const next = { ...bdm, ...patch };
  if (key !== undefined) setRow(tx.draft.compute.bdms, key, next);
  return next;
}

/** `BlockDeviceMapping.get_by_volume_and_instance`. */
export function bdmOfVolume(s: CloudState, uuid: string, volumeId: string): [string, BdmRow] | undefined {
  return bdmEntries(s, uuid).find(([, b]) => b.volume_id === volumeId);
}

/** `BlockDeviceMappingList.get_by_volume`: every live mapping of a volume, over all servers. */
export function bdmsOfVolume(s: CloudState, volumeId: string): BdmRow[] {
  const out: BdmRow[] = [];
  for (const b of tableValues(s.compute.bdms)) if (b.volume_id === volumeId) out.push(b);
  return out;
}

/** `block_device.generate_device_letter`: a, b, …, z, aa, ab, … */
export function deviceLetter(index: number): string {
  let name = '';
  let i = index;
  while (i >= 0) {
    name = String.fromCharCode(97 + (i % 26)) + name;
    i = Math.floor(i / 26) - 1;
  }
  return name;
}

/**
 * The libvirt driver's `get_device_name_for_instance` for a new volume (`blockinfo.get_disk_info`
 * then `find_disk_dev_for_disk_bus` on virtio): the root disk is `vda`, the flavor's ephemeral
 * and swap disks take the next free names, the mapped volumes keep theirs; the new volume gets
 * the first free `vdX`.
 */
export function nextDeviceName(s: CloudState, row: ServerRow): string {
  const used = new Set<string>(['vda']);
  for (const [, b] of bdmEntries(s, row.uuid)) if (b.device_name !== '') used.add(b.device_name.replace(/^\/dev\//, ''));
  const free = (): string => {
    for (let i = 0; ; i++) {
      const dev = `vd${deviceLetter(i)}`;
      if (!used.has(dev)) return dev;
    }
  };
  if (row.flavor.ephemeral_gb > 0) used.add(free());
  if (row.flavor.swap > 0) used.add(free());
  return `/dev/${free()}`;
}

/** The next key of a server's mappings (after every existing one). */
export function nextBdmKey(s: CloudState, uuid: string): string {
  let max = -1;
  for (const [key] of bdmEntries(s, uuid)) {
    const n = Number(key.slice(uuid.length + 1));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${uuid}/${String(max + 1).padStart(3, '0')}`;
}
