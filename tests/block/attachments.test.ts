/**
 * The v3 attachments API (`cinder/api/v3/attachments.py`, `cinder/volume/api.py`,
 * `cinder/volume/manager.py`, Zed): Nova's flow create → update → complete → delete, every action
 * in the volume statuses it meets, multiattach, microversions, isolation and policy, the
 * connection each driver returns, list filters, and bad input (a 4xx naming the field, the state
 * the same object).
 */
import { describe, expect, it } from 'vitest';
import { deleteRow, getRow, setRow, tablePrefix, type Tx } from '../../src/core/index.js';
import type { Cloud, Notification, Session } from '../../src/index.js';
import * as A from '../../src/block/attachments.js';
import * as AI from '../../src/block/attachment_input.js';
import * as AV from '../../src/block/attachment_views.js';
import { volumeMoveAllowed } from '../../src/block/statuses.js';
import { VOLUME_STATUSES, type AttachmentRow, type VolumeRow, type VolumeStatus } from '../../src/block/types.js';
import { createVolumeType } from '../../src/block/volume_types.js';
import { blockRead, blockWorld, blockWrite, type BlockWorld } from './support.js';
import { caught, refused } from '../support/refusal.js';

const SERVER = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SERVER2 = '1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e';
const CONNECTOR = { initiator: 'iqn.1993-08.org.debian:01:cad181614cec', ip: '192.168.1.20', platform: 'x86_64', host: 'compute-1', os_type: 'linux', multipath: false, mountpoint: '/dev/vdb' };

type Opts = AI.AttachmentCallOptions | undefined;

/** The attachment calls of one session, run as `session.block`'s writes and reads run. */
function api(s: Session) {
  return {
    create: (body: unknown, o?: Opts) => blockWrite(s, 'create_attachment', (tx, ctx) => A.createAttachment(tx, ctx, body, o)),
    update: (ref: unknown, body: unknown, o?: Opts) => blockWrite(s, 'update_attachment', (tx, ctx) => A.updateAttachment(tx, ctx, ref, body, o)),
    complete: (ref: unknown, o?: Opts) => blockWrite(s, 'complete_attachment', (tx, ctx) => A.completeAttachment(tx, ctx, ref, o)),
    remove: (ref: unknown, o?: Opts) => blockWrite(s, 'delete_attachment', (tx, ctx) => A.deleteAttachment(tx, ctx, ref, o)),
    show: (ref: unknown, o?: Opts) => A.showAttachment(blockRead(s), ref, o),
    list: (q: unknown = {}, o?: Opts) => {
      const ctx = blockRead(s);
      return AV.listAttachmentRows(ctx, q, o).map((r) => AV.attachmentView(ctx.s, r));
    },
    summaries: (q: unknown = {}, o?: Opts) => AV.listAttachmentRows(blockRead(s), q, o).map(AV.attachmentSummary),
  };
}

const volumeRow = (cloud: Cloud, id: string): VolumeRow => getRow(cloud.state.block.volumes, id) as VolumeRow;
const attachmentRow = (cloud: Cloud, id: string): AttachmentRow | undefined => getRow(cloud.state.block.attachments, id);
const attachmentIds = (cloud: Cloud, volumeId: string): string[] => tablePrefix(cloud.state.block.volume_attachments, `${volumeId}/`).map(([, id]) => id);

/** An admin's raw edit of a volume row (a test fixture: a status the flow under test starts from). */
function setVolume(w: BlockWorld, id: string, fields: Partial<VolumeRow>): void {
  blockWrite(w.admin, 'test_fixture', (tx: Tx) => {
    setRow(tx.draft.block.volumes, id, { ...(getRow(tx.draft.block.volumes, id) as VolumeRow), ...fields });
  });
}

/** Drops a volume's attachments and makes it `available` again (a fixture between matrix cases). */
function resetVolume(w: BlockWorld, id: string): void {
  blockWrite(w.admin, 'test_fixture', (tx: Tx) => {
    for (const [key, aid] of tablePrefix(tx.draft.block.volume_attachments, `${id}/`)) {
      deleteRow(tx.draft.block.volume_attachments, key);
      deleteRow(tx.draft.block.attachments, aid);
    }
    setRow(tx.draft.block.volumes, id, { ...(getRow(tx.draft.block.volumes, id) as VolumeRow), status: 'available', attach_status: 'detached' });
  });
}

/** The `multiattach` volume type (`multiattach: '<is> True'`), created by the admin. */
function multiattachType(w: BlockWorld): void {
  blockWrite(w.admin, 'create_volume_type', (tx, ctx) => createVolumeType(tx, ctx, { name: 'multiattach', extra_specs: { multiattach: '<is> True' } }));
}

function record(cloud: Cloud): Notification[] {
  const seen: Notification[] = [];
  cloud.events.on('*' as never, (n: Notification) => {
    if (n.event_type.startsWith('volume.attach') || n.event_type.startsWith('volume.detach')) seen.push(n);
  });
  return seen;
}

function world(seed: number, options: Record<string, unknown> = {}): BlockWorld & { vol: string; a: ReturnType<typeof api> } {
  const w = blockWorld(seed, options);
  const vol = w.demo.block.createVolume({ size: 1, name: 'data' }).id;
  expect(w.demo.block.getVolume(vol).status).toBe('available');
  return { ...w, vol, a: api(w.demo) };
}

