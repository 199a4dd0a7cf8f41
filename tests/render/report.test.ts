import { describe, expect, it } from 'vitest';
import { createCloud, type Cloud } from '../../src/index.js';
import { report } from '../../src/render/index.js';
import { refusedInput } from './support.js';
import { allElements, allText, parseXml, type XmlElement } from './xml.js';

const SECTIONS = ['summary', 'datacenter', 'utilisation', 'network', 'trace', 'scheduling', 'rings'];

/** DevStack's cloud where the demo user booted `web` and, 10 s later, `db` (with a floating IP on web). */
function lecture(seed: number): { cloud: Cloud; webBoot: string; dbBoot: string } {
  const cloud = createCloud({ preset: 'devstack', seed });
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  const web = demo.compute.createServer({ name: 'web', flavorRef: 'm1.tiny', imageRef: 'cirros-0.5.2-x86_64-disk', networks: 'auto' });
  const webBoot = cloud.lastRequestId as string;
  cloud.clock.advance(10);
  demo.compute.createServer({ name: 'db', flavorRef: 'm1.small', imageRef: 'cirros-0.5.2-x86_64-disk', networks: 'auto' });
  const dbBoot = cloud.lastRequestId as string;
  const port = demo.network.listPorts({ device_id: 'id' in web ? web.id : '' })[0]!;
  demo.network.createFloatingIp({ floating_network_id: demo.network.listNetworks({ name: 'public' })[0]!.id, port_id: port.id });
  demo.compute.listServers(); // the last request is now a read, not a boot
  return { cloud, webBoot, dbBoot };
}

/** The top-level `<svg>…</svg>` documents of a page (nested ones stay inside their parent). */
function svgsOf(html: string): string[] {
  const out: string[] = [];
  const tag = /<svg\b|<\/svg>/g;
  let depth = 0;
  let start = -1;
  for (let m = tag.exec(html); m !== null; m = tag.exec(html)) {
    if (m[0] === '</svg>') {
      depth -= 1;
      if (depth === 0) out.push(html.slice(start, m.index + 6));
    } else {
      if (depth === 0) start = m.index;
      depth += 1;
    }
  }
  expect(depth).toBe(0);
  return out;
}

/** One section's markup, by id. */
function sectionOf(html: string, id: string): string {
  const m = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html);
  expect(m, `section ${id}`).not.toBeNull();
  return m![1]!;
}

describe('report: the HTML page (seed 1616)', () => {
  const { cloud, webBoot, dbBoot } = lecture(1616);
  const state = cloud.state;
  const last = cloud.lastRequestId;
  const html = report(cloud, { preset: 'devstack preset', seed: 1616 });

  it('is one whole page with every section, each drawn (no section fell back to a note)', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    for (const id of SECTIONS) {
      expect(html).toContain(`<section id="${id}">`);
      expect(html).toContain(`href="#${id}"`);
      expect(sectionOf(html, id)).not.toContain('could not be drawn');
    }
  });

  it('every SVG parses as XML and keeps its data-stacksim kind; each picture is in its section', () => {
    const svgs = svgsOf(html).map((s) => parseXml(s));
    expect(svgs.length).toBeGreaterThanOrEqual(5);
    for (const svg of svgs) {
      expect(svg.name).toBe('svg');
      expect(svg.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    }
    const kinds = svgs.map((s) => s.attributes['data-stacksim']);
    expect(kinds).toEqual(expect.arrayContaining(['datacenter', 'utilisation', 'network', 'sequence', 'ring']));
    const kindIn = (id: string): (string | undefined)[] => svgsOf(sectionOf(html, id)).map((s) => parseXml(s).attributes['data-stacksim']);
    expect(kindIn('datacenter')).toContain('datacenter');
    expect(kindIn('utilisation')).toContain('utilisation');
    expect(kindIn('network')).toContain('network');
    expect(kindIn('trace')).toContain('sequence');
    expect(kindIn('rings').filter((k) => k === 'ring')).toHaveLength(3); // account, container, object
    expect(sectionOf(html, 'scheduling')).toContain('data-stacksim="explanation"');
  });

  it('shows what the cloud holds: hosts, the servers, demo’s network, the catalog, the seed', () => {
    const text = svgsOf(html).map((s) => allText(parseXml(s))).join(' ');
    for (const name of ['compute1', 'compute2', 'controller', 'web', 'db', 'router1', 'private', 'public']) expect(text).toContain(name);
    const summary = sectionOf(html, 'summary');
    for (const word of ['keystone', 'nova', 'neutron', 'glance', 'cinder', 'swift', 'placement', 'seed', '1616', 'devstack']) expect(summary).toContain(word);
    expect(summary).toMatch(/servers<\/td><td[^>]*>2 \(2 ACTIVE\)/);
    expect(sectionOf(html, 'network')).toContain('project demo');
  });

  it('draws the newest boot by default (db, 10 s after web), found through the instance actions', () => {
    const trace = sectionOf(html, 'trace');
    expect(trace).toContain(dbBoot);
    expect(trace).not.toContain(webBoot);
    expect(trace).toContain('The newest boot in the cloud');
  });

  it('has no script and no URL: only the SVG namespace; links stay on the page', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\bon[a-z]+="/i); // no inline event handlers either
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\bsrc=|@import|url\(/i);
    for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^#[a-z]+$/);
  });

  it('leaves the cloud as it was: the same state object, the same last request', () => {
    expect(cloud.state).toBe(state);
    expect(cloud.lastRequestId).toBe(last);
    expect(cloud.trace()?.operation).toBe('compute.listServers');
  });

  it('is deterministic: the same seed and calls give the same bytes, twice and on another cloud', () => {
    expect(report(cloud, { preset: 'devstack preset', seed: 1616 })).toBe(html);
    expect(report(lecture(1616).cloud, { preset: 'devstack preset', seed: 1616 })).toBe(html);
    expect(report(lecture(1617).cloud, { preset: 'devstack preset', seed: 1616 })).not.toBe(html); // the cloud differs, not the options
  });
});

