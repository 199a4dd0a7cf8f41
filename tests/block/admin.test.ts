/**
 * Cinder's admin APIs (Zed): `GET /os-services` and `PUT /os-services/{action}`
 * (`cinder/api/contrib/services.py`, `cinder/volume/api.py` `freeze_host` / `thaw_host`),
 * `GET /scheduler-stats/get_pools` (`cinder/api/contrib/scheduler_stats.py`,
 * `cinder/scheduler/host_manager.py` `get_pools`) and `GET /os-availability-zone`
 * (`cinder/api/contrib/availability_zones.py`): views, filters, what a disabled, frozen or down
 * volume service means for the scheduler, members refused (403), bad input refused (400) with
 * `cloud.state` the very same object.
 */
import { describe, it, expect } from 'vitest';

import { getRow, setRow, tableToArray } from '../../src/core/index.js';
import type { Session } from '../../src/index.js';
import type { VolumeRow, VolumeTypeRow } from '../../src/block/types.js';
import { listVolumeAvailabilityZones } from '../../src/block/availability_zones.js';
import { hostMatches, listCinderServices, updateCinderService } from '../../src/block/cinder_services.js';
import { listPools } from '../../src/block/scheduler_stats.js';
import { refused } from '../support/refusal.js';
import { blockRead, blockWorld, blockWrite, type BlockWorld } from './support.js';

/** The session methods this file's functions become (`session.block.listServices`, …), through the same pipeline until `BlockApi` has them. */
function adminApi(session: Session) {
  return {
    listServices: (query?: unknown) => listCinderServices(blockRead(session), query),
    updateService: (action: unknown, body: unknown) => blockWrite(session, 'update_service', (tx, ctx) => updateCinderService(tx, ctx, action, body)),
    listPools: (query?: unknown) => listPools(blockRead(session), query),
    listAvailabilityZones: () => listVolumeAvailabilityZones(blockRead(session)),
  };
}

function world(seed: number, options: Record<string, unknown> = {}) {
  const w = blockWorld(seed, { identity: { password_hash_rounds: 1 }, ...options });
  return { ...w, a: adminApi(w.admin), d: adminApi(w.demo), r: adminApi(w.reader) };
}

const VOLUME_HOST = 'controller@lvmdriver-1';
const POOL = 'controller@lvmdriver-1#lvmdriver-1';

function addType(w: BlockWorld, name: string, extra_specs: Record<string, string>): VolumeTypeRow {
  return blockWrite(w.admin, 'test_add_type', (tx) => {
    const row: VolumeTypeRow = { id: tx.ids.uuid(), name, description: null, is_public: true, extra_specs, qos_specs_id: null, created_at: tx.now(), updated_at: tx.now() };
    setRow(tx.draft.block.volume_types, row.id, row);
    return row;
  });
}

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;