describe("Nova's flow: create (reserve) → update (connect) → complete → delete", () => {
  it('moves the attachment reserved → attaching → attached → gone and the volume available → reserved → attaching → in-use → available, with the notifications', () => {
    const w = world(7101);
    const events = record(w.cloud);
    const created = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
    expect(created).toEqual({ id: created.id, status: 'reserved', instance: SERVER, volume_id: w.vol, attached_at: '', detached_at: '', attach_mode: 'null', connection_info: {} });
    expect(volumeRow(w.cloud, w.vol)).toMatchObject({ status: 'reserved', attach_status: 'detached' });
    expect(attachmentIds(w.cloud, w.vol)).toEqual([created.id]);

    const updated = w.a.update(created.id, { connector: CONNECTOR });
    // the answer is the attachment as the API loaded it, with the new connection_info (Zed)
    expect(updated).toMatchObject({ id: created.id, status: 'reserved', attached_at: '', attach_mode: 'null' });
    expect(updated.connection_info).toEqual({
      target_discovered: false,
      target_portal: 'controller:3260',
      target_iqn: `iqn.2010-10.org.openstack:volume-${w.vol}`,
      target_lun: 0,
      volume_id: w.vol,
      auth_method: 'CHAP',
      auth_username: expect.stringMatching(/^[2-9A-Za-z]{20}$/),
      auth_password: expect.stringMatching(/^[2-9A-Za-z]{16}$/),
      encrypted: false,
      qos_specs: null,
      access_mode: 'rw',
      cacheable: false,
      driver_volume_type: 'iscsi',
      attachment_id: created.id,
    });
    const row = attachmentRow(w.cloud, created.id)!;
    expect(row).toMatchObject({ attach_status: 'attaching', attached_host: 'compute-1', mountpoint: '/dev/vdb', attach_mode: 'rw', connection_info: updated.connection_info });
    expect(row.connector).toEqual(CONNECTOR);
    expect(volumeRow(w.cloud, w.vol)).toMatchObject({ status: 'attaching', attach_status: 'attaching' });
    const shown = w.a.show(created.id);
    expect(shown).toMatchObject({ status: 'attaching', attach_mode: 'rw', attached_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/) });

    w.a.complete(created.id);
    expect(attachmentRow(w.cloud, created.id)!.attach_status).toBe('attached');
    expect(volumeRow(w.cloud, w.vol)).toMatchObject({ status: 'in-use', attach_status: 'attached' });
    // Zed's attachment flow writes no `attached_mode` admin metadata (only the old os-attach does)
    expect(volumeRow(w.cloud, w.vol).admin_metadata).toEqual({});
    const view = w.demo.block.getVolume(w.vol);
    expect(view.attachments).toEqual([{ server_id: SERVER, attachment_id: created.id, attached_at: shown.attached_at, host_name: null, volume_id: w.vol, device: '/dev/vdb', id: w.vol }]);
    expect(caught(() => w.demo.block.deleteVolume(w.vol)).status).toBe(400);

    expect(w.a.remove(created.id)).toEqual([]);
    expect(attachmentRow(w.cloud, created.id)).toBeUndefined();
    expect(attachmentIds(w.cloud, w.vol)).toEqual([]);
    expect(volumeRow(w.cloud, w.vol)).toMatchObject({ status: 'available', attach_status: 'detached' });
    expect(events.map((n) => [n.event_type, n.publisher_id, (n.payload as { status: string }).status])).toEqual([
      ['volume.attach.start', 'volume.controller@lvmdriver-1', 'reserved'],
      ['volume.attach.end', 'volume.controller', 'in-use'],
      ['volume.detach.start', 'volume.controller@lvmdriver-1', 'in-use'],
      ['volume.detach.end', 'volume.controller', 'available'],
    ]);
    w.demo.block.deleteVolume(w.vol);
  });

  it('create with a connector connects at once: the answer still says reserved, the row is attaching with mode null in the connector', () => {
    const w = world(7102);
    const events = record(w.cloud);
    const created = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER, connector: CONNECTOR });
    expect(created).toMatchObject({ status: 'reserved', attached_at: '', attach_mode: 'null' });
    expect(created.connection_info).toMatchObject({ driver_volume_type: 'iscsi', attachment_id: created.id, target_iqn: `iqn.2010-10.org.openstack:volume-${w.vol}` });
    const row = attachmentRow(w.cloud, created.id)!;
    // the manager saw attach_mode None (≠ 'null'), so mode None went into the connector; the API then saved 'null'
    expect(row).toMatchObject({ attach_status: 'attaching', attach_mode: 'null', attached_host: 'compute-1', mountpoint: '/dev/vdb' });
    expect(row.connector).toEqual({ ...CONNECTOR, mode: null });
    expect(volumeRow(w.cloud, w.vol).status).toBe('attaching');
    expect(events.map((n) => n.event_type)).toEqual(['volume.attach.start']);
    w.a.complete(created.id);
    expect(volumeRow(w.cloud, w.vol).status).toBe('in-use');
  });

  it('an empty connector on create is no connector (`if connector:`), null too', () => {
    const w = world(7103);
    const one = w.a.create({ volume_uuid: w.vol, connector: {} });
    expect(attachmentRow(w.cloud, one.id)).toMatchObject({ attach_status: 'reserved', connector: null, instance_uuid: null });
    w.a.remove(one.id);
    const two = w.a.create({ volume_uuid: w.vol, connector: null });
    expect(attachmentRow(w.cloud, two.id)!.attach_status).toBe('reserved');
  });

  it('a reserved attachment may be completed without a connection (a shelved server): attached, in-use, attached_at empty', () => {
    const w = world(7104);
    const created = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
    w.a.complete(created.id);
    expect(w.a.show(created.id)).toMatchObject({ status: 'attached', attached_at: '', connection_info: {} });
    expect(volumeRow(w.cloud, w.vol).status).toBe('in-use');
    // no connector: the delete still goes through the volume manager (detach.start from it)
    const events = record(w.cloud);
    w.a.remove(created.id);
    expect(events.map((n) => [n.event_type, n.publisher_id])).toEqual([
      ['volume.detach.start', 'volume.controller@lvmdriver-1'],
      ['volume.detach.end', 'volume.controller'],
    ]);
    expect(volumeRow(w.cloud, w.vol).status).toBe('available');
  });

  it('deleting a reserved attachment (never connected) returns the volume to available; detach.start comes from the API', () => {
    const w = world(7105);
    const events = record(w.cloud);
    const created = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
    expect(w.a.remove(created.id)).toEqual([]);
    expect(volumeRow(w.cloud, w.vol)).toMatchObject({ status: 'available', attach_status: 'detached' });
    expect(events.map((n) => [n.event_type, n.publisher_id, (n.payload as { status: string }).status])).toEqual([
      ['volume.detach.start', 'volume.controller', 'reserved'],
      ['volume.detach.end', 'volume.controller', 'available'],
    ]);
  });

  it('deleting a connected (attaching) attachment returns the volume to available', () => {
    const w = world(7106);
    const created = w.a.create({ volume_uuid: w.vol, connector: CONNECTOR });
    w.a.remove(created.id);
    expect(volumeRow(w.cloud, w.vol)).toMatchObject({ status: 'available', attach_status: 'detached' });
  });

  it("finish_detach removes `attached_mode` admin metadata, keeps an uploading volume's status (attach_status detached)", () => {
    const w = world(7107);
    const created = w.a.create({ volume_uuid: w.vol, connector: CONNECTOR });
    w.a.complete(created.id);
    setVolume(w, w.vol, { admin_metadata: { attached_mode: 'rw', readonly: 'False' }, status: 'uploading' });
    w.a.remove(created.id);
    expect(volumeRow(w.cloud, w.vol)).toMatchObject({ status: 'uploading', attach_status: 'detached', admin_metadata: { readonly: 'False' } });
  });
});

