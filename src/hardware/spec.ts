/**
 * Checks of hardware descriptions (CPU, disks, NICs, host models, host specs). Each takes
 * `unknown` and throws `InvalidInput` naming the field, e.g. `hosts[2].cpu.cores_per_socket`.
 */
import { check, InvalidInput } from '../core/index.js';
import {
  DISK_TYPES,
  HOST_ROLES,
  HYPERVISOR_TYPES,
  NIC_NETWORKS,
  type CpuSpec,
  type DiskSpec,
  type HostModel,
  type HostRole,
  type HypervisorType,
  type NicSpec,
} from './types.js';

/** Hostnames: letters, digits, `.`, `-`, `_`, starting with a letter or digit (nova's `host`). */
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A hostname (1..255 characters of letters, digits, `.`, `-`, `_`). */
export function checkHostname(value: unknown, field: string): string {
  const name = check.name(value, field, 255);
  if (!HOSTNAME.test(name)) throw new InvalidInput(field, `'${name}' is not a valid hostname: use letters, digits, '.', '-' and '_', starting with a letter or digit.`);
  return name;
}

/** A zone, region or rack name: 1..255 characters; nova refuses ':' in AZ names. */
export function checkZoneName(value: unknown, field: string): string {
  const name = check.name(value, field, 255);
  if (name.includes(':')) throw new InvalidInput(field, `'${name}' must not contain ':' (nova reserves it for 'zone:host' requests).`);
  return name;
}

/** A CPU description; every count at least 1. */
export function checkCpu(value: unknown, field: string): CpuSpec {
  const cpu = check.record(value, field);
  check.onlyKeys(cpu, ['model', 'sockets', 'cores_per_socket', 'threads_per_core', 'mhz', 'flags'], field);
  return {
    model: check.optional(cpu.model, `${field}.model`, (x, f) => check.name(x, f), 'Generic x86_64'),
    sockets: check.integer(cpu.sockets, `${field}.sockets`, 1, 64),
    cores_per_socket: check.integer(cpu.cores_per_socket, `${field}.cores_per_socket`, 1, 1024),
    threads_per_core: check.optional(cpu.threads_per_core, `${field}.threads_per_core`, (x, f) => check.integer(x, f, 1, 8), 1),
    mhz: check.optional(cpu.mhz, `${field}.mhz`, (x, f) => check.integer(x, f, 1, 100_000), 2400),
    flags: check.optional(cpu.flags, `${field}.flags`, (x, f) => checkFlags(x, f), []),
  };
}

function checkFlags(value: unknown, field: string): string[] {
  const flags = check.array(value, field, (x, f) => {
    const flag = check.name(x, f, 64);
    if (!/^[a-z0-9_.]+$/.test(flag)) throw new InvalidInput(f, `'${flag}' is not a CPU flag: use lowercase letters, digits, '_' and '.', as /proc/cpuinfo does.`);
    return flag;
  }, 512);
  return [...new Set(flags)].sort();
}

/** A list of disks with unique device names. */
export function checkDisks(value: unknown, field: string): DiskSpec[] {
  const disks = check.array(value, field, (x, f) => {
    const d = check.record(x, f);
    check.onlyKeys(d, ['name', 'size_gb', 'type'], f);
    return {
      name: check.name(d.name, `${f}.name`, 64),
      size_gb: check.integer(d.size_gb, `${f}.size_gb`, 1),
      type: check.optional(d.type, `${f}.type`, (t, tf) => check.oneOf(t, DISK_TYPES, tf), 'ssd'),
    };
  }, 256);
  unique(disks.map((d) => d.name), field, 'disk name');
  return disks;
}

/** A list of NICs with unique interface names. */
export function checkNics(value: unknown, field: string): NicSpec[] {
  const nics = check.array(value, field, (x, f) => {
    const n = check.record(x, f);
    check.onlyKeys(n, ['name', 'speed_mbps', 'network'], f);
    return {
      name: check.name(n.name, `${f}.name`, 64),
      speed_mbps: check.integer(n.speed_mbps, `${f}.speed_mbps`, 1),
      network: check.oneOf(n.network, NIC_NETWORKS, `${f}.network`),
    };
  }, 64);
  unique(nics.map((n) => n.name), field, 'interface name');
  return nics;
}

function unique(names: readonly string[], field: string, what: string): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) throw new InvalidInput(`${field}[${i}].name`, `duplicate ${what} '${n}'.`);
    seen.add(n);
  });
}

/** Host roles: a non-empty list of distinct known roles. */
export function checkRoles(value: unknown, field: string): HostRole[] {
  const roles = check.array(value, field, (x, f) => check.oneOf(x, HOST_ROLES, f), 4);
  if (roles.length === 0) throw new InvalidInput(field, `give at least one role of ${HOST_ROLES.join(', ')}.`);
  return HOST_ROLES.filter((r) => roles.includes(r));
}

/** A hypervisor type. */
export function checkHypervisorType(value: unknown, field: string): HypervisorType {
  return check.oneOf(value, HYPERVISOR_TYPES, field);
}

/** The fields of a host model present in `obj` (used for models and for inline host hardware). */
export const MODEL_KEYS = ['cpu', 'memory_mb', 'disks', 'nics', 'hypervisor_type'] as const;

/** A complete host model. */
export function checkHostModel(value: unknown, field: string, extraKeys: readonly string[] = []): HostModel {
  const m = check.record(value, field);
  check.onlyKeys(m, [...MODEL_KEYS, ...extraKeys], field);
  return {
    cpu: checkCpu(m.cpu, `${field}.cpu`),
    memory_mb: check.integer(m.memory_mb, `${field}.memory_mb`, 0),
    disks: check.optional(m.disks, `${field}.disks`, checkDisks, []),
    nics: check.optional(m.nics, `${field}.nics`, checkNics, []),
    hypervisor_type: check.optional(m.hypervisor_type, `${field}.hypervisor_type`, checkHypervisorType, 'QEMU'),
  };
}

/** Refuses a compute host that could never run an instance (no RAM). */
export function checkComputeCapable(roles: readonly HostRole[], memory_mb: number, field: string): void {
  if (roles.includes('compute') && memory_mb <= 0) {
    throw new InvalidInput(`${field}.memory_mb`, 'a compute host needs RAM: give memory_mb >= 1.');
  }
}
