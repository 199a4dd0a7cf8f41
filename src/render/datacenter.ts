/**
 * The datacenter as the lecture draws it: regions → availability zones → host aggregates →
 * hosts, each host with its servers. Hardware comes from the operator's view
 * (`cloud.hardware`), zones and aggregates from nova (`GET /os-services`, `GET /os-aggregates`),
 * servers from `GET /servers/detail?all_tenants=1` with their `OS-EXT-SRV-ATTR:host` — all read
 * as the admin of a fork, so drawing leaves the cloud's state and `trace()` as they were.
 */
import type { Cloud } from '../cloud.js';
import type { HostView } from '../hardware/index.js';
import type { ServerView } from '../compute/index.js';
import { el, escapeXml, fit, oneLine, PALETTE, svgDocument, textWidth } from './svg.js';
import { emptyPicture, Picture } from './picture.js';
import { allServers, lookInto, natural } from './read.js';
import { optionsOf, titleOf } from './check.js';

/** Options of {@link datacenter}. */
export interface DatacenterOptions {
  /** The picture's title (default `Datacenter`): one line, at most 200 characters; empty gives the default. */
  readonly title?: string;
}

/** Servers drawn on a host card (and listed in the text) before `+N more`. */
const MAX_CHIPS = 6;
/** Host cards per grid row. */
const COLUMNS = 6;
const CARD_W = 190;
const GAP = 8;
/** Zones and aggregates sit side by side up to about this width, then wrap. */
const FLOW_W = 1240;

interface ServerChip {
  readonly name: string;
  readonly status: string;
}

interface HostCard {
  readonly host: HostView;
  readonly servers: readonly ServerChip[];
  /** nova-compute's `status` / `state` when it is not enabled and up. */
  readonly service: string | undefined;
}

interface Group {
  readonly label: string;
  readonly hosts: HostCard[];
}

interface Zone {
  readonly name: string;
  readonly internal: boolean;
  readonly groups: Map<string, Group>;
}

interface Region {
  readonly name: string;
  readonly zones: Map<string, Zone>;
}

interface Model {
  readonly regions: Region[];
  readonly hosts: number;
  readonly down: number;
  readonly servers: number;
  readonly unplaced: readonly ServerChip[];
}

// ------------------------------------------------------------------ reading

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function read(cloud: Cloud): Model {
  const look = lookInto(cloud);
  const hardware = look.cloud.hardware;
  const hosts = hardware.listHosts();
  const services = look.admin.compute.listComputeServices();
  const aggregates = look.admin.compute.listAggregates();
  const servers = hosts.length === 0 ? [] : allServers(look.admin);

  const internalZone = services.find((s) => s.binary !== 'nova-compute')?.zone ?? 'internal';
  const computeService = new Map(services.filter((s) => s.binary === 'nova-compute').map((s) => [s.host, s]));
  const aggregatesOf = new Map<string, string[]>();
  for (const a of aggregates) for (const h of a.hosts ?? []) pushTo(aggregatesOf, h, a.name);
  const serversOf = new Map<string, ServerChip[]>();
  const unplaced: ServerChip[] = [];
  for (const s of servers) {
    const chip = { name: s.name, status: s.status };
    const host = s['OS-EXT-SRV-ATTR:host'];
    if (typeof host !== 'string' || host === '') unplaced.push(chip);
    else pushTo(serversOf, host, chip);
  }

  const regions = new Map<string, Region>(hardware.listRegions().map((r) => [r.name, { name: r.name, zones: new Map() }]));
  let down = 0;
  let placed = 0;
  for (const host of hosts) {
    const service = computeService.get(host.name);
    // a compute host whose nova-compute service was deleted: its topology zone, else nova's default one
    const zoneName = service?.zone ?? (host.roles.includes('compute') ? host.availability_zone ?? 'nova' : internalZone);
    let region = regions.get(host.region);
    if (region === undefined) regions.set(host.region, (region = { name: host.region, zones: new Map() }));
    let zone = region.zones.get(zoneName);
    if (zone === undefined) region.zones.set(zoneName, (zone = { name: zoneName, internal: zoneName === internalZone, groups: new Map() }));
    const names = aggregatesOf.get(host.name) ?? [];
    const label = names.length === 0 ? 'no aggregate' : `${names.length === 1 ? 'aggregate' : 'aggregates'} ${names.join(', ')}`;
    let group = zone.groups.get(label);
    if (group === undefined) zone.groups.set(label, (group = { label, hosts: [] }));
    const mine = [...(serversOf.get(host.name) ?? [])].sort((a, b) => natural(a.name, b.name) || natural(a.status, b.status));
    serversOf.delete(host.name);
    placed += mine.length;
    const serviceNote = service === undefined || (service.status === 'enabled' && service.state === 'up') ? undefined : `nova-compute ${service.status}, ${service.state}`;
    group.hosts.push({ host, servers: mine, service: serviceNote });
    if (host.state !== 'up') down++;
  }
  // a server on a host the hardware no longer lists (it should not happen) is still shown
  for (const rest of serversOf.values()) unplaced.push(...rest);
  return { regions: [...regions.values()], hosts: hosts.length, down, servers: placed + unplaced.length, unplaced };
}

