/**
 * The account, container and object servers under Swift's proxy: accounts, containers and
 * objects as rows, and every object's copies on ring devices — placed on the primaries of its
 * partition, on handoffs when a primary does not answer, a write quorum or nothing, reads from
 * any copy that answers, and the replicator that puts copies back where the ring wants them.
 * Internal: the object API (and Glance) call these inside their transactions. `findX` answers
 * the row or undefined; `getX` throws the object service's 404.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { deleteRow, getRow, plain, putBlob, readBlob, releaseBlob, setRow, tablePrefix, type CloudState, type Tx } from '../core/index.js';
import { ContainerNotEmpty, ContainerNotFound, ObjectNotFound, ServiceUnavailable } from './errors.js';
import { ACCOUNT_RING, CONTAINER_RING, diskKey, diskReachable, objectRing, reachable, ringOf } from './rings.js';
import { requestReplication } from './replicator.js'; // the expirer, disk failures and the replicator
import { getMoreNodes, getNodes, type RingData, type RingNode } from './ring/index.js';
import type { AccountRow, ContainerRow, Metadata, ObjectCopy, ObjectRow, SegmentRow } from './types.js';

type S = CloudState;

/** The Swift account of a Keystone project (keystoneauth's `reseller_prefix` `AUTH_`). */
export const accountName = (projectId: string): string => `AUTH_${projectId}`;
/** A container's key in the containers table. */
export const containerKey = (account: string, container: string): string => `${account}/${container}`;
/** An object's key in the objects table. */
export const objectKey = (account: string, container: string, object: string): string => `${account}/${container}/${object}`;

/** Swift's write quorum for a replicated policy (`quorum_size`: a majority). */
export const quorumSize = (replicas: number): number => Math.floor(replicas / 2) + 1;

export const hashOptions = (s: S) => ({ hash_path_prefix: s.object.config.hash_path_prefix, hash_path_suffix: s.object.config.hash_path_suffix });

// ---------------------------------------------------------------- accounts

/** The account row, or undefined when the account was never used. */
export function findAccount(s: S, account: string): AccountRow | undefined {
  return getRow(s.object.accounts, account);
}

/** The account, created on first use (`account_autocreate = true`, as with keystoneauth). */
export function ensureAccount(tx: Tx, account: string): AccountRow {
  const s = tx.draft as S;
  const existing = findAccount(s, account);
  if (existing) return existing;
  quorumNodes(s, ACCOUNT_RING, 'account', [account]);
  const row: AccountRow = {
    name: account,
    metadata: {},
    container_count: 0,
    object_count: 0,
    bytes_used: 0,
    created_at: tx.now(),
    put_timestamp: tx.now(),
  };
  setRow(tx.draft.object.accounts, account, row);
  return row;
}

function bumpAccount(tx: Tx, account: string, d: { containers?: number; objects?: number; bytes?: number }): void {
  const row = findAccount(tx.draft as S, account);
  if (!row) return;
  setRow(tx.draft.object.accounts, account, {
    ...row,
    container_count: row.container_count + (d.containers ?? 0),
    object_count: row.object_count + (d.objects ?? 0),
    bytes_used: row.bytes_used + (d.bytes ?? 0),
  });
}

/**
 * Sets account metadata (`POST` to the account): a write to the account's nodes, so a quorum of
 * them must answer (503 otherwise, nothing changed).
 */
export function setAccountMetadata(tx: Tx, account: string, metadata: Metadata): void {
  const row = ensureAccount(tx, account);
  accountQuorum(tx.draft as S, account);
  setRow(tx.draft.object.accounts, account, { ...row, metadata, put_timestamp: tx.now() });
}

/** Records keystoneauth's project domain on an account (it rides on a write that already has its quorum). */
export function setAccountDomain(tx: Tx, account: string, projectDomainId: string): void {
  const row = findAccount(tx.draft as S, account);
  if (row) setRow(tx.draft.object.accounts, account, { ...row, project_domain_id: projectDomainId });
}

// ---------------------------------------------------------------- containers

/** The container row, or undefined. */
export function findContainer(s: S, account: string, container: string): ContainerRow | undefined {
  return getRow(s.object.containers, containerKey(account, container));
}

/** The container row (404 `object.container.not_found`). */
export function getContainer(s: S, account: string, container: string): ContainerRow {
  const row = findContainer(s, account, container);
  if (!row) throw new ContainerNotFound(account, container);
  return row;
}

