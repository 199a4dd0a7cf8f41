/**
 * Nova's commands for the shared model-based suite. Servers are booted, acted on and deleted in
 * the other suites' projects, so that what nova does to Neutron and Cinder lands in their models
 * too: the network suite's projects (`net-a`, `net-b`, users `net-ua`, `net-ub`, reader `net-ra`)
 * boot from the image with `networks` `'auto'`, `[{ uuid }]`, `[{ port }]` (a port of the network
 * model) or `'none'`, and attach and detach interfaces; the block suite's projects (`blk-a`,
 * `blk-b`, users `blk-ua`, `blk-ub`, reader `blk-ra`) boot from the image or from a volume nova
 * makes of it (`block_device_mapping_v2` source image → volume, `delete_on_termination` either
 * way) with `networks: 'none'` (or `'auto'`, which finds no network there), and attach and detach
 * volumes of the block model. (A server cannot have both: the network model holds only `net-*`
 * resources, the block model only `blk-*` ones, and each checks that the cloud holds exactly its
 * resources.) Every command is tried by the owner, by the other project's member (404 on what it
 * may not see), by the reader (403 on writes), with an expired token (401: the clock moves past
 * the token lifetime) and a revoked one (401); a refused call leaves `cloud.state` the very same
 * object.
 *
 * Where servers live: two compute hosts of this suite's own, `cmp-1` and `cmp-2`, in the zone
 * `cmp-az` (outside the hardware commands' names, so no host a server is on is removed, failed or
 * shrunk); every boot asks for `cmp-az`. They are small and the projects' quotas are small
 * (`instances` / `cores` / `ram`; net-b's Neutron `port` quota is full once its starting server
 * has its port), so "No valid host was found" (ERROR in cell0), nova's 403 `TooManyInstances`
 * and `PortLimitExceeded`, and a build whose port finds no address (ERROR) come up; a server
 * group (affinity, anti-affinity, soft-anti-affinity) may take a boot, and the model predicts
 * where the group's policy lets it land.
 *
 * The model predicts each answer in nova's order of checks (token, body, policy, the server
 * (404), the lock, host and state guards (409), the action's own checks, quota) and, tasks being
 * drained at once (`progression: 'immediate'`), the server's state after the call.
 *
 * Invariants after every step of every module (those the issue names): each host's Placement
 * usage is the sum of the flavors of the servers on it (the harness's placement check: servers
 * join `model.instances`) and every live non-ERROR server holds exactly its flavor on its host; no
 * compute provider of this suite is over its capacity; nova's quota usage (`instances`, `cores`,
 * `ram`) is the model's live servers; every live non-ERROR server has exactly one host (the
 * `host_servers` index agrees) and each of its ports is bound there (`binding:host_id` the host,
 * `device_id` the server); an ERROR server has no host, no allocation, no port; every attached
 * volume is `in-use` with an `attached` attachment naming the server, and the server's block
 * device mappings list it; a deleted server holds no allocation, no port nova made, no
 * attachment, no `host_servers` entry; no row of `compute.servers` shows a (vm_state, task_state,
 * power_state) outside `REACHABLE_STATES` (`isReachable`); metadata, tags and the lock are the
 * model's.
 *
 * Moves (issue 15): resize / confirm / revert, shelve / unshelve by the projects' members (and the
 * admin), cold and live migration and shelveOffload by the admin (`CmpMove`, `CmpAdminMove`), each
 * tried by the four hostile actors (404 for another project's member, 403 for the reader and for
 * the owner's member on an ADMIN policy, 401 expired or revoked); a host outage (`CmpOutage`: fail,
 * `service_down_time`, evacuate every server there, recover) in one step. After each, the model
 * follows the server (its allocation and a resized server's migration consumer in the harness's
 * `instances`, its ports' host, its volumes' new attachments), and {@link moveProblems} holds the
 * move invariants (also run by tests/compute/moves.properties.test.ts).
 *
 * Other suites may reach what nova holds, as an operator or a user may in a real cloud: the
 * scheduler suite's `deleteInstance` deletes a consumer's allocations in Placement (a server's
 * too), the network suite deletes or rebinds ports (a server's too), the block suite deletes or
 * re-updates attachments (a server's too). Such a resource is "taken away" from then on: the
 * model stops checking that server's allocation, that port's binding, that volume's attachment,
 * and predicts what nova does when it meets the gap (it deletes a server all the same).
 *
 * A command whose session method is still a stub ("…: not written yet") or whose call casts a
 * task kind src/compute/service.ts does not register yet is skipped by its `check`, never passed
 * in its `run`: the setup probes each method once (a call it refuses) and asks the kernel for the
 * task kinds; {@link stubbedCommands} lists what is skipped and why, and cloud.model.test.ts
 * prints it and leaves those kinds out of its "every command ran" count. Nothing needs removing
 * when a stub is filled in: the probe then finds it written and the command runs.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { CloudError, type Cloud, type Session } from '../../src/index.js';
import { getRow, tableEntries, tablePrefix, tableToArray } from '../../src/core/index.js';
import { ACTION_STATES, FINISHED_MIGRATION_STATUSES, isReachable, stateAllows, type ComputeAction, type MigrationRow, type ServerRow, type TaskState, type VmState } from '../../src/compute/index.js';
import { flavorResources } from '../../src/compute/boot.js';
import { allocationsOf } from '../../src/scheduler/index.js';
import { INSTANCE_ACTION_TASK } from '../../src/compute/server_actions.js';
import { ATTACH_VOLUME_TASK, DETACH_VOLUME_TASK } from '../../src/compute/volume_attachments.js';
import { DETACH_INTERFACE_TASK } from '../../src/compute/interfaces.js';
import { registerCommands, registerInvariants, registerSetup, type CloudCommand, type CloudModel, type CloudReal } from './harness.js';
import type { NetworkModel } from './network.commands.js';
import type { BlockModel } from './block.commands.js';

// ------------------------------------------------------------------ the model

/** Which suite's projects: the network suite's (`net-*`) or the block suite's (`blk-*`). */
type Fam = 'n' | 'b';
type Proj = 'a' | 'b';
type Actor = 'ua' | 'ub' | 'ra' | 'expired' | 'revoked';
type FlavorName = 'cmp.tiny' | 'cmp.wide';
type GroupPolicy = 'affinity' | 'anti-affinity' | 'soft-anti-affinity';
type NetMode = 'auto' | 'uuid' | 'port' | 'none';

interface MVif {
  port: string;
  /** Whether nova made the port (deleted with the server) rather than taking the user's. */
  created: boolean;
}

interface MVolume {
  volume: string;
  attachment: string;
  dot: boolean;
  /** The boot volume (boot_index 0): not detachable. */
  root: boolean;
}

interface MServer {
  fam: Fam;
  project: Proj;
  flavor: FlavorName;
  vm: VmState;
  task: TaskState | null;
  /** The compute host, null for a server that never got one (ERROR). */
  host: string | null;
  launched: boolean;
  locked: boolean;
  bfv: boolean;
  group: string | null;
  vifs: MVif[];
  volumes: MVolume[];
  metadata: Record<string, string>;
  tags: string[];
  /** The migration consumers holding something for it (a resized server's source), keys of the harness's `instances`. */
  migrations: string[];
}

/** What a deleted server held: checked to be gone. */
interface MGone {
  created: string[];
  attachments: string[];
}

interface MGroup {
  fam: Fam;
  project: Proj;
  policy: GroupPolicy;
}

/** What the compute commands believe. */
export interface ComputeModel {
  ids: Record<Fam, Record<Proj, string>>;
  image: string;
  /** The image's bytes (a volume made of it holds them). */
  imageBytes: number[];
  flavors: Record<FlavorName, string>;
  servers: Record<string, MServer>;
  gone: Record<string, MGone>;
  groups: Record<string, MGroup>;
}

declare module './harness.js' {
  interface CloudModel {
    compute?: ComputeModel;
  }
}

/** This suite's compute hosts, in its own zone. */
const CMP_HOSTS = ['cmp-1', 'cmp-2'] as const;
const CMP_AZ = 'cmp-az';
const CMP_MEMORY: Readonly<Record<(typeof CMP_HOSTS)[number], number>> = { 'cmp-1': 3072, 'cmp-2': 2560 };
const FLAVORS: Readonly<Record<FlavorName, { id: string; vcpus: number; ram: number; disk: number }>> = {
  'cmp.tiny': { id: 'cmp-tiny', vcpus: 1, ram: 512, disk: 1 },
  'cmp.wide': { id: 'cmp-wide', vcpus: 4, ram: 2048, disk: 2 },
};
/** Nova's quotas of the projects (the rest keep nova's defaults). */
const LIMITS: Readonly<Record<Proj, { instances: number; cores: number; ram: number }>> = {
  a: { instances: 5, cores: 8, ram: 4096 },
  b: { instances: 2, cores: 4, ram: 4096 },
};
const USERS: Readonly<Record<Fam, { password: string; ua: readonly [string, string]; ub: readonly [string, string]; ra: readonly [string, string] }>> = {
  n: { password: 'net-pw', ua: ['net-ua', 'net-a'], ub: ['net-ub', 'net-b'], ra: ['net-ra', 'net-a'] },
  b: { password: 'blk-pw', ua: ['blk-ua', 'blk-a'], ub: ['blk-ub', 'blk-b'], ra: ['blk-ra', 'blk-a'] },
};
/** The block suite's own volume host (its pool is where every volume must land). */
const BLK_NODE = 'blk-node';
const IMAGE_BYTES = Array.from({ length: 48 }, (_, i) => (i * 29 + 7) & 0xff);

const sorted = (rec: Record<string, unknown>): string[] => Object.keys(rec).sort();
function nth<T>(list: readonly T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[n % list.length];
}
const liveOf = (cm: ComputeModel, fam?: Fam): string[] => sorted(cm.servers).filter((id) => fam === undefined || cm.servers[id]!.fam === fam);

// ------------------------------------------------------------------ stubs

/** Which session methods are still stubs (probed once per process, in the setup). */
const written = new Map<string, boolean>();
/** Each command kind and the session methods it needs. */
const NEEDS: Readonly<Record<string, readonly string[]>> = {
  CmpBoot: ['createServer', 'getServer'],
  CmpDelete: ['deleteServer'],
  CmpAction: ['stopServer', 'startServer', 'rebootServer', 'pauseServer', 'unpauseServer', 'suspendServer', 'resumeServer', 'lockServer', 'unlockServer', 'rescueServer', 'unrescueServer'],
  CmpMetadata: ['setServerMetadataItem', 'updateServerMetadata', 'deleteServerMetadataItem'],
  CmpTags: ['addServerTag', 'deleteServerTag', 'replaceServerTags', 'deleteServerTags'],
  CmpAttachVolume: ['attachVolume'],
  CmpDetachVolume: ['detachVolume'],
  CmpAttachInterface: ['attachInterface'],
  CmpDetachInterface: ['detachInterface'],
  CmpCreateGroup: ['createServerGroup'],
  CmpList: ['listServers'],
  CmpMove: ['resizeServer', 'confirmResize', 'revertResize', 'shelveServer', 'unshelveServer'],
  CmpAdminMove: ['migrateServer', 'liveMigrateServer', 'shelveOffloadServer'],
  CmpOutage: ['evacuateServer'],
};
/** The nova-compute task kinds a command's calls cast (registered in src/compute/service.ts once wired). */
const CASTS: Readonly<Record<string, readonly string[]>> = {
  CmpAction: [INSTANCE_ACTION_TASK],
  CmpAttachVolume: [ATTACH_VOLUME_TASK],
  CmpDetachVolume: [DETACH_VOLUME_TASK],
  CmpDetachInterface: [DETACH_INTERFACE_TASK],
};
/** Which of those task kinds the kernel has a handler for (probed once per process). */
const registered = new Map<string, boolean>();
const FAKE = 'ffffffff-0000-4000-8000-00000000cafe';
/** A call each method answers with a refusal once written (a stub throws "not written yet" whatever it gets). */
const PROBES: Readonly<Record<string, (s: Session) => unknown>> = {
  createServer: (s) => s.compute.createServer({} as never),
  getServer: (s) => s.compute.getServer(FAKE),
  deleteServer: (s) => s.compute.deleteServer(FAKE),
  stopServer: (s) => s.compute.stopServer(FAKE),
  startServer: (s) => s.compute.startServer(FAKE),
  rebootServer: (s) => s.compute.rebootServer(FAKE, { type: 'SOFT' }),
  pauseServer: (s) => s.compute.pauseServer(FAKE),
  unpauseServer: (s) => s.compute.unpauseServer(FAKE),
  suspendServer: (s) => s.compute.suspendServer(FAKE),
  resumeServer: (s) => s.compute.resumeServer(FAKE),
  lockServer: (s) => s.compute.lockServer(FAKE),
  unlockServer: (s) => s.compute.unlockServer(FAKE),
  rescueServer: (s) => s.compute.rescueServer(FAKE),
  unrescueServer: (s) => s.compute.unrescueServer(FAKE),
  setServerMetadataItem: (s) => s.compute.setServerMetadataItem(FAKE, 'k', { meta: { k: 'v' } }),
  deleteServerMetadataItem: (s) => s.compute.deleteServerMetadataItem(FAKE, 'k'),
  updateServerMetadata: (s) => s.compute.updateServerMetadata(FAKE, { metadata: { k: 'v' } }),
  addServerTag: (s) => s.compute.addServerTag(FAKE, 't'),
  deleteServerTag: (s) => s.compute.deleteServerTag(FAKE, 't'),
  replaceServerTags: (s) => s.compute.replaceServerTags(FAKE, { tags: [] }),
  deleteServerTags: (s) => s.compute.deleteServerTags(FAKE),
  attachVolume: (s) => s.compute.attachVolume(FAKE, { volumeId: FAKE }),
  detachVolume: (s) => s.compute.detachVolume(FAKE, FAKE),
  attachInterface: (s) => s.compute.attachInterface(FAKE, {}),
  detachInterface: (s) => s.compute.detachInterface(FAKE, FAKE),
  createServerGroup: (s) => s.compute.createServerGroup({} as never),
  listServers: (s) => s.compute.listServers({ limit: 'x' } as never),
  resizeServer: (s) => s.compute.resizeServer(FAKE, { flavorRef: 'x' }),
  confirmResize: (s) => s.compute.confirmResize(FAKE),
  revertResize: (s) => s.compute.revertResize(FAKE),
  migrateServer: (s) => s.compute.migrateServer(FAKE, null),
  liveMigrateServer: (s) => s.compute.liveMigrateServer(FAKE, { host: null, block_migration: 'auto' }),
  shelveServer: (s) => s.compute.shelveServer(FAKE),
  shelveOffloadServer: (s) => s.compute.shelveOffloadServer(FAKE),
  unshelveServer: (s) => s.compute.unshelveServer(FAKE, null),
  evacuateServer: (s) => s.compute.evacuateServer(FAKE, {}),
};

