/**
 * The few SVG and HTML pieces every renderer shares: escaping, one element builder, a document
 * wrapper with the house style, text width estimates (no DOM to measure with), number formats and
 * the palette. Pure strings: no DOM, no `node:` imports, so it runs in Node, Deno and browsers.
 */

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text without lone UTF-16 surrogates (no character: XML forbids them, UTF-8 cannot carry them): each becomes U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Text made safe inside XML / HTML content and attribute values (also drops characters XML 1.0 forbids). */
export function escapeXml(text: unknown): string {
  // eslint-disable-next-line no-control-regex
  return wellFormed(String(text).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')).replace(/[&<>"']/g, (c) => XML_ESCAPES[c] as string);
}

/**
 * A user's string made one harmless line for a text form (a terminal, a tree, a table cell): each
 * run of control characters (C0, DEL, C1, line and paragraph separators: `\n`, `\r`, `\t`, `ESC`)
 * becomes one space, bidi embeddings, overrides and isolates (which would reorder the terminal)
 * go, lone surrogates become U+FFFD. A server named `esc\u001b[31mred\nfake line` cannot colour
 * the terminal or print a line of its own.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return wellFormed(text).replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ').replace(/[\u202A-\u202E\u2066-\u2069]/g, '');
}

/** `text` cut to at most `max` characters (code points, never half a pair), ending in `…` when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text.slice(0, max * 2 + 2));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Attribute values: numbers are rounded to 2 decimals; `true` is written `"true"` (XML has no bare attributes); `undefined` / `false` leave the attribute out. */
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

/** One element: `el('rect', { x: 0, width: 10 })`, `el('text', { x: 1 }, escapeXml('a < b'))`. Children are markup. */
export function el(tag: string, attributes: Attributes = {}, ...children: readonly string[]): string {
  let attrs = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    attrs += ` ${name}="${value === true ? 'true' : typeof value === 'number' ? round(value) : escapeXml(value)}"`; // XML has no bare attributes
  }
  return children.length === 0 ? `<${tag}${attrs}/>` : `<${tag}${attrs}>${children.join('')}</${tag}>`;
}

/** A number for an SVG coordinate: at most 2 decimals, no `-0`, never `NaN` (0 instead). */
export function round(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const r = Math.round(n * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

/** The house font: what every renderer sets its text in, so widths can be estimated. */
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
/** The house monospace font: a table's SVG form, the weighers' arithmetic and the trace's time gutter, where digits must line up. */
export const MONO_FAMILY = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';

/** How much wider bold text is than regular, about (the estimates below are for regular text). */
const BOLD = 1.12;

/** About how wide one character is, in em of the house font: 0.55 for most, 0.64 for capitals and digits, 0.32 for narrow ones, 0.85 for wide ones. */
function charEm(c: string): number {
  return /[ilj.,:;'|!1 ]/.test(c) ? 0.32 : /[MW@%]/.test(c) ? 0.85 : /[A-Z0-9]/.test(c) ? 0.64 : 0.55;
}

/** About how wide `text` is in the house font at `size` px (`bold`: set in bold, about 12 % wider). */
export function textWidth(text: string, size = 12, bold = false): number {
  let em = 0;
  for (const c of text) em += charEm(c);
  return em * size * (bold ? BOLD : 1);
}

/**
 * `text` cut to at most `max` px wide with an ellipsis (at least its first character is kept).
 * One pass over the text with a running width, stopping where it passes `max`: a title of a
 * million characters costs what a short one does.
 */
export function fit(text: string, max: number, size = 12, bold = false): string {
  const scale = size * (bold ? BOLD : 1);
  const ellipsis = charEm('…') * scale;
  let width = 0;
  let at = 0;
  let kept = 0; // UTF-16 length of the longest prefix that fits with the ellipsis after it
  for (const c of text) { // by code point: never half a surrogate pair
    width += charEm(c) * scale;
    at += c.length;
    if (width > max) return `${text.slice(0, Math.max(kept, (text.codePointAt(0) as number) > 0xffff ? 2 : 1))}…`;
    if (width + ellipsis <= max) kept = at;
  }
  return text;
}

/**
 * A whole SVG document in the house style: `xmlns`, a `viewBox` of the given size, a `<title>`
 * (screen readers, tooltips), the font, a white background, and `data-stacksim` naming the
 * renderer (tests and the report find pictures by it).
 */
export function svgDocument(kind: string, title: string, width: number, height: number, body: string): string {
  const w = Math.max(1, Math.ceil(width));
  const h = Math.max(1, Math.ceil(height));
  return el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width: w, height: h, viewBox: `0 0 ${w} ${h}`, 'font-family': FONT_FAMILY, 'font-size': 12, 'data-stacksim': kind, role: 'img' },
    el('title', {}, escapeXml(title)),
    el('rect', { x: 0, y: 0, width: w, height: h, fill: PALETTE.background }),
    body,
  );
}

/** Lines of text set in monospace as an SVG document (a table's SVG form). */
export function textLines(title: string, lines: readonly string[]): string {
  const size = 12;
  const lineHeight = 16;
  const width = 16 + Math.max(1, ...lines.map((l) => l.length)) * size * 0.6;
  const body = el('text', { x: 8, y: 8, 'font-family': MONO_FAMILY, 'font-size': size, 'xml:space': 'preserve' }, ...lines.map((l, i) => el('tspan', { x: 8, y: 8 + (i + 1) * lineHeight - 4 }, escapeXml(l))));
  return svgDocument('text', title, width, 16 + lines.length * lineHeight, body);
}

/** One formatter per number of decimals (`toLocaleString` builds a new one per call: 30 µs each). */
const NUMBER_FORMATS = new Map<number, Intl.NumberFormat>();

/**
 * Numbers as people read them: grouped thousands (`130,560`), at most `decimals` decimals (2 by
 * default; the scheduling grid shows 6, as nova's weigher log does), never `-0`; beyond 10²¹
 * (where grouping would print 22 digits and more) in exponent form.
 */
export function formatNumber(n: number, decimals = 2): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e21) return String(n);
  // whole numbers (most of what a 1 000-host picture prints) are grouped by hand: Intl costs ~2 µs a call
  if (Number.isSafeInteger(n)) return n === 0 ? '0' : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const places = Math.max(0, Math.min(20, Math.floor(decimals)));
  let format = NUMBER_FORMATS.get(places);
  if (format === undefined) NUMBER_FORMATS.set(places, (format = new Intl.NumberFormat('en-US', { maximumFractionDigits: places })));
  const r = Number(n.toFixed(places));
  return format.format(r === 0 ? 0 : r);
}

