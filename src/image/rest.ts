/**
 * Glance v2 over REST, mounted at `/image` as DevStack serves it: version discovery
 * (`glance/api/versions.py` and the version-negotiation middleware), the v2 router
 * (`glance/api/v2/router.py`) for images, image data, stage / import, actions, tags, members,
 * image tasks, discovery and schemas, and Glance's faults (webob's error bodies, HTML, JSON or
 * plain text by the request's `Accept`; the 401 of keystonemiddleware). Every route calls `session.image`; this file only maps HTTP to
 * it the way Glance's request deserializers and response serializers do.
 *
 * Not simulated: media-type versioning (`Accept: application/vnd.openstack.images-v2.x`), the
 * `/v2.N/…` path aliases the version middleware rewrites to `/v2/…` (they answer 404 here), the
 * `Content-Range` request header of downloads, `/v2/tasks`, metadefs, the cache API,
 * `/v2/info/usage` and `/v2/info/stores/detail`.
 */
import { CloudError, InvalidInput, NotFound, empty, json, reasonPhrase, type RestCall, type RestFaultContext, type RestQuery, type RestResponse, type RestRoute, type RestService } from '../core/index.js';
import type { ImageApi, ImageCreateRequest, ImagePatchOperation } from './api.js';
import type { ImageListQuery } from './list.js';
import type { MemberStatus } from './types.js';

/** The session part the image routes use. */
type ImageCall = RestCall<{ readonly image: ImageApi }, object>;
type Route = RestRoute<{ readonly image: ImageApi }, object>;

/**
 * The version list of Zed's `versions.Controller.index` for DevStack's `glance-api.conf`:
 * `image_cache_dir` set (2.16 CURRENT, 2.15 and 2.14), no `enabled_backends` (so 2.9 but not
 * 2.8 or 2.10–2.13), then 2.7 down to 2.0.
 */
const VERSIONS: readonly (readonly [string, 'CURRENT' | 'SUPPORTED'])[] = [
  ['2.16', 'CURRENT'], ['2.15', 'SUPPORTED'], ['2.14', 'SUPPORTED'], ['2.9', 'SUPPORTED'], ['2.7', 'SUPPORTED'], ['2.6', 'SUPPORTED'],
  ['2.5', 'SUPPORTED'], ['2.4', 'SUPPORTED'], ['2.3', 'SUPPORTED'], ['2.2', 'SUPPORTED'], ['2.1', 'SUPPORTED'], ['2.0', 'SUPPORTED'],
];

/** The path segments the version middleware accepts as a version (`_get_allowed_versions`). */
const ALLOWED_VERSIONS = new Set(['v2', ...VERSIONS.map(([v]) => `v${v}`)]);

/** `{"versions": [...]}`, each with `links: [{rel: self, href: <base>/v2/}]`. 300 for discovery, 200 for `/versions`. */
function versions(call: ImageCall, explicit: boolean): RestResponse {
  const href = `${call.base}/v2/`;
  return json(explicit ? 200 : 300, { versions: VERSIONS.map(([v, status]) => ({ id: `v${v}`, status, links: [{ rel: 'self', href }] })) });
}

/**
 * What the version middleware does with a path no v2 route answers: `/versions…` is the
 * version list (200); a known version prefix reaches the v2 router, which has no such route
 * (404); anything else is the version list as a choice (300), whatever the method.
 */
function negotiate(call: ImageCall): RestResponse {
  const first = call.path.split('/')[1] ?? '';
  if (first === 'versions') return versions(call, true);
  if (ALLOWED_VERSIONS.has(first)) throw new NotFound('image.route.not_found', 'The resource could not be found.');
  return versions(call, false);
}

// ---- request deserialisation (glance/common/wsgi.py JSONRequestDeserializer) ----

/** `_get_request_body` + `from_json`: a JSON object or array, or Glance's 400s. */
function jsonBody(call: ImageCall): unknown {
  if (call.body.byteLength === 0) throw new InvalidInput('body', 'Body expected in request.', 'image.body.missing');
  let value: unknown;
  try {
    value = JSON.parse(call.text()) as unknown;
  } catch {
    throw new InvalidInput('body', 'Malformed JSON in request body.', 'image.body.malformed');
  }
  if (typeof value !== 'object' || value === null) throw new InvalidInput('body', 'Unexpected body type. Expected list/dict.', 'image.body.type');
  return value;
}