function probeStubs(r: CloudReal): void {
  if (written.size > 0) return;
  for (const kind of Object.values(CASTS).flat()) registered.set(kind, r.cloud.kernel.hasTask(kind));
  const admin = r.cloud.admin;
  void admin.token;
  for (const [method, probe] of Object.entries(PROBES)) {
    const before = r.cloud.state;
    try {
      probe(admin);
      written.set(method, true);
    } catch (e) {
      written.set(method, !(e instanceof Error && /not written yet/.test(e.message)));
    }
    // a probe changes nothing (a refusal, or a read)
    expect(r.cloud.state, `probe of ${method}`).toBe(before);
  }
}

function isWritten(kind: string): boolean {
  return (NEEDS[kind] ?? []).every((m) => written.get(m) === true) && (CASTS[kind] ?? []).every((t) => registered.get(t) === true);
}

/**
 * The command kinds skipped because a session method they need is still a stub, or a task kind
 * their calls cast has no handler yet (known once the setup ran), each with the reason.
 */
export function stubbedCommands(): string[] {
  if (written.size === 0) return [];
  return Object.keys(NEEDS)
    .filter((k) => !isWritten(k))
    .map((k) => {
      const stubs = (NEEDS[k] ?? []).filter((m) => written.get(m) !== true);
      const tasks = (CASTS[k] ?? []).filter((t) => registered.get(t) !== true);
      return `${k} (${[...stubs.map((m) => `${m} is a stub`), ...tasks.map((t) => `task kind ${t} not registered`)].join(', ')})`;
    });
}

// ------------------------------------------------------------------ actors and answers

type Rel = 'owner' | 'other' | 'reader' | 'unauth';

const actorProject = (actor: Actor): Proj => (actor === 'ub' ? 'b' : 'a');

function rel(actor: Actor, owner: Proj): Rel {
  if (actor === 'expired' || actor === 'revoked') return 'unauth';
  if (owner !== actorProject(actor)) return 'other';
  return actor === 'ra' ? 'reader' : 'owner';
}

/** An expected answer: 0 for success, else the status (and the start of the code, when it matters). */
type Want = number | readonly [number, string];

/** The refusal every call on a server gets first: 401, 404 (may not see it), 403 (may see it, not change it). */
function gate(r: Rel): Want | undefined {
  return r === 'unauth' ? 401 : r === 'other' ? [404, 'compute.'] : r === 'reader' ? [403, 'compute.policy.forbidden'] : undefined;
}

/** A create's refusal before anything: 401, or 403 for a reader. */
function createGate(actor: Actor): Want | undefined {
  return actor === 'expired' || actor === 'revoked' ? 401 : actor === 'ra' ? [403, 'compute.policy.forbidden'] : undefined;
}

function login(r: CloudReal, fam: Fam, who: 'ua' | 'ub' | 'ra'): Session {
  const [username, project] = USERS[fam][who];
  return r.cloud.login({ username, password: USERS[fam].password, project });
}

/** The session of an actor: a fresh login, an expired one (the clock moves past its lifetime), a revoked one. */
function sessionOf(m: CloudModel, r: CloudReal, fam: Fam, actor: Actor): Session {
  let s: Session;
  if (actor === 'expired') {
    s = login(r, fam, 'ua');
    const lifetime = r.cloud.state.identity.config.token_expiration + 1;
    r.cloud.clock.advance(lifetime);
    m.now += lifetime;
  } else if (actor === 'revoked') {
    s = login(r, fam, 'ua');
    s.logout();
  } else s = login(r, fam, actor);
  void r.cloud.admin.token; // the admin session (re)authenticates outside the call under test
  return s;
}

/** How each compute command ended (call, answer), over the whole suite: printed by cloud.model.test.ts. */
const outcomes = new Map<string, number>();
/** The counts of {@link outcomes}, e.g. `cmp.stop 409 compute.server.invalid_state: 12`. */
export function computeOutcomes(): string[] {
  return [...outcomes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k}: ${n}`);
}
function tally(what: string, answer: string): void {
  const key = `${what.slice(0, what.indexOf('('))} ${answer}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
}

/** Runs a call the model predicted: success, or a CloudError with the status (and code) — and then the state is the same object. */
function attempt<T>(r: CloudReal, want: Want, call: () => T, what: string): T | undefined {
  const [status, code] = typeof want === 'number' ? [want, undefined] : want;
  tally(what, status === 0 ? 'ok' : `${status} ${code ?? ''}`);
  const before = r.cloud.state;
  let out: T;
  try {
    out = call();
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    expect(`${e.status} ${e.code}: ${e.message}`, what).toMatch(new RegExp(`^${status} ${(code ?? '').replace(/\./g, '\\.')}`));
    expect(r.cloud.state, `${what}: refused but committed`).toBe(before);
    return undefined;
  }
  expect(0, `${what}: succeeded, expected ${status}${code ? ` ${code}` : ''}`).toBe(status);
  return out;
}

/** Runs a call whose refusal may be one of several (Zed's answer where it differs from the house's, e.g. a 403 on another project's tags). */
function attemptAny<T>(r: CloudReal, wants: readonly Want[], call: () => T, what: string): T | undefined {
  const before = r.cloud.state;
  tally(what, wants.map((w) => (w === 0 ? 'ok' : typeof w === 'number' ? String(w) : w.join(' '))).join('|'));
  try {
    const out = call();
    expect(wants.some((w) => w === 0), `${what}: succeeded, expected ${JSON.stringify(wants)}`).toBe(true);
    return out;
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    const got = `${e.status} ${e.code}: ${e.message}`;
    const ok = wants.some((w) => {
      const [status, code] = typeof w === 'number' ? [w, ''] : w;
      return status !== 0 && got.startsWith(`${status} ${code}`);
    });
    expect(ok, `${what}: ${got}, expected one of ${JSON.stringify(wants)}`).toBe(true);
    expect(r.cloud.state, `${what}: refused but committed`).toBe(before);
    return undefined;
  }
}

/** Disables the volume service of every storage host but the block suite's own (as its commands do), so nova's volumes land in its pool. */
function pinVolumes(r: CloudReal): void {
  void r.cloud.admin.token;
  for (const svc of tableToArray(r.cloud.state.block.services)) {
    if (svc.binary === 'cinder-volume' && svc.hardware_host !== BLK_NODE && !svc.disabled) r.cloud.admin.block.updateService('disable', { binary: 'cinder-volume', host: svc.host });
  }
}

// ------------------------------------------------------------------ the other suites' models

type NetPort = NetworkModel['ports'][string];
type NetSubnet = NetworkModel['subnets'][string];

function ipValue(ip: string): bigint {
  if (!ip.includes(':')) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  const [head = '', tail] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The free addresses of a subnet's pools, per the network model's ports. */
function freeOn(nm: NetworkModel, subnetId: string): bigint {
  const sub = nm.subnets[subnetId]!;
  const inPools = (v: bigint): boolean => sub.pools.some(([a, b]) => ipValue(a) <= v && v <= ipValue(b));
  const size = sub.pools.reduce((n, [a, b]) => n + ipValue(b) - ipValue(a) + 1n, 0n);
  const used = new Set<bigint>();
  for (const p of Object.values(nm.ports)) for (const [sid, ip] of p.ips) if (sid === subnetId && inPools(ipValue(ip))) used.add(ipValue(ip));
  return size - BigInt(used.size);
}

const subnetsOf = (nm: NetworkModel, networkId: string): [string, NetSubnet][] => Object.entries(nm.subnets).filter(([, s]) => s.network === networkId);
const tenantNetworks = (nm: NetworkModel): string[] => Object.keys(nm.networks).filter((id) => id !== nm.publicNet).sort();
const userPorts = (nm: NetworkModel): string[] => Object.keys(nm.ports).filter((id) => nm.ports[id]!.kind === 'user').sort();

/** Whether Neutron's IPAM finds an address for a new port on the network (one per IP version with plain subnets). */
function addressable(nm: NetworkModel, networkId: string): boolean {
  for (const version of [4, 6] as const) {
    const plain = subnetsOf(nm, networkId).filter(([, s]) => s.version === version && !s.auto);
    if (plain.length > 0 && !plain.some(([sid]) => freeOn(nm, sid) > 0n)) return false;
  }
  return true;
}

/** The network model's port for one nova made (as the network suite records its own ports). */
function recordPort(r: CloudReal, nm: NetworkModel, portId: string, project: Proj, host: string): void {
  const row = getRow(r.cloud.state.network.ports, portId)!;
  const port: NetPort = { network: row.network_id, project, kind: 'user', mac: row.mac_address, ips: row.fixed_ips.map((f) => [f.subnet_id, f.ip_address] as [string, string]), requested: [], host, groups: [] };
  nm.ports[portId] = port;
  nm.defaults[project] = true;
}

/** A port nova deleted: out of the network model (its plain addresses to the freed list, its floating IPs disassociated), as the network suite's removePort does. */
function forgetPort(nm: NetworkModel, portId: string): void {
  const p = nm.ports[portId];
  if (p === undefined) return;
  if (p.network !== nm.publicNet) {
    for (const f of p.ips) {
      if (nm.subnets[f[0]]?.auto) continue;
      nm.freed.push([f[0], f[1]]);
      if (nm.freed.length > 8) nm.freed.shift();
    }
  }
  delete nm.ports[portId];
  for (const fip of Object.values(nm.fips)) if (fip.port === portId) Object.assign(fip, { port: null, fixed: null, router: null });
}

/** Whether a port of a server is still as nova left it (the network suite neither deleted nor rebound it). */
function portIntact(nm: NetworkModel | undefined, portId: string, host: string | null): boolean {
  const p = nm?.ports[portId];
  return p !== undefined && host !== null && p.host === host;
}

/** Whether an attachment of a server is still as nova left it (the block suite neither deleted nor re-updated it). */
function attachmentIntact(bm: BlockModel | undefined, attachmentId: string): boolean {
  return bm?.attachments[attachmentId]?.status === 'attached';
}

/** A volume's bytes by offset, for the block model. */
const bytesOf = (list: readonly number[]): Map<number, number> => new Map(list.map((b, i) => [i, b]));

// ------------------------------------------------------------------ placement

/** The free amount of each class on this suite's hosts (Placement's capacity less usage). */
function freeByHost(r: CloudReal): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const u of r.cloud.scheduler.usage()) {
    if (!(CMP_HOSTS as readonly string[]).includes(u.host) || u.state !== 'up') continue;
    out.set(u.host, Object.fromEntries(Object.entries(u.resources).map(([rc, x]) => [rc, x.free])));
  }
  return out;
}

/** What a server holds in Placement (`flavorResources`: no DISK_GB for a boot from volume). */
function resourcesOf(flavor: FlavorName, bfv: boolean): Record<string, number> {
  const f = FLAVORS[flavor];
  return bfv ? { VCPU: f.vcpus, MEMORY_MB: f.ram } : { VCPU: f.vcpus, MEMORY_MB: f.ram, DISK_GB: f.disk };
}

/** Live servers holding their allocation: in the harness's `instances` (the scheduler suite's deleteInstance may have taken it). */
function allocated(m: CloudModel, uuid: string): boolean {
  return m.instances.has(uuid);
}

// ------------------------------------------------------------------ commands

abstract class CmpCommand implements CloudCommand {
  check(m: Readonly<CloudModel>): boolean {
    return m.compute !== undefined && isWritten(this.constructor.name);
  }
  run(m: CloudModel, r: CloudReal): void {
    this.act(m.compute!, m, r);
  }
  abstract act(cm: ComputeModel, m: CloudModel, r: CloudReal): void;
  abstract toString(): string;
}

/** A command on one of the model's live servers (of one suite's projects, or any). */
abstract class OnServer extends CmpCommand {
  abstract readonly pick: number;
  readonly fam: Fam | undefined = undefined;
  override check(m: Readonly<CloudModel>): boolean {
    return super.check(m) && liveOf(m.compute!, this.fam).length > 0;
  }
  server(cm: ComputeModel): [string, MServer] {
    const id = nth(liveOf(cm, this.fam), this.pick)!;
    return [id, cm.servers[id]!];
  }
}