/** The containers of an account in name order. */
export function accountContainers(s: S, account: string): ContainerRow[] {
  return tablePrefix(plain(s.object.containers), `${account}/`).map(([, c]) => c);
}

/**
 * Creates or replaces a container row (the account must exist); keeps the account's count. A
 * write to the container's nodes, new container or not (`PUT` and `POST` alike): 503 below their
 * quorum, nothing changed.
 */
export function putContainerRow(tx: Tx, row: ContainerRow): void {
  const s = tx.draft as S;
  const key = containerKey(row.account, row.name);
  const existed = getRow(s.object.containers, key) !== undefined;
  containerQuorum(s, row.account, row.name);
  setRow(tx.draft.object.containers, key, row);
  if (!existed) bumpAccount(tx, row.account, { containers: 1 });
}

/** Deletes an empty container (409 `object.container.not_empty` otherwise). */
export function deleteContainerRow(tx: Tx, account: string, container: string): void {
  const s = tx.draft as S;
  const row = getContainer(s, account, container);
  if (row.object_count > 0) throw new ContainerNotEmpty(container, row.object_count);
  quorumNodes(s, CONTAINER_RING, 'container', [account, container]);
  deleteRow(tx.draft.object.containers, containerKey(account, container));
  bumpAccount(tx, account, { containers: -1 });
}

/** Creates a container if it is missing (a service's own container, e.g. Glance's `glance`). */
export function ensureContainer(tx: Tx, account: string, container: string): void {
  ensureAccount(tx, account);
  const s = tx.draft as S;
  if (findContainer(s, account, container)) return;
  putContainerRow(tx, {
    account,
    name: container,
    storage_policy_index: defaultPolicy(s),
    read_acl: '',
    write_acl: '',
    versions_location: null,
    versions_mode: null,
    metadata: {},
    object_count: 0,
    bytes_used: 0,
    created_at: tx.now(),
    put_timestamp: tx.now(),
  });
}

/** The index of the default storage policy. */
export function defaultPolicy(s: S): number {
  return (s.object.config.policies.find((p) => p.default) ?? s.object.config.policies[0])?.index ?? 0;
}

// ---------------------------------------------------------------- placement

/**
 * The devices a write goes to: each primary of the path's partition that answers, and for each
 * one that does not, the next handoff that answers (at most `replicas` handoffs are tried, as the
 * proxy's `request_node_count` of 2 × replicas). `replicas` is the partition's primary count;
 * `handoffs` how many handoffs were used.
 */
function writeNodes(s: S, ring: RingData, path: [string, string?, string?]): { nodes: { id: number; ip: string; device: string }[]; replicas: number; handoffs: number } {
  const { partition, nodes } = getNodes(ring, path[0], path[1], path[2], hashOptions(s));
  const chosen: { id: number; ip: string; device: string }[] = [];
  let missing = 0;
  for (const n of nodes) {
    if (reachable(s, n)) chosen.push(n);
    else missing++;
  }
  let handoffs = 0;
  if (missing > 0) {
    let tried = 0;
    for (const h of getMoreNodes(ring, partition)) {
      if (missing === 0 || tried >= nodes.length) break;
      tried++;
      if (reachable(s, h)) {
        chosen.push(h);
        missing--;
        handoffs++;
      }
    }
  }
  return { nodes: chosen, replicas: nodes.length, handoffs };
}

/**
 * The devices a write of `path` goes to in ring `ringName` ({@link writeNodes}), or 503 when the
 * ring was never built or fewer devices answer than the write quorum (nothing is written then).
 */
function quorumNodes(s: S, ringName: string, kind: string, path: [string, string?, string?]): ReturnType<typeof writeNodes> {
  const ring = ringOf(s, ringName);
  if (ring === null) throw new ServiceUnavailable(`The ${ringName} ring has no devices yet: add storage hosts (or devices) and rebalance it.`, { ring: ringName });
  const placed = writeNodes(s, ring, path);
  const quorum = quorumSize(placed.replicas);
  if (placed.nodes.length < quorum) {
    throw new ServiceUnavailable(`Only ${placed.nodes.length} of ${placed.replicas} ${kind} server(s) answered; a write needs ${quorum}.`, { ring: ringName, answered: placed.nodes.length, quorum });
  }
  return placed;
}

/**
 * The account ring's quorum for a write to `account` (`POST`, or its creation): 503 when fewer of
 * its nodes answer (the proxy's `make_requests` to the account ring, `best_response`).
 */