describe('os-services', () => {
  it("lists DevStack's services as Zed shows them at 3.70 (volume services with backend_state, replication_status, frozen)", () => {
    const { a } = world(13401);
    const services = a.listServices();
    expect(services.map((s) => [s.binary, s.host])).toEqual([
      ['cinder-scheduler', 'controller'],
      ['cinder-backup', 'controller'],
      ['cinder-volume', VOLUME_HOST],
    ]);
    expect(services[0]).toEqual({ binary: 'cinder-scheduler', host: 'controller', zone: 'nova', status: 'enabled', state: 'up', updated_at: '2022-10-05T00:00:00.000000', cluster: null, disabled_reason: null });
    expect(services[2]).toEqual({
      binary: 'cinder-volume',
      host: VOLUME_HOST,
      zone: 'nova',
      status: 'enabled',
      state: 'up',
      updated_at: '2022-10-05T00:00:00.000000',
      backend_state: 'up',
      cluster: null,
      disabled_reason: null,
      replication_status: 'disabled',
      active_backend_id: null,
      frozen: false,
    });
    expect(Object.keys(services[2] as object)).toEqual(['binary', 'host', 'zone', 'status', 'state', 'updated_at', 'backend_state', 'cluster', 'disabled_reason', 'replication_status', 'active_backend_id', 'frozen']);
  });

  it('filters by host (a bare host matches its backends, as _filter_host) and by binary; unknown filters and bad values are 400s', () => {
    const { cloud, a } = world(13402);
    expect(a.listServices({ host: 'controller' })).toHaveLength(3);
    expect(a.listServices({ host: VOLUME_HOST }).map((s) => s.binary)).toEqual(['cinder-volume']);
    expect(a.listServices({ host: `${VOLUME_HOST}#lvmdriver-1` })).toEqual([]);
    expect(a.listServices({ host: 'control' })).toEqual([]);
    expect(a.listServices({ binary: 'cinder-volume', host: 'controller' }).map((s) => s.host)).toEqual([VOLUME_HOST]);
    expect(a.listServices({ binary: 'nova-compute' })).toEqual([]);
    expect([hostMatches('h@b#p', 'h'), hostMatches('h@b#p', 'h@b'), hostMatches('h@b#p', 'h@b#p'), hostMatches('h@b', 'h#p'), hostMatches('h2@b', 'h')]).toEqual([true, true, true, false, false]);
    refused(cloud, () => a.listServices({ zone: 'nova' }), { status: 400, field: 'zone' });
    for (const bad of [5, null, ['controller'], cyclic, 'x'.repeat(256)]) refused(cloud, () => a.listServices({ host: bad }), { status: 400, field: 'host' });
    for (const q of [null, 'host=controller', 3, JSON.parse('{"__proto__": {"host": "x"}}')]) refused(cloud, () => a.listServices(q), { status: 400 });
  });

  it('a member or a reader is refused every admin API (403), the state unchanged', () => {
    const { cloud, d, r } = world(13403);
    for (const api of [d, r]) {
      refused(cloud, () => api.listServices(), { status: 403, message: "Policy doesn't allow volume_extension:services:index to be performed." });
      refused(cloud, () => api.updateService('disable', { host: VOLUME_HOST, binary: 'cinder-volume' }), { status: 403, message: "Policy doesn't allow volume_extension:services:update to be performed." });
      refused(cloud, () => api.updateService('freeze', { host: VOLUME_HOST }), { status: 403 });
      refused(cloud, () => api.listPools({ detail: true }), { status: 403, message: "Policy doesn't allow scheduler_extension:scheduler_stats:get_pools to be performed." });
      // policy first: a member's bad input is still a 403
      refused(cloud, () => api.updateService('explode', cyclic), { status: 403 });
      refused(cloud, () => api.listPools(cyclic), { status: 403 });
    }
    // the zones need no policy
    expect(d.listAvailabilityZones()).toEqual([{ zoneName: 'nova', zoneState: { available: true } }]);
  });

  it('disabling the only backend leaves a new volume in error (no pool for the scheduler), and get_pools empty; enabling it brings both back', () => {
    const { demo, a } = world(13404);
    const answer = a.updateService('disable', { host: 'controller', binary: 'cinder-volume' });
    expect(answer).toEqual({ disabled: true, host: 'controller', service: '', binary: 'cinder-volume', status: 'disabled' });
    const svc = a.listServices({ binary: 'cinder-volume' })[0];
    expect(svc).toMatchObject({ status: 'disabled', state: 'up', backend_state: null, disabled_reason: null });
    expect(a.listPools()).toEqual([]);
    expect(a.listAvailabilityZones()).toEqual([{ zoneName: 'nova', zoneState: { available: false } }]);
    const v = demo.block.createVolume({ size: 1 });
    expect(v.status).toBe('creating');
    expect(demo.block.getVolume(v.id).status).toBe('error');
    expect(a.listServices({ binary: 'cinder-scheduler' })[0]?.status).toBe('enabled');

    expect(a.updateService('enable', { host: VOLUME_HOST, service: 'cinder-volume' })).toEqual({ disabled: false, host: VOLUME_HOST, service: 'cinder-volume', binary: '', status: 'enabled' });
    expect(a.listPools()).toEqual([{ name: POOL }]);
    const w = demo.block.createVolume({ size: 1 });
    expect(demo.block.getVolume(w.id).status).toBe('available');
  });

  it('disable-log-reason records the reason (kept by a later enable, as Zed); its bad reasons are 400s', () => {
    const { cloud, a } = world(13405);
    expect(a.updateService('disable-log-reason', { host: 'controller', binary: 'cinder-backup', disabled_reason: 'swift maintenance' })).toEqual({
      disabled_reason: 'swift maintenance',
      disabled: true,
      host: 'controller',
      service: '',
      binary: 'cinder-backup',
      status: 'disabled',
    });
    expect(a.listServices({ binary: 'cinder-backup' })[0]).toMatchObject({ status: 'disabled', disabled_reason: 'swift maintenance' });
    a.updateService('enable', { host: 'controller', binary: 'cinder-backup' });
    expect(a.listServices({ binary: 'cinder-backup' })[0]).toMatchObject({ status: 'enabled', disabled_reason: 'swift maintenance' });
    expect(a.updateService('disable-log-reason', { host: 'controller', binary: 'cinder-backup' })).toMatchObject({ disabled_reason: null, disabled: true });
    for (const bad of ['', '   ', 'r'.repeat(256), 5, null, cyclic]) {
      refused(cloud, () => a.updateService('disable-log-reason', { host: 'controller', binary: 'cinder-backup', disabled_reason: bad }), { status: 400, field: 'disabled_reason' });
    }
    // disable takes no reason
    refused(cloud, () => a.updateService('disable', { host: 'controller', binary: 'cinder-backup', disabled_reason: 'x' }), { status: 400, field: 'disabled_reason' });
  });

  it("refusals as Cinder's: no such service 404, no host or binary 400, unknown action 400, not simulated actions named", () => {
    const { cloud, a } = world(13406);
    refused(cloud, () => a.updateService('disable', { host: 'compute1', binary: 'cinder-volume' }), { status: 404, code: 'block.service.not_found', message: 'Service cinder-volume could not be found on host compute1.' });
    refused(cloud, () => a.updateService('disable', { host: 'controller', binary: 'nova-compute' }), { status: 404, message: 'Service nova-compute could not be found on host controller.' });
    expect(refused(cloud, () => a.updateService('disable', { binary: 'cinder-volume' }), { status: 400, message: 'Invalid input received: Host field is missing.' }).details.field).toBe('host');
    refused(cloud, () => a.updateService('disable', { host: 'controller' }), { status: 400, field: 'binary' });
    refused(cloud, () => a.updateService('disable', { host: 'controller', binary: '' }), { status: 400, field: 'binary' });
    refused(cloud, () => a.updateService('disable', { host: 'contr oller', binary: 'cinder-volume' }), { status: 400, field: 'host' });
    refused(cloud, () => a.updateService('disable', { host: 'controller', binary: 'cinder-volume', zone: 'nova' }), { status: 400, field: 'zone' });
    refused(cloud, () => a.updateService('reboot', { host: 'controller', binary: 'cinder-volume' }), { status: 400, code: 'block.service.unknown_action', message: 'Invalid input received: Unknown action' });
    for (const action of ['failover_host', 'failover', 'set-log', 'get-log']) refused(cloud, () => a.updateService(action, {}), { status: 400, code: 'block.service.action_not_simulated', field: 'action' });
    for (const action of [undefined, null, 5, ['enable'], cyclic, '__proto__', 'constructor']) refused(cloud, () => a.updateService(action, { host: 'controller', binary: 'cinder-volume' }), { status: 400, field: 'action' });
    for (const body of [null, undefined, 'host=controller', [1], 7]) refused(cloud, () => a.updateService('enable', body), { status: 400, field: 'enable' });
    refused(cloud, () => a.updateService('enable', JSON.parse('{"__proto__": {"binary": "cinder-volume"}, "host": "controller"}')), { status: 400, field: '__proto__' });
    refused(cloud, () => a.updateService('enable', { host: cyclic, binary: 'cinder-volume' }), { status: 400, field: 'host' });
    refused(cloud, () => a.updateService('enable', { host: 'controller', binary: 'cinder-volume', cluster: 5 }), { status: 400, field: 'cluster' });
  });

  it('freeze disables the backend with reason "frozen" (its pools leave the scheduler); a second freeze is refused; thaw enables it again', () => {
    const { cloud, demo, a } = world(13407);
    expect(a.updateService('freeze', { host: VOLUME_HOST })).toBeNull();
    expect(a.listServices({ binary: 'cinder-volume' })[0]).toMatchObject({ status: 'disabled', disabled_reason: 'frozen', frozen: true, backend_state: null });
    expect(a.listPools()).toEqual([]);
    expect(demo.block.getVolume(demo.block.createVolume({ size: 1 }).id).status).toBe('error');
    refused(cloud, () => a.updateService('freeze', { host: 'controller' }), { status: 400, code: 'block.service.already_frozen', message: "Invalid input received: No service could be changed: frozen in ['controller@lvmdriver-1'] must be False to failover." });
    // enabled by hand, a frozen backend is still out of get_pools (host_manager skips frozen services)
    a.updateService('enable', { host: 'controller', binary: 'cinder-volume' });
    expect(a.listPools()).toEqual([]);
    expect(a.listServices({ binary: 'cinder-volume' })[0]).toMatchObject({ status: 'enabled', frozen: true, backend_state: null });
    expect(a.updateService('thaw', { host: 'controller' })).toBeNull();
    expect(a.listServices({ binary: 'cinder-volume' })[0]).toMatchObject({ status: 'enabled', disabled_reason: '', frozen: false, backend_state: 'up' });
    expect(a.listPools()).toEqual([{ name: POOL }]);
    refused(cloud, () => a.updateService('thaw', { host: VOLUME_HOST }), { status: 400, message: "No service could be changed: frozen in ['controller@lvmdriver-1'] must be True to failover." });
    refused(cloud, () => a.updateService('freeze', { host: 'compute1' }), { status: 400, field: 'host', message: 'Invalid input received: No service found with host=compute1' });
    refused(cloud, () => a.updateService('freeze', {}), { status: 400, message: 'One and only one of cluster and host must be set.' });
    refused(cloud, () => a.updateService('freeze', { host: 'controller', cluster: 'c1' }), { status: 400, message: 'One and only one of cluster and host must be set.' });
    refused(cloud, () => a.updateService('freeze', { cluster: 'c1' }), { status: 400, field: 'cluster', message: 'No service found with cluster=c1' });
    refused(cloud, () => a.updateService('freeze', { host: 'controller', binary: 'cinder-volume' }), { status: 400, field: 'binary' });
    for (const bad of [5, '', cyclic, 'x'.repeat(256), 'a b']) refused(cloud, () => a.updateService('thaw', { host: bad }), { status: 400, field: 'host' });
  });

  it('freeze by bare host needs one backend: two backends on the host are "Services from different clusters found."', () => {
    const { cloud, a } = world(13408, { block: { backends: [{ name: 'b1' }, { name: 'b2' }] } });
    refused(cloud, () => a.updateService('freeze', { host: 'controller' }), { status: 400, code: 'block.service.ambiguous_host', message: 'Services from different clusters found.' });
    a.updateService('freeze', { host: 'controller@b2' });
    expect(a.listPools().map((p) => p.name)).toEqual(['controller@b1#b1']);
    // enable / disable by bare host take the first volume service (service_get's first match)
    a.updateService('disable', { host: 'controller', binary: 'cinder-volume' });
    expect(a.listServices({ binary: 'cinder-volume' }).map((s) => [s.host, s.status])).toEqual([
      ['controller@b1', 'disabled'],
      ['controller@b2', 'disabled'],
    ]);
  });

  it("a failed host's services stay up for service_down_time, then are down: the backend's pools leave the scheduler; recovered, up again", () => {
    const { cloud, demo, a } = world(13409);
    cloud.clock.advance(25);
    expect(a.listServices()[0]?.updated_at).toBe('2022-10-05T00:00:20.000000'); // heartbeats every report_interval (10 s)
    cloud.hardware.failHost('controller');
    cloud.clock.advance(60);
    expect(a.listServices().map((s) => s.state)).toEqual(['up', 'up', 'up']);
    expect(a.listPools()).toEqual([{ name: POOL }]);
    cloud.clock.advance(1);
    const down = a.listServices({ binary: 'cinder-volume' })[0];
    expect(down).toMatchObject({ state: 'down', status: 'enabled', updated_at: '2022-10-05T00:00:25.000000', backend_state: null });
    expect(a.listServices().map((s) => s.state)).toEqual(['down', 'down', 'down']);
    expect(a.listPools()).toEqual([]);
    // a down zone is still listed available (only disabled services count)
    expect(a.listAvailabilityZones()).toEqual([{ zoneName: 'nova', zoneState: { available: true } }]);
    expect(demo.block.getVolume(demo.block.createVolume({ size: 1 }).id).status).toBe('error');
    cloud.hardware.recoverHost('controller');
    expect(a.listServices().map((s) => s.state)).toEqual(['up', 'up', 'up']);
    expect(demo.block.getVolume(demo.block.createVolume({ size: 1 }).id).status).toBe('available');
  });
});

