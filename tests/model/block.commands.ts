/**
 * Cinder's commands for the shared model-based suite. Two projects (`blk-a`, `blk-b`, one member
 * each) and a reader of `blk-a` create volumes (blank, of the `__DEFAULT__` type, of `blk-gold`
 * — `volume_backend_name=lvmdriver-1`, the same backend — or of the multiattach `blk-multi`; from a
 * snapshot, a volume or a backup), extend, write and delete them (with and without `cascade`),
 * take and delete snapshots, back volumes up into Swift (full and incremental), restore backups
 * (into a new volume or an existing one) and delete them, attach volumes to made-up servers
 * (create with or without a connector, update, complete, delete), offer them to a project and
 * accept (with the key or a wrong one) or withdraw the offer, and retype them between the three
 * types (`migration_policy` never: the pool stays). Every command is tried by the owner, by the
 * other project's member (404 on what it may not see), by the reader (403 on writes), with an
 * expired token (401: the clock moves past the token lifetime) and a revoked one (401); a refused
 * call leaves `cloud.state` the very same object. Small quotas make the 413s come up (`blk-a`:
 * 5 volumes, 14 GB, two `blk-gold` volumes; `blk-b` smaller still): the pool itself (DevStack's
 * `lvmdriver-1`, 22.8 GB thin × 20) never runs out first, as `createCloud`'s block options are
 * the harness's. Each run starts from a small world the commands themselves build (see the setup).
 *
 * Where volumes live: this suite's own host `blk-node` (controller and storage, no disks, so it
 * never joins Swift's rings) runs `cinder-scheduler`, `cinder-backup` and `cinder-volume`. Every
 * block command first disables the `cinder-volume` services of every other storage host (the
 * Swift hosts, Glance's, the hardware commands'), as an operator pins volumes to one backend host:
 * a volume never lands on a host another module may remove.
 *
 * The model predicts each answer in Cinder's order of checks and, tasks being drained at once
 * (`progression: 'immediate'`), each status after the call; backups' Swift writes are predicted
 * from the rings (`getNodes`: a write needs a quorum of answering primaries and handoffs), so a
 * backup made while Swift hosts are down may end `error`. It keeps every volume's content as the
 * bytes written, by offset (small writes, some of zeros, some across a block or a 50 MiB chunk).
 *
 * Invariants after every step of every module: the cloud holds exactly the model's volumes,
 * snapshots, backups, attachments and transfers, with their project, size, type and status (and
 * the `volume_*` indexes exactly them); per pool, `provisioned_capacity_gb` =
 * `allocated_capacity_gb` = the sizes of the volumes on it, `written_blocks` = their written
 * blocks, and the capacity bounds hold (thick: total less the reserved part; thin: that ×
 * `max_over_subscription_ratio`); a volume is `in-use` exactly when it has an `attached`
 * attachment — but for Zed's own windows where another attachment of it is under way: a
 * multiattach volume reserved for a new one (cinder/volume/api.py `_attachment_reserve` moves it
 * `in-use` → `reserved`) or one being connected (`volume_attached(mark_attached=False)`,
 * cinder/db/sqlalchemy/api.py, makes it `attaching`); a volume that is not multiattach has
 * attachments for one server at most; every status change between two steps is an edge of
 * `VOLUME_TRANSITIONS` (or a path through the statuses the step's own call passes, e.g.
 * `reserved` for an attachment created with a connector); Cinder's quota usage is the model's
 * live resources per project; every volume reads back the model's bytes (so a clone equals its
 * source at clone time, a restored volume its backup) and holds exactly the blocks they fill; the
 * `blocks` table names blobs that exist, for live volumes and snapshots only; every available
 * backup's objects are in its project's `volumebackups` container, and that container holds
 * nothing of a backup that is gone.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { CloudError, type Session } from '../../src/index.js';
import { getRow, tablePrefix, tableToArray, type Table } from '../../src/core/index.js';
import { VOLUME_TRANSITIONS, type VolumeStatus } from '../../src/block/index.js';
import { registerCommands, registerInvariants, registerSetup, type CloudCommand, type CloudModel, type CloudReal } from './harness.js';

// ------------------------------------------------------------------ the model

type Proj = 'a' | 'b';
type TypeName = '__DEFAULT__' | 'blk-gold' | 'blk-multi';
/** Bytes written, by offset (a byte written as 0 stays in the map: it reads back as 0). */
type Bytes = Map<number, number>;

interface MVolume {
  project: Proj;
  size: number;
  type: TypeName;
  status: VolumeStatus;
  multiattach: boolean;
}

interface MSnapshot {
  volume: string;
  project: Proj;
  size: number;
  type: TypeName;
  content: Bytes;
}

interface MBackup {
  volume: string;
  project: Proj;
  size: number;
  status: 'available' | 'error';
  parent: string | null;
  /** Creation order (the parent of an incremental is the latest of the volume's backups). */
  seq: number;
  /** The volume's bytes when it was made. */
  content: Bytes;
}

interface MAttachment {
  volume: string;
  project: Proj;
  server: string;
  status: 'reserved' | 'attaching' | 'attached';
  /** Whether the volume manager made a connection (`connection_info` set). */
  connected: boolean;
}

interface MTransfer {
  volume: string;
  project: Proj;
  key: string;
  noSnapshots: boolean;
}

/** What the block commands believe. */
export interface BlockModel {
  ids: Record<Proj, string>;
  types: Record<TypeName, string>;
  /** The pool every volume lands on (`blk-node@lvmdriver-1#lvmdriver-1`). */
  pool: string;
  volumes: Record<string, MVolume>;
  /** Volume id → its bytes. */
  content: Map<string, Bytes>;
  snapshots: Record<string, MSnapshot>;
  backups: Record<string, MBackup>;
  attachments: Record<string, MAttachment>;
  transfers: Record<string, MTransfer>;
  /** Statuses the last block call passed through, per volume, between the one it had and the one it has. */
  via: Record<string, VolumeStatus[]>;
  seq: number;
  /**
   * A snapshot left behind with its donor by a `no_snapshots` transfer: a later retype charges its
   * size to the volume's owner under the new type (quota_utils.get_volume_type_reservation counts
   * every snapshot of the volume), so the per-type `gigabytes_` / `snapshots_` usage no longer
   * follows the resources and is not compared from then on.
   */
  skewed: boolean;
}

declare module './harness.js' {
  interface CloudModel {
    block?: BlockModel;
  }
}

const GIB = 2 ** 30;
const BLOCK = 32_768;
/** Blocks per Swift object of a backup (`backup_swift_object_size` 52428800 / 32 KiB). */
const CHUNK_BLOCKS = 52_428_800 / BLOCK;
const CONTAINER = 'volumebackups';
const BLK_NODE = 'blk-node';
const PASSWORD = 'blk-pw';
const USERS = { ua: ['blk-ua', 'blk-a'], ub: ['blk-ub', 'blk-b'], ra: ['blk-ra', 'blk-a'] } as const;
const TYPES: readonly TypeName[] = ['__DEFAULT__', 'blk-gold', 'blk-multi'];
/** Made-up Nova instance uuids. */
const SERVERS = ['5e7a1c9e-0b1d-4c3a-9f00-000000000001', '5e7a1c9e-0b1d-4c3a-9f00-000000000002', '5e7a1c9e-0b1d-4c3a-9f00-000000000003'];
const CONNECTOR = { host: 'compute-1', initiator: 'iqn.1993-08.org.debian:01:blk', ip: '192.0.2.10', platform: 'x86_64', os_type: 'linux', multipath: false };
/** The projects' limits (`os-quota-sets`); other resources keep Cinder's defaults, per-type ones -1. */
const LIMITS: Readonly<Record<Proj, Readonly<Record<string, number>>>> = {
  a: { volumes: 5, gigabytes: 14, snapshots: 3, backups: 3, backup_gigabytes: 6, 'volumes_blk-gold': 2 },
  b: { volumes: 3, gigabytes: 6, snapshots: 2, backups: 2, backup_gigabytes: 4 },
};
/** Where writes go: inside block 0, across blocks 0/1, block 2, across the first 50 MiB chunk, the end of the first GiB, past it, the end of the second. */
const OFFSETS = [0, 4090, 32_760, 65_536, 52_428_796, GIB - 8, GIB + 40, 2 * GIB - 6];

