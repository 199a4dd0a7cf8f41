import { describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type HostUsage } from '../../src/index.js';
import * as render from '../../src/render/index.js';
import { textWidth } from '../../src/render/svg.js';
import { everyRandomTopology, expectUntouched, refusedInput as refused } from './support.js';
import { allElements, allText, parseXml, type XmlElement } from './xml.js';

const TINY = { flavorRef: 'm1.tiny', imageRef: 'cirros-0.5.2-x86_64-disk', networks: 'auto' } as const;

function devstack(seed = 1616, servers = 2): Cloud {
  const cloud = createCloud({ preset: 'devstack', seed });
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  for (let i = 0; i < servers; i++) demo.compute.createServer({ name: `vm-${i}`, ...TINY });
  return cloud;
}

/** The text form's table: host → class → its columns by header name. */
function textTable(text: string): Map<string, Map<string, Record<string, string>>> {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('host '));
  const header = (lines[at] as string).trim().split(/\s+/);
  const out = new Map<string, Map<string, Record<string, string>>>();
  for (const line of lines.slice(at + 2)) {
    const cells = line.trim().split(/\s{2,}/);
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    const host = row.host as string;
    if (!out.has(host)) out.set(host, new Map());
    out.get(host)?.set(row.resource as string, { ...row, note: cells.slice(header.length).join(' ') });
  }
  return out;
}

const hostRows = (svg: XmlElement): XmlElement[] => allElements(svg).filter((e) => e.attributes['data-host'] !== undefined);

