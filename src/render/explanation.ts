/**
 * A scheduling decision as a hosts × filters grid: nova's filter trace ("start N, end M" and why
 * each host was removed) and the weighers' arithmetic for one instance of a request, one row per
 * host that entered, as kube-scheduler-simulator shows a Kubernetes decision.
 */
import type { Explanation } from '../scheduler/index.js';
import { Picture } from './picture.js';
import { el, escapeXml, fit, formatNumber, MONO_FAMILY, oneLine, PALETTE, round, svgDocument, textWidth } from './svg.js';
import { bad, describe, fieldsOf, has, isList, most, optionsOf, text, titleOf, type Fields } from './check.js';

/** Options of {@link explanationGrid}. */
export interface ExplanationOptions {
  /** Which instance of a multi-instance request (`num_instances` > 1) to draw: 0 (default) … `num_instances − 1`. */
  readonly instance?: number;
  /** The picture's title (default `Scheduling decision: instance N → host`, or `…: no valid host`): one line, at most 200 characters; empty gives the default. */
  readonly title?: string;
}

type Group = 'pre-filters' | 'destination' | 'filters';
interface Step { readonly name: string; readonly group: Group; readonly start: number; readonly end: number; readonly removed: ReadonlyMap<string, string> }
/** A weigher's numbers for one host, with the texts drawn (made once: a grid of 1 000 hosts draws them thrice). */
interface Score { readonly raw: string; readonly normalised: string; readonly multiplier: string; readonly score: string; readonly cell: string }
interface Weigher { readonly name: string; readonly scores: ReadonlyMap<string, Score> }
/** One host of the grid. `removedAt`: the step that removed it (-1: none); `traced`: the instance's trace names it (else its step cells are unknown). */
interface Row {
  readonly key: string;
  readonly host: string;
  readonly nodename: string;
  readonly label: string;
  removedAt: number;
  traced: boolean;
  total: string | null;
  rank: number | null;
  inSubset: boolean;
  claim: { readonly ok: boolean; readonly reason: string | null } | null;
  chosen: boolean;
  alternate: number;
}
interface Grid { readonly title: string; readonly headline: string; readonly failed: boolean; readonly notes: readonly string[]; readonly steps: readonly Step[]; readonly weighers: readonly Weigher[]; readonly rows: readonly Row[] }

/** A host as the explanation names it (`host`, `nodename`), both made one line: they are drawn and printed. */
interface HostRef { readonly host: string; readonly nodename: string; readonly key: string }
const keyOf = (host: string, nodename: string): string => `${host}\u0000${nodename}`;
function ref(r: Fields): HostRef {
  const host = oneLine(r.text('host'));
  const nodename = oneLine(r.text('nodename'));
  return { host, nodename, key: keyOf(host, nodename) };
}

/** The Explanation in whatever was handed over: an Explanation, or a result / NoValidHost error carrying one. */
function explanationIn(input: unknown): Fields {
  const what = 'expected a scheduling result (cloud.scheduler.selectDestinations(…), schedule(…), a NoValidHost error) or its .explanation';
  const r = fieldsOf(input, 'explanation', what.replace(/^expected /, ''));
  if (r.has('outcome') && r.has('instances')) return r;
  if (r.has('explanation')) {
    const inner = r.get('explanation');
    if (typeof inner === 'object' && inner !== null && !isList(inner) && has(inner, 'outcome') && has(inner, 'instances')) return fieldsOf(inner, 'explanation');
    throw bad('explanation.explanation', `${what}; its .explanation is ${describe(inner)} without outcome and instances`);
  }
  throw bad('explanation', `${what}; this object has neither outcome / instances nor an explanation`);
}

function steps(from: Fields, key: string, group: Group): Step[] {
  return from.records(key).map((r) => {
    const removed = new Map<string, string>();
    for (const x of r.records('removed')) {
      const h = ref(x);
      const reason = oneLine(x.text('reason'));
      if (!removed.has(h.key)) removed.set(h.key, reason);
    }
    return { name: oneLine(r.text('name')), group, start: r.finite('start'), end: r.finite('end'), removed };
  });
}

