/**
 * A Swift ring as `swift-ring-builder <ring>.builder` would draw it if it drew: each device's
 * part-replicas against its weight share, grouped by region and zone, the replicas each zone
 * holds, and — from the builder's `replica2part2dev` — how many partitions keep their replicas
 * in 1, 2, 3… distinct zones (what `dispersion` summarises).
 */
import type { Cloud } from '../cloud.js';
import type { RingSummary } from '../object/index.js';
import { Picture } from './picture.js';
import { lookInto } from './read.js';
import { el, escapeXml, fit, formatNumber, oneLine, PALETTE, svgDocument, textWidth } from './svg.js';
import { bad, describe, fieldsOf, isCloudLike, most, optionsOf, titleOf } from './check.js';

/** Options of {@link ring}. */
export interface RingOptions {
  /** The picture's title (default `Swift ring <name>`): one line, at most 200 characters; empty gives the default. */
  readonly title?: string;
  /** Which ring of a Cloud: `object` (default: policy 0's ring, as Swift names `object.ring.gz`), `account`, `container`, `object-1`, … */
  readonly name?: string;
}

/** What the picture reads of a ring: a Cloud's `RingSummary`, or one a caller handed over, checked. */
interface Summary {
  readonly name: string;
  readonly part_power: number;
  readonly replicas: number;
  readonly overload: number;
  readonly built: boolean;
  readonly balance: number;
  readonly dispersion: number;
  readonly devices: readonly { readonly id: number; readonly region: number; readonly zone: number; readonly ip: string; readonly device: string; readonly weight: number; readonly parts: number }[];
}
interface Device {
  readonly id: number;
  readonly region: number;
  readonly zone: number;
  readonly label: string;
  readonly weight: number;
  readonly parts: number;
  readonly wanted: number;
  readonly balance: number;
  /** Why it does not answer (`disk failed`, `host down`, …), or null. */
  readonly trouble: string | null;
}
interface Zone { readonly region: number; readonly zone: number; readonly name: string; readonly devices: readonly Device[]; readonly weight: number; readonly parts: number; readonly wanted: number }
interface Model {
  readonly title: string;
  readonly header: readonly string[];
  readonly zones: readonly Zone[];
  /** `spread[k]`: partitions whose replicas sit in k distinct zones; null without the builder. */
  readonly spread: readonly number[] | null;
  readonly partitions: number;
}

const pct = (n: number): string => `${formatNumber(n)} %`;

/** A RingSummary handed over by a caller (it may be anything), read field by field into a plain copy. */
function checkSummary(v: unknown): Summary {
  const r = fieldsOf(v, 'source', 'a Cloud or a ring summary (cloud.object.rings()[i])');
  if (!r.has('part_power') || !r.has('devices')) throw bad('source', 'expected a Cloud (what createCloud returns) or a ring summary (cloud.object.rings()[i]); this object has neither fork() nor part_power and devices');
  const name = r.text('name');
  const part_power = r.finite('part_power', 0);
  if (!Number.isInteger(part_power) || part_power > 32) throw bad(r.at('part_power'), `expected a whole number from 0 to 32, got ${part_power}`);
  const replicas = r.finite('replicas', 0);
  const [overload, balance, dispersion] = (['overload', 'balance', 'dispersion'] as const).map((f) => r.finite(f)) as [number, number, number];
  const devices = r.records('devices', 'a device').map((d) => {
    const [id, region, zone, weight, parts] = (['id', 'region', 'zone', 'weight', 'parts'] as const).map((n) => d.finite(n, 0)) as [number, number, number, number, number];
    return { id, region, zone, weight, parts, ip: d.text('ip'), device: d.text('device') };
  });
  const built = r.get('built');
  return { name, part_power, replicas, overload, balance, dispersion, devices, built: built === undefined ? devices.some((d) => d.parts > 0) : built === true };
}

/** `object` is policy 0's ring (Swift's `object.ring.gz`); other names as `cloud.object.rings()` lists them. */
function pickRing(rings: readonly RingSummary[], name: string): RingSummary {
  const found = rings.find((r) => r.name === name) ?? (name === 'object' ? rings.find((r) => r.name === 'object-0') : undefined);
  if (found === undefined) throw bad('options.name', `no ring '${oneLine(name).slice(0, 60)}'; rings: ${rings.map((r) => r.name).join(', ')} ('object' is object-0, policy 0's ring)`);
  return found;
}

