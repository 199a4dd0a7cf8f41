/**
 * `stacksim report`: one self-contained HTML page with every picture of a cloud (`report` from
 * `stacksim/render`): the devstack preset (or an empty cloud, or a topology file), a scenario
 * run on it, written to `--out`. Without a scenario the demo user boots a few servers first, so
 * every section has something to show.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cwd, stderr, stdout } from 'node:process';
import { CloudError, createCloud, type Cloud, type CloudOptions, type Topology, type Trace } from '../src/index.js';
import { report } from '../src/render/index.js';
import { choice, helpText, one, parseFlags, seed, UsageError, type Command } from './args.js';
import { loadScenario, runScenario } from './scenario.js';
import { bootDemoServers } from './tour.js';

const FLAGS = [
  { name: '--out', value: 'report.html', help: 'where to write the page (required)' },
  { name: '--preset', value: 'devstack|empty', help: 'the cloud to start from (default devstack)' },
  { name: '--seed', value: 'N', help: 'the seed: same seed, same page, byte for byte (default 0)' },
  { name: '--topology', value: 'file.json', help: 'build the datacenter from a topology (JSON, as createCloud({ topology }) takes it)' },
  { name: '--scenario', value: 'file.mjs', help: 'a module whose default export (cloud, { stacksim, render, scheduler }) => … runs before the page is drawn; may return a request id or trace to draw' },
  { name: '--project', value: 'NAME', help: 'the project whose network topology is drawn (default demo)' },
  { name: '--title', value: 'TEXT', help: 'the page title (default "stacksim report")' },
] as const;

/** A topology file, read and parsed; a missing or malformed file is a usage error naming `flag`. */
export function readTopology(flag: string, file: string): Topology {
  const path = resolve(cwd(), file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(flag, `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object { availability_zones, racks, models, hosts }');
    return value as Topology;
  } catch (e) {
    throw new UsageError(flag, `${file} is not a topology: ${(e as Error).message}`);
  }
}

/** `createCloud` with the flags' options; a bad topology is a usage error naming `--topology` and the field. */
export function buildCloud(options: CloudOptions): Cloud {
  try {
    return createCloud(options);
  } catch (e) {
    if (e instanceof CloudError && options.topology !== undefined && String((e.details as { field?: unknown }).field ?? '').startsWith('topology')) {
      throw new UsageError('--topology', e.message);
    }
    throw e;
  }
}

async function run(args: readonly string[]): Promise<number> {
  const p = parseFlags(args, FLAGS);
  if (p.help) {
    stdout.write(helpText(reportCommand));
    return 0;
  }
  const out = one(p, '--out');
  if (out === undefined) throw new UsageError('--out', 'is required: where to write the page (e.g. --out report.html)');
  const preset = one(p, '--preset') === undefined ? 'devstack' : choice('--preset', one(p, '--preset') as string, ['devstack', 'empty'] as const);
  const seedValue = one(p, '--seed') === undefined ? 0 : seed('--seed', one(p, '--seed') as string);
  const topologyFile = one(p, '--topology');
  const topology = topologyFile === undefined ? undefined : readTopology('--topology', topologyFile);
  const scenarioFile = one(p, '--scenario');
  const scenario = scenarioFile === undefined ? undefined : await loadScenario(scenarioFile);
  const title = one(p, '--title');
  if (title !== undefined && (title.trim() === '' || title.length > 200)) throw new UsageError('--title', 'expected non-empty text of at most 200 characters');

  const cloud = buildCloud({ preset, seed: seedValue, ...(topology !== undefined ? { topology } : {}) });
  let trace: string | Trace | undefined;
  if (scenario !== undefined) {
    const result = await runScenario(scenario, cloud, scenarioFile as string);
    if (result.warning !== undefined) stderr.write(`stacksim report: ${result.warning}\n`);
    trace = result.trace;
  } else {
    const tour = bootDemoServers(cloud, 3);
    for (const problem of tour.problems) stderr.write(`stacksim report: ${problem}\n`);
    trace = tour.booted[0]?.requestId;
  }
  const project = one(p, '--project');
  if (project !== undefined) {
    const admin = cloud.fork().admin;
    const found = admin.identity.listProjects().filter((x) => x.name === project || x.id === project);
    if (found.length === 0) throw new UsageError('--project', `no project '${project}' in this cloud (projects: ${admin.identity.listProjects().map((x) => x.name).sort().join(', ')})`);
  }
  const made = `${preset} preset${topologyFile !== undefined ? ` on the topology ${topologyFile}` : ''}`;
  const html = report(cloud, { ...(title !== undefined ? { title } : {}), ...(project !== undefined ? { project } : {}), ...(trace !== undefined ? { trace } : {}), preset: scenarioFile === undefined ? made : `${made}, scenario ${scenarioFile}`, seed: seedValue });
  const path = resolve(cwd(), out);
  try {
    writeFileSync(path, html);
  } catch (e) {
    throw new UsageError('--out', `cannot write ${path}: ${(e as Error).message}`);
  }
  const notes = [...html.matchAll(/<section id="([a-z]+)">(?:(?!<\/section>)[\s\S])*?This section could not be drawn: ([^<]*)</g)].map((m) => `${m[1]}: ${m[2]}`);
  stdout.write(`wrote ${path} (${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)\n`);
  for (const n of notes) stderr.write(`stacksim report: section ${n}\n`);
  return 0;
}

/** `stacksim report`. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'write one self-contained HTML page with every picture of a cloud',
  description: [
    'Builds a cloud (the devstack preset by default), runs --scenario on it if given — otherwise the',
    'demo user boots three servers and gives one a floating IP — and writes one HTML page: summary,',
    'datacenter, host utilisation, the network topology, a VM boot trace, a scheduling decision and',
    'the Swift rings. Inline CSS and SVG only: no script, opens with no network.',
    '',
    "A scenario's second argument is the library the command runs on ({ stacksim, render, scheduler }:",
    'the same classes as the cloud, so `e instanceof stacksim.CloudError` holds); an ES-module scenario may',
    "also `import … from 'stacksim'` (in the repository that is mapped to src/, nothing to build). A .ts",
    'scenario needs tsx (it works in the repository); compile it to .mjs for the installed command.',
  ].join('\n'),
  flags: FLAGS,
  examples: ['stacksim report --out report.html', 'stacksim report --seed 7 --scenario lecture.mjs --out lecture.html', 'stacksim report --preset devstack --topology dc.json --project demo --out dc.html'],
  run,
};