const copyBytes = (b: Bytes | undefined): Bytes => new Map(b ?? []);

/** The non-zero blocks of some bytes: block index → what it holds (a block of zeros is not stored). */
function blocksOf(b: Bytes): Map<number, string> {
  const parts = new Map<number, [number, number][]>();
  for (const [off, v] of b) {
    if (v === 0) continue;
    const i = Math.floor(off / BLOCK);
    const list = parts.get(i) ?? [];
    list.push([off, v]);
    parts.set(i, list);
  }
  return new Map([...parts].map(([i, list]) => [i, list.sort((x, y) => x[0] - y[0]).map(([o, v]) => `${o}:${v}`).join(',')]));
}

/** Contiguous runs of written offsets: `[offset, length]`. */
function runsOf(b: Bytes): [number, number][] {
  const offs = [...b.keys()].sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (const o of offs) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0] + last[1] === o) last[1]++;
    else out.push([o, 1]);
  }
  return out;
}

/** What a project uses, from the model's resources (`volume.<resource>` → amount, zeros left out). */
function usageOf(bm: BlockModel, p: Proj): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (k: string, n: number): void => {
    out[k] = (out[k] ?? 0) + n;
  };
  for (const v of Object.values(bm.volumes)) {
    if (v.project !== p) continue;
    add('volumes', 1);
    add('gigabytes', v.size);
    add(`volumes_${v.type}`, 1);
    add(`gigabytes_${v.type}`, v.size);
  }
  for (const s of Object.values(bm.snapshots)) {
    if (s.project !== p) continue;
    add('snapshots', 1);
    add('gigabytes', s.size);
    add(`snapshots_${s.type}`, 1);
    add(`gigabytes_${s.type}`, s.size);
  }
  for (const b of Object.values(bm.backups)) {
    if (b.project !== p) continue;
    add('backups', 1);
    add('backup_gigabytes', b.size);
  }
  for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
  return out;
}

/** Whether taking `deltas` from `usage` goes over one of the project's limits. */
function overLimit(usage: Readonly<Record<string, number>>, p: Proj, deltas: Readonly<Record<string, number>>): boolean {
  return Object.entries(deltas).some(([k, d]) => {
    const limit = LIMITS[p][k];
    return limit !== undefined && limit >= 0 && (usage[k] ?? 0) + d > limit;
  });
}

const volumeDeltas = (type: TypeName, size: number): Record<string, number> => ({ volumes: 1, gigabytes: size, [`volumes_${type}`]: 1, [`gigabytes_${type}`]: size });
const snapshotDeltas = (type: TypeName, size: number): Record<string, number> => ({ snapshots: 1, gigabytes: size, [`snapshots_${type}`]: 1, [`gigabytes_${type}`]: size });

const snapshotsOfVolume = (bm: BlockModel, id: string): [string, MSnapshot][] => Object.entries(bm.snapshots).filter(([, s]) => s.volume === id);
const attachmentsOfVolume = (bm: BlockModel, id: string): [string, MAttachment][] => Object.entries(bm.attachments).filter(([, a]) => a.volume === id);

// ------------------------------------------------------------------ actors and answers

type Actor = 'ua' | 'ub' | 'ra' | 'expired' | 'revoked';
type Rel = 'owner' | 'other' | 'reader' | 'unauth';

function actorProject(actor: Actor): Proj {
  return actor === 'ub' ? 'b' : 'a';
}

/** How an actor stands to what `owner` owns. */
function rel(actor: Actor, owner: Proj): Rel {
  if (actor === 'expired' || actor === 'revoked') return 'unauth';
  if (owner !== actorProject(actor)) return 'other';
  return actor === 'ra' ? 'reader' : 'owner';
}

/** The refusal every call on a resource gets first: 401, 404 (may not see it), 403 (may see it, not change it). */
function gate(r: Rel): Want | undefined {
  return r === 'unauth' ? 401 : r === 'other' ? [404, 'block.'] : r === 'reader' ? [403, 'block.policy.forbidden'] : undefined;
}

/** The refusal of a create, whose policy is checked on the caller's own project before anything: 401, 403 (a reader). */
function createGate(actor: Actor): Want | undefined {
  return actor === 'expired' || actor === 'revoked' ? 401 : actor === 'ra' ? [403, 'block.policy.forbidden'] : undefined;
}

function login(r: CloudReal, who: 'ua' | 'ub' | 'ra'): Session {
  const [username, project] = USERS[who];
  return r.cloud.login({ username, password: PASSWORD, project });
}

/** The session of an actor: a fresh login, an expired one (the clock moves past its lifetime), a revoked one. */
function sessionOf(m: CloudModel, r: CloudReal, actor: Actor): Session {
  let s: Session;
  if (actor === 'expired') {
    s = login(r, 'ua');
    const lifetime = r.cloud.state.identity.config.token_expiration + 1;
    r.cloud.clock.advance(lifetime);
    m.now += lifetime;
  } else if (actor === 'revoked') {
    s = login(r, 'ua');
    s.logout();
  } else s = login(r, actor);
  void r.cloud.admin.token; // the admin session (re)authenticates outside the call under test
  return s;
}

/** An expected answer: 0 for success, else the status (and the start of the code, when it matters). */
type Want = number | readonly [number, string];