describe('attach mode', () => {
  it("3.54's `mode` wins over the connector's; without it the connector's mode (rw by default) is kept on update", () => {
    const w = world(7111);
    const ro = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER, mode: 'ro' }, { microversion: '3.54' });
    expect(ro.attach_mode).toBe('ro');
    w.a.update(ro.id, { connector: { ...CONNECTOR, mode: 'rw' } });
    expect(attachmentRow(w.cloud, ro.id)).toMatchObject({ attach_mode: 'ro', connector: { ...CONNECTOR, mode: 'ro' } });
    w.a.remove(ro.id);
    const plain = w.a.create({ volume_uuid: w.vol });
    w.a.update(plain.id, { connector: { ...CONNECTOR, mode: 'ro' } });
    expect(attachmentRow(w.cloud, plain.id)!.attach_mode).toBe('ro');
    w.a.remove(plain.id);
    const dflt = w.a.create({ volume_uuid: w.vol });
    w.a.update(dflt.id, { connector: CONNECTOR });
    expect(attachmentRow(w.cloud, dflt.id)!.attach_mode).toBe('rw');
  });

  it('`mode` before 3.54 is an additional property (400); 3.27 accepts the rest', () => {
    const w = world(7112);
    refused(w.cloud, () => w.a.create({ volume_uuid: w.vol, mode: 'ro' }, { microversion: '3.53' }), { status: 400, field: 'mode', message: "Additional properties are not allowed ('mode' was unexpected)" });
    expect(w.a.create({ volume_uuid: w.vol }, { microversion: '3.27' }).attach_mode).toBe('null');
  });

  it("any `readonly` admin metadata makes the attachment ro (deprecated path); `readonly: 'True'` makes the connection's access_mode ro", () => {
    const w = world(7113);
    setVolume(w, w.vol, { admin_metadata: { readonly: 'True' } });
    const a = w.a.create({ volume_uuid: w.vol, mode: 'rw', connector: CONNECTOR });
    expect(a.attach_mode).toBe('ro');
    expect(a.connection_info).toMatchObject({ access_mode: 'ro' });
  });
});

describe('microversions', () => {
  it('every attachment call needs 3.27 (a bare 404 before), os-complete 3.44; bad versions are 400, above 3.70 is 406', () => {
    const w = world(7121);
    const created = w.a.create({ volume_uuid: w.vol });
    const old = { microversion: '3.26' };
    for (const call of [() => w.a.create({ volume_uuid: w.vol }, old), () => w.a.update(created.id, { connector: CONNECTOR }, old), () => w.a.remove(created.id, old), () => w.a.show(created.id, old), () => w.a.list({}, old), () => w.a.complete(created.id, { microversion: '3.43' })]) {
      const e = refused(w.cloud, call, { status: 404, message: 'The resource could not be found.', code: 'block.api.version_not_found' });
      expect(e.details.cinder).toBe('VersionNotFoundForAPIMethod');
    }
    w.a.complete(created.id, { microversion: '3.44' });
    for (const mv of ['4.0', '3', 'x', '', '3.01', 7, null]) refused(w.cloud, () => w.a.show(created.id, { microversion: mv as never }), { status: 400, field: 'microversion' });
    refused(w.cloud, () => w.a.show(created.id, { microversion: '3.71' }), { status: 406, message: 'Version 3.71 is not supported by the API. Minimum is 3.0 and maximum is 3.70.' });
    refused(w.cloud, () => w.a.show(created.id, 'x' as never), { status: 400, field: 'options' });
    refused(w.cloud, () => w.a.show(created.id, { version: '3.27' } as never), { status: 400, field: 'options.version' });
    expect(w.a.show(created.id, { microversion: 'latest' }).status).toBe('attached');
  });
});

