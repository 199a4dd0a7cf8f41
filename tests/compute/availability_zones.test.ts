/**
 * Availability zones (`nova/api/openstack/compute/availability_zone.py`, `nova/availability_zones.py`):
 * zones come from the services — a compute host's topology AZ, `nova` for compute hosts in none,
 * `internal` for the controllers' scheduler and conductor — available while one of their services
 * is enabled; the summary for anyone, the detail (hosts and services) for admins.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Cloud, type Session } from '../../src/index.js';
import { refused } from '../support/refusal.js';
import { computeWorld, fleet as computeFleet } from './support.js';

/** A controller and compute hosts a1, a2 (az1), b1 (az2), c1 (no zone); az3 holds only a storage host. */
const fleet = (seed = 3): Cloud => computeFleet(seed, { storageZone: true });

const names = (zones: readonly { zoneName: string }[]): string[] => zones.map((z) => z.zoneName);
const serviceId = (admin: Session, host: string): string => admin.compute.listComputeServices({ host, binary: 'nova-compute' })[0]!.id;

describe('GET /os-availability-zone', () => {
  it('DevStack: every compute host in nova, internal hidden; anyone may list', () => {
    const { demo, reader, alt } = computeWorld(1);
    const zones = demo.compute.listAvailabilityZones();
    expect(zones).toEqual([{ zoneName: 'nova', zoneState: { available: true }, hosts: null }]);
    expect(reader.compute.listAvailabilityZones()).toEqual(zones);
    expect(alt.compute.listAvailabilityZones()).toEqual(zones);
  });

  it('the topology zones holding compute hosts, and nova for those in none; a zone without compute hosts is no zone', () => {
    const cloud = fleet();
    const zones = cloud.admin.compute.listAvailabilityZones();
    expect(names(zones)).toEqual(['az1', 'az2', 'nova']);
    expect(zones.every((z) => z.zoneState.available && z.hosts === null)).toBe(true);
  });

  it('a zone whose every compute service is disabled is listed last, not available; enabling brings it back', () => {
    const cloud = fleet();
    const admin = cloud.admin;
    admin.compute.updateComputeService(serviceId(admin, 'b1'), { status: 'disabled', disabled_reason: 'rack swap' });
    expect(admin.compute.listAvailabilityZones()).toEqual([
      { zoneName: 'az1', zoneState: { available: true }, hosts: null },
      { zoneName: 'nova', zoneState: { available: true }, hosts: null },
      { zoneName: 'az2', zoneState: { available: false }, hosts: null },
    ]);
    // one of two hosts disabled keeps the zone available
    admin.compute.updateComputeService(serviceId(admin, 'a1'), { status: 'disabled' });
    expect(names(admin.compute.listAvailabilityZones())).toEqual(['az1', 'nova', 'az2']);
    admin.compute.updateComputeService(serviceId(admin, 'b1'), { status: 'enabled' });
    expect(names(admin.compute.listAvailabilityZones())).toEqual(['az1', 'az2', 'nova']);
  });

  it('a host in maintenance has its nova-compute disabled: its zone goes unavailable', () => {
    const cloud = fleet();
    cloud.hardware.startMaintenance('c1', 'firmware');
    expect(cloud.admin.compute.listAvailabilityZones().at(-1)).toEqual({ zoneName: 'nova', zoneState: { available: false }, hosts: null });
    cloud.hardware.recoverHost('c1');
    expect(names(cloud.admin.compute.listAvailabilityZones())).toEqual(['az1', 'az2', 'nova']);
  });
});

