/**
 * A small strict XML well-formedness checker for the renderers' tests: parses an SVG (or any
 * XML fragment with one root) into elements, or throws saying where it broke. Entities allowed
 * are XML's five and numeric references; anything else (`&nbsp;`, a stray `<`, an unclosed or
 * crossed tag, a duplicate attribute) is an error, as a browser's XML parser would report.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The text directly inside, entities decoded. */
  readonly text: string;
}

const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const SPACE = /\s*/y;
const CLOSE = /<\/([A-Za-z_:][A-Za-z0-9_:.-]*)\s*>/y;

/** What a sticky pattern matches at `at` (no copy of the rest of the text: parsing stays linear). */
function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

function decode(raw: string, at: number): string {
  return raw.replace(/&([^;]*);|&/g, (m, body: string | undefined) => {
    if (body === undefined) throw new Error(`bare '&' near offset ${at}`);
    if (body === 'amp') return '&';
    if (body === 'lt') return '<';
    if (body === 'gt') return '>';
    if (body === 'quot') return '"';
    if (body === 'apos') return "'";
    if (/^#\d+$/.test(body)) return String.fromCodePoint(Number(body.slice(1)));
    if (/^#x[0-9a-fA-F]+$/.test(body)) return String.fromCodePoint(parseInt(body.slice(2), 16));
    throw new Error(`unknown entity ${m} near offset ${at}`);
  });
}

/** Parses `xml` (one root element, optional XML declaration and comments); throws when not well-formed. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  /** Where the first `end` after `from` ends; `error` when there is none. */
  const past = (from: number, end: string, error: string): number => {
    const at = xml.indexOf(end, from);
    if (at < 0) throw new Error(error);
    return at + end.length;
  };
  const skipMisc = (): void => {
    for (;;) {
      while (i < xml.length && /\s/.test(xml[i] as string)) i++;
      if (xml.startsWith('<?', i)) i = past(i, '?>', 'unclosed <?');
      else if (xml.startsWith('<!--', i)) i = past(i, '-->', 'unclosed comment');
      else if (xml.startsWith('<!DOCTYPE', i)) {
        const end = xml.indexOf('>', i);
        i = end + 1;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (xml[i] !== '<') throw new Error(`expected '<' at ${i}`);
    i++;
    const name = matchAt(NAME, xml, i)?.[0];
    if (name === undefined) throw new Error(`bad element name at ${i}`);
    i += name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      const ws = matchAt(SPACE, xml, i)?.[0] ?? '';
      i += ws.length;
      if (xml.startsWith('/>', i)) {
        i += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      if (ws.length === 0) throw new Error(`expected whitespace before an attribute of <${name}> at ${i}`);
      const attr = matchAt(NAME, xml, i)?.[0];
      if (attr === undefined) throw new Error(`bad attribute in <${name}> at ${i}`);
      i += attr.length;
      if (xml[i] !== '=') throw new Error(`attribute ${attr} of <${name}> has no value at ${i}`);
      i++;
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") throw new Error(`attribute ${attr} of <${name}> is not quoted at ${i}`);
      const end = xml.indexOf(quote, i + 1);
      if (end < 0) throw new Error(`unclosed attribute ${attr} of <${name}>`);
      const raw = xml.slice(i + 1, end);
      if (raw.includes('<')) throw new Error(`'<' in attribute ${attr} of <${name}>`);
      if (attr in attributes) throw new Error(`duplicate attribute ${attr} in <${name}>`);
      attributes[attr] = decode(raw, i);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (i >= xml.length) throw new Error(`<${name}> is never closed`);
      if (xml.startsWith('</', i)) {
        const close = matchAt(CLOSE, xml, i);
        if (close === null) throw new Error(`bad closing tag at ${i}`);
        if (close[1] !== name) throw new Error(`</${close[1]}> closes <${name}> at ${i}`);
        i += close[0].length;
        return { name, attributes, children, text };
      }
      if (xml.startsWith('<!--', i)) {
        i = past(i, '-->', 'unclosed comment');
      } else if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i);
        if (end < 0) throw new Error('unclosed CDATA');
        text += xml.slice(i + 9, end);
        i = end + 3;
      } else if (xml[i] === '<') {
        children.push(element());
      } else {
        const next = xml.indexOf('<', i);
        const end = next < 0 ? xml.length : next;
        text += decode(xml.slice(i, end), i);
        i = end;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== xml.length) throw new Error(`content after the root element at ${i}`);
  return root;
}

/** Every element of the tree, depth first. */
export function allElements(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [root];
  for (const c of root.children) out.push(...allElements(c));
  return out;
}

/** All text in the tree (each element's own text, then its children's), joined by spaces. */
export function allText(root: XmlElement): string {
  return [root.text, ...root.children.map(allText)].join(' ');
}