describe('every action in every volume status', () => {
  const errorStatus = (s: VolumeStatus): boolean => s.includes('error');

  for (const multiattach of [false, true]) {
    it(`create on a ${multiattach ? 'multiattach' : 'plain'} volume: allowed from ${multiattach ? 'available or in-use' : 'available'} (and downloading), refused with Cinder's message otherwise, state unchanged`, () => {
      const w = world(7131 + Number(multiattach));
      let vol = w.vol;
      if (multiattach) {
        multiattachType(w);
        vol = w.demo.block.createVolume({ size: 1, volume_type: 'multiattach' }).id;
        expect(volumeRow(w.cloud, vol).multiattach).toBe(true);
      }
      const expected = multiattach ? ['available', 'in-use', 'downloading'] : ['available', 'downloading'];
      for (const status of VOLUME_STATUSES) {
        resetVolume(w, vol);
        setVolume(w, vol, { status });
        const call = () => w.a.create({ volume_uuid: vol, instance_uuid: SERVER });
        if (errorStatus(status)) {
          const e = refused(w.cloud, call, { status: 400, message: `Invalid volume: Volume attachments can not be created if the volume is in an error state. The Volume ${vol} currently has a status of: ${status} ` });
          expect(e.details.cinder).toBe('InvalidVolume');
        } else if (!expected.includes(status)) {
          refused(w.cloud, call, { status: 400, message: `Invalid volume: Volume ${vol} status must be ${expected.join(' or ')} to reserve, but the current status is ${status}.` });
        } else if (!volumeMoveAllowed(status, 'reserved')) {
          // Cinder reserves a downloading volume (_attachment_reserve); the graph lacks the edge (reported)
          refused(w.cloud, call, { status: 500, code: 'block.volume.bad_transition' });
        } else {
          const a = call();
          expect([status, a.status, volumeRow(w.cloud, vol).status]).toEqual([status, 'reserved', 'reserved']);
        }
      }
    });
  }

  it('a non-multiattach volume takes a second attachment only for the same server (LP 1694530, live migration), without a status change', () => {
    const w = world(7133);
    const first = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER, connector: CONNECTOR });
    // reserved → attaching: a second one is refused even for the same server (only in-use/reserved allow it)
    refused(w.cloud, () => w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER }), { status: 400, message: 'status must be available or downloading to reserve, but the current status is attaching.' });
    w.a.complete(first.id);
    refused(w.cloud, () => w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER2 }), { status: 400, message: `Volume ${w.vol} status must be available or downloading to reserve, but the current status is in-use.` });
    refused(w.cloud, () => w.a.create({ volume_uuid: w.vol }), { status: 400, message: 'but the current status is in-use.' });
    const second = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
    expect(second.status).toBe('reserved');
    expect(volumeRow(w.cloud, w.vol).status).toBe('in-use');
    expect(attachmentIds(w.cloud, w.vol).sort()).toEqual([first.id, second.id].sort());
    // a second connection to a non-multiattach volume: Zed's 500 "Unable to update attachment.(Invalid volume: duplicate connectors …)"
    const e = refused(w.cloud, () => w.a.update(second.id, { connector: { ...CONNECTOR, host: 'compute-2' } }), { status: 400, message: `Invalid volume: duplicate connectors detected on volume ${w.vol}` });
    expect(e.details).toMatchObject({ zed_status: 500, zed_message: `Unable to update attachment.(Invalid volume: duplicate connectors detected on volume ${w.vol}).` });
    // the old one goes (Nova's post live migration): the reserved one is left, the volume follows it
    w.a.remove(first.id);
    expect(volumeRow(w.cloud, w.vol)).toMatchObject({ status: 'reserved', attach_status: 'reserved' });
    w.a.update(second.id, { connector: { ...CONNECTOR, host: 'compute-2' } });
    w.a.complete(second.id);
    expect(volumeRow(w.cloud, w.vol).status).toBe('in-use');
  });

  it('update: a reserved or attaching volume is connected; an error status is refused (Zed: 500), state unchanged; in-use as the graph allows', () => {
    const w = world(7134);
    for (const status of VOLUME_STATUSES) {
      resetVolume(w, w.vol);
      const a = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
      setVolume(w, w.vol, { status });
      const call = () => w.a.update(a.id, { connector: CONNECTOR });
      if (errorStatus(status)) {
        const e = refused(w.cloud, call, { status: 400, message: `Invalid volume: Volume attachments can not be updated if the volume is in an error state. The Volume ${w.vol} currently has a status of: ${status} ` });
        expect(e.details.zed_status).toBe(500);
      } else if (volumeMoveAllowed(status, 'attaching')) {
        call();
        expect([status, volumeRow(w.cloud, w.vol).status, attachmentRow(w.cloud, a.id)!.attach_status]).toEqual([status, 'attaching', 'attaching']);
      } else {
        // Cinder sets `attaching` from any other status (volume_attached); the graph refuses: reported
        refused(w.cloud, call, { status: 500, code: 'block.volume.bad_transition' });
      }
    }
    expect(volumeMoveAllowed('reserved', 'attaching') && volumeMoveAllowed('attaching', 'attaching')).toBe(true);
  });

  it('complete: reserved, attaching and in-use volumes end in-use; Zed checks no status', () => {
    const w = world(7135);
    for (const status of ['reserved', 'attaching', 'in-use', 'backing-up', 'extending', 'detaching'] as const) {
      resetVolume(w, w.vol);
      const a = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
      setVolume(w, w.vol, { status });
      w.a.complete(a.id);
      expect([status, volumeRow(w.cloud, w.vol).status, volumeRow(w.cloud, w.vol).attach_status]).toEqual([status, 'in-use', 'attached']);
    }
  });

  it('delete: the volume follows the attachments left (reserved, attaching, in-use, available)', () => {
    const w = world(7136);
    multiattachType(w);
    const vol = w.demo.block.createVolume({ size: 1, volume_type: 'multiattach' }).id;
    const a = w.a.create({ volume_uuid: vol, instance_uuid: SERVER, connector: CONNECTOR });
    w.a.complete(a.id);
    const b = w.a.create({ volume_uuid: vol, instance_uuid: SERVER2 });
    expect(volumeRow(w.cloud, vol).status).toBe('reserved');
    // the attached one goes while b is reserved: the volume is reserved
    expect(w.a.remove(a.id)).toEqual([{ id: b.id, status: 'reserved', instance: SERVER2, volume_id: vol }]);
    expect(volumeRow(w.cloud, vol)).toMatchObject({ status: 'reserved', attach_status: 'reserved' });
    w.a.update(b.id, { connector: { ...CONNECTOR, host: 'compute-2' } });
    w.a.complete(b.id);
    const c = w.a.create({ volume_uuid: vol, instance_uuid: SERVER });
    w.a.update(c.id, { connector: CONNECTOR });
    expect(volumeRow(w.cloud, vol).status).toBe('attaching');
    // the attached one goes while c is attaching: the volume stays attaching
    expect(w.a.remove(b.id).map((x) => [x.id, x.status])).toEqual([[c.id, 'attaching']]);
    expect(volumeRow(w.cloud, vol)).toMatchObject({ status: 'attaching', attach_status: 'attaching' });
    w.a.complete(c.id);
    expect(volumeRow(w.cloud, vol)).toMatchObject({ status: 'in-use', attach_status: 'attached' });
    w.a.remove(c.id);
    expect(volumeRow(w.cloud, vol)).toMatchObject({ status: 'available', attach_status: 'detached' });
  });
});

