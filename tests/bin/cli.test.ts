/**
 * The command line as a user runs it: `node bin/stacksim.mjs …` (what `npx stacksim` runs: the
 * launcher registers tsx's hooks itself) in a child process, from a temp folder outside the
 * repository, checking exit codes, stdout, stderr and the files it writes. Most cases run
 * bin/main.ts's dispatcher in this process instead (the same code but the process exit), so the
 * file stays quick: a spawn costs a second of tsx.
 */
import { describe, expect, it, beforeAll, afterAll, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEVSTACK_FLAVORS, DEVSTACK_TOPOLOGY, PLANNER_DEFAULTS, planCapacity, type CapacityPlan, type CapacityPlanInput } from '../../src/index.js';
import { main } from '../../bin/main.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
let dir = '';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function node(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

/** `stacksim …` through the launcher, bin/stacksim.mjs, from `cwd` (default: a fresh temp folder, outside any package). */
function stacksim(args: readonly string[], cwd = dir): Promise<Run> {
  return node([join(root, 'bin', 'stacksim.mjs'), ...args], cwd);
}

/** `stacksim …` as tests/e2e and `npm run serve` start it: `node --import tsx bin/stacksim.ts`. */
function stacksimTsx(args: readonly string[], cwd = dir): Promise<Run> {
  return node(['--import', tsx, join(root, 'bin', 'stacksim.ts'), ...args], cwd);
}

/** `stacksim …` in this process: bin/main.ts's dispatcher with stdout and stderr captured (paths given absolute). */
async function inProcess(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(args);
    return { code: code ?? -1, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Several command lines in this process, one after another. */
async function all(lines: readonly (readonly string[])[]): Promise<Run[]> {
  const out: Run[] = [];
  for (const line of lines) out.push(await inProcess(line));
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stacksim-cli-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('stacksim: help and usage errors', () => {
  it('--help on every command (and -h, help <command>, stacksim --help) exits 0 and lists the flags', async () => {
    const [top, ...each] = await all([['--help'], ['report', '--help'], ['plan', '-h'], ['demo', '--help'], ['serve', '--help'], ['help', 'report']]);
    expect(top?.code).toBe(0);
    for (const command of ['report', 'demo', 'plan', 'serve']) expect(top?.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const expected: Record<string, readonly string[]> = {
      report: ['--out report.html', '--preset', '--seed', '--topology', '--scenario', '--project'],
      plan: ['--vms', '--flavor SPEC', '--cpu-ratio', '--ram-ratio', '--disk-ratio', '--spare', '--growth', '--topology', '--model', '--verify', '--json'],
      demo: ['--seed', '--servers'],
      serve: ['--port', '--harness', '--policy', '--state'],
    };
    for (const r of each) {
      expect(r.code, r.stderr).toBe(0);
      const name = /^usage: stacksim (\w+)/.exec(r.stdout)?.[1] as string;
      for (const flag of expected[name] ?? ['missing']) expect(r.stdout).toContain(flag);
      expect(r.stdout).toContain('--help, -h');
    }
    expect(each.map((r) => /^usage: stacksim (\w+)/.exec(r.stdout)?.[1])).toEqual(['report', 'plan', 'demo', 'serve', 'report']);
  }, 120_000);

  it('unknown commands, unknown flags and bad values exit 2 with a message naming the flag', async () => {
    writeFileSync(join(dir, 'noexport.mjs'), 'export const x = 1;\n');
    const x = join(dir, 'x.html');
    const cases: readonly (readonly [readonly string[], string])[] = [
      [[], 'give a command'],
      [['frobnicate'], "unknown command 'frobnicate'"],
      [['help', 'bogus'], "no help on 'bogus': no such command (commands: report, demo, plan, serve)"],
      [['report', '--out', x, '--bogus'], '--bogus: unknown flag'],
      [['report'], '--out: is required'],
      [['report', '--out', x, '--seed'], '--seed: needs a value'],
      [['report', '--out', x, '--preset', 'openstack'], "--preset: expected devstack or empty, got 'openstack'"],
      [['report', '--out', x, '--scenario', join(dir, 'missing.mjs')], '--scenario: no file'],
      [['report', '--out', x, '--scenario', join(dir, 'noexport.mjs')], 'noexport.mjs has no default export function'],
      [['report', '--out', x, '--topology', join(dir, 'missing.json')], '--topology: cannot read'],
      [['report', '--out', x, '--project', 'nobody'], "--project: no project 'nobody'"],
      [['report', '--out', join(dir, 'no-such-folder', 'r.html')], '--out: cannot write'],
      [['plan', '--vms', '-3'], "--vms: expected a whole number from 1 to 10000000, got '-3'"],
      [['plan', '--cpu-ratio', 'NaN'], '--cpu-ratio: expected a number'],
      [['plan', '--flavor', 'm1.huge'], "--flavor: 'm1.huge': 'm1.huge' is no DevStack flavor"],
      [['plan', '--flavor', 'a:1:512:1:0.5', '--flavor', 'b:1:512:1'], '--flavor: give a share to every flavor, or to none'],
      [['plan', '--flavor', 'a:1:512:1:0.5', '--flavor', 'b:1:512:1:0.6'], '--flavor: workload.flavors: the shares must sum to 1'],
      [['plan', '--flavor', 'huge:200:2048:20'], "--flavor: workload.flavors[0]: flavor 'huge' can never fit on the host model"],
      [['plan', '--model', 'x'], '--model: needs --topology'],
      [['plan', '--seed', '3'], '--seed: only --verify builds a cloud'],
      [['plan', '--vms', '100000', '--verify'], '--verify: 100000 VMs is more than --verify boots'],
      [['demo', '--servers', '11'], "--servers: expected a whole number from 1 to 10, got '11'"],
      [['serve', '--port', '70000'], "--port: expected a whole number from 0 to 65535, got '70000'"],
      [['serve', '--state', join(dir, 's.json'), '--preset', 'empty'], '--preset: a cloud read from --state keeps its own hosts'],
      [['serve', '--state', join(dir, 's.json'), '--seed', '5'], '--seed: a cloud read from --state keeps its own seed'],
      [['serve', '--state', join(dir, 's.json'), '--policy', 'zed'], '--policy: a cloud read from --state keeps its own policy options'],
    ];
    const runs = await all(cases.map(([args]) => args));
    runs.forEach((r, i) => {
      const [args, message] = cases[i] as (typeof cases)[number];
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(r.stdout, args.join(' ')).toBe('');
    });
  }, 120_000);

  it('as a process: --help exits 0, a bad flag exits 2 naming it on stderr; a closed pipe ends it quietly', async () => {
    const [help, bad] = await Promise.all([stacksimTsx(['--help']), stacksim(['plan', '--vms', 'lots'])]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: stacksim <command> \[flags\]/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("stacksim plan: --vms: expected a whole number from 1 to 10000000, got 'lots'\nRun 'stacksim plan --help' for the flags.\n");
    expect(bad.stdout).toBe('');
    const piped = await new Promise<Run>((done) => {
      execFile('bash', ['-c', `set -o pipefail; "${process.execPath}" "${join(root, 'bin', 'stacksim.mjs')}" plan --vms 200 --verify | head -1`], { cwd: dir, encoding: 'utf8' }, (error, stdout, stderr) =>
        done({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
      );
    });
    expect(piped.stdout).toBe('How many compute hosts do 200 VMs need?\n');
    expect(piped.stderr).not.toMatch(/EPIPE|Error/);
    expect(piped.code).toBe(0);
  }, 60_000);
});

describe('stacksim report', () => {
  it('--out in the working folder writes one page with every section; the same seed writes the same bytes', async () => {
    const [a, b] = await Promise.all([stacksim(['report', '--out', 'r.html']), stacksim(['report', '--seed', '0', '--out', 'same.html', '--preset', 'devstack'])]);
    expect(a?.code, a?.stderr).toBe(0);
    expect(a?.stdout).toMatch(/^wrote .*r\.html \(\d+ KiB\)\n$/);
    expect(a?.stderr).toBe('');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    for (const id of ['summary', 'datacenter', 'utilisation', 'network', 'trace', 'scheduling', 'rings']) expect(html).toContain(`<section id="${id}">`);
    expect(html).not.toContain('could not be drawn');
    for (const name of ['web', 'db', 'cache', 'compute.create_server']) expect(html).toContain(name);
    expect(b?.code, b?.stderr).toBe(0);
    expect(readFileSync(join(dir, 'same.html'), 'utf8')).toBe(html);
  }, 120_000);

  it('--scenario: a module run on the cloud first (its returned request is drawn); .ts works through tsx; a throw exits 1', async () => {
    const scenario = [
      'export default (cloud) => {',
      "  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });",
      "  demo.compute.createServer({ name: 'lecture-vm', flavorRef: 'm1.small', imageRef: 'cirros-0.5.2-x86_64-disk', networks: 'auto' });",
      '  const boot = cloud.lastRequestId;',
      "  cloud.hardware.failHost('compute2', 'lecture: power cut');",
      '  return boot;',
      '};',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'lecture.mjs'), scenario);
    writeFileSync(join(dir, 'lecture.ts'), scenario.replace('(cloud) =>', '(cloud: any): string =>'));
    writeFileSync(join(dir, 'broken.mjs'), "export default (cloud) => { cloud.admin.compute.getServer('no-such-server'); };\n");
    const [js, ts, broken] = await Promise.all([
      stacksim(['report', '--scenario', 'lecture.mjs', '--out', 'lecture.html', '--title', 'Lecture 3']),
      stacksim(['report', '--scenario', './lecture.ts', '--out', 'lecture-ts.html', '--title', 'Lecture 3']),
      stacksim(['report', '--scenario', 'broken.mjs', '--out', 'broken.html']),
    ]);
    expect(js?.code, js?.stderr).toBe(0);
    const html = readFileSync(join(dir, 'lecture.html'), 'utf8');
    expect(html).toContain('<title>Lecture 3</title>');
    expect(html).toContain('lecture-vm');
    expect(html).not.toMatch(/>web</); // the scenario replaces the default boots
    const trace = /<section id="trace">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(trace).toMatch(/Request req-[0-9a-f-]+ \(compute\.create_server/);
    expect(html).toMatch(/hosts<\/td><td[^>]*>3 \(1 down, 2 up\)/);
    expect(ts?.code, ts?.stderr).toBe(0);
    expect(readFileSync(join(dir, 'lecture-ts.html'), 'utf8').replace(/lecture\.ts/g, 'lecture.mjs').replace(/\.\/lecture/g, 'lecture')).toBe(html);
    expect(broken?.code).toBe(1);
    expect(broken?.stderr).toMatch(/the scenario broken\.mjs threw \w+ 404 \(compute\.server\.not_found\): .*no-such-server/);
  }, 120_000);

  it("a scenario gets the command's own library as its second argument, and `import 'stacksim'` is that same copy (ESM and CommonJS folders, .mjs / .ts / .mts)", async () => {
    // The scenario names a server after what it found, so the page tells: classes shared, errors
    // caught by class, the render module the command's.
    const body = (imports: string, lib: string): string =>
      [
        imports,
        `export default (cloud${lib}) => {`,
        "  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });",
        '  let caught = "none";',
        "  try { demo.compute.getServer('nope'); } catch (e) { caught = e instanceof stacksim.CloudError ? 'CloudError' : 'foreign'; }",
        "  const drawn = render.table([{ a: 1 }]).toText().includes('a') ? 'drawn' : 'blank';",
        "  demo.compute.createServer({ name: `seen-${cloud instanceof stacksim.Cloud}-${caught}-${drawn}`, flavorRef: 'm1.tiny', imageRef: 'cirros-0.5.2-x86_64-disk', networks: 'auto' });",
        '  return cloud.lastRequestId;',
        '};',
        '',
      ].join('\n');
    const imported = "import * as stacksim from 'stacksim';\nimport * as render from 'stacksim/render';";
    const cjs = join(dir, 'cjs');
    mkdirSync(cjs, { recursive: true });
    writeFileSync(join(cjs, 'package.json'), '{ "name": "lecture", "private": true }\n'); // no "type": a .ts here is CommonJS to tsx
    writeFileSync(join(dir, 'imports.mjs'), body(imported, ''));
    writeFileSync(join(dir, 'imports.mts'), body(imported, ': any'));
    writeFileSync(join(cjs, 'given.ts'), body('', ', { stacksim, render }: any').replace('(cloud, {', '(cloud: any, {'));
    writeFileSync(join(cjs, 'given.cjs'), body('', ', { stacksim, render }').replace('export default', 'module.exports ='));
    writeFileSync(join(cjs, 'imports.ts'), body(imported, ''));
    // inside the repository 'stacksim' would resolve to the package itself (dist/, a second copy when built, missing when not)
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const inRepo = mkdtempSync(join(root, '.tmp', 'cli-test-'));
    writeFileSync(join(inRepo, 'imports.mjs'), body(imported, ''));
    const runs = await Promise.all([
      stacksim(['report', '--scenario', 'imports.mjs', '--out', 'imports.html']),
      stacksim(['report', '--scenario', 'imports.mts', '--out', 'imports-mts.html']),
      stacksim(['report', '--scenario', 'given.ts', '--out', 'given.html'], cjs),
      stacksim(['report', '--scenario', 'given.cjs', '--out', 'given-cjs.html'], cjs),
      stacksimTsx(['report', '--scenario', 'imports.mjs', '--out', 'imports-tsx.html']),
      stacksim(['report', '--scenario', 'imports.mjs', '--out', join(dir, 'in-repo.html')], inRepo),
      stacksim(['report', '--scenario', 'imports.ts', '--out', 'cjs-imports.html'], cjs),
    ]).finally(() => rmSync(inRepo, { recursive: true, force: true }));
    // a CommonJS scenario's require('stacksim') is not mapped (it would be a second copy): the message says what works
    const cjsImport = runs.pop() as Run;
    expect(cjsImport.code).toBe(1);
    expect(cjsImport.stderr).toContain("the scenario imports.ts could not be loaded: Error: Cannot find module 'stacksim'");
    expect(cjsImport.stderr).toContain('export default (cloud, { stacksim, render }) =>');
    const pages = [join(dir, 'imports.html'), join(dir, 'imports-mts.html'), join(cjs, 'given.html'), join(cjs, 'given-cjs.html'), join(dir, 'imports-tsx.html'), join(dir, 'in-repo.html')];
    runs.forEach((r, i) => {
      expect(r.code, `${pages[i]}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      expect(readFileSync(pages[i] as string, 'utf8')).toContain('seen-true-CloudError-drawn');
    });
  }, 120_000);
});

describe('stacksim plan', () => {
  const devstackNode = DEVSTACK_TOPOLOGY.models?.['devstack-node'];
  const lecture = ['--vms', '200', '--growth', '0.2', '--flavor', 'm1.small:1:2048:20:0.5', '--flavor', 'm1.medium:2:4096:40:0.3', '--flavor', 'm1.large:4:8192:80:0.2', '--cpu-ratio', '16', '--ram-ratio', '1.5', '--disk-ratio', '1', '--spare', '1'];

  it('prints the steps and the answer, which agree with planCapacity on the same input', async () => {
    const [text, json] = await all([['plan', ...lecture], ['plan', ...lecture, '--json']]);
    const input = {
      workload: {
        vms: 200,
        growth: 0.2,
        flavors: [
          { name: 'm1.small', vcpus: 1, ram_mb: 2048, disk_gb: 20, share: 0.5 },
          { name: 'm1.medium', vcpus: 2, ram_mb: 4096, disk_gb: 40, share: 0.3 },
          { name: 'm1.large', vcpus: 4, ram_mb: 8192, disk_gb: 80, share: 0.2 },
        ],
      },
      host: devstackNode,
      cpu_allocation_ratio: 16,
      ram_allocation_ratio: 1.5,
      disk_allocation_ratio: 1,
      spare_hosts: 1,
    };
    const plan = planCapacity(input);
    expect(text?.code, text?.stderr).toBe(0);
    expect(text?.stdout).toContain('How many compute hosts do 200 VMs need?');
    for (const step of plan.steps) expect(text?.stdout).toContain(step);
    expect(text?.stdout).toContain(`→ ${plan.hosts} compute hosts (${plan.binding} binds, ${plan.vms_per_host} VMs per host)`);
    expect(json?.code, json?.stderr).toBe(0);
    const out = JSON.parse(json?.stdout ?? '') as { input: CapacityPlanInput; plan: CapacityPlan };
    expect(out.input).toEqual(input);
    expect(out.plan).toEqual(plan);
  }, 120_000);

  it('takes the host model from a topology file and the host flags', async () => {
    const topology = {
      models: {
        small: { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2 }, memory_mb: 65536, disks: [{ name: 'sda', size_gb: 480 }] },
        big: { cpu: { sockets: 2, cores_per_socket: 32, threads_per_core: 2 }, memory_mb: 524288, disks: [{ name: 'nvme0n1', size_gb: 7680 }] },
      },
      hosts: [{ name: 'c{n}', count: 2, model: 'big' }],
    };
    const file = join(dir, 'dc.json');
    writeFileSync(file, JSON.stringify(topology));
    const [big, changed, ambiguous] = await all([
      ['plan', '--vms', '500', '--topology', file, '--model', 'big', '--json'],
      ['plan', '--vms', '500', '--topology', file, '--model', 'small', '--ram-gb', '256', '--json'],
      ['plan', '--topology', file],
    ]);
    expect(big?.code, big?.stderr).toBe(0);
    const b = JSON.parse(big?.stdout ?? '') as { input: CapacityPlanInput; plan: CapacityPlan };
    expect(b.input.host).toEqual(topology.models.big);
    expect(b.plan).toEqual(planCapacity({ workload: { vms: 500 }, host: topology.models.big }));
    const c = JSON.parse(changed?.stdout ?? '') as { input: CapacityPlanInput; plan: CapacityPlan };
    expect(c.input.host).toEqual({ ...topology.models.small, memory_mb: 262144 });
    expect(c.plan.logical_cpus_per_host).toBe(16);
    expect(ambiguous?.code).toBe(2);
    expect(ambiguous?.stderr).toMatch(/--model: .*dc\.json has models small, big/);
  }, 120_000);

  it('a topology file whose model is not a host model is a usage error naming --model and the file, never a TypeError', async () => {
    const files: Record<string, unknown> = {
      'null.json': { models: { m: null } },
      'cpu.json': { models: { m: { cpu: 'x', memory_mb: 1024 } } },
      'zero.json': { models: { m: { cpu: { sockets: 0, cores_per_socket: 2, threads_per_core: 1 }, memory_mb: 1024 } } },
      'list.json': { models: [1] },
    };
    for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(value));
    const runs = await all(Object.keys(files).map((name) => ['plan', '--topology', join(dir, name)]));
    const expected = [/--model: .*null\.json: model 'm' is null, not a host model/, /--model: .*cpu\.json: model 'm' has cpu "x"/, /--model: .*zero\.json model 'm': host\.cpu\.sockets/, /--topology: .*list\.json: "models" must be an object/];
    runs.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(expected[i] as RegExp);
      expect(r.stderr).not.toMatch(/TypeError|unexpected failure/);
    });
  });

  it("the help's defaults and flavors are the library's (PLANNER_DEFAULTS, DEVSTACK_FLAVORS); a growth prints as a round percentage", async () => {
    const [help, growth, ds] = await all([['plan', '--help'], ['plan', '--growth', '0.07'], ['plan', '--vms', '10', '--flavor', 'ds512M:0.5', '--flavor', 'cirros256:0.5', '--json']]);
    const D = PLANNER_DEFAULTS;
    for (const [flag, value] of [['--cpu-ratio', D.cpu_allocation_ratio], ['--ram-ratio', D.ram_allocation_ratio], ['--disk-ratio', D.disk_allocation_ratio], ['--reserved-ram-mb', D.reserved_host_memory_mb], ['--reserved-cpus', D.reserved_host_cpus], ['--spare', D.spare_hosts]] as const) {
      expect(help?.stdout).toMatch(new RegExp(`^  ${flag} .*\\(default ${value}\\)$`, 'm'));
    }
    for (const [, name] of DEVSTACK_FLAVORS) expect(help?.stdout).toContain(name);
    expect(growth?.stdout).toContain('workload: 200 VMs + 7 % growth;');
    expect(growth?.stdout).toContain(`nova: cpu_allocation_ratio ${D.cpu_allocation_ratio}, ram_allocation_ratio ${D.ram_allocation_ratio}, disk_allocation_ratio ${D.disk_allocation_ratio}, reserved_host_memory_mb ${D.reserved_host_memory_mb}`);
    expect(ds?.code, ds?.stderr).toBe(0);
    expect((JSON.parse(ds?.stdout ?? '') as { input: CapacityPlanInput }).input.workload.flavors).toEqual([
      { name: 'ds512M', vcpus: 1, ram_mb: 512, disk_gb: 5, share: 0.5 },
      { name: 'cirros256', vcpus: 1, ram_mb: 256, disk_gb: 1, share: 0.5 },
    ]);
  });

  it('--verify builds the hosts and boots the VMs: a plan that holds exits 0, one that packs badly exits 1', async () => {
    const [fits, short, shortJson] = await all([
      ['plan', '--vms', '40', '--flavor', 'm1.small:0.5', '--flavor', 'm1.large:0.5', '--spare', '1', '--verify'],
      ['plan', '--vms', '10', '--flavor', 'big:1:1024:700', '--disk-gb', '1000', '--verify'],
      ['plan', '--vms', '10', '--flavor', 'big:1:1024:700', '--disk-gb', '1000', '--verify', '--json', '--seed', '5'],
    ]);
    expect(fits?.code, fits?.stderr).toBe(0);
    expect(fits?.stdout).toMatch(/✓ all 40 VMs ACTIVE on \d+ working host\(s\) \(1 spare disabled\): the plan holds for VCPU, MEMORY_MB and DISK_GB\.\n/);
    expect(fits?.stdout).not.toContain('Not checked');
    expect(fits?.stderr).toMatch(/^booting: 0% \(1\/40\)\n[\s\S]*booting: done \(40\/40\) — 40 ACTIVE\n$/);
    // the planner pools 10 × 700 GB into 7 hosts of 1000 GB, but only one such VM fits on a host
    expect(short?.code).toBe(1);
    expect(short?.stdout).toContain('→ 7 compute hosts (disk binds');
    expect(short?.stdout).toContain('✗ the VMs do not all fit on 7 working host(s): 7 ACTIVE, 3 ERROR');
    expect(shortJson?.code).toBe(1);
    const v = (JSON.parse(shortJson?.stdout ?? '') as { verify: { fits: boolean; statuses: Record<string, number>; vms: number; hosts: { vms: number }[] } }).verify;
    expect(v).toMatchObject({ fits: false, statuses: { ACTIVE: 7, ERROR: 3 }, vms: 10 });
    expect(v.hosts.map((h) => h.vms)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  }, 120_000);

  it('--verify says what it checked and what not: tenant bandwidth per host (packing can overload a NIC the pooled plan thought fine), never floating IPs or volumes', async () => {
    const [holds, overloaded] = await all([
      ['plan', '--vms', '40', '--bandwidth', '500', '--floating-ips', '0.5', '--volume-gb', '10', '--verify'],
      ['plan', '--vms', '60', '--flavor', 'm1.tiny:0.7', '--flavor', 'm1.xlarge:0.3', '--bandwidth', '700', '--verify', '--json'],
    ]);
    expect(holds?.code, holds?.stderr).toBe(0);
    expect(holds?.stdout).toMatch(/✓ all 40 VMs ACTIVE on 3 working host\(s\); busiest tenant NICs: compute-\d+ 7000 Mbps < 10000 Mbps: the plan holds for VCPU, MEMORY_MB, DISK_GB and tenant bandwidth\./);
    expect(holds?.stdout).toContain('Not checked: 20 floating IPs (the VMs boot without ports; the external subnet is not planned); 400 GB of Cinder volumes');
    // the planner's 6 hosts carry 10 VMs each (7000 Mbps); RAM-weighed spreading puts the small VMs together
    expect(overloaded?.code).toBe(1);
    const v = (JSON.parse(overloaded?.stdout ?? '') as { plan: CapacityPlan; verify: { fits: boolean; statuses: Record<string, number>; bandwidth: { tenant_nic_mbps: number; overloaded: { host: string; vms: number; mbps: number }[] }; checked: string[] } }).verify;
    expect(v.statuses).toEqual({ ACTIVE: 60 });
    expect(v.fits).toBe(false);
    expect(v.checked).toEqual(['VCPU', 'MEMORY_MB', 'DISK_GB', 'tenant bandwidth']);
    expect(v.bandwidth.overloaded.length).toBeGreaterThan(0);
    for (const o of v.bandwidth.overloaded) expect(o.mbps).toBe(o.vms * 700);
    for (const o of v.bandwidth.overloaded) expect(o.mbps).toBeGreaterThanOrEqual(v.bandwidth.tenant_nic_mbps);
  }, 120_000);
});

describe('stacksim demo, and npx stacksim', () => {
  it('demo: boots with a progress bar, prints a boot step by step, the hypervisors, utilisation and the datacenter', async () => {
    const r = await inProcess(['demo', '--servers', '2', '--seed', '4']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('booting: done (2/2) — 2 booted');
    for (const text of ["What happened when 'web' booted", '1. ', 'keystone', 'nova-scheduler', 'Hypervisors', 'Host utilisation', 'The datacenter', 'RegionOne', 'floating IP']) expect(r.stdout).toContain(text);
    expect(r.stdout).toMatch(/ {2}web +m1\.tiny +ACTIVE/);
    expect(r.stdout).toMatch(/ {2}db +m1\.small +ACTIVE/);
  }, 60_000);

  it('bin/stacksim.mjs (what npx stacksim runs) works from any folder in the repository checkout, and npx finds it', async () => {
    const launched = await node([join(root, 'bin', 'stacksim.mjs'), 'plan', '--vms', '10'], dir);
    expect(launched.code, launched.stderr).toBe(0);
    expect(launched.stdout).toContain('→ 1 compute hosts');
    const npx = await new Promise<Run>((done) => {
      execFile('npx', ['--offline', 'stacksim', '--help'], { cwd: root, encoding: 'utf8' }, (error, stdout, stderr) => done({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }));
    });
    expect(npx.code, npx.stderr).toBe(0);
    expect(npx.stdout).toMatch(/^usage: stacksim <command>/);
  }, 60_000);
});
