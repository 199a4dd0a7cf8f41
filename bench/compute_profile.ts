/**
 * Where a boot's time goes (issue 14 asks for it with the compute benchmark): V8's sampling CPU
 * profiler over `boots` boots through a demo session, on the compute benchmark's world with 5 000
 * hosts filled first with `fill` servers (unprofiled), each sample given to the first OpenStack
 * step on its stack — nova-api, nova-conductor, the scheduler with Placement's claim, Neutron's
 * port create and bind, nova-compute, the commit — and, across the boot, to the kind of work
 * (table rows, immer drafts, other) inside and outside the scheduler. Shares are turned into µs
 * with the CPU time of unprofiled boots measured just before (the profiler slows what it samples).
 *
 * Not a pass/fail benchmark (not in `npm run bench`): a reading to quote in a note.
 * Usage: `npx tsx bench/compute_profile.ts [hosts] [fill] [boots]` (default 5000 40000 3000, ~2 min).
 */
import { Session as Inspector } from 'node:inspector';
import { computeBenchWorld, cpuNow, demoLogin, fmtInt, renderTable } from './lib.js';

const [HOSTS, FILL, BOOTS] = [5000, 40000, 3000].map((d, i) => {
  const arg = process.argv[2 + i];
  const n = arg === undefined ? d : Number(arg);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`expected a count, got ${arg}`);
  return n;
}) as [number, number, number];

/** The first of these on a sample's stack (innermost first) names its step. */
const STEPS: readonly (readonly [RegExp, string])[] = [
  [/^selectDestinations .*src\/scheduler\//, 'nova-scheduler + Placement claim (select_destinations)'],
  [/^createServerPort .*src\/network\//, 'Neutron: port create (MAC, IP, port row, indexes, quota)'],
  [/^bindServerPort .*src\/network\//, 'Neutron: port binding'],
  [/^validate .*src\/identity\/pipeline/, 'Keystone: token validation'],
  [/^createServer .*src\/compute\/server_create/, 'nova-api: checks, policy, quota, instance rows, action'],
  [/^runScheduleAndBuild .*src\/compute\//, 'nova-conductor: the rest (server row, zone, event, cast)'],
  [/^runBuild .*src\/compute\//, 'nova-compute: the rest (server rows, events, image cache, spawn)'],
  [/^finishDraft .*immer/, 'the commit (immer finalize)'],
];
const TABLE_WORK = /^(getRow|setRow|deleteRow|insertInto|removeFrom|childIndex|lowerBound|frozenNode|copy|inserted|rootOf|tablePrefix|collectPrefix|indexed|firstEntry|latest|baseOf|deepFreeze) .*src\/core\/(table|drafts|freeze)\.ts/;

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

function post<T>(inspector: Inspector, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => inspector.post(method, params ?? {}, (e, r) => (e ? reject(e) : resolve(r as T))));
}

const w = computeBenchWorld(HOSTS);
const compute = demoLogin(w.cloud).compute;
const networks = [{ uuid: w.networkId }];
let n = 0;
const boot = (): void => {
  compute.createServer({ name: `vm-${n++}`, flavorRef: '1', imageRef: w.imageId, networks });
};
console.log(`\nwhere a boot's time goes: ${fmtInt(HOSTS)} hosts filled with ${fmtInt(FILL)} servers, then ${fmtInt(BOOTS)} boots profiled`);
for (let i = 0; i < FILL; i++) boot();
const c0 = cpuNow();
for (let i = 0; i < BOOTS; i++) boot();
const cpuPerBoot = ((cpuNow() - c0) / BOOTS) * 1000;

const inspector = new Inspector();
inspector.connect();
await post(inspector, 'Profiler.enable');
await post(inspector, 'Profiler.setSamplingInterval', { interval: 100 });
await post(inspector, 'Profiler.start');
for (let i = 0; i < BOOTS; i++) boot();
const { profile } = await post<{ profile: Profile }>(inspector, 'Profiler.stop');
inspector.disconnect();

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const label = (node: ProfileNode): string => `${node.callFrame.functionName} ${node.callFrame.url}`;
const steps = new Map<string, number>();
const kinds = new Map<string, number>();
let total = 0;
for (const id of profile.samples) {
  const stack: string[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(label(byId.get(at) as ProfileNode));
  const gc = stack[0]?.startsWith('(garbage collector)') ?? false;
  if (!gc && !stack.some((f) => f.startsWith('createServer ') && f.includes('src/compute/api.ts'))) continue;
  total += 1;
  const step = gc ? 'garbage collection' : (STEPS.find(([re]) => stack.some((f) => re.test(f)))?.[1] ?? 'kernel, request pipeline, traces');
  steps.set(step, (steps.get(step) ?? 0) + 1);
  const inScheduler = stack.some((f) => (STEPS[0] as readonly [RegExp, string])[0].test(f));
  const top = stack[0] as string;
  const kind = gc ? 'garbage collection' : `${inScheduler ? 'scheduler' : 'outside the scheduler'}: ${TABLE_WORK.test(top) ? 'table rows' : top.includes('immer') ? 'immer drafts' : 'other'}`;
  kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
}
const rows = (m: Map<string, number>): string[][] =>
  [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, `${((100 * v) / total).toFixed(1)} %`, `${((cpuPerBoot * v) / total).toFixed(0)}`]);
console.log(`unprofiled: ${cpuPerBoot.toFixed(0)} CPU µs per boot; ${fmtInt(total)} samples in the boots\n`);
console.log(renderTable(['step of the boot', 'share', 'µs'], rows(steps)));
console.log();
console.log(renderTable(['kind of work', 'share', 'µs'], rows(kinds)));
