/**
 * A project's network topology as Horizon's "Network Topology" panel shows it: networks as
 * vertical bars (the external one first), routers and servers as boxes between them joined to
 * each bar they have a port on, every line labelled with the addresses of that port. It answers
 * Neutron's three questions of the lecture: which L2 networks and subnets (CIDR, gateway), which
 * router joins them and SNATs to the outside (its external gateway), and which floating IP DNATs
 * to which fixed address of which server.
 *
 * Read as the admin of a fork ({@link lookInto}): `GET /v2.0/networks`, `/subnets`, `/routers`,
 * `/ports`, `/floatingips` and nova's `GET /servers/detail?all_tenants=1` for the names.
 * Not drawn: DHCP ports (the text lists them), security groups, servers without a port,
 * networks of other projects the project does not use.
 */
import type { Cloud } from '../cloud.js';
import type { FloatingIpView, NetworkView, PortView, RouterView, SubnetView } from '../network/index.js';
import type { Session } from '../session.js';
import { AmbiguousName, ResourceNotFound } from '../core/index.js';
import { emptyPicture, Picture } from './picture.js';
import { allServers, byName, lookInto, natural } from './read.js';
import { bad, describe, most, optionsOf, titleOf } from './check.js';
import { PALETTE, el, escapeXml, fit, oneLine, svgDocument, textWidth } from './svg.js';

/** Options of {@link networkTopology}. */
export interface NetworkTopologyOptions {
  /** The picture's title (default `Network topology of project <name>`): one line, at most 200 characters; empty gives the default. */
  readonly title?: string;
}

/** Networks and boxes drawn before "… N more" (the text lists everything). */
const DRAWN_NETWORKS = 16;
const DRAWN_DEVICES = 80;

const OWNER_GATEWAY = 'network:router_gateway';
const NOT_DEVICES = ['network:dhcp', 'network:floatingip', OWNER_GATEWAY];

/**
 * What a network is to the project: the external one (`router:external`), its own, one another
 * project shares with every project (`shared`), or another project's that is not shared (an admin
 * put a port of this project on it).
 */
type Role = 'external' | 'own' | 'shared' | 'other';
/** How the picture says a network's role (an own network says nothing). */
const ROLE_WORDS: Readonly<Record<Role, string>> = { external: 'external', own: '', shared: 'shared', other: "another project's" };
/** Networks in this order: the external one, the project's own, shared ones, other projects'. */
const ROLE_RANK: Readonly<Record<Role, number>> = { external: 0, own: 1, shared: 2, other: 3 };

interface Net {
  readonly view: NetworkView;
  readonly subnets: readonly SubnetView[];
  readonly role: Role;
  readonly dhcp: readonly PortView[];
}

interface Link {
  readonly network_id: string;
  readonly label: string;
  readonly colour: string;
  readonly dashed: boolean;
}

interface Device {
  readonly kind: 'router' | 'server' | 'port' | 'floating IP';
  readonly id: string;
  readonly name: string;
  readonly colour: string;
  /** Lines inside the box under its name. */
  readonly lines: readonly string[];
  readonly links: readonly Link[];
}

const short = (id: string): string => id.slice(0, 8);
/** Addresses of a port, IPv4 first. */
function addresses(port: PortView): string[] {
  const ips = port.fixed_ips.map((f) => f.ip_address);
  return [...ips.filter((ip) => !ip.includes(':')), ...ips.filter((ip) => ip.includes(':'))];
}

/** The project a reference names, as the admin sees the projects (its id, else its unique name). */
function findProject(admin: Session, ref: string): { readonly id: string; readonly name: string } {
  const projects = admin.identity.listProjects();
  const byId = projects.find((p) => p.id === ref);
  if (byId !== undefined) return byId;
  const named = projects.filter((p) => p.name === ref);
  if (named.length > 1) throw new AmbiguousName('identity.project', ref, named.map((p) => p.id));
  if (named[0] === undefined) throw new ResourceNotFound('identity.project', ref, 'identity.project.not_found', 'project');
  return named[0];
}

function roleOf(n: NetworkView, projectId: string): Role {
  if (n['router:external']) return 'external';
  if (n.project_id === projectId) return 'own';
  return n.shared ? 'shared' : 'other';
}