/** `body_reject=True` routes: a body is a 400. */
function noBody(call: ImageCall): void {
  if (call.body.byteLength > 0) throw new InvalidInput('body', 'A body is not expected with this request.', 'image.body.unexpected');
}

/** webob's `request.content_type`: the media type without parameters, or undefined. */
function mediaType(call: ImageCall): string | undefined {
  const raw = call.header('Content-Type');
  return raw === undefined ? undefined : (raw.split(';')[0] ?? '').trim();
}

/** 415 as webob words it (`HTTPUnsupportedMediaType`). */
function unsupported(type: string | undefined, details: Record<string, unknown> = {}): CloudError {
  return new CloudError(415, 'image.content_type.unsupported', `The request media type ${type ?? 'None'} is not supported by this server.`, { field: 'Content-Type', content_type: type ?? null, ...details });
}

/** Image data routes take `application/octet-stream` only (`request.get_content_type`). */
function octetStream(call: ImageCall): Uint8Array {
  const type = mediaType(call);
  if (type !== 'application/octet-stream') throw unsupported(type);
  return call.body;
}

const PATCH_TYPES: Readonly<Record<string, 4 | 10>> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
};

/**
 * `RequestDeserializer.update`: the media type picks the JSON-patch draft (415 with
 * `Accept-Patch` otherwise); draft 4 operations (`{"replace": "/name", "value": …}`) become
 * draft 10 ones (`{op, path, value}`), which the session API checks.
 */
function patchBody(call: ImageCall): unknown {
  const type = mediaType(call);
  const draft = type === undefined ? undefined : PATCH_TYPES[type];
  if (draft === undefined) throw unsupported(type, { accept_patch: Object.keys(PATCH_TYPES).sort().join(', ') });
  const body = jsonBody(call);
  if (draft === 10 || !Array.isArray(body)) return body;
  return body.map((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
    const r = raw as Record<string, unknown>;
    const ops = (['add', 'remove', 'replace'] as const).filter((op) => Object.hasOwn(r, op));
    if (ops.length > 1) throw new InvalidInput(`changes[${i}]`, 'Operation objects must contain only one member named "add", "remove", or "replace".');
    const op = ops[0];
    if (op === undefined) throw new InvalidInput(`changes[${i}]`, 'Operation objects must contain exactly one member named "add", "remove", or "replace".');
    const change: Record<string, unknown> = { op, path: r[op] };
    if (Object.hasOwn(r, 'value')) change.value = r.value;
    return change;
  });
}

/** Filters the list query names (the rest are free-form property filters). */
const LIST_FILTERS = new Set(['name', 'id', 'status', 'visibility', 'owner', 'size_min', 'size_max', 'disk_format', 'container_format', 'protected', 'os_hidden', 'created_at', 'updated_at', 'changes-since']);
/** Parameters the deserializer `pop`s: the first value counts (webob's `MultiDict.pop`). */
const POPPED = new Set(['limit', 'marker', 'member_status', 'sort']);
/** Parameters that repeat (`?tag=a&tag=b`, `?sort_key=name&sort_key=size`). */
const REPEATED = new Set(['tag', 'sort_key', 'sort_dir']);

/**
 * `RequestDeserializer.index`: the query string as a list query, in the order the client wrote
 * it (the `first` / `next` links keep that order). Filters keep their last value, as a webob
 * `MultiDict` read does; unknown names are free-form property filters.
 */