/** Runs a call the model predicted: success, or a CloudError with the status (and code) — and then the state is the same object. */
function attempt<T>(r: CloudReal, want: Want, call: () => T, what: string): T | undefined {
  const [status, code] = typeof want === 'number' ? [want, undefined] : want;
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

/** Disables the volume service of every storage host but the suite's own (see the file's comment). */
function pinServices(r: CloudReal): void {
  void r.cloud.admin.token;
  for (const svc of tableToArray(r.cloud.state.block.services)) {
    if (svc.binary === 'cinder-volume' && svc.hardware_host !== BLK_NODE && !svc.disabled) r.cloud.admin.block.updateService('disable', { binary: 'cinder-volume', host: svc.host });
  }
}

/** Picks the n-th of a list (undefined when empty). */
function nth<T>(list: readonly T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[n % list.length];
}

const sorted = (rec: Record<string, unknown>): string[] => Object.keys(rec).sort();

/** Whether a write to a Swift path reaches a quorum: answering primaries, then one answering handoff per silent primary. */
function swiftWritable(r: CloudReal, account: string, container?: string, object?: string): boolean {
  const { primaries, handoffs } = r.cloud.object.getNodes(account, container, object);
  const up = primaries.filter((n) => n.reachable).length;
  const stand = handoffs.filter((n) => n.reachable).slice(0, primaries.length - up).length;
  return up + stand >= Math.floor(primaries.length / 2) + 1;
}

abstract class BlkCommand implements CloudCommand {
  check(m: Readonly<CloudModel>): boolean {
    return m.block !== undefined;
  }
  run(m: CloudModel, r: CloudReal): void {
    pinServices(r);
    const bm = m.block!;
    bm.via = {};
    this.act(bm, m, r);
  }
  abstract act(bm: BlockModel, m: CloudModel, r: CloudReal): void;
  abstract toString(): string;
}

/** A command on one of the model's volumes (any project, any status: the refusals are predicted too). */
abstract class OnVolume extends BlkCommand {
  abstract readonly pick: number;
  override check(m: Readonly<CloudModel>): boolean {
    return m.block !== undefined && Object.keys(m.block.volumes).length > 0;
  }
  volume(bm: BlockModel): [string, MVolume] {
    const id = nth(sorted(bm.volumes), this.pick)!;
    return [id, bm.volumes[id]!];
  }
}

// ------------------------------------------------------------------ volumes

/** A blank volume of 1–3 GB, of the default type or a named one. */
class BlkCreateVolume extends BlkCommand {
  constructor(readonly type: TypeName | null, readonly size: number, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const s = sessionOf(m, r, this.actor);
    const p = actorProject(this.actor);
    const type = this.type ?? '__DEFAULT__';
    const want: Want = createGate(this.actor) ?? (overLimit(usageOf(bm, p), p, volumeDeltas(type, this.size)) ? [413, 'block.quota.'] : 0);
    const view = attempt(r, want, () => s.block.createVolume({ size: this.size, name: 'blk-vol', ...(this.type === null ? {} : { volume_type: this.type }) }), this.toString());
    if (view === undefined) return;
    expect([view.status, view.size, view.volume_type, view.multiattach]).toEqual(['creating', this.size, type, type === 'blk-multi']);
    bm.volumes[view.id] = { project: p, size: this.size, type, status: 'available', multiattach: type === 'blk-multi' };
    bm.content.set(view.id, new Map());
  }
  toString = () => `blk.createVolume(${this.size} GB, ${this.type ?? 'default type'}, ${this.actor})`;
}

type SourceKind = 'snapshot' | 'volume' | 'backup';
/** The size asked for a volume from a source: none (the source's), one more, one less (too small). */
type SizeMode = 'same' | 'bigger' | 'smaller';

/** A volume from a snapshot, another volume or a backup: the source's type (a backup's: the default), its bytes. */
class BlkCloneVolume extends BlkCommand {
  constructor(readonly kind: SourceKind, readonly pick: number, readonly sizeMode: SizeMode, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    const bm = m.block;
    return bm !== undefined && Object.keys(this.kind === 'snapshot' ? bm.snapshots : this.kind === 'volume' ? bm.volumes : bm.backups).length > 0;
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const s = sessionOf(m, r, this.actor);
    const p = actorProject(this.actor);
    let source: { id: string; project: Proj; size: number; type: TypeName; content: Bytes; badStatus: string | null };
    if (this.kind === 'snapshot') {
      const id = nth(sorted(bm.snapshots), this.pick)!;
      const snap = bm.snapshots[id]!;
      source = { id, project: snap.project, size: snap.size, type: snap.type, content: snap.content, badStatus: null };
    } else if (this.kind === 'volume') {
      const id = nth(sorted(bm.volumes), this.pick)!;
      const v = bm.volumes[id]!;
      source = { id, project: v.project, size: v.size, type: v.type, content: bm.content.get(id)!, badStatus: v.status === 'available' || v.status === 'in-use' ? null : 'block.volume.invalid_status' };
    } else {
      const id = nth(sorted(bm.backups), this.pick)!;
      const b = bm.backups[id]!;
      source = { id, project: b.project, size: b.size, type: '__DEFAULT__', content: b.content, badStatus: b.status === 'available' ? null : 'block.backup.invalid_status' };
    }
    const size = this.sizeMode === 'same' ? source.size : this.sizeMode === 'bigger' ? source.size + 1 : source.size - 1;
    // volumes.ts createVolume (volume/api.py create, the create flow's ExtractVolumeRequestTask):
    // the policy, the body's schema (a size below 1), the source (404), its status, the size
    // against the source's, the quota
    let want: Want | undefined = createGate(this.actor) ?? (size < 1 ? [400, 'block.volume.invalid_size'] : undefined);
    if (want === undefined && source.project !== p) want = [404, 'block.'];
    if (want === undefined && source.badStatus !== null) want = [400, source.badStatus];
    if (want === undefined && size < source.size) want = [400, 'block.volume.too_small'];
    if (want === undefined && overLimit(usageOf(bm, p), p, volumeDeltas(source.type, size))) want = [413, 'block.quota.'];
    const key = this.kind === 'snapshot' ? 'snapshot_id' : this.kind === 'volume' ? 'source_volid' : 'backup_id';
    const body = { [key]: source.id, name: 'blk-clone', ...(this.sizeMode === 'same' ? {} : { size }) };
    const view = attempt(r, want ?? 0, () => s.block.createVolume(body), `${this.toString()} → ${JSON.stringify(body)}`);
    if (view === undefined) return;
    expect([view.status, view.size, view.volume_type]).toEqual(['creating', size, source.type]);
    bm.volumes[view.id] = { project: p, size, type: source.type, status: 'available', multiattach: source.type === 'blk-multi' };
    // the clone holds its source's bytes as they are now
    bm.content.set(view.id, copyBytes(source.content));
  }
  toString = () => `blk.createVolume(from ${this.kind} #${this.pick}, size ${this.sizeMode}, ${this.actor})`;
}

class BlkExtendVolume extends OnVolume {
  constructor(readonly pick: number, readonly by: number, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, v] = this.volume(bm);
    const s = sessionOf(m, r, this.actor);
    const newSize = v.size + this.by;
    // volume/api.py _extend: the policy, a larger size, then the status (available, or in-use since 3.42), the quota
    let want = gate(rel(this.actor, v.project));
    if (want === undefined && this.by === 0) want = [400, 'block.volume.extend_not_larger'];
    if (want === undefined && v.status !== 'available' && v.status !== 'in-use') want = [400, 'block.volume.invalid_status'];
    if (want === undefined && overLimit(usageOf(bm, v.project), v.project, { gigabytes: this.by, [`gigabytes_${v.type}`]: this.by })) want = [413, 'block.quota.'];
    if (attempt(r, want ?? 0, () => s.block.extendVolume({ id }, { new_size: newSize }), this.toString()) === undefined && want !== undefined) return;
    v.size = newSize;
    bm.via[id] = ['extending'];
  }
  toString = () => `blk.extendVolume(#${this.pick}, +${this.by} GB, ${this.actor})`;
}

class BlkDeleteVolume extends OnVolume {
  constructor(readonly pick: number, readonly cascade: boolean, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, v] = this.volume(bm);
    const s = sessionOf(m, r, this.actor);
    const p = actorProject(this.actor);
    const snaps = snapshotsOfVolume(bm, id);
    let want = gate(rel(this.actor, v.project));
    if (want === undefined) {
      // volume/api.py delete: not attached, deletable status, the snapshots (cascade: the caller's own only), no attachments
      const ok = (v.status === 'available' || v.status === 'error') && attachmentsOfVolume(bm, id).length === 0 && (this.cascade ? snaps.every(([, x]) => x.project === p) : snaps.length === 0);
      want = ok ? 0 : [400, 'block.volume.invalid_status'];
    }
    if (attempt(r, want, () => s.block.deleteVolume({ id }, { cascade: this.cascade }), this.toString()) === undefined && want !== 0) return;
    for (const [sid] of snaps) delete bm.snapshots[sid];
    delete bm.volumes[id];
    bm.content.delete(id);
  }
  toString = () => `blk.deleteVolume(#${this.pick}${this.cascade ? ', cascade' : ''}, ${this.actor})`;
}

/** A guest writes 1–12 bytes (or zeros) at one of {@link OFFSETS}. */
class BlkWriteData extends OnVolume {
  constructor(readonly pick: number, readonly at: number, readonly length: number, readonly salt: number, readonly actor: Actor) {
    super();
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.length).map((_, i) => (this.salt === 0 ? 0 : (i * 37 + this.salt * 11 + 1) & 0xff));
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, v] = this.volume(bm);
    const s = sessionOf(m, r, this.actor);
    const offset = OFFSETS[this.at % OFFSETS.length]!;
    const data = this.bytes();
    let want = gate(rel(this.actor, v.project));
    if (want === undefined && v.status !== 'available' && v.status !== 'in-use') want = [400, 'block.data.invalid_status'];
    if (want === undefined && offset + data.length > v.size * GIB) want = [400, 'block.data.out_of_range'];
    if (attempt(r, want ?? 0, () => s.block.writeVolumeData({ id }, offset, data), this.toString()) === undefined && want !== undefined) return;
    const content = bm.content.get(id)!;
    data.forEach((b, i) => content.set(offset + i, b));
  }
  toString = () => `blk.writeVolumeData(#${this.pick}, @${OFFSETS[this.at % OFFSETS.length]}, ${this.length} B${this.salt === 0 ? ' of zeros' : ''}, ${this.actor})`;
}