const label = (host: string, nodename: string): string => (host === nodename ? host : `${host} (${nodename})`);

/** Reads (and checks) the explanation into one instance's grid. */
function gridOf(input: unknown, options: Readonly<Record<string, unknown>>): Grid {
  const e = explanationIn(input);
  const outcome = e.get('outcome');
  if (outcome !== 'scheduled' && outcome !== 'no_valid_host') throw bad(e.at('outcome'), `expected 'scheduled' or 'no_valid_host', got ${describe(outcome)}`);
  const reason = e.maybeText('reason');
  const numInstances = e.finite('num_instances');
  const instances = e.list('instances');
  const selections = e.list('selections');
  const count = Math.max(1, numInstances, instances.length);
  const index = options.instance === undefined ? 0 : options.instance;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
    throw bad('options.instance', `expected a whole number from 0 to ${count - 1} (the request has ${count} instance${count === 1 ? '' : 's'}), got ${describe(index)}`);
  }
  const all: Step[] = steps(e, 'prefilters', 'pre-filters');
  const rows = new Map<string, Row>();
  const row = (h: HostRef): Row => {
    let r = rows.get(h.key);
    if (r === undefined) {
      r = { key: h.key, host: h.host, nodename: h.nodename, label: label(h.host, h.nodename), removedAt: -1, traced: false, total: null, rank: null, inSubset: false, claim: null, chosen: false, alternate: 0 };
      rows.set(h.key, r);
    }
    return r;
  };
  const notes: string[] = [];
  const weighers: Weigher[] = [];
  const decided = outcome === 'scheduled' ? `scheduled ${numInstances} instance(s)` : `no valid host: ${oneLine(reason ?? '')}`;
  let headline = decided;
  if (index >= instances.length) {
    notes.push(`instance ${index} of ${count} was not reached: the scheduler stopped before it`);
  } else {
    const inst = fieldsOf(instances[index], `${e.at('instances')}[${index}]`);
    const uuid = inst.text('instance_uuid');
    all.push(...steps(inst, 'destination', 'destination'), ...steps(inst, 'filters', 'filters'));
    const skipped = inst.list('skipped_filters').map((s, i) => oneLine(text(s, `${inst.at('skipped_filters')}[${i}]`)));
    for (const w of inst.records('weighers')) {
      const scores = new Map<string, Score>();
      for (const s of w.records('hosts')) {
        const [normalised, multiplier, score] = [num(s.finite('normalised')), num(s.finite('multiplier')), num(s.finite('score'))];
        scores.set(ref(s).key, { raw: num(s.finite('raw')), normalised, multiplier, score, cell: `${normalised} × ${multiplier} = ${score}` });
      }
      weighers.push({ name: oneLine(w.text('name')), scores });
    }
    // rows: the hosts left, in the order nova tries them, then the removed ones, latest step first
    inst.records('totals').forEach((t, k) => {
      const r = row(ref(t));
      r.traced = true;
      r.total = num(t.finite('total'));
      r.rank = k + 1;
    });
    for (const s of inst.records('subset')) row(ref(s)).inSubset = true;
    for (const c of inst.records('claims')) {
      const reason = c.maybeText('reason');
      row(ref(c)).claim = { ok: c.bool('ok'), reason: reason === null ? null : oneLine(reason) };
    }
    const pick = inst.get('selected');
    const selected = pick === null || pick === undefined ? null : ref(fieldsOf(pick, inst.at('selected')));
    if (selected !== null) row(selected).chosen = true;
    const own = all.filter((s) => s.group !== 'pre-filters');
    const entered = all.length > own.length ? (all[all.length - own.length - 1] as Step).end : null;
    const first = own[0]?.start ?? null;
    if (index > 0 && entered !== null && first !== null && first < entered) notes.push(`${entered - first} host(s) removed while placing the earlier instances are not considered again (nova filters the list it kept)`);
    if (inst.bool('forced')) notes.push('force_hosts / force_nodes: the filters were bypassed, as nova does');
    if (skipped.length > 0) notes.push(`run once per request, not run for instance ${index}: ${skipped.join(', ')}`);
    if (inst.bool('shuffled_best')) notes.push('shuffle_best_same_weighed_hosts: the best-weighed ties were shuffled');
    if (weighers.length === 0 && rows.size === 1) notes.push('one host left: nova weighs nothing then, every weight is 0');
    const subset = [...rows.values()].filter((r) => r.inSubset);
    if (subset.length > 1) notes.push(`host_subset_size: the pick was drawn from the best ${subset.length}: ${subset.map((r) => r.label).join(', ')}`);
    const mine = selections.findIndex((s, i) => typeof s === 'object' && s !== null && !isList(s) && fieldsOf(s, `${e.at('selections')}[${i}]`).get('instance_uuid') === uuid);
    const at = mine >= 0 ? mine : selections.length === count ? index : -1;
    if (at >= 0) fieldsOf(selections[at], `${e.at('selections')}[${at}]`).records('alternates').forEach((a, k) => (row(ref(a)).alternate = k + 1));
    const chosen = selected === null ? 'no host' : label(selected.host, selected.nodename);
    headline = `${decided} — instance ${index} of ${count} (${oneLine(uuid)}) → ${chosen}`;
  }
  for (let j = all.length - 1; j >= 0; j--) {
    for (const key of (all[j] as Step).removed.keys()) {
      const [host, nodename] = key.split('\u0000') as [string, string];
      const r = row({ host, nodename, key });
      if (r.removedAt < 0 || j < r.removedAt) r.removedAt = j;
      r.traced = true;
    }
  }
  const chosenRow = [...rows.values()].find((r) => r.chosen);
  const title = titleOf(options.title, outcome === 'no_valid_host' ? 'Scheduling decision: no valid host' : `Scheduling decision: instance ${index} → ${chosenRow?.label ?? 'no host'}`);
  return { title, headline, failed: outcome === 'no_valid_host', notes, steps: all, weighers, rows: [...rows.values()] };
}