function modelOf(source: unknown, options: Readonly<Record<string, unknown>>): Model {
  const name = options.name;
  if (name !== undefined && typeof name !== 'string') throw bad('options.name', `expected a ring name such as 'object', 'account' or 'container', got ${describe(name)}`);
  titleOf(options.title, ''); // a title that is no string is refused before anything is read
  let summary: Summary;
  let replica2part2dev: readonly (readonly number[])[] | null = null;
  const troubles = new Map<string, string>();
  const hostNames = new Map<string, string>();
  if (isCloudLike(source)) {
    const look = lookInto(source as Cloud, 'source');
    summary = pickRing(look.cloud.object.rings(), name ?? 'object');
    replica2part2dev = look.cloud.object.builderOf(summary.name).replica2part2dev;
    for (const h of look.cloud.hardware.listHosts()) {
      hostNames.set(h.name.toLowerCase(), h.name);
      if (h.state !== 'up') troubles.set(h.name, oneLine(`host ${h.state}${h.state_reason === null ? '' : `: ${h.state_reason}`}`));
    }
    for (const u of look.cloud.object.usage()) if (u.failed && !troubles.has(u.host)) troubles.set(`${u.host}/${u.disk}`, 'disk failed');
  } else {
    summary = checkSummary(source);
    if (name !== undefined && name !== summary.name && !(name === 'object' && summary.name === 'object-0')) {
      throw bad('options.name', `this summary is ring '${oneLine(summary.name).slice(0, 60)}'; name picks a ring of a Cloud (pass the Cloud, or leave name out)`);
    }
  }
  const partitions = 2 ** summary.part_power;
  const totalWeight = summary.devices.reduce((s, d) => s + d.weight, 0);
  const devices: Device[] = [...summary.devices]
    .sort((a, b) => a.region - b.region || a.zone - b.zone || a.id - b.id)
    .map((d) => {
      const host = hostNames.get(d.ip.toLowerCase());
      const label = oneLine(`${host ?? d.ip}/${d.device}`);
      const wanted = totalWeight > 0 ? (d.weight / totalWeight) * partitions * summary.replicas : 0;
      // swift's _build_balance_per_dev: a weightless device holding parts is MAX_BALANCE off
      const balance = d.weight === 0 ? (d.parts > 0 ? 999.99 : 0) : wanted > 0 ? (100 * d.parts) / wanted - 100 : 0;
      const trouble = host === undefined ? null : (troubles.get(host) ?? troubles.get(`${host}/${d.device}`) ?? null);
      return { id: d.id, region: d.region, zone: d.zone, label, weight: d.weight, parts: d.parts, wanted, balance, trouble };
    });
  const zones: Zone[] = [];
  for (const d of devices) {
    const last = zones[zones.length - 1];
    if (last !== undefined && last.region === d.region && last.zone === d.zone) (last.devices as Device[]).push(d);
    else zones.push({ region: d.region, zone: d.zone, name: `r${d.region}z${d.zone}`, devices: [d], weight: 0, parts: 0, wanted: 0 });
  }
  const summed = zones.map((z) => {
    const weight = z.devices.reduce((s, d) => s + d.weight, 0);
    return { ...z, weight, parts: z.devices.reduce((s, d) => s + d.parts, 0), wanted: totalWeight > 0 ? (weight / totalWeight) * partitions * summary.replicas : 0 };
  });
  let spread: number[] | null = null;
  if (replica2part2dev !== null) {
    const zoneOf = new Map(summary.devices.map((d) => [d.id, `r${d.region}z${d.zone}`]));
    spread = new Array<number>(Math.ceil(summary.replicas) + 1).fill(0); // Swift allows fractional replicas (2.5: some partitions have 3)
    const seen = new Set<string>();
    for (let p = 0; p < partitions; p++) {
      seen.clear();
      for (const row of replica2part2dev) {
        const z = row[p] === undefined ? undefined : zoneOf.get(row[p] as number);
        if (z !== undefined) seen.add(z);
      }
      spread[seen.size] = (spread[seen.size] ?? 0) + 1;
    }
  }
  const header = [
    `part_power ${summary.part_power} (${formatNumber(partitions)} partitions) · replicas ${formatNumber(summary.replicas)} · balance ${pct(summary.balance)} · dispersion ${pct(summary.dispersion)} · overload ${pct(summary.overload * 100)}`,
    `${devices.length} device${devices.length === 1 ? '' : 's'} in ${zones.length} zone${zones.length === 1 ? '' : 's'}, total weight ${formatNumber(totalWeight)}${summary.built ? '' : ' · not rebalanced yet: no partition is assigned'}`,
  ];
  return { title: titleOf(options.title, `Swift ring ${summary.name}`), header, zones: summed, spread, partitions };
}