// ------------------------------------------------------------------ snapshots

class BlkCreateSnapshot extends OnVolume {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, v] = this.volume(bm);
    const s = sessionOf(m, r, this.actor);
    const p = actorProject(this.actor);
    // snapshots.ts createSnapshot: the create policy on the caller's project, the volume (404), its status, the quota
    let want: Want | undefined = createGate(this.actor) ?? (v.project !== p ? [404, 'block.'] : undefined);
    if (want === undefined && v.status !== 'available' && v.status !== 'in-use') want = [400, 'block.volume.invalid_status'];
    if (want === undefined && overLimit(usageOf(bm, p), p, snapshotDeltas(v.type, v.size))) want = [413, 'block.quota.'];
    const view = attempt(r, want ?? 0, () => s.block.createSnapshot({ volume_id: id, name: 'blk-snap' }), this.toString());
    if (view === undefined) return;
    expect(view.status).toBe('creating');
    bm.snapshots[view.id] = { volume: id, project: p, size: v.size, type: v.type, content: copyBytes(bm.content.get(id)) };
  }
  toString = () => `blk.createSnapshot(#${this.pick}, ${this.actor})`;
}

class BlkDeleteSnapshot extends BlkCommand {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.block !== undefined && Object.keys(m.block.snapshots).length > 0;
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const id = nth(sorted(bm.snapshots), this.pick)!;
    const snap = bm.snapshots[id]!;
    const s = sessionOf(m, r, this.actor);
    const want = gate(rel(this.actor, snap.project)) ?? 0;
    if (attempt(r, want, () => s.block.deleteSnapshot({ id }), this.toString()) === undefined && want !== 0) return;
    delete bm.snapshots[id];
  }
  toString = () => `blk.deleteSnapshot(#${this.pick}, ${this.actor})`;
}

// ------------------------------------------------------------------ backups

class BlkCreateBackup extends OnVolume {
  constructor(readonly pick: number, readonly incremental: boolean, readonly force: boolean, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, v] = this.volume(bm);
    const s = sessionOf(m, r, this.actor);
    const p = actorProject(this.actor);
    // backups.ts createBackup: the policy, the volume (404), its status and the force flag, the quota, the parent
    let want: Want | undefined = createGate(this.actor) ?? (v.project !== p ? [404, 'block.'] : undefined);
    if (want === undefined && v.status !== 'available' && v.status !== 'in-use') want = [400, 'block.volume.invalid_status'];
    if (want === undefined && v.status === 'in-use' && !this.force) want = [400, 'block.backup.force_required'];
    if (want === undefined && overLimit(usageOf(bm, p), p, { backups: 1, backup_gigabytes: v.size })) want = [413, 'block.quota.'];
    let parent: [string, MBackup] | undefined;
    if (want === undefined && this.incremental) {
      // the latest of this project's backups of the volume, whatever its status
      parent = Object.entries(bm.backups)
        .filter(([, b]) => b.volume === id && b.project === p)
        .sort(([, x], [, y]) => y.seq - x.seq)[0];
      if (parent === undefined) want = [400, 'block.backup.no_parent'];
      else if (parent[1].status !== 'available') want = [400, 'block.backup.parent_not_available'];
    }
    const state = r.cloud.state;
    const account = `AUTH_${bm.ids[p]}`;
    const accountExisted = getRow(state.object.accounts, account) !== undefined;
    const containerExisted = getRow(state.object.containers, `${account}/${CONTAINER}`) !== undefined;
    const view = attempt(r, want ?? 0, () => s.block.createBackup({ volume_id: id, name: 'blk-backup', incremental: this.incremental, force: this.force }), this.toString());
    if (view === undefined) return;
    const row = getRow(r.cloud.state.block.backups, view.id)!;
    const content = copyBytes(bm.content.get(id));
    // the backup service: a parent smaller than the volume (extended since) fails it; else the
    // changed blocks go to Swift, one object per 50 MiB chunk, then `_sha256file` and `_metadata`
    let status: MBackup['status'] = 'available';
    let reason = 'Volume size increased';
    if (parent !== undefined && v.size > parent[1].size) status = 'error';
    else {
      const now = blocksOf(content);
      const before = parent === undefined ? new Map<number, string>() : blocksOf(parent[1].content);
      const changed = new Set<number>();
      for (const [i, b] of now) if (before.get(i) !== b) changed.add(i);
      for (const i of before.keys()) if (!now.has(i)) changed.add(i);
      const chunks = new Set([...changed].map((i) => Math.floor(i / CHUNK_BLOCKS))).size;
      const prefix = row.service_metadata;
      const writes: [string, string?, string?][] = [];
      if (!accountExisted) writes.push([account]);
      if (!containerExisted) writes.push([account, CONTAINER]);
      for (let n = 1; n <= chunks; n++) writes.push([account, CONTAINER, `${prefix}-${String(n).padStart(5, '0')}`]);
      writes.push([account, CONTAINER, `${prefix}_sha256file`], [account, CONTAINER, `${prefix}_metadata`]);
      if (!writes.every((w) => swiftWritable(r, ...w))) {
        status = 'error';
        reason = 'answered; a write needs';
      } else expect(row.object_count, `${this.toString()}: objects`).toBe(chunks);
    }
    expect(row.status, `${this.toString()}: ${row.fail_reason ?? ''}`).toBe(status);
    if (status === 'error') expect(row.fail_reason ?? '').toContain(reason);
    bm.seq += 1;
    bm.backups[view.id] = { volume: id, project: p, size: v.size, status, parent: parent?.[0] ?? null, seq: bm.seq, content };
    bm.via[id] = ['backing-up'];
  }
  toString = () => `blk.createBackup(#${this.pick}, ${this.incremental ? 'incremental' : 'full'}${this.force ? ', force' : ''}, ${this.actor})`;
}

/** Restores a backup into a new volume, into the volume it was made of, or into one of the model's volumes. */
class BlkRestoreBackup extends BlkCommand {
  constructor(readonly pick: number, readonly target: number | 'new' | 'source', readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.block !== undefined && Object.keys(m.block.backups).length > 0 && (this.target === 'new' || Object.keys(m.block.volumes).length > 0);
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const id = nth(sorted(bm.backups), this.pick)!;
    const b = bm.backups[id]!;
    // the backup's own volume when it is still there (else a new volume)
    const targetId = this.target === 'new' ? null : this.target === 'source' ? (bm.volumes[b.volume] === undefined ? null : b.volume) : nth(sorted(bm.volumes), this.target)!;
    const target = targetId === null ? null : bm.volumes[targetId]!;
    const s = sessionOf(m, r, this.actor);
    const p = actorProject(this.actor);
    // backups.ts restoreBackup: the backup (404), the policies, its status, then the volume made
    // (its quota) or named (404, available, large enough)
    let want = gate(rel(this.actor, b.project));
    if (want === undefined && b.status !== 'available') want = [400, 'block.backup.invalid_status'];
    if (want === undefined && target === null && overLimit(usageOf(bm, p), p, volumeDeltas('__DEFAULT__', b.size))) want = [413, 'block.quota.'];
    if (want === undefined && target !== null && target.project !== p) want = [404, 'block.'];
    if (want === undefined && target !== null && target.status !== 'available') want = [400, 'block.volume.invalid_status'];
    if (want === undefined && target !== null && target.size < b.size) want = [400, 'block.backup.volume_too_small'];
    const view = attempt(r, want ?? 0, () => s.block.restoreBackup({ id }, targetId === null ? {} : { volume_id: targetId }), this.toString());
    if (view === undefined) return;
    expect(view.backup_id).toBe(id);
    if (targetId === null) {
      bm.volumes[view.volume_id] = { project: p, size: b.size, type: '__DEFAULT__', status: 'available', multiattach: false };
      bm.content.set(view.volume_id, copyBytes(b.content));
      return;
    }
    expect(view.volume_id).toBe(targetId);
    // inside the backup's size the volume holds the backup's bytes (zeros elsewhere); past it, its own
    const limit = b.size * GIB;
    const next = copyBytes(b.content);
    for (const [off, v] of bm.content.get(targetId)!) if (off >= limit) next.set(off, v);
    bm.content.set(targetId, next);
    bm.via[targetId] = ['restoring-backup'];
  }
  toString = () => `blk.restoreBackup(#${this.pick} → ${typeof this.target === 'number' ? `volume #${this.target}` : `${this.target} volume`}, ${this.actor})`;
}

