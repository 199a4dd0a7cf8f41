/**
 * The HTML report: every picture of a cloud on one self-contained page — inline CSS and SVG, no
 * `<script>`, no external URL — that opens from a file with no network (`stacksim report --out
 * report.html` writes it; a teacher hands it out beside the lecture).
 *
 * Sections, each with an `id` (`summary`, `datacenter`, `utilisation`, `network`, `trace`,
 * `scheduling`, `rings`) and its pictures' `data-stacksim` kinds kept: the summary (seed, the
 * Keystone catalog, counts), the datacenter, host utilisation, a project's network topology, a
 * VM-creation trace, a scheduling decision for the next `m1.small`, and the Swift rings. A
 * section that cannot be drawn shows why instead; the rest of the page is unaffected.
 *
 * Everything is read through forks ({@link lookInto}): the cloud given keeps its state object,
 * its trace log and its last request id. Same cloud (same seed and calls) ⇒ same bytes.
 */
import type { Cloud } from '../cloud.js';
import type { Trace } from '../core/index.js';
import { NoValidHost, type ScheduleResult } from '../scheduler/index.js';
import { lookInto, type Look } from './read.js';
import { bad, optionsOf } from './check.js';
import { el, escapeXml, PALETTE } from './svg.js';
import { table } from './table.js';
import { datacenter } from './datacenter.js';
import { utilisation } from './utilisation.js';
import { networkTopology } from './network.js';
import { sequence } from './trace.js';
import { explanationGrid } from './explanation.js';
import { ring } from './ring.js';

/** Options of {@link report}. */
export interface ReportOptions {
  /** The page's title (default `stacksim report`). */
  readonly title?: string;
  /** The project (id or name) whose network topology is drawn; default `demo` when it exists. */
  readonly project?: string;
  /**
   * The VM-creation trace to draw: a request id still in the cloud's trace log, or a `Trace`.
   * Default: the newest `compute.create_server` request of a server the cloud still has.
   */
  readonly trace?: string | Trace;
  /** What the cloud was made from, in words (`devstack preset`, `devstack preset on the topology dc.json`): a cloud does not remember its preset, so the summary shows it only when told. */
  readonly preset?: string;
  /** The seed the cloud was made with (`createCloud({ seed })`), for the summary; shown only when told. */
  readonly seed?: number | string;
}

/** The sections' ids, in page order (an e2e test and the page's contents list use them). */
export const REPORT_SECTIONS = ['summary', 'datacenter', 'utilisation', 'network', 'trace', 'scheduling', 'rings'] as const;

const STYLE = [
  `body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:${PALETTE.ink};background:#f5f7fa;line-height:1.45}`,
  'header,main,footer{max-width:1200px;margin:0 auto;padding:0 24px}',
  'header{padding-top:24px}h1{margin:0 0 4px;font-size:28px}h2{margin:0 0 8px;font-size:20px}h3{margin:16px 0 6px;font-size:15px}',
  `nav ol{display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;margin:12px 0;list-style:none}nav a{color:${PALETTE.used}}`,
  `section{background:#fff;border:1px solid ${PALETTE.grid};border-radius:6px;margin:16px 0;padding:16px 20px}`,
  '.scroll{overflow:auto;max-width:100%}figure.stacksim{margin:8px 0}svg{display:block}',
  `.lead{color:${PALETTE.muted};margin:0 0 10px}.note{background:#fffbea;border-left:4px solid ${PALETTE.warn};padding:8px 12px;margin:8px 0}`,
  `pre.stacksim{background:#f5f7fa;padding:8px;overflow:auto}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 12px}dt{color:${PALETTE.muted}}dd{margin:0}`,
  `footer{color:${PALETTE.muted};font-size:12px;padding-bottom:24px}`,
].join('\n');

/**
 * One whole HTML page with every picture of `cloud` (see the module comment for the sections).
 * Mirrors nothing in OpenStack itself: Horizon's overview pages are the nearest, and they are live.
 * Bad options (not an object, a title that is not text, a trace that is neither a request id
 * nor a trace) throw a 400 `InvalidInput` naming the option. Not drawn: volumes, images and
 * Swift containers other than as counts; servers of projects other than `project` in the topology.
 */
