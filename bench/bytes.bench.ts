/**
 * `tsx bench/bytes.bench.ts`: large bodies. Throughput (MiB/s of payload) and peak memory (as a
 * multiple of the payload) of
 *   - base64 as the blob table uses it (src/core/base64.ts, in chunks of BLOB_CHUNK_BYTES), and
 *     the alternatives it was chosen against (chunked `String.fromCharCode` + `btoa`, `atob` +
 *     `charCodeAt`, Node's native `Buffer` as a reference, and the encoder it replaced);
 *   - a Swift `putObject` + `getObject` and a Glance `createImage` + `uploadImageData` +
 *     `downloadImageData` of 1, 64 and 512 MiB, and one Glance upload + download of 1 GiB;
 * against a baseline measured in the same process: `Uint8Array.prototype.slice` of the same bytes.
 *
 * Each scenario runs in a child process of its own (the same tsx loader, `--expose-gc`), so its
 * peak RSS (`process.resourceUsage().maxRSS`) is its own; `rss`, `heapUsed` and `arrayBuffers`
 * are read after each phase and a full GC, with the payload (and the download) still alive.
 * Memory figures are the growth over the child's state before the payload was made, divided by
 * the payload size; the baseline copy is made last, outside every memory figure. Times are wall
 * and CPU (the machine may be shared: CPU / wall says how much a wall figure is inflated).
 *
 * `npx tsx bench/bytes.bench.ts [scenario …]` runs only the named scenarios (`codec`, `old`,
 * `swift-64`, `glance-1024`, …). bench/ may use `node:` modules (src/ may not).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { createCloud } from '../src/index.js';
import { toBase64, toBase64Chunks, decodeBase64Into, base64DecodedLength } from '../src/core/base64.js';
import { BLOB_CHUNK_BYTES } from '../src/core/blobs.js';
import { md5 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { blackhole, cpuNow, fmt, now, renderTable } from './lib.js';

const MiB = 2 ** 20;

/** What one scenario reports (all sizes in bytes, times in ms). */
interface Report {
  readonly scenario: string;
  readonly bytes: number;
  /** name → [wall ms, cpu ms]. */
  readonly phases: Record<string, [number, number]>;
  /** phase → memory growth over the start, after that phase. */
  readonly memory: Record<string, { rss: number; heapUsed: number; arrayBuffers: number }>;
  /** Peak RSS growth over the start. */
  readonly peakRss: number;
  readonly note?: string;
}

// ------------------------------------------------------------------ helpers (child side)

/** Deterministic, incompressible-looking bytes (an xorshift over 32-bit words). */
function payload(n: number): Uint8Array {
  const out = new Uint8Array(n);
  const words = new Uint32Array(out.buffer, 0, n >>> 2);
  let x = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < n; i++) out[i] = i & 0xff;
  return out;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Memory retained now: after a full GC (children run with --expose-gc), so garbage is not counted. */
function mem(): { rss: number; heapUsed: number; arrayBuffers: number } {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers };
}

function maxRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Runs `fn` once, returning [wall ms, cpu ms] and its result. */
function timed<T>(fn: () => T): [[number, number], T] {
  const c0 = cpuNow();
  const t0 = now();
  const r = fn();
  return [[now() - t0, cpuNow() - c0], r];
}

/** The blob table's encoding: chunks of BLOB_CHUNK_BYTES (one string up to that size). */
function encodeChunks(bytes: Uint8Array): string[] {
  return bytes.length <= BLOB_CHUNK_BYTES ? [toBase64(bytes)] : toBase64Chunks(bytes, BLOB_CHUNK_BYTES);
}

/** The blob table's decoding: every chunk straight into one output array. */
function decodeChunks(chunks: readonly string[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += base64DecodedLength(c) as number;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) at += decodeBase64Into(c, out, at) as number;
  return out;
}

/** Alternative encoder: String.fromCharCode over 8 Ki slices, then btoa, per 48 MiB chunk. */
function encodeBtoa(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += BLOB_CHUNK_BYTES) {
    const chunk = bytes.subarray(at, at + BLOB_CHUNK_BYTES);
    const parts: string[] = [];
    for (let i = 0; i < chunk.length; i += 8190) parts.push(String.fromCharCode.apply(null, chunk.subarray(i, i + 8190) as unknown as number[]));
    out.push(btoa(parts.join('')));
  }
  return out;
}

/** Alternative decoder: atob per chunk, then charCodeAt into the output. */
function decodeAtob(chunks: readonly string[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += base64DecodedLength(c) as number;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    const bin = atob(c);
    for (let i = 0; i < bin.length; i++) out[o++] = bin.charCodeAt(i);
  }
  return out;
}

