/**
 * Server actions (src/compute/server_actions.ts) against nova Zed: start, stop, reboot soft /
 * hard, pause / unpause, suspend / resume, lock / unlock, rescue / unrescue, changePassword —
 * their final states and notifications, the intermediate task_states with `progression:
 * 'clock'`, every action in every reachable (vm_state, task_state) pair (allowed ⇔ no 409, as
 * `ACTION_STATES` says), locks, policy (reader 403, another project 404), bad input with
 * nothing changed, and Placement untouched.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/index.js';
import * as SA from '../../src/compute/server_actions.js';
import { REACHABLE_STATES, type ComputeAction } from '../../src/compute/vm_states.js';
import { allocationsOf } from '../../src/scheduler/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { boot, computeWorld, errorOf, eventsDuring, everyActionInEveryState, force, rowOf } from './support.js';

/** Each action's call, as the state walk makes it. */
const CALLS: Partial<Record<ComputeAction, (s: Session, id: string) => unknown>> = {
  start: (s, id) => s.compute.startServer(id),
  stop: (s, id) => s.compute.stopServer(id),
  reboot_soft: (s, id) => s.compute.rebootServer(id, { type: 'SOFT' }),
  reboot_hard: (s, id) => s.compute.rebootServer(id, { type: 'HARD' }),
  pause: (s, id) => s.compute.pauseServer(id),
  unpause: (s, id) => s.compute.unpauseServer(id),
  suspend: (s, id) => s.compute.suspendServer(id),
  resume: (s, id) => s.compute.resumeServer(id),
  rescue: (s, id) => s.compute.rescueServer(id, {}),
  unrescue: (s, id) => s.compute.unrescueServer(id),
  set_admin_password: (s, id) => s.compute.changePassword(id, { adminPass: 'secret-2' }),
  rebuild: (s, id) => s.compute.rebuildServer(id, { imageRef: CIRROS_IMAGE_NAME }),
  snapshot: (s, id) => s.compute.createServerImage(id, { name: 'snap' }),
  backup: (s, id) => s.compute.createServerBackup(id, { name: 'bk', backup_type: 'daily', rotation: 2 }),
  lock: (s, id) => s.compute.lockServer(id, {}),
  unlock: (s, id) => s.compute.unlockServer(id),
};

