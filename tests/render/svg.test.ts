import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeXml, el, fit, formatNumber, oneLine, round, svgDocument, textWidth } from '../../src/render/svg.js';
import { parseXml } from './xml.js';

describe('the SVG pieces every renderer shares', () => {
  it('any text, escaped, is well-formed XML content and attribute value and reads back (seed 1616)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const doc = svgDocument('t', text, 10, 10, el('text', { 'data-x': text }, escapeXml(text)));
        const root = parseXml(doc);
        const node = root.children.find((c) => c.name === 'text');
        // what XML cannot carry (controls, lone surrogates) is dropped or replaced, the rest reads back
        const carried = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
        expect(node?.text).toBe(carried);
        expect(node?.attributes['data-x']).toBe(carried);
      }),
      { seed: 1616, numRuns: 300 },
    );
  });

  it('fit cuts by whole characters and stays within its width (seed 1617)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer({ min: 20, max: 200 }), (text, max) => {
        const cut = fit(text, max);
        expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(cut)).toBe(false); // no half of a surrogate pair
        if (cut !== text) {
          expect(cut.endsWith('…')).toBe(true);
          expect(Array.from(cut).length).toBeLessThanOrEqual(Array.from(text).length + 1);
        }
        if (Array.from(cut).length > 2) expect(textWidth(cut)).toBeLessThanOrEqual(max + textWidth('…'));
      }),
      { seed: 1617, numRuns: 300 },
    );
  });

  it('fit reads a string of 10^5 characters once: it stops where the width runs out', () => {
    for (const text of ['x'.repeat(100_000), `${'😀'.repeat(50_000)}`, `${'W'.repeat(99_999)}i`]) {
      const cut = fit(text, 100);
      expect(cut.endsWith('…')).toBe(true);
      expect(textWidth(cut)).toBeLessThanOrEqual(100);
      expect(text.startsWith(cut.slice(0, -1))).toBe(true);
    }
    expect(fit('x'.repeat(100_000), 1e9)).toHaveLength(100_000); // what fits is kept whole
    expect(fit('WWW', 1)).toBe('W…'); // at least one character
    expect(textWidth(fit('a bold label', 60, 12, true), 12, true)).toBeLessThanOrEqual(60);
  });

  it('oneLine: control characters become a space, bidi overrides and lone surrogates go (seed 1618)', () => {
    expect(oneLine('esc\u001b[31mred\r\nfake line\u202Eevil\u2028x\u0085y')).toBe('esc [31mred fake lineevil x y');
    expect(oneLine('a  b')).toBe('a  b'); // spaces are the user's
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expect(oneLine(text)).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }),
      { seed: 1618, numRuns: 300 },
    );
  });

  it('formatNumber groups thousands, keeps the decimals asked for, never prints -0', () => {
    expect([formatNumber(130560), formatNumber(1.23456), formatNumber(1.23456, 6), formatNumber(0.5000001, 6), formatNumber(-0.001), formatNumber(-0), formatNumber(1e300)]).toEqual(['130,560', '1.23', '1.23456', '0.5', '0', '0', '1e+300']);
  });

  it('coordinates are finite numbers with at most 2 decimals', () => {
    expect([round(NaN), round(Infinity), round(-0), round(1.23456), round(-0.001)]).toEqual(['0', '0', '0', '1.23', '0']);
    expect(el('rect', { x: NaN, hidden: false, open: true, title: 'a"b' })).toBe('<rect x="0" open="true" title="a&quot;b"/>');
  });
});