/** The encoder src/core/base64.ts had before (a character at a time), for the record. */
function encodeOld(bytes: Uint8Array): string {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = i + 1 < bytes.length ? (bytes[i + 1] as number) : 0;
    const c = i + 2 < bytes.length ? (bytes[i + 2] as number) : 0;
    const n = (a << 16) | (b << 8) | c;
    out += ALPHABET[(n >>> 18) & 63];
    out += ALPHABET[(n >>> 12) & 63];
    out += i + 1 < bytes.length ? ALPHABET[(n >>> 6) & 63] : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63] : '=';
  }
  return out;
}

function same(a: Uint8Array, b: Uint8Array): void {
  if (a.length !== b.length || Buffer.compare(a, b) !== 0) throw new Error('round trip changed the bytes');
}

// ------------------------------------------------------------------ scenarios (child side)

function runScenario(name: string): Report {
  const [kind, sizeText] = name.split('-') as [string, string | undefined];
  const phases: Record<string, [number, number]> = {};
  const memory: Report['memory'] = {};
  const note: string[] = [];

  if (kind === 'codec') {
    // every size in one child: the sizes' peaks are not separated, only their times
    const n = Number(sizeText ?? 64) * MiB;
    const start = mem();
    const bytes = payload(n);
    const grow = (m: ReturnType<typeof mem>) => ({ rss: m.rss - start.rss, heapUsed: m.heapUsed - start.heapUsed, arrayBuffers: m.arrayBuffers - start.arrayBuffers });
    blackhole(decodeChunks(encodeChunks(payload(MiB)))); // warm-up
    blackhole(bytes.slice(0, MiB));
    const [enc, chunks] = timed(() => encodeChunks(bytes));
    phases['encode'] = enc;
    memory['after encode'] = grow(mem());
    const [dec, back] = timed(() => decodeChunks(chunks));
    phases['decode'] = dec;
    memory['after decode'] = grow(mem());
    same(back, bytes);
    if (n <= 64 * MiB) {
      const [b1, viaBtoa] = timed(() => encodeBtoa(bytes));
      phases['encode: fromCharCode+btoa'] = b1;
      if (viaBtoa.join('') !== chunks.join('')) throw new Error('btoa differs');
      const [b2, viaAtob] = timed(() => decodeAtob(chunks));
      phases['decode: atob+charCodeAt'] = b2;
      same(viaAtob, bytes);
      const [b3, native] = timed(() => Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('base64'));
      phases['encode: Node Buffer (reference)'] = b3;
      const [b4] = timed(() => Buffer.from(native, 'base64'));
      phases['decode: Node Buffer (reference)'] = b4;
    }
    // what an upload must do anyway: the three digests (pure JavaScript, @noble/hashes)
    phases['md5 (noble)'] = timed(() => md5(bytes))[0];
    phases['sha256 (noble)'] = timed(() => sha256(bytes))[0];
    phases['sha512 (noble)'] = timed(() => sha512(bytes))[0];
    const peakRss = maxRss() - start.rss;
    phases['slice (baseline)'] = timed(() => blackhole(bytes.slice()))[0];
    return { scenario: name, bytes: n, phases, memory, peakRss };
  }

  if (kind === 'old') {
    // the encoder this file replaced: 1 MiB and 16 MiB only (64 MiB took 15–36 s and ~3.8 GB)
    const n = Number(sizeText ?? 1) * MiB;
    const start = mem();
    const bytes = payload(n);
    const [enc, text] = timed(() => encodeOld(bytes));
    phases['encode (old)'] = enc;
    const m = mem();
    memory['after encode'] = { rss: m.rss - start.rss, heapUsed: m.heapUsed - start.heapUsed, arrayBuffers: m.arrayBuffers - start.arrayBuffers };
    blackhole(text.length);
    phases['slice (baseline)'] = timed(() => blackhole(bytes.slice()))[0];
    return { scenario: name, bytes: n, phases, memory, peakRss: maxRss() - start.rss };
  }

  const n = Number(sizeText) * MiB;
  const cloud = createCloud({ seed: 3, identity: { password_hash_rounds: 1 } });
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  // warm-up of every code path with 1 MiB, then the state is reset (the sessions stay valid)
  const empty = cloud.snapshot();
  for (let round = 0; round < 3; round++) {
    const warm = payload(MiB + round);
    if (kind === 'swift') {
      if (round === 0) demo.object.putContainer('bench');
      demo.object.putObject('bench', `warm${round}`, warm);
      blackhole(demo.object.getObject('bench', `warm${round}`).data);
    } else {
      const w = demo.image.createImage({ name: 'warm', disk_format: 'raw', container_format: 'bare' });
      demo.image.uploadImageData(w.id, warm);
      blackhole(demo.image.downloadImageData(w.id));
    }
  }
  cloud.restore(empty);
  const start = mem();
  const grow = () => {
    const m = mem();
    return { rss: m.rss - start.rss, heapUsed: m.heapUsed - start.heapUsed, arrayBuffers: m.arrayBuffers - start.arrayBuffers };
  };
  const bytes = payload(n);
  memory['payload made'] = grow();
  let back: Uint8Array;
  if (kind === 'swift') {
    demo.object.putContainer('bench');
    const [put] = timed(() => demo.object.putObject('bench', 'big', bytes));
    phases['PUT'] = put;
    memory['after PUT'] = grow();
    const [get, got] = timed(() => demo.object.getObject('bench', 'big').data);
    phases['GET'] = get;
    back = got;
  } else {
    const img = demo.image.createImage({ name: 'big', disk_format: 'raw', container_format: 'bare' });
    const [up] = timed(() => demo.image.uploadImageData(img.id, bytes));
    phases['upload'] = up;
    memory['after upload'] = grow();
    const [down, got] = timed(() => demo.image.downloadImageData(img.id) as Uint8Array);
    phases['download'] = down;
    back = got;
    if (demo.image.getImage(img.id).size !== n) throw new Error('wrong size');
  }
  memory['after download'] = grow();
  same(back, bytes);
  const peakRss = maxRss() - start.rss;
  // the baseline last, so its copy is in no memory figure
  phases['slice (baseline)'] = timed(() => blackhole(bytes.slice()))[0];
  note.push(`blob rows: ${cloud.state.blobs.size}`);
  return { scenario: name, bytes: n, phases, memory, peakRss, note: note.join('; ') };
}

