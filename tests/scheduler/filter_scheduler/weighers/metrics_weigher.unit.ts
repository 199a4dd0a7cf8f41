/** MetricsWeigher, after nova's test_weights_metrics.py. */
import { describe, it, expect } from 'vitest';
import { NotFound } from '../../../../src/core/index.js';
import { MetricsWeigher } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, caught, cfg, fakeHost, fakeSpec } from '../helpers.js';
import { weighed } from './helpers.js';

const idle = 'cpu.idle.time';
const kernel = 'cpu.kernel.time';
const user = 'cpu.user.time';
const m = (pairs: [string, number][]) => pairs.map(([name, value]) => ({ name, value }));
const hosts = () => [
  fakeHost({ host: 'host1', metrics: m([[idle, 512], [kernel, 1]]) }),
  fakeHost({ host: 'host2', metrics: m([[idle, 1024], [kernel, 2]]) }),
  fakeHost({ host: 'host3', metrics: m([[idle, 3072], [kernel, 1]]) }),
  fakeHost({ host: 'host4', metrics: m([[idle, 8192], [kernel, 0]]) }),
  fakeHost({ host: 'host5', metrics: m([[idle, 768], [kernel, 0], [user, 1]]) }),
  fakeHost({ host: 'host6', metrics: m([[idle, 2048], [kernel, 0], [user, 2]]) }),
];
const best = (setting: string[], extra: Record<string, unknown> = {}) => weighed(MetricsWeigher, hosts(), cfg({ metrics: { weight_setting: setting, ...extra } }))[0];

describe('MetricsWeigher', () => {
  it('weighs one metric', () => {
    expect(best([`${idle}=1`])).toEqual(['host4', 1.0]);
  });
  it('sums several metrics times their ratios', () => {
    expect(best([`${idle}=0.0001`, `${kernel}=1`])).toEqual(['host2', 1.0]);
  });
  it('adds duplicate settings and honours negative ratios', () => {
    expect(best([`${idle}=-2`, `${idle}=1`])).toEqual(['host1', 1.0]);
    expect(best([`${idle}=-1`])).toEqual(['host1', 1.0]);
  });
  it('ignores malformed settings', () => {
    expect(best([`${idle}=0.0001`, kernel])).toEqual(['host4', 1.0]);
    expect(best([`${idle}=0.0001`, `${kernel} = 2.0t`])).toEqual(['host4', 1.0]);
  });
  it('raises ComputeHostMetricNotFound for a missing metric when required (the default)', () => {
    const e = caught(() => weighed(MetricsWeigher, hosts(), cfg({ metrics: { weight_setting: [`${idle}=1`, `${user}=2`] } })));
    expect(e).toBeInstanceOf(NotFound);
    expect(e.code).toBe('scheduler.metric_not_found');
    expect(e.message).toMatch(/Metric cpu.user.time could not be found on the compute host node host1.host1/);
  });
  it('gives weight_of_unavailable to hosts missing a metric when not required', () => {
    expect(best([`${idle}=0.0001`, `${user}=-1`], { required: false })).toEqual(['host5', 1.0]);
    expect(MetricsWeigher.weigh(hosts()[0]!, fakeSpec(), cfg({ metrics: { weight_setting: [`${user}=1`], required: false } }))).toBe(-10000);
    expect(MetricsWeigher.weigh(hosts()[0]!, fakeSpec(), cfg({ metrics: { weight_setting: [`${user}=0`], required: false } }))).toBe(0);
  });
  it('takes metrics_weight_multiplier from aggregate metadata over [metrics] weight_multiplier', () => {
    const config = cfg({ metrics: { weight_multiplier: -1 } });
    expect(MetricsWeigher.multiplier(config, fakeHost())).toBe(-1);
    expect(MetricsWeigher.multiplier(config, fakeHost({ aggregates: [agg({ metrics_weight_multiplier: '2' }), agg({ metrics_weight_multiplier: '1.5' })] }))).toBe(1.5);
  });
});
