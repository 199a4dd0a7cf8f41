/** AvailabilityZoneFilter, after nova's test_availability_zone_filters.py. */
import { describe, it, expect } from 'vitest';
import { AvailabilityZoneFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

const inZone = (...zones: string[]) => fakeHost({ aggregates: zones.map((z) => agg({ availability_zone: z })) });
const ask = (az: string | null) => fakeSpec({ availability_zone: az });

describe('AvailabilityZoneFilter', () => {
  it('passes a host whose aggregate is in the requested zone', () => {
    expect(passes(AvailabilityZoneFilter, inZone('nova'), ask('nova'))).toBe(true);
  });
  it('reads comma lists in the metadata', () => {
    expect(passes(AvailabilityZoneFilter, fakeHost({ aggregates: [agg({ availability_zone: 'nova, nova2' })] }), ask('nova2'))).toBe(true);
  });
  it('fails a host in another zone', () => {
    expect(passes(AvailabilityZoneFilter, inZone('nova'), ask('bad'))).toBe(false);
    expect(passes(AvailabilityZoneFilter, inZone('az1'), ask('nova'))).toBe(false);
  });
  it('places a host without AZ metadata in default_availability_zone', () => {
    expect(passes(AvailabilityZoneFilter, fakeHost(), ask('nova'))).toBe(true);
    expect(passes(AvailabilityZoneFilter, fakeHost(), ask('az1'))).toBe(false);
    expect(passes(AvailabilityZoneFilter, fakeHost(), ask('az1'), cfg({ DEFAULT: { default_availability_zone: 'az1' } }))).toBe(true);
  });
  it('passes any host when no zone is requested', () => {
    expect(passes(AvailabilityZoneFilter, inZone('az1'), ask(null))).toBe(true);
  });
  it('ignores aggregates without AZ metadata', () => {
    const host = fakeHost({ aggregates: [agg({ ssd: 'true' }), agg({ availability_zone: 'az1' })] });
    expect(passes(AvailabilityZoneFilter, host, ask('az1'))).toBe(true);
    expect(passes(AvailabilityZoneFilter, host, ask('nova'))).toBe(false);
  });
});