describe('utilisation (seed 1616)', () => {
  it('the text has one line per host and class whose numbers are cloud.scheduler.usage()', () => {
    const cloud = devstack();
    const usage = cloud.scheduler.usage();
    const p = render.utilisation(cloud);
    const table = textTable(p.toText());
    expect([...table.keys()]).toEqual(usage.map((u) => u.host));
    let used = 0;
    for (const u of usage) {
      for (const rc of ['VCPU', 'MEMORY_MB', 'DISK_GB']) {
        const r = u.resources[rc];
        const row = table.get(u.host)?.get(rc);
        expect(r).toBeDefined();
        expect(row).toMatchObject({
          state: u.state,
          used: String(r?.used),
          physical: String((r?.total ?? 0) - (r?.reserved ?? 0)),
          total: String(r?.total),
          reserved: String(r?.reserved),
          ratio: `×${r?.allocation_ratio}`,
          capacity: String(r?.capacity),
          free: String(r?.free),
        });
        used += r?.used ?? 0;
      }
    }
    expect(used).toBeGreaterThan(0); // the two servers are in the numbers
    expect(render.utilisation(usage).toText()).toBe(p.toText());
  });

  it('the SVG parses, has one row per compute host with a bar per class, and labels the ratios', () => {
    const cloud = devstack();
    const svg = parseXml(render.utilisation(cloud).toSVG());
    expect(svg.attributes['data-stacksim']).toBe('utilisation');
    expect(svg.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(hostRows(svg).map((e) => e.attributes['data-host'])).toEqual(cloud.scheduler.usage().map((u) => u.host));
    const text = allText(svg);
    for (const label of ['VCPU (allocation_ratio ×16)', 'MEMORY_MB (allocation_ratio ×1.5)', 'DISK_GB (allocation_ratio ×1)']) expect(text).toContain(label);
    const row = hostRows(svg)[0] as XmlElement;
    const fills = allElements(row).filter((e) => e.name === 'rect').map((e) => e.attributes.fill);
    expect(fills).toEqual(expect.arrayContaining([render.PALETTE.physical, render.PALETTE.overcommit]));
    expect(fills).not.toContain(render.PALETTE.overused);
  });

  it('usage past physical capacity is drawn in the overused colour and noted in the text', () => {
    const cloud = createCloud({ preset: 'devstack', seed: 1616 });
    // two logical CPUs per host: seven one-vCPU servers put more than two on some host (×16 allows 32)
    for (const h of ['compute1', 'compute2', 'controller']) cloud.hardware.updateHost(h, { cpu: { model: 'small', sockets: 1, cores_per_socket: 2, threads_per_core: 1, mhz: 2000 } });
    const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
    for (let i = 0; i < 7; i++) demo.compute.createServer({ name: `vm-${i}`, ...TINY });
    const usage = cloud.scheduler.usage();
    const over = usage.filter((u) => (u.resources.VCPU?.used ?? 0) > 2).map((u) => u.host);
    expect(over.length).toBeGreaterThan(0);
    const p = render.utilisation(cloud);
    const table = textTable(p.toText());
    expect(p.toText()).toContain(`${over.length} using more than physical capacity`);
    const svg = parseXml(p.toSVG());
    for (const u of usage) {
      const isOver = over.includes(u.host);
      expect(table.get(u.host)?.get('VCPU')?.note).toBe(isOver ? 'used > physical' : '');
      const row = hostRows(svg).find((e) => e.attributes['data-host'] === u.host) as XmlElement;
      const red = allElements(row).filter((e) => e.name === 'rect' && e.attributes.fill === render.PALETTE.overused);
      expect(red.length).toBe(isOver ? 1 : 0);
    }
  });

  it('a host left over its capacity by a lowered ratio (free < 0) is drawn, not refused', () => {
    const cloud = createCloud({ preset: 'devstack', seed: 1 });
    cloud.scheduler.selectDestinations({ flavor: { name: 'm1.small', vcpus: 1, memory_mb: 64, root_gb: 0 }, num_instances: 200 });
    cloud.scheduler.setComputeConfig(null, { cpu_allocation_ratio: 1.0 });
    const over = cloud.scheduler.usage().find((u) => (u.resources.VCPU?.free ?? 0) < 0);
    expect(over).toBeDefined();
    const picture = render.utilisation(cloud);
    const line = picture.toText().split('\n').find((l) => l.includes(over?.host as string) && l.includes('VCPU'));
    expect(line).toContain(String(over?.resources.VCPU?.free));
    expect(parseXml(picture.toSVG()).name).toBe('svg');
  });

  it('a failed host is marked down in the text and the picture', () => {
    const cloud = devstack();
    cloud.hardware.failHost('compute1', 'power supply failure');
    const p = render.utilisation(cloud);
    expect(textTable(p.toText()).get('compute1')?.get('VCPU')?.state).toBe('down');
    expect(textTable(p.toText()).get('compute2')?.get('VCPU')?.state).toBe('up');
    expect(p.toText()).toContain('1 not up');
    const row = hostRows(parseXml(p.toSVG())).find((e) => e.attributes['data-host'] === 'compute1') as XmlElement;
    expect(row.attributes['data-state']).toBe('down');
    expect(allText(row)).toContain('compute1 ✕ down');
    expect(allElements(row).some((e) => e.name === 'text' && e.attributes.fill === render.PALETTE.down)).toBe(true);
  });

  it("a down host's bold label fits its column: the first bar starts after it, with room to spare", () => {
    const cloud = devstack();
    cloud.hardware.failHost('compute1', 'x');
    for (const resources of [['VCPU', 'MEMORY_MB'], ['VCPU']]) {
      const svg = parseXml(render.utilisation(cloud, { resources }).toSVG());
      for (const row of hostRows(svg)) {
        const label = allElements(row).find((e) => e.name === 'text') as XmlElement;
        const barX = Math.min(...allElements(row).filter((e) => e.name === 'rect' && e.attributes.fill === render.PALETTE.physical).map((e) => Number(e.attributes.x)));
        const bold = label.attributes['font-weight'] !== undefined;
        expect(bold).toBe(row.attributes['data-state'] !== 'up');
        // bold is about 12 % wider than the estimate; a quarter more (fonts wider than it) and a gap of 12 px still end before the bar
        expect(Number(label.attributes.x) + textWidth(label.text) * (bold ? 1.12 : 1) * 1.25 + 12, label.text).toBeLessThanOrEqual(barX);
      }
    }
  });

  it('drawing a cloud leaves its state and its latest trace as they were', () => {
    const cloud = devstack();
    expect(cloud.trace()?.operation).toBe('compute.create_server');
    expectUntouched(cloud, () => [render.utilisation(cloud), render.utilisation(cloud, { resources: ['VCPU'] })]);
  });

  it('options.resources picks the classes; an unknown class is a 400 naming the classes the hosts have', () => {
    const cloud = devstack();
    const p = render.utilisation(cloud, { resources: ['MEMORY_MB'], title: 'RAM' });
    expect(p.title).toBe('RAM');
    const table = textTable(p.toText());
    for (const rows of table.values()) expect([...rows.keys()]).toEqual(['MEMORY_MB']);
    refused(() => render.utilisation(cloud, { resources: ['VGPU'] }), 'options.resources', 'the hosts have VCPU, MEMORY_MB, DISK_GB');
    refused(() => render.utilisation(cloud, { resources: 'VCPU' } as never), 'options.resources');
    refused(() => render.utilisation(cloud, { resources: [] }), 'options.resources');
    refused(() => render.utilisation(cloud, { resources: [7] } as never), 'options.resources[0]');
    refused(() => render.utilisation(cloud, { colour: 'red' } as never), 'options.colour');
    refused(() => render.utilisation(cloud, { title: {} } as never), 'options.title');
  });

  it('an empty cloud is a readable empty picture', () => {
    for (const source of [createCloud({ preset: 'empty', seed: 1616 }), [] as HostUsage[]]) {
      const p = render.utilisation(source);
      expect(p.toText()).toContain('No compute hosts');
      const svg = parseXml(p.toSVG());
      expect(svg.attributes['data-stacksim']).toBe('utilisation');
      expect(allText(svg)).toContain('No compute hosts');
    }
  });

  it('a malformed usage list is a 400 naming the field', () => {
    const good = devstack(1616, 0).scheduler.usage();
    const copy = (): Record<string, unknown>[] => JSON.parse(JSON.stringify(good)) as Record<string, unknown>[];
    refused(() => render.utilisation(null as never), 'usage');
    refused(() => render.utilisation('compute1' as never), 'usage');
    refused(() => render.utilisation({ hosts: [] } as never), 'usage');
    refused(() => render.utilisation([...good, 3] as never), 'usage[3]');
    refused(() => render.utilisation([{ host: 42, resources: {} }] as never), 'usage[0].host');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    refused(() => render.utilisation([proxy] as never), 'usage[0]');
    refused(() => render.utilisation(proxy as never), 'usage');
    refused(() => render.utilisation([{ host: 'h', resources: [] }] as never), 'usage[0].resources');
    const nan = copy();
    (nan[1] as { resources: { VCPU: { total: number } } }).resources.VCPU.total = NaN;
    refused(() => render.utilisation(nan as never), 'usage[1].resources.VCPU.total');
    const negative = copy();
    (negative[2] as { resources: { DISK_GB: { used: number } } }).resources.DISK_GB.used = -1;
    refused(() => render.utilisation(negative as never), 'usage[2].resources.DISK_GB.used');
    refused(() => render.utilisation(JSON.parse('[{"host":"h","state":"up","resources":{"__proto__":{"total":1}}}]') as never), 'usage[0].resources');
    // a list read back from JSON draws the same picture as the live one
    expect(render.utilisation(copy() as never).toSVG()).toBe(render.utilisation(good).toSVG());
  });

  it('the same seed gives the same bytes', () => {
    expect(render.utilisation(devstack(5)).toSVG()).toBe(render.utilisation(devstack(5)).toSVG());
  });

  it('every compute host of a random datacenter has a row (seed 1617)', () => {
    everyRandomTopology(1617, (topology) => {
      const cloud = createCloud({ seed: 1617, topology });
      const usage = cloud.scheduler.usage();
      const p = render.utilisation(cloud);
      if (usage.length === 0) {
        expect(p.toText()).toContain('No compute hosts');
        return;
      }
      expect(hostRows(parseXml(p.toSVG())).map((e) => e.attributes['data-host'])).toEqual(usage.map((u) => u.host));
      expect([...textTable(p.toText()).keys()]).toEqual(usage.map((u) => u.host));
    });
  });
});
