/**
 * `stacksim serve`: `createApiHandler(cloud)` (src/api) on an HTTP server, printing a
 * `clouds.yaml` entry and an `openrc` for DevStack's `demo` and `admin` users. `--policy zed` runs
 * Zed's oslo.policy defaults (`enforce_scope` and `enforce_new_defaults` off, as DevStack's Zed
 * services did: a project admin may then read Placement); `secure` (the default, as `createCloud`)
 * the secure-RBAC behaviour later releases switched on.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { stderr, stdout } from 'node:process';
import { createCloud, type CloudOptions } from '../src/index.js';
import { createApiHandler, type FetchRequest } from '../src/api/index.js';
import { choice, given, helpText, integer, one, parseFlags, seed, UsageError, type Command } from './args.js';

interface ServeOptions {
  preset: 'devstack' | 'empty';
  seed: number | string;
  port: number;
  host: string;
  state: string | undefined;
  harness: boolean;
  password: string;
  policy: 'secure' | 'zed';
  maxBodyMb: number;
}

const FLAGS = [
  { name: '--preset', value: 'devstack|empty', help: 'the cloud to start from (default devstack)' },
  { name: '--seed', value: 'N', help: 'the seed: same seed, same ids and decisions (default 0)' },
  { name: '--port', value: 'N', help: 'TCP port (default 5000; 0 picks a free one)' },
  { name: '--host', value: 'ADDRESS', help: 'address to listen on (default 127.0.0.1)' },
  { name: '--state', value: 'file.json', help: 'continue from a saved state (JSON.stringify(cloud)) instead of a preset; not with --preset, --seed or --policy' },
  { name: '--harness', help: 'add /stacksim/reset, /state, /snapshot, /restore and /clock/advance for test scripts' },
  { name: '--password', value: 'TEXT', help: "the admin's and DevStack users' password (default secret)" },
  { name: '--policy', value: 'secure|zed', help: "oslo.policy defaults: secure RBAC (default) or Zed's lenient ones" },
  { name: '--max-body-mb', value: 'N', help: 'largest request body in MiB (default 256)' },
] as const;

function parseServe(args: readonly string[]): ServeOptions | undefined {
  const p = parseFlags(args, FLAGS);
  if (p.help) return undefined;
  const v = (name: string): string | undefined => one(p, name);
  const o: ServeOptions = {
    preset: v('--preset') === undefined ? 'devstack' : choice('--preset', v('--preset') as string, ['devstack', 'empty'] as const),
    seed: v('--seed') === undefined ? 0 : seed('--seed', v('--seed') as string),
    port: v('--port') === undefined ? 5000 : integer('--port', v('--port') as string, 0, 65535),
    host: v('--host') ?? '127.0.0.1',
    state: v('--state'),
    harness: given(p, '--harness'),
    password: v('--password') ?? 'secret',
    policy: v('--policy') === undefined ? 'secure' : choice('--policy', v('--policy') as string, ['secure', 'zed'] as const),
    maxBodyMb: v('--max-body-mb') === undefined ? 256 : integer('--max-body-mb', v('--max-body-mb') as string, 1, 99999),
  };
  if (o.state !== undefined) {
    // a saved cloud keeps what it was built with: refuse the flags that would build another one
    for (const [flag, what] of [
      ['--policy', 'its own policy options'],
      ['--preset', 'its own hosts, users and services (the preset it was built from)'],
      ['--seed', 'its own seed (the state holds the random sequence where it left off)'],
    ] as const) {
      if (given(p, flag)) throw new UsageError(flag, `a cloud read from --state keeps ${what}; leave ${flag} out`);
    }
  }
  return o;
}

/** A Node request as the handler reads it (no WHATWG Request is built: the handler needs four members). */
function fetchRequest(req: IncomingMessage, origin: string): FetchRequest {
  return {
    method: req.method ?? 'GET',
    url: origin + (req.url ?? '/'),
    headers: {
      get(name: string): string | null {
        const v = req.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
      forEach(fn: (value: string, name: string) => void): void {
        for (const [name, v] of Object.entries(req.headers)) if (v !== undefined) fn(Array.isArray(v) ? v.join(', ') : v, name);
      },
    },
    arrayBuffer(): Promise<ArrayBuffer> {
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const all = Buffer.concat(chunks);
          resolve(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer);
        });
        req.on('error', reject);
      });
    },
  };
}