function listQuery(query: RestQuery): ImageListQuery {
  const q: Record<string, unknown> = {};
  let properties: Record<string, string> | undefined;
  for (const [name, value] of query.entries()) {
    if (REPEATED.has(name)) ((q[name] ??= []) as string[]).push(value);
    else if (POPPED.has(name)) q[name] ??= value;
    else if (LIST_FILTERS.has(name)) q[name] = value;
    else {
      if (properties === undefined) q.properties = properties = Object.create(null) as Record<string, string>;
      Object.defineProperty(properties, name, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return q as ImageListQuery;
}

// ---- downloads ----

/**
 * The `Range` of a download (`Request.get_range_from_request` with webob's `Range.parse`, then
 * `ResponseSerializer.download`): one range only (400 for several), 416 when it does not parse
 * or starts past the end. Returns the bytes to send and the `Content-Range`.
 */
function byteRange(header: string, data: Uint8Array): { readonly part: Uint8Array; readonly contentRange: string } {
  const size = data.byteLength;
  if (header.includes(',')) throw new InvalidInput('Range', 'Requests with multiple ranges are not supported in Glance. You may make multiple single-range requests instead.', 'image.range.multiple');
  const m = /^bytes *= *(\d*) *- *(\d*)/i.exec(header);
  const bad = (message: string): CloudError => new CloudError(416, 'image.range.not_satisfiable', message, { field: 'Range' });
  if (m === null || (m[1] === '' && m[2] === '')) throw bad('Invalid Range header.');
  let start: number;
  let end: number | undefined; // exclusive
  if (m[1] === '') {
    start = -Number(m[2]);
  } else {
    start = Number(m[1]);
    if (m[2] !== '') {
      end = Number(m[2]) + 1;
      if (start >= end) throw bad('Invalid Range header.');
    }
  }
  if (start >= size) throw bad(`Invalid start position in Range header. Start position MUST be in the inclusive range [0, ${size - 1}].`);
  let offset = 0;
  if (start >= 0) offset = start;
  else if (Math.abs(start) < size) offset = size + start;
  let stop: number;
  let last: number;
  if (end !== undefined && end < size) {
    stop = end;
    last = end - 1;
  } else {
    stop = size;
    last = size - 1;
  }
  return { part: data.subarray(offset, stop), contentRange: `bytes ${offset}-${last}/${size}` };
}

// ---- routes ----

const image = (call: ImageCall): ImageApi => call.session().image;
const idOf = (call: ImageCall): { readonly id: string } => ({ id: call.params.image_id as string });

/** The routes below `/image`. */
const ROUTES: readonly Route[] = [
  // version discovery: any method on the root and on paths no route answers
  ...(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).flatMap((method): Route[] => [
    // the versionnegotiation filter runs before authtoken in glance-api-paste.ini: no token needed
    { method, path: '/', public: true, handle: (call) => versions(call, false) },
    { method, path: '/{rest+}', public: true, handle: negotiate },
  ]),

  // schemas
  ...(['image', 'images', 'member', 'members'] as const).map((name): Route => ({ method: 'GET', path: `/v2/schemas/${name}`, handle: (call) => (noBody(call), json(200, image(call).getSchema(name))) })),

  // discovery
  { method: 'GET', path: '/v2/info/import', handle: (call) => (noBody(call), json(200, image(call).getImportInfo())) },
  { method: 'GET', path: '/v2/info/stores', handle: (call) => (noBody(call), image(call).listStores()) },

  // images
  { method: 'GET', path: '/v2/images', handle: (call) => json(200, image(call).listImages(listQuery(call.query))) },
  {
    method: 'POST',
    path: '/v2/images',
    handle: (call) => {
      const api = image(call);
      const created = api.createImage(jsonBody(call) as ImageCreateRequest);
      const methods = api.getImportInfo()['import-methods'].value;
      // Glance sets the relative `/v2/images/{id}`, which webob makes absolute; here it is the URL this server answers
      const headers: Record<string, string> = { Location: `${call.base}/v2/images/${created.id}` };
      if (methods.length > 0) headers['OpenStack-image-import-methods'] = methods.join(',');
      return json(201, created, headers);
    },
  },
  { method: 'GET', path: '/v2/images/{image_id}', handle: (call) => (noBody(call), json(200, image(call).getImage(idOf(call)))) },
  { method: 'PATCH', path: '/v2/images/{image_id}', handle: (call) => json(200, image(call).updateImage(idOf(call), patchBody(call) as ImagePatchOperation[])) },
  { method: 'DELETE', path: '/v2/images/{image_id}', handle: (call) => (noBody(call), image(call).deleteImage(idOf(call)), empty(204)) },
  { method: 'GET', path: '/v2/images/{image_id}/tasks', handle: (call) => (noBody(call), json(200, image(call).listImageTasks(idOf(call)))) },

  // data
  {
    method: 'PUT',
    path: '/v2/images/{image_id}/file',
    handle: (call) => {
      const data = octetStream(call);
      image(call).uploadImageData(idOf(call), data);
      return empty(204);
    },
  },
  {
    method: 'GET',
    path: '/v2/images/{image_id}/file',
    handle: (call) => {
      noBody(call);
      const download = image(call).downloadImageFile(idOf(call));
      if (download === null) return empty(204);
      const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
      if (download.checksum !== null) headers['Content-MD5'] = download.checksum;
      const range = call.header('Range');
      if (range === undefined) return { status: 200, headers, bytes: download.data };
      const { part, contentRange } = byteRange(range, download.data);
      return { status: 206, headers: { ...headers, 'Content-Range': contentRange }, bytes: part };
    },
  },
  {
    method: 'PUT',
    path: '/v2/images/{image_id}/stage',
    handle: (call) => {
      const data = octetStream(call);
      image(call).stageImageData(idOf(call), data);
      return empty(204);
    },
  },
  {
    method: 'POST',
    path: '/v2/images/{image_id}/import',
    handle: (call) => {
      const body = jsonBody(call);
      image(call).importImage(idOf(call), body as never);
      return empty(202);
    },
  },

  // actions
  { method: 'POST', path: '/v2/images/{image_id}/actions/deactivate', handle: (call) => (noBody(call), image(call).deactivateImage(idOf(call)), empty(204)) },
  { method: 'POST', path: '/v2/images/{image_id}/actions/reactivate', handle: (call) => (noBody(call), image(call).reactivateImage(idOf(call)), empty(204)) },

  // tags
  { method: 'PUT', path: '/v2/images/{image_id}/tags/{tag}', handle: (call) => (noBody(call), image(call).addImageTag(idOf(call), call.params.tag as string), empty(204)) },
  { method: 'DELETE', path: '/v2/images/{image_id}/tags/{tag}', handle: (call) => (noBody(call), image(call).deleteImageTag(idOf(call), call.params.tag as string), empty(204)) },

  // members
  { method: 'GET', path: '/v2/images/{image_id}/members', handle: (call) => (noBody(call), json(200, image(call).listImageMembers(idOf(call)))) },
  { method: 'POST', path: '/v2/images/{image_id}/members', handle: (call) => json(200, image(call).createImageMember(idOf(call), jsonBody(call) as { member: string })) },
  { method: 'GET', path: '/v2/images/{image_id}/members/{member_id}', handle: (call) => (noBody(call), json(200, image(call).getImageMember(idOf(call), call.params.member_id as string))) },
  {
    method: 'PUT',
    path: '/v2/images/{image_id}/members/{member_id}',
    handle: (call) => json(200, image(call).updateImageMember(idOf(call), call.params.member_id as string, jsonBody(call) as { status: MemberStatus })),
  },
  {
    method: 'DELETE',
    path: '/v2/images/{image_id}/members/{member_id}',
    handle: (call) => (noBody(call), image(call).deleteImageMember(idOf(call), call.params.member_id as string), empty(204)),
  },
];

// ---- faults ----

type FaultFormat = 'text/html' | 'application/json' | 'text/plain';
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_RANGE = new RegExp(`^(${TOKEN})/(${TOKEN})\\s*((?:;\\s*${TOKEN}\\s*=\\s*(?:${TOKEN}|"[^"]*")\\s*)*)$`);

/**
 * webob's `acceptable_offers(['text/html', 'application/json'])` as `generate_response` uses it:
 * each offer takes the q of the most specific range that matches it; q=0 refuses; ties keep
 * the offer order (HTML first). No ranges (an empty or absent header) is plain text; a header
 * that does not parse accepts everything (HTML).
 */
function faultFormat(accept: string | undefined): FaultFormat {
  const offers = ['text/html', 'application/json'] as const;
  const ranges: { type: string; subtype: string; q: number }[] = [];
  for (const part of (accept ?? '').split(',')) {
    const text = part.trim();
    if (text === '') continue;
    const m = MEDIA_RANGE.exec(text);
    if (m === null) return 'text/html';
    let q = 1;
    for (const param of (m[3] ?? '').split(';')) {
      const [k, v] = param.split('=').map((x) => x.trim());
      if (k?.toLowerCase() !== 'q' || v === undefined) continue;
      if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(v)) return 'text/html';
      q = Number(v);
    }
    ranges.push({ type: (m[1] as string).toLowerCase(), subtype: (m[2] as string).toLowerCase(), q });
  }
  let best: { offer: FaultFormat; q: number } | undefined;
  for (const offer of offers) {
    const [type, subtype] = offer.split('/') as [string, string];
    let found: { specificity: number; q: number } | undefined;
    for (const r of ranges) {
      const specificity = r.type === type && r.subtype === subtype ? 3 : r.type === type && r.subtype === '*' ? 2 : r.type === '*' && r.subtype === '*' ? 1 : 0;
      if (specificity > 0 && (found === undefined || specificity > found.specificity)) found = { specificity, q: r.q };
    }
    if (found !== undefined && found.q > 0 && (best === undefined || found.q > best.q)) best = { offer, q: found.q };
  }
  return best?.offer ?? 'text/plain';
}

/** webob's `html_escape`: `html.escape(s, quote=True)`, non-ASCII as `&#N;`. */
function htmlEscape(text: string): string {
  const named: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    out += named[ch] ?? (code > 0x7e ? `&#${code};` : ch);
  }
  return out;
}

/** webob's `strip_tags` (plain-text bodies). */
function stripTags(text: string): string {
  return text.replace(/\n/g, ' ').replace(/\r/g, '').replace(/<br.*?>/gis, '\n').replace(/<!--|-->/g, '').replace(/<.*?>/gs, '');
}

/** webob's titles where they differ from the standard reason phrase. */
const TITLES: Readonly<Record<number, string>> = { 416: 'Request Range Not Satisfiable' };

/**
 * Glance's fault bodies. A 401 is keystonemiddleware's (`{"error": {code, title, message}}`);
 * every other error is a webob `HTTPException`, rendered by the request's `Accept` as webob's
 * `generate_response` does: JSON (`{"message": "<explanation><br /><br />\n…", "code": "404 Not
 * Found", "title": "Not Found"}`) for `application/json`, an HTML page for a wildcard `Accept`
 * (what glanceclient and most of openstacksdk's calls send) and plain text without an `Accept`. A 415
 * of a PATCH carries `Accept-Patch`.
 */
export function glanceFault(error: CloudError, ctx: RestFaultContext): RestResponse {
  const status = error.status;
  if (status === 401) return json(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
  const title = TITLES[status] ?? reasonPhrase(status);
  const line = `${status} ${title}`;
  const headers: Record<string, string> = {};
  if (status === 415 && typeof error.details.accept_patch === 'string') headers['Accept-Patch'] = error.details.accept_patch;
  // the body template of each exception class, with its variables escaped for the format
  const body = (escape: (s: string) => string): string => {
    if (status === 405) return `The method ${escape(ctx.method)} is not allowed for this resource. <br /><br />\n`;
    if (status === 415) return `${escape(error.message)}\n<br /><br />\n`;
    if (status === 500 && error.code === 'api.internal') return 'The server has either erred or is incapable of performing the requested operation.<br /><br />\n\n\n';
    return `${escape(error.message)}<br /><br />\n\n\n`;
  };
  const plain = (s: string): string => s;
  const format = faultFormat(ctx.header('Accept'));
  if (format === 'application/json') return json(status, { message: body(plain), code: line, title }, headers);
  if (format === 'text/html') {
    const page = `<html>\n <head>\n  <title>${line}</title>\n </head>\n <body>\n  <h1>${line}</h1>\n  ${body(htmlEscape)}\n </body>\n</html>`;
    return { status, text: page, headers: { ...headers, 'Content-Type': 'text/html; charset=UTF-8' } };
  }
  return { status, text: `${line}\n\n${stripTags(body(plain))}`, headers: { ...headers, 'Content-Type': 'text/plain; charset=UTF-8' } };
}

/** Glance v2 over REST (`/image`, DevStack's layout): routes and faults. */
export const imageRest: RestService<{ readonly image: ImageApi }, object> = {
  mount: '/image',
  auth: 'token',
  routes: ROUTES,
  fault: glanceFault,
};