describe('each action from ACTIVE', () => {
  it('stop: SHUTOFF with power 4, power_off.start then .end, the stop action with compute_stop_instance; the allocation stays', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const alloc = allocationsOf(w.cloud.state, s.id);
    w.cloud.clock.advance(1); // actions of the same instant have no order of their own here (see the report)
    const events = eventsDuring(w.cloud, () => w.demo.compute.stopServer(s.id));
    expect(events).toEqual(['compute.instance.power_off.start', 'compute.instance.power_off.end']);
    const view = w.demo.compute.getServer(s.id);
    expect([view.status, view['OS-EXT-STS:vm_state'], view['OS-EXT-STS:task_state'], view['OS-EXT-STS:power_state']]).toEqual(['SHUTOFF', 'stopped', null, 4]);
    expect(allocationsOf(w.cloud.state, s.id)).toEqual(alloc);
    const [last] = w.demo.compute.listInstanceActions(s.id);
    expect(last?.action).toBe('stop');
    const detail = w.admin.compute.getInstanceAction(s.id, last!.request_id);
    expect(detail.events?.map((e) => [e.event, e.result, e.host])).toEqual([['compute_stop_instance', 'Success', rowOf(w.cloud, s.id).host]]);
  });

  it('start: back to ACTIVE (power 1) with power_on.*', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    w.demo.compute.stopServer(s.id);
    const events = eventsDuring(w.cloud, () => w.demo.compute.startServer(s.id));
    expect(events).toEqual(['compute.instance.power_on.start', 'compute.instance.power_on.end']);
    const r = rowOf(w.cloud, s.id);
    expect([r.vm_state, r.task_state, r.power_state]).toEqual(['active', null, 1]);
  });

  it('reboot soft and hard: ACTIVE again, reboot.start / .end, one reboot action each', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    for (const type of ['SOFT', 'hard'] as const) {
      const events = eventsDuring(w.cloud, () => w.demo.compute.rebootServer(s.id, { type: type as 'HARD' }));
      expect(events).toEqual(['compute.instance.reboot.start', 'compute.instance.reboot.end']);
      expect(w.demo.compute.getServer(s.id).status).toBe('ACTIVE');
    }
    expect(w.demo.compute.listInstanceActions(s.id).filter((a) => a.action === 'reboot')).toHaveLength(2);
  });

  it('hard reboot brings a stopped, paused, suspended or error server back to ACTIVE', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const base = w.cloud.state;
    for (const [vm, power] of [['stopped', 4], ['paused', 3], ['suspended', 7], ['error', 0]] as const) {
      force(w.cloud, base, s.id, { vm_state: vm, power_state: power });
      w.demo.compute.rebootServer(s.id, { type: 'HARD' });
      const r = rowOf(w.cloud, s.id);
      expect([vm, r.vm_state, r.task_state, r.power_state]).toEqual([vm, 'active', null, 1]);
    }
  });

  it('pause / unpause and suspend / resume: PAUSED (3), SUSPENDED (7), back to ACTIVE; resume restores old_vm_state', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    expect(eventsDuring(w.cloud, () => w.demo.compute.pauseServer(s.id))).toEqual(['compute.instance.pause.start', 'compute.instance.pause.end']);
    expect([rowOf(w.cloud, s.id).vm_state, rowOf(w.cloud, s.id).power_state]).toEqual(['paused', 3]);
    expect(w.demo.compute.getServer(s.id).status).toBe('PAUSED');
    expect(eventsDuring(w.cloud, () => w.demo.compute.unpauseServer(s.id))).toEqual(['compute.instance.unpause.start', 'compute.instance.unpause.end']);
    expect(eventsDuring(w.cloud, () => w.demo.compute.suspendServer(s.id))).toEqual(['compute.instance.suspend.start', 'compute.instance.suspend.end']);
    expect([rowOf(w.cloud, s.id).vm_state, rowOf(w.cloud, s.id).power_state, rowOf(w.cloud, s.id).old_vm_state]).toEqual(['suspended', 7, 'active']);
    expect(w.demo.compute.getServer(s.id).status).toBe('SUSPENDED');
    expect(eventsDuring(w.cloud, () => w.demo.compute.resumeServer(s.id))).toEqual(['compute.instance.resume.start', 'compute.instance.resume.end']);
    expect([rowOf(w.cloud, s.id).vm_state, rowOf(w.cloud, s.id).power_state, rowOf(w.cloud, s.id).old_vm_state]).toEqual(['active', 1, null]);
  });

  it('rescue: RESCUE with the given or a generated password, rescue.start / exists / rescue.end; unrescue: ACTIVE', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const launched = rowOf(w.cloud, s.id).launched_at;
    w.cloud.clock.advance(10);
    let answer: SA.RescueView = {};
    const events = eventsDuring(w.cloud, () => (answer = w.demo.compute.rescueServer(s.id, { adminPass: 'rescue-me' })));
    expect(answer).toEqual({ adminPass: 'rescue-me' });
    expect(events).toEqual(['compute.instance.rescue.start', 'compute.instance.exists', 'compute.instance.rescue.end']);
    const r = rowOf(w.cloud, s.id);
    expect([r.vm_state, r.task_state, r.power_state]).toEqual(['rescued', null, 1]);
    expect(r.launched_at).toBe((launched ?? 0) + 10);
    expect(w.demo.compute.getServer(s.id).status).toBe('RESCUE');
    expect(eventsDuring(w.cloud, () => w.demo.compute.unrescueServer(s.id))).toEqual(['compute.instance.unrescue.start', 'compute.instance.unrescue.end']);
    expect(w.demo.compute.getServer(s.id).status).toBe('ACTIVE');
    const generated = w.demo.compute.rescueServer(s.id, null as never);
    expect(generated.adminPass).toMatch(/^[a-zA-Z0-9]{12}$/);
  });

  it('rescue with a rescue_image_ref the caller sees; an unknown one is 400 UnsupportedRescueImage', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const cirros = w.demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const before = w.cloud.state;
    const e = errorOf(() => w.demo.compute.rescueServer(s.id, { rescue_image_ref: '00000000-0000-4000-8000-000000000000' }));
    expect([e.status, e.details.nova, e.message]).toEqual([400, 'UnsupportedRescueImage', "Requested rescue image '00000000-0000-4000-8000-000000000000' is not supported"]);
    expect(w.cloud.state).toBe(before);
    w.demo.compute.rescueServer(s.id, { rescue_image_ref: cirros });
    expect(rowOf(w.cloud, s.id).vm_state).toBe('rescued');
  });

  it('rescue answers no adminPass when enable_instance_password is off', () => {
    const w = computeWorld(1, { nova: { enable_instance_password: false } });
    const s = boot(w.demo, 'vm');
    expect(w.demo.compute.rescueServer(s.id, {})).toEqual({});
  });

  it('a volume-backed server cannot be rescued without a rescue image that names hw_rescue_bus and hw_rescue_device', () => {
    const w = computeWorld();
    const cirros = w.demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const s = boot(w.demo, 'bfv', { imageRef: '', block_device_mapping_v2: [{ uuid: cirros, source_type: 'image', destination_type: 'volume', boot_index: 0, volume_size: 1, delete_on_termination: true }] } as never);
    expect(s.status).toBe('ACTIVE');
    const e = errorOf(() => w.demo.compute.rescueServer(s.id, {}));
    expect([e.status, e.details.nova, e.message]).toEqual([400, 'InstanceNotRescuable', `Instance ${s.id} cannot be rescued: Cannot rescue a volume-backed instance`]);
    const img = w.demo.image.createImage({ name: 'rescue', disk_format: 'qcow2', container_format: 'bare', hw_rescue_bus: 'virtio', hw_rescue_device: 'disk' });
    w.demo.image.uploadImageData(img.id, new Uint8Array(1024));
    w.demo.compute.rescueServer(s.id, { rescue_image_ref: img.id });
    expect(rowOf(w.cloud, s.id).vm_state).toBe('rescued');
  });

  it('changePassword: ACTIVE, updating_password then done, password_set; no notification', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    w.cloud.clock.advance(1);
    const events = eventsDuring(w.cloud, () => w.demo.compute.changePassword(s.id, { adminPass: 'n3w' }));
    expect(events).toEqual([]);
    const r = rowOf(w.cloud, s.id);
    expect([r.vm_state, r.task_state, r.password_set]).toEqual(['active', null, true]);
    const [last] = w.demo.compute.listInstanceActions(s.id);
    expect(last?.action).toBe('changePassword');
    expect(w.admin.compute.getInstanceAction(s.id, last!.request_id).events?.map((e) => e.event)).toEqual(['compute_set_admin_password']);
  });

  it('none of them changes the Placement allocation', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const alloc = allocationsOf(w.cloud.state, s.id);
    const c = w.demo.compute;
    c.pauseServer(s.id);
    c.unpauseServer(s.id);
    c.suspendServer(s.id);
    c.resumeServer(s.id);
    c.rescueServer(s.id, {});
    c.unrescueServer(s.id);
    c.stopServer(s.id);
    expect(allocationsOf(w.cloud.state, s.id)).toEqual(alloc);
    c.startServer(s.id);
    c.rebootServer(s.id, { type: 'HARD' });
    expect(allocationsOf(w.cloud.state, s.id)).toEqual(alloc);
  });
});

