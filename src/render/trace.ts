/**
 * A request trace as the lecture draws the VM-creation sequence: who called whom, in which order,
 * at which virtual time. Three forms from one {@link Trace} (`cloud.trace()`): a numbered list
 * ({@link traceSteps}), Mermaid `sequenceDiagram` source ({@link traceMermaid}) and a sequence
 * diagram drawn here ({@link sequence}), lifelines per service in order of first appearance.
 *
 * What a trace records is what the services say they did (`tx.trace(service, action)`), not RPC
 * messages, so the caller of each step is inferred ({@link callersOf}): the request's own
 * services (nova's for `compute.*`, cinder's for `block.*`, …) hand on to one another, and any
 * other service (Keystone, Glance, Neutron, Placement during a boot) is called by the request's
 * own service that ran last — nova-api asks Glance for the image, nova-compute asks Neutron for
 * the port. Not drawn: replies (only the failure's), activations, the steps' `detail` (the SVG's
 * tooltips and the HTML list carry it).
 */
import type { Trace, TraceStep } from '../core/index.js';
import { Picture } from './picture.js';
import { MONO_FAMILY, PALETTE, SERVICE_COLOURS, clip, el, escapeXml, fit, oneLine, svgDocument, textWidth } from './svg.js';
import { bad, fieldsOf, record, titleOf } from './check.js';

/** Steps the SVG draws before "… N more steps" (the text and the HTML list keep them all). */
const DRAWN_STEPS = 60;
/** Steps Mermaid gets before a note says how many more (Mermaid refuses sources over 50 000 characters). */
const MERMAID_STEPS = 400;
/** Characters of an action a diagram shows (full text in the list and the tooltips). */
const MESSAGE_CHARS = 72;

const CLIENT = 'client';

/**
 * The trace, read once field by field into a plain copy (a getter, a Proxy or a sparse list of
 * steps is read here and never again): a bad field is a 400 naming it, never a TypeError later.
 */
function checkTrace(trace: unknown): Trace {
  if (trace === undefined) throw bad('trace', 'expected a Trace (what cloud.trace() returns), got undefined (cloud.trace() is undefined before the first call and once the log dropped the request)');
  const t = fieldsOf(trace, 'trace', 'a Trace (what cloud.trace() returns)');
  const request_id = t.text('request_id');
  const operation = t.text('operation');
  const started_at = t.finite('started_at');
  const status = t.get('status');
  if (status !== 'ok' && status !== 'error') throw bad(t.at('status'), "expected 'ok' or 'error'");
  const steps = t.records('steps', 'a step { time, service, action }').map((s): TraceStep => {
    const step = { time: s.finite('time'), service: s.text('service'), action: s.text('action') };
    const detail = s.get('detail');
    if (detail === undefined) return step;
    return { ...step, detail: record(detail, s.at('detail'), 'an object or nothing') as TraceStep['detail'] };
  });
  const e = t.get('error');
  if (e === undefined) return { request_id, operation, started_at, status, steps };
  const error = fieldsOf(e, t.at('error'), '{ status: number, code: string, message: string } or nothing');
  return { request_id, operation, started_at, status, steps, error: { status: error.finite('status'), code: error.text('code'), message: error.text('message') } };
}

/** Seconds since the request started, to the millisecond. */
function offset(trace: Trace, time: number): string {
  const d = time - trace.started_at;
  return (Math.abs(d) < 0.0005 ? 0 : d).toFixed(3);
}

/** An action as a diagram shows it: UUIDs and Keystone's hex ids cut to 8 characters, at most {@link MESSAGE_CHARS}. */
function shorten(text: string, max = MESSAGE_CHARS): string {
  const short = oneLine(text).trim()
    .replace(/\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '$1')
    .replace(/\b([0-9a-f]{8})[0-9a-f]{24}\b/gi, '$1');
  return clip(short, max);
}

function errorLine(trace: Trace): string | undefined {
  if (trace.status !== 'error') return undefined;
  const e = trace.error;
  return e === undefined ? '✗ failed' : `✗ ${e.status} ${oneLine(e.code)}: ${oneLine(e.message)}`;
}