/** nova's guards (`guards.ts` order, from `ACTION_STATES`) on the model's server: the 409 or nothing. */
function guardWant(s: MServer, action: ComputeAction): Want | undefined {
  for (const guard of ACTION_STATES[action].guards) {
    if (guard === 'lock' && s.locked) return [409, 'compute.server.locked'];
    if (guard === 'host' && s.host === null) return [409, 'compute.server.not_ready'];
    if (guard === 'state' && stateAllows(action, s.vm, s.task, s.launched) !== null) return [409, 'compute.server.invalid_state'];
  }
  return undefined;
}

/** Expects the server's row to be as the model says after a call. */
function expectServer(r: CloudReal, id: string, s: MServer, what: string): void {
  const row = getRow(r.cloud.state.compute.servers, id)!;
  expect([row.vm_state, row.task_state, row.host, row.locked], `${what}: vm_state, task_state, host, locked`).toEqual([s.vm, s.task, s.host, s.locked]);
}

/**
 * `POST /servers` into this suite's zone: from the image (`imageRef`) or from a volume nova makes
 * of it (the block suite's projects), with a network form (the network suite's projects), maybe
 * into a server group; then the boot runs to its end.
 */
class CmpBoot extends CmpCommand {
  constructor(
    readonly fam: Fam,
    readonly bfv: boolean,
    readonly net: NetMode,
    readonly pick: number,
    readonly flavor: FlavorName,
    readonly group: number | null,
    readonly dot: boolean,
    readonly actor: Actor,
  ) {
    super();
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const nm = m.network;
    const bm = m.block;
    if (nm === undefined || bm === undefined) return;
    if (this.bfv) pinVolumes(r);
    const s = sessionOf(m, r, this.fam, this.actor);
    const p = actorProject(this.actor);
    const projectId = cm.ids[this.fam][p];
    const f = FLAVORS[this.flavor];
    // server_create.ts createServer (servers.py create, compute/api.py _validate_and_build_base_options,
    // _create_instance): the policy, the flavor and image, the zone, the networks and their port
    // quota (nova/network/neutron.py validate_networks), the group, the instances quota
    let want: Want | undefined = createGate(this.actor);
    let network: string | null = null;
    let port: string | null = null;
    // what the request names (whether or not the caller may use it)
    const named = this.net === 'uuid' ? nth(tenantNetworks(nm), this.pick) : this.net === 'port' ? nth(userPorts(nm), this.pick) : null;
    if (named === undefined) return;
    if (want === undefined && this.net === 'auto') {
      // the project's non-external networks (the network suite's admin networks are not shared)
      const own = tenantNetworks(nm).filter((id) => this.fam === 'n' && nm.networks[id]!.project === p && !nm.networks[id]!.external);
      if (own.length > 1) want = [409, 'compute.network.ambiguous'];
      else if (own.length === 0) want = [400, 'compute.network.auto_allocate'];
      else network = own[0]!;
    } else if (want === undefined && this.net === 'uuid') {
      const id = nth(tenantNetworks(nm), this.pick);
      if (id === undefined) return;
      const n = nm.networks[id]!;
      if (this.fam !== 'n' || n.project !== p) want = [400, 'compute.network.not_found'];
      else if (subnetsOf(nm, id).length === 0) want = [400, 'compute.network.requires_subnet'];
      else network = id;
    } else if (want === undefined && this.net === 'port') {
      const id = nth(userPorts(nm), this.pick);
      if (id === undefined) return;
      if (this.fam !== 'n' || nm.ports[id]!.project !== p) want = [400, 'compute.port.not_found'];
      else if (Object.values(cm.servers).some((x) => x.vifs.some((v) => v.port === id))) want = [409, 'compute.port.in_use'];
      else {
        port = id;
        network = nm.ports[id]!.network;
      }
    }
    // validate_networks' port quota: each instance needs a new port per network request without a port
    const portQuota = r.cloud.quotas.show(cm.ids.n[p], 'network').port;
    if (want === undefined && network !== null && port === null && portQuota !== undefined && portQuota.limit >= 0 && portQuota.in_use + 1 > portQuota.limit) want = [403, 'compute.quota.ports'];
    const groupId = this.group === null ? null : nth(sorted(cm.groups), this.group) ?? null;
    if (want === undefined && groupId !== null) {
      const g = cm.groups[groupId]!;
      const members = Object.values(cm.servers).filter((x) => x.group === groupId).length;
      if (g.fam !== this.fam || g.project !== p) want = [400, 'compute.server_group.not_found'];
      else if (members + 1 > 10) want = [403, 'compute.quota.server_group_members'];
    }
    if (want === undefined) {
      const mine = Object.values(cm.servers).filter((x) => x.fam === this.fam && x.project === p);
      const used = { instances: mine.length, cores: mine.reduce((n, x) => n + FLAVORS[x.flavor].vcpus, 0), ram: mine.reduce((n, x) => n + FLAVORS[x.flavor].ram, 0) };
      const limit = LIMITS[p];
      if (used.instances + 1 > limit.instances || used.cores + f.vcpus > limit.cores || used.ram + f.ram > limit.ram) want = [403, 'compute.quota.too_many_instances'];
    }
    // where it may land: this suite's hosts with room (Placement), within the group's policy
    const resources = resourcesOf(this.flavor, this.bfv);
    const free = freeByHost(r);
    const members = groupId === null ? [] : Object.values(cm.servers).filter((x) => x.group === groupId && x.host !== null).map((x) => x.host!);
    const policy = groupId === null ? null : cm.groups[groupId]!.policy;
    const candidates = [...free.entries()]
      .filter(([, fr]) => Object.entries(resources).every(([rc, n]) => (fr[rc] ?? 0) >= n))
      .map(([h]) => h)
      .filter((h) => (policy === 'affinity' && members.length > 0 ? members.includes(h) : policy === 'anti-affinity' ? !members.includes(h) : true));
    // what nova-compute meets: the port (Neutron's IPAM), the volume (Cinder's quota)
    const portFails = this.fam === 'n' && network !== null && port === null && !addressable(nm, network);
    const vq = r.cloud.quotas.show(cm.ids.b[p], 'volume');
    const over = (k: string, n: number): boolean => {
      const q = vq[k];
      return q !== undefined && q.limit >= 0 && q.in_use + n > q.limit;
    };
    const volumeFails = this.bfv && (over('volumes', 1) || over('gigabytes', 1) || over('volumes___DEFAULT__', 1) || over('gigabytes___DEFAULT__', 1));

    const body = {
      name: `cmp-${this.fam}${p}`,
      flavorRef: f.id,
      availability_zone: CMP_AZ,
      networks: this.net === 'auto' || this.net === 'none' ? this.net : this.net === 'port' ? [{ port: named! }] : [{ uuid: named! }],
      ...(this.bfv ? { block_device_mapping_v2: [{ uuid: cm.image, source_type: 'image' as const, destination_type: 'volume' as const, boot_index: 0, volume_size: 1, delete_on_termination: this.dot }] } : { imageRef: cm.image }),
      ...(groupId === null ? {} : { 'os:scheduler_hints': { group: groupId } }),
    };
    const what = `${this.toString()} → ${JSON.stringify(body)}`;
    const created = attempt(r, want ?? 0, () => s.compute.createServer(body), what);
    if (created === undefined) return;
    if (!('id' in created)) throw new Error(`${what}: no id in the answer`);
    const uuid = created.id;
    const row = getRow(r.cloud.state.compute.servers, uuid)!;
    const state = r.cloud.state;
    const server: MServer = { fam: this.fam, project: p, flavor: this.flavor, vm: 'active', task: null, host: row.host, launched: true, locked: false, bfv: this.bfv, group: groupId, vifs: [], volumes: [], metadata: {}, tags: [], migrations: [] };
    // the outcome nova reaches, in the order it meets the obstacles
    const fault = row.fault?.message ?? '';
    if (candidates.length === 0) {
      expect([row.vm_state, fault], `${what}: no host has room`).toEqual(['error', expect.stringMatching(/^No valid host was found/)]);
    } else if (portFails) {
      expect([row.vm_state, fault], `${what}: the port cannot be made`).toEqual(['error', expect.stringMatching(/Failed to allocate the network/)]);
    } else if (volumeFails) {
      expect([row.vm_state, fault], `${what}: Cinder's quota`).toEqual(['error', expect.stringMatching(/Failure prepping block device/)]);
    } else if (row.vm_state === 'error') {
      // the one obstacle the model does not foresee: Cinder's volume of the image ending in error (Swift unreadable)
      const bdm = tablePrefix(state.compute.bdms, `${uuid}/`)[0]?.[1];
      const vol = bdm?.volume_id ? getRow(state.block.volumes, bdm.volume_id) : undefined;
      expect(this.bfv && fault.length > 0 && (vol === undefined || vol.status === 'error'), `${what}: ERROR (${fault}) where the model expected ACTIVE`).toBe(true);
    } else {
      expect(row.vm_state, `${what}: ${fault}`).toBe('active');
      expect(candidates, `${what}: landed on ${row.host}`).toContain(row.host);
    }
    tally(this.toString(), `→ ${row.vm_state}${row.vm_state === 'error' ? ` (${fault.slice(0, 40)})` : ''}`);
    if (row.vm_state === 'error') {
      Object.assign(server, { vm: 'error', host: null, launched: false });
      expect([row.host, row.vifs.length, getRow(state.placement.allocations, uuid)], `${what}: an ERROR server holds nothing`).toEqual([null, 0, undefined]);
    } else {
      expect([row.task_state, row.power_state], `${what}: done`).toEqual([null, 1]);
      m.instances.set(uuid, { host: row.host!, vcpus: f.vcpus, memory_mb: f.ram });
    }
    // what nova made or took in Neutron and Cinder, into their models
    for (const vif of row.vifs) {
      server.vifs.push({ port: vif.port_id, created: !vif.preserve_on_delete });
      if (vif.preserve_on_delete) nm.ports[vif.port_id]!.host = row.host!;
      else recordPort(r, nm, vif.port_id, p, row.host!);
    }
    if (this.fam === 'n' && network !== null && row.vm_state !== 'error') expect(row.vifs.map((v) => v.network_id), `${what}: the networks`).toEqual([network]);
    if (this.bfv) {
      const bdm = tablePrefix(state.compute.bdms, `${uuid}/`)[0]?.[1];
      if (bdm?.volume_id) {
        const vol = getRow(state.block.volumes, bdm.volume_id);
        if (vol !== undefined) {
          bm.volumes[vol.id] = { project: p, size: vol.size, type: '__DEFAULT__', status: vol.status as never, multiattach: false };
          bm.content.set(vol.id, vol.status === 'error' ? new Map() : bytesOf(cm.imageBytes));
          if (row.vm_state !== 'error') {
            // the root volume holds the image's bytes, attached through Cinder's attachment API
            expect([...r.cloud.admin.block.readVolumeData({ id: vol.id }, 0, cm.imageBytes.length)], `${what}: the root volume's bytes`).toEqual(cm.imageBytes);
            expect([vol.status, bdm.boot_index, bdm.delete_on_termination], `${what}: the root volume`).toEqual(['in-use', 0, this.dot]);
            bm.attachments[bdm.attachment_id!] = { volume: vol.id, project: p, server: uuid, status: 'attached', connected: true };
            server.volumes.push({ volume: vol.id, attachment: bdm.attachment_id!, dot: this.dot, root: true });
          }
        }
      }
    }
    cm.servers[uuid] = server;
  }
  toString = () => `cmp.createServer(${this.fam}, ${this.bfv ? `from volume${this.dot ? ' (delete on termination)' : ''}` : 'image'}, networks ${this.net}${this.net === 'uuid' || this.net === 'port' ? ` #${this.pick}` : ''}, ${this.flavor}${this.group === null ? '' : `, group #${this.group}`}, ${this.actor})`;
}

/** What a server's deletion does to the models: nothing held any more. */
function forgetServer(m: CloudModel, cm: ComputeModel, uuid: string): void {
  const s = cm.servers[uuid]!;
  const nm = m.network;
  const bm = m.block;
  for (const v of s.vifs) {
    if (nm === undefined) continue;
    if (v.created) forgetPort(nm, v.port);
    else if (nm.ports[v.port] !== undefined) nm.ports[v.port]!.host = '';
  }
  for (const v of s.volumes) {
    if (bm === undefined) continue;
    const before = bm.volumes[v.volume];
    if (bm.attachments[v.attachment] !== undefined) {
      delete bm.attachments[v.attachment];
      if (before !== undefined) {
        const rest = Object.values(bm.attachments).filter((a) => a.volume === v.volume);
        const first = rest.map((a) => a.status).sort()[0];
        const next = first === undefined ? 'available' : first === 'attached' ? 'in-use' : first;
        if (before.status === 'in-use') bm.via[v.volume] = ['detaching'];
        before.status = next as never;
      }
    }
    // _cleanup_volumes(raise_exc=False): a volume Cinder will not delete (snapshots, another attachment) stays
    if (v.dot && before !== undefined) {
      const snaps = Object.values(bm.snapshots).some((x) => x.volume === v.volume);
      const others = Object.values(bm.attachments).some((a) => a.volume === v.volume);
      const transfers = Object.values(bm.transfers).some((t) => t.volume === v.volume);
      if (!snaps && !others && !transfers && (before.status === 'available' || before.status === 'error')) {
        delete bm.volumes[v.volume];
        bm.content.delete(v.volume);
      }
    }
  }
  cm.gone[uuid] = { created: s.vifs.filter((v) => v.created).map((v) => v.port), attachments: s.volumes.map((v) => v.attachment) };
  m.instances.delete(uuid);
  for (const mig of s.migrations) m.instances.delete(mig);
  delete cm.servers[uuid];
}

