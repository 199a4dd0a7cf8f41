/**
 * Host utilisation per resource class — the lecture's overcommit slide, drawn from Placement's
 * inventories: for each compute host and class, the physical amount (`total − reserved`), what
 * Placement lets be allocated (`capacity = int((total − reserved) × allocation_ratio)`) and what
 * is allocated (`used`). Usage past the physical amount is what overcommit buys; it is drawn in
 * the overused colour so it shows at a glance.
 */
import type { HostUsage } from '../scheduler/index.js';
import type { Cloud } from '../cloud.js';
import { alignColumns, clip, el, escapeXml, fit, formatNumber, oneLine, PALETTE, svgDocument, textWidth } from './svg.js';
import { emptyPicture, Picture } from './picture.js';
import { lookInto } from './read.js';
import { bad, describe, fieldsOf, isCloudLike, list, most, optionsOf, titleOf, type Fields } from './check.js';

/** Options of {@link utilisation}. */
export interface UtilisationOptions {
  /** Resource classes to draw, in order (default those of `VCPU`, `MEMORY_MB`, `DISK_GB` the hosts have). */
  readonly resources?: readonly string[];
  /** The picture's title (default `Host utilisation`): one line, at most 200 characters; empty gives the default. */
  readonly title?: string;
}

const DEFAULT_CLASSES = ['VCPU', 'MEMORY_MB', 'DISK_GB'];
/** Placement's resource class names (`VCPU`, `CUSTOM_GPU`). */
const RESOURCE_CLASS = /^[A-Z0-9_]{1,255}$/;
const MAX_HOSTS = 100_000;

/** One host and class, as drawn. */
interface Bar {
  readonly total: number;
  readonly reserved: number;
  readonly ratio: number;
  /** `total − reserved`. */
  readonly physical: number;
  readonly capacity: number;
  readonly used: number;
  readonly free: number;
}

interface Row {
  readonly host: string;
  readonly state: string;
  readonly bars: Readonly<Record<string, Bar>>;
}

// ------------------------------------------------------------------ input

/** A finite number (≥ 0 unless `signed`: `free` is negative when a lowered ratio leaves a host over its new capacity). */
function amount(r: Fields, key: string, optional = false, signed = false): number | undefined {
  const v = r.get(key);
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || (!signed && v < 0)) {
    throw bad(r.at(key), `expected a finite number${signed ? '' : ' ≥ 0'} (as cloud.scheduler.usage() gives), got ${describe(v)}`);
  }
  return v;
}

function barOf(v: unknown, where: string): Bar {
  const r = fieldsOf(v, where, '{ total, reserved, allocation_ratio, capacity, used }');
  const total = amount(r, 'total') as number;
  const reserved = amount(r, 'reserved') as number;
  const ratio = amount(r, 'allocation_ratio') as number;
  const used = amount(r, 'used') as number;
  const physical = Math.max(0, total - reserved);
  const capacity = amount(r, 'capacity', true) ?? Math.floor(physical * ratio);
  const free = amount(r, 'free', true, true) ?? capacity - used;
  return { total, reserved, ratio, physical, capacity, used, free };
}

/** Checks a `cloud.scheduler.usage()` list (it may come from JSON, be sparse, or be a Proxy) and reads it into rows. */
function rowsOf(usage: unknown): Row[] {
  return list(usage, 'usage', MAX_HOSTS, 'cloud.scheduler.usage() (a list of host usages) or a Cloud').map((u, i) => rowOf(u, `usage[${i}]`));
}

function rowOf(u: unknown, where: string): Row {
  const r = fieldsOf(u, where, 'a host usage { host, state, resources }');
  const host = r.get('host');
  if (typeof host !== 'string' || host === '') throw bad(r.at('host'), `expected a hostname, got ${describe(host)}`);
  const state = r.get('state') ?? 'up';
  if (typeof state !== 'string') throw bad(r.at('state'), `expected up, down or maintenance, got ${describe(state)}`);
  const resources = fieldsOf(r.get('resources'), r.at('resources'), 'resource classes → usage');
  const bars: Record<string, Bar> = Object.create(null) as Record<string, Bar>;
  for (const rc of resources.keys()) {
    if (!RESOURCE_CLASS.test(rc)) throw bad(resources.where, `'${clip(oneLine(rc), 40)}' is not a resource class (upper case, digits and _ like VCPU or CUSTOM_GPU)`);
    bars[rc] = barOf(resources.get(rc), resources.at(rc));
  }
  return { host: oneLine(clip(host, 255)), state: oneLine(clip(state, 40)), bars };
}

