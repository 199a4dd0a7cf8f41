/**
 * Image properties as nova reads them (`nova/objects/image_meta.py` `ImageMetaProps`): only
 * nova's known property names count, legacy names map to current ones (the current name wins),
 * and architecture, hypervisor type and vm mode are canonicalised (`nova/objects/fields.py`).
 */
import type { ImageMeta } from './types.js';
import { pyInt, pyStr } from './py.js';

/** CPU architectures nova knows (`nova/virt/arch.py` ALL). */
export const ARCHITECTURES = [
  'alpha', 'armv6', 'armv7l', 'armv7b', 'aarch64', 'cris', 'i686', 'ia64', 'lm32', 'm68k',
  'microblaze', 'microblazeel', 'mips', 'mipsel', 'mips64', 'mips64el', 'openrisc', 'parisc',
  'parisc64', 'ppc', 'ppcle', 'ppc64', 'ppc64le', 'ppcemb', 's390', 's390x', 'sh4', 'sh4eb',
  'sparc', 'sparc64', 'unicore32', 'x86_64', 'xtensa', 'xtensaeb',
] as const;

/** Guest virtualisation types nova knows (`HVType.ALL`). */
export const HV_TYPES = [
  'baremetal', 'bhyve', 'docker', 'fake', 'hyperv', 'ironic', 'kqemu', 'kvm', 'lxc', 'lxd',
  'openvz', 'parallels', 'phyp', 'qemu', 'test', 'uml', 'vbox', 'vz', 'vmware', 'xen', 'zvm', 'prsm',
] as const;

/** VM modes nova knows (`VMMode.ALL`). */
export const VM_MODES = ['hvm', 'xen', 'uml', 'exe'] as const;

/** `Architecture.canonicalize`: lower case, i386..i586 and x86_32 → i686, amd64 → x86_64; `null` if unknown. */
export function canonicalArch(name: string): string | null {
  let n = name.toLowerCase();
  if (['i386', 'i486', 'i586', 'x86_32', 'x86_32p'].includes(n)) n = 'i686';
  if (n === 'amd64') n = 'x86_64';
  return (ARCHITECTURES as readonly string[]).includes(n) ? n : null;
}

/** `HVType.canonicalize`: lower case, xapi → xen; `null` if unknown. */
export function canonicalHvType(name: string): string | null {
  let n = name.toLowerCase();
  if (n === 'xapi') n = 'xen';
  return (HV_TYPES as readonly string[]).includes(n) ? n : null;
}

/** `VMMode.canonicalize`: lower case, pv → xen, hv and baremetal → hvm; `null` if unknown. */
export function canonicalVmMode(name: string): string | null {
  let n = name.toLowerCase();
  if (n === 'pv') n = 'xen';
  if (n === 'hv' || n === 'baremetal') n = 'hvm';
  return (VM_MODES as readonly string[]).includes(n) ? n : null;
}

type Kind = 'str' | 'bool' | 'int' | 'arch' | 'hv' | 'vm';