/** `name (role)`: a network as its heading says it. */
function netHeading(n: Net): string {
  const word = ROLE_WORDS[n.role];
  return `${n.view.name || short(n.view.id)}${word === '' ? '' : ` (${word})`}`;
}

/** What the picture shows, read from the fork. */
function readTopology(admin: Session, projectId: string): { nets: Net[]; devices: Device[] } {
  const net = admin.network;
  const routers = [...net.listRouters({ project_id: projectId })].sort(byName);
  const ports = net.listPorts({ project_id: projectId });
  const gateways = routers.length === 0 ? [] : net.listPorts({ device_owner: OWNER_GATEWAY, device_id: routers.map((r) => r.id) });
  const fips = [...net.listFloatingIps({ project_id: projectId })].sort((a, b) => natural(a.floating_ip_address, b.floating_ip_address) || (a.id < b.id ? -1 : 1));
  const used = new Set<string>([...ports.map((p) => p.network_id), ...fips.map((f) => f.floating_network_id)]);
  for (const r of routers) if (r.external_gateway_info) used.add(r.external_gateway_info.network_id);
  const allSubnets = net.listSubnets();
  const nets: Net[] = net.listNetworks()
    .filter((n) => n.project_id === projectId || used.has(n.id))
    .map((n) => ({
      view: n,
      role: roleOf(n, projectId),
      subnets: allSubnets.filter((s) => s.network_id === n.id).sort((a, b) => a.ip_version - b.ip_version || byName(a, b)),
      dhcp: ports.filter((p) => p.network_id === n.id && p.device_owner === 'network:dhcp'),
    }))
    .sort((a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role] || byName(a.view, b.view));
  const netName = new Map(nets.map((n) => [n.view.id, n.view.name || short(n.view.id)]));
  const fipsOnPort = new Map<string, FloatingIpView[]>();
  for (const f of fips) if (f.port_id !== null) fipsOnPort.set(f.port_id, [...(fipsOnPort.get(f.port_id) ?? []), f]);
  const fipLinks = (port: PortView): Link[] => (fipsOnPort.get(port.id) ?? []).map((f) => ({ network_id: f.floating_network_id, label: `FIP ${f.floating_ip_address}`, colour: PALETTE.external, dashed: true }));
  const fipLines = (port: PortView): string[] => (fipsOnPort.get(port.id) ?? []).map((f) => `FIP ${f.floating_ip_address} → ${f.fixed_ip_address ?? '?'} (DNAT)`);
  const portLink = (p: PortView, colour: string): Link => ({ network_id: p.network_id, label: addresses(p).join(', ') || '(no address)', colour, dashed: false });
  const claimed = new Set<string>();

  const devices: Device[] = routers.map((r: RouterView) => {
    const gw = r.external_gateway_info;
    const gwPorts = gateways.filter((p) => p.device_id === r.id);
    const ifaces = ports.filter((p) => p.device_id === r.id && p.device_owner.startsWith('network:router_interface'))
      .sort((a, b) => Number((addresses(a)[0] ?? '').includes(':')) - Number((addresses(b)[0] ?? '').includes(':')));
    for (const p of [...gwPorts, ...ifaces]) claimed.add(p.id);
    const gwIps = gw ? gw.external_fixed_ips.map((f) => f.ip_address).sort((a, b) => Number(a.includes(':')) - Number(b.includes(':'))) : [];
    return {
      kind: 'router' as const, id: r.id, name: r.name || short(r.id), colour: PALETTE.router,
      lines: [
        `${r.status}${r.admin_state_up ? '' : ', admin down'}`,
        gw ? `gateway ${netName.get(gw.network_id) ?? short(gw.network_id)}: SNAT ${gw.enable_snat ? 'on' : 'off'}, ${gwIps.join(', ') || 'no address'}` : 'no external gateway',
        ...ifaces.map((p) => `interface ${netName.get(p.network_id) ?? short(p.network_id)} ${addresses(p).join(', ')}`),
      ],
      links: [
        ...(gw ? [{ network_id: gw.network_id, label: gwIps.join(', ') || '(no address)', colour: PALETTE.external, dashed: false }] : []),
        ...ifaces.map((p) => portLink(p, PALETTE.router)),
      ],
    };
  });

  const servers = new Map(allServers(admin, { project_id: projectId }).map((s) => [s.id, s]));
  const compute = new Map<string, PortView[]>();
  for (const p of ports) if (p.device_owner.startsWith('compute:') && p.device_id !== '') compute.set(p.device_id, [...(compute.get(p.device_id) ?? []), p]);
  const serverDevices: Device[] = [...compute].map(([id, own]) => {
    for (const p of own) claimed.add(p.id);
    const s = servers.get(id);
    const hosts = [...new Set(own.map((p) => p['binding:host_id'] ?? '').filter((h) => h !== ''))];
    return {
      kind: 'server' as const, id, name: s?.name || short(id), colour: PALETTE.server,
      lines: [
        `${s?.status ?? 'unknown server'}${hosts.length > 0 ? ` on ${hosts.join(', ')}` : ''}`,
        ...own.map((p) => `${netName.get(p.network_id) ?? short(p.network_id)} ${addresses(p).join(', ')}`),
        ...own.flatMap(fipLines),
      ],
      links: [...own.map((p) => portLink(p, PALETTE.server)), ...own.flatMap(fipLinks)],
    };
  }).sort(byName);

  const loose: Device[] = ports.filter((p) => !claimed.has(p.id) && !NOT_DEVICES.includes(p.device_owner)).map((p) => ({
    kind: 'port' as const, id: p.id, name: `port ${p.name || short(p.id)}`, colour: PALETTE.muted,
    lines: [`${p.status}${p.device_owner ? `, ${p.device_owner}` : ', no device'}${p['binding:host_id'] ? ` on ${p['binding:host_id']}` : ''}`, ...fipLines(p)],
    links: [portLink(p, PALETTE.muted), ...fipLinks(p)],
  }));
  const attached = new Set(ports.map((p) => p.id));
  const freeFips: Device[] = fips.filter((f) => f.port_id === null || !attached.has(f.port_id)).map((f) => ({
    kind: 'floating IP' as const, id: f.id, name: f.floating_ip_address, colour: PALETTE.external,
    lines: [f.port_id === null ? 'not associated' : `→ ${f.fixed_ip_address ?? '?'} (port ${short(f.port_id)})`],
    links: [{ network_id: f.floating_network_id, label: f.floating_ip_address, colour: PALETTE.external, dashed: true }],
  }));
  return { nets, devices: [...devices, ...serverDevices, ...loose, ...freeFips] };
}