describe('GET /os-availability-zone/detail (admin)', () => {
  it('DevStack: internal with the controller\'s scheduler and conductor, nova with each compute host', () => {
    const { cloud, admin } = computeWorld(2);
    const zones = admin.compute.listAvailabilityZonesDetail();
    expect(names(zones)).toEqual(['internal', 'nova']);
    const at = `${cloud.state.meta.clock.epoch.slice(0, 19)}.000000`;
    const up = { available: true, active: true, updated_at: at };
    expect(zones[0]).toEqual({ zoneName: 'internal', zoneState: { available: true }, hosts: { controller: { 'nova-scheduler': up, 'nova-conductor': up } } });
    expect(zones[1]!.hosts).toEqual({ controller: { 'nova-compute': up }, compute1: { 'nova-compute': up }, compute2: { 'nova-compute': up } });
  });

  it('a project member or reader is refused (os-availability-zone:detail is context_is_admin)', () => {
    const { cloud, demo, reader } = computeWorld(2);
    for (const s of [demo, reader]) refused(cloud, () => s.compute.listAvailabilityZonesDetail(), { status: 403, code: 'compute.policy.forbidden', message: 'os_compute_api:os-availability-zone:detail' });
  });

  it('shows enabled services only; a zone with none has hosts null; liveness follows the heartbeat', () => {
    const cloud = fleet();
    const admin = cloud.admin;
    admin.compute.updateComputeService(serviceId(admin, 'a2'), { status: 'disabled' });
    admin.compute.updateComputeService(serviceId(admin, 'b1'), { status: 'disabled' });
    let zones = admin.compute.listAvailabilityZonesDetail();
    expect(names(zones)).toEqual(['az1', 'internal', 'nova', 'az2']);
    expect(Object.keys(zones[0]!.hosts!)).toEqual(['a1']);
    expect(zones[3]).toEqual({ zoneName: 'az2', zoneState: { available: false }, hosts: null });
    // c1 fails: its service stays listed (enabled) but is no longer up once service_down_time has passed
    cloud.hardware.failHost('c1');
    cloud.clock.advance(61);
    zones = admin.compute.listAvailabilityZonesDetail();
    const nova = zones.find((z) => z.zoneName === 'nova')!;
    expect(nova.zoneState.available).toBe(true);
    expect(nova.hosts!.c1!['nova-compute']).toMatchObject({ available: false, active: true });
    expect(zones.find((z) => z.zoneName === 'az1')!.hosts!.a1!['nova-compute']!.available).toBe(true);
  });

  it('reads change nothing (seed 77: any sequence of disables and enables keeps list ⊆ detail and internal hidden)', () => {
    const base = fleet(77);
    const hosts = ['a1', 'a2', 'b1', 'c1'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...hosts), fc.boolean()), { maxLength: 8 }), (steps) => {
        const cloud = base.fork();
        const admin = cloud.admin;
        for (const [host, disable] of steps) admin.compute.updateComputeService(serviceId(admin, host), { status: disable ? 'disabled' : 'enabled' });
        const before = cloud.state;
        const list = admin.compute.listAvailabilityZones();
        const detail = admin.compute.listAvailabilityZonesDetail();
        expect(cloud.state).toBe(before);
        expect(names(list)).not.toContain('internal');
        expect(names(detail)).toContain('internal');
        for (const z of list) expect(detail.find((d) => d.zoneName === z.zoneName)?.zoneState).toEqual(z.zoneState);
        // an available zone's detail names exactly its enabled compute hosts
        const disabled = new Set<string>();
        for (const [host, disable] of steps) (disable ? disabled.add(host) : disabled.delete(host));
        const zoneOf: Record<string, string> = { a1: 'az1', a2: 'az1', b1: 'az2', c1: 'nova' };
        for (const zone of ['az1', 'az2', 'nova']) {
          const enabled = hosts.filter((h) => zoneOf[h] === zone && !disabled.has(h));
          const entry = detail.find((d) => d.zoneName === zone)!;
          expect(entry.zoneState.available).toBe(enabled.length > 0);
          if (enabled.length > 0) expect(Object.keys(entry.hosts!).sort()).toEqual(enabled);
          else expect(entry.hosts).toBeNull();
        }
      }),
      { seed: 77, numRuns: 25 },
    );
  });
});