describe("progression 'clock': the task_states nova shows meanwhile", () => {
  it('stop shows powering-off until the hypervisor is done', () => {
    const w = computeWorld(1, { progression: 'clock' });
    const s = (() => {
      const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' });
      w.cloud.clock.advance(60);
      return w.demo.compute.getServer((created as { id: string }).id);
    })();
    expect(s.status).toBe('ACTIVE');
    w.demo.compute.stopServer(s.id);
    expect([rowOf(w.cloud, s.id).vm_state, rowOf(w.cloud, s.id).task_state]).toEqual(['active', 'powering-off']);
    expect(w.demo.compute.getServer(s.id).status).toBe('ACTIVE');
    w.cloud.clock.advance(0);
    expect(rowOf(w.cloud, s.id).task_state).toBe('powering-off');
    w.cloud.clock.advance(SA.GUEST_SECONDS);
    expect([rowOf(w.cloud, s.id).vm_state, rowOf(w.cloud, s.id).task_state]).toEqual(['stopped', null]);
  });

  it('a soft reboot passes through rebooting and reboot_started (REBOOT), a hard one through rebooting_hard and reboot_started_hard (HARD_REBOOT)', () => {
    const w = computeWorld(1, { progression: 'clock' });
    const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string };
    w.cloud.clock.advance(60);
    const id = created.id;
    w.demo.compute.rebootServer(id, { type: 'SOFT' });
    expect([rowOf(w.cloud, id).task_state, w.demo.compute.getServer(id).status]).toEqual(['rebooting', 'REBOOT']);
    w.cloud.clock.advance(0);
    expect(rowOf(w.cloud, id).task_state).toBe('reboot_started');
    w.cloud.clock.advance(SA.GUEST_SECONDS);
    expect(w.demo.compute.getServer(id).status).toBe('ACTIVE');
    w.demo.compute.rebootServer(id, { type: 'HARD' });
    expect([rowOf(w.cloud, id).task_state, w.demo.compute.getServer(id).status]).toEqual(['rebooting_hard', 'HARD_REBOOT']);
    w.cloud.clock.advance(0);
    expect(rowOf(w.cloud, id).task_state).toBe('reboot_started_hard');
    w.cloud.clock.advance(SA.GUEST_SECONDS);
    expect(w.demo.compute.getServer(id).status).toBe('ACTIVE');
  });

  it('a hard reboot overtakes a pause: the pause ends as preempted (its event Error), the server ACTIVE', () => {
    const w = computeWorld(1, { progression: 'clock' });
    const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string };
    w.cloud.clock.advance(60);
    const id = created.id;
    w.demo.compute.pauseServer(id);
    w.cloud.clock.advance(0); // the manager took the pause: pause.start sent
    expect(rowOf(w.cloud, id).task_state).toBe('pausing');
    w.demo.compute.rebootServer(id, { type: 'HARD' }); // ALLOW_REBOOT accepts a server that is pausing
    w.cloud.clock.advance(10);
    const r = rowOf(w.cloud, id);
    expect([r.vm_state, r.task_state, r.power_state]).toEqual(['active', null, 1]);
    const pause = w.admin.compute.listInstanceActions(id).find((a) => a.action === 'pause')!;
    const detail = w.admin.compute.getInstanceAction(id, pause.request_id);
    expect(detail.message).toBe('Error');
    expect(detail.events?.[0]?.result).toBe('Error');
    expect(detail.events?.[0]?.details).toMatch(/Expected: \{'task_state': \['pausing'\]\}/);
  });

  it('a server deleted while its action waits is left alone by the task', () => {
    const w = computeWorld(1, { progression: 'clock' });
    const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string };
    w.cloud.clock.advance(60);
    w.demo.compute.suspendServer(created.id);
    w.demo.compute.deleteServer(created.id);
    w.cloud.clock.advance(60);
    const r = rowOf(w.cloud, created.id);
    expect([r.deleted, r.vm_state, r.task_state]).toEqual([true, 'deleted', null]);
  });
});