/** `DELETE /servers/{id}` (hard: `reclaim_instance_interval` 0): a locked server refuses a non-admin. */
class CmpDelete extends OnServer {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const [id, s] = this.server(cm);
    const session = sessionOf(m, r, s.fam, this.actor);
    const want = gate(rel(this.actor, s.project)) ?? guardWant(s, 'delete');
    if (attempt(r, want ?? 0, () => session.compute.deleteServer(id), this.toString()) === undefined && want !== undefined) return;
    const row = getRow(r.cloud.state.compute.servers, id)!;
    expect([row.deleted, row.vm_state, row.task_state, row.host], `${this.toString()}: the record`).toEqual([true, 'deleted', null, null]);
    forgetServer(m, cm, id);
  }
  toString = () => `cmp.deleteServer(#${this.pick}, ${this.actor})`;
}

type Act = 'stop' | 'start' | 'reboot_soft' | 'reboot_hard' | 'pause' | 'unpause' | 'suspend' | 'resume' | 'lock' | 'unlock' | 'rescue' | 'unrescue';

/** Where each action leaves the server (nova-compute's end of it). */
const AFTER: Readonly<Record<Exclude<Act, 'lock' | 'unlock'>, (s: MServer) => VmState>> = {
  stop: () => 'stopped',
  start: () => 'active',
  reboot_soft: () => 'active',
  reboot_hard: () => 'active',
  pause: () => 'paused',
  unpause: () => 'active',
  suspend: () => 'suspended',
  resume: () => 'active',
  rescue: () => 'rescued',
  unrescue: () => 'active',
};

/** The everyday actions (`os-stop`, `os-start`, `reboot`, `pause`, …, `lock`, `unlock`, `rescue`, `unrescue`), each from any state: refusals predicted. */
class CmpAction extends OnServer {
  constructor(readonly pick: number, readonly action: Act, readonly actor: Actor) {
    super();
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const [id, s] = this.server(cm);
    const session = sessionOf(m, r, s.fam, this.actor);
    const c = session.compute;
    let want = gate(rel(this.actor, s.project));
    if (this.action === 'lock' || this.action === 'unlock') {
      // API.lock / API.unlock check no state; the owner's lock is the owner's to lift
      attempt(r, want ?? 0, () => (this.action === 'lock' ? c.lockServer(id, { locked_reason: 'cmp' }) : c.unlockServer(id)), this.toString());
      if (want === undefined) s.locked = this.action === 'lock';
      expectServer(r, id, s, this.toString());
      return;
    }
    want ??= guardWant(s, this.action);
    if (want === undefined && this.action === 'rescue') {
      // API.rescue: _check_volume_status (every mapped volume in-use, else InvalidVolume: rescue.py's
      // 409), then a volume-backed server needs a rescue image with hw_rescue_bus / hw_rescue_device (400)
      if (s.volumes.some((v) => m.block?.volumes[v.volume]?.status !== 'in-use')) want = [409, 'compute.volume.invalid'];
      else if (s.bfv) want = [400, 'compute.server.not_rescuable'];
    }
    const call = (): unknown => {
      switch (this.action) {
        case 'stop': return c.stopServer(id);
        case 'start': return c.startServer(id);
        case 'reboot_soft': return c.rebootServer(id, { type: 'SOFT' });
        case 'reboot_hard': return c.rebootServer(id, { type: 'HARD' });
        case 'pause': return c.pauseServer(id);
        case 'unpause': return c.unpauseServer(id);
        case 'suspend': return c.suspendServer(id);
        case 'resume': return c.resumeServer(id);
        case 'rescue': return c.rescueServer(id, {});
        case 'unrescue': return c.unrescueServer(id);
        default: throw new Error(this.action);
      }
    };
    attempt(r, want ?? 0, call, this.toString());
    if (want === undefined) {
      s.vm = AFTER[this.action](s);
      s.task = null;
    }
    expectServer(r, id, s, this.toString());
  }
  toString = () => `cmp.${this.action}(#${this.pick}, ${this.actor})`;
}

/** Server metadata: set one item (`PUT /metadata/{key}`), delete one (`DELETE`), merge (`POST`). */
class CmpMetadata extends OnServer {
  constructor(readonly pick: number, readonly op: 'set' | 'delete' | 'merge', readonly key: string, readonly actor: Actor) {
    super();
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const [id, s] = this.server(cm);
    const c = sessionOf(m, r, s.fam, this.actor).compute;
    let want = gate(rel(this.actor, s.project));
    // server_metadata.py: the item (delete: 404 before the lock and state), then compute_api's lock and state (any task_state)
    if (want === undefined && this.op === 'delete' && s.metadata[this.key] === undefined) want = [404, 'compute.'];
    want ??= guardWant(s, this.op === 'delete' ? 'delete_instance_metadata' : 'update_instance_metadata');
    const call = (): unknown =>
      this.op === 'set' ? c.setServerMetadataItem(id, this.key, { meta: { [this.key]: 'v1' } })
      : this.op === 'merge' ? c.updateServerMetadata(id, { metadata: { [this.key]: 'v2', extra: 'x' } })
      : c.deleteServerMetadataItem(id, this.key);
    attempt(r, want ?? 0, call, this.toString());
    if (want === undefined) {
      if (this.op === 'set') s.metadata[this.key] = 'v1';
      else if (this.op === 'merge') Object.assign(s.metadata, { [this.key]: 'v2', extra: 'x' });
      else delete s.metadata[this.key];
    }
  }
  toString = () => `cmp.metadata(#${this.pick}, ${this.op} ${this.key}, ${this.actor})`;
}

/** Server tags (2.26): add one, delete one, replace all, delete all. */
class CmpTags extends OnServer {
  constructor(readonly pick: number, readonly op: 'add' | 'delete' | 'replace' | 'clear', readonly tag: string, readonly actor: Actor) {
    super();
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const [id, s] = this.server(cm);
    const c = sessionOf(m, r, s.fam, this.actor).compute;
    const relation = rel(this.actor, s.project);
    // server_tags.py asks the policy with the instance mapping's project before it reads the
    // instance: Zed answers another project's member 403, the house's rule 404 (either refuses)
    const wants: Want[] = relation === 'other' ? [[404, 'compute.'], [403, 'compute.policy.forbidden']] : [];
    let want = relation === 'other' ? undefined : gate(relation);
    const action: ComputeAction = this.op === 'add' ? 'update_tag' : this.op === 'replace' ? 'update_tags' : this.op === 'delete' ? 'delete_tag' : 'delete_tags';
    if (want === undefined && relation !== 'other') want = guardWant(s, action);
    if (want === undefined && relation !== 'other' && this.op === 'delete' && !s.tags.includes(this.tag)) want = [404, 'compute.'];
    const call = (): unknown =>
      this.op === 'add' ? c.addServerTag(id, this.tag) : this.op === 'delete' ? c.deleteServerTag(id, this.tag) : this.op === 'replace' ? c.replaceServerTags(id, { tags: [this.tag, 'cmp-all'] }) : c.deleteServerTags(id);
    attemptAny(r, wants.length > 0 ? wants : [want ?? 0], call, this.toString());
    if (relation === 'owner' && want === undefined) {
      if (this.op === 'add' && !s.tags.includes(this.tag)) s.tags.push(this.tag);
      else if (this.op === 'delete') s.tags = s.tags.filter((t) => t !== this.tag);
      else if (this.op === 'replace') s.tags = [this.tag, 'cmp-all'];
      else if (this.op === 'clear') s.tags = [];
    }
  }
  toString = () => `cmp.tags(#${this.pick}, ${this.op} ${this.tag}, ${this.actor})`;
}

/** `POST /servers/{id}/os-volume_attachments` with one of the block model's volumes (any project, any status). */
class CmpAttachVolume extends OnServer {
  override readonly fam = 'b' as const;
  constructor(readonly pick: number, readonly volume: number, readonly dot: boolean, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return super.check(m) && m.block !== undefined && Object.keys(m.block.volumes).length > 0;
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const bm = m.block!;
    const [id, s] = this.server(cm);
    if (s.vm === 'shelved_offloaded') {
      // nova attaches and detaches an offloaded server's volumes and ports without a host (reserved attachments): not modelled here
      tally(this.toString(), 'skipped (offloaded)');
      return;
    }
    const vid = nth(sorted(bm.volumes), this.volume)!;
    const v = bm.volumes[vid]!;
    pinVolumes(r);
    const c = sessionOf(m, r, s.fam, this.actor).compute;
    // volume_attachments.ts attachVolume: the server, the policy, lock and state, the volume (404),
    // nova's own mappings (400), Cinder's attachment_create (400)
    let want = gate(rel(this.actor, s.project)) ?? guardWant(s, 'attach_volume');
    if (want === undefined && v.project !== s.project) want = [404, 'compute.'];
    const mapped = Object.entries(cm.servers).filter(([, x]) => x.volumes.some((y) => y.volume === vid));
    if (want === undefined && mapped.length > 0 && (!v.multiattach || mapped.some(([x]) => x === id))) want = [400, 'compute.volume.already_attached'];
    const reservable = v.status === 'available' || (v.multiattach && v.status === 'in-use');
    if (want === undefined && !reservable) want = [400, 'compute.'];
    const view = attempt(r, want ?? 0, () => c.attachVolume(id, { volumeId: vid, delete_on_termination: this.dot }), this.toString());
    if (view === undefined) return;
    const bdm = tablePrefix(r.cloud.state.compute.bdms, `${id}/`).map(([, b]) => b).find((b) => b.volume_id === vid);
    expect(bdm?.attachment_id, `${this.toString()}: the mapping and its attachment`).toBeTruthy();
    const att = bdm!.attachment_id!;
    expect([getRow(r.cloud.state.block.volumes, vid)?.status, getRow(r.cloud.state.block.attachments, att)?.attach_status], `${this.toString()}: Cinder's side`).toEqual(['in-use', 'attached']);
    bm.attachments[att] = { volume: vid, project: s.project, server: id, status: 'attached', connected: true };
    if (v.status === 'available') bm.via[vid] = ['reserved', 'attaching'];
    v.status = 'in-use';
    s.volumes.push({ volume: vid, attachment: att, dot: this.dot, root: false });
  }
  toString = () => `cmp.attachVolume(#${this.pick}, volume #${this.volume}${this.dot ? ', delete on termination' : ''}, ${this.actor})`;
}

/** `DELETE /servers/{id}/os-volume_attachments/{volume_id}` of a volume the server has (its root volume too: refused). */
class CmpDetachVolume extends OnServer {
  override readonly fam = 'b' as const;
  constructor(readonly pick: number, readonly which: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return super.check(m) && liveOf(m.compute!, 'b').some((id) => m.compute!.servers[id]!.volumes.length > 0);
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const bm = m.block!;
    const ids = liveOf(cm, 'b').filter((id) => cm.servers[id]!.volumes.length > 0);
    const id = nth(ids, this.pick)!;
    const s = cm.servers[id]!;
    const mv = nth(s.volumes, this.which)!;
    if (s.vm === 'shelved_offloaded') {
      // nova attaches and detaches an offloaded server's volumes and ports without a host (reserved attachments): not modelled here
      tally(this.toString(), 'skipped (offloaded)');
      return;
    }
    const c = sessionOf(m, r, s.fam, this.actor).compute;
    const v = bm.volumes[mv.volume];
    // volume_attachments.ts detachVolume: the server, the policy, the volume (404), the mapping,
    // the root (400), lock and state (409), the host up, Cinder's begin_detaching (400 unless in-use)
    let want = gate(rel(this.actor, s.project));
    if (want === undefined && v === undefined) want = [404, 'compute.'];
    if (want === undefined && mv.root) want = [400, 'compute.volume.root_detach'];
    want ??= guardWant(s, 'detach_volume');
    if (want === undefined && v!.status !== 'in-use') want = [400, 'compute.volume.invalid'];
    if (attempt(r, want ?? 0, () => c.detachVolume(id, mv.volume), this.toString()) === undefined && want !== undefined) return;
    delete bm.attachments[mv.attachment];
    const rest = Object.values(bm.attachments).filter((a) => a.volume === mv.volume);
    const first = rest.map((a) => a.status).sort()[0];
    bm.via[mv.volume] = ['detaching'];
    v!.status = (first === undefined ? 'available' : first === 'attached' ? 'in-use' : first) as never;
    s.volumes = s.volumes.filter((x) => x !== mv);
    expect(getRow(r.cloud.state.block.attachments, mv.attachment), `${this.toString()}: the attachment is gone`).toBeUndefined();
  }
  toString = () => `cmp.detachVolume(#${this.pick}, volume #${this.which}, ${this.actor})`;
}