class BlkDeleteBackup extends BlkCommand {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.block !== undefined && Object.keys(m.block.backups).length > 0;
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const id = nth(sorted(bm.backups), this.pick)!;
    const b = bm.backups[id]!;
    const s = sessionOf(m, r, this.actor);
    let want = gate(rel(this.actor, b.project));
    if (want === undefined && Object.values(bm.backups).some((x) => x.parent === id)) want = [400, 'block.backup.has_dependents'];
    // the backup service deletes its objects (each a write with the object ring's quorum; one gone already is skipped)
    const state = r.cloud.state;
    const row = getRow(state.block.backups, id)!;
    const account = `AUTH_${bm.ids[b.project]}`;
    const names = row.service_metadata === '' ? [] : [...row.objects.map((o) => o.name), `${row.service_metadata}_sha256file`, `${row.service_metadata}_metadata`];
    const deletable = names.every((n) => getRow(state.object.objects, `${account}/${row.container}/${n}`) === undefined || swiftWritable(r, account, row.container, n));
    if (attempt(r, want ?? 0, () => s.block.deleteBackup({ id }), this.toString()) === undefined && want !== undefined) return;
    if (deletable) {
      delete bm.backups[id];
      return;
    }
    expect(getRow(r.cloud.state.block.backups, id)?.status, `${this.toString()}: Swift below its quorum`).toBe('error');
    b.status = 'error';
  }
  toString = () => `blk.deleteBackup(#${this.pick}, ${this.actor})`;
}

// ------------------------------------------------------------------ attachments

class BlkCreateAttachment extends OnVolume {
  constructor(readonly pick: number, readonly server: number, readonly connect: boolean, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, v] = this.volume(bm);
    const s = sessionOf(m, r, this.actor);
    const p = actorProject(this.actor);
    const server = SERVERS[this.server % SERVERS.length]!;
    // attachments.ts createAttachment / _attachment_reserve: reservable statuses (in-use too when
    // multiattach), or an in-use / reserved volume already attached to the same server
    const reservable = v.status === 'available' || (v.multiattach && v.status === 'in-use');
    const sameServer = (v.status === 'in-use' || v.status === 'reserved') && attachmentsOfVolume(bm, id).some(([, a]) => a.server === server);
    let want: Want | undefined = createGate(this.actor) ?? (v.project !== p ? [404, 'block.'] : undefined);
    if (want === undefined && !reservable && !sameServer) want = [400, 'block.volume.invalid_status'];
    const body = { volume_uuid: id, instance_uuid: server, ...(this.connect ? { connector: CONNECTOR } : {}) };
    const view = attempt(r, want ?? 0, () => s.block.createAttachment(body), this.toString());
    if (view === undefined) return;
    // Zed answers the attachment as the API stored it, before the volume manager connected it
    expect([view.status, view.volume_id, view.instance]).toEqual(['reserved', id, server]);
    bm.attachments[view.id] = { volume: id, project: v.project, server, status: this.connect ? 'attaching' : 'reserved', connected: this.connect };
    const from = v.status;
    if (reservable) v.status = 'reserved';
    if (this.connect) {
      if (v.status !== from) bm.via[id] = [v.status];
      v.status = 'attaching';
    }
  }
  toString = () => `blk.createAttachment(#${this.pick}, server ${this.server % SERVERS.length}${this.connect ? ', connector' : ''}, ${this.actor})`;
}

abstract class OnAttachment extends BlkCommand {
  abstract readonly pick: number;
  override check(m: Readonly<CloudModel>): boolean {
    return m.block !== undefined && Object.keys(m.block.attachments).length > 0;
  }
  attachment(bm: BlockModel): [string, MAttachment] {
    const id = nth(sorted(bm.attachments), this.pick)!;
    return [id, bm.attachments[id]!];
  }
}

/** The volume manager connects an attachment (`PUT /attachments/{id}` with a connector). */
class BlkUpdateAttachment extends OnAttachment {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, a] = this.attachment(bm);
    const v = bm.volumes[a.volume]!;
    const s = sessionOf(m, r, this.actor);
    let want = gate(rel(this.actor, a.project));
    // a second connection to a volume that is not multiattach: "duplicate connectors detected"
    const all = attachmentsOfVolume(bm, a.volume);
    if (want === undefined && all.length > 1 && !v.multiattach && all.some(([, x]) => x.connected)) want = [400, 'block.attachment.duplicate_connectors'];
    const view = attempt(r, want ?? 0, () => s.block.updateAttachment({ id }, { connector: CONNECTOR }), this.toString());
    if (view === undefined) return;
    expect(view.status, 'the status the API loaded').toBe(a.status);
    a.status = 'attaching';
    a.connected = true;
    v.status = 'attaching';
  }
  toString = () => `blk.updateAttachment(#${this.pick}, ${this.actor})`;
}

/** `os-complete`: attachment `attached`, volume `in-use` (Zed checks no status). */
class BlkCompleteAttachment extends OnAttachment {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, a] = this.attachment(bm);
    const s = sessionOf(m, r, this.actor);
    const want = gate(rel(this.actor, a.project)) ?? 0;
    if (attempt(r, want, () => s.block.completeAttachment({ id }), this.toString()) === undefined && want !== 0) return;
    a.status = 'attached';
    bm.volumes[a.volume]!.status = 'in-use';
  }
  toString = () => `blk.completeAttachment(#${this.pick}, ${this.actor})`;
}

class BlkDeleteAttachment extends OnAttachment {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, a] = this.attachment(bm);
    const v = bm.volumes[a.volume]!;
    const s = sessionOf(m, r, this.actor);
    const want = gate(rel(this.actor, a.project)) ?? 0;
    const view = attempt(r, want, () => s.block.deleteAttachment({ id }), this.toString());
    if (view === undefined) return;
    delete bm.attachments[id];
    const remaining = attachmentsOfVolume(bm, a.volume);
    expect(view.map((x) => x.id).sort(), 'the attachments left').toEqual(remaining.map(([x]) => x).sort());
    // _get_statuses_from_attachments: the first attach status in alphabetical order decides
    const first = remaining.map(([, x]) => x.status).sort()[0];
    const next: VolumeStatus = first === undefined ? 'available' : first === 'attached' ? 'in-use' : first;
    if (v.status === 'in-use' && a.status === 'attached' && (next === 'available' || next === 'in-use')) bm.via[a.volume] = ['detaching'];
    v.status = next;
  }
  toString = () => `blk.deleteAttachment(#${this.pick}, ${this.actor})`;
}

// ------------------------------------------------------------------ transfers