// ------------------------------------------------------------------ the parent: one child per scenario

const SCENARIOS = ['codec-1', 'codec-64', 'codec-512', 'old-1', 'old-16', 'swift-1', 'swift-64', 'swift-512', 'glance-1', 'glance-64', 'glance-512', 'glance-1024'];

function child(name: string): Report | string {
  const r = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--child', name], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || line === undefined) return `${name}: exit ${String(r.status)} ${r.signal ?? ''} ${r.stderr.split('\n').slice(-6).join(' | ')}`;
  return JSON.parse(line) as Report;
}

const mibps = (bytes: number, ms: number) => (bytes / MiB) / (ms / 1000);
const times = (x: number, payloadBytes: number) => `${fmt(x / payloadBytes, 2)}×`;

if (process.argv[2] === '--child') {
  console.log(JSON.stringify(runScenario(process.argv[3] as string)));
} else {
  const asked = process.argv.slice(2);
  const names = asked.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => asked.some((a) => s === a || s.startsWith(`${a}-`)));
  console.log(`\nstacksim large bodies (node ${process.version}, heap limit ${Math.round((await import('node:v8')).getHeapStatistics().heap_size_limit / MiB)} MiB): MiB/s of payload, wall (cpu); memory as growth / payload`);
  const rows: string[][] = [];
  const memRows: string[][] = [];
  const failures: string[] = [];
  for (const name of names) {
    const r = child(name);
    if (typeof r === 'string') {
      failures.push(r);
      continue;
    }
    const base = r.phases['slice (baseline)'];
    for (const [phase, [wall, cpu]] of Object.entries(r.phases)) {
      rows.push([name, phase, fmt(mibps(r.bytes, wall), 0), fmt(mibps(r.bytes, cpu), 0), fmt(wall, 0), fmt(cpu, 0), base ? `${fmt(cpu / Math.max(base[1], 0.01), 1)}×` : '-']);
    }
    for (const [phase, m] of Object.entries(r.memory)) memRows.push([name, phase, times(m.rss, r.bytes), times(m.heapUsed, r.bytes), times(m.arrayBuffers, r.bytes), '']);
    memRows.push([name, 'peak RSS', times(r.peakRss, r.bytes), '', '', r.note ?? '']);
  }
  console.log(renderTable(['scenario', 'phase', 'MiB/s wall', 'MiB/s cpu', 'ms wall', 'ms cpu', 'cpu / slice cpu'], rows));
  console.log('\nmemory growth over the scenario start, as a multiple of the payload');
  console.log(renderTable(['scenario', 'after', 'rss', 'heapUsed', 'arrayBuffers', 'note'], memRows));
  for (const f of failures) console.log(`FAILED ${f}`);
  if (failures.length > 0) process.exitCode = 1;
}
