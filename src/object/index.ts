/**
 * The object service (Swift): the rings, accounts, containers and objects with their copies on
 * the storage hosts' disks, the Swift API for sessions (`session.object`) and the operator's view
 * (`cloud.object`). The module's only door.
 */
import type {} from './state.js';
import { ensureRings, rebalanceRing, ringNames, type RingShape } from './rings.js';
import type { Tx } from '../core/index.js';
import type { CloudState } from '../core/index.js';

export * from './ring/index.js';
export { ObjectApi, SWIFT_VERSION, type SwiftInfo, type AccountOption, type AccountInfo, type ContainerEntry, type ContainerInfo, type ObjectEntry, type SubdirEntry, type ObjectInfo, type ObjectData, type ObjectPutResult, type SegmentInput } from './api.js';
export { ObjectOperatorApi, type RingSummary, type NodeView, type DiskUsage } from './operator.js';
export { objectService, type ObjectSession, type ObjectOperator, type ObjectAnonymous } from './service.js';
export { checkObjectOptions, initialObjectState, SWIFT_OPERATOR_ROLES, DEVSTACK_OPERATOR_ROLES, type ObjectOptions } from './config.js';
export { LISTING_LIMIT, type ListingQuery, type ListingEntry } from './listing.js';
export { CONSTRAINTS, type Headers } from './headers.js';
export { ACCOUNT_RING, CONTAINER_RING, objectRing, SERVER_PORTS, INSTALL_GUIDE_RING, DEVSTACK_RING, type RingShape } from './rings.js';
export { AccountNotFound, ContainerNotFound, ObjectNotFound, ContainerNotEmpty, ServiceUnavailable, EntityTooLarge, RangeNotSatisfiable, PreconditionFailed, UnprocessableEntity } from './errors.js';
export { quorumSize } from './servers.js';
export type { ReplicationReport } from './replicator.js';
export type { ObjectState, ObjectConfig, StoragePolicy, AccountRow, ContainerRow, ObjectRow, ObjectCopy, Metadata, OutOfPlaceRow } from './types.js';
import * as servers from './servers.js';

/**
 * Creates the rings of a new cloud from its storage hosts and rebalances those that have
 * devices (what a deployment tool does once), so the cloud can store objects at once.
 */
export function buildRings(tx: Tx, shape: RingShape): void {
  ensureRings(tx, shape);
  const s = tx.draft as CloudState;
  for (const name of ringNames(s)) {
    const b = s.object.rings[name];
    if (b !== undefined && b.devs.some((d) => d !== null && d.weight > 0)) rebalanceRing(tx, name);
  }
}

// ------------------------------------------------------------------ for the services above (Glance)

/** The Swift account of a Keystone project (`AUTH_<project_id>`). */
export const accountName = servers.accountName;

/** Creates a container if it is missing (a service's own container), without a policy check. */
export function ensureContainer(tx: Tx, account: string, container: string): void {
  servers.ensureContainer(tx, account, container);
}

/**
 * Stores an object as a service does with its own credentials (no ACL check): replicated by the
 * container's policy ring; fewer devices answering than the write quorum is a 503
 * (`object.unavailable`) and nothing is written.
 */
export function storeObject(tx: Tx, account: string, container: string, object: string, data: Uint8Array, contentType = 'application/octet-stream'): { etag: string; bytes: number } {
  const row = servers.writeObject(tx, { account, container, object, data, content_type: contentType, metadata: {}, delete_at: null });
  return { etag: row.etag, bytes: row.bytes };
}

/** An object's bytes (404 `object.object.not_found`, 503 when no copy answers). */
export function fetchObject(s: CloudState, account: string, container: string, object: string): Uint8Array {
  return servers.readObjectData(s, servers.getObject(s, account, container, object));
}

/** Deletes an object (404 when missing; 503 below the quorum). */
export function removeObject(tx: Tx, account: string, container: string, object: string): void {
  servers.deleteObjectRow(tx, servers.getObject(tx.draft as CloudState, account, container, object));
}