class BlkCreateTransfer extends OnVolume {
  constructor(readonly pick: number, readonly noSnapshots: boolean, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, v] = this.volume(bm);
    const s = sessionOf(m, r, this.actor);
    let want = gate(rel(this.actor, v.project));
    if (want === undefined && v.status !== 'available') want = [400, 'block.volume.invalid_status'];
    const view = attempt(r, want ?? 0, () => s.block.createVolumeTransfer({ volume_id: id, name: 'blk-transfer', no_snapshots: this.noSnapshots }), this.toString());
    if (view === undefined) return;
    expect([view.volume_id, view.accepted, view.no_snapshots, view.auth_key.length]).toEqual([id, false, this.noSnapshots, 16]);
    bm.transfers[view.id] = { volume: id, project: v.project, key: view.auth_key, noSnapshots: this.noSnapshots };
    v.status = 'awaiting-transfer';
  }
  toString = () => `blk.createVolumeTransfer(#${this.pick}${this.noSnapshots ? ', no snapshots' : ''}, ${this.actor})`;
}

abstract class OnTransfer extends BlkCommand {
  abstract readonly pick: number;
  override check(m: Readonly<CloudModel>): boolean {
    return m.block !== undefined && Object.keys(m.block.transfers).length > 0;
  }
  transfer(bm: BlockModel): [string, MTransfer] {
    const id = nth(sorted(bm.transfers), this.pick)!;
    return [id, bm.transfers[id]!];
  }
}

/** Any project holding the key takes the volume (and, unless `no_snapshots`, its snapshots) with their quota. */
class BlkAcceptTransfer extends OnTransfer {
  constructor(readonly pick: number, readonly wrongKey: boolean, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, t] = this.transfer(bm);
    const v = bm.volumes[t.volume]!;
    const s = sessionOf(m, r, this.actor);
    const recipient = actorProject(this.actor);
    const snaps = t.noSnapshots ? [] : snapshotsOfVolume(bm, t.volume);
    // transfers.ts acceptTransfer: the policy, the key, the recipient's quota for the volume (taken
    // before the donor's is given back), then for the snapshots
    let want: Want | undefined = createGate(this.actor) ?? (this.wrongKey ? [400, 'block.transfer.invalid_auth_key'] : undefined);
    if (want === undefined) {
      const usage = usageOf(bm, recipient);
      const vol = volumeDeltas(v.type, v.size);
      if (overLimit(usage, recipient, vol)) want = [413, 'block.quota.'];
      else if (snaps.length > 0) {
        const after = { ...usage };
        if (recipient !== v.project) for (const [k, d] of Object.entries(vol)) after[k] = (after[k] ?? 0) + d;
        const deltas: Record<string, number> = {};
        for (const [, x] of snaps) for (const [k, d] of Object.entries(snapshotDeltas(x.type, x.size))) deltas[k] = (deltas[k] ?? 0) + d;
        if (overLimit(after, recipient, deltas)) want = [413, 'block.quota.'];
      }
    }
    const view = attempt(r, want ?? 0, () => s.block.acceptVolumeTransfer({ id }, { auth_key: this.wrongKey ? `${t.key}0` : t.key }), this.toString());
    if (view === undefined) return;
    expect([view.id, view.volume_id]).toEqual([id, t.volume]);
    if (t.noSnapshots && recipient !== v.project && snapshotsOfVolume(bm, t.volume).length > 0) bm.skewed = true;
    v.project = recipient;
    v.status = 'available';
    for (const [, x] of snaps) x.project = recipient;
    delete bm.transfers[id];
  }
  toString = () => `blk.acceptVolumeTransfer(#${this.pick}${this.wrongKey ? ', wrong key' : ''}, ${this.actor})`;
}

class BlkDeleteTransfer extends OnTransfer {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, t] = this.transfer(bm);
    const s = sessionOf(m, r, this.actor);
    const want = gate(rel(this.actor, t.project)) ?? 0;
    if (attempt(r, want, () => s.block.deleteVolumeTransfer({ id }), this.toString()) === undefined && want !== 0) return;
    bm.volumes[t.volume]!.status = 'available';
    delete bm.transfers[id];
  }
  toString = () => `blk.deleteVolumeTransfer(#${this.pick}, ${this.actor})`;
}

// ------------------------------------------------------------------ retype

/** `os-retype` with `migration_policy` never: every type fits the suite's pool, so the volume stays where it is. */
class BlkRetype extends OnVolume {
  constructor(readonly pick: number, readonly type: TypeName, readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const [id, v] = this.volume(bm);
    const s = sessionOf(m, r, this.actor);
    const multi = this.type === 'blk-multi';
    const snaps = snapshotsOfVolume(bm, id);
    // volume_actions.ts retypeVolume (volume/api.py retype): the volume (404), the policy, a
    // multiattach change (available only), the new type's quota (the volume and all its
    // snapshots, on the volume's owner), then status and "a different type"
    let want = gate(rel(this.actor, v.project));
    if (want === undefined && v.multiattach !== multi && v.status !== 'available') want = [400, 'block.volume.retype_multiattach'];
    if (want === undefined && overLimit(usageOf(bm, v.project), v.project, { [`volumes_${this.type}`]: 1, [`gigabytes_${this.type}`]: v.size + snaps.reduce((n, [, x]) => n + x.size, 0), ...(snaps.length > 0 ? { [`snapshots_${this.type}`]: snaps.length } : {}) })) want = [413, 'block.quota.'];
    if (want === undefined && ((v.status !== 'available' && v.status !== 'in-use') || v.type === this.type)) want = [400, 'block.volume.retype_refused'];
    if (attempt(r, want ?? 0, () => s.block.retypeVolume({ id }, { new_type: this.type, migration_policy: 'never' }), this.toString()) === undefined && want !== undefined) return;
    v.type = this.type;
    v.multiattach = multi;
    for (const [, x] of snaps) x.type = this.type;
    bm.via[id] = ['retyping'];
  }
  toString = () => `blk.retypeVolume(#${this.pick} → ${this.type}, ${this.actor})`;
}

// ------------------------------------------------------------------ reads

/** Lists as a project's member or reader: exactly the project's volumes, snapshots, backups, attachments and transfers. */
class BlkList extends BlkCommand {
  constructor(readonly actor: Actor) {
    super();
  }
  act(bm: BlockModel, m: CloudModel, r: CloudReal): void {
    const s = sessionOf(m, r, this.actor);
    if (this.actor === 'expired' || this.actor === 'revoked') {
      attempt(r, 401, () => s.block.listVolumes(), this.toString());
      return;
    }
    const p = actorProject(this.actor);
    const ids = (views: readonly { id: string }[]): string[] => views.map((v) => v.id).sort();
    const own = <T extends { project: Proj }>(rec: Record<string, T>): string[] => sorted(rec).filter((id) => rec[id]!.project === p);
    const b = s.block;
    expect(ids(b.listVolumes()), 'volumes').toEqual(own(bm.volumes));
    expect(ids(b.listSnapshots()), 'snapshots').toEqual(own(bm.snapshots));
    expect(ids(b.listBackups()), 'backups').toEqual(own(bm.backups));
    expect(ids(b.listAttachments()), 'attachments').toEqual(own(bm.attachments));
    expect(ids(b.listVolumeTransfers()), 'transfers').toEqual(own(bm.transfers));
  }
  toString = () => `blk.list(${this.actor})`;
}

// ------------------------------------------------------------------ invariants

/** Each volume's status at the last check, for the model the check saw (a restored model is a new object). */
const lastStatuses = new WeakMap<BlockModel, Map<string, VolumeStatus>>();
/** `state.block` slices whose content was read back against the model already (an unchanged slice holds the same bytes). */
const contentChecked = new WeakSet<object>();

const edge = (from: VolumeStatus, to: VolumeStatus): boolean => from === to || VOLUME_TRANSITIONS[from].includes(to);

/**
 * The block invariants. They run after every step of every module, so they compare plain values
 * and collect what disagrees, with one assertion at the end (thousands of `expect` calls per run
 * would cost more than the checks themselves).
 */
