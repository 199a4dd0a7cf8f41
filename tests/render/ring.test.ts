/** A Swift ring drawn (`render.ring`): devices against their weight share, zones, dispersion. */
import { describe, it, expect } from 'vitest';
import { createCloud, type Cloud, type Topology } from '../../src/index.js';
import * as render from '../../src/render/index.js';
import { PALETTE } from '../../src/render/index.js';
import { everyRandomTopology, expectUntouched, refusedInput as refused } from './support.js';
import { allElements, allText, parseXml, type XmlElement } from './xml.js';

/** Five storage hosts in three racks (Swift zones 1–3): sdb 8 TB and sdc 4 TB each are devices. */
const TOPOLOGY: Topology = {
  racks: ['ra', 'rb', 'rc'].map((name) => ({ name })),
  models: { storage: { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2 }, memory_mb: 65536, disks: [{ name: 'sda', size_gb: 480 }, { name: 'sdb', size_gb: 8000 }, { name: 'sdc', size_gb: 4000 }] } },
  hosts: ([['a', 2], ['b', 2], ['c', 1]] as const).map(([rack, count]) => ({ name: `swift-${rack}{n}`, count, model: 'storage', roles: ['storage'], rack: `r${rack}` })),
};

const swift = (): Cloud => createCloud({ seed: 11, topology: TOPOLOGY });
const devicesOf = (svg: string): XmlElement[] => allElements(parseXml(svg)).filter((e) => e.name === 'g' && e.attributes['data-device'] !== undefined);
const labelOf = (g: XmlElement): XmlElement => g.children.find((c) => c.name === 'text')!;

