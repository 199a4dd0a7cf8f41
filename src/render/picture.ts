/**
 * What every renderer returns: one picture, as plain text, HTML and (for drawings) SVG, that a
 * notebook shows by itself — Deno's kernel calls `[Symbol.for("Jupyter.display")]()`, tslab's
 * `tslab.display.html(p.toHTML())` / `tslab.display.svg(p.toSVG())` — and that a report, a
 * terminal (`String(p)`) or a browser page (`element.innerHTML = p.toHTML()`) can use as it is.
 */
import { el, escapeXml, PALETTE, svgDocument, textLines, textWidth } from './svg.js';

/** The key Deno's Jupyter kernel (and anything following it) looks for on a displayed value. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display') as never;

/** A Jupyter MIME bundle: what one displayed value is, in each form a front end may choose from. */
export interface MimeBundle {
  readonly 'text/plain': string;
  readonly 'text/html'?: string;
  readonly 'image/svg+xml'?: string;
  readonly 'text/markdown'?: string;
}

/** The forms a renderer produced; `text` is required, the others optional. */
export interface PictureParts {
  /** A short title (the report's section heading, the SVG's `<title>`). */
  readonly title: string;
  /** The picture as plain text: what a terminal or `console.log` shows. */
  readonly text: string;
  /** An HTML fragment (no `<html>` / `<body>`); defaults to the SVG, else the text in a `<pre>`. */
  readonly html?: string;
  /** A whole `<svg>` document with its `xmlns`; drawings have one, tables need not. */
  readonly svg?: string;
  /** Markdown (a trace's Mermaid diagram in a ```mermaid fence). */
  readonly markdown?: string;
}

/**
 * One rendered picture. Immutable; every form is computed when the renderer ran, so showing it
 * twice costs nothing and a picture never changes after the cloud it came from does.
 */
export class Picture {
  /** Stable across minification (bundlers rename classes). */
  readonly kind = 'Picture';
  /** The picture's title: one line, at most 200 characters (a renderer's `title` option or its default); the SVG's `<title>` and a report's heading. */
  readonly title: string;
  readonly #text: string;
  readonly #html: string | undefined;
  readonly #svg: string | undefined;
  readonly #markdown: string | undefined;

  /**
   * A picture of the forms a renderer made (renderers call this; a notebook may too, to show its
   * own text or SVG the house way). The parts are kept as given: a renderer has already escaped
   * its markup and made its title one line.
   */
  constructor(parts: PictureParts) {
    this.title = parts.title;
    this.#text = parts.text;
    this.#html = parts.html;
    this.#svg = parts.svg;
    this.#markdown = parts.markdown;
    Object.freeze(this);
  }

  /** The plain-text form. */
  toText(): string {
    return this.#text;
  }

  /** The plain-text form (so `console.log(String(picture))` prints it). */
  toString(): string {
    return this.#text;
  }

  /** An HTML fragment: the renderer's HTML, else the SVG inline, else the text in a `<pre>`. */
  toHTML(): string {
    if (this.#html !== undefined) return this.#html;
    if (this.#svg !== undefined) return `<figure class="stacksim">${this.#svg}</figure>`;
    return `<pre class="stacksim">${escapeXml(this.#text)}</pre>`;
  }

  /** A whole SVG document: the drawing, or — for a picture that is text (a table) — the text set in monospace. */
  toSVG(): string {
    return this.#svg ?? textLines(this.title, this.#text.split('\n'));
  }

  /** Markdown, when the renderer made some (a Mermaid sequence diagram); else the text in a code fence. */
  toMarkdown(): string {
    return this.#markdown ?? `\`\`\`text\n${this.#text}\n\`\`\``;
  }

  /** Whether the renderer drew this picture (rather than set text). */
  get isDrawing(): boolean {
    return this.#svg !== undefined;
  }

  /** The MIME bundle a Jupyter kernel displays (Deno calls this by itself). */
  [JUPYTER_DISPLAY](): MimeBundle {
    return {
      'text/plain': this.#text,
      'text/html': this.toHTML(),
      ...(this.#svg !== undefined ? { 'image/svg+xml': this.#svg } : {}),
      ...(this.#markdown !== undefined ? { 'text/markdown': this.#markdown } : {}),
    };
  }

  /** A picture is shown, not serialised: JSON gets its title and text. */
  toJSON(): { title: string; text: string } {
    return { title: this.title, text: this.#text };
  }
}

/**
 * Several pictures as one: the texts and HTML one after another, the drawings stacked top to
 * bottom in one SVG document (each kept whole as a nested `<svg>`). A list of rings shows this way.
 */
export function stack(title: string, pictures: readonly Picture[]): Picture {
  let y = 0;
  let width = 1;
  const parts: string[] = [];
  for (const p of pictures) {
    const svg = p.toSVG();
    const size = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    const w = Number(size?.[1] ?? 0);
    const h = Number(size?.[2] ?? 0);
    parts.push(svg.replace(/^<svg /, `<svg x="0" y="${y}" `));
    y += h + 16;
    width = Math.max(width, w);
  }
  return new Picture({
    title,
    text: pictures.map((p) => p.toText()).join('\n\n'),
    html: pictures.map((p) => p.toHTML()).join('\n'),
    svg: svgDocument('stack', title, width, Math.max(1, y - 16), parts.join('')),
  });
}

/**
 * The picture of nothing to draw: the title and one line saying why (and what would add
 * something), as text and as a small SVG of `kind` — an empty cloud's datacenter, a utilisation
 * with no compute host.
 */
export function emptyPicture(kind: string, title: string, message: string): Picture {
  const body = el('text', { x: 12, y: 26, 'font-size': 15, 'font-weight': 600, fill: PALETTE.ink }, escapeXml(title)) + el('text', { x: 12, y: 50, fill: PALETTE.muted }, escapeXml(message));
  const width = Math.max(560, textWidth(message) + 24, textWidth(title, 15, true) + 24);
  return new Picture({ title, text: `${title}\n${message}`, svg: svgDocument(kind, title, width, 66, body) });
}

export { svgDocument };