/**
 * The palette: one colour per meaning, the same in every picture. Physical capacity is grey,
 * overcommitted capacity light blue, usage blue (red past physical), down things red.
 */
export const PALETTE = {
  background: '#ffffff',
  ink: '#1f2933',
  muted: '#616e7c',
  grid: '#d9e2ec',
  physical: '#9aa5b1',
  overcommit: '#cfe4fb',
  used: '#2680c2',
  overused: '#d64545',
  ok: '#3ebd93',
  warn: '#f0b429',
  down: '#d64545',
  region: '#f5f7fa',
  zone: '#e4f0fb',
  aggregate: '#fff7e6',
  host: '#ffffff',
  server: '#2680c2',
  network: '#7c5e10',
  router: '#8719e0',
  external: '#0e7c86',
} as const;

/**
 * Per-service colours (a trace's lifelines, the report's legend), by the names services sign their
 * trace steps with. A trace falls back to the family (`cinder-foo` → `cinder`), then to `muted`.
 */
export const SERVICE_COLOURS: Readonly<Record<string, string>> = {
  keystone: '#7c5e10',
  nova: '#2680c2',
  'nova-api': '#2680c2',
  'nova-conductor': '#0552b5',
  'nova-scheduler': '#8719e0',
  'nova-manage': '#0552b5',
  placement: '#a368fc',
  'nova-compute': '#0e7c86',
  glance: '#cb6e17',
  'glance-api': '#cb6e17',
  neutron: '#3ebd93',
  'neutron-server': '#3ebd93',
  'neutron-dhcp-agent': '#147d64',
  cinder: '#d64545',
  'cinder-api': '#d64545',
  'cinder-scheduler': '#ab091e',
  'cinder-volume': '#e66a6a',
  'cinder-backup': '#8a041a',
  swift: '#f0b429',
  'swift-proxy': '#f0b429',
  'swift-object-server': '#b44d12',
  'swift-object-replicator': '#cb6e17',
  'swift-object-expirer': '#8d2b0b',
  hardware: '#616e7c',
  devstack: '#3e4c59',
  stacksim: '#3e4c59',
};

/** The HTML table the house uses (tables, the explanation grid): header row, body rows, cells already markup. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], attributes: Attributes = {}): string {
  const head = el('thead', {}, el('tr', {}, ...header.map((h) => el('th', { style: 'text-align:left;padding:2px 8px;border-bottom:1px solid #9aa5b1' }, h))));
  const body = el('tbody', {}, ...(rows.length === 0 ? [''] : rows.map((r) => el('tr', {}, ...r.map((c) => el('td', { style: 'padding:2px 8px;border-bottom:1px solid #e4e7eb;vertical-align:top' }, c))))));
  return el('table', { class: 'stacksim', style: 'border-collapse:collapse;font-family:system-ui,sans-serif;font-size:13px', ...attributes }, head, body);
}

/**
 * Lines of aligned columns — the text counterpart of {@link htmlTable}: a header, an underline of
 * `─`, the rows; `right[i]` right-aligns column i (numbers). Widths count characters, not UTF-16
 * units. Cells must already be one line ({@link oneLine}).
 */
export function alignColumns(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const widths = header.map((h, i) => rows.reduce((m, r) => Math.max(m, length(r[i] ?? '')), length(h)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => pad(c, widths[i] ?? 0, right[i] === true)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  ').trimEnd(), ...rows.map(line)];
}

/** Characters, not UTF-16 units (an emoji is one). */
function length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - length(s)));
  return right ? fill + s : s + fill;
}
