/**
 * What every renderer does with input that fights back — a revoked Proxy, a Proxy whose traps
 * throw, a sparse list, a misspelt option — and with titles and user strings that would break a
 * terminal: a 400 naming the field, a capped one-line title, one-line text forms.
 */
import { describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type Trace } from '../../src/index.js';
import * as render from '../../src/render/index.js';
import { refusedInput, revoked, sparse, trapping } from './support.js';
import { parseXml } from './xml.js';

const TINY = { flavorRef: 'm1.tiny', imageRef: 'cirros-0.5.2-x86_64-disk' } as const;
/** A terminal control sequence and a newline, a bidi override, a lone surrogate. */
const NASTY = 'esc\u001b[31mred\nfake line\u202Eevil\r\u0085\uD800';
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const noControl = (text: string): void => {
  for (const line of text.split('\n')) expect(line, JSON.stringify(line)).not.toMatch(CONTROL);
};

function devstack(seed = 1630): Cloud {
  const cloud = createCloud({ preset: 'devstack', seed });
  cloud.login({ username: 'demo', password: 'secret', project: 'demo' }).compute.createServer({ name: 'vm1', ...TINY, networks: 'auto' });
  return cloud;
}

describe('every renderer refuses input that fights back with a 400 naming the field (seed 1630)', () => {
  const cloud = devstack();
  const trace = JSON.parse(JSON.stringify(cloud.trace())) as Trace;
  const usage = JSON.parse(JSON.stringify(cloud.scheduler.usage())) as Record<string, unknown>[];
  const result = cloud.scheduler.selectDestinations({ flavor: { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20 }, num_instances: 2 });
  const explanation = JSON.parse(JSON.stringify(result.explanation)) as Record<string, unknown> & { instances: Record<string, unknown>[] };
  const summary = JSON.parse(JSON.stringify(cloud.object.rings()[0])) as Record<string, unknown> & { devices: unknown[] };

  it('a revoked Proxy or a Proxy whose traps throw, as the argument', () => {
    const trapped = trapping();
    for (const bad of [revoked(), revoked(true), trapped]) {
      const revokedOne = bad !== trapped;
      refusedInput(() => render.table(bad), 'rows');
      refusedInput(() => render.table([bad]), 'rows[0]');
      refusedInput(() => render.utilisation(bad), 'usage');
      refusedInput(() => render.datacenter(bad), 'cloud');
      refusedInput(() => render.networkTopology(bad, 'demo'), 'cloud');
      refusedInput(() => render.networkTopology(cloud, bad), 'project');
      // a revoked trace cannot be read at all; a trapping one fails at its first field
      for (const draw of [render.sequence, render.traceMermaid, render.traceSteps]) refusedInput(() => draw(bad), revokedOne ? 'trace' : 'trace.request_id');
      refusedInput(() => render.explanationGrid(bad), 'explanation');
      refusedInput(() => render.ring(bad), 'source');
      refusedInput(() => render.show(bad), 'value');
      refusedInput(() => render.report(bad), 'cloud');
    }
    // inside the argument: a usage whose getter throws, a step that is a revoked Proxy
    refusedInput(() => render.utilisation([revoked()]), 'usage[0]');
    refusedInput(() => render.utilisation([trapping()]), 'usage[0].host');
    refusedInput(() => render.sequence({ ...trace, steps: [revoked()] }), 'trace.steps[0]');
    refusedInput(() => render.ring({ ...summary, devices: [trapping()] } as never), 'source.devices[0].id');
    refusedInput(() => render.explanationGrid({ ...explanation, instances: [trapping()] } as never), 'explanation.instances[0].instance_uuid');
  });

  it('a revoked Proxy or a Proxy whose traps throw, as the options', () => {
    for (const bad of [revoked(), revoked(true), trapping()]) {
      refusedInput(() => render.table([{ a: 1 }], bad), 'options');
      refusedInput(() => render.utilisation(cloud, bad), 'options');
      refusedInput(() => render.datacenter(cloud, bad), 'options');
      refusedInput(() => render.networkTopology(cloud, 'demo', bad), 'options');
      refusedInput(() => render.explanationGrid(result, bad), 'options');
      refusedInput(() => render.ring(cloud, bad), 'options');
      refusedInput(() => render.report(cloud, bad), 'options');
    }
  });

  it('a sparse list: the hole is named, not skipped', () => {
    refusedInput(() => render.table(sparse([{ a: 1 }])), 'rows[0]');
    refusedInput(() => render.table([{ a: 1 }], { columns: sparse(['a']) }), 'options.columns[0]');
    refusedInput(() => render.utilisation(sparse(usage) as never), 'usage[0]');
    refusedInput(() => render.utilisation(cloud, { resources: sparse(['VCPU']) }), 'options.resources[0]');
    for (const draw of [render.sequence, render.traceMermaid, render.traceSteps]) refusedInput(() => draw({ ...trace, steps: sparse(trace.steps) }), 'trace.steps[0]');
    refusedInput(() => render.ring({ ...summary, devices: sparse(summary.devices) } as never), 'source.devices[0]');
    refusedInput(() => render.explanationGrid({ ...explanation, prefilters: sparse(explanation.prefilters as unknown[]) } as never), 'explanation.prefilters[0]');
    refusedInput(() => render.explanationGrid({ ...explanation, instances: sparse(explanation.instances) } as never), 'explanation.instances[0]');
    const inst = explanation.instances[0] as Record<string, unknown[]>;
    for (const key of ['totals', 'weighers', 'claims', 'filters', 'subset', 'skipped_filters']) {
      refusedInput(() => render.explanationGrid({ ...explanation, instances: [{ ...inst, [key]: sparse(inst[key] ?? []) }] } as never), `explanation.instances[0].${key}[0]`);
    }
    refusedInput(() => render.show(sparse(usage)), 'value');
  });

  it('an unknown option is refused by every renderer, naming it and the options there are', () => {
    refusedInput(() => render.table([{ a: 1 }], { colour: 'red' } as never), 'options.colour', 'the options are columns, title, maxRows');
    refusedInput(() => render.utilisation(cloud, { resource: ['VCPU'] } as never), 'options.resource', 'the options are resources, title');
    refusedInput(() => render.datacenter(cloud, { zoom: 2 } as never), 'options.zoom', 'the options are title');
    refusedInput(() => render.networkTopology(cloud, 'demo', { colour: 'red' } as never), 'options.colour', 'the options are title');
    refusedInput(() => render.explanationGrid(result, { instanse: 1 } as never), 'options.instanse', 'the options are instance, title');
    refusedInput(() => render.ring(cloud, { nmae: 'account' } as never), 'options.nmae', 'the options are name, title');
    refusedInput(() => render.report(cloud, { colour: 'red' } as never), 'options.colour');
  });
});

