/**
 * Static large objects (`swift/common/middleware/slo.py`): a manifest naming existing segment
 * objects, read back as their concatenation. Not simulated: segment `range`s, inline `data`
 * segments, nested manifests, `heartbeat`.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { BadRequest, Conflict, InvalidInput, check, type CloudState } from '../core/index.js';
import { copyAnswers, findLiveObject, readObjectData } from './servers.js';
import { CONSTRAINTS, checkText } from './headers.js';
import type { ObjectRow, SegmentRow } from './types.js';

/** `max_manifest_segments` (Zed default). */
export const MAX_MANIFEST_SEGMENTS = 1000;

/**
 * Checks a manifest against the segments it names: each must exist with a copy that answers (and
 * be readable by the caller), at least 1 byte, and match a given `etag` / `size_bytes`. 400 listing the problem
 * segments as Swift's "Errors:" body does. Returns the segments and the manifest's ETag (the MD5
 * of the segments' ETags) and size.
 */
export function checkManifest(
  s: CloudState,
  account: string,
  input: unknown,
  authorizeRead: (account: string, container: string) => void,
): { segments: SegmentRow[]; etag: string; size: number } {
  if (!Array.isArray(input)) throw new InvalidInput('segments', 'expected an array of { path, etag?, size_bytes? }.');
  if (input.length === 0) throw new InvalidInput('segments', 'Manifest must have at least one segment.');
  if (input.length > MAX_MANIFEST_SEGMENTS) throw new InvalidInput('segments', `Too many segments: ${input.length} (max_manifest_segments ${MAX_MANIFEST_SEGMENTS}).`);
  const problems: string[] = [];
  const segments: SegmentRow[] = [];
  input.forEach((raw, i) => {
    const f = `segments[${i}]`;
    const seg = check.record(raw, f);
    check.onlyKeys(seg, ['path', 'etag', 'size_bytes'], f);
    // a path is at most a container name, an object name and two slashes (bulk's max_path_length)
    const path = checkText(seg.path, `${f}.path`, CONSTRAINTS.max_container_name_length + CONSTRAINTS.max_object_name_length + 2).replace(/^\//, '');
    const slash = path.indexOf('/');
    if (slash <= 0 || slash === path.length - 1) throw new InvalidInput(`${f}.path`, 'path does not refer to an object. Path must be of the form /container/object.');
    const etag = seg.etag === undefined || seg.etag === null ? null : check.text(seg.etag, `${f}.etag`, 64);
    const size = seg.size_bytes === undefined || seg.size_bytes === null ? null : check.integer(seg.size_bytes, `${f}.size_bytes`, 0);
    const container = path.slice(0, slash);
    const name = path.slice(slash + 1);
    authorizeRead(account, container);
    const row = findLiveObject(s, account, container, name);
    // the middleware HEADs each segment: one with no copy left is a 404, one whose copies do not answer a 503
    if (!row || row.copies.length === 0) return void problems.push(`${path}: 404 Not Found`);
    if (!copyAnswers(s, row)) return void problems.push(`${path}: 503 Service Unavailable`);
    if (row.manifest !== null) return void problems.push(`${path}: nested manifests are not simulated`);
    if (row.bytes < 1) return void problems.push(`${path}: Too small; each segment must be at least 1 byte.`);
    if (size !== null && size !== row.bytes) return void problems.push(`${path}: Size Mismatch`);
    if (etag !== null && etag.toLowerCase() !== row.etag) return void problems.push(`${path}: Etag Mismatch`);
    segments.push({ path, etag: row.etag, size_bytes: row.bytes });
  });
  if (problems.length > 0) throw new BadRequest('object.manifest.invalid', `Errors:\n${problems.join('\n')}`, { problems });
  const etag = bytesToHex(md5(utf8ToBytes(segments.map((x) => x.etag).join(''))));
  return { segments, etag, size: segments.reduce((n, x) => n + x.size_bytes, 0) };
}

/**
 * A static large object's bytes: its segments in order, each read as a GET would (the caller's
 * access checked by `readable`); a segment gone or changed since the manifest is a 409, as
 * Swift's "mismatched etag" error while serving.
 */
export function readLargeObject(s: CloudState, manifest: ObjectRow, readable: (account: string, container: string, object: string) => ObjectRow): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const seg of manifest.manifest ?? []) {
    const slash = seg.path.indexOf('/');
    const row = readable(manifest.account, seg.path.slice(0, slash), seg.path.slice(slash + 1));
    if (row.etag !== seg.etag || row.bytes !== seg.size_bytes) {
      throw new SegmentChanged(seg.path);
    }
    const data = readObjectData(s, row);
    parts.push(data);
    size += data.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}


/** 409: a segment changed after its manifest was written. */
class SegmentChanged extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'SegmentChanged';
  constructor(path: string) {
    super('object.manifest.segment_changed', `Object segment no longer valid: ${path} (its etag or size changed since the manifest was written).`, { path });
  }
}