function classesOf(value: unknown, rows: readonly Row[]): string[] {
  const present: string[] = [];
  for (const r of rows) for (const rc of Object.keys(r.bars)) if (!present.includes(rc)) present.push(rc);
  const ordered = [...DEFAULT_CLASSES.filter((c) => present.includes(c)), ...present.filter((c) => !DEFAULT_CLASSES.includes(c)).sort()];
  if (value === undefined) {
    const defaults = ordered.filter((c) => DEFAULT_CLASSES.includes(c));
    return defaults.length > 0 ? defaults : ordered;
  }
  const expected = `a non-empty list of resource classes (${ordered.join(', ') || 'VCPU, MEMORY_MB, DISK_GB'})`;
  const asked = list(value, 'options.resources', 1000, expected);
  if (asked.length === 0) throw bad('options.resources', `expected ${expected}, got an empty list`);
  const out: string[] = [];
  asked.forEach((rc, i) => {
    if (typeof rc !== 'string') throw bad(`options.resources[${i}]`, `expected a resource class name, got ${describe(rc)}`);
    if (rows.length > 0 && !present.includes(rc)) {
      throw bad('options.resources', `no host has resource class '${clip(oneLine(rc), 60)}'; the hosts have ${ordered.join(', ')}`);
    }
    if (!out.includes(rc)) out.push(rc);
  });
  return out;
}

// ------------------------------------------------------------------ drawing

const RATIO_TEXT = new Map<number, string>([[1, '×1'], [1.5, '×1.5'], [16, '×16'], [4, '×4'], [2, '×2']]);

/** `×16`: an allocation ratio as the picture labels it. */
function ratioText(r: number): string {
  return RATIO_TEXT.get(r) ?? `×${formatNumber(r)}`;
}

function stateColour(state: string): string {
  return state === 'up' ? PALETTE.ink : state === 'maintenance' ? PALETTE.warn : PALETTE.down;
}

/** One bar: physical (grey), overcommitted capacity (light blue), usage (blue, red past physical). */
function drawBar(b: Bar, x: number, y: number, width: number, height: number, scale: number): string {
  const px = (n: number): number => (n / scale) * width;
  const parts: string[] = [];
  if (b.capacity > b.physical) parts.push(el('rect', { x: x + px(b.physical), y, width: px(b.capacity - b.physical), height, fill: PALETTE.overcommit }));
  parts.push(el('rect', { x, y, width: px(b.physical), height, fill: PALETTE.physical }));
  const inner = Math.max(2, height * 0.5);
  const iy = y + (height - inner) / 2;
  const within = Math.min(b.used, b.physical);
  if (within > 0) parts.push(el('rect', { x, y: iy, width: Math.max(1, px(within)), height: inner, fill: PALETTE.used }));
  if (b.used > b.physical) parts.push(el('rect', { x: x + px(b.physical), y: iy, width: Math.max(1, px(b.used - b.physical)), height: inner, fill: PALETTE.overused }));
  if (b.capacity < b.physical) parts.push(el('line', { x1: x + px(b.capacity), x2: x + px(b.capacity), y1: y - 1, y2: y + height + 1, stroke: PALETTE.ink, 'stroke-dasharray': '2 2' }));
  return parts.join('');
}

