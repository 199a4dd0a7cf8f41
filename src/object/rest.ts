/**
 * Swift over HTTP: the object service's REST part (`objectService.rest`), mounted at `/v1` as
 * DevStack's proxy serves `http://controller:8080/v1/AUTH_<project_id>`, plus `GET /info` at the
 * root. Each route calls `session.object` (the `X-Auth-Token` sent) or, without a token,
 * `cloud.anonymous.object` (what container ACLs such as `.r:*` allow), and answers with the
 * status codes, headers and bodies of Swift's proxy (`swift/proxy/controllers/*`, `swob`):
 * listings in plain text, JSON or XML, `Range` (one or many: `multipart/byteranges`), conditional
 * GETs, `COPY` and `X-Copy-From`, static large objects, Swift's HTML fault bodies.
 *
 * Not simulated: dynamic large objects (`X-Object-Manifest`), cross-account copies
 * (`Destination-Account`, `X-Copy-From-Account` naming another account), temp URLs, form posts,
 * bulk operations, CORS, `If-Range`, the deprecated `path` listing parameter.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { CloudError, InvalidInput, reasonPhrase, type RestCall, type RestFaultContext, type RestResponse, type RestRoute, type RestService } from '../core/index.js';
import type { ObjectApi, ObjectData, ObjectInfo, SegmentInput } from './api.js';
import type { ListingQuery } from './listing.js';
import { LISTING_LIMIT } from './listing.js';
import type { ObjectAnonymous, ObjectSession } from './service.js';

type Call = RestCall<ObjectSession, ObjectAnonymous>;
type Route = RestRoute<ObjectSession, ObjectAnonymous>;

// ------------------------------------------------------------------ faults

/** `swob.RESPONSE_REASONS`: the title and explanation of Swift's default bodies. */
const SWOB_REASONS: Readonly<Record<number, readonly [string, string]>> = {
  202: ['Accepted', 'The request is accepted for processing.'],
  400: ['Bad Request', 'The server could not comply with the request since it is either malformed or otherwise incorrect.'],
  401: ['Unauthorized', 'This server could not verify that you are authorized to access the document you requested.'],
  403: ['Forbidden', 'Access was denied to this resource.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'The method is not allowed for this resource.'],
  406: ['Not Acceptable', 'The resource is not available in a format acceptable to your browser.'],
  409: ['Conflict', 'There was a conflict when trying to complete your request.'],
  411: ['Length Required', 'Content-Length header required.'],
  412: ['Precondition Failed', 'A precondition for this request was not met.'],
  413: ['Request Entity Too Large', 'The body of your request was too large for this server.'],
  415: ['Unsupported Media Type', 'The request media type is not supported by this server.'],
  416: ['Requested Range Not Satisfiable', 'The Range requested is not available.'],
  422: ['Unprocessable Entity', 'Unable to process the contained instructions'],
  500: ['Internal Error', 'The server has either erred or is incapable of performing the requested operation.'],
  501: ['Not Implemented', 'The server is either unable or unwilling to fulfill your request.'],
  503: ['Service Unavailable', 'The server is currently unavailable. Please try again at a later time.'],
};

const HTML = 'text/html; charset=UTF-8';

/** Swift's default body for a status: `<html><h1>Not Found</h1><p>The resource could not be found.</p></html>`. */
export function swobBody(status: number): string {
  const [title, explanation] = SWOB_REASONS[status] ?? [reasonPhrase(status), ''];
  return explanation === '' ? '' : `<html><h1>${title}</h1><p>${explanation}</p></html>`;
}

/**
 * Errors Swift answers with a body of its own words rather than the default page: the proxy's
 * 400s (`check_object_creation`, `check_metadata`: "Metadata value longer than 256: …"), the
 * listing limit's 412 ("Maximum limit is 10000"), the 413s ("Your request is too large.",
 * "Upload exceeds quota."), and SLO's manifest errors.
 */
function ownWords(error: CloudError): boolean {
  if (error.status === 400 || error.status === 413) return true;
  return error.status === 412 && ('limit' in error.details || error.code === 'object.listing.bad_delimiter');
}

/** Swift's fault: the status, a plain HTML body (`swob`), `X-Trans-Id` (the request id). */
function fault(error: CloudError, ctx: RestFaultContext): RestResponse {
  const headers: Record<string, string> = { 'Content-Type': HTML };
  if (error.status === 416 && typeof error.details.size === 'number') headers['Content-Range'] = `bytes */${error.details.size}`;
  const text = ownWords(error) ? error.message : swobBody(error.status);
  return { status: error.status, headers, text };
}

// ------------------------------------------------------------------ headers

function answer(status: number, headers: Readonly<Record<string, string>>, body?: { text?: string; bytes?: Uint8Array }): RestResponse {
  if (body?.bytes !== undefined) return { status, headers, bytes: body.bytes };
  if (body?.text !== undefined) return { status, headers, text: body.text };
  return { status, headers };
}

/** A write's answer with Swift's default body (`201` empty, `202` "Accepted", `204` none). */
function done(call: Call, status: number, headers: Readonly<Record<string, string>> = {}): RestResponse {
  const text = swobBody(status);
  return answer(status, { 'Content-Type': HTML, ...headers }, status === 204 ? undefined : { text });
}

/** Headers never passed to the object service: the token, the proxy's own, and what `X-Copy-From` / `COPY` take apart. */
const NOT_FOR_THE_SERVICE = new Set(['x-auth-token', 'x-service-token', 'x-trans-id-extra', 'x-openstack-request-id', 'x-copy-from', 'x-copy-from-account', 'x-newest', 'x-backend-storage-policy-index']);

/**
 * The request's headers the object service reads (lower-case names): `Content-Type`, `ETag`,
 * `If-None-Match` and every `X-…` header but the token.
 */
function requestHeaders(call: Call): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, value] of call.headerEntries()) {
    if (NOT_FOR_THE_SERVICE.has(n)) continue;
    if (n.startsWith('x-') || n === 'content-type' || n === 'etag' || n === 'if-none-match') out[n] = value;
  }
  return out;
}

