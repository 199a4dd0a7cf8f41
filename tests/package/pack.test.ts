/**
 * The published shape: `npm pack` output, installed into an empty folder, loads as ESM with
 * types, as CommonJS through `require` (how tslab loads it), and its subpath entries resolve
 * under both NodeNext and Node10 resolution (typesVersions). No network: the tarball is
 * unpacked into node_modules and its runtime dependencies are linked from this checkout.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
let dir = '';

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stacksim-pack-'));
  const out = run('npm', ['pack', '--silent', '--pack-destination', dir], root).trim().split('\n').pop() as string;
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, 'stacksim'), { recursive: true });
  run('tar', ['-xzf', join(dir, out), '-C', join(modules, 'stacksim'), '--strip-components=1'], dir);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies)) {
    const target = join(modules, dep);
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), target, 'dir');
  }
  symlinkSync(join(root, 'node_modules', 'fast-check'), join(modules, 'fast-check'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack output', () => {
  it('ships dist with types, docs and the LICENSE (issue 10 #25), not sources or tests', () => {
    const files = readdirSync(join(dir, 'node_modules', 'stacksim'));
    expect(files.sort()).toEqual(['COVERAGE.md', 'LICENSE', 'README.md', 'bin', 'dist', 'package.json']);
    expect(readdirSync(join(dir, 'node_modules', 'stacksim', 'bin'))).toEqual(['stacksim.mjs']);
    const dist = readdirSync(join(dir, 'node_modules', 'stacksim', 'dist'));
    expect(dist).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'scheduler', 'testing', 'core', 'hardware', 'api']));
  });

  it("import { createCloud } from 'stacksim' works and type-checks (ESM, NodeNext)", () => {
    writeFileSync(
      join(dir, 'main.ts'),
      [
        "import { createCloud, type HostView } from 'stacksim';",
        "import { capacity } from 'stacksim/scheduler';",
        "import * as arb from 'stacksim/testing';",
        "import { createApiHandler } from 'stacksim/api';",
        'const cloud = createCloud({ seed: 42 });',
        'const hosts: HostView[] = cloud.hardware.listHosts();',
        "const n: number = capacity({ total: hosts[0]!.logical_cpus, reserved: 0, allocation_ratio: 16 });",
        "const res = await createApiHandler(cloud)(new Request('http://localhost/identity/v3'));",
        "console.log(JSON.stringify({ hosts: hosts.length, n, arb: typeof arb.topology, identity: res.status }));",
        '',
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'false', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), 'main.ts'], dir);
    const out = JSON.parse(run(process.execPath, ['main.js'], dir)) as { hosts: number; n: number; arb: string; identity: number };
    expect(out).toEqual({ hosts: 3, n: 896, arb: 'function', identity: 200 });
  }, 60_000);

  it("require('stacksim') works from CommonJS with Node10 resolution, as tslab loads it", () => {
    writeFileSync(
      join(dir, 'cjs.cts'),
      [
        "import { createCloud } from 'stacksim';",
        "import { capacity } from 'stacksim/scheduler';",
        'const cloud = createCloud({ seed: 1, preset: "empty" });',
        "console.log(cloud.hardware.listRegions()[0]!.name + ' ' + capacity({ total: 10, reserved: 2, allocation_ratio: 1.5 }));",
        '',
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '--strict', '--module', 'commonjs', '--moduleResolution', 'node10', '--target', 'es2022', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), 'cjs.cts'], dir);
    expect(run(process.execPath, ['cjs.cjs'], dir).trim()).toBe('RegionOne 12');
  }, 60_000);

  it('the command line runs under plain node: stacksim plan --help, stacksim report --out', () => {
    const cli = join(dir, 'node_modules', 'stacksim', 'bin', 'stacksim.mjs');
    expect(run(process.execPath, [cli, 'plan', '--help'], dir)).toMatch(/^usage: stacksim plan/);
    expect(run(process.execPath, [cli, 'report', '--out', 'r.html'], dir)).toMatch(/^wrote .*r\.html/);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/^<!DOCTYPE html>[\s\S]*data-stacksim="utilisation"[\s\S]*<\/html>\n$/);
  }, 60_000);

  it('shipped library code has no top-level await and no node: imports (dist/cli.js, the command line, may import node:)', () => {
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.js') ? [join(d, e.name)] : []));
    for (const file of walk(join(dir, 'node_modules', 'stacksim', 'dist')).filter((f) => f !== join(dir, 'node_modules', 'stacksim', 'dist', 'cli.js'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from ['"]node:|require\(['"]node:/);
      expect(text.split('\n').some((line) => /^await\b|^(const|let|var) .*= await\b/.test(line)), file).toBe(false);
    }
  });
});
