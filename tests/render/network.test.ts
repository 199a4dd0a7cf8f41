import { describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type Session } from '../../src/index.js';
import { networkTopology } from '../../src/render/index.js';
import { textWidth } from '../../src/render/svg.js';
import { caught } from '../support/refusal.js';
import { refusedInput } from './support.js';
import { allElements, allText, parseXml, type XmlElement } from './xml.js';

const IMAGE = 'cirros-0.5.2-x86_64-disk';

type Networks = Parameters<Session['compute']['createServer']>[0]['networks'];

/** Boots one m1.tiny cirros server; its id. */
function bootServer(s: Session, name: string, networks: Networks): { readonly id: string } {
  const r = s.compute.createServer({ name, flavorRef: 'm1.tiny', imageRef: IMAGE, networks });
  if (!('id' in r)) throw new Error('expected one server, not a reservation');
  return { id: r.id };
}

/**
 * DevStack's demo project with two servers on `private`, a floating IP on vm1 and one kept in
 * reserve; alt_demo with its own network, subnet, router and server, none of which is demo's.
 */
function world(seed = 16) {
  const cloud = createCloud({ preset: 'devstack', seed });
  const admin = cloud.admin;
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  const alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' });
  const vm1 = bootServer(demo, 'vm1', 'auto');
  const web = bootServer(demo, 'web', 'auto');
  const publicId = demo.network.listNetworks({ name: 'public' })[0]!.id;
  const port = demo.network.listPorts({ device_id: vm1.id })[0]!;
  const fip = demo.network.createFloatingIp({ floating_network_id: publicId, port_id: port.id });
  const spare = demo.network.createFloatingIp({ floating_network_id: publicId });
  const altNet = alt.network.createNetwork({ name: 'alt-net' });
  const altSubnet = alt.network.createSubnet({ network_id: altNet.id, cidr: '192.168.77.0/24', ip_version: 4, name: 'alt-subnet' });
  const altRouter = alt.network.createRouter({ name: 'alt-router' });
  alt.network.addRouterInterface(altRouter.id, { subnet_id: altSubnet.id });
  const altVm = bootServer(alt, 'alt-vm', [{ uuid: altNet.id }]);
  return { cloud, admin, demo, alt, vm1, web, fip, spare, publicId, altNet, altRouter, altVm };
}

const withAttr = (root: XmlElement, name: string): XmlElement[] => allElements(root).filter((e) => e.attributes[name] !== undefined);

/** Each network bar's x and width, by network id. */
function barsOf(root: XmlElement): Map<string, { x: number; width: number }> {
  const bars = new Map<string, { x: number; width: number }>();
  for (const g of withAttr(root, 'data-network')) {
    const rect = g.children.find((c) => c.name === 'rect') as XmlElement;
    bars.set(g.attributes['data-network'] as string, { x: Number(rect.attributes.x), width: Number(rect.attributes.width) });
  }
  return bars;
}

/** The x each wire of a box ends at (the end away from the box), in the order drawn. */
function wireEnds(box: XmlElement): number[] {
  const rect = box.children.find((c) => c.name === 'rect') as XmlElement;
  const [left, right] = [Number(rect.attributes.x), Number(rect.attributes.x) + Number(rect.attributes.width)];
  return box.children.filter((c) => c.name === 'line').map((l) => {
    const [x1, x2] = [Number(l.attributes.x1), Number(l.attributes.x2)];
    expect([left, right], 'a wire starts on its box').toContain(x1);
    return x2;
  });
}

/** Whether `x` is on the left or the right edge of `bar`. */
const onEdge = (x: number, bar: { x: number; width: number } | undefined): boolean => bar !== undefined && (Math.abs(x - bar.x) < 0.01 || Math.abs(x - (bar.x + bar.width)) < 0.01);