/** The session's Swift API, or the anonymous one without a token (an invalid token is retried anonymously, as `delay_auth_decision` lets keystoneauth do). */
function withApi<R>(call: Call, fn: (api: ObjectApi) => R): R {
  if (call.token === undefined || call.token === '') return fn(call.anonymous.object);
  try {
    return fn(call.session().object);
  } catch (error) {
    if (!(error instanceof CloudError) || error.status !== 401) throw error;
    // keystonemiddleware marks the token invalid and lets the request on: keystoneauth then
    // treats it as anonymous (a public container stays readable); otherwise the 401 stands
    try {
      return fn(call.anonymous.object);
    } catch (retry) {
      if (retry instanceof CloudError && retry.status === 401) throw error;
      throw retry;
    }
  }
}

const account = (call: Call): { account: string } => ({ account: call.params.account as string });

/** Swift's `config_true_value`. */
const truthy = (v: string | undefined): boolean => v !== undefined && ['true', '1', 'yes', 'on', 't', 'y'].includes(v.trim().toLowerCase());

/** `Last-Modified` and friends: an ISO time (`2022-10-05T00:00:00Z`) as an HTTP date. */
const httpDate = (iso: string): string => new Date(Math.ceil(Date.parse(iso) / 1000) * 1000).toUTCString();

/** Swift's listing time (`Timestamp.isoformat`): `2022-10-05T00:00:00.000000`. */
function swiftIso(iso: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$/.exec(iso);
  if (m === null) return iso;
  return `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}`;
}

// ------------------------------------------------------------------ listings

type Format = 'text/plain' | 'application/json' | 'application/xml' | 'text/xml';
const FORMATS: readonly Format[] = ['text/plain', 'application/json', 'application/xml', 'text/xml'];

/**
 * `get_listing_content_type`: `?format=json|xml|plain` wins, then the `Accept` header's best
 * match among plain text, JSON and XML (406 when none is acceptable); plain text by default.
 */