describe('scheduler-stats/get_pools', () => {
  it("lists the active pools by name; detail gives the driver's capabilities, with the volume manager's allocated capacity", () => {
    const { demo, a } = world(13501);
    expect(a.listPools()).toEqual([{ name: POOL }]);
    demo.block.createVolume({ size: 3 });
    demo.block.createVolume({ size: 2 });
    const [pool] = a.listPools({ detail: 'true' });
    expect(pool?.name).toBe(POOL);
    expect(pool?.capabilities).toMatchObject({
      pool_name: 'lvmdriver-1',
      total_capacity_gb: 22.8,
      free_capacity_gb: 22.8,
      allocated_capacity_gb: 5,
      provisioned_capacity_gb: 5,
      reserved_percentage: 0,
      max_over_subscription_ratio: 20,
      thin_provisioning_support: true,
      thick_provisioning_support: false,
      multiattach: true,
      backend_state: 'up',
      volume_backend_name: 'lvmdriver-1',
      vendor_name: 'Open Source',
      driver_version: '3.0.0',
      storage_protocol: 'iSCSI',
      QoS_support: false,
      location_info: 'LVMVolumeDriver:controller:stack-volumes-lvmdriver-1:thin:0',
      total_volumes: 2,
      timestamp: '2022-10-05T00:00:00.000000',
    });
    expect(a.listPools({ detail: false })).toEqual([{ name: POOL }]);
  });

  it('total_volumes counts each LVM pool’s volumes and their snapshots, pools apart', () => {
    const w = world(13503, { block: { backends: [{ name: 'fast' }, { name: 'slow' }] } });
    const { cloud, demo, a } = w;
    const total = (): Record<string, unknown> => Object.fromEntries(a.listPools({ detail: true }).map((p) => [p.name, p.capabilities?.total_volumes]));
    expect(total()).toEqual({ 'controller@fast#fast': 0, 'controller@slow#slow': 0 });
    addType(w, 'on-fast', { volume_backend_name: 'fast' });
    addType(w, 'on-slow', { volume_backend_name: 'slow' });
    const vols = ['on-fast', 'on-slow', 'on-slow'].map((volume_type) => demo.block.createVolume({ size: 1, volume_type }).id);
    demo.block.createSnapshot({ volume_id: vols[0] as string });
    demo.block.createSnapshot({ volume_id: vols[0] as string });
    demo.block.createSnapshot({ volume_id: vols[1] as string });
    const expected: Record<string, number> = { 'controller@fast#fast': 0, 'controller@slow#slow': 0 };
    const hostOf = (id: string): string => (getRow(cloud.state.block.volumes, id) as VolumeRow).host as string;
    for (const id of vols) expected[hostOf(id)] = (expected[hostOf(id)] ?? 0) + 1;
    for (const snap of tableToArray(cloud.state.block.snapshots)) expected[hostOf(snap.volume_id)] = (expected[hostOf(snap.volume_id)] ?? 0) + 1;
    expect(total()).toEqual(expected);
    expect(Object.values(expected).reduce((n, c) => n + c, 0)).toBe(6);
    expect(expected).toEqual({ 'controller@fast#fast': 3, 'controller@slow#slow': 3 });
  });

  it('filters: name exactly, volume_type by what its extra specs fit (3.35); other filters and bad values are 400s', () => {
    const w = world(13502, { block: { backends: [{ name: 'fast', thin: false, size_gb: 40 }, { name: 'slow' }] } });
    const { cloud, a } = w;
    expect(a.listPools().map((p) => p.name)).toEqual(['controller@fast#fast', 'controller@slow#slow']);
    expect(a.listPools({ name: 'controller@slow#slow' })).toEqual([{ name: 'controller@slow#slow' }]);
    expect(a.listPools({ name: 'controller@slow' })).toEqual([]);
    expect(a.listPools({ volume_type: 'fast' })).toEqual([{ name: 'controller@fast#fast' }]);
    const thick = addType(w, 'thick-only', { thick_provisioning_support: '<is> True' });
    expect(a.listPools({ volume_type: thick.id })).toEqual([{ name: 'controller@fast#fast' }]);
    addType(w, 'nowhere', { volume_backend_name: 'none' });
    expect(a.listPools({ volume_type: 'nowhere', detail: true })).toEqual([]);
    refused(cloud, () => a.listPools({ volume_type: 'no-such-type' }), { status: 404, message: 'Volume type with name no-such-type could not be found.' });
    refused(cloud, () => a.listPools({ backend_name: 'fast' }), { status: 400, field: 'backend_name', message: 'Invalid filters backend_name are found in query options.' });
    refused(cloud, () => a.listPools({ volume_backend_name: 'fast', total_capacity_gb: 1 }), { status: 400, message: 'Invalid filters volume_backend_name,total_capacity_gb are found in query options.' });
    refused(cloud, () => a.listPools({ detail: 'sometimes' }), { status: 400, field: 'detail', message: "Value 'sometimes' for 'detail' is not a boolean." });
    for (const bad of [5, null, cyclic, ['x'], 'n'.repeat(256)]) refused(cloud, () => a.listPools({ name: bad }), { status: 400, field: 'name' });
    for (const bad of [5, cyclic, ['x']]) refused(cloud, () => a.listPools({ volume_type: bad }), { status: 400, field: 'volume_type' });
    for (const q of [null, 'detail', 1, JSON.parse('{"__proto__": {"detail": true}}')]) refused(cloud, () => a.listPools(q), { status: 400 });
  });
});
