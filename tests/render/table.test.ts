import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCloud } from '../../src/index.js';
import * as render from '../../src/render/index.js';
import { refusedInput as refused } from './support.js';
import { allElements, allText, parseXml } from './xml.js';

function bootTwo(seed = 1616) {
  const cloud = createCloud({ preset: 'devstack', seed });
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  for (const name of ['web-1', 'db-1']) demo.compute.createServer({ name, flavorRef: 'm1.tiny', imageRef: 'cirros-0.5.2-x86_64-disk', networks: 'auto' });
  return { cloud, demo };
}

const lines = (p: render.Picture): string[] => p.toText().split('\n');

describe('table (seed 1616)', () => {
  it('a list of servers: columns in first-seen order without links, one aligned line per server, an HTML table', () => {
    const { demo } = bootTwo();
    const servers = demo.compute.listServers();
    const p = render.table(servers);
    const [header, underline, ...rows] = lines(p);
    const columns = (header as string).split(/\s{2,}/);
    expect(columns.slice(0, 3)).toEqual(['id', 'name', 'status']);
    expect(columns).not.toContain('links');
    expect(underline).toMatch(/^─+( {2}─+)+$/);
    expect(rows).toHaveLength(2);
    for (const s of servers) {
      const row = rows.find((r) => r.startsWith(s.id)) as string;
      expect(row).toContain(s.name);
      expect(row).toContain(s.status);
      // the `name` column starts at the same offset on every line
      expect(row.indexOf(s.name)).toBe((header as string).indexOf('name'));
    }
    // a list of resources by name (security groups), a nested object as k=v pairs (the flavor)
    expect(rows[0]).toContain('default');
    expect(rows[0]).toContain('vcpus=1, ram=512');

    const html = parseXml(p.toHTML());
    const cells = allElements(html).filter((e) => e.name === 'td');
    expect(allElements(html).filter((e) => e.name === 'th').map((e) => allText(e))).toEqual(columns);
    expect(cells.map((c) => allText(c))).toEqual(expect.arrayContaining(['web-1', 'db-1', 'ACTIVE']));
    expect(p.isDrawing).toBe(false);
    expect(parseXml(p.toSVG()).attributes['data-stacksim']).toBe('text');
  });

  it('columns, title and maxRows: the columns asked for, the title above, "… N more rows" past the limit', () => {
    const { cloud } = bootTwo();
    const hosts = cloud.hardware.listHosts();
    const p = render.table(hosts, { columns: ['name', 'state', 'roles'], title: 'Hosts', maxRows: 2 });
    expect(lines(p)).toEqual([
      'Hosts',
      'name      state  roles',
      '────────  ─────  ───────',
      'compute1  up     compute',
      'compute2  up     compute',
      '… 1 more row',
    ]);
    expect(p.title).toBe('Hosts');
    const html = p.toHTML();
    expect(html).toContain('… 1 more row');
    expect(allElements(parseXml(html)).filter((e) => e.name === 'tr')).toHaveLength(3);
    expect(render.table(hosts, { maxRows: Infinity }).toText()).toContain('controller');
  });

  it('numbers are right-aligned; null and undefined are empty; booleans and -0 as they read', () => {
    const p = render.table([{ name: 'a', vcpus: 1, ok: true, note: null }, { name: 'bb', vcpus: 128, ok: false, z: -0 }]);
    expect(lines(p)).toEqual([
      'name  vcpus  ok     note  z',
      '────  ─────  ─────  ────  ─',
      'a         1  true',
      'bb      128  false        0',
    ]);
  });

  it('an empty list is a readable "(no rows)", with the header when columns are given', () => {
    expect(render.table([]).toText()).toBe('(no rows)');
    expect(render.table([]).toHTML()).toContain('(no rows)');
    expect(lines(render.table([], { columns: ['id', 'name'] }))).toEqual(['id  name', '──  ────', '(no rows)']);
    expect(render.table([{}, {}]).toText()).toBe('(2 rows with no fields)');
    parseXml(render.table([]).toHTML());
  });

  it('a long cell is cut with … in the text; the HTML keeps the whole value in the title attribute', () => {
    const description = `a ${'very '.repeat(30)}long description`;
    const p = render.table([{ name: 'x', description }]);
    const row = lines(p)[2] as string;
    expect(row).toContain('…');
    expect(row.length).toBeLessThan(60);
    const span = allElements(parseXml(p.toHTML())).find((e) => e.name === 'span' && e.attributes.title !== undefined);
    expect(span?.attributes.title).toBe(description);
    expect(allText(span as never)).toMatch(/…$/);
  });

  it('hostile values render safely: circular, deep, huge, NaN, __proto__, throwing getters, bigint, symbols, dates, maps', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    circular.list = [circular, { id: 'id-3' }, { x: 1 }, 5, null];
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) deep = { next: deep };
    const proto = JSON.parse('{"__proto__": {"polluted": "yes"}, "name": "p"}') as object;
    const getter = Object.defineProperty({ name: 'g' }, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
    const huge = { name: 'huge', blob: 'x'.repeat(5_000_000), list: Array.from({ length: 100_000 }, (_, i) => i) };
    const odd = { name: 'odd', n: NaN, inf: -Infinity, big: 12n, sym: Symbol('s'), when: new Date(0), bad: new Date(NaN), map: new Map([['k', 1]]), set: new Set([1, 2]), fn: () => 1, nul: Object.create(null) as object };
    const started = performance.now();
    const p = render.table([circular, { deep }, proto, getter, huge, odd]);
    expect(performance.now() - started).toBeLessThan(2000);
    const text = p.toText();
    expect(text.length).toBeLessThan(20_000);
    expect(text).toContain('[circular]');
    expect(text).toContain('loop, id-3, {"x":1}, 5');
    expect(text).toContain('next={next={…}}');
    expect(text).toContain('__proto__');
    expect(text).toContain('polluted=yes');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(text).toContain('(unreadable)');
    expect(text).toContain('0, 1, 2, 3');
    // the caps: a 100 000-item list shows its first 20 then how many more, a 5 MB string keeps 2 000 characters in the cell's title
    expect(p.toHTML()).toContain('0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, … +99980');
    const blob = allElements(parseXml(p.toHTML())).find((e) => e.name === 'span' && e.attributes.title?.startsWith('xxxx') === true);
    expect(blob?.attributes.title?.length).toBeLessThanOrEqual(2001);
    expect(text.split('\n').find((l) => l.startsWith('huge'))?.length).toBeLessThan(40 * 8);
    for (const s of ['NaN', '-Infinity', '12', 'Symbol(s)', '1970-01-01T00:00:00.000Z', 'Invalid Date', 'k=1', '1, 2']) expect(text).toContain(s);
    const html = p.toHTML();
    expect(html.length).toBeLessThan(100_000);
    parseXml(html);
  });

  it('markup and control characters in values are escaped in HTML and flattened in the text', () => {
    const p = render.table([{ name: '<script>alert("x")</script>', note: 'two\nlines\u202Eevil', '<th>': 1 }]);
    expect(p.toHTML()).not.toContain('<script>');
    expect(p.toHTML()).toContain('&lt;script&gt;');
    parseXml(p.toHTML());
    expect(p.toText().split('\n')).toHaveLength(3);
    expect(p.toText()).toContain('two lines');
    expect(p.toText()).not.toContain('\u202E');
  });

  it('bad input is a 400 naming rows, rows[i] or the option', () => {
    refused(() => render.table(null as never), 'rows');
    refused(() => render.table('servers' as never), 'rows');
    refused(() => render.table({ length: 1 } as never), 'rows');
    refused(() => render.table([{ a: 1 }, {}, {}, 7] as never), 'rows[3]');
    refused(() => render.table([null] as never), 'rows[0]');
    refused(() => render.table([[1, 2]] as never), 'rows[0]');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    refused(() => render.table([proxy]), 'rows[0]');
    refused(() => render.table(proxy as never), 'rows');
    refused(() => render.table([{ a: 1 }], proxy as never), 'options');
    refused(() => render.table([{ a: 1 }], null as never), 'options');
    refused(() => render.table([{ a: 1 }], { colour: 'red' } as never), 'options.colour');
    refused(() => render.table([{ a: 1 }], { columns: 'a' } as never), 'options.columns');
    refused(() => render.table([{ a: 1 }], { columns: [] }), 'options.columns');
    refused(() => render.table([{ a: 1 }], { columns: ['a', 3] } as never), 'options.columns[1]');
    refused(() => render.table([{ id: 1, name: 'x' }], { columns: ['nmae'] }), 'options.columns[0]', 'the fields are id, name');
    for (const maxRows of [NaN, 0, -1, 1.5, '10', Number.NEGATIVE_INFINITY]) refused(() => render.table([{ a: 1 }], { maxRows } as never), 'options.maxRows');
    refused(() => render.table([{ a: 1 }], { title: 42 } as never), 'options.title');
  });

  it('the same rows give the same bytes', () => {
    const a = render.table(bootTwo(7).demo.compute.listServers());
    const b = render.table(bootTwo(7).demo.compute.listServers());
    expect(a.toText()).toBe(b.toText());
    expect(a.toHTML()).toBe(b.toHTML());
  });

  it('any list of records gives a table whose HTML is well-formed, never more rows than asked (seed 1616)', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true })), { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (rows, maxRows) => {
        const p = render.table(rows, { maxRows });
        parseXml(p.toHTML());
        parseXml(p.toSVG());
        const body = p.toText().split('\n').filter((l) => !l.startsWith('…'));
        expect(body.length).toBeLessThanOrEqual(Math.max(1, 2 + maxRows));
      }),
      { seed: 1616, numRuns: 200 },
    );
  });
});