const zoneLine = (z: Zone, total: number): string => `region ${z.region} zone ${z.zone}: weight ${formatNumber(z.weight)} (${pct(total > 0 ? (100 * z.weight) / total : 0)}), ${formatNumber(z.parts)} part-replicas held, ${formatNumber(Math.round(z.wanted))} wanted by weight`;
const deviceLine = (d: Device): string => `d${d.id} ${d.label}: weight ${formatNumber(d.weight)}, ${formatNumber(d.parts)} parts, ${formatNumber(Math.round(d.wanted))} wanted, balance ${pct(d.balance)}${d.trouble === null ? '' : ` [${d.trouble}]`}`;
const spreadLine = (k: number, n: number, partitions: number): string => `in ${k} zone${k === 1 ? '' : 's'}: ${formatNumber(n)} partition${n === 1 ? '' : 's'} (${pct(partitions > 0 ? (100 * n) / partitions : 0)})`;

function toText(m: Model): string {
  const total = m.zones.reduce((s, z) => s + z.weight, 0);
  const out = [m.title, ...m.header];
  if (m.zones.length === 0) out.push(EMPTY);
  for (const z of m.zones) out.push(zoneLine(z, total), ...z.devices.map((d) => `  ${deviceLine(d)}`));
  if (m.spread !== null && m.zones.length > 0) out.push('partitions by the distinct zones of their replicas:', ...m.spread.map((n, k) => (k === 0 ? '' : `  ${spreadLine(k, n, m.partitions)}`)).filter((l) => l !== ''));
  return out.join('\n');
}

const PAD = 12;
const ROW = 18;
const BAR = 320;

/** One bar row: `held` filled against `wanted` (a pale band and a tick), labelled on both sides. */
function barRow(y: number, x: number, scale: number, held: number, wanted: number, colour: string): string {
  const w = (n: number): number => Math.max(0, n * scale);
  return [
    el('rect', { x, y: y + 3, width: w(wanted), height: ROW - 6, fill: PALETTE.overcommit }),
    el('rect', { x, y: y + 5, width: w(held), height: ROW - 10, fill: colour }),
    wanted > 0 ? el('line', { x1: x + w(wanted), y1: y + 1, x2: x + w(wanted), y2: y + ROW - 1, stroke: PALETTE.ink, 'stroke-width': 1.5 }) : '',
  ].join('');
}

const LEGEND = 'blue bar: part-replicas assigned · pale band and tick: wanted by weight share (weight / total weight × partitions × replicas) · red: disk failed or host down';
const EMPTY = 'no devices in this ring: add storage hosts (or cloud.object.addDevice) and rebalance';
const deviceNote = (d: Device): string => `${formatNumber(d.parts)} / ${formatNumber(Math.round(d.wanted))} wanted · balance ${pct(d.balance)}${d.trouble === null ? '' : ` · ${d.trouble}`}`;
const zoneNote = (z: Zone, total: number): string => `${formatNumber(z.parts)} / ${formatNumber(Math.round(z.wanted))} wanted (weight ${pct(total > 0 ? (100 * z.weight) / total : 0)})${z.devices.some((d) => d.trouble !== null) ? ' · some devices do not answer' : ''}`;

