/** Hardware's read door for other modules (`src/hardware/queries.ts`): get / find / list. */
import { describe, it, expect } from 'vitest';
import { createCloud } from '../../src/index.js';
import { findHost, getHost, listAvailabilityZones, listHosts, listRacks, listRegions } from '../../src/hardware/index.js';

const HOST = { cpu: { sockets: 1, cores_per_socket: 8 }, memory_mb: 65536 };

function cloud() {
  const c = createCloud({ seed: 3, preset: 'empty' });
  c.hardware.addAvailabilityZone({ name: 'az2' });
  c.hardware.addAvailabilityZone({ name: 'az1' });
  c.hardware.addRack({ name: 'r2', availability_zone: 'az2' });
  c.hardware.addRack({ name: 'r1', availability_zone: 'az1' });
  for (const name of ['zeta', 'alpha', 'mid']) c.hardware.addHost({ name, ...HOST, rack: 'r1' });
  return c;
}

describe('hardware queries', () => {
  it('findHost takes what getHost takes, and answers undefined where getHost throws 404', () => {
    const c = cloud();
    const alpha = c.hardware.getHost('alpha');
    expect(findHost(c.state, 'alpha')).toEqual(getHost(c.state, 'alpha'));
    expect(findHost(c.state, alpha.id)?.name).toBe('alpha');
    expect(findHost(c.state, 'nope')).toBeUndefined();
    expect(() => getHost(c.state, 'nope')).toThrow(expect.objectContaining({ status: 404, code: 'hardware.host.not_found' }));
  });

  it('listHosts gives every host in id order; zones, racks and regions in name order', () => {
    const c = cloud();
    const ids = listHosts(c.state).map((h) => h.id);
    expect(ids).toEqual([...ids].sort());
    expect(listHosts(c.state).map((h) => h.name).sort()).toEqual(['alpha', 'mid', 'zeta']);
    expect(listAvailabilityZones(c.state).map((a) => a.name)).toEqual(['az1', 'az2']);
    expect(listRacks(c.state).map((r) => r.name)).toEqual(['r1', 'r2']);
    expect(listRegions(c.state).map((r) => r.name)).toEqual(['RegionOne']);
  });

  it('reads a command draft as it is, mid-transaction', () => {
    const c = cloud();
    const seen = c.kernel.transact('test.read', (tx) => {
      c.hardware.addHost({ name: 'late', ...HOST });
      return { found: findHost(tx.draft, 'late')?.name, count: listHosts(tx.draft).length };
    });
    expect(seen).toEqual({ found: 'late', count: 4 });
  });
});