function zonesInOrder(region: Region): Zone[] {
  return [...region.zones.values()].sort((a, b) => Number(a.internal) - Number(b.internal) || natural(a.name, b.name));
}

function groupsInOrder(zone: Zone): Group[] {
  return [...zone.groups.values()].sort((a, b) => Number(a.label === 'no aggregate') - Number(b.label === 'no aggregate') || natural(a.label, b.label));
}

// ------------------------------------------------------------------ text

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function summaryOf(m: Model): string {
  const zones = m.regions.reduce((n, r) => n + r.zones.size, 0);
  return `${plural(m.regions.length, 'region')} · ${plural(zones, 'availability zone')} · ${plural(m.hosts, 'host')} (${m.down} not up) · ${plural(m.servers, 'server')}`;
}

function stateText(h: HostView): string {
  return h.state === 'up' ? 'up' : `${h.state.toUpperCase()}${h.state_reason ? ` (${h.state_reason})` : ''}`;
}

function textOf(title: string, m: Model): string {
  const lines = [title, summaryOf(m)];
  for (const region of m.regions) {
    lines.push(`region ${region.name}${region.zones.size === 0 ? ' (no hosts)' : ''}`);
    for (const zone of zonesInOrder(region)) {
      lines.push(`  availability zone ${zone.name}${zone.internal ? ' (internal services, no instances)' : ''}`);
      for (const group of groupsInOrder(zone)) {
        lines.push(`    ${group.label}`);
        for (const c of group.hosts) {
          const notes = [stateText(c.host), c.host.roles.join(', '), ...(c.service === undefined ? [] : [c.service]), plural(c.servers.length, 'server')];
          lines.push(`      ${c.host.name}  ${notes.join('  ')}`);
          for (const s of c.servers.slice(0, MAX_CHIPS)) lines.push(`        ${s.name}  ${s.status}`);
          if (c.servers.length > MAX_CHIPS) lines.push(`        +${c.servers.length - MAX_CHIPS} more`);
        }
      }
    }
  }
  if (m.unplaced.length > 0) lines.push(`servers on no host: ${m.unplaced.map((s) => `${s.name} ${s.status}`).join(', ')}`);
  return lines.map(oneLine).join('\n'); // names, roles and reasons are anyone's strings
}

// ------------------------------------------------------------------ drawing

/** A drawn box: its size and its markup at the origin. */
interface Box {
  readonly w: number;
  readonly h: number;
  readonly body: string;
}

const at = (x: number, y: number, body: string): string => el('g', { transform: `translate(${x},${y})` }, body);

function statusColour(status: string): string {
  if (status === 'ACTIVE') return PALETTE.ok;
  if (status === 'ERROR' || status === 'DELETED' || status === 'UNKNOWN') return PALETTE.down;
  if (['SHUTOFF', 'SUSPENDED', 'PAUSED', 'SHELVED', 'SHELVED_OFFLOADED', 'SOFT_DELETED'].includes(status)) return PALETTE.muted;
  return PALETTE.warn;
}

function chip(s: ServerChip, width: number): string {
  const status = fit(s.status, 70, 9);
  const nameW = width - 18 - textWidth(status, 9) - 6;
  return el('g', { 'data-server': s.name },
    el('title', {}, escapeXml(`server ${s.name}: ${s.status}`)),
    el('rect', { x: 0, y: 0, width, height: 14, rx: 3, fill: PALETTE.region, stroke: PALETTE.grid }),
    el('rect', { x: 3, y: 3, width: 8, height: 8, rx: 2, fill: statusColour(s.status) }),
    el('text', { x: 15, y: 10.5, 'font-size': 10, fill: PALETTE.ink }, escapeXml(fit(s.name, nameW, 10))),
    el('text', { x: width - 4, y: 10.5, 'font-size': 9, 'text-anchor': 'end', fill: PALETTE.muted }, escapeXml(status)));
}