export function report(cloud: Cloud, options: ReportOptions = {}): string {
  const look = lookInto(cloud);
  const o = checkOptions(options);
  const title = o.title ?? 'stacksim report';
  const seed = o.seed === undefined ? '' : String(o.seed);
  const now = attempt(() => look.cloud.clock.iso(), '');
  const project = o.project ?? (attempt(() => look.admin.identity.listProjects({ name: 'demo' }).length > 0, false) ? 'demo' : undefined);
  const sections = [
    section('summary', 'The cloud in one look', 'What was built, the services Keystone’s catalog lists, and how much of everything there is.', () => summary(look, seed, o.preset, now)),
    section('datacenter', 'The datacenter', 'Regions → availability zones → aggregates → hosts, with the servers on each host.', () => datacenter(cloud).toHTML()),
    section('utilisation', 'Host utilisation', 'Per compute host and resource class: physical capacity, capacity after the allocation ratio (overcommit), and what Placement has allocated.', () => utilisation(cloud).toHTML()),
    section('network', project === undefined ? 'Network topology' : `Network topology of project ${project}`, 'Networks and subnets, routers with their gateways, floating IPs and the servers’ ports.', () =>
      project === undefined ? note('This cloud has no project named demo; pass a project to draw one.') : networkTopology(cloud, project).toHTML()),
    section('trace', 'What happens when a VM boots', 'One request through the services, in the order they ran: Keystone, nova-api, the conductor, the scheduler and Placement, nova-compute with Neutron, Glance and Cinder.', () => traceSection(cloud, look, o.trace)),
    section('scheduling', 'Where would the next m1.small go?', 'nova-scheduler’s select_destinations, run on a copy of the cloud: Placement’s candidates, each filter’s verdict per host, and the weighers’ scores.', () => schedulingSection(cloud)),
    section('rings', 'Swift rings', 'Partitions per device against the device’s share of the weight, and where each partition’s replicas live.', () => ringsSection(cloud, look)),
  ];
  const nav = el('nav', { 'aria-label': 'Sections' }, el('ol', {}, ...REPORT_SECTIONS.map((id, i) => el('li', {}, el('a', { href: `#${id}` }, `${i + 1}. ${escapeXml(NAV[id])}`)))));
  const about = [seed === '' ? '' : `seed ${seed}`, o.preset === undefined ? '' : o.preset, now === '' ? '' : `virtual time ${now}`].filter((x) => x !== '').join(' · ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>${escapeXml(title)}</title><style>\n${STYLE}\n</style></head>`,
    '<body>',
    el('header', {}, el('h1', {}, escapeXml(title)), el('p', { class: 'lead' }, escapeXml(`A simulated OpenStack (Zed) cloud drawn by stacksim${about === '' ? '' : `: ${about}`}.`)), nav),
    el('main', {}, ...sections),
    el('footer', {}, el('p', {}, escapeXml(`Made by stacksim from the cloud’s state${about === '' ? '' : ` (${about})`}. Self-contained: no script, nothing fetched.`))),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const NAV: Readonly<Record<(typeof REPORT_SECTIONS)[number], string>> = {
  summary: 'Summary',
  datacenter: 'Datacenter',
  utilisation: 'Utilisation',
  network: 'Network',
  trace: 'VM creation',
  scheduling: 'Scheduling',
  rings: 'Swift rings',
};

interface Checked {
  readonly title: string | undefined;
  readonly project: string | undefined;
  readonly trace: string | Trace | undefined;
  readonly preset: string | undefined;
  readonly seed: number | string | undefined;
}

function checkOptions(options: unknown): Checked {
  const r = optionsOf(options, ['title', 'project', 'trace', 'preset', 'seed']);
  const text = (key: string, max: number): string | undefined => {
    const v = r[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '' || v.length > max) throw bad(`options.${key}`, `expected non-empty text of at most ${max} characters`);
    return v;
  };
  const t = r.trace;
  if (t !== undefined && typeof t !== 'string' && !looksLikeTrace(t)) throw bad('options.trace', 'expected a request id (req-…) or a trace from cloud.trace(id)');
  const seed = r.seed;
  if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) && typeof seed !== 'string') throw bad('options.seed', 'expected the seed given to createCloud: a whole number or text');
  return { title: text('title', 200), project: text('project', 255), trace: typeof t === 'string' ? text('trace', 255) : (t as Trace | undefined), preset: text('preset', 200), seed: typeof seed === 'string' ? text('seed', 1024) : seed };
}

/** Whether `t` has a trace's request id, operation and steps (false for a value whose reads throw). */
function looksLikeTrace(t: unknown): boolean {
  try {
    return typeof t === 'object' && t !== null && typeof (t as Trace).request_id === 'string' && typeof (t as Trace).operation === 'string' && Array.isArray((t as Trace).steps);
  } catch {
    return false;
  }
}