function checkBlock(m: CloudModel, r: CloudReal): void {
  const bm = m.block;
  if (bm === undefined) return;
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
  const s = state.block;
  const keys = (t: Table<{ readonly id: string }>): string[] => tableToArray(t).map((x) => x.id).sort();
  // the cloud holds exactly the model's resources
  same(keys(s.volumes), sorted(bm.volumes), 'volumes');
  same(keys(s.snapshots), sorted(bm.snapshots), 'snapshots');
  same(keys(s.backups), sorted(bm.backups), 'backups');
  same(keys(s.attachments), sorted(bm.attachments), 'attachments');
  same(keys(s.transfers), sorted(bm.transfers), 'transfers');
  const project = (p: Proj): string => bm.ids[p];
  for (const [id, v] of Object.entries(bm.volumes)) {
    const row = getRow(s.volumes, id);
    same(row && [row.project_id, row.size, row.volume_type_id, row.status, row.multiattach, row.host], [project(v.project), v.size, bm.types[v.type], v.status, v.multiattach, bm.pool], `volume ${id} (project, size, type, status, multiattach, host)`);
  }
  for (const [id, x] of Object.entries(bm.snapshots)) {
    const row = getRow(s.snapshots, id);
    same(row && [row.volume_id, row.project_id, row.volume_size, row.volume_type_id, row.status], [x.volume, project(x.project), x.size, bm.types[x.type], 'available'], `snapshot ${id}`);
    same(getRow(s.volume_snapshots, `${x.volume}/${id}`), id, `snapshot ${id} in volume_snapshots`);
  }
  same(s.volume_snapshots.size, Object.keys(bm.snapshots).length, 'volume_snapshots entries');
  for (const [id, b] of Object.entries(bm.backups)) {
    const row = getRow(s.backups, id);
    same(row && [row.volume_id, row.project_id, row.size, row.status, row.parent_id], [b.volume, project(b.project), b.size, b.status, b.parent], `backup ${id}`);
  }
  for (const [id, a] of Object.entries(bm.attachments)) {
    const row = getRow(s.attachments, id);
    same(row && [row.volume_id, row.project_id, row.instance_uuid, row.attach_status, row.connection_info !== null && Object.keys(row.connection_info).length > 0], [a.volume, project(a.project), a.server, a.status, a.connected], `attachment ${id} (volume, project, server, status, connected)`);
    same(getRow(s.volume_attachments, `${a.volume}/${id}`), id, `attachment ${id} in volume_attachments`);
  }
  same(s.volume_attachments.size, Object.keys(bm.attachments).length, 'volume_attachments entries');
  for (const [id, t] of Object.entries(bm.transfers)) {
    const row = getRow(s.transfers, id);
    same(row && [row.volume_id, row.source_project_id, row.no_snapshots, row.accepted], [t.volume, project(t.project), t.noSnapshots, false], `transfer ${id}`);
    same(getRow(s.volume_transfers, `${t.volume}/${id}`), id, `transfer ${id} in volume_transfers`);
  }
  same(s.volume_transfers.size, Object.keys(bm.transfers).length, 'volume_transfers entries');

  // pools: provisioned = allocated = the sizes of the volumes on it; written blocks; capacity bounds
  const volumes = tableToArray(s.volumes);
  for (const pool of tableToArray(s.pools)) {
    const mine = volumes.filter((v) => v.host === pool.name);
    const size = mine.reduce((n, v) => n + v.size, 0);
    same([pool.allocated_capacity_gb, pool.provisioned_capacity_gb], [size, size], `${pool.name}: allocated and provisioned GB`);
    same(pool.written_blocks, mine.reduce((n, v) => n + tablePrefix(s.blocks, `${v.id}/`).length, 0), `${pool.name}: written blocks`);
    const available = pool.total_capacity_gb - Math.floor((pool.total_capacity_gb * pool.reserved_percentage) / 100);
    const bound = pool.thin_provisioning_support ? available * pool.max_over_subscription_ratio : available;
    ok(pool.provisioned_capacity_gb <= bound + 1e-9, () => `${pool.name}: ${pool.provisioned_capacity_gb} GB provisioned, over ${bound}`);
  }

  // attachments and statuses
  const previous = lastStatuses.get(bm);
  const now = new Map<string, VolumeStatus>();
  for (const [id, v] of Object.entries(bm.volumes)) {
    const mine = attachmentsOfVolume(bm, id);
    const attached = mine.some(([, a]) => a.status === 'attached');
    // in-use exactly with an attached attachment — but for Zed's two windows where another
    // attachment of it is under way: a multiattach volume reserved for a new one
    // (_attachment_reserve: in-use → reserved), or a volume whose new one is being connected
    // (volume_attached(mark_attached=False): → attaching)
    ok(v.status !== 'in-use' || attached, () => `volume ${id} in-use without an attached attachment`);
    ok(!attached || v.status === 'in-use' || ((v.status === 'reserved' || v.status === 'attaching') && mine.some(([, a]) => a.status === v.status)), () => `volume ${id} ${v.status} with an attached attachment and none ${v.status}`);
    ok(v.multiattach || new Set(mine.map(([, a]) => a.server)).size <= 1, () => `volume ${id} (not multiattach) attached to several servers`);
    const before = previous?.get(id);
    if (before !== undefined) {
      const path = [before, ...(bm.via[id] ?? []), v.status];
      ok(edge(before, v.status) || path.every((st, i) => i === 0 || edge(path[i - 1]!, st)), () => `volume ${id}: ${path.join(' → ')} is not a way VOLUME_TRANSITIONS allows`);
    }
    now.set(id, v.status);
  }
  lastStatuses.set(bm, now);

  // quota usage is the model's live resources
  for (const p of ['a', 'b'] as const) {
    const row = getRow(state.quota.usage, bm.ids[p]) ?? {};
    const used: Record<string, number> = {};
    for (const [k, n] of Object.entries(row)) if (k.startsWith('volume.') && n !== 0 && (!bm.skewed || !/^volume\.(gigabytes|snapshots)_/.test(k))) used[k.slice('volume.'.length)] = n;
    const expected = usageOf(bm, p);
    if (bm.skewed) for (const k of Object.keys(expected)) if (/^(gigabytes|snapshots)_/.test(k)) delete expected[k];
    const order = (o: Record<string, number>): [string, number][] => Object.entries(o).sort(([x], [y]) => (x < y ? -1 : 1));
    same(order(used), order(expected), `quota usage of blk-${p}`);
  }

  // the blocks table: blobs that exist, owners that live
  for (const [key, blob] of tablePrefix(s.blocks, '')) {
    const owner = key.slice(0, key.indexOf('/'));
    ok(bm.volumes[owner] !== undefined || bm.snapshots[owner] !== undefined, () => `blocks of ${owner}, which is gone`);
    ok(getRow(state.blobs, blob) !== undefined, () => `blob ${blob} of ${key} missing`);
  }
  for (const [id, x] of Object.entries(bm.snapshots)) same(tablePrefix(s.blocks, `${id}/`).length, blocksOf(x.content).size, `blocks of snapshot ${id}`);

  // backups in Swift: an available backup's objects are there; nothing is there of a backup that is gone
  for (const p of ['a', 'b'] as const) {
    const account = `AUTH_${bm.ids[p]}`;
    const prefixes = tableToArray(s.backups).filter((b) => b.project_id === bm.ids[p] && b.service_metadata !== '').map((b) => b.service_metadata);
    for (const [key] of tablePrefix(state.object.objects, `${account}/${CONTAINER}/`)) {
      const name = key.slice(`${account}/${CONTAINER}/`.length);
      ok(prefixes.some((x) => name.startsWith(x)), () => `${key}: an object of no backup`);
    }
  }
  for (const b of tableToArray(s.backups)) {
    if (b.status !== 'available') continue;
    const account = `AUTH_${b.project_id}`;
    for (const n of [...b.objects.map((o) => o.name), `${b.service_metadata}_sha256file`, `${b.service_metadata}_metadata`]) ok(getRow(state.object.objects, `${account}/${b.container}/${n}`) !== undefined, () => `object ${n} of backup ${b.id} missing`);
  }

  // content: every volume reads back the model's bytes and holds exactly the blocks they fill
  if (!contentChecked.has(s)) {
    const api = r.cloud.admin.block;
    for (const [id, bytes] of bm.content) {
      for (const [offset, length] of runsOf(bytes)) {
        const got = api.readVolumeData({ id }, offset, length);
        const want = Array.from({ length }, (_, i) => bytes.get(offset + i) ?? 0);
        same([...got], want, `volume ${id}: bytes at ${offset}`);
      }
      same(tablePrefix(s.blocks, `${id}/`).length, blocksOf(bytes).size, `blocks of volume ${id}`);
    }
    if (problems.length === 0) contentChecked.add(s);
  }
  expect(problems.length, `block invariants:\n${problems.join('\n')}`).toBe(0);
}