/** nova's ImageMetaProps fields and how each is coerced. */
const FIELDS: Readonly<Record<string, Kind>> = {
  hw_architecture: 'arch',
  hw_auto_disk_config: 'str',
  hw_boot_menu: 'bool',
  hw_cdrom_bus: 'str',
  hw_cpu_cores: 'int',
  hw_cpu_max_cores: 'int',
  hw_cpu_max_sockets: 'int',
  hw_cpu_max_threads: 'int',
  hw_cpu_policy: 'str',
  hw_cpu_realtime_mask: 'str',
  hw_cpu_sockets: 'int',
  hw_cpu_thread_policy: 'str',
  hw_cpu_threads: 'int',
  hw_device_id: 'int',
  hw_disk_bus: 'str',
  hw_disk_type: 'str',
  hw_emulation_architecture: 'arch',
  hw_ephemeral_encryption: 'bool',
  hw_ephemeral_encryption_format: 'str',
  hw_firmware_type: 'str',
  hw_floppy_bus: 'str',
  hw_input_bus: 'str',
  hw_ipxe_boot: 'bool',
  hw_locked_memory: 'bool',
  hw_machine_type: 'str',
  hw_mem_encryption: 'bool',
  hw_mem_page_size: 'str',
  hw_numa_cpus: 'str',
  hw_numa_mem: 'str',
  hw_numa_nodes: 'int',
  hw_pci_numa_affinity_policy: 'str',
  hw_pmu: 'bool',
  hw_pointer_model: 'str',
  hw_qemu_guest_agent: 'bool',
  hw_rescue_bus: 'str',
  hw_rescue_device: 'str',
  hw_rng_model: 'str',
  hw_scsi_model: 'str',
  hw_serial_port_count: 'int',
  hw_time_hpet: 'bool',
  hw_tpm_model: 'str',
  hw_tpm_version: 'str',
  hw_video_model: 'str',
  hw_video_ram: 'int',
  hw_vif_model: 'str',
  hw_vif_multiqueue_enabled: 'bool',
  hw_viommu_model: 'str',
  hw_vm_mode: 'vm',
  hw_watchdog_action: 'str',
  img_bdm_v2: 'bool',
  img_bittorrent: 'bool',
  img_block_device_mapping: 'str',
  img_cache_in_nova: 'bool',
  img_compression_level: 'int',
  img_config_drive: 'str',
  img_hide_hypervisor_id: 'bool',
  img_hv_requested_version: 'str',
  img_hv_type: 'hv',
  img_linked_clone: 'bool',
  img_mappings: 'str',
  img_owner_id: 'str',
  img_root_device_name: 'str',
  img_signature: 'str',
  img_signature_certificate_uuid: 'str',
  img_signature_hash_method: 'str',
  img_signature_key_type: 'str',
  img_use_agent: 'bool',
  img_version: 'int',
  os_admin_user: 'str',
  os_command_line: 'str',
  os_distro: 'str',
  os_require_quiesce: 'bool',
  os_secure_boot: 'str',
  os_skip_agent_inject_files_at_boot: 'bool',
  os_skip_agent_inject_ssh: 'bool',
  os_type: 'str',
  traits_required: 'str',
};

/** Legacy property names and the current names they stand for. */
const LEGACY: Readonly<Record<string, string>> = {
  architecture: 'hw_architecture',
  owner_id: 'img_owner_id',
  vmware_disktype: 'hw_disk_type',
  vmware_image_version: 'img_version',
  vmware_ostype: 'os_distro',
  auto_disk_config: 'hw_auto_disk_config',
  ipxe_boot: 'hw_ipxe_boot',
  xenapi_device_id: 'hw_device_id',
  xenapi_image_compression_level: 'img_compression_level',
  vmware_linked_clone: 'img_linked_clone',
  xenapi_use_agent: 'img_use_agent',
  xenapi_skip_agent_inject_ssh: 'os_skip_agent_inject_ssh',
  xenapi_skip_agent_inject_files_at_boot: 'os_skip_agent_inject_files_at_boot',
  cache_in_nova: 'img_cache_in_nova',
  vm_mode: 'hw_vm_mode',
  bittorrent: 'img_bittorrent',
  mappings: 'img_mappings',
  block_device_mapping: 'img_block_device_mapping',
  bdm_v2: 'img_bdm_v2',
  root_device_name: 'img_root_device_name',
  hypervisor_version_requires: 'img_hv_requested_version',
  hypervisor_type: 'img_hv_type',
};

const TRUE_STRINGS = ['1', 't', 'true', 'on', 'y', 'yes'];

function coerce(kind: Kind, value: string | number | boolean): string | number | boolean {
  const text = typeof value === 'string' ? value : pyStr(value);
  switch (kind) {
    case 'bool':
      return typeof value === 'boolean' ? value : TRUE_STRINGS.includes(text.trim().toLowerCase());
    case 'int':
      return typeof value === 'number' ? Math.trunc(value) : (pyInt(text) ?? text);
    case 'arch':
      return canonicalArch(text) ?? text;
    case 'hv':
      return canonicalHvType(text) ?? text;
    case 'vm':
      return canonicalVmMode(text) ?? text;
    default:
      return text;
  }
}

