/**
 * The Swift API for a session (`session.object`): accounts, containers and objects as
 * `/v1/AUTH_<project>/<container>/<object>` behaves behind keystoneauth. Each call validates the
 * token, is authorised as keystoneauth does (operator roles, reseller admin, container ACLs) and
 * is one atomic commit. Another account is reached with `{ account: 'AUTH_…' }`.
 */
import { Conflict, InvalidInput, blobBytes, check, isoAt, type CloudState, type Tx } from '../core/index.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { RequestPipeline, ValidToken } from '../identity/index.js';
import { authorize, cleanAcl, projectDomainToRecord, type AccountDomain, type Need, type SwiftIdentity } from './acl.js';
import { ContainerNotFound, EntityTooLarge, ObjectNotFound, PreconditionFailed, RangeNotSatisfiable, UnprocessableEntity } from './errors.js';
import {
  CONSTRAINTS,
  checkContainerName,
  checkHeaders,
  checkMetadataLimits,
  checkObjectName,
  checkText,
  integerHeader,
  utf8Length,
  mergeMetadata,
  metadataHeaders,
  metadataOf,
  parseRange,
  type HeaderMap,
  type Headers,
} from './headers.js';
import { LISTING_LIMIT, listing, type ListingQuery } from './listing.js';
import * as servers from './servers.js';
import { archiveVersion, restoreVersion, checkVersionsHeaders } from './versions.js';
import { MAX_MANIFEST_SEGMENTS, checkManifest, readLargeObject } from './slo.js';
import type { ContainerRow, Metadata, ObjectRow } from './types.js';

type S = CloudState;

/** Where a call acts: the caller's own account unless `account` names another. */
export interface AccountOption {
  readonly account?: string;
}

/** `HEAD` / `GET` on an account. */
export interface AccountInfo {
  readonly account: string;
  readonly container_count: number;
  readonly object_count: number;
  readonly bytes_used: number;
  readonly metadata: Metadata;
  /** The response headers (`X-Account-Container-Count`, `X-Account-Meta-*`…). */
  readonly headers: Readonly<Record<string, string>>;
}

/** One container in an account listing. */
export interface ContainerEntry {
  readonly name: string;
  readonly count: number;
  readonly bytes: number;
  readonly last_modified: string;
}

/** `HEAD` / `GET` on a container. */
export interface ContainerInfo {
  readonly container: string;
  readonly object_count: number;
  readonly bytes_used: number;
  readonly storage_policy: string;
  /** ACLs and versioning are shown to the account's owner only (as Swift does). */
  readonly read_acl: string | null;
  readonly write_acl: string | null;
  readonly metadata: Metadata;
  readonly headers: Readonly<Record<string, string>>;
}

/** One object in a container listing (JSON format). */
export interface ObjectEntry {
  readonly name: string;
  readonly hash: string;
  readonly bytes: number;
  readonly content_type: string;
  readonly last_modified: string;
}

/** A pseudo-folder in a delimited listing. */
export interface SubdirEntry {
  readonly subdir: string;
}

