/** MetricsFilter, after nova's test_metrics_filters.py. */
import { describe, it, expect } from 'vitest';
import { MetricsFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

const config = cfg({ metrics: { weight_setting: ['foo=1', 'bar=2'] } });
const metrics = (...names: string[]) => fakeHost({ metrics: names.map((name) => ({ name, value: 1 })) });

describe('MetricsFilter', () => {
  it('passes a host reporting every weighed metric', () => {
    expect(passes(MetricsFilter, metrics('foo', 'bar', 'baz'), fakeSpec(), config)).toBe(true);
  });
  it('fails a host missing one', () => {
    expect(passes(MetricsFilter, metrics('foo'), fakeSpec(), config)).toBe(false);
    expect(MetricsFilter.hostPasses(metrics('foo'), fakeSpec(), config)).toMatch(/bar/);
  });
  it('passes everything when no metric is weighed; ignores malformed settings', () => {
    expect(passes(MetricsFilter, metrics())).toBe(true);
    expect(passes(MetricsFilter, metrics('foo'), fakeSpec(), cfg({ metrics: { weight_setting: 'foo=1, bar=x, baz' } }))).toBe(true);
  });
});