/** `POST /servers/{id}/os-interface`: a new port on one of the network model's networks, or one of its ports. */
class CmpAttachInterface extends OnServer {
  override readonly fam = 'n' as const;
  constructor(readonly pick: number, readonly mode: 'net' | 'port', readonly target: number, readonly actor: Actor) {
    super();
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const nm = m.network!;
    const [id, s] = this.server(cm);
    if (s.vm === 'shelved_offloaded') {
      // nova attaches and detaches an offloaded server's volumes and ports without a host (reserved attachments): not modelled here
      tally(this.toString(), 'skipped (offloaded)');
      return;
    }
    const c = sessionOf(m, r, s.fam, this.actor).compute;
    // interfaces.ts attachInterface: the server, the policy, lock and state, then the port or the network
    let want = gate(rel(this.actor, s.project)) ?? guardWant(s, 'attach_interface');
    let body: { net_id?: string; port_id?: string };
    let network: string;
    if (this.mode === 'port') {
      const pid = nth(userPorts(nm), this.target);
      if (pid === undefined) return;
      const port = nm.ports[pid]!;
      body = { port_id: pid };
      network = port.network;
      if (want === undefined && port.project !== s.project) want = [404, 'compute.'];
      if (want === undefined && Object.values(cm.servers).some((x) => x.vifs.some((v) => v.port === pid))) want = [409, 'compute.port.in_use'];
      if (want === undefined && port.host === 'nowhere') want = [500, 'compute.port.binding_failed'];
    } else {
      const nid = nth(tenantNetworks(nm), this.target);
      if (nid === undefined) return;
      body = { net_id: nid };
      network = nid;
      const n = nm.networks[nid]!;
      const q = r.cloud.quotas.show(cm.ids.n[s.project], 'network').port;
      if (want === undefined && n.project !== s.project) want = [404, 'compute.'];
      if (want === undefined && subnetsOf(nm, nid).length === 0) want = [400, 'compute.network.security_group_cannot_be_applied'];
      if (want === undefined && q !== undefined && q.limit >= 0 && q.in_use >= q.limit) want = [403, 'compute.network.port_limit_exceeded'];
      if (want === undefined && !addressable(nm, nid)) want = [400, 'compute.network.no_more_fixed_ips'];
    }
    const view = attempt(r, want ?? 0, () => c.attachInterface(id, body), this.toString());
    if (view === undefined) return;
    const row = getRow(r.cloud.state.compute.servers, id)!;
    const vif = row.vifs[row.vifs.length - 1]!;
    expect([vif.network_id, vif.preserve_on_delete, this.mode === 'port' ? vif.port_id : body.port_id], `${this.toString()}: the new VIF`).toEqual([network, this.mode === 'port', body.port_id]);
    s.vifs.push({ port: vif.port_id, created: this.mode === 'net' });
    if (this.mode === 'port') nm.ports[vif.port_id]!.host = s.host!;
    else recordPort(r, nm, vif.port_id, s.project, s.host!);
  }
  toString = () => `cmp.attachInterface(#${this.pick}, ${this.mode} #${this.target}, ${this.actor})`;
}

/** `DELETE /servers/{id}/os-interface/{port_id}` of one of the server's ports: nova's is deleted, the user's unbound. */
class CmpDetachInterface extends OnServer {
  override readonly fam = 'n' as const;
  constructor(readonly pick: number, readonly which: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return super.check(m) && liveOf(m.compute!, 'n').some((id) => m.compute!.servers[id]!.vifs.length > 0);
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const nm = m.network!;
    const ids = liveOf(cm, 'n').filter((id) => cm.servers[id]!.vifs.length > 0);
    const id = nth(ids, this.pick)!;
    const s = cm.servers[id]!;
    const vif = nth(s.vifs, this.which)!;
    if (s.vm === 'shelved_offloaded') {
      // nova attaches and detaches an offloaded server's volumes and ports without a host (reserved attachments): not modelled here
      tally(this.toString(), 'skipped (offloaded)');
      return;
    }
    const c = sessionOf(m, r, s.fam, this.actor).compute;
    const want = gate(rel(this.actor, s.project)) ?? guardWant(s, 'detach_interface');
    if (attempt(r, want ?? 0, () => c.detachInterface(id, vif.port), this.toString()) === undefined && want !== undefined) return;
    s.vifs = s.vifs.filter((v) => v !== vif);
    if (vif.created) forgetPort(nm, vif.port);
    else if (nm.ports[vif.port] !== undefined) nm.ports[vif.port]!.host = '';
    expect(getRow(r.cloud.state.compute.servers, id)!.vifs.map((v) => v.port_id), `${this.toString()}: the VIFs`).toEqual(s.vifs.map((v) => v.port));
  }
  toString = () => `cmp.detachInterface(#${this.pick}, vif #${this.which}, ${this.actor})`;
}

/** `POST /os-server-groups` (2.64) in a project of either suite. */
class CmpCreateGroup extends CmpCommand {
  constructor(readonly fam: Fam, readonly policy: GroupPolicy, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return super.check(m) && Object.keys(m.compute!.groups).length < 8;
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const c = sessionOf(m, r, this.fam, this.actor).compute;
    const want = createGate(this.actor) ?? 0;
    const view = attempt(r, want, () => c.createServerGroup({ name: 'cmp-group', policy: this.policy }), this.toString());
    if (view === undefined) return;
    const gid = (view as { id: string }).id;
    cm.groups[gid] = { fam: this.fam, project: actorProject(this.actor), policy: this.policy };
  }
  toString = () => `cmp.createServerGroup(${this.fam}, ${this.policy}, ${this.actor})`;
}

/** `GET /servers/detail` as a project's member or reader: exactly the project's live servers, with their volumes. */
class CmpList extends CmpCommand {
  constructor(readonly fam: Fam, readonly actor: Actor) {
    super();
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const s = sessionOf(m, r, this.fam, this.actor);
    if (this.actor === 'expired' || this.actor === 'revoked') {
      attempt(r, 401, () => s.compute.listServers(), this.toString());
      return;
    }
    const p = actorProject(this.actor);
    const views = s.compute.listServers();
    const mine = Object.keys(cm.servers).filter((id) => cm.servers[id]!.fam === this.fam && cm.servers[id]!.project === p).sort();
    expect(views.map((v) => v.id).sort(), this.toString()).toEqual(mine);
    for (const v of views) {
      const ms = cm.servers[v.id]!;
      // os-extended-volumes:volumes_attached lists the volumes the server has
      expect(v['os-extended-volumes:volumes_attached'].map((x) => x.id).sort(), `${this.toString()}: volumes of ${v.id}`).toEqual(ms.volumes.map((x) => x.volume).sort());
      expect(v.status, `${this.toString()}: status of ${v.id}`).toBe(ms.vm === 'error' ? 'ERROR' : ms.vm === 'stopped' ? 'SHUTOFF' : ms.vm === 'rescued' ? 'RESCUE' : ms.vm === 'resized' ? 'VERIFY_RESIZE' : ms.vm.toUpperCase());
    }
  }
  toString = () => `cmp.listServers(${this.fam}, ${this.actor})`;
}

// ------------------------------------------------------------------ moves (issue 15)

/** Who asks for a move: the suite's actors, or the cloud's admin (the move APIs that are ADMIN's). */
type MoveActor = Actor | 'admin';
type MoveKind = 'resize' | 'confirm' | 'revert' | 'migrate' | 'live' | 'liveTo' | 'shelve' | 'offload' | 'unshelve';

/** The compute action of each move (its guards in `ACTION_STATES`) and whether its policy is ADMIN's. */
const MOVES: Readonly<Record<MoveKind, { action: ComputeAction; admin: boolean }>> = {
  resize: { action: 'resize', admin: false },
  confirm: { action: 'confirm_resize', admin: false },
  revert: { action: 'revert_resize', admin: false },
  migrate: { action: 'migrate', admin: true },
  live: { action: 'live_migrate', admin: true },
  liveTo: { action: 'live_migrate', admin: true },
  shelve: { action: 'shelve', admin: false },
  offload: { action: 'shelve_offload', admin: true },
  unshelve: { action: 'unshelve', admin: false },
};

/**
 * The gate of a move: 401 (expired, revoked), 404 (another project's member: `getServer` before
 * the policy), 403 (the reader; the owner's member on an ADMIN policy), nothing for the admin.
 */
function moveGate(actor: MoveActor, owner: Proj, adminOnly: boolean): Want | undefined {
  if (actor === 'admin') return undefined;
  const r = rel(actor, owner);
  if (r === 'owner' && adminOnly) return [403, 'compute.policy.forbidden'];
  return gate(r);
}

/** nova's guards as `checkAction` runs them, for the admin too (who passes a lock); every host of this suite is up outside an outage. */
function moveGuard(r: CloudReal, s: MServer, action: ComputeAction, admin: boolean): Want | undefined {
  for (const guard of ACTION_STATES[action].guards) {
    if (guard === 'lock' && s.locked && !admin) return [409, 'compute.server.locked'];
    if ((guard === 'host' || guard === 'host_up') && s.host === null) return [409, 'compute.server.not_ready'];
    if (guard === 'host_up' && s.host !== null && r.cloud.admin.compute.listComputeServices({ binary: 'nova-compute', host: s.host })[0]?.state !== 'up') return [409, 'compute.service.unavailable'];
    if (guard === 'state' && stateAllows(action, s.vm, s.task, s.launched) !== null) return [409, 'compute.server.invalid_state'];
  }
  return undefined;
}

const flavorNameOf = (flavorid: string): FlavorName => (Object.keys(FLAVORS) as FlavorName[]).find((n) => FLAVORS[n].id === flavorid)!;

/** The newest resize / cold migration of a server (its consumer holds the source while `resized`). */
function latestMoveOf(r: CloudReal, id: string): MigrationRow | undefined {
  const rows = tablePrefix(r.cloud.state.compute.instance_migrations, `${id}/`).map(([, mid]) => getRow(r.cloud.state.compute.migrations, String(mid).padStart(10, '0'))!);
  return [...rows].reverse().find((x) => x.migration_type === 'resize' || x.migration_type === 'migration');
}

/**
 * After a move: the model follows the server's row (where it is, its vm_state and flavor, as the
 * move's own checks verified), and what nova moved with it lands in the other models — its
 * allocation(s) in the harness's `instances` (the instance's consumer on its host with its flavor,
 * a resized server's migration consumer on the source with the old flavor), its ports' host in
 * the network model, its volumes' (new) attachments in the block model.
 */
function followServer(m: CloudModel, r: CloudReal, cm: ComputeModel, id: string, what: string): void {
  const s = cm.servers[id]!;
  const row = getRow(r.cloud.state.compute.servers, id)!;
  const nm = m.network;
  const bm = m.block;
  const before = s.host;
  Object.assign(s, { vm: row.vm_state, task: row.task_state, host: row.host, flavor: flavorNameOf(row.flavor.flavorid) });
  // Placement, as the model predicts it from the server's place and flavors (the checks compare)
  for (const mig of s.migrations) m.instances.delete(mig);
  s.migrations = [];
  {
    if (row.vm_state === 'shelved_offloaded' || (row.vm_state === 'error' && row.host === null)) m.instances.delete(id);
    else if (row.host !== null) m.instances.set(id, { host: row.host, vcpus: FLAVORS[s.flavor].vcpus, memory_mb: FLAVORS[s.flavor].ram });
    if (row.vm_state === 'resized') {
      const mig = latestMoveOf(r, id)!;
      const old = flavorNameOf(row.old_flavor!.flavorid);
      m.instances.set(mig.uuid, { host: mig.source_compute!, vcpus: FLAVORS[old].vcpus, memory_mb: FLAVORS[old].ram });
      s.migrations.push(mig.uuid);
    }
  }
  // ports follow the server (an offloaded server's keep their host, as Zed leaves them)
  if (nm !== undefined && row.host !== null) for (const v of s.vifs) if (nm.ports[v.port] !== undefined && nm.ports[v.port]!.host === before) nm.ports[v.port]!.host = row.host;
  // volumes: a move swaps the attachment (resize, evacuate, offload: a new one, the old deleted)
  if (bm !== undefined) {
    for (const v of s.volumes) {
      if (!(v.attachment in bm.attachments)) continue;
      const bdm = tablePrefix(r.cloud.state.compute.bdms, `${id}/`).map(([, b]) => b).find((b) => b.volume_id === v.volume);
      const att = bdm?.attachment_id ? getRow(r.cloud.state.block.attachments, bdm.attachment_id) : undefined;
      expect(att, `${what}: volume ${v.volume} has an attachment`).toBeDefined();
      if (bm.attachments[v.attachment]!.status !== 'attached' && bm.attachments[v.attachment]!.status !== 'reserved') continue;
      const entry = bm.attachments[v.attachment]!;
      delete bm.attachments[v.attachment];
      v.attachment = att!.id;
      bm.attachments[att!.id] = { ...entry, status: att!.attach_status as 'attached' | 'reserved', connected: att!.connection_info !== null && Object.keys(att!.connection_info).length > 0 };
      const vol = bm.volumes[v.volume];
      const real = getRow(r.cloud.state.block.volumes, v.volume)?.status;
      if (vol !== undefined && real !== undefined) {
        expect(['in-use', 'reserved'], `${what}: volume ${v.volume} is ${real}`).toContain(real);
        if (vol.status !== real) bm.via[v.volume] = [];
        vol.status = real as never;
      }
    }
  }
}

/** Whether nothing of the server was taken away by another suite (its allocation, its ports, its attachments): a move then checks it all. */
function intact(m: CloudModel, cm: ComputeModel, id: string): boolean {
  const s = cm.servers[id]!;
  if (s.vm !== 'shelved_offloaded' && s.vm !== 'error' && !allocated(m, id)) return false;
  if (s.migrations.some((mig) => !m.instances.has(mig))) return false;
  if (s.host !== null && s.vifs.some((v) => !portIntact(m.network, v.port, s.host))) return false;
  return s.volumes.every((v) => m.block?.attachments[v.attachment] !== undefined && ['attached', 'reserved'].includes(m.block.attachments[v.attachment]!.status));
}