function card(c: HostCard): Box {
  const h = c.host;
  const up = h.state === 'up';
  const colour = up ? PALETTE.ok : h.state === 'maintenance' ? PALETTE.warn : PALETTE.down;
  const shown = c.servers.slice(0, MAX_CHIPS);
  const more = c.servers.length - shown.length;
  const height = 38 + (c.service === undefined ? 0 : 12) + shown.length * 16 + (more > 0 ? 13 : 0) + (c.servers.length === 0 ? 0 : 4);
  const state = up ? 'up' : h.state.toUpperCase();
  const tip = `host ${h.name}: ${stateText(h)}; roles ${h.roles.join(', ')}; ${h.hypervisor_type}, ${h.logical_cpus} CPUs, ${Math.round(h.memory_mb / 1024)} GiB RAM, ${h.disk_gb} GB disk; ${plural(c.servers.length, 'server')}`;
  const parts = [
    el('title', {}, escapeXml(tip)),
    el('rect', { x: 0, y: 0, width: CARD_W, height, rx: 4, fill: up ? PALETTE.host : '#fdecec', stroke: up ? PALETTE.grid : colour, 'stroke-width': up ? 1 : 2 }),
    el('circle', { cx: 10, cy: 12, r: 4, fill: colour }),
    el('text', { x: 19, y: 16, 'font-weight': 600, fill: up ? PALETTE.ink : colour }, escapeXml(fit(h.name, CARD_W - 30 - textWidth(state, 10), 12))),
    el('text', { x: CARD_W - 6, y: 16, 'font-size': 10, 'text-anchor': 'end', 'font-weight': up ? undefined : 700, fill: up ? PALETTE.muted : colour }, escapeXml(state)),
    el('text', { x: 8, y: 30, 'font-size': 10, fill: PALETTE.muted }, escapeXml(fit(h.roles.join(', '), CARD_W - 16, 10))),
  ];
  let y = 36;
  if (c.service !== undefined) {
    parts.push(el('text', { x: 8, y: y + 6, 'font-size': 10, fill: PALETTE.down }, escapeXml(fit(c.service, CARD_W - 16, 10))));
    y += 12;
  }
  for (const s of shown) {
    parts.push(at(6, y, chip(s, CARD_W - 12)));
    y += 16;
  }
  if (more > 0) parts.push(el('text', { x: 8, y: y + 9, 'font-size': 10, fill: PALETTE.muted }, escapeXml(`+${more} more`)));
  return { w: CARD_W, h: height, body: el('g', { 'data-host': h.name, 'data-state': h.state }, ...parts) };
}

/** Children flowing left to right (wrapping past {@link FLOW_W}) under a label, in a rounded box. */
function frame(kind: string, name: string, label: string, fill: string, children: readonly Box[], pad: number, size: number): Box {
  const labelH = size + 10;
  const limit = Math.max(FLOW_W, ...children.map((c) => c.w));
  const placed: string[] = [];
  let x = 0;
  let y = 0;
  let rowH = 0;
  let inner = 0;
  for (const c of children) {
    if (x > 0 && x + c.w > limit) {
      x = 0;
      y += rowH + GAP;
      rowH = 0;
    }
    placed.push(at(pad + x, pad + labelH + y, c.body));
    inner = Math.max(inner, x + c.w);
    x += c.w + GAP;
    rowH = Math.max(rowH, c.h);
  }
  const w = Math.max(textWidth(label, size) * 1.1 + pad * 2, inner + pad * 2);
  const h = pad + labelH + y + rowH + pad;
  return {
    w,
    h,
    body: el('g', { [`data-${kind}`]: name },
      el('rect', { x: 0, y: 0, width: w, height: h, rx: 6, fill, stroke: PALETTE.grid }),
      el('text', { x: pad, y: pad + size, 'font-size': size, 'font-weight': 600, fill: PALETTE.ink }, escapeXml(label)),
      ...placed),
  };
}