// ------------------------------------------------------------------ registration

registerSetup((m, r) => {
  const { cloud } = r;
  const id = cloud.admin.identity;
  const ids = { a: id.createProject({ name: 'blk-a' }).id, b: id.createProject({ name: 'blk-b' }).id };
  for (const [u, p, role] of [['blk-ua', 'blk-a', 'member'], ['blk-ub', 'blk-b', 'member'], ['blk-ra', 'blk-a', 'reader']] as const) {
    id.createUser({ name: u, password: PASSWORD });
    id.createGrant({ role, user: u, project: p });
  }
  // the suite's block host: cinder-scheduler, cinder-backup and cinder-volume (no disks: never in Swift's rings)
  cloud.hardware.addHost({ name: BLK_NODE, cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, roles: ['controller', 'storage'] });
  m.hosts.set(BLK_NODE, { state: 'up', memory_mb: 8192, roles: ['controller', 'storage'] });
  pinServices(r);
  const adm = cloud.admin.block;
  const gold = adm.createVolumeType({ name: 'blk-gold', extra_specs: { volume_backend_name: 'lvmdriver-1' } });
  const multi = adm.createVolumeType({ name: 'blk-multi', extra_specs: { multiattach: '<is> True' } });
  const defaultType = adm.getVolumeType('__DEFAULT__');
  for (const p of ['a', 'b'] as const) adm.updateQuotaSet(ids[p], LIMITS[p]);
  const pool = tableToArray(cloud.state.block.pools).find((x) => x.hardware_host === BLK_NODE)!;
  m.block = { ids, types: { __DEFAULT__: defaultType.id, 'blk-gold': gold.id, 'blk-multi': multi.id }, pool: pool.name, volumes: {}, content: new Map(), snapshots: {}, backups: {}, attachments: {}, transfers: {}, via: {}, seq: 0, skewed: false };
  // a starting world, built by the commands themselves: blk-a's 2 GB volume with bytes across a
  // block boundary, a snapshot and a full backup of it, extended (an incremental backup now
  // fails: "Volume size increased") and written since; a blk-gold volume
  // reserved for a server; blk-b's multiattach volume attached (connecting) to a server, and a
  // volume offered for transfer
  const bm = m.block;
  const index = (p: Proj, type: TypeName): number => sorted(bm.volumes).findIndex((v) => bm.volumes[v]!.project === p && bm.volumes[v]!.type === type);
  new BlkCreateVolume(null, 2, 'ua').run(m, r);
  new BlkWriteData(index('a', '__DEFAULT__'), 2, 12, 5, 'ua').run(m, r);
  new BlkCreateSnapshot(index('a', '__DEFAULT__'), 'ua').run(m, r);
  new BlkCreateBackup(index('a', '__DEFAULT__'), false, false, 'ua').run(m, r);
  new BlkExtendVolume(index('a', '__DEFAULT__'), 1, 'ua').run(m, r);
  new BlkWriteData(index('a', '__DEFAULT__'), 4, 8, 3, 'ua').run(m, r);
  new BlkCreateVolume('blk-gold', 1, 'ua').run(m, r);
  new BlkCreateAttachment(index('a', 'blk-gold'), 1, false, 'ua').run(m, r);
  new BlkCreateVolume('blk-multi', 1, 'ub').run(m, r);
  new BlkCreateAttachment(index('b', 'blk-multi'), 0, true, 'ub').run(m, r);
  new BlkCreateVolume(null, 1, 'ub').run(m, r);
  new BlkCreateTransfer(index('b', '__DEFAULT__'), false, 'ub').run(m, r);
  expect([Object.keys(bm.volumes).length, Object.keys(bm.snapshots).length, Object.keys(bm.backups).length, Object.keys(bm.attachments).length, Object.keys(bm.transfers).length]).toEqual([4, 1, 1, 2, 1]);
  expect(Object.values(bm.backups).map((b) => b.status)).toEqual(['available']);
});

registerInvariants('block', checkBlock);

const actor = fc.constantFrom<Actor>('ua', 'ua', 'ua', 'ub', 'ub', 'ra', 'expired', 'revoked');
const pick = fc.nat(30);
registerCommands('block', [
  fc.tuple(fc.constantFrom<TypeName | null>(null, null, 'blk-gold', 'blk-multi'), fc.integer({ min: 1, max: 3 }), actor).map(([t, size, a]) => new BlkCreateVolume(t, size, a)),
  fc.tuple(fc.constantFrom<SourceKind>('snapshot', 'volume', 'backup'), pick, fc.constantFrom<SizeMode>('same', 'same', 'bigger', 'smaller'), actor).map(([k, p, sm, a]) => new BlkCloneVolume(k, p, sm, a)),
  fc.tuple(pick, fc.constantFrom(0, 1, 1, 2), actor).map(([p, by, a]) => new BlkExtendVolume(p, by, a)),
  fc.tuple(pick, fc.boolean(), actor).map(([p, c, a]) => new BlkDeleteVolume(p, c, a)),
  fc.tuple(pick, fc.nat(OFFSETS.length - 1), fc.integer({ min: 1, max: 12 }), fc.nat(6), actor).map(([p, at, len, salt, a]) => new BlkWriteData(p, at, len, salt, a)),
  fc.tuple(pick, actor).map(([p, a]) => new BlkCreateSnapshot(p, a)),
  fc.tuple(pick, actor).map(([p, a]) => new BlkDeleteSnapshot(p, a)),
  fc.tuple(pick, fc.boolean(), fc.boolean(), actor).map(([p, inc, force, a]) => new BlkCreateBackup(p, inc, force, a)),
  fc.tuple(pick, fc.oneof(fc.constant<'new'>('new'), fc.constant<'source'>('source'), fc.constant<'source'>('source'), pick), actor).map(([p, t, a]) => new BlkRestoreBackup(p, t, a)),
  fc.tuple(pick, actor).map(([p, a]) => new BlkDeleteBackup(p, a)),
  fc.tuple(pick, fc.nat(SERVERS.length - 1), fc.boolean(), actor).map(([p, sv, c, a]) => new BlkCreateAttachment(p, sv, c, a)),
  fc.tuple(pick, actor).map(([p, a]) => new BlkUpdateAttachment(p, a)),
  fc.tuple(pick, actor).map(([p, a]) => new BlkCompleteAttachment(p, a)),
  fc.tuple(pick, actor).map(([p, a]) => new BlkDeleteAttachment(p, a)),
  fc.tuple(pick, fc.boolean(), actor).map(([p, n, a]) => new BlkCreateTransfer(p, n, a)),
  fc.tuple(pick, fc.constantFrom(false, false, false, true), actor).map(([p, w, a]) => new BlkAcceptTransfer(p, w, a)),
  fc.tuple(pick, actor).map(([p, a]) => new BlkDeleteTransfer(p, a)),
  fc.tuple(pick, fc.constantFrom<TypeName>(...TYPES), actor).map(([p, t, a]) => new BlkRetype(p, t, a)),
  actor.map((a) => new BlkList(a)),
]);