/**
 * The moves of a server, each by the suite's actors and the admin: resize (to the other flavor),
 * confirm / revert, cold migration, live migration (scheduled, or to the other host of this suite),
 * shelve (offloaded at once: `shelved_offload_time` 0), shelveOffload (nothing is ever only
 * SHELVED here: always refused in its state), unshelve. The model predicts the gate, the guards
 * and the API's own checks (the flavor's quota delta); where the conductor lands the server it
 * reads from the row, which the invariants (this suite's and {@link moveProblems}) then hold to
 * Placement, the ports and the volumes.
 */
class CmpMove extends OnServer {
  constructor(readonly pick: number, readonly kind: MoveKind, readonly actor: MoveActor) {
    super();
  }
  /** A resized server to confirm or revert, an offloaded one to unshelve, when there is one (else any: refused in its state). */
  override server(cm: ComputeModel): [string, MServer] {
    const wanted: Partial<Record<MoveKind, VmState>> = { confirm: 'resized', revert: 'resized', unshelve: 'shelved_offloaded', offload: 'shelved' };
    const suited = liveOf(cm).filter((id) => cm.servers[id]!.vm === wanted[this.kind]);
    if (suited.length === 0 || this.pick % 5 === 0) return super.server(cm);
    const id = nth(suited, this.pick)!;
    return [id, cm.servers[id]!];
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const [id, s] = this.server(cm);
    if (!intact(m, cm, id)) {
      tally(this.toString(), 'skipped (taken away)');
      return;
    }
    const { action, admin } = MOVES[this.kind];
    const session = this.actor === 'admin' ? r.cloud.admin : sessionOf(m, r, s.fam, this.actor);
    void r.cloud.admin.token;
    const c = session.compute;
    const what = this.toString();
    let want = moveGate(this.actor, s.project, admin) ?? moveGuard(r, s, action, this.actor === 'admin');
    const target: FlavorName = s.flavor === 'cmp.tiny' ? 'cmp.wide' : 'cmp.tiny';
    const other = CMP_HOSTS.find((h) => h !== s.host)!;
    // _check_quota_for_upsize: only the cores and RAM a bigger flavor adds (a revert: back to the old one)
    const upsize = (from: FlavorName, to: FlavorName): Want | undefined => {
      const mine = Object.values(cm.servers).filter((x) => x.fam === s.fam && x.project === s.project);
      const cores = mine.reduce((n, x) => n + FLAVORS[x.flavor].vcpus, 0);
      const ram = mine.reduce((n, x) => n + FLAVORS[x.flavor].ram, 0);
      const dc = FLAVORS[to].vcpus - FLAVORS[from].vcpus;
      const dr = FLAVORS[to].ram - FLAVORS[from].ram;
      return (dc > 0 && cores + dc > LIMITS[s.project].cores) || (dr > 0 && ram + dr > LIMITS[s.project].ram) ? [403, 'compute.quota.too_many_instances'] : undefined;
    };
    if (want === undefined && this.kind === 'resize') want = upsize(s.flavor, target);
    if (want === undefined && this.kind === 'revert') {
      const old = getRow(r.cloud.state.compute.servers, id)!.old_flavor;
      if (old !== null) want = upsize(s.flavor, flavorNameOf(old.flavorid));
    }
    const before = { vm: s.vm, host: s.host, flavor: s.flavor };
    const call = (): unknown => {
      switch (this.kind) {
        case 'resize': return c.resizeServer(id, { flavorRef: FLAVORS[target].id });
        case 'confirm': return c.confirmResize(id);
        case 'revert': return c.revertResize(id);
        case 'migrate': return c.migrateServer(id, null);
        case 'live': return c.liveMigrateServer(id, { host: null, block_migration: 'auto' });
        case 'liveTo': return c.liveMigrateServer(id, { host: other, block_migration: 'auto' });
        case 'shelve': return c.shelveServer(id);
        case 'offload': return c.shelveOffloadServer(id);
        case 'unshelve': return c.unshelveServer(id, null);
        default: throw new Error(this.kind);
      }
    };
    if (attempt(r, want ?? 0, call, what) === undefined && want !== undefined) {
      expectServer(r, id, s, what);
      return;
    }
    const row = getRow(r.cloud.state.compute.servers, id)!;
    // where nova left it (tasks drained): the move done, or refused by the conductor / nova-compute with the server as it was
    const outcome = `${row.vm_state}/${row.task_state}/${row.host === before.host ? 'same host' : 'moved'}`;
    tally(what, `→ ${outcome}`);
    expect(row.task_state, `${what}: a task left`).toBeNull();
    const back = row.vm_state === before.vm && row.host === before.host && row.flavor.flavorid === FLAVORS[before.flavor].id;
    switch (this.kind) {
      case 'resize':
      case 'migrate':
        // VERIFY_RESIZE on another host of this suite (allow_resize_to_same_host false), or back as it was with the fault
        if (row.vm_state === 'resized') expect([row.host !== before.host, (CMP_HOSTS as readonly string[]).includes(row.host ?? ''), row.flavor.flavorid, row.old_vm_state], `${what}: resized`).toEqual([true, true, FLAVORS[this.kind === 'resize' ? target : before.flavor].id, before.vm]);
        else expect([back, row.fault !== null], `${what}: ${outcome}`).toEqual([true, true]);
        break;
      case 'confirm':
        expect([['active', 'stopped'].includes(row.vm_state), row.host, row.flavor.flavorid], `${what}: confirmed`).toEqual([true, before.host, FLAVORS[before.flavor].id]);
        break;
      case 'revert': {
        const mig = latestMoveOf(r, id)!;
        expect([['active', 'stopped'].includes(row.vm_state), row.host, mig.status], `${what}: reverted`).toEqual([true, mig.source_compute, 'reverted']);
        break;
      }
      case 'live':
      case 'liveTo':
        expect([row.vm_state, (CMP_HOSTS as readonly string[]).includes(row.host ?? '')], `${what}: ${outcome}`).toEqual([before.vm === 'paused' ? 'paused' : row.vm_state === 'error' ? 'error' : 'active', true]);
        if (this.kind === 'liveTo' && row.host !== other) expect(row.fault, `${what}: stayed without a fault`).not.toBeNull();
        break;
      case 'shelve':
        expect([row.vm_state, row.host], `${what}: offloaded at once`).toEqual(['shelved_offloaded', null]);
        break;
      case 'unshelve':
        expect(row.vm_state === 'active' ? (CMP_HOSTS as readonly string[]).includes(row.host ?? '') : row.vm_state === 'shelved_offloaded' && row.host === null, `${what}: ${outcome}`).toBe(true);
        break;
      default:
        break;
    }
    followServer(m, r, cm, id, what);
  }
  toString = () => `cmp.${this.kind}(#${this.pick}, ${this.actor})`;
}

/** The moves whose policy is the admin's (cold and live migration, shelveOffload): a kind of its own in the suite's count. */
class CmpAdminMove extends CmpMove {}

/**
 * A compute host of this suite fails (`cloud.hardware.failHost`), and after `service_down_time`
 * its nova-compute is down; the suite's actors may not evacuate (401, 404, 403: evacuate is the
 * admin's), nor may the admin before the service is down (400 `ComputeServiceInUse`); then the
 * admin evacuates each server there that evacuate accepts, and the host comes back
 * (`recoverHost`: nova-compute's `_destroy_evacuated_instances`). Between the evacuations and the
 * recovery {@link moveProblems} is checked too: an evacuated server on its new host, its consumer
 * on both hosts while the source is down — and only on the new one once it is back. All in one
 * step, because the harness counts one Placement consumer per host it models (see the report).
 */
class CmpOutage extends CmpCommand {
  constructor(readonly hostIx: number, readonly pick: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return super.check(m) && written.get('evacuateServer') === true;
  }
  act(cm: ComputeModel, m: CloudModel, r: CloudReal): void {
    const host = CMP_HOSTS[this.hostIx % CMP_HOSTS.length]!;
    const what = this.toString();
    const on = liveOf(cm).filter((id) => cm.servers[id]!.host === host);
    const evacuable = on.filter((id) => stateAllows('evacuate', cm.servers[id]!.vm, cm.servers[id]!.task, cm.servers[id]!.launched) === null && intact(m, cm, id));
    const first = nth(on, this.pick);
    const problems = (when: string): void => expect(moveProblems(r.cloud, { strictPorts: false, servers: (u) => cm.servers[u] !== undefined && intact(m, cm, u) }), `${what}: ${when}`).toEqual([]);
    // the admin before the service is reported down: still in use
    if (first !== undefined && evacuable.includes(first)) {
      void r.cloud.admin.token;
      attempt(r, [400, 'compute.service.in_use'], () => r.cloud.admin.compute.evacuateServer(first, {}), `${what}: evacuate while up`);
    }
    r.cloud.hardware.failHost(host, 'cmp outage');
    m.hosts.get(host)!.state = 'down';
    const wait = r.cloud.state.compute.config.service_down_time + 11;
    r.cloud.clock.advance(wait);
    m.now += wait;
    if (first !== undefined) {
      const s = cm.servers[first]!;
      const session = sessionOf(m, r, s.fam, this.actor);
      const want = moveGate(this.actor, s.project, true);
      if (want !== undefined) attempt(r, want, () => session.compute.evacuateServer(first, {}), `${what}: evacuate by ${this.actor}`);
    }
    void r.cloud.admin.token;
    const moved: string[] = [];
    for (const id of on) {
      const s = cm.servers[id]!;
      const want = stateAllows('evacuate', s.vm, s.task, s.launched) !== null ? ([409, 'compute.server.invalid_state'] as const) : undefined;
      if (want === undefined && !evacuable.includes(id)) continue;
      if (attempt(r, want ?? 0, () => r.cloud.admin.compute.evacuateServer(id, {}), `${what}: evacuate ${id}`) === undefined) continue;
      const row = getRow(r.cloud.state.compute.servers, id)!;
      tally(`${what}: evacuated(`, `→ ${row.vm_state}/${row.host === host ? `same host (${(row.fault?.message ?? '').slice(0, 50)})` : 'moved'}`);
      expect(row.task_state, `${what}: ${id} evacuated, a task left`).toBeNull();
      if (row.host !== host) {
        expect([row.host, ['active', 'stopped'].includes(row.vm_state)], `${what}: ${id} evacuated`).toEqual([CMP_HOSTS.find((h) => h !== host), true]);
        expect(Object.keys(allocationsOf(r.cloud.state, id)).length, `${what}: ${id} holds both hosts until its source is back`).toBe(2);
      } else expect(row.vm_state, `${what}: ${id} not evacuated`).toBe('error');
      moved.push(id);
    }
    problems('evacuated, the source still down');
    r.cloud.hardware.recoverHost(host);
    m.hosts.get(host)!.state = 'up';
    for (const id of moved) {
      const row = getRow(r.cloud.state.compute.servers, id)!;
      if (row.host !== host) expect(Object.keys(allocationsOf(r.cloud.state, id)), `${what}: ${id} only on its new host once the source is back`).toEqual([getRow(r.cloud.state.hardware.host_names, row.host!)]);
      followServer(m, r, cm, id, what);
    }
    problems('the source back');
  }
  toString = () => `cmp.outage(${CMP_HOSTS[this.hostIx % CMP_HOSTS.length]}, #${this.pick}, ${this.actor})`;
}

// ------------------------------------------------------------------ invariants

/**
 * The compute invariants. They run after every step of every module, so they compare plain
 * values and collect what disagrees, with one assertion at the end.
 */