function listingFormat(call: Call): Format {
  const format = call.query.get('format');
  if (format !== undefined && format !== '') {
    const f = format.toLowerCase();
    return f === 'json' ? 'application/json' : f === 'xml' ? 'application/xml' : 'text/plain';
  }
  const accept = call.header('Accept');
  if (accept === undefined || accept.trim() === '') return 'text/plain';
  let best: Format | undefined;
  let bestQ = 0;
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return { type, q: Number.isFinite(q) ? q : 0 };
  });
  for (const offer of FORMATS) {
    const [major] = offer.split('/');
    let q = -1;
    let specificity = -1;
    for (const r of ranges) {
      const spec = r.type === offer ? 2 : r.type === `${major}/*` ? 1 : r.type === '*/*' ? 0 : -1;
      if (spec > specificity) {
        specificity = spec;
        q = r.q;
      }
    }
    if (specificity >= 0 && q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  if (best === undefined) throw new CloudError(406, 'object.listing.not_acceptable', `No listing format matches Accept '${accept.slice(0, 120)}'; offered: ${FORMATS.join(', ')}.`, { field: 'Accept' });
  return best;
}

/** Swift's listing parameters from the query: `limit` (digits only, else ignored), `marker`, `end_marker`, `prefix`, `delimiter`, `reverse`. */
function listingQuery(call: Call): ListingQuery {
  const q: { -readonly [K in keyof ListingQuery]: ListingQuery[K] } = {};
  const limit = call.query.get('limit');
  if (limit !== undefined && /^\d{1,12}$/.test(limit)) {
    const n = Number(limit);
    if (n > LISTING_LIMIT) throw new CloudError(412, 'object.precondition_failed', `Maximum limit is ${LISTING_LIMIT}`, { limit: n });
    q.limit = n;
  }
  for (const name of ['marker', 'end_marker', 'prefix'] as const) {
    const v = call.query.get(name);
    if (v !== undefined && v !== '') q[name] = v;
  }
  const delimiter = call.query.get('delimiter');
  if (delimiter !== undefined && delimiter !== '') {
    // the container and account servers: one character, below U+00FF
    if ([...delimiter].length > 1 || (delimiter.codePointAt(0) as number) > 254) throw new CloudError(412, 'object.listing.bad_delimiter', 'Bad delimiter');
    q.delimiter = delimiter;
  }
  if (truthy(call.query.get('reverse'))) q.reverse = true;
  return q;
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A listing's answer: 200 with the entries, or (plain text with none) 204; the container's or account's headers. */
function listingAnswer(call: Call, format: Format, headers: Readonly<Record<string, string>>, entries: readonly Record<string, unknown>[], root: { tag: 'account' | 'container'; name: string; fields: readonly string[] }): RestResponse {
  const base: Record<string, string> = { ...headers, 'Accept-Ranges': 'bytes', 'Content-Type': `${format}; charset=utf-8` };
  if (!call.query.has('format')) base.Vary = 'Accept';
  let text: string;
  if (format === 'application/json') text = JSON.stringify(entries).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  else if (format === 'text/plain') text = entries.map((e) => `${String(e.name ?? e.subdir)}\n`).join('');
  else {
    const items = entries.map((e) => {
      if ('subdir' in e) return root.tag === 'account' ? `<subdir name="${xmlEscape(String(e.subdir))}" />` : `<subdir name="${xmlEscape(String(e.subdir))}"><name>${xmlEscape(String(e.subdir))}</name></subdir>`;
      const tag = root.tag === 'account' ? 'container' : 'object';
      return `<${tag}>${root.fields.map((f) => `<${f}>${xmlEscape(String(e[f]))}</${f}>`).join('')}</${tag}>`;
    });
    const sep = root.tag === 'account' ? '\n' : '';
    text = `<?xml version="1.0" encoding="UTF-8"?>\n<${root.tag} name="${xmlEscape(root.name)}">${sep}${items.map((i) => i + sep).join('')}</${root.tag}>`;
  }
  if (text === '') return answer(204, base);
  return answer(200, base, { text });
}

// ------------------------------------------------------------------ objects: conditions and ranges

const unquote = (etag: string): string => (etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag);
const etagList = (value: string): string[] => value.split(',').map((t) => unquote(t.trim()));

/** swob's conditional response for GET / HEAD: `If-Match` / `If-Unmodified-Since` (412), `If-None-Match` / `If-Modified-Since` (304). */
function conditional(call: Call, info: ObjectInfo): 304 | 412 | null {
  const etag = info.etag;
  const ifMatch = call.header('If-Match');
  if (ifMatch !== undefined && !etagList(ifMatch).some((t) => t === '*' || t === etag)) return 412;
  const ifNoneMatch = call.header('If-None-Match');
  if (ifNoneMatch !== undefined && etagList(ifNoneMatch).some((t) => t === '*' || t === etag)) return 304;
  const modified = Math.ceil(Date.parse(info.last_modified) / 1000);
  const since = call.header('If-Modified-Since');
  if (since !== undefined && ifNoneMatch === undefined) {
    const t = Date.parse(since);
    if (Number.isFinite(t) && modified <= t / 1000) return 304;
  }
  const unmodified = call.header('If-Unmodified-Since');
  if (unmodified !== undefined) {
    const t = Date.parse(unmodified);
    if (Number.isFinite(t) && modified > t / 1000) return 412;
  }
  return null;
}

/** swob's `Range`: the byte ranges `[start, end)` asked for, null when the header is absent or not valid (the whole object is sent). */
function parseRanges(value: string | undefined): (readonly [number | null, number | null])[] | null {
  if (value === undefined) return null;
  const v = value.replace(/ /g, '');
  if (!v.toLowerCase().startsWith('bytes=')) return null;
  const out: [number | null, number | null][] = [];
  for (const spec of v.slice(6).split(',')) {
    const m = /^(\d*)-(\d*)$/.exec(spec);
    if (m === null) return null;
    const start = m[1] === '' ? null : Number(m[1]);
    const end = m[2] === '' ? null : Number(m[2]);
    if (start === null && end === null) return null;
    if (start !== null && end !== null && end < start) return null;
    out.push([start, end]);
  }
  return out.length === 0 ? null : out;
}

/** `ranges_for_length`: the satisfiable ranges; [] for 416 (none satisfiable, or an egregious set: > 50, > 2 overlapping, ≥ 8 out of order). */
function rangesForLength(ranges: readonly (readonly [number | null, number | null])[], length: number): [number, number][] {
  const all: [number, number][] = [];
  for (const [begin, end] of ranges) {
    if (begin === null) {
      if (end === 0) continue;
      all.push(end! > length ? [0, length] : [length - end!, length]);
      continue;
    }
    if (begin >= length) continue;
    all.push([begin, end === null ? length : Math.min(end + 1, length)]);
  }
  if (all.length > 50) return [];
  let overlaps = 0;
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [s1, e1] = all[i] as [number, number];
      const [s2, e2] = all[j] as [number, number];
      if ((s1 < s2 && s2 < e1) || (s1 < e2 && e2 < e1) || (s2 < s1 && s1 < e2) || (s2 < e1 && e1 < e2)) {
        if (++overlaps > 2) return [];
      }
    }
  }
  const ascending = all.every((r, i) => i === 0 || (all[i - 1] as [number, number])[0] <= r[0]);
  if (!ascending && all.length >= 8) return [];
  return all;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The object's response headers as the proxy sends them: `Etag` unquoted (the proxy's
 * `update_headers` strips the object server's quotes), quoted for a static large object (the SLO
 * middleware's own header), `Accept-Ranges: bytes`.
 */
function objectHeaders(info: ObjectInfo): Record<string, string> {
  const h: Record<string, string> = { ...info.headers, 'Accept-Ranges': 'bytes' };
  delete h.ETag;
  h.Etag = info.headers.ETag ?? info.etag;
  return h;
}

function getObjectRoute(call: Call, head: boolean): RestResponse {
  const { container, object } = call.params as { container: string; object: string };
  const manifest = call.query.get('multipart-manifest');
  let data: ObjectData | ObjectInfo;
  try {
    data = withApi(call, (api) =>
      head ? api.headObject(container, object, account(call)) : api.getObject(container, object, {}, manifest === 'get' ? { ...account(call), multipart_manifest: 'get' } : account(call)),
    );
  } catch (error) {
    // swob: a 404 with If-Match is a 412
    if (error instanceof CloudError && error.status === 404 && call.header('If-Match') !== undefined) throw new CloudError(412, 'object.precondition_failed', `If-Match: object '${object}' does not exist.`, { object });
    throw error;
  }
  const headers = objectHeaders(data);
  if (manifest === 'get' && data.static_large_object) headers['Content-Type'] = 'application/json; charset=utf-8';
  const condition = conditional(call, data);
  if (condition === 412) throw new CloudError(412, 'object.precondition_failed', 'A precondition for this request was not met.', { object });
  if (condition === 304) return answer(304, { ...headers, 'Content-Length': '0' });
  if (head) return answer(200, headers);
  const whole = (data as ObjectData).data;
  const asked = parseRanges(call.header('Range'));
  if (asked === null || whole.length === 0) return answer(200, headers, { bytes: whole });
  const ranges = rangesForLength(asked, whole.length);
  if (ranges.length === 0) throw new CloudError(416, 'object.range_not_satisfiable', `Requested range '${call.header('Range')}' not satisfiable: the object has ${whole.length} byte(s).`, { size: whole.length });
  if (ranges.length === 1) {
    const [start, end] = ranges[0] as [number, number];
    return answer(206, { ...headers, 'Content-Length': String(end - start), 'Content-Range': `bytes ${start}-${end - 1}/${whole.length}` }, { bytes: whole.slice(start, end) });
  }
  // multipart/byteranges, as swob's multi_range_iterator writes it (a boundary derived from the object)
  const boundary = unquote(headers.Etag as string).slice(0, 32).padEnd(32, '0');
  const type = headers['Content-Type'] ?? 'application/octet-stream';
  const parts: Uint8Array[] = [];
  for (const [start, end] of ranges) {
    parts.push(utf8ToBytes(`--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${start}-${end - 1}/${whole.length}\r\n\r\n`), whole.slice(start, end), utf8ToBytes('\r\n'));
  }
  parts.push(utf8ToBytes(`--${boundary}--`));
  const body = concat(parts);
  return answer(206, { ...headers, 'Content-Type': `multipart/byteranges;boundary=${boundary}`, 'Content-Length': String(body.length) }, { bytes: body });
}

/** `container/object` of a `Destination` or `X-Copy-From` header (URL-quoted, a leading `/` optional): 412 otherwise, as the copy middleware's `_check_path_header`. */
function copyPath(value: string, header: string): { container: string; object: string } {
  let path = value;
  try {
    path = decodeURIComponent(value);
  } catch {
    /* kept as written */
  }
  path = path.replace(/^\//, '');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw new CloudError(412, 'object.copy.bad_path', `${header} header must be of the form <container name>/<object name>`, { field: header, header });
  return { container: path.slice(0, slash), object: path.slice(slash + 1) };
}

/** 400 when a copy names another account (not simulated). */
function sameAccount(call: Call, header: string): void {
  const other = call.header(header);
  if (other !== undefined && other !== '' && decodeURIComponentSafe(other) !== call.params.account) {
    throw new InvalidInput(`headers.${header}`, `copies between accounts are not simulated ('${other.slice(0, 80)}' is not '${call.params.account}').`);
  }
}

function decodeURIComponentSafe(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** `COPY` and `PUT` with `X-Copy-From`: 201 with the copy's `Etag`, `X-Copied-From` and `X-Copied-From-Last-Modified`. */
function copy(call: Call, from: { container: string; object: string }, to: { container: string; object: string }): RestResponse {
  const headers = requestHeaders(call);
  return withApi(call, (api) => {
    const source = api.headObject(from.container, from.object, account(call));
    const put = api.copyObject(from.container, from.object, `${to.container}/${to.object}`, headers, account(call));
    return done(call, 201, {
      Etag: put.etag,
      'Last-Modified': httpDate(put.last_modified),
      'X-Copied-From': `${encodeURIComponent(from.container)}/${encodeURI(from.object)}`,
      'X-Copied-From-Last-Modified': source.headers['Last-Modified'] ?? httpDate(source.last_modified),
    });
  });
}

function putObjectRoute(call: Call): RestResponse {
  const { container, object } = call.params as { container: string; object: string };
  const headers = requestHeaders(call);
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') throw new InvalidInput('headers.If-None-Match', 'If-None-Match only supports *');
  if (truthy(headers['x-detect-content-type'])) delete headers['content-type'];
  const copyFrom = call.header('X-Copy-From');
  if (copyFrom !== undefined) {
    if (call.body.length > 0) throw new InvalidInput('body', 'Copy requests require a zero byte body');
    sameAccount(call, 'X-Copy-From-Account');
    return copy(call, copyPath(copyFrom, 'X-Copy-From'), { container, object });
  }
  if (call.query.get('multipart-manifest') === 'put') {
    let segments: unknown;
    try {
      segments = JSON.parse(call.text()) as unknown;
    } catch {
      throw new InvalidInput('body', 'Manifest must be valid JSON.');
    }
    const put = withApi(call, (api) => api.putStaticLargeObject(container, object, segments as SegmentInput[], headers, account(call)));
    return done(call, 201, { Etag: `"${put.etag}"`, 'Last-Modified': httpDate(put.last_modified) });
  }
  if (call.header('X-Object-Manifest') !== undefined) throw new InvalidInput('headers.X-Object-Manifest', 'dynamic large objects are not simulated; use a static large object (?multipart-manifest=put).');
  const put = withApi(call, (api) => api.putObject(container, object, call.body, headers, account(call)));
  return done(call, 201, { Etag: put.etag, 'Last-Modified': httpDate(put.last_modified) });
}

function deleteObjectRoute(call: Call): RestResponse {
  const { container, object } = call.params as { container: string; object: string };
  if (call.query.get('multipart-manifest') === 'delete') {
    const segments = withApi(call, (api) => {
      const info = api.headObject(container, object, account(call));
      const count = info.static_large_object ? manifestLength(api.getObject(container, object, {}, { ...account(call), multipart_manifest: 'get' }).data) : 0;
      api.deleteObject(container, object, { ...account(call), multipart_manifest: 'delete' });
      return count;
    });
    // the SLO middleware answers as bulk delete does
    const text = `Number Deleted: ${segments + 1}\nNumber Not Found: 0\nResponse Body: \nResponse Status: 200 OK\nErrors:\n`;
    return answer(200, { 'Content-Type': 'text/plain; charset=utf-8' }, { text });
  }
  withApi(call, (api) => api.deleteObject(container, object, account(call)));
  return done(call, 204);
}

/** The number of segments of a stored SLO manifest (its JSON read byte by byte: only its structure counts). */
function manifestLength(bytes: Uint8Array): number {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  const parsed = JSON.parse(text) as unknown;
  return Array.isArray(parsed) ? parsed.length : 0;
}

// ------------------------------------------------------------------ routes

const ACCOUNT = '/{account}';
const CONTAINER = '/{account}/{container}';
const OBJECT = '/{account}/{container}/{object+}';

const routes: readonly Route[] = [
  // accounts
  {
    method: 'GET',
    path: ACCOUNT,
    handle: (call) => {
      const format = listingFormat(call);
      const query = listingQuery(call);
      const info = withApi(call, (api) => api.getAccount(query, account(call)));
      const entries = info.containers.map((e) => ('subdir' in e ? { subdir: e.subdir } : { name: e.name, count: e.count, bytes: e.bytes, last_modified: swiftIso(e.last_modified) }));
      return listingAnswer(call, format, info.headers, entries, { tag: 'account', name: info.account, fields: ['name', 'count', 'bytes', 'last_modified'] });
    },
  },
  {
    method: 'HEAD',
    path: ACCOUNT,
    handle: (call) => {
      const format = listingFormat(call);
      const info = withApi(call, (api) => api.headAccount(account(call)));
      return answer(204, { ...info.headers, 'Accept-Ranges': 'bytes', 'Content-Type': `${format}; charset=utf-8` });
    },
  },
  {
    method: 'POST',
    path: ACCOUNT,
    handle: (call) => {
      const headers = requestHeaders(call);
      withApi(call, (api) => api.postAccount(headers, account(call)));
      return done(call, 204);
    },
  },
  // containers
  {
    method: 'GET',
    path: CONTAINER,
    handle: (call) => {
      const format = listingFormat(call);
      const query = listingQuery(call);
      const info = withApi(call, (api) => api.getContainer(call.params.container as string, query, account(call)));
      const entries = info.objects.map((e) => ('subdir' in e ? { subdir: e.subdir } : { name: e.name, hash: e.hash, bytes: e.bytes, content_type: e.content_type, last_modified: swiftIso(e.last_modified) }));
      return listingAnswer(call, format, info.headers, entries, { tag: 'container', name: info.container, fields: ['name', 'hash', 'bytes', 'content_type', 'last_modified'] });
    },
  },
  {
    method: 'HEAD',
    path: CONTAINER,
    handle: (call) => {
      const format = listingFormat(call);
      const info = withApi(call, (api) => api.headContainer(call.params.container as string, account(call)));
      return answer(204, { ...info.headers, 'Accept-Ranges': 'bytes', 'Content-Type': `${format}; charset=utf-8` });
    },
  },
  {
    method: 'PUT',
    path: CONTAINER,
    handle: (call) => {
      const headers = requestHeaders(call);
      const { created } = withApi(call, (api) => api.putContainer(call.params.container as string, headers, account(call)));
      return done(call, created ? 201 : 202);
    },
  },
  {
    method: 'POST',
    path: CONTAINER,
    handle: (call) => {
      const headers = requestHeaders(call);
      withApi(call, (api) => api.postContainer(call.params.container as string, headers, account(call)));
      return done(call, 204);
    },
  },
  {
    method: 'DELETE',
    path: CONTAINER,
    handle: (call) => {
      withApi(call, (api) => api.deleteContainer(call.params.container as string, account(call)));
      return done(call, 204);
    },
  },
  // objects
  { method: 'GET', path: OBJECT, handle: (call) => getObjectRoute(call, false) },
  { method: 'HEAD', path: OBJECT, handle: (call) => getObjectRoute(call, true) },
  { method: 'PUT', path: OBJECT, handle: putObjectRoute },
  {
    method: 'POST',
    path: OBJECT,
    handle: (call) => {
      const headers = requestHeaders(call);
      withApi(call, (api) => api.postObject(call.params.container as string, call.params.object as string, headers, account(call)));
      return done(call, 202);
    },
  },
  { method: 'DELETE', path: OBJECT, handle: deleteObjectRoute },
  {
    method: 'COPY',
    path: OBJECT,
    handle: (call) => {
      const destination = call.header('Destination');
      if (destination === undefined) throw new CloudError(412, 'object.copy.bad_path', 'Destination header required', { field: 'Destination' });
      sameAccount(call, 'Destination-Account');
      return copy(call, { container: call.params.container as string, object: call.params.object as string }, copyPath(destination, 'Destination'));
    },
  },
];

/** `GET /info` (outside `/v1`): the capabilities (`ObjectApi.info`), no token needed. */
const rootRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/info',
    handle: (call) => answer(200, { 'Content-Type': 'application/json; charset=UTF-8' }, { text: JSON.stringify(call.anonymous.object.info()) }),
  },
];

/**
 * Swift's proxy over HTTP (`/v1/{account}[/{container}[/{object}]]` and `GET /info`): routes
 * for accounts (GET, HEAD, POST), containers (GET, HEAD, PUT, POST, DELETE) and objects (GET,
 * HEAD, PUT, POST, DELETE, COPY), faults as Swift's HTML pages.
 */
export const objectRest: RestService<ObjectSession, ObjectAnonymous> = { mount: '/v1', requestIdHeaders: ['X-Trans-Id'], routes, rootRoutes, fault };