/** The text form: a tree of networks (subnets, DHCP) and devices (their ports and floating IPs). */
function tree(heading: string, nets: readonly Net[], devices: readonly Device[]): string {
  const out = [heading];
  const items: { head: string; children: string[] }[] = [
    ...nets.map((n) => ({
      head: `network ${n.view.name || short(n.view.id)} (${n.role === 'own' ? '' : `${ROLE_WORDS[n.role]}, `}${n.view['provider:network_type'] ?? 'network'}${n.view['provider:segmentation_id'] != null ? ` ${n.view['provider:segmentation_id']}` : ''}, ${short(n.view.id)})`,
      children: [
        ...n.subnets.map((s) => `subnet ${s.name || short(s.id)} ${s.cidr}, gateway ${s.gateway_ip ?? 'none'}`),
        ...n.dhcp.map((p) => `DHCP port ${addresses(p).join(', ')}`),
      ],
    })),
    ...devices.map((d) => ({ head: `${d.kind} ${d.name} (${short(d.id)})`, children: [...d.lines] })),
  ];
  items.forEach((item, i) => {
    const lastItem = i === items.length - 1;
    out.push(`${lastItem ? '└─' : '├─'} ${item.head}`);
    item.children.forEach((c, j) => out.push(`${lastItem ? '   ' : '│  '}${j === item.children.length - 1 ? '└─' : '├─'} ${c}`));
  });
  return out.map(oneLine).join('\n'); // names are anyone's strings: none may break the tree
}

const BAR = 28;
const BOX = 230;
const MARGIN = 16;