describe('multiattach', () => {
  it("two servers: in-use → reserved → attaching → in-use; one detaches (in-use stays), the last one too (available)", () => {
    const w = world(7141);
    multiattachType(w);
    const vol = w.demo.block.createVolume({ size: 1, volume_type: 'multiattach' }).id;
    const a = w.a.create({ volume_uuid: vol, instance_uuid: SERVER, connector: CONNECTOR });
    w.a.complete(a.id);
    expect(volumeRow(w.cloud, vol).status).toBe('in-use');
    const b = w.a.create({ volume_uuid: vol, instance_uuid: SERVER2 });
    expect(volumeRow(w.cloud, vol).status).toBe('reserved');
    // while reserved, a third is refused even on a multiattach volume
    refused(w.cloud, () => w.a.create({ volume_uuid: vol, instance_uuid: '2c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f' }), { status: 400, message: 'status must be available or in-use or downloading to reserve, but the current status is reserved.' });
    w.a.update(b.id, { connector: { ...CONNECTOR, host: 'compute-2' } });
    expect(volumeRow(w.cloud, vol).status).toBe('attaching');
    w.a.complete(b.id);
    expect(volumeRow(w.cloud, vol)).toMatchObject({ status: 'in-use', attach_status: 'attached' });
    expect(w.demo.block.getVolume(vol).attachments.map((x) => x.server_id).sort()).toEqual([SERVER, SERVER2].sort());
    expect(w.a.remove(a.id)).toEqual([{ id: b.id, status: 'attached', instance: SERVER2, volume_id: vol }]);
    expect(volumeRow(w.cloud, vol).status).toBe('in-use');
    expect(w.a.remove(b.id)).toEqual([]);
    expect(volumeRow(w.cloud, vol)).toMatchObject({ status: 'available', attach_status: 'detached' });
  });

  it('a bootable multiattach volume in-use asks `volume:multiattach_bootable_volume` (403 when refused, state unchanged)', () => {
    const w = world(7142, { policy: { rules: { 'volume:multiattach_bootable_volume': 'role:admin' } } });
    multiattachType(w);
    const vol = w.demo.block.createVolume({ size: 1, volume_type: 'multiattach' }).id;
    setVolume(w, vol, { bootable: true });
    const a = w.a.create({ volume_uuid: vol, instance_uuid: SERVER });
    w.a.complete(a.id);
    refused(w.cloud, () => w.a.create({ volume_uuid: vol, instance_uuid: SERVER2 }), { status: 403, message: "Policy doesn't allow volume:multiattach_bootable_volume to be performed." });
    expect(api(w.admin).create({ volume_uuid: vol, instance_uuid: SERVER2 }).status).toBe('reserved');
  });
});

describe('isolation and policy', () => {
  it("another project's member gets 404 for every call on demo's attachment and volume; lists hide it", () => {
    const w = world(7151);
    const created = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
    const alt = api(w.alt);
    const gone = `Volume attachment could not be found with filter: attachment_id = ${created.id}.`;
    refused(w.cloud, () => alt.show(created.id), { status: 404, message: gone });
    refused(w.cloud, () => alt.update(created.id, { connector: CONNECTOR }), { status: 404, message: gone });
    refused(w.cloud, () => alt.complete(created.id), { status: 404, message: gone });
    refused(w.cloud, () => alt.remove(created.id), { status: 404, message: gone });
    refused(w.cloud, () => alt.create({ volume_uuid: w.vol }), { status: 404, message: `Volume ${w.vol} could not be found.` });
    expect(alt.list()).toEqual([]);
    expect(alt.list({ all_tenants: 1 })).toEqual([]);
    refused(w.cloud, () => w.a.show('00000000-0000-4000-8000-000000000000'), { status: 404, code: 'block.attachment.not_found' });
  });

  it('a reader sees attachments (no policy on show/list) but may not create, update, complete or delete (403, state unchanged)', () => {
    const w = world(7152);
    const created = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
    const reader = api(w.reader);
    expect(reader.show(created.id).id).toBe(created.id);
    expect(reader.summaries()).toEqual([{ id: created.id, status: 'reserved', instance: SERVER, volume_id: w.vol }]);
    refused(w.cloud, () => reader.create({ volume_uuid: w.vol }), { status: 403, message: "Policy doesn't allow volume:attachment_create to be performed." });
    // policy before validation on create: a reader's bad body is still a 403
    refused(w.cloud, () => reader.create(42), { status: 403 });
    refused(w.cloud, () => reader.update(created.id, { connector: CONNECTOR }), { status: 403, message: "Policy doesn't allow volume:attachment_update to be performed." });
    refused(w.cloud, () => reader.complete(created.id), { status: 403, message: "Policy doesn't allow volume:attachment_complete to be performed." });
    refused(w.cloud, () => reader.remove(created.id), { status: 403, message: "Policy doesn't allow volume:attachment_delete to be performed." });
  });

  it("an admin acts on any project's attachment; lists its own project unless all_tenants (any value), then all or one project", () => {
    const w = world(7153);
    const created = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
    const altVol = w.alt.block.createVolume({ size: 1 }).id;
    const altAtt = api(w.alt).create({ volume_uuid: altVol });
    const admin = api(w.admin);
    expect(admin.show(created.id).id).toBe(created.id);
    expect(admin.list()).toEqual([]);
    expect(admin.summaries({ all_tenants: 'false' }).map((x) => x.id).sort()).toEqual([created.id, altAtt.id].sort());
    expect(admin.summaries({ all_tenants: true, project_id: volumeRow(w.cloud, altVol).project_id }).map((x) => x.id)).toEqual([altAtt.id]);
    admin.update(created.id, { connector: CONNECTOR });
    admin.complete(created.id);
    expect(admin.remove(created.id)).toEqual([]);
  });
});

