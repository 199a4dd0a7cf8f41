#!/usr/bin/env -S npx tsx
/**
 * The stacksim command line.
 *
 *   stacksim serve [--preset devstack|empty] [--seed N] [--port 5000] [--host 127.0.0.1]
 *                  [--state file.json] [--harness] [--password secret] [--policy secure|zed]
 *                  [--max-body-mb 256]
 *
 * `serve` puts `createApiHandler(cloud)` (src/api) on an HTTP server and prints a `clouds.yaml`
 * entry and an `openrc` for DevStack's `demo` and `admin` users. `--policy zed` runs Zed's
 * oslo.policy defaults (`enforce_scope` and `enforce_new_defaults` off, as DevStack's Zed
 * services did: a project admin may then read Placement); `secure` (the default, as
 * `createCloud`) the secure-RBAC behaviour later releases switched on. This folder is the only code
 * allowed `node:` imports.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { argv, exit, stderr, stdout } from 'node:process';
import { createCloud, type CloudOptions } from '../src/index.js';
import { createApiHandler, type FetchRequest } from '../src/api/index.js';

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

const USAGE = `usage: stacksim serve [--preset devstack|empty] [--seed N] [--port 5000] [--host 127.0.0.1] [--state file.json] [--harness] [--password secret] [--policy secure|zed] [--max-body-mb 256]`;

function fail(message: string): never {
  stderr.write(`stacksim: ${message}\n${USAGE}\n`);
  exit(2);
}

function parseServe(args: readonly string[]): ServeOptions {
  const o: ServeOptions = { preset: 'devstack', seed: 0, port: 5000, host: '127.0.0.1', state: undefined, harness: false, password: 'secret', policy: 'secure', maxBodyMb: 256 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    /** The value, one of `allowed`. */
    const choice = <T extends string>(allowed: readonly T[]): T => {
      const v = value();
      if (!(allowed as readonly string[]).includes(v)) fail(`${flag}: expected ${allowed.join(' or ')}, got ${v}`);
      return v as T;
    };
    /** The value, a whole number in `min..max`. */
    const count = (min: number, max: number, what: string): number => {
      const v = value();
      if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) fail(`${flag}: expected ${what} (${min}..${max}), got ${v}`);
      return Number(v);
    };
    switch (flag) {
      case '--preset':
        o.preset = choice(['devstack', 'empty'] as const);
        break;
      case '--seed': {
        const v = value();
        o.seed = /^\d+$/.test(v) ? Number(v) : v;
        break;
      }
      case '--port':
        o.port = count(0, 65535, 'a port');
        break;
      case '--host':
        o.host = value();
        break;
      case '--state':
        o.state = value();
        break;
      case '--password':
        o.password = value();
        break;
      case '--policy':
        o.policy = choice(['secure', 'zed'] as const);
        break;
      case '--max-body-mb':
        o.maxBodyMb = count(1, 99999, 'a size in MiB');
        break;
      case '--harness':
        o.harness = true;
        break;
      default:
        fail(`unknown option ${arg}`);
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
  if (o.state !== undefined && o.policy !== 'secure') fail('--policy: a cloud read from --state keeps its own policy options');
  const policy = o.policy === 'zed' ? { policy: { enforceScope: false, enforceNewDefaults: false } } : {};
  const options: CloudOptions = o.state !== undefined ? { state: readFileSync(o.state, 'utf8'), adminPassword: o.password } : { preset: o.preset, seed: o.seed, adminPassword: o.password, ...policy };
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

const [command, ...rest] = argv.slice(2);
if (command === 'serve') serve(parseServe(rest));
else fail(command === undefined ? 'give a command' : `unknown command ${command}`);
