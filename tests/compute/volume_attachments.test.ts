/**
 * `/servers/{id}/os-volume_attachments` at 2.93 (nova/api/openstack/compute/volumes.py
 * VolumeAttachmentController; nova/compute/api.py attach_volume / detach_volume;
 * nova/compute/manager.py attach_volume / detach_volume): list, show, attach, update, detach,
 * with Cinder's statuses and attachments, refusals for other projects, the reader, wrong states
 * and bad input, and a property over random attach / detach sequences.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, type Session } from '../../src/index.js';
import { actionsOf } from '../../src/compute/actions.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { boot, computeWorld, refused } from './support.js';

function volume(session: Session, name = 'v', extra: Record<string, unknown> = {}): string {
  return session.block.createVolume({ size: 1, name, ...extra } as never).id;
}

const MISSING = '4a3c3f5e-0c8e-4a8e-9a38-0d1f2b3c4d5e';

describe('attach', () => {
  it('reserves in Cinder, maps the next device, then nova-compute connects: in-use, listed, action and notification', () => {
    const { cloud, demo } = computeWorld(1);
    const vm = boot(demo, 'vm');
    const v1 = volume(demo, 'v1');
    const v2 = volume(demo, 'v2');
    const seen: { type: string; payload: Record<string, unknown>; publisher: string }[] = [];
    cloud.events.on('*', (e) => {
      if (e.event_type.startsWith('compute.instance.volume')) seen.push({ type: e.event_type, payload: e.payload as Record<string, unknown>, publisher: e.publisher_id });
    });
    const a1 = demo.compute.attachVolume(vm.id, { volumeId: v1, device: '/dev/vdq', tag: 'data', delete_on_termination: true });
    // the libvirt driver ignores the requested device name
    expect(a1).toEqual({ id: v1, serverId: vm.id, volumeId: v1, device: '/dev/vdb', tag: 'data', delete_on_termination: true });
    const a2 = demo.compute.attachVolume(vm.id, { volumeId: v2 });
    expect(a2).toEqual({ id: v2, serverId: vm.id, volumeId: v2, device: '/dev/vdc', tag: null, delete_on_termination: false });
    for (const v of [v1, v2]) {
      const view = demo.block.getVolume(v);
      expect(view.status).toBe('in-use');
      expect(view.attachments.map((a) => a.server_id)).toEqual([vm.id]);
    }
    expect(demo.block.getVolume(v1).attachments[0]!.device).toBe('/dev/vdb');
    const server = demo.compute.getServer(vm.id);
    expect(server['os-extended-volumes:volumes_attached']).toEqual([
      { id: v1, delete_on_termination: true },
      { id: v2, delete_on_termination: false },
    ]);
    const list = demo.compute.listVolumeAttachments(vm.id);
    expect(list).toHaveLength(2);
    expect(list[0]).toEqual({ volumeId: v1, serverId: vm.id, device: '/dev/vdb', tag: 'data', delete_on_termination: true, attachment_id: demo.block.getVolume(v1).attachments[0]!.attachment_id, bdm_uuid: expect.any(String) });
    expect('id' in list[0]!).toBe(false);
    expect(demo.compute.getVolumeAttachment(vm.id, v2)).toEqual(list[1]);
    const action = actionsOf(cloud.state, vm.id).find((a) => a.action === 'attach_volume')!;
    expect(action.user_id).toBe(server.user_id);
    expect(action.events.map((e) => [e.event, e.result])).toEqual([['compute_attach_volume', 'Success']]);
    expect(seen.map((e) => e.type)).toEqual(['compute.instance.volume.attach', 'compute.instance.volume.attach']);
    expect(seen[0]!.payload.volume_id).toBe(v1);
    expect(seen[0]!.payload.instance_id).toBe(vm.id);
    expect(seen[0]!.publisher).toMatch(/^compute\./);
  });

  it("is 'reserved' until nova-compute's task runs (clock progression)", () => {
    const { cloud, demo } = computeWorld(2, { progression: 'clock' });
    const created = demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' });
    const id = (created as { id: string }).id;
    cloud.run();
    const v = volume(demo);
    cloud.run();
    demo.compute.attachVolume(id, { volumeId: v });
    expect(demo.block.getVolume(v).status).toBe('reserved');
    expect(demo.compute.listVolumeAttachments(id).map((a) => a.device)).toEqual(['/dev/vdb']);
    // a detach before the connection is made: Cinder's begin_detaching refuses a reserved volume
    refused(cloud, () => demo.compute.detachVolume(id, v), 400, { message: /^Invalid volume: Invalid input received: Invalid volume: Unable to detach volume\. Volume status must be 'in-use' and attach_status must be 'attached' to detach\./ });
    cloud.run();
    expect(demo.block.getVolume(v).status).toBe('in-use');
  });

  it("refuses a volume the user cannot see (404 VolumeNotFound), another project's included", () => {
    const { cloud, demo, alt } = computeWorld(3);
    const vm = boot(demo, 'vm');
    refused(cloud, () => demo.compute.attachVolume(vm.id, { volumeId: MISSING }), 404, { message: `Volume ${MISSING} could not be found.`, code: 'compute.volume.not_found' });
    const theirs = volume(alt, 'theirs');
    refused(cloud, () => demo.compute.attachVolume(vm.id, { volumeId: theirs }), 404, { message: `Volume ${theirs} could not be found.` });
  });

  it('refuses a volume already attached, to this server or another (400 InvalidVolume)', () => {
    const { cloud, demo } = computeWorld(4);
    const vm = boot(demo, 'vm');
    const other = boot(demo, 'other');
    const v = volume(demo);
    demo.compute.attachVolume(vm.id, { volumeId: v });
    const msg = `Invalid volume: volume ${v} is already attached to instances: ${vm.id}`;
    refused(cloud, () => demo.compute.attachVolume(vm.id, { volumeId: v }), 400, { message: msg });
    refused(cloud, () => demo.compute.attachVolume(other.id, { volumeId: v }), 400, { message: msg });
  });

  it("answers Cinder's refusal of attachment_create as nova's InvalidInput (an errored volume)", () => {
    const { cloud, admin, demo } = computeWorld(5);
    const vm = boot(demo, 'vm');
    const v = volume(demo);
    admin.block.resetVolumeStatus(v, { status: 'error' });
    refused(cloud, () => demo.compute.attachVolume(vm.id, { volumeId: v }), 400, { message: /^Invalid input received: Invalid volume: Volume attachments can not be created if the volume is in an error state\./ });
  });

  it('attaches a multiattach volume to two servers, but not twice to one', () => {
    const { cloud, admin, demo } = computeWorld(6);
    admin.block.createVolumeType({ name: 'multiattach', extra_specs: { multiattach: '<is> True' } });
    const vm = boot(demo, 'vm');
    const other = boot(demo, 'other');
    const v = volume(demo, 'shared', { volume_type: 'multiattach' });
    expect(demo.block.getVolume(v).multiattach).toBe(true);
    demo.compute.attachVolume(vm.id, { volumeId: v });
    demo.compute.attachVolume(other.id, { volumeId: v });
    expect(demo.block.getVolume(v).attachments.map((a) => a.server_id).sort()).toEqual([vm.id, other.id].sort());
    refused(cloud, () => demo.compute.attachVolume(vm.id, { volumeId: v }), 400, { message: `Invalid volume: volume ${v} already attached` });
    demo.compute.detachVolume(vm.id, v);
    const after = demo.block.getVolume(v);
    expect(after.status).toBe('in-use');
    expect(after.attachments.map((a) => a.server_id)).toEqual([other.id]);
  });

  it('takes the next free device after a detach frees one', () => {
    const { demo } = computeWorld(7);
    const vm = boot(demo, 'vm');
    const [a, b, c] = [volume(demo, 'a'), volume(demo, 'b'), volume(demo, 'c')];
    expect(demo.compute.attachVolume(vm.id, { volumeId: a }).device).toBe('/dev/vdb');
    expect(demo.compute.attachVolume(vm.id, { volumeId: b }).device).toBe('/dev/vdc');
    demo.compute.detachVolume(vm.id, a);
    expect(demo.compute.attachVolume(vm.id, { volumeId: c }).device).toBe('/dev/vdb');
    expect(demo.compute.listVolumeAttachments(vm.id).map((x) => [x.volumeId, x.device])).toEqual([[b, '/dev/vdc'], [c, '/dev/vdb']]);
  });
});

describe('list and show', () => {
  it("answers 404 for a volume the server does not have, and for another project's server", () => {
    const { cloud, demo, alt } = computeWorld(8);
    const vm = boot(demo, 'vm');
    refused(cloud, () => demo.compute.getVolumeAttachment(vm.id, MISSING), 404, { message: `Instance ${vm.id} is not attached to volume ${MISSING}` });
    refused(cloud, () => alt.compute.listVolumeAttachments(vm.id), 404, { message: `Instance ${vm.id} could not be found.` });
    refused(cloud, () => alt.compute.getVolumeAttachment(vm.id, MISSING), 404, { message: `Instance ${vm.id} could not be found.` });
  });

  it('lets the reader list and show, and an admin too', () => {
    const { admin, demo, reader } = computeWorld(9);
    const vm = boot(demo, 'vm');
    const v = volume(demo);
    demo.compute.attachVolume(vm.id, { volumeId: v });
    expect(reader.compute.listVolumeAttachments(vm.id).map((a) => a.volumeId)).toEqual([v]);
    expect(reader.compute.getVolumeAttachment(vm.id, v).volumeId).toBe(v);
    expect(admin.compute.listVolumeAttachments(vm.id).map((a) => a.volumeId)).toEqual([v]);
  });
});

describe('update (2.85)', () => {
  it('changes delete_on_termination only; the other properties must stay what they are', () => {
    const { cloud, demo } = computeWorld(10);
    const vm = boot(demo, 'vm');
    const v = volume(demo);
    demo.compute.attachVolume(vm.id, { volumeId: v, tag: 'keep' });
    demo.compute.updateVolumeAttachment(vm.id, v, { volumeId: v, delete_on_termination: true });
    expect(demo.compute.getVolumeAttachment(vm.id, v).delete_on_termination).toBe(true);
    expect(demo.compute.getServer(vm.id)['os-extended-volumes:volumes_attached']).toEqual([{ id: v, delete_on_termination: true }]);
    demo.compute.updateVolumeAttachment(vm.id, v, { volumeId: v, delete_on_termination: 'false', device: '/dev/vdb', tag: 'keep', serverId: vm.id, id: v } as never);
    expect(demo.compute.getVolumeAttachment(vm.id, v).delete_on_termination).toBe(false);
    for (const [field, value] of [['device', '/dev/vdc'], ['tag', 'other'], ['serverId', MISSING], ['id', MISSING]] as const) {
      refused(cloud, () => demo.compute.updateVolumeAttachment(vm.id, v, { volumeId: v, delete_on_termination: true, [field]: value } as never), 400, { message: `The ${field} property is not mutable`, field });
    }
    refused(cloud, () => demo.compute.updateVolumeAttachment(vm.id, MISSING, { volumeId: MISSING }), 404, { message: `No volume Block Device Mapping with id ${MISSING}.` });
  });

  it('checks the swap policy (admin only) for another volumeId; an admin swap is not simulated', () => {
    const { cloud, admin, demo, reader, alt } = computeWorld(11);
    const vm = boot(demo, 'vm');
    const v = volume(demo);
    const w = volume(demo, 'w');
    demo.compute.attachVolume(vm.id, { volumeId: v });
    refused(cloud, () => demo.compute.updateVolumeAttachment(vm.id, v, { volumeId: w }), 403, { message: "Policy doesn't allow os_compute_api:os-volumes-attachments:swap to be performed." });
    refused(cloud, () => reader.compute.updateVolumeAttachment(vm.id, v, { volumeId: v, delete_on_termination: true }), 403, { message: "Policy doesn't allow os_compute_api:os-volumes-attachments:update to be performed." });
    refused(cloud, () => alt.compute.updateVolumeAttachment(vm.id, v, { volumeId: v, delete_on_termination: true }), 404);
    refused(cloud, () => admin.compute.updateVolumeAttachment(vm.id, v, { volumeId: MISSING }), 400, { message: `Volume ${MISSING} could not be found.`, field: 'volumeId' });
    refused(cloud, () => admin.compute.updateVolumeAttachment(vm.id, v, { volumeId: w }), 400, { code: 'compute.volume.swap_not_simulated' });
  });
});

describe('detach', () => {
  it("deletes Cinder's attachment on nova-compute: available, unlisted, action, notification", () => {
    const { cloud, demo } = computeWorld(12);
    const vm = boot(demo, 'vm');
    const v = volume(demo);
    demo.compute.attachVolume(vm.id, { volumeId: v });
    const seen: string[] = [];
    cloud.events.on('*', (e) => {
      if (e.event_type.startsWith('compute.instance.volume') && (e.payload as { volume_id?: string }).volume_id === v) seen.push(e.event_type);
    });
    demo.compute.detachVolume(vm.id, v);
    const view = demo.block.getVolume(v);
    expect(view.status).toBe('available');
    expect(view.attachments).toEqual([]);
    expect(demo.compute.listVolumeAttachments(vm.id)).toEqual([]);
    expect(demo.compute.getServer(vm.id)['os-extended-volumes:volumes_attached']).toEqual([]);
    const action = actionsOf(cloud.state, vm.id).find((a) => a.action === 'detach_volume')!;
    expect(action.events.map((e) => [e.event, e.result])).toEqual([['compute_detach_volume', 'Success']]);
    expect(seen).toEqual(['compute.instance.volume.detach']);
  });

  it("is 'detaching' until nova-compute's task runs (clock progression)", () => {
    const { cloud, demo } = computeWorld(13, { progression: 'clock' });
    const id = (demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string }).id;
    const v = volume(demo);
    cloud.run();
    demo.compute.attachVolume(id, { volumeId: v });
    cloud.run();
    demo.compute.detachVolume(id, v);
    expect(demo.block.getVolume(v).status).toBe('detaching');
    cloud.run();
    expect(demo.block.getVolume(v).status).toBe('available');
  });

  it('refuses an unknown volume, a volume not attached, and the root volume of a boot from volume', () => {
    const { cloud, demo } = computeWorld(14);
    const vm = boot(demo, 'vm');
    const v = volume(demo);
    refused(cloud, () => demo.compute.detachVolume(vm.id, MISSING), 404, { message: `Volume ${MISSING} could not be found.` });
    refused(cloud, () => demo.compute.detachVolume(vm.id, v), 404, { message: `Instance ${vm.id} is not attached to volume ${v}` });
    const root = volume(demo, 'root', { imageRef: CIRROS_IMAGE_NAME });
    const bfv = boot(demo, 'bfv', { imageRef: undefined, block_device_mapping_v2: [{ source_type: 'volume', uuid: root, destination_type: 'volume', boot_index: 0 }] } as never);
    expect(bfv.status).toBe('ACTIVE');
    refused(cloud, () => demo.compute.detachVolume(bfv.id, root), 400, { message: 'Cannot detach a root device volume' });
  });

  it("refuses while the server's nova-compute is down (409 ServiceUnavailable)", () => {
    const { cloud, admin, demo } = computeWorld(15);
    const vm = boot(demo, 'vm');
    const v = volume(demo);
    demo.compute.attachVolume(vm.id, { volumeId: v });
    const host = admin.compute.getServer(vm.id)['OS-EXT-SRV-ATTR:host'] as string;
    const service = admin.compute.listComputeServices({ binary: 'nova-compute', host })[0]!.id;
    admin.compute.updateComputeService(service, { forced_down: true });
    refused(cloud, () => demo.compute.detachVolume(vm.id, v), 409, { message: 'Service is unavailable at this time.' });
    admin.compute.updateComputeService(service, { forced_down: false });
    cloud.hardware.failHost(host);
    // down once its last heartbeat is older than service_down_time (60 s)
    cloud.clock.advance(120);
    refused(cloud, () => demo.compute.detachVolume(vm.id, v), 409, { message: 'Service is unavailable at this time.' });
  });
});

describe('refusals', () => {
  it("answers 404 to another project for every operation, 403 to the reader for the writes", () => {
    const { cloud, demo, alt, reader } = computeWorld(16);
    const vm = boot(demo, 'vm');
    const v = volume(demo);
    const w = volume(demo, 'w');
    demo.compute.attachVolume(vm.id, { volumeId: v });
    const gone = `Instance ${vm.id} could not be found.`;
    refused(cloud, () => alt.compute.attachVolume(vm.id, { volumeId: w }), 404, { message: gone });
    refused(cloud, () => alt.compute.detachVolume(vm.id, v), 404, { message: gone });
    refused(cloud, () => alt.compute.listVolumeAttachments(vm.id), 404, { message: gone });
    const forbidden = (rule: string): string => `Policy doesn't allow os_compute_api:os-volumes-attachments:${rule} to be performed.`;
    refused(cloud, () => reader.compute.attachVolume(vm.id, { volumeId: w }), 403, { message: forbidden('create') });
    refused(cloud, () => reader.compute.detachVolume(vm.id, v), 403, { message: forbidden('delete') });
    refused(cloud, () => reader.compute.updateVolumeAttachment(vm.id, v, { volumeId: v, delete_on_termination: true }), 403, { message: forbidden('update') });
  });

  it('refuses the wrong states with 409 (ERROR, building, deleting, locked for a non-admin)', () => {
    const { cloud, admin, demo } = computeWorld(17, { progression: 'clock' });
    const v = volume(demo);
    cloud.run();
    const id = (demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string }).id;
    refused(cloud, () => demo.compute.attachVolume(id, { volumeId: v }), 409, { message: `Cannot 'attach_volume' instance ${id} while it is in vm_state building` });
    cloud.run();
    demo.compute.attachVolume(id, { volumeId: v });
    cloud.run();
    demo.compute.lockServer(id, { locked_reason: 'hands off' });
    cloud.run();
    const w = volume(demo, 'w');
    cloud.run();
    refused(cloud, () => demo.compute.attachVolume(id, { volumeId: w }), 409, { message: `Instance ${id} is locked` });
    refused(cloud, () => demo.compute.detachVolume(id, v), 409, { message: `Instance ${id} is locked` });
    // an admin passes the lock
    admin.compute.attachVolume(id, { volumeId: w });
    cloud.run();
    admin.compute.unlockServer(id);
    demo.compute.deleteServer(id);
    refused(cloud, () => demo.compute.detachVolume(id, v), 409, { message: `Cannot 'detach_volume' instance ${id} while it is in task_state deleting` });
    // a server that failed to build (its root volume could not be created)
    admin.block.createVolumeType({ name: 'nowhere', extra_specs: { volume_backend_name: 'nowhere' } });
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const errored = (demo.compute.createServer({ name: 'broken', flavorRef: 'm1.tiny', networks: 'auto', block_device_mapping_v2: [{ source_type: 'image', uuid: image, destination_type: 'volume', volume_size: 1, boot_index: 0, volume_type: 'nowhere', delete_on_termination: true }] }) as { id: string }).id;
    cloud.run();
    expect(demo.compute.getServer(errored).status).toBe('ERROR');
    const x = volume(demo, 'x');
    cloud.run();
    refused(cloud, () => demo.compute.attachVolume(errored, { volumeId: x }), 409, { message: `Cannot 'attach_volume' instance ${errored} while it is in vm_state error` });
  });

  it('refuses bad input of every shape with a 400 naming the field, changing nothing', () => {
    const { cloud, demo } = computeWorld(18);
    const vm = boot(demo, 'vm');
    const v = volume(demo);
    const circular: Record<string, unknown> = { volumeId: v };
    circular.self = circular;
    const proto = JSON.parse(`{"volumeId": "${v}", "__proto__": {"x": 1}}`) as unknown;
    const bodies: [unknown, string][] = [
      [null, 'volumeAttachment'],
      ['x', 'volumeAttachment'],
      [[v], 'volumeAttachment'],
      [42, 'volumeAttachment'],
      [{}, 'volumeId'],
      [{ volumeId: 7 }, 'volumeId'],
      [{ volumeId: Number.NaN }, 'volumeId'],
      [{ volumeId: { id: v } }, 'volumeId'],
      [{ volumeId: 'not-a-uuid' }, 'volumeId'],
      [{ volumeId: 'f'.repeat(100_000) }, 'volumeId'],
      [{ volumeId: v, device: 'vdb' }, 'device'],
      [{ volumeId: v, device: 5 }, 'device'],
      [{ volumeId: v, device: `/dev/${'a'.repeat(1000)}` }, 'device'],
      [{ volumeId: v, tag: '' }, 'tag'],
      [{ volumeId: v, tag: 'a/b' }, 'tag'],
      [{ volumeId: v, tag: 'x'.repeat(61) }, 'tag'],
      [{ volumeId: v, tag: ['x'] }, 'tag'],
      [{ volumeId: v, delete_on_termination: 'maybe' }, 'delete_on_termination'],
      [{ volumeId: v, delete_on_termination: Number.NaN }, 'delete_on_termination'],
      [{ volumeId: v, delete_on_termination: 1 }, 'delete_on_termination'],
      [{ volumeId: v, extra: 1 }, 'volumeAttachment.extra'],
      [circular, 'volumeAttachment.self'],
      [proto, 'volumeAttachment.__proto__'],
    ];
    for (const [body, field] of bodies) refused(cloud, () => demo.compute.attachVolume(vm.id, body as never), 400, { field });
    for (const ref of [42, null, { id: 7 }, 'x'.repeat(100_000)]) {
      const e = refused(cloud, () => demo.compute.attachVolume(ref as never, { volumeId: v }), 400);
      expect(e.details.field).toMatch(/server/);
    }
    for (const id of [42, null, { id: v }, '', 'x'.repeat(1000)]) {
      refused(cloud, () => demo.compute.detachVolume(vm.id, id as never), 400, { field: 'volume_id' });
      refused(cloud, () => demo.compute.getVolumeAttachment(vm.id, id as never), 400, { field: 'volume_id' });
      refused(cloud, () => demo.compute.updateVolumeAttachment(vm.id, id as never, { volumeId: v }), 400, { field: 'volume_id' });
    }
    demo.compute.attachVolume(vm.id, { volumeId: v });
    for (const [body, field] of [[null, 'volumeAttachment'], [{}, 'volumeId'], [{ volumeId: v, delete_on_termination: 'sometimes' }, 'delete_on_termination'], [{ volumeId: v, serverId: 'nope' }, 'serverId'], [{ volumeId: v, bogus: true }, 'volumeAttachment.bogus'], [proto, 'volumeAttachment.__proto__']] as [unknown, string][]) {
      refused(cloud, () => demo.compute.updateVolumeAttachment(vm.id, v, body as never), 400, { field });
    }
  });
});

describe('property', () => {
  it('after random attach / detach sequences every attached volume is in-use, attached to a server that lists it, and every available volume has nothing (seed 1414)', () => {
    const op = fc.record({ kind: fc.constantFrom('attach', 'detach', 'attach', 'dot'), server: fc.nat(2), volume: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
        const { cloud, admin, demo } = computeWorld(14);
        const servers = [boot(demo, 's0').id, boot(demo, 's1').id, boot(demo, 's2').id];
        admin.block.createVolumeType({ name: 'multiattach', extra_specs: { multiattach: '<is> True' } });
        const volumes = [volume(demo, 'v0'), volume(demo, 'v1'), volume(demo, 'v2'), volume(demo, 'm', { volume_type: 'multiattach' })];
        for (const o of ops) {
          const server = servers[o.server]!;
          const vol = volumes[o.volume]!;
          const before = cloud.state;
          try {
            if (o.kind === 'attach') demo.compute.attachVolume(server, { volumeId: vol });
            else if (o.kind === 'detach') demo.compute.detachVolume(server, vol);
            else demo.compute.updateVolumeAttachment(server, vol, { volumeId: vol, delete_on_termination: true });
          } catch (e) {
            if (!(e instanceof CloudError) || e.status >= 500) throw e;
            expect(cloud.state).toBe(before);
          }
          for (const v of volumes) {
            const view = admin.block.getVolume(v);
            const holders = view.attachments.map((a) => a.server_id);
            const listing = servers.filter((s) => admin.compute.getServer(s)['os-extended-volumes:volumes_attached'].some((x) => x.id === v));
            if (view.status === 'in-use') {
              expect(holders.length).toBeGreaterThan(0);
              expect([...holders].sort()).toEqual([...listing].sort());
            } else {
              expect(view.status).toBe('available');
              expect(holders).toEqual([]);
              expect(listing).toEqual([]);
            }
          }
        }
      }),
      { seed: 1414, numRuns: 12 },
    );
  });
});