describe('report options (seed 1618)', () => {
  const { cloud, webBoot } = lecture(1618);

  it('trace: a request id or a Trace picks the boot drawn; an id the log no longer has gives a note', () => {
    expect(sectionOf(report(cloud, { trace: webBoot }), 'trace')).toContain(webBoot);
    const t = cloud.trace(webBoot)!;
    expect(sectionOf(report(cloud, { trace: t }), 'trace')).toContain(webBoot);
    const missing = report(cloud, { trace: 'req-00000000-0000-0000-0000-000000000000' });
    expect(sectionOf(missing, 'trace')).toContain('is not in the cloud’s trace log');
    expect(sectionOf(missing, 'datacenter')).toContain('data-stacksim="datacenter"');
  });

  it('title is escaped; project picks the network drawn; an unknown project is a note, not a crash', () => {
    const page = report(cloud, { title: 'Lecture <3> & "more"', project: 'alt_demo' });
    expect(page).toContain('<title>Lecture &lt;3&gt; &amp; &quot;more&quot;</title>');
    expect(sectionOf(page, 'network')).toContain('project alt_demo');
    const broken = report(cloud, { project: 'no-such-project' });
    expect(sectionOf(broken, 'network')).toContain('could not be drawn');
    for (const id of SECTIONS.filter((s) => s !== 'network')) expect(sectionOf(broken, id)).not.toContain('could not be drawn');
  });

  it('bad options and a non-cloud are a typed 400 naming the field', () => {
    refusedInput(() => report(null as never), 'cloud');
    refusedInput(() => report({} as never), 'cloud');
    refusedInput(() => report(cloud, 5 as never), 'options');
    refusedInput(() => report(cloud, { title: 3 } as never), 'options.title');
    refusedInput(() => report(cloud, { title: '' }), 'options.title');
    refusedInput(() => report(cloud, { trace: 5 } as never), 'options.trace');
    refusedInput(() => report(cloud, { project: ['demo'] } as never), 'options.project');
    refusedInput(() => report(cloud, { colour: 'red' } as never), 'options.colour');
    refusedInput(() => report(cloud, { seed: -1 }), 'options.seed');
    refusedInput(() => report(cloud, { seed: Number.NaN }), 'options.seed');
  });

  it('draws each ring from the cloud: a failed disk in red, and the zones each partition\'s replicas are in', () => {
    const { cloud: broken } = lecture(1618);
    broken.object.failDisk('controller', 'sdb');
    const rings = svgsOf(sectionOf(report(broken), 'rings')).map((s) => parseXml(s));
    expect(rings).toHaveLength(3);
    for (const svg of rings) {
      const failed = allElements(svg).filter((e) => e.attributes['data-failed'] === 'true').map((e) => e.attributes['data-device']);
      expect(failed).toEqual(['controller/sdb']);
      expect(allElements(svg).some((e) => e.attributes['data-spread'] !== undefined)).toBe(true);
    }
  });
});

describe('report on clouds with little in them (seeds 1619, 1620)', () => {
  it('no boot yet: the trace is a boot on a fork, said so; the cloud still has no server', () => {
    const cloud = createCloud({ preset: 'devstack', seed: 1619 });
    const state = cloud.state;
    const html = report(cloud);
    const trace = sectionOf(html, 'trace');
    expect(trace).toContain('booted as the admin on a copy of the cloud');
    expect(svgsOf(trace).map((s) => parseXml(s).attributes['data-stacksim'])).toContain('sequence');
    expect(cloud.state).toBe(state);
    expect(cloud.admin.compute.listServers({ all_tenants: true })).toHaveLength(0);
  });

  it('the empty preset: a whole page, with notes where there is nothing to draw', () => {
    const cloud = createCloud({ preset: 'empty', seed: 1620 });
    const html = report(cloud);
    for (const id of SECTIONS) expect(html).toContain(`<section id="${id}">`);
    expect(sectionOf(html, 'network')).toContain('no project named demo');
    expect(sectionOf(html, 'rings')).toContain('have no devices yet');
    const parsed: XmlElement[] = svgsOf(html).map((s) => parseXml(s));
    for (const svg of parsed) expect(svg.attributes['data-stacksim']).toBeTruthy();
  });
});
