/** IsolatedHostsFilter, after nova's test_isolated_hosts_filter.py. */
import { describe, it, expect } from 'vitest';
import { IsolatedHostsFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

function check(hostIsolated: boolean, imageIsolated: boolean, options: Record<string, unknown> | null, restrict = true): boolean {
  const config = cfg({
    filter_scheduler: options ?? { isolated_images: ['iso-image'], isolated_hosts: ['isolated_host'], restrict_isolated_hosts_to_isolated_images: restrict },
  });
  const host = fakeHost({ host: hostIsolated ? 'isolated_host' : 'free_host' });
  const spec = fakeSpec({ image: { id: imageIsolated ? 'iso-image' : 'other-image', properties: {} } });
  return passes(IsolatedHostsFilter, host, spec, config);
}

describe('IsolatedHostsFilter', () => {
  it('keeps isolated images on isolated hosts and the rest elsewhere', () => {
    expect(check(false, true, null)).toBe(false);
    expect(check(true, false, null)).toBe(false);
    expect(check(true, true, null)).toBe(true);
    expect(check(false, false, null)).toBe(true);
  });
  it('filters nothing without configuration (the default)', () => {
    for (const [h, i] of [[false, true], [true, false], [true, true], [false, false]] as const) expect(check(h, i, {})).toBe(true);
  });
  it('with only isolated images, keeps them off every host', () => {
    const only = { isolated_images: ['iso-image'] };
    expect(check(false, true, only)).toBe(false);
    expect(check(true, false, only)).toBe(true);
    expect(check(true, true, only)).toBe(false);
    expect(check(false, false, only)).toBe(true);
  });
  it('with only isolated hosts, keeps every image off them', () => {
    const only = { isolated_hosts: ['isolated_host'] };
    expect(check(false, true, only)).toBe(true);
    expect(check(true, false, only)).toBe(false);
    expect(check(true, true, only)).toBe(false);
    expect(check(false, false, only)).toBe(true);
  });
  it('less restrictive: isolated hosts also take other images', () => {
    expect(check(true, false, null, false)).toBe(true);
    expect(check(true, true, null, false)).toBe(true);
    expect(check(false, false, null, false)).toBe(true);
    expect(check(false, true, null, false)).toBe(false);
  });
  it('treats a volume-backed request (no image id) as a non-isolated image', () => {
    const config = cfg({ filter_scheduler: { isolated_images: ['iso-image'], isolated_hosts: ['isolated_host'] } });
    expect(passes(IsolatedHostsFilter, fakeHost({ host: 'free_host' }), fakeSpec({ image: null }), config)).toBe(true);
    expect(passes(IsolatedHostsFilter, fakeHost({ host: 'isolated_host' }), fakeSpec({ image: null }), config)).toBe(false);
  });
});