/**
 * A weight for a cell: integers grouped (`1,000,000`), others to at most 6 decimals — what
 * `formatExplanation` (nova's weigher log) shows, so near-ties (0.500001 against 0.5) stay visible.
 */
function num(n: number): string {
  return formatNumber(n, 6);
}

/** What a host's cell of a step shows: passed, removed (with nova's reason), or not reached. */
function mark(r: Row, j: number, s: Step): { sign: string; reason: string | null } {
  if (!r.traced) return { sign: '', reason: null };
  if (r.removedAt === j) return { sign: '✗', reason: s.removed.get(r.key) ?? null };
  if (r.removedAt >= 0 && j > r.removedAt) return { sign: '', reason: null };
  return { sign: '✓', reason: null };
}
const weigherCell = (s: Score | undefined): string => (s === undefined ? '' : s.cell);
const weigherTip = (w: Weigher, r: Row, s: Score): string => `${w.name} on ${r.label}: raw ${s.raw}`;
function selectionOf(g: Grid, r: Row): string {
  if (r.chosen) return 'chosen';
  if (r.alternate > 0) return `alternate ${r.alternate}`;
  if (r.removedAt >= 0) return `removed by ${(g.steps[r.removedAt] as Step).name}`;
  return '';
}
const claimOf = (r: Row): string => (r.claim === null ? '' : r.claim.ok ? 'ok' : 'failed');
const stepTip = (s: Step): string => `${s.name} (${s.group}): start ${s.start}, end ${s.end}`;
/** Why hosts were removed, one line per step and reason (hosts that share both are listed together). */
function removals(g: Grid): string[] {
  const groups = new Map<string, { step: Step; reason: string; hosts: string[] }>();
  for (const r of g.rows) {
    if (r.removedAt < 0) continue;
    const step = g.steps[r.removedAt] as Step;
    const reason = step.removed.get(r.key) ?? '';
    const key = `${r.removedAt}\u0000${reason}`;
    const entry = groups.get(key) ?? { step, reason, hosts: [] };
    entry.hosts.push(r.label);
    groups.set(key, entry);
  }
  return [...groups.values()]
    .sort((a, b) => g.steps.indexOf(a.step) - g.steps.indexOf(b.step))
    .map((e) => `${e.step.name}: ${e.reason} — ${e.hosts.slice(0, 6).join(', ')}${e.hosts.length > 6 ? ` and ${e.hosts.length - 6} more` : ''}`);
}
const LEGEND = '✓ passed · ✗ removed (nova\'s reason as a tooltip) · blank: not reached · weigher cells: normalised × multiplier = score';