/** `HEAD` on an object. */
export interface ObjectInfo {
  readonly container: string;
  readonly object: string;
  readonly etag: string;
  readonly content_length: number;
  readonly content_type: string;
  readonly last_modified: string;
  readonly metadata: Metadata;
  /** `X-Delete-At` as UNIX seconds, or null. */
  readonly delete_at: number | null;
  readonly static_large_object: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

/** `GET` on an object: its info, the bytes (a fresh copy) and 200 or 206 for a range. */
export interface ObjectData extends ObjectInfo {
  readonly status: 200 | 206;
  readonly data: Uint8Array;
  readonly content_range: string | null;
}

/** What a `PUT` (or `COPY`) of an object returns (201). */
export interface ObjectPutResult {
  readonly etag: string;
  readonly last_modified: string;
}

/** The Swift release whose behaviour is simulated (Zed's, 2.30). */
export const SWIFT_VERSION = '2.30.1';

/** `GET /info`: Swift's capabilities document (see {@link ObjectApi.info}). */
export interface SwiftInfo {
  readonly swift: {
    readonly version: string;
    readonly strict_cors_mode: boolean;
    readonly policies: readonly { readonly name: string; readonly aliases: string; readonly default?: true }[];
    readonly allow_account_management: boolean;
    readonly account_autocreate: boolean;
    readonly max_file_size: number;
    readonly max_meta_name_length: number;
    readonly max_meta_value_length: number;
    readonly max_meta_count: number;
    readonly max_meta_overall_size: number;
    readonly max_header_size: number;
    readonly max_object_name_length: number;
    readonly container_listing_limit: number;
    readonly account_listing_limit: number;
    readonly max_account_name_length: number;
    readonly max_container_name_length: number;
    readonly valid_api_versions: readonly string[];
    readonly extra_header_count: number;
    readonly auto_create_account_prefix: string;
  };
  readonly slo: { readonly max_manifest_segments: number; readonly max_manifest_size: number; readonly yield_frequency: number; readonly min_segment_size: number; readonly allow_async_delete: boolean };
  readonly versioned_writes: { readonly allowed_flags: readonly string[] };
  readonly container_quotas: Readonly<Record<string, never>>;
}

/** A segment of a static large object manifest (`?multipart-manifest=put` body). */
export interface SegmentInput {
  readonly path: string;
  readonly etag?: string | null;
  readonly size_bytes?: number | null;
}

const MIME: Readonly<Record<string, string>> = {
  txt: 'text/plain', html: 'text/html', htm: 'text/html', css: 'text/css', js: 'application/javascript', json: 'application/json',
  xml: 'application/xml', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml',
  pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', tar: 'application/x-tar', iso: 'application/x-iso9660-image',
  qcow2: 'application/octet-stream', img: 'application/octet-stream', csv: 'text/csv',
};

/** The proxy's content type for a PUT without one: guessed from the name's extension (`mimetypes`), else `application/octet-stream`. */
function guessType(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot >= 0 && MIME[name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

/** The Object Storage API (Swift v1) for one session. */
export class ObjectApi {
  /**
   * @internal built by the session from its request pipeline (for `cloud.anonymous`, a pipeline
   * without a token: only referrer ACLs such as `.r:*` let those requests through).
   */
  constructor(private readonly requests: RequestPipeline<ValidToken | null>) {}

  /** keystoneauth's view of the caller: user, project and role names. */
  private identity(v: ValidToken | null): SwiftIdentity | null {
    if (v === null) return null;
    return {
      user_id: v.user.id,
      user_name: v.user.name,
      user_domain_id: v.user.domain_id,
      project_id: v.project?.id ?? null,
      project_name: v.project?.name ?? null,
      project_domain_id: v.project?.domain_id ?? null,
      roles: v.roles.map((r) => r.name),
    };
  }

  private accountOf(s: S, who: SwiftIdentity | null, option: AccountOption | undefined): string {
    const o = check.record(option ?? {}, 'options');
    check.onlyKeys(o, ['account'], 'options');
    if (o.account !== undefined) {
      if (typeof o.account !== 'string') throw new InvalidInput('options.account', `expected 'AUTH_<project_id>', got ${o.account === null ? 'null' : typeof o.account}.`);
      const a = o.account;
      // the proxy's length check counts UTF-8 bytes (`Account name length of … longer than 256`)
      const bytes = utf8Length(a);
      if (bytes > CONSTRAINTS.max_account_name_length) throw new InvalidInput('options.account', `Account name length of ${bytes} longer than ${CONSTRAINTS.max_account_name_length} (bytes in UTF-8).`);
      if (!a.startsWith('AUTH_') || a.length === 5) throw new InvalidInput('options.account', `expected 'AUTH_<project_id>', got '${a}'.`);
      return a;
    }
    if (who?.project_id == null) throw new InvalidInput('options.account', 'this session has no project: name the account (AUTH_<project_id>).');
    return servers.accountName(who.project_id);
  }

  private auth(s: S, who: SwiftIdentity | null, account: string, need: Need): { owner: boolean } {
    return authorize(who, account, need, s.object.config, accountDomain(s, account));
  }

  /**
   * A write that may create the account (`POST` to it, `PUT` of a container) records the project
   * domain on it as keystoneauth's `_set_project_domain_id` does (after the write's own quorum).
   */
  private recordDomain(tx: Tx, who: SwiftIdentity | null, account: string, before: AccountDomain): void {
    const domain = projectDomainToRecord(who, account, before);
    if (domain !== undefined) servers.setAccountDomain(tx, account, domain);
  }

  private read<R>(fn: (s: S, who: SwiftIdentity | null) => R): R {
    const r = this.requests.read();
    return fn(r.s, this.identity(r.token));
  }

  private write<R>(operation: string, fn: (tx: Tx, s: S, who: SwiftIdentity | null) => R): R {
    return this.requests.write(`object.${operation}`, (tx, r) => fn(tx, r.s, this.identity(r.token)));
  }

  // ------------------------------------------------------------ capabilities

  /**
   * `GET /info`: the capabilities the proxy registers (`register_swift_info`): the `swift`
   * section with the constraints this simulation enforces (`swift/common/constraints.py`) and the
   * storage policies, then one section per middleware it simulates (`slo`, legacy
   * `versioned_writes`, `container_quotas`; keystoneauth registers none). Needs no token, as
   * Swift's `expose_info`. Not simulated: the admin (`swiftinfo_sig`) view.
   */
  info(): SwiftInfo {
    return this.read((s) => ({
      swift: {
        version: SWIFT_VERSION,
        strict_cors_mode: true,
        policies: [...s.object.config.policies]
          .sort((a, b) => a.index - b.index)
          .map((p) => (p.default ? { name: p.name, aliases: p.name, default: true } : { name: p.name, aliases: p.name })),
        allow_account_management: false,
        account_autocreate: true,
        ...CONSTRAINTS,
        container_listing_limit: LISTING_LIMIT,
        account_listing_limit: LISTING_LIMIT,
        valid_api_versions: ['v1', 'v1.0'],
        extra_header_count: 0,
        auto_create_account_prefix: '.',
      },
      slo: { max_manifest_segments: MAX_MANIFEST_SEGMENTS, max_manifest_size: 8 * 1024 * 1024, yield_frequency: 10, min_segment_size: 1, allow_async_delete: false },
      versioned_writes: { allowed_flags: ['x-versions-location', 'x-history-location'] },
      container_quotas: {},
    }));
  }

  // ------------------------------------------------------------ accounts

  /** `HEAD /v1/{account}`: totals and metadata (an unused account reads as empty, as with `account_autocreate`). */
  headAccount(options?: AccountOption): AccountInfo {
    return this.read((s, who) => {
      const account = this.accountOf(s, who, options);
      this.auth(s, who, account, { kind: 'owner' });
      return accountInfo(s, account);
    });
  }

  /** `GET /v1/{account}`: its containers (`prefix`, `delimiter`, `marker`, `end_marker`, `limit`, `reverse`). */
  getAccount(query?: ListingQuery, options?: AccountOption): AccountInfo & { readonly containers: readonly (ContainerEntry | SubdirEntry)[] } {
    return this.read((s, who) => {
      const account = this.accountOf(s, who, options);
      this.auth(s, who, account, { kind: 'owner' });
      const epoch = s.meta.clock.epoch;
      const containers = listing(s.object.containers, `${account}/`, query).map((e) =>
        'subdir' in e ? Object.freeze({ subdir: e.subdir }) : Object.freeze({ name: e.name, count: e.row.object_count, bytes: e.row.bytes_used, last_modified: isoAt(epoch, e.row.put_timestamp) }),
      );
      return Object.freeze({ ...accountInfo(s, account), containers: Object.freeze(containers) });
    });
  }

  /**
   * `POST /v1/{account}`: sets (or with an empty value / `X-Remove-Account-Meta-*`, removes)
   * `X-Account-Meta-*`. A write to the account ring: fewer of its nodes answering than the quorum
   * is a 503 and nothing changes.
   */
  postAccount(headers: Headers, options?: AccountOption): void {
    this.write('account.post', (tx, s, who) => {
      const h = checkHeaders(headers);
      const account = this.accountOf(s, who, options);
      this.auth(s, who, account, { kind: 'owner' });
      const before = accountDomain(s, account);
      const metadata = mergeMetadata(servers.findAccount(s, account)?.metadata ?? {}, metadataOf(h, 'account'));
      checkMetadataLimits(metadata, 'account');
      // a write to the account ring: its quorum or 503 (setAccountMetadata asks for it)
      servers.setAccountMetadata(tx, account, metadata);
      this.recordDomain(tx, who, account, before);
    });
  }

  // ------------------------------------------------------------ containers

  /**
   * `PUT /v1/{account}/{container}`: creates it (201, `created: true`) or updates its metadata
   * (202). Headers: `X-Storage-Policy` (only at creation; another policy later is 409),
   * `X-Container-Read` / `X-Container-Write`, `X-Versions-Location` / `X-History-Location`,
   * `X-Container-Meta-*` (quotas: `X-Container-Meta-Quota-Bytes` / `-Quota-Count`). A write to the
   * container ring (and to the account ring for a new account): below its quorum, 503 and nothing
   * changes.
   */
  putContainer(container: string, headers?: Headers, options?: AccountOption): { readonly created: boolean } {
    return this.write('container.put', (tx, s, who) => {
      const name = checkContainerName(container);
      const h = checkHeaders(headers);
      const account = this.accountOf(s, who, options);
      this.auth(s, who, account, { kind: 'owner' });
      const before = accountDomain(s, account);
      const existing = servers.findContainer(s, account, name);
      const policy = policyFromHeaders(s, h, existing);
      const row = containerFromHeaders(s, h, existing ?? blankContainer(account, name, policy, tx.now()), account);
      // the account is created first if it is new (account_autocreate: the account ring's quorum)
      servers.ensureAccount(tx, account);
      // a write to the container ring, new container or not: its quorum or 503
      servers.putContainerRow(tx, { ...row, put_timestamp: tx.now() });
      this.recordDomain(tx, who, account, before);
      return Object.freeze({ created: existing === undefined });
    });
  }

  /** A container to read (HEAD, listing): its read ACL decides, then it must exist (404). */
  private listable(s: S, who: SwiftIdentity | null, container: string, options: AccountOption | undefined): { row: ContainerRow; owner: boolean } {
    const name = checkContainerName(container);
    const account = this.accountOf(s, who, options);
    const row = servers.findContainer(s, account, name);
    const { owner } = this.auth(s, who, account, { kind: 'acl', acl: row?.read_acl ?? '', object: false });
    if (!row) throw new ContainerNotFound(account, name);
    return { row, owner };
  }

  /** `HEAD /v1/{account}/{container}`. */
  headContainer(container: string, options?: AccountOption): ContainerInfo {
    return this.read((s, who) => {
      const { row, owner } = this.listable(s, who, container, options);
      return containerInfo(s, row, owner);
    });
  }

  /** `GET /v1/{account}/{container}`: the objects (JSON listing), with Swift's listing parameters. */
  getContainer(container: string, query?: ListingQuery, options?: AccountOption): ContainerInfo & { readonly objects: readonly (ObjectEntry | SubdirEntry)[] } {
    return this.read((s, who) => {
      const { row, owner } = this.listable(s, who, container, options);
      const epoch = s.meta.clock.epoch;
      const objects = listing(s.object.objects, `${row.account}/${row.name}/`, query).map((e) =>
        'subdir' in e
          ? Object.freeze({ subdir: e.subdir })
          : Object.freeze({ name: e.name, hash: e.row.etag, bytes: e.row.bytes, content_type: e.row.content_type, last_modified: isoAt(epoch, e.row.timestamp).replace('Z', '.000000') }),
      );
      return Object.freeze({ ...containerInfo(s, row, owner), objects: Object.freeze(objects) });
    });
  }

  /**
   * `POST /v1/{account}/{container}`: metadata, ACLs, versioning, quotas (not the policy). As
   * Swift's proxy: the request's headers are checked (400), then it goes to the container's nodes
   * — fewer answering than the quorum is a 503 — and they answer 404 for a missing container.
   */
  postContainer(container: string, headers: Headers, options?: AccountOption): void {
    this.write('container.post', (tx, s, who) => {
      const name = checkContainerName(container);
      const h = checkHeaders(headers);
      const account = this.accountOf(s, who, options);
      this.auth(s, who, account, { kind: 'owner' });
      const existing = servers.findContainer(s, account, name);
      const row = containerFromHeaders(s, h, existing ?? blankContainer(account, name, servers.defaultPolicy(s), tx.now()), account);
      servers.containerQuorum(s, account, name);
      if (!existing) throw new ContainerNotFound(account, name);
      if (h.has('x-storage-policy')) policyFromHeaders(s, h, existing);
      servers.putContainerRow(tx, { ...row, put_timestamp: tx.now() });
    });
  }

  /** `DELETE /v1/{account}/{container}`: only an empty one (409 `object.container.not_empty`). */
  deleteContainer(container: string, options?: AccountOption): void {
    this.write('container.delete', (tx, s, who) => {
      const name = checkContainerName(container);
      const account = this.accountOf(s, who, options);
      this.auth(s, who, account, { kind: 'owner' });
      servers.deleteContainerRow(tx, account, name);
    });
  }

  // ------------------------------------------------------------ objects

  /**
   * `PUT /v1/{account}/{container}/{object}`: stores the bytes (a string is UTF-8). Headers:
   * `Content-Type` (guessed from the name when absent), `ETag` (422 when the MD5 differs),
   * `X-Object-Meta-*`, `X-Delete-At` (UNIX seconds) / `X-Delete-After` (seconds),
   * `If-None-Match: *` (412 when the object exists). Replicated by the container's policy ring:
   * fewer devices answering than a quorum is a 503 and nothing is stored.
   */
  putObject(container: string, object: string, data: Uint8Array | string, headers?: Headers, options?: AccountOption): ObjectPutResult {
    return this.write('object.put', (tx, s, who) => {
      const c = checkContainerName(container);
      const o = checkObjectName(object);
      const bytes = blobBytes(data);
      const h = checkHeaders(headers);
      const account = this.accountOf(s, who, options);
      const row = this.writableContainer(s, who, account, c);
      return this.store(tx, row, o, bytes, h, new Map(), null);
    });
  }

  /**
   * `PUT …?multipart-manifest=put`: a static large object made of existing segments
   * (`{ path: 'container/object', etag?, size_bytes? }`), read back as their concatenation. Its
   * ETag is the MD5 of the segments' ETags; each listed etag / size must match (400 otherwise).
   */
  putStaticLargeObject(container: string, object: string, segments: readonly SegmentInput[], headers?: Headers, options?: AccountOption): ObjectPutResult {
    return this.write('object.put_slo', (tx, s, who) => {
      const c = checkContainerName(container);
      const o = checkObjectName(object);
      const h = checkHeaders(headers);
      const account = this.accountOf(s, who, options);
      const row = this.writableContainer(s, who, account, c);
      const manifest = checkManifest(s, account, segments, (acct, cont) => this.auth(s, who, acct, { kind: 'acl', acl: servers.findContainer(s, acct, cont)?.read_acl ?? '', object: true }));
      const body = utf8ToBytes(JSON.stringify(manifest.segments.map((x) => ({ name: `/${x.path}`, hash: x.etag, bytes: x.size_bytes }))));
      return this.store(tx, row, o, body, h, new Map(), { segments: manifest.segments, etag: manifest.etag, size: manifest.size });
    });
  }

  private writableContainer(s: S, who: SwiftIdentity | null, account: string, container: string): ContainerRow {
    const row = servers.findContainer(s, account, container);
    this.auth(s, who, account, { kind: 'acl', acl: row?.write_acl ?? '', object: true });
    if (!row) throw new ContainerNotFound(account, container);
    return row;
  }

  /** The write of an object's new version: checks, quota, versioning, then the store. */
  private store(
    tx: Tx,
    container: ContainerRow,
    object: string,
    bytes: Uint8Array,
    h: HeaderMap,
    inherited: Map<string, string>,
    slo: { segments: ObjectRow['manifest']; etag: string; size: number } | null,
  ): ObjectPutResult {
    const s = tx.draft as S;
    if (bytes.length > CONSTRAINTS.max_file_size) throw new EntityTooLarge('object.too_large', 'Your request is too large.', { bytes: bytes.length, max_file_size: CONSTRAINTS.max_file_size });
    const live = servers.findLiveObject(s, container.account, container.name, object);
    // the object servers the write reaches answer 412 when they hold the object: one with no copy
    // left, or none that answers, is not found there (a GET would not find it either)
    if (h.get('if-none-match') === '*' && live && servers.copyAnswers(s, live)) throw new PreconditionFailed(`Object '${object}' exists (If-None-Match: *).`, { object });
    const md5 = servers.etagOf(bytes);
    const sent = h.get('etag');
    if (sent !== undefined && slo === null && sent.replace(/"/g, '').toLowerCase() !== md5) throw new UnprocessableEntity(sent, md5);
    const contentType = h.get('content-type') ?? guessType(object);
    const meta = metadataOf(h, 'object');
    const metadata = mergeMetadata(Object.fromEntries(inherited), meta);
    checkMetadataLimits(metadata, 'object');
    const deleteAt = deleteAtOf(s, h);
    checkQuota(container, bytes.length - (live?.bytes ?? 0), live ? 0 : 1);
    if (live && container.versions_location !== null) archiveVersion(tx, container, live);
    const row = servers.writeObject(tx, {
      account: container.account,
      container: container.name,
      object,
      data: bytes,
      content_type: contentType,
      metadata,
      delete_at: deleteAt,
      manifest: slo?.segments ?? null,
      etag: slo !== null ? slo.etag : md5, // computed once, for the ETag check above
    });
    tx.trace('swift-proxy', `PUT ${container.account}/${container.name}/${object}: ${row.bytes} byte(s) on ${row.copies.map((c) => `${c.host}/${c.disk}`).join(', ')}`);
    return Object.freeze({ etag: row.etag, last_modified: isoAt(s.meta.clock.epoch, row.timestamp) });
  }

  private readable(s: S, who: SwiftIdentity | null, account: string, container: string, object: string): ObjectRow {
    const c = servers.findContainer(s, account, container);
    this.auth(s, who, account, { kind: 'acl', acl: c?.read_acl ?? '', object: true });
    if (!c) throw new ObjectNotFound(account, container, object, 'no such container');
    return servers.getObject(s, account, container, object);
  }

  /**
   * `HEAD /v1/{account}/{container}/{object}`: read from the copies as a GET is (the proxy's
   * `GETorHEAD_base`): 404 when no copy is left, 503 when none answers. A static large object's
   * HEAD reads its manifest only, not its segments.
   */
  headObject(container: string, object: string, options?: AccountOption): ObjectInfo {
    return this.read((s, who) => {
      const c = checkContainerName(container);
      const o = checkObjectName(object);
      const account = this.accountOf(s, who, options);
      const row = this.readable(s, who, account, c, o);
      servers.checkCopies(s, row);
      return objectInfo(s, row);
    });
  }

  /**
   * `GET /v1/{account}/{container}/{object}`: the bytes from any copy that answers (503 when
   * none does). `Range: bytes=a-b` (one range) gives 206 and `Content-Range`; unsatisfiable, 416.
   * A static large object reads as its segments in order (`multipart-manifest: 'get'` gives the manifest).
   */
  getObject(container: string, object: string, headers?: Headers, options?: AccountOption & { readonly multipart_manifest?: 'get' }): ObjectData {
    return this.read((s, who) => {
      const c = checkContainerName(container);
      const o = checkObjectName(object);
      const h = checkHeaders(headers);
      const { multipart_manifest, ...rest } = (options === undefined ? {} : check.record(options, 'options')) as AccountOption & { multipart_manifest?: unknown };
      if (multipart_manifest !== undefined && multipart_manifest !== 'get') throw new InvalidInput('options.multipart_manifest', "only 'get' is accepted.");
      const account = this.accountOf(s, who, rest);
      const row = this.readable(s, who, account, c, o);
      // the object itself (a large object's manifest too) is read from a copy that answers
      servers.checkCopies(s, row);
      const whole =
        row.manifest !== null && multipart_manifest === undefined
          ? readLargeObject(s, row, (acct, cont, name) => this.readable(s, who, acct, cont, name))
          : servers.readObjectData(s, row);
      const info = objectInfo(s, row);
      const range = parseRange(h.get('range'), whole.length);
      if (range === 'unsatisfiable') throw new RangeNotSatisfiable(h.get('range') as string, whole.length);
      if (range === null) return Object.freeze({ ...info, status: 200 as const, data: whole, content_range: null });
      const data = whole.slice(range.start, range.end + 1);
      const contentRange = `bytes ${range.start}-${range.end}/${whole.length}`;
      return Object.freeze({ ...info, status: 206 as const, data, content_range: contentRange, content_length: data.length, headers: Object.freeze({ ...info.headers, 'Content-Length': String(data.length), 'Content-Range': contentRange }) });
    });
  }

  /**
   * `POST /v1/{account}/{container}/{object}`: replaces the object's user metadata (Swift's
   * fast-post: metadata not sent is removed), `Content-Type`, `X-Delete-At` / `X-Delete-After`.
   * A write: 503 when fewer of the object's nodes answer than the quorum (as a PUT would be),
   * then 404 / 503 exactly as a GET of the object answers.
   */
  postObject(container: string, object: string, headers: Headers, options?: AccountOption): void {
    this.write('object.post', (tx, s, who) => {
      const c = checkContainerName(container);
      const o = checkObjectName(object);
      const h = checkHeaders(headers);
      const account = this.accountOf(s, who, options);
      const cont = servers.findContainer(s, account, c);
      this.auth(s, who, account, { kind: 'acl', acl: cont?.write_acl ?? '', object: true });
      if (!cont) throw new ObjectNotFound(account, c, o, 'no such container');
      const metadata = mergeMetadata({}, metadataOf(h, 'object'));
      checkMetadataLimits(metadata, 'object');
      const deleteAt = deleteAtOf(s, h);
      // a write to the object's nodes: its quorum (503), then what they hold: 404 when it is
      // missing, expired or lost, 503 when no copy answers — as GET and HEAD find it
      servers.objectQuorum(s, cont, o);
      const row = servers.getObject(s, account, c, o);
      servers.updateObjectRow(tx, row, { metadata, delete_at: h.has('x-remove-delete-at') ? null : (deleteAt ?? row.delete_at), content_type: h.get('content-type') ?? row.content_type });
    });
  }

  /**
   * `DELETE /v1/{account}/{container}/{object}` (a quorum of its devices must answer). In a
   * container with `X-Versions-Location`, the latest archived version comes back.
   * `multipart_manifest: 'delete'` deletes a static large object's segments too: the manifest is
   * read as a GET would (404 / 503), and each segment needs the write ACL of its container (403
   * for any, and nothing is deleted).
   */
  deleteObject(container: string, object: string, options?: AccountOption & { readonly multipart_manifest?: 'delete' }): void {
    this.write('object.delete', (tx, s, who) => {
      const c = checkContainerName(container);
      const o = checkObjectName(object);
      const { multipart_manifest, ...rest } = (options === undefined ? {} : check.record(options, 'options')) as AccountOption & { multipart_manifest?: unknown };
      if (multipart_manifest !== undefined && multipart_manifest !== 'delete') throw new InvalidInput('options.multipart_manifest', "only 'delete' is accepted.");
      const account = this.accountOf(s, who, rest);
      const cont = servers.findContainer(s, account, c);
      this.auth(s, who, account, { kind: 'acl', acl: cont?.write_acl ?? '', object: true });
      if (!cont) throw new ContainerNotFound(account, c);
      const live = servers.findLiveObject(s, account, c, o);
      if (cont.versions_location !== null && cont.versions_mode === 'stack') {
        if (restoreVersion(tx, cont, o, live)) return;
      } else if (cont.versions_location !== null && cont.versions_mode === 'history' && live) {
        archiveVersion(tx, cont, live);
      }
      if (!live) throw new ObjectNotFound(account, c, o);
      if (multipart_manifest === 'delete' && live.manifest !== null) {
        // the SLO middleware GETs the manifest first (404 / 503 as a GET answers), then deletes
        // each segment as the caller: each needs its own container's write ACL (all or nothing here)
        servers.checkCopies(s, live);
        for (const seg of live.manifest) {
          const [segContainer = '', ...segName] = seg.path.split('/');
          this.auth(s, who, account, { kind: 'acl', acl: servers.findContainer(s, account, segContainer)?.write_acl ?? '', object: true });
          const segRow = servers.findObject(s, account, segContainer, segName.join('/'));
          if (segRow) servers.deleteObjectRow(tx, segRow);
        }
      }
      servers.deleteObjectRow(tx, live);
    });
  }

  /**
   * `COPY /v1/{account}/{container}/{object}` with `Destination: {container}/{object}` (or `PUT`
   * with `X-Copy-From`): the data and metadata (unless `X-Fresh-Metadata: true`), with the
   * request's `X-Object-Meta-*` and `Content-Type` on top.
   */
  copyObject(container: string, object: string, destination: string, headers?: Headers, options?: AccountOption): ObjectPutResult {
    return this.write('object.copy', (tx, s, who) => {
      const c = checkContainerName(container);
      const o = checkObjectName(object);
      const dest = checkText(destination, 'destination', CONSTRAINTS.max_header_size).replace(/^\//, '');
      const slash = dest.indexOf('/');
      if (slash <= 0 || slash === dest.length - 1) throw new InvalidInput('destination', `expected '<container>/<object>', got '${destination}'.`);
      const destContainer = checkContainerName(dest.slice(0, slash), 'destination');
      const destObject = checkObjectName(dest.slice(slash + 1), 'destination');
      const h = checkHeaders(headers);
      const account = this.accountOf(s, who, options);
      const source = this.readable(s, who, account, c, o);
      servers.checkCopies(s, source);
      const bytes = source.manifest !== null ? readLargeObject(s, source, (acct, cont, name) => this.readable(s, who, acct, cont, name)) : servers.readObjectData(s, source);
      const target = this.writableContainer(s, who, account, destContainer);
      const fresh = (h.get('x-fresh-metadata') ?? '').toLowerCase() === 'true';
      const inherited = new Map(fresh ? [] : Object.entries(source.metadata));
      const merged = new Map(h);
      if (!merged.has('content-type')) merged.set('content-type', source.content_type);
      return this.store(tx, target, destObject, bytes, merged, inherited, null);
    });
  }
}

// ------------------------------------------------------------------ helpers

/** What keystoneauth learns of an account (`get_account_info`): whether it exists and its recorded project domain. */
function accountDomain(s: S, account: string): AccountDomain {
  const row = servers.findAccount(s, account);
  return { exists: row !== undefined, project_domain_id: row?.project_domain_id };
}

function blankContainer(account: string, name: string, policy: number, now: number): ContainerRow {
  return { account, name, storage_policy_index: policy, read_acl: '', write_acl: '', versions_location: null, versions_mode: null, metadata: {}, object_count: 0, bytes_used: 0, created_at: now, put_timestamp: now };
}

/** The policy a container PUT asks for: unknown 400, a different one for an existing container 409. */
function policyFromHeaders(s: S, h: HeaderMap, existing: ContainerRow | undefined): number {
  const name = h.get('x-storage-policy');
  if (name === undefined) return existing?.storage_policy_index ?? servers.defaultPolicy(s);
  const policy = s.object.config.policies.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!policy) throw new InvalidInput('headers.X-Storage-Policy', `Invalid X-Storage-Policy '${name}'; policies: ${s.object.config.policies.map((p) => p.name).join(', ')}.`);
  if (existing && existing.storage_policy_index !== policy.index) {
    throw new PolicyConflict(existing.name);
  }
  return policy.index;
}


/** 409: a container's storage policy cannot change. */
class PolicyConflict extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PolicyConflict';
  constructor(container: string) {
    super('object.container.policy_conflict', `Container '${container}' already exists with another storage policy; a policy is set once, at creation.`, { container });
  }
}

function containerFromHeaders(s: S, h: HeaderMap, row: ContainerRow, account: string): ContainerRow {
  const metadata = mergeMetadata(row.metadata, metadataOf(h, 'container'));
  checkMetadataLimits(metadata, 'container');
  for (const q of ['quota-bytes', 'quota-count']) {
    const v = metadata[q];
    if (v !== undefined && !/^\d+$/.test(v)) throw new InvalidInput(`headers.X-Container-Meta-${q === 'quota-bytes' ? 'Quota-Bytes' : 'Quota-Count'}`, `expected a non-negative integer, got '${v}'.`);
  }
  const read = h.get('x-container-read');
  const write = h.get('x-container-write');
  const versions = checkVersionsHeaders(s, h, row, account);
  return {
    ...row,
    metadata,
    read_acl: h.has('x-remove-container-read') ? '' : read === undefined ? row.read_acl : cleanAcl('X-Container-Read', read),
    write_acl: h.has('x-remove-container-write') ? '' : write === undefined ? row.write_acl : cleanAcl('X-Container-Write', write),
    ...versions,
  };
}

/** The container quota middleware: 413 when the object would take the container past its quota. */
function checkQuota(c: ContainerRow, addBytes: number, addObjects: number): void {
  const bytes = c.metadata['quota-bytes'];
  if (bytes !== undefined && c.bytes_used + addBytes > Number(bytes)) throw new EntityTooLarge('object.quota_exceeded', 'Upload exceeds quota.', { quota_bytes: Number(bytes), bytes_used: c.bytes_used });
  const count = c.metadata['quota-count'];
  if (count !== undefined && addObjects > 0 && c.object_count + addObjects > Number(count)) throw new EntityTooLarge('object.quota_exceeded', 'Upload exceeds quota.', { quota_count: Number(count), object_count: c.object_count });
}

/** An HTTP date (`Last-Modified: Wed, 05 Oct 2022 00:00:00 GMT`) of a virtual time. */
const httpDate = (s: S, time: number): string => new Date(Date.parse(s.meta.clock.epoch) + Math.floor(time) * 1000).toUTCString();

/** UNIX seconds of the cloud's epoch (virtual time 0). */
const epochSeconds = (s: S): number => Date.parse(s.meta.clock.epoch) / 1000;

/** `X-Delete-At` (UNIX seconds) or `X-Delete-After` (seconds from now) as virtual time; 400 as `check_delete_headers`. */
function deleteAtOf(s: S, h: HeaderMap): number | null {
  const now = s.meta.clock.now;
  const after = h.get('x-delete-after');
  if (after !== undefined) {
    if (!/^\s*-?\d+\s*$/.test(after)) throw new InvalidInput('headers.X-Delete-After', 'Non-integer X-Delete-After.');
    if (Number(after) < 0) throw new InvalidInput('headers.X-Delete-After', 'X-Delete-After in past.');
    return now + Number(after);
  }
  const at = integerHeader(h, 'X-Delete-At', 'Non-integer X-Delete-At');
  if (at === undefined) return null;
  const virtual = at - epochSeconds(s);
  if (virtual <= now) throw new InvalidInput('headers.X-Delete-At', 'X-Delete-At in past.');
  return virtual;
}

/** `X-Timestamp` / `X-PUT-Timestamp` of a virtual time (`Timestamp.normal`: UNIX seconds with 5 decimals). */
const swiftTimestamp = (s: S, time: number): string => (epochSeconds(s) + time).toFixed(5).padStart(16, '0');

function accountInfo(s: S, account: string): AccountInfo {
  const row = servers.findAccount(s, account);
  // an account never written reads as the account server's FakeAccountBroker: created now
  const created = row?.created_at ?? s.meta.clock.now;
  const put = row?.put_timestamp ?? s.meta.clock.now;
  const containers = row?.container_count ?? 0;
  const objects = row?.object_count ?? 0;
  const bytes = row?.bytes_used ?? 0;
  const metadata = row?.metadata ?? {};
  return Object.freeze({
    account,
    container_count: containers,
    object_count: objects,
    bytes_used: bytes,
    metadata: Object.freeze({ ...metadata }),
    headers: Object.freeze({
      'X-Account-Container-Count': String(containers),
      'X-Account-Object-Count': String(objects),
      'X-Account-Bytes-Used': String(bytes),
      'X-Timestamp': swiftTimestamp(s, created),
      'X-PUT-Timestamp': swiftTimestamp(s, put),
      ...metadataHeaders(metadata, 'account'),
    }),
  });
}

function policyName(s: S, index: number): string {
  return s.object.config.policies.find((p) => p.index === index)?.name ?? String(index);
}

function containerInfo(s: S, row: ContainerRow, owner: boolean): ContainerInfo {
  const policy = policyName(s, row.storage_policy_index);
  const headers: Record<string, string> = {
    'X-Container-Object-Count': String(row.object_count),
    'X-Container-Bytes-Used': String(row.bytes_used),
    'X-Storage-Policy': policy,
    'X-Timestamp': swiftTimestamp(s, row.created_at),
    'X-PUT-Timestamp': swiftTimestamp(s, row.put_timestamp),
    // the container server's `Timestamp(put_timestamp).ceil()`
    'Last-Modified': httpDate(s, Math.ceil(row.put_timestamp)),
    ...metadataHeaders(row.metadata, 'container'),
  };
  if (owner) {
    if (row.read_acl) headers['X-Container-Read'] = row.read_acl;
    if (row.write_acl) headers['X-Container-Write'] = row.write_acl;
    if (row.versions_location !== null) headers[row.versions_mode === 'history' ? 'X-History-Location' : 'X-Versions-Location'] = row.versions_location;
  }
  return Object.freeze({
    container: row.name,
    object_count: row.object_count,
    bytes_used: row.bytes_used,
    storage_policy: policy,
    read_acl: owner ? row.read_acl : null,
    write_acl: owner ? row.write_acl : null,
    metadata: Object.freeze({ ...row.metadata }),
    headers: Object.freeze(headers),
  });
}

function objectInfo(s: S, row: ObjectRow): ObjectInfo {
  const epoch = s.meta.clock.epoch;
  const lastModified = isoAt(epoch, row.timestamp);
  const deleteAt = row.delete_at === null ? null : Math.round(epochSeconds(s) + row.delete_at);
  const size = row.manifest === null ? row.bytes : row.manifest.reduce((n, x) => n + x.size_bytes, 0);
  const headers: Record<string, string> = {
    'Content-Length': String(size),
    'Content-Type': row.content_type,
    ETag: row.manifest === null ? row.etag : `"${row.etag}"`,
    'Last-Modified': httpDate(s, row.timestamp),
    'X-Timestamp': (epochSeconds(s) + row.timestamp).toFixed(5),
    ...metadataHeaders(row.metadata, 'object'),
  };
  if (deleteAt !== null) headers['X-Delete-At'] = String(deleteAt);
  if (row.manifest !== null) headers['X-Static-Large-Object'] = 'True';
  return Object.freeze({
    container: row.container,
    object: row.name,
    etag: row.etag,
    content_length: size,
    content_type: row.content_type,
    last_modified: lastModified,
    metadata: Object.freeze({ ...row.metadata }),
    delete_at: deleteAt,
    static_large_object: row.manifest !== null,
    headers: Object.freeze(headers),
  });
}
