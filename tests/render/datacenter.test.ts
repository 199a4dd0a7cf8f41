import { describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type Topology } from '../../src/index.js';
import * as render from '../../src/render/index.js';
import * as arb from '../../src/testing/index.js';
import { everyRandomTopology, expectUntouched, refusedInput as refused } from './support.js';
import { allElements, allText, parseXml, type XmlElement } from './xml.js';

const TINY = { flavorRef: 'm1.tiny', imageRef: 'cirros-0.5.2-x86_64-disk' } as const;

function devstack(seed = 1618, servers = 2): Cloud {
  const cloud = createCloud({ preset: 'devstack', seed });
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  for (let i = 0; i < servers; i++) demo.compute.createServer({ name: `vm-${i}`, ...TINY, networks: 'auto' });
  return cloud;
}

const MODEL = {
  cpu: { model: 'Intel Xeon Gold 6230', sockets: 2, cores_per_socket: 20, threads_per_core: 2, mhz: 2100 },
  memory_mb: 384 * 1024,
  disks: [{ name: 'nvme0n1', size_gb: 3840, type: 'nvme' as const }],
  nics: [{ name: 'eno1', speed_mbps: 10_000, network: 'management' as const }],
};

/** Two regions, three zones, controllers and storage hosts, compute hosts in no zone. */
const TOPOLOGY: Topology = {
  regions: ['RegionTwo'],
  availability_zones: [{ name: 'az1' }, { name: 'az2' }, { name: 'az3', region: 'RegionTwo' }],
  racks: [
    { name: 'r1', availability_zone: 'az1' },
    { name: 'r2', availability_zone: 'az2' },
    { name: 'r3', availability_zone: 'az3', region: 'RegionTwo' },
  ],
  models: { std: MODEL },
  hosts: [
    { name: 'ctl-{n}', count: 2, model: 'std', rack: 'r1', roles: ['controller', 'network'] },
    { name: 'cmp-a{nn}', count: 3, model: 'std', rack: 'r1' },
    { name: 'cmp-b{nn}', count: 2, model: 'std', rack: 'r2' },
    { name: 'cmp-c{nn}', count: 2, model: 'std', rack: 'r3', region: 'RegionTwo' },
    { name: 'free-{n}', count: 2, model: 'std' },
    { name: 'stor-{n}', count: 2, model: 'std', rack: 'r2', roles: ['storage'] },
  ],
};

function zoned(): Cloud {
  const cloud = createCloud({ seed: 1618, topology: TOPOLOGY });
  const gpu = cloud.admin.compute.createAggregate({ name: 'gpu' });
  for (const host of ['cmp-a01', 'free-1']) cloud.admin.compute.addAggregateHost(String(gpu.id), { host });
  for (let i = 0; i < 9; i++) cloud.admin.compute.createServer({ name: `vm-${i}`, ...TINY, networks: 'none' });
  return cloud;
}

const byAttr = (root: XmlElement, attr: string): XmlElement[] => allElements(root).filter((e) => e.attributes[attr] !== undefined);
const find = (root: XmlElement, attr: string, value: string): XmlElement => {
  const found = allElements(root).find((e) => e.attributes[attr] === value);
  if (found === undefined) throw new Error(`no element with ${attr}="${value}"`);
  return found;
};
const hostsIn = (e: XmlElement): string[] => byAttr(e, 'data-host').map((h) => h.attributes['data-host'] as string);