function toText(g: Grid): string {
  const counts = { 'pre-filters': 0, destination: 0, filters: 0 };
  const keys = g.steps.map((s) => `${s.group === 'filters' ? 'F' : s.group === 'destination' ? 'D' : 'P'}${++counts[s.group]}`);
  const wkeys = g.weighers.map((_, i) => `W${i + 1}`);
  const header = ['host', ...keys, ...wkeys, 'total', 'rank', 'claim', 'selection'];
  const body = g.rows.map((r) => [
    r.label,
    ...g.steps.map((s, j) => mark(r, j, s).sign),
    ...g.weighers.map((w) => { const s = w.scores.get(r.key); return s === undefined ? '' : s.score; }),
    r.total ?? '',
    r.rank === null ? '' : String(r.rank),
    claimOf(r),
    selectionOf(g, r),
  ]);
  const widths = header.map((h, c) => most(body, (b) => (b[c] ?? '').length, h.length));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ').trimEnd();
  const out = [g.title, g.headline, ...g.notes.map((n) => `(${n})`)];
  if (g.steps.length > 0) out.push(`steps: ${g.steps.map((s, j) => `${keys[j]} ${s.name} (start ${s.start}, end ${s.end})`).join(', ')}`);
  if (g.weighers.length > 0) out.push(`weighers (score = normalised × multiplier): ${g.weighers.map((w, i) => `${wkeys[i]} ${w.name}`).join(', ')}`);
  out.push('', line(header), ...body.map(line));
  if (g.rows.length === 0) out.push('(no host is named in this decision)');
  const removed = removals(g);
  if (removed.length > 0) out.push('', 'removed:', ...removed.map((l) => `  ${l}`));
  for (const r of g.rows) if (r.claim !== null && !r.claim.ok) out.push(`claim on ${r.label} failed: ${r.claim.reason ?? ''}`);
  return out.join('\n');
}

const HIGHLIGHT = { chosen: PALETTE.ok, alternate: PALETTE.warn } as const;
/**
 * The table's look, once, scoped to its class: a 1 000-host grid has ~25 000 cells, and a style
 * on each would triple the page.
 */
const GRID_CSS = [
  '.stacksim-grid{border-collapse:collapse;font-size:13px}',
  `.stacksim-grid th{text-align:left;vertical-align:bottom;padding:2px 6px;border-bottom:1px solid ${PALETTE.physical};white-space:nowrap;font-weight:normal}`,
  '.stacksim-grid th.v{writing-mode:vertical-rl;transform:rotate(180deg);padding:6px 2px}',
  '.stacksim-grid td{padding:2px 6px;border-bottom:1px solid #e4e7eb;white-space:nowrap}',
  `.stacksim-grid .p{text-align:center;color:${PALETTE.ok}}.stacksim-grid .x{text-align:center;color:${PALETTE.down}}.stacksim-grid .n{text-align:right}`,
  `.stacksim-grid .gone{color:${PALETTE.muted}}.stacksim-grid .chosen{background:${HIGHLIGHT.chosen}40;font-weight:bold}.stacksim-grid .alternate{background:${HIGHLIGHT.alternate}33}`,
].join('');