/** DevStack's clouds.yaml entries: `devstack` (demo), `devstack-admin`, `devstack-system-admin` (Placement's and other system-scoped APIs). */
function cloudsYaml(url: string, password: string): string {
  const entry = (name: string, user: string, scope: readonly string[]): string =>
    [
      `  ${name}:`,
      '    auth:',
      `      auth_url: ${url}/identity`,
      `      username: ${user}`,
      `      password: ${password}`,
      '      user_domain_id: default',
      ...scope.map((line) => `      ${line}`),
      '    region_name: RegionOne',
      '    identity_api_version: 3',
      '    interface: public',
    ].join('\n');
  const project = (name: string): string[] => [`project_name: ${name}`, 'project_domain_id: default'];
  return ['clouds:', entry('stacksim', 'demo', project('demo')), entry('stacksim-admin', 'admin', project('admin')), entry('stacksim-system-admin', 'admin', ['system_scope: all'])].join('\n');
}

function openrc(url: string, user: string, project: string, password: string): string {
  return [
    `export OS_AUTH_URL=${url}/identity`,
    `export OS_USERNAME=${user}`,
    `export OS_PASSWORD=${password}`,
    `export OS_PROJECT_NAME=${project}`,
    'export OS_USER_DOMAIN_ID=default',
    'export OS_PROJECT_DOMAIN_ID=default',
    'export OS_REGION_NAME=RegionOne',
    'export OS_IDENTITY_API_VERSION=3',
  ].join('\n');
}

function serve(o: ServeOptions): void {
  const policy = o.policy === 'zed' ? { policy: { enforceScope: false, enforceNewDefaults: false } } : {};
  let stateText: string | undefined;
  if (o.state !== undefined) {
    try {
      stateText = readFileSync(o.state, 'utf8');
    } catch (e) {
      throw new UsageError('--state', `cannot read ${o.state}: ${(e as Error).message}`);
    }
  }
  const options: CloudOptions = stateText !== undefined ? { state: stateText, adminPassword: o.password } : { preset: o.preset, seed: o.seed, adminPassword: o.password, ...policy };
  const cloud = createCloud(options);
  const handler = createApiHandler(cloud, { harness: o.harness, maxBodyBytes: o.maxBodyMb * 1024 * 1024 });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const origin = `http://${req.headers.host ?? `${o.host}:${o.port}`}`;
    handler(fetchRequest(req, origin))
      .then(async (response) => {
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => (headers[name] = value));
        res.writeHead(response.status, headers);
        res.end(req.method === 'HEAD' ? undefined : Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        stderr.write(`stacksim: ${(error as Error).stack ?? String(error)}\n`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end('{"error": {"code": 500, "title": "Internal Server Error", "message": "An unexpected error prevented the server from fulfilling your request."}}');
      });
  });
  server.on('error', (e: Error) => {
    stderr.write(`stacksim serve: cannot listen on ${o.host}:${o.port}: ${e.message}\n`);
    process.exitCode = 1;
  });
  server.listen(o.port, o.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : o.port;
    const url = `http://${o.host}:${port}`;
    stdout.write(
      [
        `stacksim serving ${o.state !== undefined ? o.state : `the ${o.preset} preset, seed ${o.seed}, ${o.policy} policy defaults`} on ${url}${o.harness ? ' (harness on: /stacksim/reset, /stacksim/state, /stacksim/snapshot, /stacksim/restore, /stacksim/clock/advance)' : ''}`,
        '',
        '# clouds.yaml',
        cloudsYaml(url, o.password),
        '',
        '# openrc (demo)',
        openrc(url, 'demo', 'demo', o.password),
        '',
        '# openrc (admin)',
        openrc(url, 'admin', 'admin', o.password),
        '',
      ].join('\n') + '\n',
    );
  });
}

/** `stacksim serve`. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the cloud behind the OpenStack REST APIs (for the openstack CLI and openstacksdk)',
  description: [
    'Starts a cloud and serves Keystone, Nova, Placement, Glance, Neutron, Cinder and Swift over HTTP,',
    'then prints a clouds.yaml entry and openrc lines for DevStack\'s demo and admin users.',
    'Runs until interrupted (Ctrl-C).',
  ].join('\n'),
  flags: FLAGS,
  examples: ['stacksim serve --port 5000', 'stacksim serve --harness --policy zed', 'stacksim serve --state saved.json'],
  run(args) {
    const o = parseServe(args);
    if (o === undefined) {
      stdout.write(helpText(serveCommand));
      return Promise.resolve(0);
    }
    serve(o);
    return Promise.resolve(undefined);
  },
};