/** Whether `name` is one of nova's image property fields. */
export function isImageProperty(name: string): boolean {
  return Object.hasOwn(FIELDS, name);
}

/**
 * The image's properties as nova's `ImageMetaProps` holds them: legacy names first, then current
 * names (which win), unknown names dropped, values coerced to the field's type.
 */
export function imageMetaProps(image: ImageMeta | null): ReadonlyMap<string, string | number | boolean> {
  if (image === null) return NO_PROPS;
  // the filters that read them ask once per request (their `verdictFor`), not once per host
  const out = new Map<string, string | number | boolean>();
  const props = image.properties;
  for (const [legacy, current] of LEGACY_ENTRIES) {
    if (Object.hasOwn(props, legacy)) out.set(current, coerce(FIELDS[current] as Kind, props[legacy] as string));
  }
  for (const [key, value] of Object.entries(props)) {
    const kind = FIELDS[key];
    if (kind !== undefined && key !== 'traits_required') out.set(key, coerce(kind, value));
  }
  return out;
}

const NO_PROPS: ReadonlyMap<string, string | number | boolean> = new Map();

/** {@link LEGACY}'s pairs, listed once (the filters read an image's properties per request). */
const LEGACY_ENTRIES: readonly (readonly [string, string])[] = Object.entries(LEGACY);

/** A StrictVersion: `major.minor[.patch][{a|b}N]`. */
interface StrictVersion {
  readonly parts: readonly [number, number, number];
  readonly pre: readonly [string, number] | null;
}

function strictVersion(text: string): StrictVersion | null {
  const m = /^(\d+)\.(\d+)(\.(\d+))?(([ab])(\d+))?$/.exec(text);
  if (m === null) return null;
  return {
    parts: [Number(m[1]), Number(m[2]), m[4] === undefined ? 0 : Number(m[4])],
    pre: m[6] === undefined ? null : [m[6], Number(m[7])],
  };
}

function compareVersions(a: StrictVersion, b: StrictVersion): number {
  for (let i = 0; i < 3; i++) {
    const d = (a.parts[i] as number) - (b.parts[i] as number);
    if (d !== 0) return d;
  }
  if (a.pre === null || b.pre === null) return (a.pre === null ? 1 : 0) - (b.pre === null ? 1 : 0);
  if (a.pre[0] !== b.pre[0]) return a.pre[0] < b.pre[0] ? -1 : 1;
  return a.pre[1] - b.pre[1];
}

const COMPARE: Readonly<Record<string, (d: number) => boolean>> = {
  '<': (d) => d < 0,
  '<=': (d) => d <= 0,
  '==': (d) => d === 0,
  '>': (d) => d > 0,
  '>=': (d) => d >= 0,
  '!=': (d) => d !== 0,
};

/**
 * Parses a version predicate such as `>=6.0,<6.2` (distutils' `VersionPredicate`, which
 * `img_hv_requested_version` uses); `null` when it is malformed.
 */
export function parseVersionPredicate(text: string): ((version: string) => boolean) | null {
  const preds: [string, StrictVersion][] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(<=|>=|<|>|!=|==)\s*([^\s,]+)\s*$/.exec(part);
    const v = m === null ? null : strictVersion(m[2] as string);
    if (m === null || v === null) return null;
    preds.push([m[1] as string, v]);
  }
  return (version) => {
    const v = strictVersion(version);
    if (v === null) return false;
    return preds.every(([op, other]) => (COMPARE[op] as (d: number) => boolean)(compareVersions(v, other)));
  };
}

/** `versionutils.convert_version_to_str`: 7002000 → `7.2.0`. */
export function versionToString(version: number): string {
  const parts: number[] = [];
  let v = version;
  while (v !== 0) {
    parts.unshift(v % 1000);
    v = Math.floor(v / 1000);
  }
  return parts.join('.');
}