function toHtml(g: Grid): string {
  const head = el('tr', {}, el('th', {}, 'host'), ...g.steps.map((s) => el('th', { class: 'v', title: stepTip(s) }, escapeXml(s.name))), ...g.weighers.map((w) => el('th', { class: 'v', title: 'normalised × multiplier = score' }, escapeXml(w.name))), el('th', {}, 'total'), el('th', {}, 'rank'), el('th', {}, 'claim'), el('th', {}, 'selection'));
  const rows = g.rows.map((r) => {
    let cells = el('td', { class: r.removedAt >= 0 ? 'gone' : undefined }, escapeXml(r.label));
    g.steps.forEach((s, j) => {
      const m = mark(r, j, s);
      cells += m.sign === '✗' ? el('td', { class: 'x', title: m.reason ?? undefined }, '✗') : m.sign === '' ? '<td></td>' : '<td class="p">✓</td>';
    });
    for (const w of g.weighers) {
      const sc = w.scores.get(r.key);
      cells += sc === undefined ? '<td></td>' : el('td', { class: 'n', title: weigherTip(w, r, sc) }, sc.cell);
    }
    cells += el('td', { class: 'n' }, r.total ?? '') + el('td', { class: 'n', title: r.inSubset ? 'in the host_subset_size subset the pick was drawn from' : undefined }, r.rank === null ? '' : String(r.rank));
    cells += el('td', { title: r.claim?.reason ?? undefined }, claimOf(r)) + el('td', {}, escapeXml(selectionOf(g, r)));
    return el('tr', { class: r.chosen ? 'chosen' : r.alternate > 0 ? 'alternate' : undefined, 'data-host': r.label, 'data-chosen': r.chosen ? 'true' : undefined, 'data-alternate': r.alternate > 0 ? r.alternate : undefined }, cells);
  });
  return el(
    'div',
    { class: 'stacksim', 'data-stacksim': 'explanation', style: 'font-family:system-ui,sans-serif;font-size:13px' },
    el('style', {}, GRID_CSS),
    el('p', { style: 'margin:4px 0;font-weight:bold' }, escapeXml(g.title)),
    el('p', { style: `margin:4px 0;color:${g.failed ? PALETTE.down : PALETTE.ink}` }, escapeXml(g.headline)),
    ...g.notes.map((n) => el('p', { style: `margin:2px 0;color:${PALETTE.muted}` }, escapeXml(`(${n})`))),
    el('table', { class: 'stacksim stacksim-grid' }, el('thead', {}, head), el('tbody', {}, rows.length === 0 ? '' : rows.join(''))),
    ...removals(g).map((l) => el('p', { style: 'margin:2px 0' }, escapeXml(`✗ ${l}`))),
    el('p', { style: `margin:4px 0;color:${PALETTE.muted}` }, escapeXml(rows.length === 0 ? `no host is named in this decision. ${LEGEND}` : LEGEND)),
  );
}

const ROW = 20;
const PAD = 12;
const STEP_W = 26;
const GAP = 10;
const SIN = Math.SQRT1_2;