describe('the connection each driver returns', () => {
  const backends = { block: { backends: [{ name: 'lvmdriver-1' }, { name: 'ceph', driver: 'rbd' }, { name: 'nfs-1', driver: 'nfs' }] } };

  it('RBD: volumes/volume-<id> on the Ceph pool, hosts and ports, cephx user cinder; no initiator needed', () => {
    const w = world(7161, backends);
    const vol = w.demo.block.createVolume({ size: 1, volume_type: 'ceph' }).id;
    expect(volumeRow(w.cloud, vol).host).toBe('controller@ceph#volumes');
    const a = w.a.create({ volume_uuid: vol, connector: { host: 'compute-1' } });
    expect(a.connection_info).toEqual({
      name: `volumes/volume-${vol}`,
      hosts: ['controller'],
      ports: ['6789'],
      cluster_name: 'ceph',
      auth_enabled: true,
      auth_username: 'cinder',
      secret_type: 'ceph',
      secret_uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      volume_id: vol,
      discard: true,
      qos_specs: null,
      access_mode: 'rw',
      encrypted: false,
      cacheable: false,
      driver_volume_type: 'rbd',
      attachment_id: a.id,
    });
  });

  it('NFS: the export, the file name, raw format and the mount point base', () => {
    const w = world(7162, backends);
    const vol = w.demo.block.createVolume({ size: 1, volume_type: 'nfs-1' }).id;
    const a = w.a.create({ volume_uuid: vol, connector: { host: 'compute-1' } });
    expect(a.connection_info).toEqual({
      export: 'controller:/srv/nfs/nfs-1',
      name: `volume-${vol}`,
      format: 'raw',
      qos_specs: null,
      access_mode: 'rw',
      encrypted: false,
      cacheable: false,
      driver_volume_type: 'nfs',
      mount_point_base: '/opt/stack/data/cinder/mnt',
      attachment_id: a.id,
    });
  });

  it('LVM: a multipath connector gets the portal lists; the CHAP credentials are the same for every attachment of a volume', () => {
    const w = world(7163);
    const a = w.a.create({ volume_uuid: w.vol, connector: { ...CONNECTOR, multipath: true } });
    expect(a.connection_info).toMatchObject({ target_portals: ['controller:3260'], target_iqns: [`iqn.2010-10.org.openstack:volume-${w.vol}`], target_luns: [0] });
    w.a.remove(a.id);
    const b = w.a.create({ volume_uuid: w.vol, connector: CONNECTOR });
    expect(b.connection_info).not.toHaveProperty('target_portals');
    expect([b.connection_info!.auth_username, b.connection_info!.auth_password]).toEqual([a.connection_info!.auth_username, a.connection_info!.auth_password]);
  });

  it("front-end QoS specs (per-GB values computed) and the type's `cacheable` extra spec reach the connection", () => {
    const w = world(7164);
    const typeId = volumeRow(w.cloud, w.vol).volume_type_id;
    blockWrite(w.admin, 'test_fixture', (tx: Tx) => {
      setRow(tx.draft.block.qos_specs, 'qos-1', { id: 'qos-1', name: 'fast', consumer: 'front-end', specs: { read_iops_sec_per_gb: '100', read_iops_sec_max: '150', write_iops_sec: '500' }, created_at: 0 });
      const t = getRow(tx.draft.block.volume_types, typeId)!;
      setRow(tx.draft.block.volume_types, typeId, { ...t, qos_specs_id: 'qos-1', extra_specs: { ...t.extra_specs, cacheable: '<is> True' } });
    });
    const a = w.a.create({ volume_uuid: w.vol, connector: CONNECTOR });
    expect(a.connection_info).toMatchObject({ qos_specs: { read_iops_sec: 100, write_iops_sec: '500' }, cacheable: true });
    w.a.remove(a.id);
    // back-end QoS is not the connector's business
    blockWrite(w.admin, 'test_fixture', (tx: Tx) => setRow(tx.draft.block.qos_specs, 'qos-1', { ...getRow(tx.draft.block.qos_specs, 'qos-1')!, consumer: 'back-end' }));
    expect(w.a.create({ volume_uuid: w.vol, connector: CONNECTOR }).connection_info).toMatchObject({ qos_specs: null });
  });

  it('show adds the volume\'s `format` admin metadata to connection_info', () => {
    const w = world(7165);
    const a = w.a.create({ volume_uuid: w.vol, connector: CONNECTOR });
    setVolume(w, w.vol, { admin_metadata: { format: 'qcow2' } });
    expect(w.a.show(a.id).connection_info).toMatchObject({ format: 'qcow2', driver_volume_type: 'iscsi' });
    expect(attachmentRow(w.cloud, a.id)!.connection_info).not.toHaveProperty('format');
  });
});

describe('a volume service that is down', () => {
  it('update and the delete of a connected attachment time out (500, nothing changes); reserving and dropping a reservation need no RPC', () => {
    const w = world(7171);
    const connected = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER, connector: CONNECTOR });
    const other = w.demo.block.createVolume({ size: 1 }).id;
    w.cloud.hardware.failHost('controller');
    refused(w.cloud, () => w.a.remove(connected.id), { status: 500, code: 'block.attachment.volume_service_down' });
    const reserved = w.a.create({ volume_uuid: other });
    refused(w.cloud, () => w.a.update(reserved.id, { connector: CONNECTOR }), { status: 500, message: 'Unable to update the attachment.' });
    refused(w.cloud, () => w.a.create({ volume_uuid: other, connector: CONNECTOR }), { status: 400 });
    w.a.remove(reserved.id);
    refused(w.cloud, () => w.a.create({ volume_uuid: other, connector: CONNECTOR }), { status: 500, message: 'Unable to create attachment for volume.' });
    w.cloud.hardware.recoverHost('controller');
    w.a.remove(connected.id);
    expect(volumeRow(w.cloud, w.vol).status).toBe('available');
  });
});