/** The drawing: bars, then lines with their labels, then boxes. */
function draw(title: string, nets: readonly Net[], devices: readonly Device[]): string {
  const shownNets = nets.slice(0, DRAWN_NETWORKS);
  const col = new Map(shownNets.map((n, i) => [n.view.id, i]));
  const drawable = devices.filter((d) => d.links.some((l) => col.has(l.network_id)));
  const shown = drawable.slice(0, DRAWN_DEVICES);
  const labels = shown.flatMap((d) => d.links.map((l) => textWidth(l.label, 10)));
  const gap = Math.max(110, Math.min(230, Math.max(0, ...labels) + 16));
  const colW = BAR + gap + BOX + 40;
  const barX = (i: number): number => MARGIN + i * colW;
  const headLines = Math.min(5, Math.max(0, ...shownNets.map((n) => n.subnets.length)));
  const top = 40 + 18 + headLines * 14 + 10;
  const parts: string[] = [];
  const heights = shown.map((d) => Math.max(24 + d.lines.length * 14, 10 + d.links.length * 16));
  // each box sits right of the first network it has a port on (a floating IP's dashed line does not count)
  const columnOf = shown.map((d) => {
    const wired = d.links.filter((l) => !l.dashed && col.has(l.network_id));
    return Math.min(...(wired.length > 0 ? wired : d.links).map((l) => col.get(l.network_id) ?? Infinity));
  });
  // rows: a box shares a row with the boxes whose lines and labels it does not cross
  const rows: { spans: [number, number][]; height: number; y: number }[] = [];
  const rowOf = shown.map((d, k) => {
    const c = columnOf[k] as number;
    const bars = d.links.map((l) => col.get(l.network_id)).filter((i): i is number => i !== undefined).map(barX);
    const span: [number, number] = [Math.min(barX(c), ...bars), Math.max(barX(c) + BAR + gap + BOX, ...bars.map((b) => b + BAR + gap)) + 8];
    let r = rows.findIndex((row) => row.spans.every(([a, b]) => span[1] <= a || span[0] >= b));
    if (r < 0) r = rows.push({ spans: [], height: 0, y: 0 }) - 1;
    const row = rows[r] as (typeof rows)[number];
    row.spans.push(span);
    row.height = Math.max(row.height, heights[k] as number);
    return r;
  });
  let next = top + 6;
  for (const row of rows) {
    row.y = next;
    next += row.height + 18;
  }
  const more = nets.length - shownNets.length + devices.length - shown.length;
  // bars at least as long as their names down them (up to 160 px), however few boxes there are
  const named = Math.min(160, most(shownNets, (n) => textWidth(n.view.name || short(n.view.id), 12, true), 0));
  const bottom = Math.max(next + (more > 0 ? 24 : 0) + 8, top + 24 + named);
  const width = Math.max(480, MARGIN + shownNets.length * colW);
  parts.push(el('text', { x: MARGIN, y: 22, 'font-size': 14, 'font-weight': 'bold', fill: PALETTE.ink }, escapeXml(fit(title, width - 2 * MARGIN, 14))));

  shownNets.forEach((n, i) => {
    const x = barX(i);
    const colour = n.role === 'external' ? PALETTE.external : PALETTE.network;
    const name = n.view.name || short(n.view.id);
    const head = [el('text', { x, y: 52, 'font-weight': 'bold', fill: colour }, escapeXml(fit(netHeading(n), colW - 12, 12, true)))];
    n.subnets.slice(0, headLines).forEach((s, k) => {
      const text = k === 4 && n.subnets.length > 5 ? `… ${n.subnets.length - 4} more subnets` : `${s.cidr} gw ${s.gateway_ip ?? 'none'}`;
      head.push(el('text', { x, y: 68 + k * 14, 'font-size': 11, fill: PALETTE.muted }, escapeXml(fit(text, colW - 12, 11))));
    });
    parts.push(el('g', { 'data-network': n.view.id, 'data-role': n.role },
      el('title', {}, escapeXml(`network ${name} (${n.view.id}): ${n.subnets.map((s) => `${s.name} ${s.cidr}`).join(', ') || 'no subnets'}`)),
      ...head,
      el('rect', { x, y: top - 6, width: BAR, height: bottom - top + 6, rx: 4, fill: colour, opacity: n.role === 'shared' || n.role === 'other' ? 0.7 : 1 }),
      // the name down the bar, bold, fitted to the bar's length (a short bar shows `public 172.2…`, never text running off its end)
      el('text', { x: x + BAR / 2 - 4, y: top + 4, transform: `rotate(90 ${x + BAR / 2 - 4} ${top + 4})`, fill: PALETTE.background, 'font-weight': 'bold' }, escapeXml(fit(`${name}  ${n.subnets.map((s) => s.cidr).join('  ')}`, bottom - top - 20, 12, true))),
    ));
  });

  shown.forEach((d, k) => {
    const h = heights[k] as number;
    const c = columnOf[k] as number;
    const y = (rows[rowOf[k] as number] as (typeof rows)[number]).y;
    const boxX = barX(c) + BAR + gap;
    const wires: string[] = [];
    d.links.forEach((l, j) => {
      const target = col.get(l.network_id);
      if (target === undefined) return;
      const ly = y + 12 + j * 16;
      const bar = barX(target);
      const [from, to] = target <= c ? [boxX, bar + BAR] : [boxX + BOX, bar];
      wires.push(el('line', { x1: from, y1: ly, x2: to, y2: ly, stroke: l.colour, 'stroke-width': 2, 'stroke-dasharray': l.dashed ? '6 4' : undefined }));
      wires.push(el('circle', { cx: to, cy: ly, r: 3.5, fill: l.colour, stroke: PALETTE.background }));
      wires.push(el('text', { x: bar + BAR + 6, y: ly - 4, 'font-size': 10, fill: PALETTE.ink, stroke: PALETTE.background, 'stroke-width': 3, 'paint-order': 'stroke' }, escapeXml(fit(l.label, gap - 24, 10))));
    });
    const text = [el('text', { x: boxX + 8, y: y + 16, 'font-weight': 'bold', fill: PALETTE.ink }, escapeXml(fit(`${d.kind === 'router' ? '⇄ ' : ''}${d.name}`, BOX - 16)))];
    d.lines.forEach((line, i) => text.push(el('text', { x: boxX + 8, y: y + 31 + i * 14, 'font-size': 11, fill: PALETTE.muted }, escapeXml(fit(line, BOX - 16, 11)))));
    parts.push(el('g', { 'data-device': d.kind, 'data-id': d.id },
      el('title', {}, escapeXml(`${d.kind} ${d.name} (${d.id})\n${d.lines.join('\n')}`)),
      ...wires,
      el('rect', { x: boxX, y, width: BOX, height: h, rx: 5, fill: PALETTE.background, stroke: d.colour, 'stroke-width': 2 }),
      el('rect', { x: boxX, y, width: 5, height: h, rx: 2, fill: d.colour }),
      ...text,
    ));
  });
  if (more > 0) parts.push(el('text', { x: MARGIN, y: next + 10, fill: PALETTE.muted, 'font-style': 'italic' }, escapeXml(`… ${more} more networks or devices not drawn (the text lists them all)`)));
  return svgDocument('network', title, width, bottom + MARGIN, parts.join(''));
}