function toSvg(m: Model): string {
  const total = m.zones.reduce((s, z) => s + z.weight, 0);
  const devices = m.zones.flatMap((z) => z.devices);
  const labelW = Math.min(260, most(devices, (d) => textWidth(`d${d.id} ${d.label}`) + 24, 90));
  const barX = PAD + labelW;
  const notes = [...devices.map(deviceNote), ...m.zones.map((z) => zoneNote(z, total)), ...(m.spread ?? []).map((n, k) => spreadLine(k, n, m.partitions))];
  const wide = [...m.header, ...m.zones.map((z) => zoneLine(z, total)), devices.length === 0 ? EMPTY : LEGEND];
  const width = most(wide, (l) => textWidth(l) + 2 * PAD, Math.max(barX + BAR + 8 + most(notes, (n) => textWidth(n, 11), 120) + PAD, textWidth(m.title, 14) + 2 * PAD));
  const out: string[] = [el('text', { x: PAD, y: PAD + 14, 'font-size': 14, 'font-weight': 'bold', fill: PALETTE.ink }, escapeXml(m.title))];
  m.header.forEach((l, i) => out.push(el('text', { x: PAD, y: PAD + 34 + i * 16, fill: i === 0 ? PALETTE.ink : PALETTE.muted }, escapeXml(l))));
  let y = PAD + 34 + m.header.length * 16 + 8;
  const section = (title: string): void => {
    out.push(el('text', { x: PAD, y: y + 12, 'font-weight': 'bold', fill: PALETTE.ink }, escapeXml(title)));
    y += 22;
  };
  const note = (x: number, yy: number, t: string, colour: string = PALETTE.muted): string => el('text', { x, y: yy + 13, 'font-size': 11, fill: colour }, escapeXml(t));
  if (devices.length === 0) {
    out.push(el('text', { x: PAD, y: y + 12, fill: PALETTE.muted }, escapeXml(EMPTY)));
    y += 22;
  } else {
    const devScale = BAR / most(devices, (d) => Math.max(d.parts, d.wanted), 1);
    section('Partitions per device: part-replicas assigned (blue) against the weight share (tick)');
    for (const z of m.zones) {
      out.push(el('rect', { x: PAD - 4, y, width: width - 2 * PAD + 8, height: ROW, fill: PALETTE.zone }), el('text', { x: PAD, y: y + 13, 'font-weight': 'bold', fill: PALETTE.ink }, escapeXml(zoneLine(z, total))));
      y += ROW + 2;
      for (const d of z.devices) {
        const red = d.trouble !== null;
        out.push(
          el(
            'g',
            { 'data-device': d.label, 'data-id': d.id, 'data-zone': z.name, 'data-failed': red ? 'true' : undefined },
            el('title', {}, escapeXml(deviceLine(d))),
            el('text', { x: PAD + 8, y: y + 13, fill: red ? PALETTE.down : PALETTE.ink }, escapeXml(fit(`d${d.id} ${d.label}`, labelW - 12))),
            barRow(y, barX, devScale, d.parts, d.wanted, red ? PALETTE.down : d.weight === 0 ? PALETTE.physical : PALETTE.used),
            note(barX + BAR + 8, y, deviceNote(d), red ? PALETTE.down : PALETTE.muted),
          ),
        );
        y += ROW;
      }
      y += 4;
    }
    y += 8;
    const zoneScale = BAR / most(m.zones, (z) => Math.max(z.parts, z.wanted), 1);
    section('Replicas per zone: part-replicas each zone holds against its weight share');
    for (const z of m.zones) {
      const troubled = z.devices.some((d) => d.trouble !== null);
      out.push(el('g', { 'data-zone-total': z.name }, el('title', {}, escapeXml(zoneLine(z, total))), el('text', { x: PAD + 8, y: y + 13, fill: PALETTE.ink }, escapeXml(`zone ${z.name}`)), barRow(y, barX, zoneScale, z.parts, z.wanted, troubled ? PALETTE.warn : PALETTE.used), note(barX + BAR + 8, y, zoneNote(z, total))));
      y += ROW;
    }
    const spread = m.spread;
    if (spread !== null) {
      y += 12;
      section('Partitions by the number of distinct zones holding their replicas');
      spread.forEach((n, k) => {
        if (k === 0) return;
        const fill = k === spread.length - 1 ? PALETTE.ok : PALETTE.warn;
        out.push(el('g', { 'data-spread': k }, el('text', { x: PAD + 8, y: y + 13, fill: PALETTE.ink }, `${k} zone${k === 1 ? '' : 's'}`), el('rect', { x: barX, y: y + 4, width: m.partitions > 0 ? (BAR * n) / m.partitions : 0, height: ROW - 8, fill }), note(barX + BAR + 8, y, spreadLine(k, n, m.partitions))));
        y += ROW;
      });
    }
    y += 10;
    out.push(el('text', { x: PAD, y: y + 10, 'font-size': 11, fill: PALETTE.muted }, escapeXml(LEGEND)));
    y += 16;
  }
  return svgDocument('ring', m.title, width, y + PAD, out.join(''));
}

/**
 * A Swift ring: each device's part-replicas against its weight share (wanted = weight / total
 * weight × partitions × replicas, and the device's balance), grouped by region and zone; the
 * part-replicas each zone holds against the zone's weight share; and, for a Cloud, how many
 * partitions have their replicas in 1, 2, 3… distinct zones (read from the builder's
 * `replica2part2dev`). The header is `swift-ring-builder`'s: part_power, replicas, balance,
 * dispersion, overload. Devices on a failed disk or a host that is not up are red (a Cloud's
 * `cloud.object.usage()` and hardware), labelled `host/disk` (or `ip/device` when no host has the
 * device's address). A ring with no devices gives a picture saying so.
 *
 * Takes a Cloud (read through a fork, so drawing changes nothing; `name` picks the ring, default
 * `object` = policy 0's) or one `RingSummary` from `cloud.object.rings()`. Not drawn: handoff
 * order, `last_part_moves`, replication ports, tiers below zone (servers) in the spread.
 */
export function ring(source: Cloud | RingSummary, options: RingOptions = {}): Picture {
  const m = modelOf(source, optionsOf(options, ['name', 'title']));
  return new Picture({ title: m.title, text: toText(m), svg: toSvg(m) });
}
