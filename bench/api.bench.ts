/**
 * `npm run bench` (REST part): what the REST API adds to a call. For `GET /identity/v3/projects`
 * and `GET /placement/resource_providers`, the same read three ways in one run:
 *
 * - directly on a session (`session.identity.listProjects()`): the baseline;
 * - through `createApiHandler(cloud)` in process (a WHATWG Request in, a Response out, no sockets);
 * - through `stacksim serve` on loopback (a child process; one keep-alive connection, sequential).
 *
 * Each at two sizes (DevStack's few projects and hosts, then 1 000 more of each), so the per-call
 * REST overhead (µs) and how the cost grows with the answer's size are both visible. A `floor`
 * column times what any fetch-style handler pays (a Request built, a Response of the same bytes). Medians of 5
 * runs; compare within one run (the machine may be shared).
 */
import { spawn } from 'node:child_process';
import { createCloud, type Cloud, type Session } from '../src/index.js';
import { createApiHandler } from '../src/api/index.js';
import { median, now } from './lib.js';

const RUNS = 5;

/** µs per call, median of RUNS runs of n calls (after a warm-up). */
async function perCall(n: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(n, 50); i++) await fn();
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = now();
    for (let i = 0; i < n; i++) await fn();
    runs.push(((now() - t0) / n) * 1000);
  }
  return median(runs);
}

function grow(cloud: Cloud, n: number): void {
  const admin = cloud.admin;
  cloud.batch(() => {
    for (let i = 0; i < n; i++) admin.identity.createProject({ name: `bench-${i}`, domain_id: 'default' });
  });
  cloud.batch(() => {
    for (let i = 0; i < n; i++) cloud.hardware.addHost({ name: `bench-${i}`, cpu: { sockets: 2, cores_per_socket: 16, threads_per_core: 2 }, memory_mb: 262144, disks: [{ name: 'sda', size_gb: 2000 }] });
  });
}

interface Case {
  readonly label: string;
  readonly path: string;
  readonly direct: (session: Session) => unknown;
  /** Placement's reads are system-scoped (secure RBAC, the cloud's default). */
  readonly system?: boolean;
  readonly headers?: Record<string, string>;
}

const CASES: readonly Case[] = [
  { label: 'GET /identity/v3/projects', path: '/identity/v3/projects', direct: (s) => s.identity.listProjects() },
  { label: 'GET /placement/resource_providers', path: '/placement/resource_providers', direct: (s) => s.placement.listResourceProviders(), system: true, headers: { 'OpenStack-API-Version': 'placement 1.39' } },
];

/** Starts `stacksim serve` on a free port with the same cloud options; resolves its base URL. */
function startServer(seed: number): Promise<{ url: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/stacksim.ts', 'serve', '--port', '0', '--seed', String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /serving .* on (http:\/\/[^\s]+)/.exec(out);
      if (m !== null) resolve({ url: m[1] as string, stop: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`stacksim serve exited (${code}): ${out}`)));
  });
}

async function main(): Promise<void> {
  console.log('\nstacksim REST benchmark (µs per call, median of 5; direct = the same call on a session)');
  console.log(`${'call'.padEnd(36)} ${'size'.padStart(9)} ${'bytes'.padStart(8)} ${'direct'.padStart(8)} ${'handler'.padStart(8)} ${'floor'.padStart(7)} ${'overhead'.padStart(9)} ${'×'.padStart(6)} ${'loopback'.padStart(9)} ${'req/s'.padStart(7)}`);
  for (const extra of [0, 1000]) {
    const cloud = createCloud({ seed: 11, identity: { password_hash_rounds: 1 } });
    if (extra > 0) grow(cloud, extra);
    const api = createApiHandler(cloud);
    const server = extra === 0 ? await startServer(11) : undefined;
    const remoteTokens = new Map<boolean, string>();
    if (server !== undefined) {
      for (const system of [false, true]) {
        const scope = system ? { system: { all: true } } : { project: { name: 'admin', domain: { id: 'default' } } };
        const auth = await fetch(`${server.url}/identity/v3/auth/tokens`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'secret' } } }, scope } }),
        });
        remoteTokens.set(system, auth.headers.get('X-Subject-Token') ?? '');
      }
    }
    for (const c of CASES) {
      const session = c.system === true ? cloud.systemAdmin : cloud.admin;
      const token = session.token;
      const remoteToken = remoteTokens.get(c.system === true);
      const headers = { 'X-Auth-Token': token, ...(c.headers ?? {}) };
      const probe = await api(new Request(`http://localhost${c.path}`, { headers }));
      if (probe.status !== 200) throw new Error(`${c.label}: ${probe.status} ${await probe.text()}`);
      const size = extra === 0 ? 'devstack' : `+${extra}`;
      const direct = await perCall(2000, () => c.direct(session));
      const handler = await perCall(2000, async () => (await api(new Request(`http://localhost${c.path}`, { headers }))).arrayBuffer());
      // what any fetch-style handler pays, whatever it does: a Request in, a Response with these bytes out
      const bytes = new Uint8Array(await probe.arrayBuffer());
      const floor = await perCall(2000, async () => {
        const request = new Request(`http://localhost${c.path}`, { headers });
        void request.headers.get('X-Auth-Token');
        return new Response(bytes.slice(), { status: 200, headers: { 'Content-Type': 'application/json', 'Content-Length': String(bytes.byteLength) } }).arrayBuffer();
      });
      let loopback = Number.NaN;
      if (server !== undefined && remoteToken !== undefined) {
        const remoteHeaders = { 'X-Auth-Token': remoteToken, ...(c.headers ?? {}) };
        loopback = await perCall(500, async () => (await fetch(`${server.url}${c.path}`, { headers: remoteHeaders })).arrayBuffer());
      }
      console.log(
        `${c.label.padEnd(36)} ${size.padStart(9)} ${bytes.byteLength.toString().padStart(8)} ${direct.toFixed(1).padStart(8)} ${handler.toFixed(1).padStart(8)} ${floor.toFixed(1).padStart(7)} ${(handler - direct - floor).toFixed(1).padStart(9)} ${(handler / direct).toFixed(2).padStart(6)} ${Number.isNaN(loopback) ? '        -' : loopback.toFixed(1).padStart(9)} ${Number.isNaN(loopback) ? '      -' : Math.round(1e6 / loopback).toString().padStart(7)}`,
      );
    }
    server?.stop();
  }
  console.log('  direct: the session call; handler: createApiHandler, Request in and body read; floor: building that Request and a Response of the same bytes, which any fetch-style handler pays;');
  console.log('  overhead = handler - direct - floor (routing, token, links, JSON.stringify); × = handler / direct; loopback: stacksim serve, one keep-alive connection, sequential');
}

await main();