describe("demo's network topology (seed 16)", () => {
  const w = world();
  const picture = networkTopology(w.cloud, 'demo');
  const root = parseXml(picture.toSVG());
  const svgText = allText(root);
  const ports = (s: Session, device: string) => s.network.listPorts({ device_id: device });

  it('draws public (external, first) and private as bars with their subnets and gateways', () => {
    expect(root.attributes['data-stacksim']).toBe('network');
    const nets = withAttr(root, 'data-network');
    const privateNet = w.demo.network.listNetworks({ name: 'private' })[0]!;
    expect(nets.map((n) => n.attributes['data-network'])).toEqual([w.publicId, privateNet.id]);
    expect(nets.map((n) => n.attributes['data-role'])).toEqual(['external', 'own']);
    for (const s of w.admin.network.listSubnets({ network_id: [w.publicId, privateNet.id] })) {
      expect(svgText).toContain(s.cidr);
      expect(svgText).toContain(`gw ${s.gateway_ip}`);
      expect(picture.toText()).toContain(`${s.cidr}, gateway ${s.gateway_ip}`);
    }
  });

  it('draws router1 joined to public by its gateway (SNAT on, its address) and to private by its interfaces', () => {
    const router = w.demo.network.getRouter('router1');
    const [box] = withAttr(root, 'data-device').filter((g) => g.attributes['data-id'] === router.id);
    expect(box?.attributes['data-device']).toBe('router');
    const text = allText(box as XmlElement);
    expect(text).toContain('router1');
    expect(text).toContain('SNAT on');
    const gw = router.external_gateway_info!.external_fixed_ips.find((f) => !f.ip_address.includes(':'))!.ip_address;
    expect(text).toContain(gw);
    for (const p of ports(w.demo, router.id)) for (const f of p.fixed_ips) expect(text).toContain(f.ip_address);
    expect(picture.toText()).toMatch(new RegExp(`gateway public: SNAT on, ${gw.replace(/\./g, '\\.')}`));
  });

  it("draws each server with its addresses and host, and each floating IP: DNAT to vm1's fixed address, the spare unassociated", () => {
    for (const [vm, name] of [[w.vm1, 'vm1'], [w.web, 'web']] as const) {
      const [box] = withAttr(root, 'data-device').filter((g) => g.attributes['data-id'] === vm.id);
      expect(box?.attributes['data-device']).toBe('server');
      const text = allText(box as XmlElement);
      expect(text).toContain(name);
      const [port] = ports(w.admin, vm.id);
      expect(text).toContain(`on ${port!['binding:host_id']}`);
      expect(text).toContain(port!.fixed_ips[0]!.ip_address);
    }
    expect(svgText).toContain(`FIP ${w.fip.floating_ip_address} → ${w.fip.fixed_ip_address} (DNAT)`);
    const [spare] = withAttr(root, 'data-device').filter((g) => g.attributes['data-id'] === w.spare.id);
    expect(allText(spare as XmlElement)).toContain('not associated');
    expect(picture.toText()).toContain(`floating IP ${w.spare.floating_ip_address}`);
    // the floating IP's line is dashed and ends on the external network
    const vmBox = withAttr(root, 'data-device').find((g) => g.attributes['data-id'] === w.vm1.id) as XmlElement;
    expect(vmBox.children.filter((e) => e.name === 'line' && e.attributes['stroke-dasharray'] !== undefined)).toHaveLength(1);
  });

  it('every wire ends on the edge of its network\'s bar: the gateway on public, the interfaces on private, each server on its networks', () => {
    const bars = barsOf(root);
    const landing = (box: XmlElement): string[] => wireEnds(box).map((x) => {
      const hit = [...bars].find(([, bar]) => onEdge(x, bar));
      expect(hit, `a wire of ${box.attributes['data-id']} ends at x=${x}, on no bar`).toBeDefined();
      return hit![0];
    }).sort();
    const boxOf = (id: string): XmlElement => withAttr(root, 'data-id').find((g) => g.attributes['data-id'] === id) as XmlElement;
    const router = w.demo.network.getRouter('router1');
    const interfaces = w.admin.network.listPorts({ device_id: router.id }).filter((p) => p.device_owner.startsWith('network:router_interface'));
    expect(interfaces.length).toBeGreaterThan(0);
    expect(landing(boxOf(router.id))).toEqual([router.external_gateway_info!.network_id, ...interfaces.map((p) => p.network_id)].sort());
    for (const vm of [w.vm1, w.web]) {
      const own = ports(w.admin, vm.id).map((p) => p.network_id);
      const floating = vm === w.vm1 ? [w.publicId] : [];
      expect(landing(boxOf(vm.id))).toEqual([...own, ...floating].sort());
    }
    expect(landing(boxOf(w.spare.id))).toEqual([w.publicId]);
  });

  it("leaves out alt_demo's network, subnet, router and server", () => {
    const all = `${picture.toSVG()}\n${picture.toText()}`;
    for (const s of ['alt-net', 'alt-subnet', '192.168.77.', 'alt-router', 'alt-vm', w.altNet.id, w.altRouter.id, w.altVm.id]) expect(all).not.toContain(s);
    const altPicture = networkTopology(w.cloud, 'alt_demo');
    expect(altPicture.toText()).toContain('192.168.77.0/24');
    expect(altPicture.toText()).toContain('alt-vm');
    expect(altPicture.toText()).not.toContain('vm1');
  });

  it('the text is a tree of networks, subnets, routers, servers and floating IPs', () => {
    const lines = picture.toText().split('\n');
    expect(lines[0]).toMatch(/^Network topology of project demo \([0-9a-f]{32}\)$/);
    expect(lines.filter((l) => /^[├└]─ /.test(l)).map((l) => l.split(' ')[1] + ' ' + l.split(' ')[2])).toEqual([
      'network public', 'network private', 'router router1', 'server vm1', 'server web', 'floating IP',
    ]);
    expect(picture.toText()).toMatch(/DHCP port 10\.0\.0\.\d+/);
  });

  it('is the same by id as by name, byte for byte for the same seed, and leaves the cloud as it was', () => {
    const projectId = w.admin.identity.listProjects({ name: 'demo' })[0]!.id;
    const state = w.cloud.state;
    const last = w.cloud.lastRequestId;
    const trace = w.cloud.trace();
    const byId = networkTopology(w.cloud, projectId);
    expect(w.cloud.state).toBe(state);
    expect(w.cloud.lastRequestId).toBe(last);
    expect(w.cloud.trace()).toEqual(trace);
    expect(byId.toSVG()).toBe(picture.toSVG());
    expect(byId.toText()).toBe(picture.toText());
    const again = networkTopology(world().cloud, 'demo');
    expect(again.toSVG()).toBe(picture.toSVG());
    expect(networkTopology(w.cloud, 'demo', { title: 'Neutron <3' }).toSVG()).toContain('<title>Neutron &lt;3</title>');
  });
});