describe('list filters and paging', () => {
  it('volume_id, instance_id, attach_status; `status` is no column (Zed finds nothing); unknown filters 400 since 3.33, dropped before', () => {
    const w = world(7181);
    const vol2 = w.demo.block.createVolume({ size: 1 }).id;
    const a = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
    const b = w.a.create({ volume_uuid: vol2, instance_uuid: SERVER2, connector: CONNECTOR });
    const ids = (q: Record<string, unknown>, o?: Opts) => w.a.summaries(q, o).map((x) => x.id).sort();
    expect(ids({})).toEqual([a.id, b.id].sort());
    expect(ids({ volume_id: w.vol })).toEqual([a.id]);
    expect(ids({ instance_id: SERVER2 })).toEqual([b.id]);
    expect(ids({ attach_status: 'attaching' })).toEqual([b.id]);
    expect(ids({ status: 'reserved' })).toEqual([]);
    expect(ids({ all_tenants: 1 })).toEqual([a.id, b.id].sort());
    refused(w.cloud, () => w.a.list({ instance_uuid: SERVER }), { status: 400, field: 'instance_uuid', message: 'Invalid filters instance_uuid are found in query options.' });
    expect(ids({ instance_uuid: SERVER, foo: 'x' }, { microversion: '3.32' })).toEqual([a.id, b.id].sort());
    // an admin filters by any column (and `~` for a substring); a key that is no column finds nothing
    const admin = api(w.admin);
    expect(admin.summaries({ all_tenants: 1, instance_uuid: SERVER }).map((x) => x.id)).toEqual([a.id]);
    expect(admin.summaries({ all_tenants: 1, 'attached_host~': 'compute' }).map((x) => x.id)).toEqual([b.id]);
    expect(admin.summaries({ all_tenants: 1, nope: 'x' })).toEqual([]);
    expect(w.a.list({ volume_id: vol2 })[0]).toMatchObject({ id: b.id, status: 'attaching', attach_mode: 'null' });
  });

  it('sort_key / sort_dir / sort, limit, offset, marker (unknown marker: 404)', () => {
    const w = world(7182);
    const made: string[] = [];
    for (let i = 0; i < 4; i++) made.push(w.a.create({ volume_uuid: w.demo.block.createVolume({ size: 1 }).id }).id);
    const byId = [...made].sort();
    const ids = (q: Record<string, unknown>) => w.a.summaries(q).map((x) => x.id);
    expect(ids({ sort_key: 'id', sort_dir: 'asc' })).toEqual(byId);
    expect(ids({ sort: 'id:desc' })).toEqual([...byId].reverse());
    expect(ids({ sort_key: 'id', sort_dir: 'asc', limit: 2 })).toEqual(byId.slice(0, 2));
    expect(ids({ sort_key: 'id', sort_dir: 'asc', limit: '2', offset: 1 })).toEqual(byId.slice(1, 3));
    expect(ids({ sort_key: 'id', sort_dir: 'asc', marker: byId[1] })).toEqual(byId.slice(2));
    refused(w.cloud, () => w.a.list({ marker: 'no-such' }), { status: 404, code: 'block.attachment.not_found' });
    refused(w.cloud, () => w.a.list({ sort_key: 'size' }), { status: 400, field: 'sort_key' });
    refused(w.cloud, () => w.a.list({ sort_dir: 'up' }), { status: 400, field: 'sort_dir' });
    refused(w.cloud, () => w.a.list({ sort: 'id', sort_key: 'id' }), { status: 400, field: 'sort' });
    refused(w.cloud, () => w.a.list({ limit: -1 }), { status: 400, field: 'limit' });
    refused(w.cloud, () => w.a.list({ offset: 'x' }), { status: 400, field: 'offset' });
  });
});

