/**
 * Cinder's services and pools on the hardware: every host with the `storage` role runs
 * `cinder-volume` for each configured backend (`<host>@<backend>`, one service per backend, as
 * `enabled_backends` makes one process per section), reporting the backend's pools
 * (`<host>@<backend>#<pool>`); hosts with the `controller` role run `cinder-scheduler` and, when
 * backups are enabled, `cinder-backup` (DevStack's `c-sch`, `c-bak`). A service is `up` while its
 * host runs, and for `service_down_time` (60 s) after its last heartbeat (`cinder/utils.py`
 * `service_is_up`). `cinder-api` is a WSGI application, not a service row: Zed's `os-services`
 * never lists it.
 *
 * Pool statistics are what the drivers report (`get_volume_stats`): `total_capacity_gb` (LVM thin:
 * 95 % of the volume group, os-brick `_calculate_thin_pool_size`), `allocated_capacity_gb` and
 * `provisioned_capacity_gb` (the sizes of the pool's volumes), `free_capacity_gb` (thick: total
 * less what is allocated; thin: total less the blocks physically written), `reserved_percentage`,
 * `max_over_subscription_ratio`, `thin_provisioning_support`, `multiattach` (LVM and RBD; not NFS).
 */
import { Conflict, deleteRow, getRow, peek, setRow, tablePrefix, type CloudState, type Tx } from '../core/index.js';
import type { Host } from '../hardware/index.js';
import { BLOCK_SIZE } from './blocks.js';
import { pyRound2 } from './scheduler/capacity.js';
import { invalidInput } from './errors.js';
import type { BackendSpec, PoolRow, ServiceRow } from './types.js';

const GIB = 2 ** 30;

/** Per-driver facts a driver reports (`vendor_name`, `driver_version`, `storage_protocol`). */
const DRIVER_FACTS: Readonly<Record<BackendSpec['driver'], { vendor_name: string; driver_version: string; storage_protocol: string; thick: boolean }>> = {
  lvm: { vendor_name: 'Open Source', driver_version: '3.0.0', storage_protocol: 'iSCSI', thick: true },
  rbd: { vendor_name: 'Open Source', driver_version: '1.2.0', storage_protocol: 'ceph', thick: false },
  nfs: { vendor_name: 'Open Source', driver_version: '1.4.0', storage_protocol: 'nfs', thick: true },
};

const round2 = pyRound2;

/** The AZ of a host's services: its topology AZ, else `storage_availability_zone`. */
export function zoneOf(s: CloudState, host: Host): string {
  return host.availability_zone ?? s.block.config.storage_availability_zone;
}

/** The backends a host runs: storage hosts, each backend whose `hosts` is unset or names it. */
export function backendsOn(s: CloudState, host: Host): BackendSpec[] {
  if (!host.roles.includes('storage')) return [];
  return s.block.config.backends.filter((b) => b.hosts === null || b.hosts.includes(host.name));
}

/** The service rows a host runs, by their `(binary, host)`. */
function wantedServices(s: CloudState, host: Host): { binary: ServiceRow['binary']; host: string }[] {
  const out: { binary: ServiceRow['binary']; host: string }[] = [];
  if (host.roles.includes('controller')) {
    out.push({ binary: 'cinder-scheduler', host: host.name });
    if (s.block.config.backup_enabled) out.push({ binary: 'cinder-backup', host: host.name });
  }
  for (const b of backendsOn(s, host)) out.push({ binary: 'cinder-volume', host: `${host.name}@${b.name}` });
  return out;
}

const serviceKey = (binary: string, host: string): string => `${binary}/${host}`;

/**
 * The services on one hardware host, in key order, by key rather than by a scan of the table
 * (adding a host looked at every service: quadratic over a datacenter's build). A service's
 * `host` is the hardware host's name (`cinder-backup`, `cinder-scheduler`) or `<name>@<backend>`
 * (`cinder-volume`), as {@link wantedServices} makes them, and hosts are never renamed.
 */
export function servicesOn(s: CloudState, hostName: string): ServiceRow[] {
  const services = peek(s, 'block', 'services');
  const out: ServiceRow[] = [];
  for (const binary of ['cinder-backup', 'cinder-scheduler'] as const) {
    const row = getRow(services, serviceKey(binary, hostName));
    if (row !== undefined && row.hardware_host === hostName) out.push(row);
  }
  for (const [, row] of tablePrefix(services, serviceKey('cinder-volume', `${hostName}@`))) if (row.hardware_host === hostName) out.push(row);
  return out;
}

/** The pools on one hardware host (keys `<name>@<backend>#<pool>`), in key order, by key. */
export function poolsOn(s: CloudState, hostName: string): PoolRow[] {
  const out: PoolRow[] = [];
  for (const [, pool] of tablePrefix(peek(s, 'block', 'pools'), `${hostName}@`)) if (pool.hardware_host === hostName) out.push(pool);
  return out;
}