describe('ring', () => {
  it('draws every device as host/disk in its zone, the zones, the header and the zone spread of a Cloud\'s object ring', () => {
    const cloud = swift();
    const summary = cloud.object.rings().find((r) => r.name === 'object-0')!;
    const picture = render.ring(cloud);
    const svg = picture.toSVG();
    const root = parseXml(svg);
    expect(root.attributes['data-stacksim']).toBe('ring');
    const devices = devicesOf(svg);
    expect(devices.map((d) => d.attributes['data-device']).sort()).toEqual(summary.devices.map((d) => `${d.ip}/${d.device}`).sort());
    for (const d of summary.devices) {
      const g = devices.find((x) => x.attributes['data-id'] === String(d.id))!;
      expect(g.attributes['data-zone']).toBe(`r${d.region}z${d.zone}`);
      expect(allText(g)).toContain(`${d.parts.toLocaleString('en-US')} / `); // 1,024 parts print grouped
    }
    const text = allText(root);
    for (const z of ['r1z1', 'r1z2', 'r1z3']) expect(allElements(root).some((e) => e.attributes['data-zone-total'] === z)).toBe(true);
    for (const word of [`part_power ${summary.part_power}`, `replicas ${summary.replicas}`, 'balance', 'dispersion', 'overload']) expect(text).toContain(word);
    // zone 3 has a fifth of the weight but 3 replicas over 3 zones: some partitions keep two replicas in one zone
    const spread = allElements(root).filter((e) => e.attributes['data-spread'] !== undefined);
    expect(spread.map((e) => e.attributes['data-spread'])).toEqual(['1', '2', '3']);
    const counts = [1, 2, 3].map((k) => Number(new RegExp(`in ${k} zones?: ([\\d,]+) partition`).exec(picture.toText())![1]!.replace(/,/g, '')));
    expect(counts[0]! + counts[1]! + counts[2]!).toBe(2 ** summary.part_power);
    expect(counts[1]).toBeGreaterThan(0);
    expect(counts[2]).toBeGreaterThan(counts[1]!);
    // with equal weight in every zone, Swift puts each replica of every partition in a zone of its own
    const even = createCloud({ seed: 11, topology: { ...TOPOLOGY, hosts: [...TOPOLOGY.hosts!.slice(0, 2), { name: 'swift-c{n}', count: 2, model: 'storage', roles: ['storage'], rack: 'rc' }] } });
    expect(render.ring(even).toText()).toContain(`in 3 zones: ${(2 ** summary.part_power).toLocaleString('en-US')} partitions (100 %)`);
    expect(devices.every((d) => d.attributes['data-failed'] === undefined)).toBe(true);
  });

  it('a failed disk and a host that is down turn their devices red', () => {
    const cloud = swift();
    cloud.object.failDisk('swift-a1', 'sdb');
    cloud.hardware.failHost('swift-b2', 'power supply');
    const devices = devicesOf(render.ring(cloud).toSVG());
    const red = devices.filter((d) => d.attributes['data-failed'] === 'true').map((d) => d.attributes['data-device']).sort();
    expect(red).toEqual(['swift-a1/sdb', 'swift-b2/sdb', 'swift-b2/sdc']);
    for (const d of devices) expect(labelOf(d).attributes.fill).toBe(red.includes(d.attributes['data-device']!) ? PALETTE.down : PALETTE.ink);
    const text = render.ring(cloud).toText();
    expect(text).toMatch(/swift-a1\/sdb: .*\[disk failed\]/);
    expect(text).toMatch(/swift-b2\/sdc: .*\[host down: power supply\]/);
    expect(text).not.toMatch(/swift-a1\/sdc: .*\[/);
  });

  it('draws a RingSummary by itself (no spread: that needs the builder) and picks rings by name', () => {
    const cloud = swift();
    const account = cloud.object.rings().find((r) => r.name === 'account')!;
    const picture = render.ring(account);
    expect(picture.title).toBe('Swift ring account');
    expect(devicesOf(picture.toSVG())).toHaveLength(account.devices.length);
    expect(allElements(parseXml(picture.toSVG())).some((e) => e.attributes['data-spread'] !== undefined)).toBe(false);
    expect(render.ring(cloud, { name: 'container' }).title).toBe('Swift ring container');
    expect(render.ring(cloud, { name: 'object' }).toSVG()).toBe(render.ring(cloud, { name: 'object-0' }).toSVG());
    expect(render.ring(cloud, { title: 'Where objects live' }).toSVG()).toContain('<title>Where objects live</title>');
    // a device holding 1 024 part-replicas: numbers print grouped, as the header's partitions do
    const big = { ...account, devices: account.devices.map((d, i) => ({ ...d, parts: i === 0 ? 1024 : d.parts })) };
    const first = devicesOf(render.ring(big).toSVG()).find((g) => g.attributes['data-id'] === String(account.devices[0]!.id))!;
    expect(allText(first)).toContain('1,024 / ');
  });

  it('a ring with no devices is a readable empty picture', () => {
    const cloud = createCloud({ seed: 3, preset: 'empty', topology: { models: { m: { cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 100 }] } }, hosts: [{ name: 'cmp-{n}', count: 2, model: 'm' }] } });
    for (const picture of [render.ring(cloud), render.ring(cloud.object.rings()[0]!)]) {
      const root = parseXml(picture.toSVG());
      expect(allText(root)).toContain('no devices in this ring');
      expect(picture.toText()).toContain('no devices in this ring');
      expect(devicesOf(picture.toSVG())).toHaveLength(0);
    }
  });

  it('drawing changes nothing in the cloud: same state object, same last trace; same seed, same bytes', () => {
    const cloud = swift();
    cloud.object.failDisk('swift-c1', 'sdc');
    let svg = '';
    expectUntouched(cloud, () => (svg = render.ring(cloud).toSVG()));
    const again = swift();
    again.object.failDisk('swift-c1', 'sdc');
    expect(render.ring(again).toSVG()).toBe(svg);
  });

  it('bad input gives a typed error naming the field', () => {
    const cloud = swift();
    const summary = cloud.object.rings()[2]!;
    refused(() => render.ring(cloud, { name: 'object-7' }), 'options.name', 'rings: account, container, object-0');
    refused(() => render.ring(cloud, { name: 5 as never }), 'options.name');
    refused(() => render.ring(cloud, { title: [] as never }), 'options.title');
    refused(() => render.ring(cloud, null as never), 'options');
    refused(() => render.ring(summary, { name: 'account' }), 'options.name');
    for (const bad of [null, undefined, 7, 'object', [], {}, { fork: () => 1 }]) refused(() => render.ring(bad as never), 'source');
    refused(() => render.ring({ ...summary, part_power: 'ten' } as never), 'source.part_power');
    refused(() => render.ring({ ...summary, part_power: 40 } as never), 'source.part_power');
    refused(() => render.ring({ ...summary, devices: [{ ...summary.devices[0], weight: Number.NaN }] } as never), 'source.devices[0].weight');
    refused(() => render.ring({ ...summary, devices: [null] } as never), 'source.devices[0]');
  });

  it('every device of every generated datacenter\'s object ring is drawn once (seed 1617)', () => {
    everyRandomTopology(1617, (topology, seed) => {
      const cloud = createCloud({ seed, preset: 'empty', topology });
      const summary = cloud.object.rings().find((r) => r.name === 'object-0')!;
      const ids = devicesOf(render.ring(cloud).toSVG()).map((d) => d.attributes['data-id']);
      expect(ids.sort()).toEqual(summary.devices.map((d) => String(d.id)).sort());
    }, 4);
  });
});