/** Host cards in a grid of {@link COLUMNS}; each grid row as tall as its tallest card. */
function grid(cards: readonly Box[]): Box {
  const cols = Math.max(1, Math.min(COLUMNS, cards.length));
  const parts: string[] = [];
  let y = 0;
  for (let i = 0; i < cards.length; i += cols) {
    const row = cards.slice(i, i + cols);
    row.forEach((c, j) => parts.push(at(j * (CARD_W + GAP), y, c.body)));
    y += Math.max(...row.map((c) => c.h)) + GAP;
  }
  return { w: cols * CARD_W + (cols - 1) * GAP, h: Math.max(0, y - GAP), body: parts.join('') };
}

function svgOf(title: string, m: Model): string {
  const margin = 12;
  const regions = m.regions.map((region) => {
    const zones = zonesInOrder(region).map((zone) => {
      const groups = groupsInOrder(zone).map((g) => frame('aggregate', g.label, `${g.label} (${plural(g.hosts.length, 'host')})`, PALETTE.aggregate, [grid(g.hosts.map(card))], 8, 11));
      const label = `availability zone ${zone.name}${zone.internal ? ' — internal services, no instances' : ''}`;
      return frame('zone', zone.name, label, PALETTE.zone, groups, 10, 12);
    });
    const empty = zones.length === 0 ? [{ w: 200, h: 14, body: el('text', { x: 0, y: 11, fill: PALETTE.muted }, 'no hosts') }] : [];
    return frame('region', region.name, `region ${region.name}`, PALETTE.region, [...zones, ...empty], 12, 14);
  });
  const parts = [
    el('text', { x: margin, y: margin + 14, 'font-size': 15, 'font-weight': 600, fill: PALETTE.ink }, escapeXml(title)),
    el('text', { x: margin, y: margin + 30, 'font-size': 11, fill: PALETTE.muted }, escapeXml(summaryOf(m))),
  ];
  let y = margin + 42;
  for (const r of regions) {
    parts.push(at(margin, y, r.body));
    y += r.h + GAP * 2;
  }
  if (m.unplaced.length > 0) {
    const line = `servers on no host: ${m.unplaced.slice(0, 20).map((s) => `${s.name} (${s.status})`).join(', ')}${m.unplaced.length > 20 ? `, +${m.unplaced.length - 20} more` : ''}`;
    parts.push(el('text', { x: margin, y: y + 10, fill: PALETTE.down, 'data-unplaced': m.unplaced.length }, escapeXml(line)));
    y += 24;
  }
  const width = Math.max(480, textWidth(summaryOf(m), 11) + margin * 2, ...regions.map((r) => r.w + margin * 2));
  return svgDocument('datacenter', title, width, y + margin, parts.join(''));
}

/**
 * The datacenter: regions → availability zones → host aggregates → hosts, each host a card with
 * its name, state (down in red), roles and its servers (name and status; the first
 * {@link MAX_CHIPS}, then `+N more`); hosts wrap in a grid so a thousand stay readable. Zones are
 * those nova shows (`openstack compute service list`): a compute host is in its aggregates'
 * `availability_zone`, else in `default_availability_zone` (`nova`); controllers, network and
 * storage hosts without `nova-compute` are in `internal`. Inside a zone, hosts are grouped by the
 * aggregates they belong to (an overlap such as `az1, gpu` is its own group). The text form is
 * the same tree, indented.
 *
 * Reads through a fork as its admin (`cloud.hardware`, `GET /os-services`, `GET /os-aggregates`,
 * `GET /servers/detail?all_tenants=1`): drawing leaves `cloud.state` and `cloud.trace()` as they
 * were. Not drawn: racks, cells, Cinder and Swift services, server groups, networks (see
 * `networkTopology`).
 *
 * @throws InvalidInput (400, `render.input.invalid`) when `cloud` is not a Cloud or an option is wrong.
 */
export function datacenter(cloud: Cloud, options: DatacenterOptions = {}): Picture {
  const o = optionsOf(options, ['title']);
  const title = titleOf(o.title, 'Datacenter');
  const model = read(cloud);
  if (model.hosts === 0) return emptyPicture('datacenter', title, 'No hosts: the datacenter is empty (a topology or the devstack preset adds some; cloud.hardware.addHost adds one).');
  return new Picture({ title, text: textOf(title, model), svg: svgOf(title, model) });
}