describe('other topologies (seed 16)', () => {
  it('a shared network appears once the project uses it, with SNAT off when the router says so', () => {
    const { cloud, admin, demo } = world();
    const shared = admin.network.createNetwork({ name: 'shared-net', shared: true });
    admin.network.createSubnet({ network_id: shared.id, cidr: '10.9.0.0/24', ip_version: 4 });
    expect(networkTopology(cloud, 'demo').toText()).not.toContain('shared-net');
    const vm = bootServer(demo, 'on-shared', [{ uuid: shared.id }]);
    const router = demo.network.getRouter('router1');
    admin.network.updateRouter(router.id, { external_gateway_info: { network_id: router.external_gateway_info!.network_id, enable_snat: false } });
    const p = networkTopology(cloud, 'demo');
    const root = parseXml(p.toSVG());
    const nets = withAttr(root, 'data-network');
    expect(nets.map((n) => n.attributes['data-role'])).toEqual(['external', 'own', 'shared']);
    expect(nets[2]?.attributes['data-network']).toBe(shared.id);
    expect(allText(root)).toContain('10.9.0.0/24');
    expect(allText(root)).toContain('SNAT off');
    const port = demo.network.listPorts({ device_id: vm.id })[0]!;
    expect(allText(withAttr(root, 'data-id').find((g) => g.attributes['data-id'] === vm.id) as XmlElement)).toContain(port.fixed_ips[0]!.ip_address);
  });

  it("another project's network that is not shared is not called shared", () => {
    const { cloud, admin } = world();
    const projectId = admin.identity.listProjects({ name: 'demo' })[0]!.id;
    const adminOnly = admin.network.createNetwork({ name: 'admin-only' });
    admin.network.createSubnet({ network_id: adminOnly.id, cidr: '10.77.0.0/24', ip_version: 4 });
    admin.network.createPort({ network_id: adminOnly.id, name: 'p', project_id: projectId });
    const p = networkTopology(cloud, 'demo');
    const line = p.toText().split('\n').find((l) => l.includes('network admin-only'));
    expect(line).toMatch(/^├─ network admin-only \(another project's, /);
    const bar = withAttr(parseXml(p.toSVG()), 'data-network').find((g) => g.attributes['data-network'] === adminOnly.id)!;
    expect(bar.attributes['data-role']).toBe('other');
    expect(allText(bar)).toContain("admin-only (another project's)");
    expect(allText(bar)).not.toContain('shared');
  });

  it('the name down a short bar is fitted to the bar, never running off its end', () => {
    const { cloud } = world();
    const empty = cloud.admin.identity.createProject({ name: 'one-port' });
    const net = cloud.admin.network.createNetwork({ name: 'a-network-with-a-rather-long-name', project_id: empty.id });
    for (const [i, cidr] of ['10.61.0.0/24', '10.62.0.0/24', '2001:db8:61::/64'].entries()) cloud.admin.network.createSubnet({ network_id: net.id, cidr, ip_version: i < 2 ? 4 : 6 });
    const root = parseXml(networkTopology(cloud, empty.id).toSVG());
    const [g] = withAttr(root, 'data-network');
    const rect = g!.children.find((c) => c.name === 'rect')!;
    const label = g!.children.filter((c) => c.name === 'text' && c.attributes.transform?.startsWith('rotate(90') === true)[0]!;
    expect(label.text).toMatch(/^a-network-with-a-.*…$/); // at least the name, as far as 160 px of it go
    // the label starts 10 px below the bar's top and, set in bold, ends before its bottom
    expect(Number(label.attributes.y) + textWidth(label.text, 12, true)).toBeLessThanOrEqual(Number(rect.attributes.y) + Number(rect.attributes.height));
  });

  it('past 80 boxes the drawing says how many more; the text lists them all', () => {
    const { cloud, admin, demo } = world();
    const projectId = admin.identity.listProjects({ name: 'demo' })[0]!.id;
    const net = demo.network.createNetwork({ name: 'wide' });
    demo.network.createSubnet({ network_id: net.id, cidr: '10.50.0.0/22', ip_version: 4 });
    for (let i = 0; i < 85; i++) admin.network.createPort({ network_id: net.id, name: `p${i}`, project_id: projectId });
    const p = networkTopology(cloud, 'demo');
    const root = parseXml(p.toSVG());
    expect(withAttr(root, 'data-device')).toHaveLength(80);
    const total = 1 + 2 + 85 + 1; // router1, two servers, the ports, the spare floating IP
    expect(allText(root)).toContain(`… ${total - 80} more`);
    for (let i = 0; i < 85; i++) expect(p.toText()).toContain(`port p${i} (`);
  });

  it('a project with nothing on the network is a readable empty picture', () => {
    const { cloud, admin } = world();
    const empty = admin.identity.createProject({ name: 'empty' });
    const p = networkTopology(cloud, empty.id);
    expect(p.toText()).toBe(`Network topology of project empty\nProject empty (${empty.id}) has no networks, routers or floating IPs.`);
    expect(allText(parseXml(p.toSVG()))).toContain('no networks');
  });
});

describe('bad input', () => {
  const { cloud, admin } = world();

  it('an unknown project is Keystone’s 404 naming the project; an ambiguous name is a 409', () => {
    const e = caught(() => networkTopology(cloud, 'no-such-project'));
    expect(e.status).toBe(404);
    expect(e.code).toBe('identity.project.not_found');
    expect(e.details.field).toBe('project');
    const other = admin.identity.createDomain({ name: 'other' });
    admin.identity.createProject({ name: 'demo', domain_id: other.id });
    expect(caught(() => networkTopology(cloud, 'demo')).status).toBe(409);
  });

  it('wrong types are a 400 naming the field, never a TypeError', () => {
    const cases: [() => unknown, string][] = [
      [() => networkTopology(cloud, 'demo', { title: 3 } as never), 'options.title'],
      [() => networkTopology(cloud, 7 as never), 'project'],
      [() => networkTopology(cloud, '' as never), 'project'],
      [() => networkTopology(cloud, undefined as never), 'project'],
      [() => networkTopology(cloud, 'x'.repeat(300)), 'project'],
      [() => networkTopology(cloud, 'demo', null as never), 'options'],
      [() => networkTopology(cloud, 'demo', { colour: 'red' } as never), 'options.colour'],
      [() => networkTopology({} as Cloud, 'demo'), 'cloud'],
      [() => networkTopology(null as never, 'demo'), 'cloud'],
    ];
    for (const [fn, field] of cases) refusedInput(fn, field);
  });
});