describe('every action in every reachable state', () => {
  it('is refused with nova\'s 409 exactly where ACTION_STATES refuses it, and leaves only reachable pairs', () => {
    const w = computeWorld();
    const { tried } = everyActionInEveryState(w, REACHABLE_STATES, CALLS, w.demo);
    expect(tried).toBeGreaterThan(500);
  });
});

describe('locks', () => {
  it('lock by the owner (locked_by owner, locked_reason), the owner refused with 409 InstanceIsLocked, an admin allowed', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    w.demo.compute.lockServer(s.id, { locked_reason: 'maintenance' });
    const view = w.demo.compute.getServer(s.id);
    expect([view.locked, view.locked_reason, rowOf(w.cloud, s.id).locked_by]).toEqual([true, 'maintenance', 'owner']);
    const before = w.cloud.state;
    for (const action of ['stop', 'reboot_soft', 'reboot_hard', 'pause', 'suspend', 'rescue', 'set_admin_password', 'rebuild'] as const) {
      const e = errorOf(() => CALLS[action]!(w.demo, s.id));
      expect([action, e.status, e.details.nova, e.message]).toEqual([action, 409, 'InstanceIsLocked', `Instance ${s.id} is locked`]);
    }
    expect(w.cloud.state).toBe(before);
    // snapshot and backup do not check the lock (nova: lock guards against accidental change, not images)
    w.demo.compute.createServerImage(s.id, { name: 'while-locked' });
    w.admin.compute.stopServer(s.id);
    expect(rowOf(w.cloud, s.id).vm_state).toBe('stopped');
    w.admin.compute.startServer(s.id);
  });

  it('a second lock by the owner records nothing; an admin of another project relocks as admin and the owner then needs unlock_override', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    w.demo.compute.lockServer(s.id);
    const n = w.demo.compute.listInstanceActions(s.id).length;
    w.demo.compute.lockServer(s.id, { locked_reason: 'again' });
    expect(w.demo.compute.listInstanceActions(s.id)).toHaveLength(n);
    expect(rowOf(w.cloud, s.id).locked_reason).toBeNull();
    w.admin.compute.lockServer(s.id, { locked_reason: 'ops' });
    expect([rowOf(w.cloud, s.id).locked_by, rowOf(w.cloud, s.id).locked_reason]).toEqual(['admin', 'ops']);
    const before = w.cloud.state;
    const e = errorOf(() => w.demo.compute.unlockServer(s.id));
    expect([e.status, e.message]).toEqual([403, "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed."]);
    expect(w.cloud.state).toBe(before);
    w.admin.compute.unlockServer(s.id);
    const v = w.demo.compute.getServer(s.id);
    expect([v.locked, v.locked_reason, rowOf(w.cloud, s.id).locked_by]).toEqual([false, null, null]);
    const actions = w.demo.compute.listInstanceActions(s.id).map((a) => a.action);
    expect(actions.filter((a) => a === 'lock')).toHaveLength(2);
    expect(actions.filter((a) => a === 'unlock')).toHaveLength(1);
  });

  it('lock and unlock are the API\'s own events (api_lock / api_unlock)', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    w.cloud.clock.advance(1);
    w.demo.compute.lockServer(s.id);
    w.cloud.clock.advance(1);
    w.demo.compute.unlockServer(s.id);
    const [unlock, lock] = w.admin.compute.listInstanceActions(s.id);
    expect(w.admin.compute.getInstanceAction(s.id, lock!.request_id).events?.map((e) => [e.event, e.host])).toEqual([['api_lock', SA.API_HOST]]);
    expect(w.admin.compute.getInstanceAction(s.id, unlock!.request_id).events?.map((e) => [e.event, e.result])).toEqual([['api_unlock', 'Success']]);
  });
});