/**
 * A project's network topology (Horizon's "Network Topology"): its own networks, the shared and
 * external networks it uses, each with its subnets (CIDR, gateway); its routers with their
 * external gateway (address, SNAT on or off) and interfaces; its servers with a port on each
 * network (addresses, `binding:host_id`); its floating IPs (floating → fixed address, DNAT to
 * which server or port). `project` is a project's id or unique name; an unknown one is Keystone's
 * 404 `identity.project.not_found`. A project with nothing on the network gets a picture saying
 * so. Text: a tree; SVG: network bars with routers and servers joined to them (at most 16
 * networks and 80 boxes drawn, then "… N more").
 */
export function networkTopology(cloud: Cloud, project: string, options: NetworkTopologyOptions = {}): Picture {
  if (typeof project !== 'string' || project.trim() === '') throw bad('project', `expected a project id or name, got ${project === '' ? 'an empty string' : describe(project)}`);
  if (project.length > 255) throw bad('project', `must be at most 255 characters (a name or an id), got ${project.length}`);
  const asked = titleOf(optionsOf(options, ['title']).title, '');
  const { admin } = lookInto(cloud);
  const p = findProject(admin, project);
  const { nets, devices } = readTopology(admin, p.id);
  const title = asked !== '' ? asked : titleOf(undefined, `Network topology of project ${p.name}`);
  if (nets.length === 0 && devices.length === 0) return emptyPicture('network', title, `Project ${p.name} (${p.id}) has no networks, routers or floating IPs.`);
  return new Picture({ title, text: tree(`${title} (${p.id})`, nets, devices), svg: draw(title, nets, devices) });
}