function toSvg(g: Grid): string {
  const hostW = Math.min(260, most(g.rows, (r) => textWidth(r.label) + 12, 60));
  interface Col { name: string; tip: string; x: number; w: number; group: string }
  const cols: Col[] = [];
  let x = PAD + hostW;
  let group = '';
  const add = (name: string, tip: string, w: number, grp: string): void => {
    if (grp !== group) x += GAP;
    group = grp;
    cols.push({ name, tip, x, w, group: grp });
    x += w;
  };
  for (const s of g.steps) add(s.name, stepTip(s), STEP_W, s.group);
  for (const w of g.weighers) add(w.name, `${w.name}: normalised × multiplier = score`, most(g.rows, (r) => weigherCell(w.scores.get(r.key)).length * 6 + 12, 44), 'weighers');
  const selW = Math.min(300, most(g.rows, (r) => textWidth(selectionOf(g, r), 11) * 1.1 + 10, 64));
  add('total', 'total weight', most(g.rows, (r) => (r.total === null ? 0 : textWidth(r.total, 11) + 10), 48), 'result');
  add('rank', 'the order nova tries the hosts in', 36, 'result');
  add('claim', 'Placement claim', 50, 'result');
  add('selection', 'chosen host, alternates, or the step that removed it', selW, 'result');
  const gridRight = x;
  const lines = [g.headline, ...g.notes.map((n) => `(${n})`)];
  const headerH = 12 + Math.max(40, ...cols.map((c) => textWidth(c.name, 11) * SIN));
  const top = PAD + 22 + lines.length * 16 + headerH;
  const width = Math.max(gridRight + PAD, ...cols.map((c) => c.x + c.w / 2 + textWidth(c.name, 11) * SIN + PAD), textWidth(g.title, 14) + 2 * PAD, ...lines.map((l) => textWidth(l) + 2 * PAD));
  const out: string[] = [el('text', { x: PAD, y: PAD + 14, 'font-size': 14, 'font-weight': 'bold', fill: PALETTE.ink }, escapeXml(g.title))];
  lines.forEach((l, i) => out.push(el('text', { x: PAD, y: PAD + 36 + i * 16, fill: i === 0 && g.failed ? PALETTE.down : i === 0 ? PALETTE.ink : PALETTE.muted }, escapeXml(l))));
  // column headers, turned 45° up from the column's foot
  out.push(el('text', { x: PAD, y: top - 6, 'font-weight': 'bold', fill: PALETTE.ink }, 'host'));
  for (const c of cols) {
    const cx = c.x + c.w / 2 - 3;
    out.push(el('text', { x: cx, y: top - 6, 'font-size': 11, fill: PALETTE.ink, transform: `rotate(-45 ${round(cx)} ${round(top - 6)})`, 'data-column': c.name }, el('title', {}, escapeXml(c.tip)), escapeXml(c.name)));
  }
  // one group per row, moved into place; the cells of a kind share their attributes in a group
  const [total, rank, claim, selection] = cols.slice(-4) as [Col, Col, Col, Col];
  g.rows.forEach((r, i) => {
    const colour = r.chosen ? HIGHLIGHT.chosen : r.alternate > 0 ? HIGHLIGHT.alternate : undefined;
    let cells = '';
    if (colour !== undefined) cells += el('rect', { x: PAD - 4, y: 0, width: gridRight - PAD + 8, height: ROW, fill: colour, 'fill-opacity': 0.25 });
    else if (i % 2 === 1) cells += el('rect', { x: PAD - 4, y: 0, width: gridRight - PAD + 8, height: ROW, fill: PALETTE.region });
    cells += el('text', { x: PAD, y: 14, fill: r.removedAt >= 0 ? PALETTE.muted : PALETTE.ink, 'font-weight': r.chosen ? 'bold' : undefined }, el('title', {}, escapeXml(r.label)), escapeXml(fit(r.label, hostW - 8)));
    let passed = '';
    g.steps.forEach((s, j) => {
      const m = mark(r, j, s);
      const c = cols[j] as Col;
      if (m.sign === '✗') {
        cells += el('g', { 'data-removed-by': s.name }, el('title', {}, escapeXml(`${s.name} removed ${r.label}: ${m.reason ?? ''}`)), el('rect', { x: c.x + 2, y: 2, width: c.w - 4, height: ROW - 4, fill: PALETTE.down, 'fill-opacity': 0.15 }), el('text', { x: c.x + c.w / 2, y: 14, 'text-anchor': 'middle', fill: PALETTE.down }, '✗'));
      } else if (m.sign !== '') {
        passed += `<text x="${round(c.x + c.w / 2)}" y="14">✓</text>`;
      }
    });
    if (passed !== '') cells += el('g', { 'text-anchor': 'middle', fill: PALETTE.ok }, passed);
    let weights = '';
    g.weighers.forEach((w, k) => {
      const sc = w.scores.get(r.key);
      const c = cols[g.steps.length + k] as Col;
      if (sc !== undefined) weights += el('text', { x: c.x + c.w - 5, y: 14 }, el('title', {}, escapeXml(weigherTip(w, r, sc))), escapeXml(sc.cell));
    });
    if (weights !== '') cells += el('g', { 'text-anchor': 'end', 'font-size': 10, 'font-family': MONO_FAMILY, fill: PALETTE.ink }, weights);
    if (r.total !== null) cells += el('text', { x: total.x + total.w - 5, y: 14, 'text-anchor': 'end', 'font-size': 11 }, r.total);
    if (r.rank !== null) cells += el('text', { x: rank.x + rank.w - 8, y: 14, 'text-anchor': 'end', 'font-size': 11 }, el('title', {}, r.inSubset ? 'in the host_subset_size subset the pick was drawn from' : 'rank'), String(r.rank));
    if (r.claim !== null) cells += el('text', { x: claim.x + 4, y: 14, 'font-size': 11, fill: r.claim.ok ? PALETTE.ok : PALETTE.down }, el('title', {}, escapeXml(r.claim.ok ? 'Placement claimed the resources' : r.claim.reason ?? 'claim failed')), claimOf(r));
    const sel = selectionOf(g, r);
    if (sel !== '') cells += el('text', { x: selection.x + 4, y: 14, 'font-size': 11, 'font-weight': r.chosen ? 'bold' : undefined, fill: r.chosen ? PALETTE.ink : PALETTE.muted }, el('title', {}, escapeXml(sel)), escapeXml(fit(sel, selection.w - 8, 11)));
    out.push(el('g', { 'data-row': r.label, 'data-host': r.host, 'data-nodename': r.nodename, 'data-chosen': r.chosen ? 'true' : undefined, 'data-alternate': r.alternate > 0 ? r.alternate : undefined, transform: `translate(0 ${round(top + i * ROW)})` }, cells));
  });
  // group brackets under the grid, then the legend
  const bottom = top + g.rows.length * ROW + 6;
  if (g.rows.length === 0) out.push(el('text', { x: PAD, y: top + 14, fill: PALETTE.muted }, 'no host is named in this decision'));
  const groups = [...new Set(cols.map((c) => c.group))];
  for (const name of groups) {
    const inGroup = cols.filter((c) => c.group === name);
    const x0 = (inGroup[0] as Col).x;
    const x1 = (inGroup[inGroup.length - 1] as Col).x + (inGroup[inGroup.length - 1] as Col).w;
    out.push(el('path', { d: `M${x0 + 1} ${bottom}v4H${x1 - 1}v-4`, fill: 'none', stroke: PALETTE.muted }), el('text', { x: x0 + 1, y: bottom + 18, 'font-size': 11, fill: PALETTE.muted }, escapeXml(fit(name, Math.max(x1 - x0 + GAP, 64), 11))));
  }
  const why = removals(g);
  const whyY = bottom + 40 + (g.rows.length === 0 ? ROW : 0);
  why.forEach((l, i) => out.push(el('text', { x: PAD, y: whyY + i * 16, 'font-size': 11, fill: PALETTE.down }, escapeXml(`✗ ${l}`))));
  const legendY = whyY + why.length * 16 + 4;
  out.push(el('text', { x: PAD, y: legendY, 'font-size': 11, fill: PALETTE.muted }, escapeXml(LEGEND)));
  return svgDocument('explanation', g.title, most(why, (l) => textWidth(`✗ ${l}`, 11) + 2 * PAD, Math.max(width, textWidth(LEGEND, 11) + 2 * PAD)), legendY + PAD, out.join(''));
}

