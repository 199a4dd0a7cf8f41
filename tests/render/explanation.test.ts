/** The scheduling explanation as a hosts × filters grid (`render.explanationGrid`). */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, type Cloud } from '../../src/index.js';
import { NoValidHost, schedule, type Explanation, type ScheduleResult } from '../../src/scheduler/index.js';
import * as arb from '../../src/testing/index.js';
import * as render from '../../src/render/index.js';
import { expectUntouched, refusedInput as refused } from './support.js';
import { allElements, allText, parseXml, type XmlElement } from './xml.js';

const SMALL = { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20 };

function devstack(): Cloud {
  return createCloud({ seed: 16, preset: 'devstack' });
}

/** The rows of a grid SVG: `<g data-row>` elements. */
const rowsOf = (svg: string): XmlElement[] => allElements(parseXml(svg)).filter((e) => e.name === 'g' && e.attributes['data-row'] !== undefined);

/** Every host an instance's explanation names: the pre-filters' and steps' removals, the ranked hosts, the claims. */
function namedHosts(e: Explanation, index: number): Set<string> {
  const label = (h: { host: string; nodename: string }): string => (h.host === h.nodename ? h.host : `${h.host} (${h.nodename})`);
  const names = new Set<string>();
  for (const s of e.prefilters) for (const r of s.removed) names.add(label(r));
  const inst = e.instances[index];
  if (inst !== undefined) {
    for (const s of [...inst.destination, ...inst.filters]) for (const r of s.removed) names.add(label(r));
    for (const t of inst.totals) names.add(label(t));
    for (const c of inst.claims) names.add(label(c));
    const sel = e.selections.find((s) => s.instance_uuid === inst.instance_uuid);
    for (const a of sel?.alternates ?? []) names.add(label(a));
  }
  return names;
}