describe('datacenter (seed 1618)', () => {
  it('devstack: every host a card, every server a chip on the card of its OS-EXT-SRV-ATTR:host', () => {
    const cloud = devstack();
    const p = render.datacenter(cloud);
    const svg = parseXml(p.toSVG());
    expect(svg.attributes['data-stacksim']).toBe('datacenter');
    expect(hostsIn(svg)).toEqual(cloud.hardware.listHosts().map((h) => h.name));
    const servers = cloud.admin.compute.listServers({ all_tenants: true });
    expect(servers).toHaveLength(2);
    for (const s of servers) {
      const card = find(svg, 'data-host', s['OS-EXT-SRV-ATTR:host'] as string);
      const chip = find(card, 'data-server', s.name);
      expect(allText(chip)).toContain('ACTIVE');
    }
    const text = p.toText();
    expect(text).toContain('1 region · 1 availability zone · 3 hosts (0 not up) · 2 servers');
    expect(text).toContain('region RegionOne\n  availability zone nova\n    no aggregate\n      compute1  up  compute');
    for (const s of servers) expect(text).toMatch(new RegExp(`      ${s['OS-EXT-SRV-ATTR:host']}  [^\\n]*\\n(        .*\\n)*        ${s.name}  ACTIVE`));
  });

  it('regions → zones as nova shows them → aggregates → hosts', () => {
    const cloud = zoned();
    const p = render.datacenter(cloud);
    const svg = parseXml(p.toSVG());
    const one = find(svg, 'data-region', 'RegionOne');
    const two = find(svg, 'data-region', 'RegionTwo');
    expect(byAttr(one, 'data-zone').map((z) => z.attributes['data-zone'])).toEqual(['az1', 'az2', 'nova', 'internal']);
    expect(byAttr(two, 'data-zone').map((z) => z.attributes['data-zone'])).toEqual(['az3']);
    expect(hostsIn(find(one, 'data-zone', 'az1'))).toEqual(['cmp-a02', 'cmp-a03', 'cmp-a01']);
    expect(hostsIn(find(find(one, 'data-zone', 'az1'), 'data-aggregate', 'aggregates az1, gpu'))).toEqual(['cmp-a01']);
    expect(hostsIn(find(one, 'data-zone', 'nova'))).toEqual(['free-1', 'free-2']);
    expect(hostsIn(find(find(one, 'data-zone', 'nova'), 'data-aggregate', 'aggregate gpu'))).toEqual(['free-1']);
    expect(hostsIn(find(one, 'data-zone', 'internal'))).toEqual(['ctl-1', 'ctl-2', 'stor-1', 'stor-2']);
    expect(hostsIn(two)).toEqual(['cmp-c01', 'cmp-c02']);
    // the zones are nova's own (os-services)
    for (const s of cloud.admin.compute.listComputeServices({ binary: 'nova-compute' })) expect(hostsIn(find(svg, 'data-zone', s.zone))).toContain(s.host);
    // every server sits on its host's card
    for (const s of cloud.admin.compute.listServers({ all_tenants: true })) find(find(svg, 'data-host', s['OS-EXT-SRV-ATTR:host'] as string), 'data-server', s.name);
    expect(p.toText()).toContain('region RegionTwo\n  availability zone az3\n    aggregate az3\n      cmp-c01');
    expect(p.toText()).toContain('  availability zone internal (internal services, no instances)\n    no aggregate\n      ctl-1  up  controller, network  0 servers');
  });

  it('a failed host shows down, in red, with its reason in the text', () => {
    const cloud = zoned();
    cloud.hardware.failHost('cmp-b01', 'power supply failure');
    const p = render.datacenter(cloud);
    const card = find(parseXml(p.toSVG()), 'data-host', 'cmp-b01');
    expect(card.attributes['data-state']).toBe('down');
    expect(allText(card)).toContain('DOWN');
    expect(allElements(card).find((e) => e.name === 'rect')?.attributes.stroke).toBe(render.PALETTE.down);
    expect(find(parseXml(p.toSVG()), 'data-host', 'cmp-b02').attributes['data-state']).toBe('up');
    expect(p.toText()).toContain('cmp-b01  DOWN (power supply failure)  compute');
    expect(p.toText()).toContain('(1 not up)');
  });

  it('a host with many servers shows the first six and "+N more"; a server on no host is listed apart', () => {
    const cloud = devstack(1618, 0);
    for (let i = 0; i < 8; i++) cloud.admin.compute.createServer({ name: `pin-${i}`, ...TINY, networks: 'none', availability_zone: 'nova:compute2' });
    for (const s of cloud.admin.compute.listComputeServices({ binary: 'nova-compute' })) cloud.admin.compute.updateComputeService(s.id, { status: 'disabled', disabled_reason: 'drain' });
    cloud.admin.compute.createServer({ name: 'lost', ...TINY, networks: 'none' });
    expect(cloud.admin.compute.getServer('lost').status).toBe('ERROR');
    const p = render.datacenter(cloud);
    const card = find(parseXml(p.toSVG()), 'data-host', 'compute2');
    expect(byAttr(card, 'data-server').map((e) => e.attributes['data-server'])).toEqual(['pin-0', 'pin-1', 'pin-2', 'pin-3', 'pin-4', 'pin-5']);
    expect(allText(card)).toContain('+2 more');
    expect(allText(card)).toContain('nova-compute disabled');
    expect(p.toText()).toContain('        pin-5  ACTIVE\n        +2 more');
    expect(p.toText()).toContain('servers on no host: lost ERROR');
    expect(allText(parseXml(p.toSVG()))).toContain('servers on no host: lost (ERROR)');
  });

  it('drawing leaves the cloud state and its latest trace as they were', () => {
    const cloud = devstack();
    expect(cloud.trace()?.operation).toBe('compute.create_server');
    expectUntouched(cloud, () => render.datacenter(cloud));
  });

  it('an empty datacenter is a readable empty picture', () => {
    const p = render.datacenter(createCloud({ preset: 'empty', seed: 1618 }));
    expect(p.toText()).toContain('No hosts');
    expect(allText(parseXml(p.toSVG()))).toContain('No hosts');
  });

  it('bad input is a 400 naming the argument or option', () => {
    refused(() => render.datacenter(null as never), 'cloud');
    refused(() => render.datacenter({ hardware: {} } as never), 'cloud');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    refused(() => render.datacenter(proxy as never), 'cloud');
    refused(() => render.datacenter(devstack(1618, 0), proxy as never), 'options');
    refused(() => render.datacenter(devstack(1618, 0), { title: 3 } as never), 'options.title');
    refused(() => render.datacenter(devstack(1618, 0), { zoom: 2 } as never), 'options.zoom');
  });

  it('hostile names are escaped and the title is ours', () => {
    const cloud = devstack(1618, 0);
    cloud.admin.compute.createServer({ name: '<b>&"x"</b>', ...TINY, networks: 'none' });
    const p = render.datacenter(cloud, { title: 'Lab <1>' });
    const svg = parseXml(p.toSVG());
    expect(allText(svg)).toContain('Lab <1>');
    expect(byAttr(svg, 'data-server').map((e) => e.attributes['data-server'])).toContain('<b>&"x"</b>');
  });

  it('the same seed gives the same bytes', () => {
    expect(render.datacenter(devstack(9)).toSVG()).toBe(render.datacenter(devstack(9)).toSVG());
  });

  it('every host of a random datacenter appears, in the datacenter and in the utilisation picture (seed 1618)', () => {
    everyRandomTopology(1618, (topology) => {
      const cloud = createCloud({ seed: 1618, topology });
      const names = cloud.hardware.listHosts().map((h) => h.name);
      expect(names).toHaveLength(arb.hostCount(topology));
      const svg = parseXml(render.datacenter(cloud).toSVG());
      expect([...hostsIn(svg)].sort()).toEqual([...names].sort());
      const text = render.datacenter(cloud).toText();
      for (const n of names) expect(text).toContain(`      ${n}  `);
      const compute = cloud.scheduler.usage().map((u) => u.host);
      expect(hostsIn(parseXml(render.utilisation(cloud).toSVG()))).toEqual(compute);
    });
  });
});