export function accountQuorum(s: S, account: string): void {
  quorumNodes(s, ACCOUNT_RING, 'account', [account]);
}

/** The container ring's quorum for a write to a container (`PUT`, `POST`, `DELETE`): 503 below it. */
export function containerQuorum(s: S, account: string, container: string): void {
  quorumNodes(s, CONTAINER_RING, 'container', [account, container]);
}

/** The quorum of the object ring of `container`'s policy for a write to `object` (`PUT`, `POST`, `DELETE`): 503 below it. */
export function objectQuorum(s: S, container: ContainerRow, object: string): void {
  quorumNodes(s, objectRing(container.storage_policy_index), 'object', [container.account, container.name, object]);
}

// ---------------------------------------------------------------- objects

/** The object row (expired or not), or undefined. */
export function findObject(s: S, account: string, container: string, object: string): ObjectRow | undefined {
  return getRow(s.object.objects, objectKey(account, container, object));
}

/** Whether an object is past its `X-Delete-At` at virtual time `now` (hidden, though the expirer has not run yet). */
export const isExpired = (row: ObjectRow, now: number): boolean => row.delete_at !== null && row.delete_at <= now;

/** The object row if it exists and has not expired, else undefined. */
export function findLiveObject(s: S, account: string, container: string, object: string): ObjectRow | undefined {
  const row = findObject(s, account, container, object);
  return row && !isExpired(row, s.meta.clock.now) ? row : undefined;
}

/**
 * The object as a GET or HEAD finds it: 404 when missing or expired (the object server hides an
 * object past its `X-Delete-At` before the expirer removes it).
 */
export function getObject(s: S, account: string, container: string, object: string): ObjectRow {
  const row = findObject(s, account, container, object);
  if (!row) throw new ObjectNotFound(account, container, object);
  if (isExpired(row, s.meta.clock.now)) throw new ObjectNotFound(account, container, object, 'expired');
  return row;
}

/** Whether a copy of the object answers (its host is up and its disk has not failed). */
export const copyAnswers = (s: S, row: ObjectRow): boolean => row.copies.some((c) => diskReachable(s, c.host, c.disk));

/**
 * What the proxy's `GETorHEAD_base` finds for an object row (a GET, a HEAD, and the check a POST
 * makes before it changes metadata): 404 when no copy is left anywhere (the object is lost; its
 * listing entry stays, as in Swift), 503 when copies exist but none answers.
 */
export function checkCopies(s: S, row: ObjectRow): void {
  if (row.copies.length === 0) throw new ObjectNotFound(row.account, row.container, row.name, 'every copy is lost');
  if (!copyAnswers(s, row)) {
    throw new ServiceUnavailable(`No object server holding '${row.name}' answers (copies on ${row.copies.map((c) => diskKey(c.host, c.disk)).join(', ')}).`, { copies: row.copies.length });
  }
}

/** What a write stores. */
export interface ObjectWrite {
  readonly account: string;
  readonly container: string;
  readonly object: string;
  readonly data: Uint8Array;
  readonly content_type: string;
  readonly metadata: Metadata;
  readonly delete_at: number | null;
  readonly manifest?: readonly SegmentRow[] | null;
  /** The ETag to record instead of the data's MD5 (a static large object's). */
  readonly etag?: string;
}

/** MD5 hex of bytes (Swift's ETag). */
export const etagOf = (data: Uint8Array): string => bytesToHex(md5(data));

export function addUsage(tx: Tx, copies: readonly ObjectCopy[], bytes: number, sign: 1 | -1): void {
  for (const c of copies) {
    const key = diskKey(c.host, c.disk);
    const row = getRow(tx.draft.object.usage, key) ?? { key, bytes: 0, objects: 0 };
    const next = { key, bytes: row.bytes + sign * bytes, objects: row.objects + sign };
    if (next.objects === 0) deleteRow(tx.draft.object.usage, key);
    else setRow(tx.draft.object.usage, key, next);
  }
}

/**
 * Stores an object: its copies go to the devices {@link writeNodes} picks in the ring of the
 * container's policy; fewer than a quorum is a 503 and nothing changes. An existing object of
 * the name is replaced (its copies are dropped). Keeps container and account totals and per-disk
 * usage. Returns the new row.
 */