describe('titles: one line, at most 200 characters, the default when empty (seed 1631)', () => {
  const cloud = devstack(1631);
  const result = cloud.scheduler.selectDestinations({ flavor: { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20 } });
  const titled = (title: string): render.Picture[] => [
    render.table([{ a: 1 }], { title }),
    render.utilisation(cloud, { title }),
    render.datacenter(cloud, { title }),
    render.networkTopology(cloud, 'demo', { title }),
    render.explanationGrid(result, { title }),
    render.ring(cloud, { title }),
  ];

  it('a title of a million characters is cut to 200 (and the picture drawn at once)', () => {
    for (const p of titled('x'.repeat(1_000_000))) {
      expect(Array.from(p.title)).toHaveLength(200);
      expect(p.title.endsWith('…')).toBe(true);
      expect(parseXml(p.toSVG()).children.find((c) => c.name === 'title')?.text).toBe(p.title);
    }
    const long = render.sequence({ ...(cloud.trace() as Trace), operation: 'o'.repeat(100_000) });
    expect(Array.from(long.title).length).toBeLessThanOrEqual(200);
  });

  it('control characters and bidi overrides leave the title; an empty title is the default', () => {
    for (const p of titled(NASTY)) {
      noControl(p.title);
      noControl(p.toText());
      expect(p.title).toContain('esc [31mred fake line');
    }
    expect(titled('').map((p) => p.title)).toEqual(['Table (1 row)', 'Host utilisation', 'Datacenter', 'Network topology of project demo', `Scheduling decision: instance 0 → ${result.selections[0]!.host}`, 'Swift ring object-0']);
    expect(render.table([{ a: 1 }], { title: '' }).toText().split('\n')[0]).toBe('a'); // no title line
  });
});

describe('text forms carry no control characters from user strings (seed 1632)', () => {
  it('a server, a network and a router named with a terminal escape and a newline print as one line each', () => {
    const cloud = createCloud({ preset: 'devstack', seed: 1632 });
    const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
    const net = demo.network.createNetwork({ name: NASTY });
    demo.network.createSubnet({ network_id: net.id, cidr: '10.44.0.0/24', ip_version: 4, name: NASTY });
    demo.network.createRouter({ name: NASTY });
    demo.compute.createServer({ name: NASTY, ...TINY, networks: [{ uuid: net.id }] });
    for (const p of [render.datacenter(cloud), render.networkTopology(cloud, 'demo')]) {
      const text = p.toText();
      noControl(text);
      expect(text).toContain('esc [31mred fake line');
      expect(text.split('\n').some((l) => l.startsWith('fake line'))).toBe(false);
    }
  });

  it('hosts, steps, reasons and devices of a usage list, an explanation and a ring summary', () => {
    const cloud = devstack(1632);
    const usage = JSON.parse(JSON.stringify(cloud.scheduler.usage())) as { host: string; state: string }[];
    usage[0]!.host = NASTY;
    usage[0]!.state = `down${NASTY}`;
    noControl(render.utilisation(usage as never).toText());
    const e = JSON.parse(JSON.stringify(cloud.scheduler.selectDestinations({ flavor: { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20 } }).explanation)) as { prefilters: { name: string; removed: { host: string; nodename: string; reason: string }[] }[] };
    e.prefilters[0]!.name = NASTY;
    e.prefilters[0]!.removed.push({ host: NASTY, nodename: NASTY, reason: NASTY });
    const grid = render.explanationGrid(e as never);
    noControl(grid.toText());
    expect(grid.toText()).toContain('esc [31mred fake line');
    const ring = JSON.parse(JSON.stringify(cloud.object.rings()[0])) as { name: string; devices: { ip: string; device: string }[] };
    ring.name = NASTY;
    ring.devices[0]!.ip = NASTY;
    ring.devices[0]!.device = NASTY;
    noControl(render.ring(ring as never).toText());
  });
});