describe('bad input: a 4xx naming the field, the state the same object', () => {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const proto = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
  let deep: Record<string, unknown> = { x: 1 };
  for (let i = 0; i < 50; i++) deep = { d: deep };

  it('create', () => {
    const w = world(7191);
    const v = w.vol;
    const cases: [unknown, string, string?][] = [
      [null, 'attachment', "None is not of type 'object'"],
      [42, 'attachment', "42 is not of type 'object'"],
      ['x', 'attachment'],
      [[], 'attachment'],
      [circular, 'volume_uuid', "'volume_uuid' is a required property"],
      [proto, 'volume_uuid'],
      [{}, 'volume_uuid', "Invalid input for field/attribute attachment. Value: {}. 'volume_uuid' is a required property"],
      [{ volume_uuid: 'not-a-uuid' }, 'volume_uuid', "Invalid input for field/attribute volume_uuid. Value: not-a-uuid. 'not-a-uuid' is not a 'uuid'"],
      [{ volume_uuid: 5 }, 'volume_uuid', "5 is not of type 'string'"],
      [{ volume_uuid: NaN }, 'volume_uuid', "nan is not of type 'string'"],
      [{ volume_uuid: circular }, 'volume_uuid'],
      [{ volume_uuid: 'x'.repeat(100_000) }, 'volume_uuid'],
      [{ volume_uuid: v, instance_uuid: 'server-1' }, 'instance_uuid', "'server-1' is not a 'uuid'"],
      [{ volume_uuid: v, instance_uuid: null }, 'instance_uuid', "None is not of type 'string'"],
      [{ volume_uuid: v, extra: 1 }, 'extra', "Additional properties are not allowed ('extra' was unexpected)"],
      [{ volume_uuid: v, ...proto }, '__proto__', "('__proto__' was unexpected)"],
      [{ volume_uuid: v, connector: 5 }, 'connector', "5 is not of type 'object', 'null'"],
      [{ volume_uuid: v, connector: [] }, 'connector'],
      [{ volume_uuid: v, connector: circular }, 'connector'],
      [{ volume_uuid: v, connector: deep }, 'connector'],
      [{ volume_uuid: v, connector: { ...CONNECTOR, ip: NaN } }, 'connector.ip'],
      [{ volume_uuid: v, connector: { ...CONNECTOR, ip: Infinity } }, 'connector.ip'],
      [{ volume_uuid: v, connector: { ...CONNECTOR, ip: () => 1 } }, 'connector.ip'],
      [{ volume_uuid: v, connector: { ...CONNECTOR, wwpns: 'x'.repeat(100_000) } }, 'connector.wwpns'],
      [{ volume_uuid: v, connector: { ...CONNECTOR, many: Array.from({ length: 10_000 }, (_, i) => i) } }, 'connector'],
      [{ volume_uuid: v, connector: { ...CONNECTOR, host: 5 } }, 'connector.host'],
      [{ volume_uuid: v, connector: { ...CONNECTOR, mountpoint: 'x'.repeat(300) } }, 'connector.mountpoint'],
      [{ volume_uuid: v, mode: 'rx' }, 'mode', "Invalid input for field/attribute mode. Value: rx. 'rx' is not one of ['rw', 'ro']"],
      [{ volume_uuid: v, mode: 1 }, 'mode', "1 is not of type 'string'"],
    ];
    for (const [body, field, message] of cases) {
      const e = refused(w.cloud, () => w.a.create(body), { status: 400, field, ...(message === undefined ? {} : { message }) });
      expect(e.details.cinder, field).toMatch(/ValidationError|InvalidInput/);
    }
    // an iSCSI connector without an initiator (Zed: 500 "Unable to create attachment for volume (Invalid input received: …).")
    const e = refused(w.cloud, () => w.a.create({ volume_uuid: v, connector: { host: 'compute-1' } }), { status: 400, message: "Invalid input received: Connector doesn't have required information: initiator" });
    expect(e.details).toMatchObject({ field: 'connector.initiator', zed_status: 500, zed_message: "Unable to create attachment for volume (Invalid input received: Connector doesn't have required information: initiator)." });
    expect(Object.prototype).not.toHaveProperty('polluted');
    refused(w.cloud, () => w.a.create({ volume_uuid: '00000000-0000-4000-8000-000000000000' }), { status: 404, message: 'Volume 00000000-0000-4000-8000-000000000000 could not be found.' });
    expect(volumeRow(w.cloud, v).status).toBe('available');
  });

  it('update, complete, delete, show: refs and bodies', () => {
    const w = world(7192);
    const a = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER });
    const cases: [unknown, string, string?][] = [
      [null, 'attachment'],
      [{}, 'connector', "'connector' is a required property"],
      [{ connector: {} }, 'connector', 'Invalid input for field/attribute connector. Value: {}. {} does not have enough properties'],
      [{ connector: null }, 'connector', "None is not of type 'object'"],
      [{ connector: 'x' }, 'connector'],
      [{ connector: CONNECTOR, extra: 1 }, 'extra'],
      [{ connector: circular }, 'connector'],
      [{ connector: { ...CONNECTOR, mode: { a: 1 } } }, 'connector.mode'],
      [{ connector: { ...CONNECTOR, host: ['h'] } }, 'connector.host'],
      [proto, 'connector'],
    ];
    for (const [body, field, message] of cases) refused(w.cloud, () => w.a.update(a.id, body), { status: 400, field, ...(message === undefined ? {} : { message }) });
    // a connector without `host` (Zed: a KeyError in the lock name, 500 "Unable to update the attachment.")
    const noHost = refused(w.cloud, () => w.a.update(a.id, { connector: { initiator: 'iqn.x' } }), { status: 400, message: "Invalid input received: Connector doesn't have required information: host" });
    expect(noHost.details).toMatchObject({ field: 'connector.host', zed_status: 500, zed_message: 'Unable to update the attachment.' });
    const e = refused(w.cloud, () => w.a.update(a.id, { connector: { host: 'compute-1' } }), { status: 400, message: "Connector doesn't have required information: initiator" });
    expect(e.details.zed_message).toBe("Unable to update attachment.(Invalid input received: Connector doesn't have required information: initiator).");
    for (const ref of [null, 42, '', { id: 7 }, circular, 'x'.repeat(300), []]) {
      for (const call of [() => w.a.update(ref, { connector: CONNECTOR }), () => w.a.complete(ref), () => w.a.remove(ref), () => w.a.show(ref)]) {
        const err = refused(w.cloud, call, { status: 400 });
        expect(String(err.details.field)).toMatch(/^attachment/);
      }
    }
    for (const q of [null, 5, 'x', []]) refused(w.cloud, () => w.a.list(q), { status: 400, field: 'query' });
    refused(w.cloud, () => w.a.list(circular), { status: 400, field: 'self' });
    refused(w.cloud, () => w.a.list({ volume_id: circular }), { status: 400, field: 'volume_id' });
    refused(w.cloud, () => w.a.list({ volume_id: 'x'.repeat(300) }), { status: 400, field: 'volume_id' });
    expect(attachmentRow(w.cloud, a.id)!.attach_status).toBe('reserved');
  });

  it('views are frozen once committed and answer the same for the same seed', () => {
    const run = (seed: number) => {
      const w = world(seed);
      const a = w.a.create({ volume_uuid: w.vol, instance_uuid: SERVER, connector: CONNECTOR });
      return { a, shown: w.a.show(a.id), frozen: Object.isFrozen(attachmentRow(w.cloud, a.id)) };
    };
    const one = run(7193);
    expect(one).toEqual(run(7193));
    expect(one.frozen).toBe(true);
  });
});
