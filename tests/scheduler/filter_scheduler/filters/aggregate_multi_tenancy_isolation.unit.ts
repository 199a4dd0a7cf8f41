/** AggregateMultiTenancyIsolation, after nova's test_aggregate_multitenancy_isolation_filters.py. */
import { describe, it, expect } from 'vitest';
import { AggregateMultiTenancyIsolation } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, fakeHost, fakeSpec, passes } from '../helpers.js';

const check = (metadata: Record<string, string>[], project: string) =>
  passes(AggregateMultiTenancyIsolation, fakeHost({ aggregates: metadata.map((m) => agg(m)) }), fakeSpec({ project_id: project }));

describe('AggregateMultiTenancyIsolation', () => {
  it('passes the tenant of the aggregate, also in a comma list', () => {
    expect(check([{ filter_tenant_id: 'my_tenantid' }], 'my_tenantid')).toBe(true);
    expect(check([{ filter_tenant_id: 'my_tenantid, mytenantid2' }], 'my_tenantid')).toBe(true);
  });
  it('fails other tenants', () => {
    expect(check([{ filter_tenant_id: 'other_tenantid' }], 'my_tenantid')).toBe(false);
    expect(check([{ filter_tenant_id: 'other_tenantid,other_tenantid2' }], 'my_tenantid')).toBe(false);
  });
  it('passes every tenant on a host without the key', () => {
    expect(check([], 'my_tenantid')).toBe(true);
    expect(check([{ ssd: 'true' }], 'my_tenantid')).toBe(true);
  });
  it('collects tenants over all the host aggregates that set the key', () => {
    expect(check([{ filter_tenant_id: 'a' }, { filter_tenant_id: 'b' }], 'b')).toBe(true);
  });
  it('leaves numbered keys to the require_tenant_aggregate pre-filter', () => {
    expect(check([{ filter_tenant_id2: 'other' }], 'my_tenantid')).toBe(true);
    expect(check([{ 'filter_tenant_id:123': 'other' }], 'my_tenantid')).toBe(true);
  });
});