/** Starts the services and pools a host's roles call for; stops those it no longer runs (refused while a pool holds volumes). */
export function syncHostServices(tx: Tx, host: Host): void {
  const s = tx.draft as CloudState;
  const now = tx.now();
  const wanted = wantedServices(s, host);
  for (const row of servicesOn(s, host.name)) {
    if (!wanted.some((w) => w.binary === row.binary && w.host === row.host)) dropService(tx, row);
  }
  for (const w of wanted) {
    if (getRow(s.block.services, serviceKey(w.binary, w.host)) !== undefined) continue;
    const id = s.block.next_service_id;
    (tx.draft.block as { next_service_id: number }).next_service_id = id + 1;
    const row: ServiceRow = { id, binary: w.binary, host: w.host, hardware_host: host.name, zone: zoneOf(s, host), disabled: false, disabled_reason: null, frozen: false, reporting: host.state !== 'down', created_at: now, updated_at: now };
    setRow(tx.draft.block.services, serviceKey(w.binary, w.host), row);
  }
  for (const b of backendsOn(s, host)) {
    for (const poolName of b.pools) {
      const name = `${host.name}@${b.name}#${poolName}`;
      if (getRow(s.block.pools, name) !== undefined) continue;
      const facts = DRIVER_FACTS[b.driver];
      const total = b.driver === 'lvm' && b.thin ? round2(b.size_gb * 0.95) : b.size_gb;
      const pool: PoolRow = {
        name,
        backend: `${host.name}@${b.name}`,
        pool_name: poolName,
        hardware_host: host.name,
        backend_name: b.name,
        driver: b.driver,
        volume_backend_name: b.volume_backend_name,
        storage_protocol: facts.storage_protocol,
        vendor_name: facts.vendor_name,
        driver_version: facts.driver_version,
        availability_zone: zoneOf(s, host),
        total_capacity_gb: total,
        reserved_percentage: b.reserved_percentage,
        max_over_subscription_ratio: b.max_over_subscription_ratio,
        thin_provisioning_support: b.thin,
        thick_provisioning_support: !b.thin && facts.thick,
        // LVM (`lvm.py` `multiattach=True`) and RBD (`rbd.py` `'multiattach': True`) report it; the NFS
        // driver's stats (`nfs.py` / `remotefs.py` `_update_volume_stats`) have no `multiattach`: False
        multiattach: b.driver !== 'nfs',
        allocated_capacity_gb: 0,
        provisioned_capacity_gb: 0,
        written_blocks: 0,
      };
      setRow(tx.draft.block.pools, name, pool);
    }
  }
}

function dropService(tx: Tx, row: ServiceRow): void {
  if (row.binary === 'cinder-volume') {
    for (const pool of poolsOn(tx.draft as CloudState, row.hardware_host)) {
      if (pool.backend !== row.host) continue;
      if (pool.allocated_capacity_gb > 0) throw new Conflict('block.pool.in_use', `Pool ${pool.name} still holds volumes (${pool.allocated_capacity_gb} GB): migrate or delete them first.`, { pool: pool.name });
      deleteRow(tx.draft.block.pools, pool.name);
    }
  }
  deleteRow(tx.draft.block.services, serviceKey(row.binary, row.host));
}

/** A host is being removed: refused while its pools hold volumes; its services and pools go. */
export function removeHostServices(tx: Tx, host: Host): void {
  for (const row of servicesOn(tx.draft as CloudState, host.name)) dropService(tx, row);
}

/** A host went down or came back: its services stop heartbeating (last heartbeat now) or start again. */
export function hostStateChanged(tx: Tx, before: Host, after: Host): void {
  const down = after.state === 'down';
  if ((before.state === 'down') === down) return;
  const now = tx.now();
  for (const row of servicesOn(tx.draft as CloudState, after.name)) {
    setRow(tx.draft.block.services, serviceKey(row.binary, row.host), { ...row, reporting: !down, updated_at: now });
  }
}

/** `service_is_up`: the host runs, or the last heartbeat is within `service_down_time`. */
export function serviceUp(s: CloudState, row: ServiceRow): boolean {
  return row.reporting || s.meta.clock.now - row.updated_at <= s.block.config.service_down_time;
}

/** A service row by binary and host. */
export function findService(s: CloudState, binary: ServiceRow['binary'], host: string): ServiceRow | undefined {
  return getRow(s.block.services, serviceKey(binary, host));
}

/** Whether the volume service of a pool (`host@backend#pool`) is up, enabled and not frozen: the scheduler considers only those (`host_manager`). */
export function poolActive(s: CloudState, pool: PoolRow): boolean {
  const svc = findService(s, 'cinder-volume', pool.backend);
  return svc !== undefined && !svc.disabled && !svc.frozen && serviceUp(s, svc);
}

/** A pool's `free_capacity_gb` as its driver reports it. */
export function freeCapacityGb(pool: PoolRow): number {
  if (pool.thin_provisioning_support) return round2(pool.total_capacity_gb - (pool.written_blocks * BLOCK_SIZE) / GIB);
  return round2(pool.total_capacity_gb - pool.allocated_capacity_gb);
}

/** Adds to a pool's counters (a volume placed, grown, removed; blocks written). Mutates. */
export function adjustPool(tx: Tx, poolName: string | null, gb: number, blocks = 0): void {
  if (poolName === null) return;
  const pool = getRow(tx.draft.block.pools, poolName);
  if (pool === undefined) return;
  setRow(tx.draft.block.pools, poolName, {
    ...pool,
    allocated_capacity_gb: pool.allocated_capacity_gb + gb,
    provisioned_capacity_gb: pool.provisioned_capacity_gb + gb,
    written_blocks: Math.max(0, pool.written_blocks + blocks),
  });
}

/** The backend (`host@backend`) of a volume host string `host@backend#pool`. */
export function backendOf(volumeHost: string): string {
  const i = volumeHost.indexOf('#');
  return i < 0 ? volumeHost : volumeHost.slice(0, i);
}

/** `assert_not_frozen` (`cinder/volume/api.py`): refused (400) when the backend holding `host` is frozen (`os-freeze_host`). */
export function assertNotFrozen(ctx: { readonly s: CloudState }, host: string | null): void {
  if (host === null) return;
  if (findService(ctx.s, 'cinder-volume', backendOf(host))?.frozen === true) throw invalidInput('host', 'Modification operations are not allowed on frozen storage backends.', 'block.backend.frozen');
}