export function writeObject(tx: Tx, w: ObjectWrite): ObjectRow {
  const s = tx.draft as S;
  const container = getContainer(s, w.account, w.container);
  const { nodes, replicas, handoffs } = quorumNodes(s, objectRing(container.storage_policy_index), 'object', [w.account, w.container, w.object]);
  const old = findObject(s, w.account, w.container, w.object);
  if (old) dropObject(tx, old);
  const copies = nodes.map((n) => ({ device: n.id, host: n.ip, disk: n.device }));
  const row: ObjectRow = {
    account: w.account,
    container: w.container,
    name: w.object,
    blob: putBlob(tx.draft.blobs, w.data),
    bytes: w.data.length,
    etag: w.etag ?? etagOf(w.data),
    content_type: w.content_type,
    metadata: w.metadata,
    timestamp: tx.now(),
    delete_at: w.delete_at,
    copies,
    manifest: w.manifest ?? null,
  };
  setRow(tx.draft.object.objects, objectKey(w.account, w.container, w.object), row);
  addUsage(tx, copies, row.bytes, 1);
  bumpContainer(tx, w.account, w.container, 1, row.bytes);
  // copies on handoffs, or too few: the replicator has work
  if (handoffs > 0 || copies.length < replicas) requestReplication(tx);
  if (w.delete_at !== null) tx.scheduleAt('object.expire', { account: w.account, container: w.container, object: w.object, timestamp: row.timestamp }, Math.max(w.delete_at, tx.now()));
  return row;
}

function bumpContainer(tx: Tx, account: string, container: string, objects: number, bytes: number): void {
  const row = findContainer(tx.draft as S, account, container);
  if (row) setRow(tx.draft.object.containers, containerKey(account, container), { ...row, object_count: row.object_count + objects, bytes_used: row.bytes_used + bytes });
  bumpAccount(tx, account, { objects, bytes });
}

/** Removes an object row, its copies and its blob reference; keeps the totals. */
export function dropObject(tx: Tx, row: ObjectRow): void {
  deleteRow(tx.draft.object.objects, objectKey(row.account, row.container, row.name));
  releaseBlob(tx.draft.blobs, row.blob);
  addUsage(tx, row.copies, row.bytes, -1);
  bumpContainer(tx, row.account, row.container, -1, -row.bytes);
}

/** Deletes an object (a write: it needs a quorum of the object's devices to answer). */
export function deleteObjectRow(tx: Tx, row: ObjectRow): void {
  const s = tx.draft as S;
  const container = getContainer(s, row.account, row.container);
  // a delete is a write (a tombstone on each node): the same quorum
  quorumNodes(s, objectRing(container.storage_policy_index), 'object', [row.account, row.container, row.name]);
  dropObject(tx, row);
}

/**
 * Updates an object's metadata or expiry in place (`POST`); its copies stay where they are. A
 * write: a quorum of the object's nodes must answer (503 otherwise) and a copy must answer
 * ({@link checkCopies}: 404 when none is left, 503 when none answers).
 */
export function updateObjectRow(tx: Tx, row: ObjectRow, patch: { metadata: Metadata; delete_at: number | null; content_type: string }): ObjectRow {
  const s = tx.draft as S;
  objectQuorum(s, getContainer(s, row.account, row.container), row.name);
  checkCopies(s, row);
  const next: ObjectRow = { ...row, ...patch, timestamp: tx.now() };
  setRow(tx.draft.object.objects, objectKey(row.account, row.container, row.name), next);
  if (patch.delete_at !== null && patch.delete_at !== row.delete_at) {
    tx.scheduleAt('object.expire', { account: row.account, container: row.container, object: row.name, timestamp: next.timestamp }, Math.max(patch.delete_at, tx.now()));
  }
  return next;
}

/**
 * The object's bytes from any copy that answers: 503 when copies exist but none answers, 404
 * when no copy is left anywhere (the object is lost; its listing entry stays, as in Swift).
 */
export function readObjectData(s: S, row: ObjectRow): Uint8Array {
  if (row.copies.length === 0) throw new ObjectNotFound(row.account, row.container, row.name, 'every copy is lost');
  if (!row.copies.some((c) => diskReachable(s, c.host, c.disk))) {
    throw new ServiceUnavailable(`No object server holding '${row.name}' answers (copies on ${row.copies.map((c) => diskKey(c.host, c.disk)).join(', ')}).`, { copies: row.copies.length });
  }
  return readBlob(s.blobs, row.blob);
}