describe('explanationGrid', () => {
  it('draws every host, pre-filter, filter and weigher of a devstack decision, the chosen host marked and its alternates', () => {
    const cloud = devstack();
    const result = cloud.scheduler.selectDestinations({ flavor: SMALL, num_instances: 2 });
    const e = result.explanation;
    const picture = render.explanationGrid(result);
    const svg = picture.toSVG();
    const root = parseXml(svg);
    expect(root.attributes['data-stacksim']).toBe('explanation');
    const text = allText(root);
    const inst = e.instances[0]!;
    for (const name of [...e.prefilters.map((s) => s.name), ...inst.filters.map((s) => s.name), ...inst.weighers.map((w) => w.name)]) expect(text).toContain(name);
    const rows = rowsOf(svg);
    expect(rows.map((r) => r.attributes['data-row']).sort()).toEqual(['compute1', 'compute2', 'controller']);
    const chosen = rows.filter((r) => r.attributes['data-chosen'] === 'true');
    expect(chosen.map((r) => r.attributes['data-host'])).toEqual([result.selections[0]!.host]);
    const alternates = rows.filter((r) => r.attributes['data-alternate'] !== undefined).map((r) => r.attributes['data-host']);
    expect(alternates).toEqual(result.selections[0]!.alternates.map((a) => a.host));
    // the weighers' arithmetic for the chosen host, as nova logs it
    const ram = inst.weighers.find((w) => w.name === 'RAMWeigher')!.hosts.find((h) => h.host === result.selections[0]!.host)!;
    expect(allText(chosen[0]!)).toContain(`${ram.normalised} × ${ram.multiplier} = ${ram.score}`);
    expect(picture.toText()).toMatch(new RegExp(`^${result.selections[0]!.host} .* chosen$`, 'm'));
    const html = picture.toHTML();
    expect(html).toContain('<table');
    expect(html).toMatch(new RegExp(`<tr [^>]*data-host="${result.selections[0]!.host}" data-chosen="true"`));
  });

  it('weights show up to 6 decimals, as nova\'s weigher log does: a near-tie stays visible', () => {
    const e = JSON.parse(JSON.stringify(devstack().scheduler.selectDestinations({ flavor: SMALL }).explanation)) as Explanation;
    const inst = e.instances[0]!;
    const [a, b] = inst.weighers[0]!.hosts as unknown as { host: string; normalised: number; multiplier: number; score: number }[];
    Object.assign(a!, { normalised: 0.5, multiplier: 1, score: 0.5 });
    Object.assign(b!, { normalised: 0.500001, multiplier: 1, score: 0.500001 });
    const picture = render.explanationGrid(e);
    const rows = rowsOf(picture.toSVG());
    expect(allText(rows.find((r) => r.attributes['data-host'] === a!.host)!)).toContain('0.5 × 1 = 0.5');
    expect(allText(rows.find((r) => r.attributes['data-host'] === b!.host)!)).toContain('0.500001 × 1 = 0.500001');
    expect(picture.toText()).toContain('0.500001');
    expect(picture.toHTML()).toContain('0.500001 × 1 = 0.500001');
  });

  it('takes the ScheduleResult or its plain Explanation, byte for byte the same; same seed, same picture', () => {
    const a = devstack().scheduler.selectDestinations({ flavor: SMALL, num_instances: 2 });
    const b = devstack().scheduler.selectDestinations({ flavor: SMALL, num_instances: 2 });
    const fromResult = render.explanationGrid(a);
    const fromExplanation = render.explanationGrid(a.explanation);
    expect(fromExplanation.toSVG()).toBe(fromResult.toSVG());
    expect(fromExplanation.toHTML()).toBe(fromResult.toHTML());
    expect(render.explanationGrid(b).toSVG()).toBe(fromResult.toSVG());
  });

  it('instance picks the instance of a multi-instance request; out of range is a typed error', () => {
    const result = devstack().scheduler.selectDestinations({ flavor: SMALL, num_instances: 2 });
    const second = rowsOf(render.explanationGrid(result, { instance: 1 }).toSVG());
    expect(second.filter((r) => r.attributes['data-chosen'] === 'true').map((r) => r.attributes['data-host'])).toEqual([result.selections[1]!.host]);
    expect(render.explanationGrid(result, { instance: 1 }).toText()).toContain('instance 1 of 2');
    for (const bad of [2, -1, 0.5, Number.NaN, '0', null]) refused(() => render.explanationGrid(result, { instance: bad as never }), 'options.instance');
  });

  it('a removed host shows ✗ with nova\'s reason as a tooltip and nothing after it', () => {
    const cloud = devstack();
    const result = cloud.scheduler.selectDestinations({ flavor: SMALL, ignore_hosts: ['compute2'] });
    const svg = render.explanationGrid(result).toSVG();
    const row = rowsOf(svg).find((r) => r.attributes['data-host'] === 'compute2')!;
    const cross = allElements(row).find((e) => e.attributes['data-removed-by'] === 'ignore_hosts')!;
    expect(cross.children.find((c) => c.name === 'title')?.text).toBe('ignore_hosts removed compute2: in ignore_hosts');
    // removed before the filters: no ✓ after it, no weight, no rank
    expect(allElements(row).filter((e) => e.name === 'text' && e.text === '✓')).toHaveLength(2); // the two pre-filters only
    expect(allText(row)).toContain('removed by ignore_hosts');
    expect(render.explanationGrid(result).toHTML()).toContain('title="in ignore_hosts"');
    expect(rowsOf(svg).find((r) => r.attributes['data-chosen'] === 'true')?.attributes['data-host']).not.toBe('compute2');
  });

  it('a request no host can take renders nova\'s reason (the NoValidHost error carries its explanation)', () => {
    const cloud = devstack();
    let error: unknown;
    try {
      cloud.scheduler.selectDestinations({ flavor: { name: 'huge', vcpus: 100_000, memory_mb: 2048, root_gb: 20 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NoValidHost);
    const reason = (error as NoValidHost).explanation.reason!;
    for (const picture of [render.explanationGrid(error as NoValidHost), render.explanationGrid((error as NoValidHost).explanation)]) {
      const svg = picture.toSVG();
      const root = parseXml(svg);
      expect(allText(root)).toContain(reason);
      expect(picture.toText()).toContain(`no valid host: ${reason}`);
      expect(picture.toHTML()).toContain('exceeds max_unit');
      const rows = rowsOf(svg);
      expect(rows).toHaveLength(3);
      expect(rows.every((r) => r.attributes['data-chosen'] === undefined)).toBe(true);
      expect(rows.every((r) => allElements(r).some((e) => e.attributes['data-removed-by'] === 'placement (allocation candidates)'))).toBe(true);
    }
  });

  it('drawing changes nothing in the cloud: same state object, same last trace', () => {
    const cloud = devstack();
    const result = cloud.scheduler.selectDestinations({ flavor: SMALL, num_instances: 3 });
    expectUntouched(cloud, () => render.explanationGrid(result, { instance: 2 }));
  });

  it('bad input gives a typed error naming the field', () => {
    const e = devstack().scheduler.selectDestinations({ flavor: SMALL }).explanation;
    for (const bad of [null, undefined, 42, 'explanation', [], {}, { explanation: 5 }, { explanation: { selections: [] } }]) refused(() => render.explanationGrid(bad as never), bad !== null && typeof bad === 'object' && 'explanation' in bad ? 'explanation.explanation' : 'explanation');
    refused(() => render.explanationGrid({ ...e, outcome: 'maybe' } as never), 'explanation.outcome');
    refused(() => render.explanationGrid({ ...e, instances: 'none' } as never), 'explanation.instances');
    refused(() => render.explanationGrid({ ...e, prefilters: [{ name: 7, start: 1, end: 1, removed: [] }] } as never), 'explanation.prefilters[0].name');
    refused(() => render.explanationGrid({ ...e, prefilters: [{ name: 'x', start: Number.NaN, end: 1, removed: [] }] } as never), 'explanation.prefilters[0].start');
    const inst = e.instances[0]!;
    refused(() => render.explanationGrid({ ...e, instances: [{ ...inst, totals: [{ host: 'a', nodename: 'a', total: Infinity }] }] } as never), 'explanation.instances[0].totals[0].total');
    refused(() => render.explanationGrid({ ...e, instances: [null] } as never), 'explanation.instances[0]');
    refused(() => render.explanationGrid(e, null as never), 'options');
    refused(() => render.explanationGrid(e, { title: 5 } as never), 'options.title');
  });

  it('every host the explanation names is one row of the grid, for every instance (seed 1616)', () => {
    fc.assert(
      fc.property(arb.fleet({ max: 10 }), arb.requestSpec(), arb.schedulerConfig(), fc.nat(), (hosts, request, config, seed) => {
        let e: Explanation;
        try {
          e = (schedule({ hosts, request, config, seed }) as ScheduleResult).explanation;
        } catch (err) {
          expect(err).toBeInstanceOf(NoValidHost);
          e = (err as NoValidHost).explanation;
        }
        for (let i = 0; i < Math.max(1, e.instances.length); i++) {
          const rows = rowsOf(render.explanationGrid(e, { instance: i }).toSVG()).map((r) => r.attributes['data-row']);
          const named = namedHosts(e, i);
          expect(new Set(rows).size).toBe(rows.length);
          expect(new Set(rows)).toEqual(named);
          // the first instance sees every host that entered the request
          if (i === 0) expect(rows.length).toBe(e.prefilters[0]!.start);
        }
      }),
      { seed: 1616, numRuns: 60 },
    );
  });
});