function checkCompute(m: CloudModel, r: CloudReal): void {
  const cm = m.compute;
  if (cm === undefined) return;
  const problems: string[] = [];
  const ok = (holds: boolean, what: () => string): void => {
    if (!holds) problems.push(what());
  };
  const same = (actual: unknown, expected: unknown, what: string): void => {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) problems.push(`${what}: ${a} where the model has ${e}`);
  };
  const state = r.cloud.state;
  const c = state.compute;
  const nm = m.network;
  const bm = m.block;
  // every row: a reachable (vm_state, task_state, power_state); the live ones are the model's
  const live: string[] = [];
  for (const row of tableToArray(c.servers)) {
    ok(isReachable(row.vm_state, row.task_state, row.power_state), () => `server ${row.uuid}: (${row.vm_state}, ${row.task_state}, power ${row.power_state}) is not in REACHABLE_STATES`);
    if (!row.deleted) live.push(row.uuid);
    else ok(row.vm_state === 'deleted' && row.host === null, () => `deleted server ${row.uuid}: ${row.vm_state} on ${row.host}`);
  }
  same(live.sort(), sorted(cm.servers), 'live servers');
  const hostIndex = new Map<string, string[]>();
  for (const [key, uuid] of tablePrefix(c.host_servers, '')) hostIndex.set(uuid, [...(hostIndex.get(uuid) ?? []), key.slice(0, key.indexOf('/'))]);
  for (const [id, s] of Object.entries(cm.servers)) {
    const row = getRow(c.servers, id);
    if (row === undefined) continue;
    const project = cm.ids[s.fam][s.project];
    same([row.project_id, row.vm_state, row.task_state, row.host, row.locked, row.flavor.flavorid], [project, s.vm, s.task, s.host, s.locked, FLAVORS[s.flavor].id], `server ${id} (project, vm_state, task_state, host, locked, flavor)`);
    same(row.metadata, s.metadata, `server ${id} metadata`);
    same([...row.tags].sort(), [...s.tags].sort(), `server ${id} tags`);
    // exactly one host (the index agrees) for a server that is not in ERROR; none for one in ERROR
    same(hostIndex.get(id) ?? [], s.host === null ? [] : [s.host], `server ${id} in host_servers`);
    ok(s.vm === 'error' || s.vm === 'shelved_offloaded' || (s.host !== null && (CMP_HOSTS as readonly string[]).includes(s.host)), () => `server ${id} (${s.vm}) has no host of this suite: ${s.host}`);
    ok(s.vm !== 'shelved_offloaded' || s.host === null, () => `server ${id} offloaded but on ${s.host}`);
    // its allocation: exactly its flavor on its host (unless the scheduler suite deleted it)
    const alloc = getRow(state.placement.allocations, id);
    // (a server in ERROR after a failed move keeps its host and what it holds there; an offloaded one holds nothing)
    if ((s.vm === 'error' && s.host === null) || s.vm === 'shelved_offloaded') ok(alloc === undefined, () => `server ${id} (${s.vm}, no host) holds an allocation`);
    else if (allocated(m, id)) {
      const provider = s.host === null ? undefined : getRow(state.hardware.host_names, s.host);
      same(alloc, provider === undefined ? undefined : { [provider]: resourcesOf(s.flavor, s.bfv) }, `server ${id}: allocation`);
    } else ok(alloc === undefined, () => `server ${id}: its allocation came back`);
    // its ports: the VIFs, each bound to its host with the server as device (unless the network suite took it away)
    same(row.vifs.map((v) => [v.port_id, !v.preserve_on_delete]), s.vifs.map((v) => [v.port, v.created]), `server ${id} VIFs`);
    for (const v of s.vifs) {
      if (!portIntact(nm, v.port, s.host)) continue;
      const port = getRow(state.network.ports, v.port);
      same(port && [port.binding_host_id, port.device_id], [s.host, id], `server ${id} port ${v.port} (binding:host_id, device_id)`);
    }
    // its volumes: in-use, an attached attachment naming it, in its block device mappings
    const bdms = tablePrefix(c.bdms, `${id}/`).map(([, b]) => b);
    same(bdms.filter((b) => b.destination_type === 'volume' && b.attachment_id !== null).map((b) => b.volume_id).sort(), s.volumes.map((v) => v.volume).sort(), `server ${id} volumes in its block device mappings`);
    for (const v of s.volumes) {
      if (!attachmentIntact(bm, v.attachment)) continue;
      const att = getRow(state.block.attachments, v.attachment);
      same(att && [att.instance_uuid, att.attach_status, att.volume_id], [id, 'attached', v.volume], `server ${id} attachment ${v.attachment}`);
      same(getRow(state.block.volumes, v.volume)?.status, 'in-use', `server ${id} volume ${v.volume} status`);
    }
  }
  // a deleted server holds nothing: no allocation, no port nova made, no attachment, no host
  for (const [id, g] of Object.entries(cm.gone)) {
    ok(getRow(state.placement.allocations, id) === undefined && getRow(state.placement.consumers, id) === undefined, () => `deleted server ${id} holds an allocation`);
    for (const p of g.created) ok(getRow(state.network.ports, p) === undefined, () => `deleted server ${id}: port ${p} is still there`);
    for (const a of g.attachments) ok(getRow(state.block.attachments, a) === undefined, () => `deleted server ${id}: attachment ${a} is still there`);
    ok(!hostIndex.has(id), () => `deleted server ${id} is in host_servers`);
  }
  for (const a of tableToArray(state.block.attachments)) ok(a.instance_uuid === null || cm.gone[a.instance_uuid] === undefined, () => `attachment ${a.id} names the deleted server ${a.instance_uuid}`);
  // nova's quota usage is the model's live servers
  for (const fam of ['n', 'b'] as const) {
    for (const p of ['a', 'b'] as const) {
      const q = r.cloud.quotas.show(cm.ids[fam][p], 'compute');
      const mine = Object.values(cm.servers).filter((s) => s.fam === fam && s.project === p);
      same([q.instances?.in_use, q.cores?.in_use, q.ram?.in_use], [mine.length, mine.reduce((n, s) => n + FLAVORS[s.flavor].vcpus, 0), mine.reduce((n, s) => n + FLAVORS[s.flavor].ram, 0)], `compute quota usage of ${fam}-${p} (instances, cores, ram)`);
    }
  }
  // no provider of this suite over its capacity
  for (const u of r.cloud.scheduler.usage()) {
    if (!(CMP_HOSTS as readonly string[]).includes(u.host)) continue;
    for (const [rc, x] of Object.entries(u.resources)) ok(x.used <= x.capacity, () => `${u.host} ${rc}: ${x.used} used of ${x.capacity}`);
  }
  // the moves' invariants (issue 15), on the servers nothing was taken away from
  problems.push(...moveProblems(r.cloud, { strictPorts: false, servers: (u) => cm.servers[u] !== undefined && intact(m, cm, u) }));
  expect(problems.length, `compute invariants:\n${problems.join('\n')}`).toBe(0);
}

// ------------------------------------------------------------------ the move invariants (issue 15)

/** `flavorResources` for a flavor the server held (its old one, while the migration holds it). */
function heldFor(row: ServerRow, flavor: ServerRow['flavor']): Record<string, number> {
  return flavorResources({ ...row, flavor });
}

/**
 * The invariants of moving servers (issue 15), read from the state alone, so both the model-based
 * suite and `tests/compute/moves.properties.test.ts` check them after every step; answers what
 * disagrees (empty when all hold):
 * - per provider, Placement's usage is the sum of the live allocations of instance and migration
 *   consumers, and no provider is over its capacity; every consumer is a live server or a
 *   migration of one whose move is still in progress (a finished migration holds nothing);
 * - a moving server has at most two consumers holding something, and a `resized` one
 *   (`VERIFY_RESIZE` / `REVERT_RESIZE`) exactly two: its new flavor on the destination (the
 *   instance, its host) and its old flavor on the source (its migration's consumer); a server at
 *   rest (no task, not `resized`) exactly one consumer: its flavor on its host — and, for an
 *   evacuated one whose source nova-compute has not come back, the same on the source (never
 *   after the source is up again);
 * - a server is on one host at most (the `host_servers` index agrees with its row);
 * - at rest on a host, each of its ports is bound there (`binding:host_id`, `device_id`) and each
 *   attached volume's attachment names it, `attached`, with that host; a `SHELVED_OFFLOADED` one
 *   holds no allocation and no host (its ports may keep the old host, as Zed leaves them), its
 *   volumes' attachments reserved without a connector;
 * - every (vm_state, task_state, power_state) is in `REACHABLE_STATES`.
 * `strictPorts` false leaves out the ports' and attachments' check for servers whose ports or
 * attachments another suite may have taken away (the model-based suite checks those itself).
 */