/**
 * The trace as numbered lines, one per step — `1. [0.000 s] keystone — token … validated` — with
 * times in virtual seconds since the request started; when the request failed, the error
 * (`✗ 400 compute.flavor.invalid_ref: …`) is the last line. Every step is listed, in full.
 */
export function traceSteps(trace: Trace): string[] {
  const t = checkTrace(trace);
  const lines = t.steps.map((s, i) => `${i + 1}. [${offset(t, s.time)} s] ${oneLine(s.service)} — ${oneLine(s.action)}`);
  const error = errorLine(t);
  if (error !== undefined) lines.push(error);
  return lines;
}

/**
 * Text made inert inside a Mermaid sequence diagram: everything but letters, digits, spaces and
 * plain punctuation becomes an entity code (`;` → `#59;`, `#` → `#35;`, `<` → `#60;`, any
 * non-ASCII character too), so no action can end a line, start a comment (`%%`, `#`), draw an
 * arrow or inject a directive.
 */
function mermaidText(text: string): string {
  let out = '';
  for (const c of oneLine(text).trim()) out += /^[A-Za-z0-9 .,:()/_=+@'!?*[\]-]$/.test(c) ? c : `#${c.codePointAt(0) as number};`;
  // Mermaid's own pre-pass drops the last ';' of a line matching /style.*:\S*#.*;/ (and classDef):
  // break those words so an entity code is never cut
  out = out.replace(/style/g, 'styl#101;').replace(/classDef/g, 'classDe#102;');
  // and reads a leading `wrap:` / `nowrap:` as a setting, not as text
  if (/^(no)?wrap:/i.test(out)) out = `#${out.codePointAt(0) as number};${out.slice(1)}`;
  return out === '' ? '(empty)' : out;
}

/** The OpenStack service whose request it is, by the operation's module (`compute.create_server` → nova). */
const REQUEST_FAMILY: Readonly<Record<string, string>> = {
  compute: 'nova',
  scheduler: 'nova',
  block: 'cinder',
  network: 'neutron',
  image: 'glance',
  identity: 'keystone',
  object: 'swift',
  placement: 'placement',
  hardware: 'hardware',
};

/**
 * The participant key each step's arrow comes from: the latest step of the request's own family
 * (`nova-*` for a compute request; the caller before any), whether the step is the family's own
 * (nova-api hands on to nova-conductor) or another service's (nova-compute calls neutron-server).
 * An operation of no known family falls back to the way control passed: the step before's service.
 */
function callersOf(operation: string, steps: readonly TraceStep[]): string[] {
  const family = REQUEST_FAMILY[operation.slice(0, operation.indexOf('.'))];
  const own = (service: string): boolean => family !== undefined && (service === family || service.startsWith(`${family}-`));
  let driver = CLIENT;
  let previous = CLIENT;
  return steps.map((s) => {
    const from = family === undefined ? previous : driver;
    previous = `svc:${s.service}`;
    if (own(s.service)) driver = previous;
    return from;
  });
}

/** Participants in order of first appearance among `steps` (the caller first), each with a safe Mermaid id. */
function participants(steps: readonly TraceStep[], extra?: string): Map<string, string> {
  const ids = new Map<string, string>([[CLIENT, 'c']]);
  const seen = new Set<string>();
  for (const s of [...steps.map((x) => x.service), ...(extra === undefined ? [] : [extra])]) {
    if (seen.has(s)) continue;
    seen.add(s);
    ids.set(`svc:${s}`, `p${ids.size - 1}`);
  }
  return ids;
}

/**
 * The trace as Mermaid `sequenceDiagram` source: the caller (`actor c as client`), a participant
 * per service in order of first appearance, one numbered (`autonumber`) arrow `->>` per step from
 * its inferred caller (see the module comment; a self-message when it is the same), the failure as a note on the
 * last service. Actions are shortened (UUIDs to 8 characters) and escaped with Mermaid's entity
 * codes; past 400 steps a note says how many more there are (the numbered list has them all).
 */
export function traceMermaid(trace: Trace): string {
  const t = checkTrace(trace);
  const shown = t.steps.slice(0, MERMAID_STEPS);
  const last = t.steps[t.steps.length - 1];
  const ids = participants(shown, t.status === 'error' ? last?.service : undefined);
  const id = (service: string): string => ids.get(`svc:${service}`) as string;
  const lines = ['sequenceDiagram', `  title ${mermaidText(`${t.operation} (${shorten(t.request_id, 40)})`)}`, '  autonumber', '  actor c as client'];
  for (const [key, pid] of ids) if (key !== CLIENT) lines.push(`  participant ${pid} as ${mermaidText(shorten(key.slice(4), 40))}`);
  const callers = callersOf(t.operation, shown);
  let from = 'c';
  shown.forEach((s, i) => {
    const to = id(s.service);
    lines.push(`  ${ids.get(callers[i] as string) as string}->>${to}: ${mermaidText(shorten(s.action))}`);
    from = to;
  });
  if (t.steps.length > shown.length) lines.push(`  Note over ${from}: ${mermaidText(`… ${t.steps.length - shown.length} more steps (see the numbered list)`)}`);
  const error = errorLine(t);
  if (error !== undefined) lines.push(`  Note over ${last === undefined ? 'c' : id(last.service)}: ${mermaidText(shorten(error, 100))}`);
  return lines.join('\n');
}

/** A service's colour: its own, else its family's (`cinder-foo` → `cinder`), else muted. */
function colourOf(service: string): string {
  const own = Object.prototype.hasOwnProperty.call(SERVICE_COLOURS, service) ? SERVICE_COLOURS[service] : undefined;
  if (own !== undefined) return own;
  const family = service.split('-')[0] as string;
  return (Object.prototype.hasOwnProperty.call(SERVICE_COLOURS, family) ? SERVICE_COLOURS[family] : undefined) ?? PALETTE.muted;
}

function detailText(detail: TraceStep['detail']): string {
  if (detail === undefined) return '';
  try {
    const json = JSON.stringify(detail) ?? '';
    return json.length > 2000 ? `${json.slice(0, 1999)}…` : json;
  } catch {
    return '';
  }
}

// geometry of the drawn diagram
const GUTTER = 76;
const HEADER = 72;
const ROW = 34;
const MARGIN = 16;

/** The drawn sequence diagram. */
function drawSequence(t: Trace, title: string): string {
  const shown = t.steps.slice(0, DRAWN_STEPS);
  const last = t.steps[t.steps.length - 1];
  const ids = participants(shown, t.status === 'error' ? last?.service : undefined);
  const keys = [...ids.keys()];
  const names = keys.map((k) => (k === CLIENT ? CLIENT : k.slice(4)));
  const labels = names.map((n) => shorten(n, 28));
  const column = Math.max(112, Math.min(180, Math.max(...labels.map((l) => textWidth(l, 13))) + 24));
  const width = Math.max(560, GUTTER + column * names.length + MARGIN);
  const x = (i: number): number => GUTTER + column * i + column / 2;
  const colOf = new Map(keys.map((k, i) => [k, i]));
  /** The x of a participant key (`client`, or `svc:` and the service). */
  const xOf = (key: string): number => x(colOf.get(key) ?? 0);
  const rows = shown.length + (t.steps.length > shown.length ? 1 : 0) + (t.status === 'error' ? 1 : 0) + (t.steps.length === 0 ? 1 : 0);
  const bottom = HEADER + 12 + rows * ROW;
  const height = bottom + MARGIN;
  const parts: string[] = [];

  const summary = `${t.operation} · ${t.request_id} · ${t.status === 'ok' ? 'ok' : 'failed'} · ${t.steps.length} step${t.steps.length === 1 ? '' : 's'}${last === undefined ? '' : ` in ${offset(t, last.time)} s`}`;
  parts.push(el('text', { x: MARGIN, y: 20, 'font-size': 13, 'font-weight': 'bold', fill: PALETTE.ink }, escapeXml(fit(summary, width - 2 * MARGIN, 13))));
  parts.push(el('text', { x: GUTTER - 8, y: HEADER - 14, 'text-anchor': 'end', 'font-size': 10, fill: PALETTE.muted }, 'virtual s'));
  names.forEach((name, i) => {
    const colour = i === 0 ? PALETTE.ink : colourOf(name);
    const w = column - 12;
    parts.push(el('g', { 'data-participant': name },
      el('title', {}, escapeXml(name)),
      el('line', { x1: x(i), y1: HEADER, x2: x(i), y2: bottom, stroke: colour, 'stroke-width': 1.5, 'stroke-dasharray': '4 3', opacity: 0.7 }),
      el('rect', { x: x(i) - w / 2, y: 32, width: w, height: HEADER - 36, rx: 4, fill: PALETTE.background, stroke: colour, 'stroke-width': 2 }),
      el('rect', { x: x(i) - w / 2, y: 32, width: w, height: 5, rx: 2, fill: colour }),
      el('text', { x: x(i), y: 56, 'text-anchor': 'middle', 'font-weight': 'bold', fill: PALETTE.ink }, escapeXml(fit(labels[i] as string, w - 8, 13))),
    ));
  });

  const rowY = (r: number): number => HEADER + 12 + r * ROW + 22;
  let previousTime: string | undefined;
  const callers = callersOf(t.operation, shown);
  shown.forEach((s, r) => {
    const y = rowY(r);
    const when = offset(t, s.time);
    const row: string[] = [el('title', {}, escapeXml(`${r + 1}. [${when} s] ${s.service} — ${s.action}${s.detail ? ` ${detailText(s.detail)}` : ''}`))];
    if (when !== previousTime) {
      if (previousTime !== undefined) row.push(el('line', { x1: MARGIN, y1: y - 24, x2: width - MARGIN, y2: y - 24, stroke: PALETTE.grid, 'stroke-width': 1 }));
      row.push(el('text', { x: GUTTER - 8, y: y + 4, 'text-anchor': 'end', 'font-family': MONO_FAMILY, 'font-size': 10, fill: PALETTE.muted }, escapeXml(`+${when}`)));
      previousTime = when;
    }
    const from = callers[r] as string;
    row.push(arrow(xOf(from), xOf(`svc:${s.service}`), y, r + 1, shorten(s.action), colourOf(s.service), PALETTE.ink, width, false));
    parts.push(el('g', { 'data-step': r + 1, 'data-service': s.service, 'data-from': from === CLIENT ? CLIENT : from.slice(4) }, ...row));
  });
  let r = shown.length;
  if (t.steps.length === 0) parts.push(el('text', { x: x(0) + 12, y: rowY(r++) + 4, fill: PALETTE.muted, 'font-style': 'italic' }, 'no steps recorded'));
  if (t.steps.length > shown.length) {
    parts.push(el('text', { x: x(0) + 12, y: rowY(r++) + 4, fill: PALETTE.muted, 'font-style': 'italic' }, escapeXml(`… ${t.steps.length - shown.length} more steps (the numbered list has them all)`)));
  }
  const error = errorLine(t);
  if (error !== undefined) {
    const at = last === undefined ? CLIENT : `svc:${last.service}`;
    parts.push(el('g', { 'data-error': t.error?.code ?? 'failed' }, el('title', {}, escapeXml(error)), arrow(xOf(at), xOf(CLIENT), rowY(r), 0, shorten(error, 120), PALETTE.down, PALETTE.down, width, true)));
  }
  return svgDocument('sequence', title, width, height, parts.join(''));
}

/** One message: an arrow (a loop when `x1 === x2`) with its number and its label, fitted to the room it has. */
function arrow(x1: number, x2: number, y: number, n: number, label: string, colour: string, ink: string, width: number, reply: boolean): string {
  const out: string[] = [];
  const dir = x2 >= x1 ? 1 : -1;
  const stroke = { stroke: ink, 'stroke-width': 1.4, fill: 'none', 'stroke-dasharray': reply ? '6 3' : undefined };
  let textX: number;
  let room: number;
  let anchor: 'start' | 'end' = 'start';
  if (x1 === x2) {
    out.push(el('path', { d: `M${x1} ${y - 6} h22 v12 h-18`, ...stroke }));
    out.push(el('path', { d: `M${x1} ${y + 6} l6 -4 v8 z`, fill: ink }));
    textX = x1 + 30;
    room = width - MARGIN - textX;
    if (room < 160) {
      anchor = 'end';
      textX = x1 - 14;
      room = textX - GUTTER;
    }
  } else {
    out.push(el('line', { x1, y1: y, x2: x2 - dir * 2, y2: y, ...stroke }));
    out.push(el('path', { d: `M${x2} ${y} l${-dir * 8} -4 v8 z`, fill: ink }));
    const left = Math.min(x1, x2);
    const right = Math.max(x1, x2);
    const roomRight = width - MARGIN - (left + 14);
    const roomLeft = right - 14 - GUTTER;
    if (roomRight >= roomLeft) {
      textX = left + 14;
      room = roomRight;
    } else {
      anchor = 'end';
      textX = right - 14;
      room = roomLeft;
    }
  }
  // the label first, so the number's circle stays on top where a label runs over it
  out.push(el('text', { x: textX, y: y - 9, 'text-anchor': anchor, fill: ink, stroke: PALETTE.background, 'stroke-width': 3, 'paint-order': 'stroke' }, escapeXml(fit(label, room))));
  if (n > 0) {
    out.push(el('circle', { cx: x1, cy: y, r: 8, fill: PALETTE.background, stroke: colour, 'stroke-width': 2 }));
    out.push(el('text', { x: x1, y: y + 3.5, 'text-anchor': 'middle', 'font-size': n > 99 ? 8 : 10, 'font-weight': 'bold', fill: PALETTE.ink }, String(n)));
  } else {
    out.push(el('text', { x: x1, y: y + 5, 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold', fill: ink }, '✗'));
  }
  return out.join('');
}

function listHtml(t: Trace): string {
  const items = t.steps.map((s) => el('li', {},
    el('code', {}, escapeXml(`[${offset(t, s.time)} s]`)), ' ',
    el('b', { style: `color:${colourOf(s.service)}` }, escapeXml(oneLine(s.service))), ' — ', escapeXml(s.action),
    ...(s.detail ? [' ', el('small', { style: `color:${PALETTE.muted}` }, el('code', {}, escapeXml(detailText(s.detail))))] : []),
  ));
  const error = errorLine(t);
  return [
    items.length === 0 ? el('p', {}, 'No steps recorded.') : el('ol', { class: 'stacksim-trace', style: 'font-family:system-ui,sans-serif;font-size:13px' }, ...items),
    error === undefined ? '' : el('p', { style: `color:${PALETTE.down};font-weight:bold` }, escapeXml(error)),
  ].join('');
}

/**
 * A request trace (`cloud.trace()`) as a picture: the numbered list as text, the Mermaid source in
 * a ```mermaid fence as markdown, a sequence diagram drawn here as SVG (a lifeline per service in
 * its colour, numbered arrows, a time gutter in virtual seconds since the request started, the
 * failure as a red reply to the caller; at most 60 steps drawn, then "… N more steps"), and as
 * HTML the drawing followed by the whole numbered list with each step's detail.
 */
export function sequence(trace: Trace): Picture {
  const t = checkTrace(trace);
  const title = titleOf(undefined, `Trace of ${t.operation} (${t.request_id})`);
  const steps = traceSteps(t);
  const svg = drawSequence(t, title);
  return new Picture({
    title,
    text: steps.length === 0 ? `${title}: no steps recorded` : steps.join('\n'),
    svg,
    html: `<figure class="stacksim">${svg}</figure>${listHtml(t)}`,
    markdown: `\`\`\`mermaid\n${traceMermaid(t)}\n\`\`\``,
  });
}