function legend(x: number, y: number): string {
  const items: [string, string][] = [[PALETTE.physical, 'physical (total − reserved)'], [PALETTE.overcommit, 'overcommitted capacity (× allocation_ratio)'], [PALETTE.used, 'used'], [PALETTE.overused, 'used past physical'], [PALETTE.down, 'host down']];
  let at = x;
  const out: string[] = [];
  for (const [colour, label] of items) {
    out.push(el('rect', { x: at, y: y - 9, width: 10, height: 10, fill: colour }), el('text', { x: at + 14, y, fill: PALETTE.muted, 'font-size': 11 }, escapeXml(label)));
    at += 24 + textWidth(label, 11);
  }
  return out.join('');
}

function summaryOf(rows: readonly Row[], classes: readonly string[]): { line: string; over: number; down: number } {
  const down = rows.filter((r) => r.state !== 'up').length;
  const over = rows.filter((r) => classes.some((c) => { const b = r.bars[c]; return b !== undefined && b.used > b.physical; })).length;
  const line = `${rows.length} compute ${rows.length === 1 ? 'host' : 'hosts'}, ${down} not up, ${over} using more than physical capacity`;
  return { line, over, down };
}

/** How much wider than {@link textWidth}'s estimate a label may come out in the reader's font. */
const SLACK = 1.25;
/** A host's label: its name, and `✕ state` when it is not up. */
const hostLabel = (r: Row): string => (r.state === 'up' ? r.host : `${r.host} ✕ ${r.state}`);

function svgOf(title: string, rows: readonly Row[], classes: readonly string[], summary: string): string {
  const margin = 12;
  const rowH = rows.length > 200 ? 14 : 22;
  const font = rows.length > 200 ? 10 : 12;
  const barH = rowH - (rows.length > 200 ? 4 : 8);
  // the label column fits its longest label as drawn (a host not up is `name ✕ state`, in bold), with slack for fonts wider than the estimate
  const nameW = Math.min(240, most(rows, (r) => textWidth(hostLabel(r), font, r.state !== 'up') * SLACK, 80)) + 16;
  const barW = 200;
  const labelW = 150;
  const panelW = barW + labelW + 16;
  const top = margin + 76;
  const scales = classes.map((c) => rows.reduce((m, r) => { const b = r.bars[c]; return b === undefined ? m : Math.max(m, b.physical, b.capacity, b.used); }, 1));
  const out: string[] = [
    el('text', { x: margin, y: margin + 14, 'font-size': 15, 'font-weight': 600, fill: PALETTE.ink }, escapeXml(title)),
    el('text', { x: margin, y: margin + 30, 'font-size': 11, fill: PALETTE.muted }, escapeXml(summary)),
    legend(margin, margin + 48),
  ];
  classes.forEach((c, j) => {
    const ratios = [...new Set(rows.map((r) => r.bars[c]?.ratio).filter((r): r is number => r !== undefined))];
    const header = `${c}${ratios.length === 1 ? ` (allocation_ratio ${ratioText(ratios[0] as number)})` : ''}`;
    out.push(el('text', { x: margin + nameW + j * panelW, y: top - 4, 'font-weight': 600, fill: PALETTE.ink }, escapeXml(header)));
  });
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const up = r.state === 'up';
    const cells: string[] = [];
    if (!up) cells.push(el('rect', { x: margin - 4, y, width: nameW + classes.length * panelW, height: rowH, fill: PALETTE.down, 'fill-opacity': 0.08 }));
    else if (i % 2 === 1) cells.push(el('rect', { x: margin - 4, y, width: nameW + classes.length * panelW, height: rowH, fill: PALETTE.region }));
    const name = fit(hostLabel(r), (nameW - 16) / SLACK, font, !up);
    cells.push(el('text', { x: margin, y: y + rowH / 2 + font * 0.35, 'font-size': font, fill: stateColour(r.state), 'font-weight': up ? undefined : 600 }, escapeXml(name)));
    const tips: string[] = [];
    classes.forEach((c, j) => {
      const b = r.bars[c];
      const x = margin + nameW + j * panelW;
      if (b === undefined) {
        cells.push(el('text', { x, y: y + rowH / 2 + font * 0.35, 'font-size': font - 1, fill: PALETTE.muted }, escapeXml(`no ${c} inventory`)));
        return;
      }
      tips.push(`${c}: used ${b.used} of physical ${b.physical} (total ${b.total} − reserved ${b.reserved}), capacity ${b.capacity} at ${ratioText(b.ratio)}, free ${b.free}`);
      cells.push(drawBar(b, x, y + (rowH - barH) / 2, barW, barH, scales[j] as number));
      const label = `${formatNumber(b.used)} / ${formatNumber(b.physical)} ${ratioText(b.ratio)}`;
      cells.push(el('text', { x: x + barW + 6, y: y + rowH / 2 + font * 0.35, 'font-size': font - 1, fill: b.used > b.physical ? PALETTE.overused : PALETTE.muted }, escapeXml(fit(label, labelW - 6, font - 1))));
    });
    out.push(el('g', { 'data-host': r.host, 'data-state': r.state }, el('title', {}, escapeXml(`${r.host} (${r.state}) — ${tips.join('; ')}`)), ...cells));
  });
  const width = margin * 2 + Math.max(nameW + classes.length * panelW, 560);
  return svgDocument('utilisation', title, width, top + rows.length * rowH + margin, out.join(''));
}