describe('who may act', () => {
  const writes: [string, (s: Session, id: string) => unknown][] = [
    ['startServer', (s, id) => s.compute.startServer(id)],
    ['stopServer', (s, id) => s.compute.stopServer(id)],
    ['rebootServer', (s, id) => s.compute.rebootServer(id, { type: 'SOFT' })],
    ['pauseServer', (s, id) => s.compute.pauseServer(id)],
    ['unpauseServer', (s, id) => s.compute.unpauseServer(id)],
    ['suspendServer', (s, id) => s.compute.suspendServer(id)],
    ['resumeServer', (s, id) => s.compute.resumeServer(id)],
    ['lockServer', (s, id) => s.compute.lockServer(id)],
    ['unlockServer', (s, id) => s.compute.unlockServer(id)],
    ['rescueServer', (s, id) => s.compute.rescueServer(id)],
    ['unrescueServer', (s, id) => s.compute.unrescueServer(id)],
    ['changePassword', (s, id) => s.compute.changePassword(id, { adminPass: 'x' })],
  ];

  it('another project gets 404 InstanceNotFound for every action; the reader 403 (project_member_or_admin)', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const before = w.cloud.state;
    for (const [name, call] of writes) {
      const alt = errorOf(() => call(w.alt, s.id));
      expect([name, alt.status, alt.message]).toEqual([name, 404, `Instance ${s.id} could not be found.`]);
      const reader = errorOf(() => call(w.reader, s.id));
      expect([name, reader.status, reader.details.nova]).toEqual([name, 403, 'PolicyNotAuthorized']);
      expect(w.cloud.state).toBe(before);
    }
  });

  it('an admin acts on any project\'s server', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    w.cloud.clock.advance(1);
    w.admin.compute.pauseServer(s.id);
    expect(rowOf(w.cloud, s.id).vm_state).toBe('paused');
    const [last] = w.admin.compute.listInstanceActions(s.id);
    expect(last?.project_id).not.toBe(rowOf(w.cloud, s.id).project_id);
  });
});