export function moveProblems(cloud: Cloud, options: { readonly strictPorts?: boolean; readonly servers?: (uuid: string) => boolean } = {}): string[] {
  const strict = options.strictPorts ?? true;
  const mine = options.servers ?? (() => true);
  const state = cloud.state;
  const out: string[] = [];
  const names = new Map(tableToArray(state.hardware.hosts).map((h) => [h.id, h.name]));
  const rpOf = (host: string | null): string => (host === null ? '?' : getRow(state.hardware.host_names, host) ?? `?${host}`);
  const show = (a: Readonly<Record<string, Readonly<Record<string, number>>>>): string => JSON.stringify(Object.fromEntries(Object.entries(a).map(([rp, r]): [string, unknown] => [names.get(rp) ?? rp, r]).sort(([x], [y]) => (x < y ? -1 : 1))));
  // per provider: usage = the sum of the live allocations; no provider over capacity
  const sums = new Map<string, Record<string, number>>();
  for (const [consumer, alloc] of tableEntries(state.placement.allocations)) {
    for (const [rp, res] of Object.entries(alloc)) {
      const acc = sums.get(rp) ?? {};
      for (const [rc, n] of Object.entries(res)) acc[rc] = (acc[rc] ?? 0) + n;
      sums.set(rp, acc);
    }
    void consumer;
  }
  for (const p of tableToArray(state.placement.providers)) {
    const sum = sums.get(p.uuid) ?? {};
    for (const rc of new Set([...Object.keys(sum), ...Object.keys(p.usages)])) {
      if ((sum[rc] ?? 0) !== (p.usages[rc] ?? 0)) out.push(`provider ${names.get(p.uuid) ?? p.uuid} ${rc}: usage ${p.usages[rc] ?? 0}, allocations sum to ${sum[rc] ?? 0}`);
    }
  }
  for (const u of cloud.scheduler.usage()) for (const [rc, x] of Object.entries(u.resources)) if (x.used > x.capacity) out.push(`${u.host} ${rc}: ${x.used} used of ${x.capacity}`);
  // consumers: live servers, or migrations of live servers still in progress
  const migrationsByUuid = new Map(tableToArray(state.compute.migrations).map((m) => [m.uuid, m]));
  for (const [consumer, alloc] of tableEntries(state.placement.allocations)) {
    if (Object.keys(alloc).length === 0) continue;
    const server = getRow(state.compute.servers, consumer);
    const migration = migrationsByUuid.get(consumer);
    if (server !== undefined) {
      if (server.deleted) out.push(`deleted server ${consumer} holds ${show(alloc)}`);
    } else if (migration !== undefined) {
      const owner = getRow(state.compute.servers, migration.instance_uuid);
      if (!mine(migration.instance_uuid)) continue;
      if (owner === undefined || owner.deleted) out.push(`migration ${migration.id} of the deleted server ${migration.instance_uuid} holds ${show(alloc)}`);
      else if ((FINISHED_MIGRATION_STATUSES as readonly string[]).includes(migration.status) && !(owner.vm_state === 'resized' && migration.status === 'reverted')) out.push(`migration ${migration.id} (${migration.migration_type}, ${migration.status}) of ${owner.uuid} holds ${show(alloc)}`);
      else if (migration.migration_type === 'evacuation') out.push(`evacuation ${migration.id} of ${owner.uuid} holds ${show(alloc)} as a consumer`);
    }
  }
  // the host index
  const indexed = new Map<string, string[]>();
  for (const [key, uuid] of tablePrefix(state.compute.host_servers, '')) indexed.set(uuid, [...(indexed.get(uuid) ?? []), key.slice(0, key.indexOf('/'))]);
  const serviceUpOn = (host: string | null): boolean => {
    const view = host === null ? undefined : cloud.admin.compute.listComputeServices({ binary: 'nova-compute', host })[0];
    return view?.state === 'up';
  };
  for (const row of tableToArray(state.compute.servers)) {
    if (!mine(row.uuid)) continue;
    const id = row.uuid;
    if (!isReachable(row.vm_state, row.task_state, row.power_state)) out.push(`server ${id}: (${row.vm_state}, ${row.task_state}, power ${row.power_state}) is not reachable`);
    if (row.deleted) continue;
    const where = indexed.get(id) ?? [];
    if (JSON.stringify(where) !== JSON.stringify(row.host === null ? [] : [row.host])) out.push(`server ${id} on ${row.host} is in host_servers under ${JSON.stringify(where)}`);
    const migrations = tablePrefix(state.compute.instance_migrations, `${id}/`).map(([, mid]) => getRow(state.compute.migrations, String(mid).padStart(10, '0'))).filter((x): x is MigrationRow => x !== undefined);
    const instance = allocationsOf(state, id);
    const holding = migrations.filter((mg) => Object.keys(allocationsOf(state, mg.uuid)).length > 0);
    const consumers = (Object.keys(instance).length > 0 ? 1 : 0) + holding.length;
    if (consumers > 2 || holding.length > 1) out.push(`server ${id} (${row.vm_state}, ${row.task_state}) has ${consumers} consumers holding something`);
    const latestMove = [...migrations].reverse().find((mg) => mg.migration_type === 'resize' || mg.migration_type === 'migration');
    const label = `server ${id} (${row.vm_state}, ${row.task_state})`;
    if (row.vm_state === 'resized' && row.task_state !== 'resize_reverting') {
      // VERIFY_RESIZE: the new flavor on the destination (the instance), the old one on the source (the migration)
      if (latestMove === undefined) out.push(`${label}: resized without a migration`);
      else {
        const old = row.old_flavor ?? row.flavor;
        const wantMigration = JSON.stringify({ [rpOf(latestMove.source_compute)]: heldFor(row, old) });
        const wantInstance = JSON.stringify({ [rpOf(row.host)]: flavorResources(row) });
        const sameHost = latestMove.source_compute === row.host;
        if (row.host !== latestMove.dest_compute) out.push(`${label}: on ${row.host}, its migration ${latestMove.id} went to ${latestMove.dest_compute}`);
        if (JSON.stringify(allocationsOf(state, latestMove.uuid)) !== wantMigration) out.push(`${label}: migration ${latestMove.id} (${latestMove.status}) holds ${show(allocationsOf(state, latestMove.uuid))}, not its old flavor on ${latestMove.source_compute}${sameHost ? ' (same host)' : ''}`);
        if (JSON.stringify(instance) !== wantInstance) out.push(`${label}: the instance holds ${show(instance)}, not its new flavor on ${row.host}`);
      }
    } else if (row.vm_state === 'resized') {
      // REVERT_RESIZE: still two consumers, until the source's finish_revert_resize gives the old flavor back
      if (consumers !== 2 && consumers !== 1) out.push(`${label}: ${consumers} consumers while reverting`);
    } else if (row.task_state === null && row.vm_state === 'shelved_offloaded') {
      if (consumers !== 0) out.push(`${label}: offloaded but holds ${show(instance)}${holding.length > 0 ? ' and a migration' : ''}`);
      if (row.host !== null) out.push(`${label}: offloaded but on ${row.host}`);
    } else if (row.task_state === null && row.vm_state !== 'error' && row.vm_state !== 'building') {
      // at rest: exactly one consumer, its flavor on its host (and on an evacuated server's source while that source is down)
      if (holding.length > 0) out.push(`${label}: at rest but migration ${holding.map((h) => `${h.id} (${h.status})`).join(', ')} still holds something`);
      const want = flavorResources(row);
      const rps = Object.keys(instance);
      const evacuated = migrations.filter((mg) => mg.migration_type === 'evacuation' && (['accepted', 'pre-migrating', 'done'] as string[]).includes(mg.status) && mg.source_compute !== row.host);
      const sources = new Set(evacuated.map((mg) => rpOf(mg.source_compute)));
      // Zed's race, kept (nova/compute/manager.py _destroy_evacuated_instances takes `accepted`
      // evacuations too): the source comes back before the conductor ran a forced evacuation, drops
      // the source's allocation (the only one), and the conductor's claim_resources_on_destination
      // then fails with the vm_state kept — the server stays on its source holding nothing
      const raced = rps.length === 0 && migrations.some((mg) => mg.migration_type === 'evacuation' && mg.status === 'error' && mg.source_compute === row.host) && /Expected to find allocations for source node/.test(row.fault?.message ?? '');
      if (row.host === null) out.push(`${label}: at rest without a host`);
      else if (raced) void raced;
      else if (JSON.stringify(instance[rpOf(row.host)]) !== JSON.stringify(want)) out.push(`${label}: holds ${show(instance)}, not its flavor ${JSON.stringify(want)} on ${row.host}`);
      for (const rp of rps) {
        if (rp === rpOf(row.host)) continue;
        if (!sources.has(rp)) out.push(`${label}: also holds ${JSON.stringify(instance[rp])} on ${names.get(rp) ?? rp}, which is neither its host nor the down source of an evacuation`);
        else if (serviceUpOn(names.get(rp) ?? null)) out.push(`${label}: evacuated, still holds ${names.get(rp) ?? rp} whose nova-compute is up again`);
        else if (JSON.stringify(instance[rp]) !== JSON.stringify(want)) out.push(`${label}: holds ${JSON.stringify(instance[rp])} on its evacuation source ${names.get(rp) ?? rp}`);
      }
    } else if (row.vm_state === 'error' && row.task_state === null) {
      // an ERROR server: nothing (a boot that failed), or where it is (a move that failed)
      for (const rp of Object.keys(instance)) if (row.host === null || (rp !== rpOf(row.host) && !migrations.some((mg) => mg.migration_type === 'evacuation' && rpOf(mg.source_compute) === rp))) out.push(`${label}: holds ${show(instance)} while on ${row.host}`);
    }
    // ports and volumes follow the server
    if (!strict) continue;
    const atRest = row.task_state === null && row.host !== null && row.vm_state !== 'shelved_offloaded' && row.vm_state !== 'error';
    const moving = new Set<string>([row.host ?? '', ...migrations.filter((mg) => !(FINISHED_MIGRATION_STATUSES as readonly string[]).includes(mg.status)).flatMap((mg) => [mg.source_compute ?? '', mg.dest_compute ?? ''])]);
    for (const vif of row.vifs) {
      const port = getRow(state.network.ports, vif.port_id);
      if (port === undefined) {
        out.push(`${label}: port ${vif.port_id} is gone`);
        continue;
      }
      if (port.device_id !== id) out.push(`${label}: port ${vif.port_id} has device ${port.device_id}`);
      if (atRest && port.binding_host_id !== row.host) out.push(`${label}: port ${vif.port_id} bound to ${port.binding_host_id}, the server is on ${row.host}`);
      if (!atRest && row.vm_state !== 'shelved_offloaded' && row.vm_state !== 'error' && row.task_state !== null && !moving.has(port.binding_host_id ?? '')) out.push(`${label}: port ${vif.port_id} bound to ${port.binding_host_id}, not a host of the move`);
    }
    for (const [, bdm] of tablePrefix(state.compute.bdms, `${id}/`)) {
      if (bdm.destination_type !== 'volume' || bdm.attachment_id === null || bdm.volume_id === null) continue;
      const att = getRow(state.block.attachments, bdm.attachment_id);
      if (att === undefined) {
        out.push(`${label}: attachment ${bdm.attachment_id} of volume ${bdm.volume_id} is gone`);
        continue;
      }
      if (att.instance_uuid !== id || att.volume_id !== bdm.volume_id) out.push(`${label}: attachment ${att.id} names ${att.instance_uuid} / ${att.volume_id}`);
      if (atRest && (att.attach_status !== 'attached' || att.attached_host !== row.host)) out.push(`${label}: volume ${bdm.volume_id}'s attachment ${att.id} is ${att.attach_status} on ${att.attached_host}, the server is on ${row.host}`);
      if (row.vm_state === 'shelved_offloaded' && row.task_state === null && (att.attach_status !== 'reserved' || att.connector !== null)) out.push(`${label}: offloaded, volume ${bdm.volume_id}'s attachment ${att.id} is ${att.attach_status}${att.connector === null ? '' : ' with a connector'}`);
      // the volume's other attachments to this server: none left behind by a move once at rest
      if (atRest) {
        const others = tablePrefix(state.block.volume_attachments, `${bdm.volume_id}/`).map(([, a]) => getRow(state.block.attachments, a)).filter((a) => a !== undefined && a.id !== att.id && a.instance_uuid === id);
        if (others.length > 0) out.push(`${label}: volume ${bdm.volume_id} has ${others.length} other attachment(s) to it left behind`);
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ registration

registerSetup((m, r) => {
  const { cloud } = r;
  probeStubs(r);
  const nm = m.network;
  const bm = m.block;
  if (nm === undefined || bm === undefined) throw new Error('the compute commands need the network and block suites (registered before them)');
  // this suite's compute hosts, in its own zone
  cloud.hardware.addAvailabilityZone({ name: CMP_AZ });
  for (const name of CMP_HOSTS) {
    cloud.hardware.addHost({ name, cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: CMP_MEMORY[name], disks: [{ name: 'sda', size_gb: 10 }], roles: ['compute'], availability_zone: CMP_AZ });
    m.hosts.set(name, { state: 'up', memory_mb: CMP_MEMORY[name], roles: ['compute'] });
  }
  // the flavors
  const admin = cloud.admin;
  for (const [name, f] of Object.entries(FLAVORS)) admin.compute.createFlavor({ name, id: f.id, ram: f.ram, vcpus: f.vcpus, disk: f.disk });
  // a public, protected image (the image suite's commands may pick it: delete refused, upload 409, share 403)
  const image = admin.image.createImage({ name: 'cmp-cirros', disk_format: 'qcow2', container_format: 'bare', visibility: 'public', protected: true });
  admin.image.uploadImageData(image.id, new Uint8Array(IMAGE_BYTES));
  // nova's quotas of the four projects
  const ids: ComputeModel['ids'] = { n: { a: nm.ids.a, b: nm.ids.b }, b: { a: bm.ids.a, b: bm.ids.b } };
  for (const fam of ['n', 'b'] as const) {
    for (const p of ['a', 'b'] as const) for (const [k, v] of Object.entries(LIMITS[p])) cloud.quotas.setLimit(ids[fam][p], `compute.${k}`, v);
  }
  m.compute = { ids, image: image.id, imageBytes: [...IMAGE_BYTES], flavors: { 'cmp.tiny': FLAVORS['cmp.tiny'].id, 'cmp.wide': FLAVORS['cmp.wide'].id }, servers: {}, gone: {}, groups: {} };
  // a starting world, built by the commands themselves: net-a's server on its only network
  // ('auto'), net-b's on its network by uuid (its port quota is then full: the next boot on a
  // network there is nova-api's 403 PortLimitExceeded); blk-a's server booted from a volume
  // (deleted with it), its wide server from the image (blk-a's cores are then 5 of 8), blk-b's
  // tiny one (1 of its 2 instances); an anti-affinity group of blk-a and an affinity group of
  // net-a. The two hosts then hold 4096 MB of their 6912.
  const netB = tenantNetworks(nm).findIndex((id) => nm.networks[id]!.project === 'b');
  new CmpBoot('n', false, 'auto', 0, 'cmp.tiny', null, false, 'ua').run(m, r);
  new CmpBoot('n', false, 'uuid', netB, 'cmp.tiny', null, false, 'ub').run(m, r);
  new CmpBoot('b', true, 'none', 0, 'cmp.tiny', null, true, 'ua').run(m, r);
  new CmpBoot('b', false, 'none', 0, 'cmp.wide', null, false, 'ua').run(m, r);
  new CmpBoot('b', false, 'none', 0, 'cmp.tiny', null, false, 'ub').run(m, r);
  if (written.get('createServerGroup') === true) {
    new CmpCreateGroup('b', 'anti-affinity', 'ua').run(m, r);
    new CmpCreateGroup('n', 'affinity', 'ua').run(m, r);
  }
  const start = Object.values(m.compute.servers).map((x) => `${x.fam}${x.project} ${x.flavor} ${x.vm} ${x.vifs.length} port(s) ${x.volumes.length} volume(s)`).sort();
  expect(start, 'the starting servers').toEqual([
    'ba cmp.tiny active 0 port(s) 1 volume(s)',
    'ba cmp.wide active 0 port(s) 0 volume(s)',
    'bb cmp.tiny active 0 port(s) 0 volume(s)',
    'na cmp.tiny active 1 port(s) 0 volume(s)',
    'nb cmp.tiny active 1 port(s) 0 volume(s)',
  ]);
});

registerInvariants('compute', checkCompute);

const actor = fc.constantFrom<Actor>('ua', 'ua', 'ua', 'ua', 'ub', 'ub', 'ub', 'ra', 'expired', 'revoked');
const pick = fc.nat(30);
const boot = fc.oneof(
  fc.record({ fam: fc.constant<Fam>('n'), bfv: fc.constant(false), net: fc.constantFrom<NetMode>('auto', 'auto', 'uuid', 'port', 'none') }),
  fc.record({ fam: fc.constant<Fam>('b'), bfv: fc.constantFrom(false, true, true), net: fc.constantFrom<NetMode>('none', 'none', 'auto') }),
);
/** Nova's command arbitraries (cloud.model.test.ts also runs them alone). */
export const COMPUTE_COMMANDS: readonly fc.Arbitrary<CloudCommand>[] = [
  fc.tuple(boot, pick, fc.constantFrom<FlavorName>('cmp.tiny', 'cmp.tiny', 'cmp.wide'), fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(10) }), fc.boolean(), actor).map(([b, p, f, g, dot, a]) => new CmpBoot(b.fam, b.bfv, b.net, p, f, g, dot, a)),
  fc.tuple(pick, actor).map(([p, a]) => new CmpDelete(p, a)),
  fc.tuple(pick, fc.constantFrom<Act>('stop', 'start', 'reboot_soft', 'reboot_hard', 'pause', 'unpause', 'suspend', 'resume', 'lock', 'unlock', 'rescue', 'unrescue'), actor).map(([p, x, a]) => new CmpAction(p, x, a)),
  fc.tuple(pick, fc.constantFrom<'set' | 'delete' | 'merge'>('set', 'delete', 'merge'), fc.constantFrom('k1', 'k2'), actor).map(([p, op, k, a]) => new CmpMetadata(p, op, k, a)),
  fc.tuple(pick, fc.constantFrom<'add' | 'delete' | 'replace' | 'clear'>('add', 'add', 'delete', 'replace', 'clear'), fc.constantFrom('t1', 't2'), actor).map(([p, op, t, a]) => new CmpTags(p, op, t, a)),
  fc.tuple(pick, pick, fc.boolean(), actor).map(([p, v, dot, a]) => new CmpAttachVolume(p, v, dot, a)),
  fc.tuple(pick, fc.nat(3), actor).map(([p, w, a]) => new CmpDetachVolume(p, w, a)),
  fc.tuple(pick, fc.constantFrom<'net' | 'port'>('net', 'net', 'port'), pick, actor).map(([p, mode, t, a]) => new CmpAttachInterface(p, mode, t, a)),
  fc.tuple(pick, fc.nat(3), actor).map(([p, w, a]) => new CmpDetachInterface(p, w, a)),
  fc.tuple(fc.constantFrom<Fam>('n', 'b'), fc.constantFrom<GroupPolicy>('affinity', 'anti-affinity', 'soft-anti-affinity'), actor).map(([fam, pol, a]) => new CmpCreateGroup(fam, pol, a)),
  fc.tuple(fc.constantFrom<Fam>('n', 'b'), actor).map(([fam, a]) => new CmpList(fam, a)),
  fc.tuple(pick, fc.constantFrom<MoveKind>('resize', 'resize', 'confirm', 'revert', 'shelve', 'unshelve', 'unshelve'), fc.constantFrom<MoveActor>('ua', 'ua', 'ua', 'admin', 'ub', 'ra', 'expired', 'revoked')).map(([p, k, a]) => new CmpMove(p, k, a)),
  fc.tuple(pick, fc.constantFrom<MoveKind>('migrate', 'live', 'liveTo', 'offload'), fc.constantFrom<MoveActor>('admin', 'admin', 'admin', 'ua', 'ub', 'ra', 'expired', 'revoked')).map(([p, k, a]) => new CmpAdminMove(p, k, a)),
  fc.tuple(fc.nat(1), pick, actor).map(([h, p, a]) => new CmpOutage(h, p, a)),
];
registerCommands('compute', [...COMPUTE_COMMANDS]);