function textOf(title: string, rows: readonly Row[], classes: readonly string[], summary: string): string {
  const header = ['host', 'state', 'resource', 'used', 'physical', 'total', 'reserved', 'ratio', 'capacity', 'free', ''];
  const lines: string[][] = [];
  for (const r of rows) {
    for (const c of classes) {
      const b = r.bars[c];
      if (b === undefined) {
        lines.push([r.host, r.state, c, '-', '-', '-', '-', '-', '-', '-', 'no inventory']);
        continue;
      }
      const note = [b.used > b.physical ? 'used > physical' : '', b.used > b.capacity ? 'used > capacity' : ''].filter((x) => x !== '').join(', ');
      lines.push([r.host, r.state, c, String(b.used), String(b.physical), String(b.total), String(b.reserved), ratioText(b.ratio), String(b.capacity), String(b.free), note]);
    }
  }
  const right = header.map((_, i) => i >= 3 && i <= 9);
  return [title, summary, '', ...alignColumns(header, lines, right)].join('\n');
}

/**
 * Host utilisation per resource class, so overcommit is visible at a glance: for every compute
 * host (a row) and resource class (a column) a bar of the physical amount (`total − reserved`,
 * grey), the overcommitted capacity Placement allows (`int((total − reserved) ×
 * allocation_ratio)`, light blue, its ratio written `×16`) and the usage (blue, red past the
 * physical amount); hosts not `up` are marked. Bars of one class share a scale across hosts. The
 * text form has one line per host and class with the numbers.
 *
 * Takes `cloud.scheduler.usage()` (Placement's `GET /resource_providers/{uuid}/inventories` and
 * `/usages` per compute node, as `openstack resource provider usage show` prints them) or a
 * `Cloud`, read through a fork so the cloud's state and `trace()` stay as they were.
 * Not drawn: nested providers (sharing pools, vGPUs), `min_unit` / `max_unit` / `step_size`.
 *
 * @throws InvalidInput (400, `render.input.invalid`) for a malformed usage list (naming the field,
 * e.g. `usage[2].resources.VCPU.total`) or a resource class in `options.resources` no host has.
 */
export function utilisation(usage: readonly HostUsage[] | Cloud, options: UtilisationOptions = {}): Picture {
  const o = optionsOf(options, ['resources', 'title']);
  const title = titleOf(o.title, 'Host utilisation');
  const rows = rowsOf(isCloudLike(usage) ? lookInto(usage as Cloud, 'usage').cloud.scheduler.usage() : usage);
  const classes = classesOf(o.resources, rows);
  if (rows.length === 0) return emptyPicture('utilisation', title, 'No compute hosts: nothing reports a Placement inventory (add a host with the compute role).');
  if (classes.length === 0) return emptyPicture('utilisation', title, `${rows.length} compute ${rows.length === 1 ? 'host reports' : 'hosts report'} no inventory yet.`);
  const summary = summaryOf(rows, classes).line;
  return new Picture({ title, text: textOf(title, rows, classes, summary), svg: svgOf(title, rows, classes, summary) });
}