/**
 * A scheduling decision as a hosts × filters grid: one row per host that entered, one column per
 * request pre-filter / Placement step (nova's `compute_status_filter`, the allocation candidates),
 * per destination step and per filter (✓ passed, ✗ removed with nova's reason as a tooltip, blank
 * when the host was already gone), then per weigher (`normalised × multiplier = score`, raw in the
 * tooltip), the total weight, the rank (the order nova tries hosts in), the Placement claim, and
 * the chosen host highlighted with its alternates (nova's `Selection` list) marked. A
 * `no_valid_host` decision shows nova's reason. It mirrors nova-scheduler's debug filter trace and
 * the weigher log, laid out as kube-scheduler-simulator does.
 *
 * Takes what `cloud.scheduler.selectDestinations(…)` or the pure `schedule(…)` returns (its lazy
 * `.explanation` is read), a `NoValidHost` error (it carries one), or an `Explanation` itself.
 * `instance` picks one instance of a multi-instance request. Not drawn: the other instances, the
 * alternates re-sort of a multi-instance request, the weighers' min / max bounds.
 */
export function explanationGrid(explanation: Explanation | { readonly explanation: Explanation }, options: ExplanationOptions = {}): Picture {
  const g = gridOf(explanation, optionsOf(options, ['instance', 'title']));
  return new Picture({ title: g.title, text: toText(g), html: toHtml(g), svg: toSvg(g) });
}