describe('bad input: a 400 naming the field, nothing changed', () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const proto = JSON.parse('{"__proto__": {"type": "HARD"}}') as unknown;
  const hostile: unknown[] = [5, NaN, 'x'.repeat(100_000), true, [], [1], proto, circular, { type: NaN }, { type: 'x'.repeat(100_000) }, { type: circular }, { type: 'SOFT', extra: 1 }];

  it('reboot', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const before = w.cloud.state;
    for (const body of [...hostile, {}, null, undefined, { type: 'reboot' }, { type: 'SOFT ' }]) {
      const e = errorOf(() => w.demo.compute.rebootServer(s.id, body as never));
      expect(e.status).toBe(400);
      expect(typeof e.details.field).toBe('string');
    }
    expect(w.cloud.state).toBe(before);
  });

  it('lock, rescue, changePassword', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const before = w.cloud.state;
    const cases: [string, () => unknown][] = [];
    for (const h of hostile) {
      cases.push(['lock', () => w.demo.compute.lockServer(s.id, h as never)]);
      cases.push(['lock reason', () => w.demo.compute.lockServer(s.id, { locked_reason: h } as never)]);
      cases.push(['rescue', () => w.demo.compute.rescueServer(s.id, h as never)]);
      cases.push(['rescue adminPass', () => w.demo.compute.rescueServer(s.id, { adminPass: h } as never)]);
      cases.push(['changePassword', () => w.demo.compute.changePassword(s.id, h as never)]);
      cases.push(['changePassword adminPass', () => w.demo.compute.changePassword(s.id, { adminPass: h } as never)]);
    }
    cases.push(['lock reason empty', () => w.demo.compute.lockServer(s.id, { locked_reason: '' })]);
    cases.push(['lock reason long', () => w.demo.compute.lockServer(s.id, { locked_reason: 'r'.repeat(256) })]);
    cases.push(['changePassword none', () => w.demo.compute.changePassword(s.id, {} as never)]);
    cases.push(['rescue image ref empty', () => w.demo.compute.rescueServer(s.id, { rescue_image_ref: '' })]);
    for (const [name, call] of cases) {
      const e = errorOf(call);
      if (typeof (e.details as Record<string, unknown>).field !== 'string') throw new Error(`${name}: ${e.message}`);
      expect([name, e.status]).toEqual([name, 400]);
    }
    expect(w.cloud.state).toBe(before);
  });

  it('a server reference of the wrong shape is a 4xx, never a TypeError', () => {
    const w = computeWorld();
    boot(w.demo, 'vm');
    const before = w.cloud.state;
    for (const ref of [5, null, {}, [], NaN, 'x'.repeat(100_000), circular, proto]) {
      const e = errorOf(() => w.demo.compute.stopServer(ref as never));
      expect(e.status >= 400 && e.status < 500).toBe(true);
    }
    expect(w.cloud.state).toBe(before);
  });
});

describe('views are plain and frozen', () => {
  it('rescue answers a frozen object', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const a = w.demo.compute.rescueServer(s.id, {});
    expect(Object.isFrozen(a)).toBe(true);
  });
});