/** A section: heading, one line of what it shows, the content — or, when drawing throws, a note saying why. */
function section(id: string, heading: string, lead: string, body: () => string): string {
  let content: string;
  try {
    content = body();
  } catch (e) {
    content = note(`This section could not be drawn: ${messageOf(e)}`);
  }
  return el('section', { id }, el('h2', {}, escapeXml(heading)), el('p', { class: 'lead' }, escapeXml(lead)), el('div', { class: 'scroll' }, content));
}

function note(text: string): string {
  return el('p', { class: 'note' }, escapeXml(text));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

// ---------------------------------------------------------------- summary

function summary(look: Look, seed: string, preset: string | undefined, now: string): string {
  const { cloud, admin } = look;
  const facts: [string, string][] = [];
  if (preset !== undefined) facts.push(['made from', preset]);
  if (seed !== '') facts.push(['seed', seed]);
  if (now !== '') facts.push(['virtual time', now]);
  facts.push(['region(s)', attempt(() => cloud.hardware.listRegions().map((r) => r.name).join(', '), '—')]);
  const dl = facts.length === 0 ? '' : el('dl', {}, ...facts.flatMap(([k, v]) => [el('dt', {}, escapeXml(k)), el('dd', {}, escapeXml(v))]));
  const catalog = attempt(() => admin.tokenInfo().catalog ?? [], []);
  const services = catalog
    .map((c) => ({ type: c.type, name: c.name, 'public endpoint': withoutScheme(c.endpoints.find((e) => e.interface === 'public')?.url ?? '—') }))
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const servicesHtml = services.length === 0 ? note('Keystone’s catalog is empty.') : table(services, { title: 'Service catalog', columns: ['type', 'name', 'public endpoint'] }).toHTML();
  const count = (what: string, fn: () => string): { what: string; count: string } => ({ what, count: attempt(fn, '—') });
  const byStatus = (values: readonly string[]): string => {
    const seen = new Map<string, number>();
    for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
    const parts = [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => `${n} ${k}`);
    return `${values.length}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
  };
  const counts = [
    count('availability zones', () => String(cloud.hardware.listAvailabilityZones().length)),
    count('hosts', () => byStatus(cloud.hardware.listHosts().map((h) => h.state))),
    count('projects', () => String(admin.identity.listProjects().length)),
    count('users', () => String(admin.identity.listUsers().length)),
    count('flavors', () => String(admin.compute.listFlavors().length)),
    count('images', () => String(admin.image.listImages().images.length)),
    count('servers', () => byStatus(admin.compute.listServers({ all_tenants: true }).map((s) => String(s.status)))),
    count('networks', () => String(admin.network.listNetworks().length)),
    count('routers', () => String(admin.network.listRouters().length)),
    count('floating IPs', () => String(admin.network.listFloatingIps().length)),
    count('volumes', () => byStatus(admin.block.listVolumes({ all_tenants: true }).map((v) => String(v.status)))),
    count('Swift rings', () => String(cloud.object.rings().length)),
  ];
  return dl + servicesHtml + table(counts, { title: 'How many of each', columns: ['what', 'count'] }).toHTML();
}

/** The catalog's `http://controller/compute/v2.1` as `controller/compute/v2.1`: the page holds no URL a browser could follow. */
function withoutScheme(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
}

// ---------------------------------------------------------------- trace

function traceSection(cloud: Cloud, look: Look, given: string | Trace | undefined): string {
  if (typeof given === 'object') return lead(`Request ${given.request_id} (${given.operation}, ${given.steps.length} steps).`) + sequence(given).toHTML();
  if (typeof given === 'string') {
    const t = cloud.trace(given);
    if (t === undefined) return note(`Request ${given} is not in the cloud’s trace log (it keeps the latest requests only).`);
    return lead(`Request ${t.request_id} (${t.operation}, ${t.steps.length} steps).`) + sequence(t).toHTML();
  }
  const newest = newestBoot(cloud, look);
  if (newest !== undefined) return lead(`The newest boot in the cloud: request ${newest.request_id} (${newest.operation}, ${newest.steps.length} steps).`) + sequence(newest).toHTML();
  // no boot in the log: boot one on a fork, as the admin, and say so
  const fork = cloud.fork();
  const admin = fork.admin;
  const image = admin.image.listImages().images.find((i) => i.status === 'active');
  if (image === undefined) return note('No server was booted in this cloud, and it has no active image to boot one from.');
  const flavors = admin.compute.listFlavors();
  const flavor = flavors.find((f) => f.name === 'm1.tiny') ?? smallest(flavors);
  if (flavor === undefined) return note('No server was booted in this cloud, and it has no flavor to boot one with.');
  admin.compute.createServer({ name: 'report-probe', flavorRef: flavor.id, imageRef: image.id, networks: 'none' });
  const t = fork.trace(fork.lastRequestId);
  if (t === undefined) return note('No server was booted in this cloud, and the boot on a copy left no trace.');
  return note(`No boot of this cloud is in its trace log, so this server (report-probe, ${flavor.name}, ${image.name ?? image.id}) was booted as the admin on a copy of the cloud for this page; the cloud itself has no such server.`) + sequence(t).toHTML();
}

function lead(text: string): string {
  return el('p', {}, escapeXml(text));
}

/**
 * The newest `compute.create_server` request still in the trace log, found through the servers'
 * instance actions (each `create` action keeps its request id): the last request when it is a
 * boot, else the latest `started_at`, ties going to the server nova lists first (newest first).
 */
function newestBoot(cloud: Cloud, look: Look): Trace | undefined {
  const last = cloud.trace();
  if (last?.operation === 'compute.create_server') return last;
  let best: Trace | undefined;
  for (const server of look.admin.compute.listServers({ all_tenants: true })) {
    const create = attempt(() => look.admin.compute.listInstanceActions(server.id).find((a) => a.action === 'create'), undefined);
    const t = create === undefined ? undefined : cloud.trace(create.request_id);
    if (t?.operation === 'compute.create_server' && (best === undefined || t.started_at > best.started_at)) best = t;
  }
  return best;
}

interface FlavorLike {
  readonly id: string;
  readonly name: string;
  readonly vcpus: number;
  readonly ram: number;
  readonly disk: number;
}

function smallest<F extends FlavorLike>(flavors: readonly F[]): F | undefined {
  return [...flavors].sort((a, b) => a.vcpus - b.vcpus || a.ram - b.ram || a.disk - b.disk || (a.name < b.name ? -1 : 1))[0];
}

// ---------------------------------------------------------------- scheduling

function schedulingSection(cloud: Cloud): string {
  const fork = cloud.fork();
  const admin = fork.admin;
  const flavors = admin.compute.listFlavors();
  const flavor = flavors.find((f) => f.name === 'm1.small') ?? smallest(flavors);
  if (flavor === undefined) return note('This cloud has no flavor to schedule.');
  const demo = attempt(() => admin.identity.listProjects({ name: 'demo' })[0]?.id ?? null, null);
  const request = { flavor: { name: flavor.name, vcpus: flavor.vcpus, memory_mb: flavor.ram, root_gb: flavor.disk }, num_instances: 1, project_id: demo };
  const what = `${flavor.name} (${flavor.vcpus} vCPU, ${flavor.ram} MB RAM, ${flavor.disk} GB disk)`;
  let result: ScheduleResult;
  try {
    result = fork.scheduler.selectDestinations(request);
  } catch (e) {
    if (e instanceof NoValidHost) return note(`No valid host for the next ${what}: ${e.message}`) + explanationGrid(e.explanation, { title: `Where would the next ${flavor.name} go?` }).toHTML();
    throw e;
  }
  const chosen = result.selections[0];
  const alternates = chosen?.alternates.map((a) => a.host) ?? [];
  return lead(`The next ${what} would go to ${chosen?.host ?? 'no host'}${alternates.length > 0 ? `; alternates ${alternates.join(', ')}` : ''}. Nothing was claimed in the cloud itself.`) + explanationGrid(result, { title: `Where would the next ${flavor.name} go?` }).toHTML();
}

// ---------------------------------------------------------------- rings

/** Each ring drawn from the cloud (not from its summary): failed disks and hosts that are down in red, and the zone spread its builder gives. */
function ringsSection(cloud: Cloud, look: Look): string {
  const rings = look.cloud.object.rings();
  if (rings.every((r) => r.devices.length === 0)) return note('This cloud’s Swift rings have no devices yet (no host with the storage role), so there is nothing to draw.');
  return rings.map((r) => el('h3', {}, escapeXml(`${r.name} ring`)) + ring(cloud, { name: r.name, title: `Swift ${r.name} ring` }).toHTML()).join('\n');
}
