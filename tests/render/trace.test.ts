import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CloudError, createCloud, type Trace } from '../../src/index.js';
import { PALETTE, SERVICE_COLOURS, sequence, traceMermaid, traceSteps } from '../../src/render/index.js';
import { refusedInput } from './support.js';
import { allElements, allText, parseXml, type XmlElement } from './xml.js';

const BOOT = { name: 'vm1', flavorRef: 'm1.tiny', imageRef: 'cirros-0.5.2-x86_64-disk', networks: 'auto' } as const;

function boot(seed: number, progression: 'immediate' | 'clock' = 'immediate', extra: Record<string, unknown> = {}) {
  const cloud = createCloud({ preset: 'devstack', seed, progression });
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  demo.compute.createServer({ ...BOOT, ...extra });
  const id = cloud.lastRequestId as string;
  cloud.run();
  return { cloud, demo, trace: cloud.trace(id) as Trace };
}

const arrows = (mermaid: string): string[] => mermaid.split('\n').filter((l) => /^ {2}(c|p\d+)->>p\d+: /.test(l));
const byAttr = (root: XmlElement, name: string): XmlElement[] => allElements(root).filter((e) => e.attributes[name] !== undefined);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('a boot trace as a numbered list, Mermaid and a drawing (seed 16)', () => {
  const { trace } = boot(16);
  const services = [...new Set(trace.steps.map((s) => s.service))];

  it('numbers every step with its virtual time, service and action', () => {
    const lines = traceSteps(trace);
    expect(trace.status).toBe('ok');
    expect(lines).toHaveLength(trace.steps.length);
    expect(lines[0]).toMatch(/^1\. \[0\.000 s\] keystone — token of user [0-9a-f]+ validated for nova-api/);
    trace.steps.forEach((s, i) => expect(lines[i]).toBe(`${i + 1}. [0.000 s] ${s.service} — ${s.action}`));
  });

  it('the Mermaid source has the caller, a participant per service in order of first appearance and one numbered arrow per step', () => {
    const m = traceMermaid(trace);
    const lines = m.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines).toContain('  autonumber');
    expect(lines).toContain('  actor c as client');
    expect(services).toEqual(['keystone', 'nova-api', 'glance-api', 'neutron-server', 'nova-conductor', 'placement', 'nova-scheduler', 'nova-compute']);
    const declared = lines.filter((l) => l.startsWith('  participant ')).map((l) => l.replace(/^ {2}participant p\d+ as /, ''));
    expect(declared).toEqual(services);
    const a = arrows(m);
    expect(a).toHaveLength(trace.steps.length);
    expect(a[0]).toMatch(/^ {2}c->>p0: token of user [0-9a-f]{8} validated/);
    // the flavor check is nova-api talking to itself
    const flavor = trace.steps.findIndex((s) => s.action.startsWith('flavor m1.tiny'));
    expect(a[flavor]).toMatch(/^ {2}p1->>p1: flavor m1\.tiny/);
    // each arrow leaves its caller: the nova service that ran last (the client before any), so
    // nova-api asks Glance and Neutron, the conductor hands on to nova-compute, nova-compute asks Neutron
    const id = (service: string): string => `p${services.indexOf(service)}`;
    let driver = 'c';
    trace.steps.forEach((s, i) => {
      expect(a[i]?.startsWith(`  ${driver}->>${id(s.service)}: `)).toBe(true);
      if (s.service.startsWith('nova-')) driver = id(s.service);
    });
    const arrowOf = (prefix: string): string | undefined => a[trace.steps.findIndex((s) => s.action.startsWith(prefix))];
    expect(arrowOf('image ')).toMatch(/^ {2}p1->>p2: /); // nova-api → glance-api
    expect(arrowOf('networks validated')).toMatch(/^ {2}p1->>p3: /); // nova-api → neutron-server
    expect(arrowOf('create_port')).toMatch(new RegExp(`^ {2}${id('nova-compute')}->>p3: `)); // nova-compute → neutron-server
    expect(arrowOf('build_and_run_instance')).toMatch(new RegExp(`^ {2}${id('nova-conductor')}->>${id('nova-compute')}: `));
    expect(m).not.toMatch(UUID);
    expect(m).not.toMatch(/[0-9a-f]{32}/);
    expect(m.replace(/#\d+;/g, '')).not.toMatch(/[#;]/);
  });

  it('draws a lifeline per service in its colour, one numbered arrow per step, and parses as XML', () => {
    const p = sequence(trace);
    const root = parseXml(p.toSVG());
    expect(root.attributes['data-stacksim']).toBe('sequence');
    const parts = byAttr(root, 'data-participant').map((g) => g.attributes['data-participant']);
    expect(parts).toEqual(['client', ...services]);
    for (const g of byAttr(root, 'data-participant').slice(1)) {
      const line = g.children.find((c) => c.name === 'line');
      expect(line?.attributes.stroke).toBe(SERVICE_COLOURS[g.attributes['data-participant'] as string]);
    }
    const steps = byAttr(root, 'data-step');
    expect(steps.map((g) => g.attributes['data-step'])).toEqual(trace.steps.map((_, i) => String(i + 1)));
    expect(steps.map((g) => g.attributes['data-service'])).toEqual(trace.steps.map((s) => s.service));
    expect(byAttr(root, 'data-error')).toHaveLength(0);
    expect(allText(root)).toContain('create_server');
  });

  it('text is the numbered list, markdown the Mermaid fence, HTML the drawing and the whole list', () => {
    const p = sequence(trace);
    expect(p.toText()).toBe(traceSteps(trace).join('\n'));
    expect(p.toMarkdown()).toBe(`\`\`\`mermaid\n${traceMermaid(trace)}\n\`\`\``);
    const html = p.toHTML();
    expect(html).toContain(p.toSVG());
    expect(html.match(/<li>/g)).toHaveLength(trace.steps.length);
    expect(html).toContain('&quot;alternates&quot;');
  });

  it('is byte-identical for the same seed and leaves the cloud as it was', () => {
    const again = boot(16);
    const { cloud } = again;
    const state = cloud.state;
    const before = cloud.trace();
    const a = sequence(again.trace);
    expect(cloud.state).toBe(state);
    expect(cloud.trace()).toEqual(before);
    const b = sequence(trace);
    expect([a.toSVG(), a.toMarkdown(), a.toText(), a.toHTML()]).toEqual([b.toSVG(), b.toMarkdown(), b.toText(), b.toHTML()]);
  });
});

describe('traces that take time, fail, or run long (seed 16)', () => {
  it("with progression 'clock' the steps carry their virtual times, in the list and in the gutter", () => {
    const { trace } = boot(16, 'clock');
    const offsets = trace.steps.map((s) => (s.time - trace.started_at).toFixed(3));
    expect(new Set(offsets).size).toBeGreaterThan(2);
    expect(traceSteps(trace).map((l) => /\[(\d+\.\d{3}) s\]/.exec(l)?.[1])).toEqual(offsets);
    const text = allText(parseXml(sequence(trace).toSVG()));
    for (const o of new Set(offsets)) expect(text).toContain(`+${o}`);
    expect(text).toContain(`in ${offsets[offsets.length - 1]} s`);
  });

  it('a failed call ends with its error: the last line, a note in Mermaid, a red reply in the drawing', () => {
    const { cloud, demo } = boot(16);
    expect(() => demo.compute.createServer({ ...BOOT, name: 'vm2', flavorRef: 'no-such-flavor' })).toThrow(CloudError);
    const trace = cloud.trace() as Trace;
    expect(trace.status).toBe('error');
    const lines = traceSteps(trace);
    expect(lines).toHaveLength(trace.steps.length + 1);
    expect(lines[lines.length - 1]).toBe(`✗ ${trace.error?.status} ${trace.error?.code}: ${trace.error?.message}`);
    expect(lines[lines.length - 1]).toMatch(/^✗ 400 compute\.flavor\.invalid_ref: /);
    const m = traceMermaid(trace);
    expect(arrows(m)).toHaveLength(trace.steps.length);
    expect(m.split('\n').at(-1)).toMatch(/^ {2}Note over p1: #10007; 400 compute\.flavor\.invalid_ref: /);
    const root = parseXml(sequence(trace).toSVG());
    const [error] = byAttr(root, 'data-error');
    expect(error?.attributes['data-error']).toBe('compute.flavor.invalid_ref');
    expect(allElements(error as XmlElement).some((e) => e.name === 'line' && e.attributes.stroke === PALETTE.down)).toBe(true);
    expect(allText(error as XmlElement)).toContain('Invalid flavorRef');
  });

  it('a long trace draws at most 60 steps and says how many more; the text keeps them all', () => {
    const { trace } = boot(16, 'immediate', { min_count: 8 });
    expect(trace.steps.length).toBeGreaterThan(80);
    const p = sequence(trace);
    const root = parseXml(p.toSVG());
    expect(byAttr(root, 'data-step')).toHaveLength(60);
    expect(allText(root)).toContain(`… ${trace.steps.length - 60} more steps`);
    expect(p.toText().split('\n')).toHaveLength(trace.steps.length);
    expect(arrows(traceMermaid(trace))).toHaveLength(trace.steps.length);
  });

  it('an empty trace is a readable picture', () => {
    const empty: Trace = { request_id: 'req-0', operation: 'x.y', started_at: 0, status: 'ok', steps: [] };
    expect(traceSteps(empty)).toEqual([]);
    const p = sequence(empty);
    expect(p.toText()).toContain('no steps recorded');
    expect(allText(parseXml(p.toSVG()))).toContain('no steps recorded');
    expect(traceMermaid(empty).split('\n')[0]).toBe('sequenceDiagram');
  });
});

describe('hostile and bad input', () => {
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('a;b', '#x', '%%{init}', '-->', 'x\ny', 'style:a#b;', 'wrap:hi', '<b>', '&amp;', '__proto__', 'constructor', 'client', ''));
  const step = fc.record({ time: fc.double({ min: 0, max: 1e6, noNaN: true }), service: text, action: text });
  const trace = fc.record({
    request_id: text,
    operation: text,
    started_at: fc.constant(0),
    status: fc.constantFrom('ok' as const, 'error' as const),
    steps: fc.array(step, { maxLength: 70 }),
    error: fc.record({ status: fc.integer({ min: 400, max: 599 }), code: text, message: text }),
  });

  it('random actions and services never break the XML or add Mermaid lines (seed 1616)', () => {
    fc.assert(fc.property(trace, (t) => {
      const p = sequence(t);
      const svg = p.toSVG();
      const root = parseXml(svg);
      expect(LONE_SURROGATE.test(svg)).toBe(false);
      expect(byAttr(root, 'data-step')).toHaveLength(Math.min(60, t.steps.length));
      parseXml(`<div>${p.toHTML()}</div>`);
      const m = traceMermaid(t);
      const lines = m.split('\n');
      const services = new Set(t.steps.map((s) => s.service));
      if (t.status === 'error' && t.steps.length > 0) services.add(t.steps[t.steps.length - 1]!.service);
      expect(lines).toHaveLength(4 + services.size + t.steps.length + (t.status === 'error' ? 1 : 0));
      expect(arrows(m)).toHaveLength(t.steps.length);
      for (const line of lines.slice(1)) {
        expect(line).toMatch(/^ {2}(title |autonumber$|actor c as client$|participant p\d+ as |(c|p\d+)->>p\d+: |Note over (c|p\d+): )/);
        // what the source says after the keyword, the arrow or the alias: only entity codes may carry # and ;
        const said = line.replace(/^ {2}(title |autonumber|actor c as |participant p\d+ as |(c|p\d+)->>p\d+: |Note over (c|p\d+): )/, '');
        expect(said.replace(/#\d+;/g, '')).not.toMatch(/[#;%<>\r\u2028\u2029]|^:?(no)?wrap:/i);
        expect(line).not.toMatch(/style.*:\S*#.*;|classDef/);
      }
      expect(traceSteps(t)).toHaveLength(t.steps.length + (t.status === 'error' ? 1 : 0));
      for (const l of traceSteps(t)) expect(l).not.toMatch(/[\n\r]/);
    }), { seed: 1616, numRuns: 60 });
  });

  it('bad traces are a 400 naming the field, never a TypeError', () => {
    const good: Trace = { request_id: 'req-1', operation: 'compute.create_server', started_at: 0, status: 'ok', steps: [{ time: 0, service: 'nova-api', action: 'x' }] };
    const cases: [unknown, string][] = [
      [undefined, 'trace'], [null, 'trace'], [[], 'trace'], ['req-1', 'trace'],
      [{ ...good, request_id: 7 }, 'trace.request_id'],
      [{ ...good, started_at: Number.NaN }, 'trace.started_at'],
      [{ ...good, status: 'maybe' }, 'trace.status'],
      [{ ...good, steps: 'none' }, 'trace.steps'],
      [{ ...good, steps: [null] }, 'trace.steps[0]'],
      [{ ...good, steps: [{ time: Infinity, service: 'a', action: 'b' }] }, 'trace.steps[0].time'],
      [{ ...good, steps: [{ time: 0, service: 1, action: 'b' }] }, 'trace.steps[0].service'],
      [{ ...good, steps: [{ time: 0, service: 'a' }] }, 'trace.steps[0].action'],
      [{ ...good, steps: [{ time: 0, service: 'a', action: 'b', detail: 3 }] }, 'trace.steps[0].detail'],
      [{ ...good, status: 'error', error: 'boom' }, 'trace.error'],
    ];
    for (const [input, field] of cases) for (const fn of [sequence, traceMermaid, traceSteps]) refusedInput(() => fn(input as Trace), field);
  });
});
