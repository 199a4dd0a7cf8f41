import { describe, expect, it } from 'vitest';
import { createCloud, CloudError } from '../../src/index.js';
import * as render from '../../src/render/index.js';
import { parseXml } from './xml.js';

const DISPLAY = Symbol.for('Jupyter.display');
type Displayable = { [DISPLAY]: () => Record<string, string>; toHTML: () => string };

function bootOne(seed = 16) {
  const cloud = createCloud({ preset: 'devstack', seed });
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  const server = demo.compute.createServer({ name: 'vm1', flavorRef: 'm1.tiny', imageRef: 'cirros-0.5.2-x86_64-disk', networks: 'auto' });
  return { cloud, demo, server, bootTrace: cloud.trace() };
}

describe('values that show themselves (seed 16)', () => {
  it('a list a call returns draws itself as a table, and JSON, keys and equality see the plain list', () => {
    const { demo } = bootOne();
    const servers = demo.compute.listServers();
    expect(Object.isFrozen(servers)).toBe(true);
    expect(Object.keys(servers)).toEqual(['0']);
    expect(JSON.parse(JSON.stringify(servers))).toEqual(servers);
    expect(Object.getOwnPropertyDescriptor(servers, DISPLAY)?.enumerable).toBe(false);
    const bundle = (servers as unknown as Displayable)[DISPLAY]();
    expect(bundle['text/plain']).toContain('vm1');
    expect(bundle['text/html']).toContain('<table');
    expect((servers as unknown as Displayable).toHTML()).toContain('vm1');
    expect([...servers]).toEqual(servers);
  });

  it('a trace draws the VM-creation sequence; the cloud draws its datacenter', () => {
    const { cloud, bootTrace } = bootOne();
    expect(bootTrace?.operation).toBe('compute.create_server');
    const bundle = (bootTrace as unknown as Displayable)[DISPLAY]();
    expect(Object.keys(bundle)).toEqual(expect.arrayContaining(['text/plain', 'text/html', 'image/svg+xml', 'text/markdown']));
    expect(bundle['text/markdown']).toContain('sequenceDiagram');
    expect(parseXml(bundle['image/svg+xml'] as string).attributes['data-stacksim']).toBe('sequence');
    expect(JSON.parse(JSON.stringify(bootTrace))).toEqual({ ...bootTrace });
    const state = cloud.state;
    const svg = cloud.toSVG();
    expect(parseXml(svg).attributes['data-stacksim']).toBe('datacenter');
    expect(cloud[render.JUPYTER_DISPLAY]()['image/svg+xml']).toBe(svg);
    expect(cloud.state).toBe(state);
    expect(cloud.trace()?.request_id).toBe(bootTrace?.request_id);
  });

  it('a scheduling result draws its explanation grid', () => {
    const { cloud } = bootOne();
    const result = cloud.scheduler.selectDestinations({ flavor: { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20 }, num_instances: 1 });
    const bundle = (result as unknown as Displayable)[DISPLAY]();
    expect(parseXml(bundle['image/svg+xml'] as string).attributes['data-stacksim']).toBe('explanation');
    // the stand-in is the scheduler's result in every way a caller reads it
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.keys(result)).toEqual(['selections']);
    expect(result.selections).toHaveLength(1);
    expect(result.explanation.outcome).toBe('scheduled');
    expect(result.explanation.selections).toEqual(result.selections);
    expect(JSON.stringify(result)).toBe(JSON.stringify({ selections: result.selections, explanation: result.explanation }));
    expect(render.show(result).toSVG()).toBe(bundle['image/svg+xml']);
    // nothing fits: the NoValidHost error carries its explanation, and shows it
    let refused: unknown;
    try {
      cloud.scheduler.selectDestinations({ flavor: { name: 'huge', vcpus: 4096, memory_mb: 2048, root_gb: 20 }, num_instances: 1 });
    } catch (e) {
      refused = e;
    }
    expect((refused as CloudError).status).toBe(400);
    expect(render.show(refused).toText()).toContain('no valid host');
  });

  it('show() picks the picture for each shape and refuses what it cannot draw', () => {
    const { cloud, demo, bootTrace } = bootOne();
    expect(render.show(cloud).toSVG()).toContain('data-stacksim="datacenter"');
    expect(render.show(bootTrace).toSVG()).toContain('data-stacksim="sequence"');
    expect(render.show(cloud.scheduler.usage()).toSVG()).toContain('data-stacksim="utilisation"');
    expect(render.show(cloud.object.rings()[0]).toSVG()).toContain('data-stacksim="ring"');
    const rings = render.show(cloud.object.rings()).toSVG();
    expect(parseXml(rings).attributes['data-stacksim']).toBe('stack');
    expect(rings.match(/data-stacksim="ring"/g)?.length).toBe(cloud.object.rings().length);
    expect(render.show(demo.compute.listFlavors()).toText()).toContain('m1.tiny');
    expect(render.show({ a: 1 }).toText()).toContain('a');
    for (const bad of [undefined, null, 3, 'text', [1, 2], Symbol('x')]) {
      expect(() => render.show(bad)).toThrow(CloudError);
      try {
        render.show(bad);
      } catch (e) {
        expect((e as CloudError).status).toBe(400);
        expect((e as CloudError).details.field).toBe('value');
      }
    }
  });

  it('a frozen value handed out as it is stays untouched; a Picture shows itself', () => {
    const frozen = Object.freeze([{ a: 1 }]);
    render.presentable(frozen);
    expect(Object.getOwnPropertySymbols(frozen)).toEqual([]);
    const p = new render.Picture({ title: 't', text: 'a < b' });
    expect(p.toHTML()).toBe('<pre class="stacksim">a &lt; b</pre>');
    expect(parseXml(p.toSVG()).name).toBe('svg');
    expect(p[render.JUPYTER_DISPLAY]()).toEqual({ 'text/plain': 'a < b', 'text/html': '<pre class="stacksim">a &lt; b</pre>' });
    expect(render.show(p)).toBe(p);
    expect(JSON.stringify(p)).toBe('{"title":"t","text":"a < b"}');
  });
});
