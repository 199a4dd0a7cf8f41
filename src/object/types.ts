/**
 * The object service's rows: Swift's accounts, containers and objects as the account, container
 * and object servers keep them, the rings (as builders), and where every object's copies are.
 */
import type { Table } from '../core/index.js';
import type { RingBuilderData } from './ring/index.js';

/** User metadata: header name (as given, e.g. `X-Object-Meta-Color`) → value. */
export type Metadata = Readonly<Record<string, string>>;

/** A storage policy (`swift.conf` `[storage-policy:N]`). */
export interface StoragePolicy {
  readonly index: number;
  readonly name: string;
  /** The policy new containers get when they name none. */
  readonly default: boolean;
}

/** `[swift-hash]` and the proxy's options that shape behaviour. */
export interface ObjectConfig {
  readonly hash_path_prefix: string;
  readonly hash_path_suffix: string;
  readonly policies: readonly StoragePolicy[];
  /** keystoneauth `operator_roles`: roles that own their project's account. */
  readonly operator_roles: readonly string[];
  /** keystoneauth `reseller_admin_role`: may act on every account. */
  readonly reseller_admin_role: string;
}

/** An account (`AUTH_<project_id>`): its metadata and totals (the account server's row). */
export interface AccountRow {
  readonly name: string;
  readonly metadata: Metadata;
  readonly container_count: number;
  readonly object_count: number;
  readonly bytes_used: number;
  readonly created_at: number;
  readonly put_timestamp: number;
  /**
   * keystoneauth's `X-Account-Sysmeta-Project-Domain-Id`: the domain of the account's project as
   * the first write by a token scoped to it recorded it (`_unknown` when a token scoped elsewhere
   * created the account); absent on an account no token recorded it on. Names in ACLs match only
   * on accounts of the Default domain (or with none recorded).
   */
  readonly project_domain_id?: string;
}

/** A container: policy, ACLs, metadata, totals. */
export interface ContainerRow {
  readonly account: string;
  readonly name: string;
  readonly storage_policy_index: number;
  /** `X-Container-Read` / `X-Container-Write` as set (comma-separated ACL elements). */
  readonly read_acl: string;
  readonly write_acl: string;
  /** `X-Versions-Location` (stack mode) / `X-History-Location` (history mode) target, or null. */
  readonly versions_location: string | null;
  readonly versions_mode: 'stack' | 'history' | null;
  /** Other `X-Container-Meta-*` headers (quotas among them). */
  readonly metadata: Metadata;
  readonly object_count: number;
  readonly bytes_used: number;
  readonly created_at: number;
  readonly put_timestamp: number;
}

/** A static large object's segment, as its manifest lists it. */
export interface SegmentRow {
  readonly path: string;
  readonly etag: string;
  readonly size_bytes: number;
}

/** An object: its data (a blob), metadata, and the ring devices holding a copy. */
export interface ObjectRow {
  readonly account: string;
  readonly container: string;
  readonly name: string;
  /** The blob holding the bytes (content-addressed; shared by identical objects). */
  readonly blob: string;
  readonly bytes: number;
  /** MD5 hex of the bytes (for a static large object: of its segments' etags). */
  readonly etag: string;
  readonly content_type: string;
  readonly metadata: Metadata;
  /** Virtual seconds of the PUT (or the last POST): `X-Timestamp` / `Last-Modified`. */
  readonly timestamp: number;
  /** Virtual seconds at which the object expires (`X-Delete-At`), or null. */
  readonly delete_at: number | null;
  /** Where the copies are: a device of the container's policy ring, on a host's disk. */
  readonly copies: readonly ObjectCopy[];
  /** A static large object's segments (its own bytes are the manifest), else null. */
  readonly manifest: readonly SegmentRow[] | null;
}

/** One copy of an object: the ring device, and the host and disk it is (`ip` and `device` in the ring). */
export interface ObjectCopy {
  readonly device: number;
  readonly host: string;
  readonly disk: string;
}

/** Bytes and object copies one disk holds (what the object servers' `df` would show). */
export interface DiskUsageRow {
  /** `<host>/<disk>`. */
  readonly key: string;
  readonly bytes: number;
  readonly objects: number;
}

/** A disk that failed: its copies are gone and it answers nothing until it is replaced. */
export interface FailedDiskRow {
  /** `<host>/<disk>`. */
  readonly key: string;
  readonly since: number;
}

/** The object slice of the state. */
export interface ObjectState {
  readonly config: ObjectConfig;
  /** Ring builders: `account`, `container`, and `object-<policy index>`. */
  readonly rings: Readonly<Record<string, RingBuilderData>>;
  readonly accounts: Table<AccountRow>;
  /** Keyed `<account>/<container>` (sorted, so an account's containers are one range). */
  readonly containers: Table<ContainerRow>;
  /** Keyed `<account>/<container>/<object>` (sorted, so a container's listing is one range). */
  readonly objects: Table<ObjectRow>;
  readonly usage: Table<DiskUsageRow>;
  readonly failed: Table<FailedDiskRow>;
  /** Virtual time of the next scheduled replication pass (some copies are on handoffs or missing), or null. */
  readonly replication_due: number | null;
  /**
   * The objects whose copies are not exactly on their primaries (on handoffs, short of a primary,
   * or lost), keyed like `objects`: what a scheduled replication pass walks, so its work follows
   * what is out of place rather than every object. A key whose object is gone or back in place
   * is dropped by the next pass.
   */
  readonly out_of_place: Table<OutOfPlaceRow>;
  /**
   * The next pass walks every object (and rebuilds `out_of_place`): set by a rebalance that moved
   * partitions, and by a write that left copies out of place without naming the object.
   */
  readonly replication_scan: boolean;
}

/** An object the replicator must look at again (see {@link ObjectState.out_of_place}). */
export interface OutOfPlaceRow {
  /** `<account>/<container>/<object>`. */
  readonly key: string;
  /** Virtual time at which it was first found out of place. */
  readonly since: number;
}
