/**
 * Glance's commands for the shared model-based suite. The admin creates images (random
 * visibility, protection), uploads data to Swift, shares them with the identity model's
 * projects and answers for the members, and deletes them. Each command predicts its outcome from
 * Glance's rules (status table, protected, shared-only members, duplicates); after every step of
 * every module the cross-module invariants hold: every active image's data is readable from Swift and
 * matches its checksum; the `glance` container holds exactly the active images' objects (a
 * deleted image's object is gone); every valid identity session lists exactly the images the
 * reference visibility rule gives its project.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { CloudError, type ImageView } from '../../src/index.js';
import { expectRefused, registerCommands, registerInvariants, registerSetup, type CloudCommand, type CloudModel, type CloudReal } from './harness.js';

const STORE_HOST = 'glance-swift';
const PROJECTS = ['pa', 'pb', 'pc'];
const VIS = ['public', 'private', 'shared', 'community'] as const;

function allImages(r: CloudReal): ImageView[] {
  const a = r.cloud.admin.image;
  return [false, true].flatMap((hidden) => a.listImages({ limit: 1000, os_hidden: hidden, visibility: 'all' }).images);
}

function pick(r: CloudReal, n: number): ImageView | undefined {
  const all = allImages(r).sort((x, y) => (x.id < y.id ? -1 : 1));
  return all.length === 0 ? undefined : all[n % all.length];
}

function projectIdOf(r: CloudReal, name: string): string | undefined {
  return r.cloud.systemAdmin.identity.listProjects().find((p) => p.name === name)?.id;
}

/** The invariants across Glance, Swift and Keystone. */
function checkImages(r: CloudReal): void {
  const { cloud } = r;
  const images = allImages(r);
  const storeAccount = cloud.state.image.config.swift_store_account;
  for (const i of images) {
    if (i.status === 'active') {
      const data = cloud.admin.image.downloadImageData(i.id);
      expect(data, `data of ${i.id}`).not.toBeNull();
      expect(bytesToHex(md5(data as Uint8Array))).toBe(i.checksum);
      expect((data as Uint8Array).length).toBe(i.size);
    } else {
      expect(i.checksum).toBeNull();
    }
  }
  let stored: string[] = [];
  try {
    stored = cloud.admin.object.getContainer('glance', { limit: 10000 }, { account: storeAccount }).objects.map((o) => ('name' in o ? o.name : '')).sort();
  } catch (e) {
    expect((e as CloudError).status, 'the glance container exists once data was stored').toBe(404);
  }
  expect(stored, 'objects in the glance container').toEqual(images.filter((i) => i.status === 'active').map((i) => i.id).sort());
  // every valid session sees exactly what the reference rule gives its project
  for (const session of r.sessions.values()) {
    let project: string | undefined;
    try {
      project = session.tokenInfo().project?.id;
    } catch {
      continue;
    }
    if (project === undefined) continue;
    let listed: string[];
    try {
      listed = session.image.listImages({ limit: 1000 }).images.map((i) => i.id).sort();
    } catch (e) {
      expect((e as CloudError).status).toBe(403); // a token without reader on its project (Keystone allows it)
      continue;
    }
    const want = images
      .filter((i) => !i.os_hidden && (i.visibility === 'public' || i.owner === project || (i.visibility === 'shared' && memberStatus(r, i.id, project) === 'accepted')))
      .map((i) => i.id)
      .sort();
    expect(listed, `images listed for ${project}`).toEqual(want);
  }
}

function memberStatus(r: CloudReal, image: string, project: string): string | undefined {
  return r.cloud.admin.image.listImageMembers(image).members.find((m) => m.member_id === project)?.status;
}

class CreateImage implements CloudCommand {
  constructor(readonly visibility: (typeof VIS)[number], readonly isProtected: boolean, readonly hidden: boolean) {}
  check = () => true;
  run(_m: CloudModel, r: CloudReal): void {
    const img = r.cloud.admin.image.createImage({ name: 'm', disk_format: 'raw', container_format: 'bare', visibility: this.visibility, protected: this.isProtected, os_hidden: this.hidden });
    expect(img).toMatchObject({ status: 'queued', visibility: this.visibility, protected: this.isProtected });
  }
  toString = () => `createImage(${this.visibility}${this.isProtected ? ', protected' : ''}${this.hidden ? ', hidden' : ''})`;
}

class Upload implements CloudCommand {
  constructor(readonly n: number, readonly size: number, readonly staged: boolean) {}
  check = () => true;
  run(_m: CloudModel, r: CloudReal): void {
    const img = pick(r, this.n);
    if (!img) return;
    const data = new Uint8Array(this.size).map((_, i) => (i * 7 + this.n) & 0xff);
    const a = r.cloud.admin.image;
    const call = () => {
      if (this.staged) {
        a.stageImageData(img.id, data);
        a.importImage(img.id, { method: { name: 'glance-direct' } });
      } else a.uploadImageData(img.id, data);
    };
    if (img.status !== 'queued') {
      expectRefused(r, call, 409);
    } else {
      try {
        r.cloud.batch(call);
        expect(a.getImage(img.id)).toMatchObject({ status: 'active', size: this.size });
      } catch (e) {
        // Swift below its write quorum: Glance answers 500 and the image stays queued
        expect((e as CloudError).code).toBe('image.store.backend_error');
        expect(a.getImage(img.id).status).toBe('queued');
      }
    }
  }
  toString = () => `${this.staged ? 'stageAndImport' : 'upload'}(#${this.n}, ${this.size} B)`;
}

class Delete implements CloudCommand {
  constructor(readonly n: number) {}
  check = () => true;
  run(_m: CloudModel, r: CloudReal): void {
    const img = pick(r, this.n);
    if (!img) return;
    const a = r.cloud.admin.image;
    if (img.protected) {
      expectRefused(r, () => a.deleteImage(img.id), 403);
    } else {
      try {
        a.deleteImage(img.id);
        expectRefused(r, () => a.getImage(img.id), 404);
      } catch (e) {
        expect((e as CloudError).code).toBe('image.store.backend_error'); // Swift could not delete: nothing changed
      }
    }
  }
  toString = () => `deleteImage(#${this.n})`;
}

class Share implements CloudCommand {
  constructor(readonly n: number, readonly project: string, readonly status: 'pending' | 'accepted' | 'rejected') {}
  check = () => true;
  run(_m: CloudModel, r: CloudReal): void {
    const img = pick(r, this.n);
    const pid = projectIdOf(r, this.project);
    if (!img || !pid) return;
    const a = r.cloud.admin.image;
    if (img.visibility !== 'shared') {
      expectRefused(r, () => a.createImageMember(img.id, { member: pid }), 403);
    } else if (memberStatus(r, img.id, pid) !== undefined) {
      expectRefused(r, () => a.createImageMember(img.id, { member: pid }), 409);
      a.updateImageMember(img.id, pid, { status: this.status });
      expect(memberStatus(r, img.id, pid)).toBe(this.status);
    } else {
      expect(a.createImageMember(img.id, { member: pid }).status).toBe('pending');
    }
  }
  toString = () => `share(#${this.n}, ${this.project}, ${this.status})`;
}

class Unshare implements CloudCommand {
  constructor(readonly n: number, readonly project: string) {}
  check = () => true;
  run(_m: CloudModel, r: CloudReal): void {
    const img = pick(r, this.n);
    const pid = projectIdOf(r, this.project);
    if (!img || !pid || img.visibility !== 'shared') return;
    const a = r.cloud.admin.image;
    if (memberStatus(r, img.id, pid) === undefined) expectRefused(r, () => a.deleteImageMember(img.id, pid), 404);
    else a.deleteImageMember(img.id, pid);
  }
  toString = () => `unshare(#${this.n}, ${this.project})`;
}

registerSetup((m, r) => {
  // a storage host of its own (outside the hardware commands' names), so Swift can hold image data
  const disks = [{ name: 'sda', size_gb: 100 }, { name: 'sdb', size_gb: 100 }, { name: 'sdc', size_gb: 100 }, { name: 'sdd', size_gb: 100 }];
  r.cloud.hardware.addHost({ name: STORE_HOST, cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, disks, roles: ['storage'] });
  r.cloud.object.rebalance();
  m.hosts.set(STORE_HOST, { state: 'up', memory_mb: 8192, roles: ['storage'] });
});

registerInvariants('image', (_m, r) => checkImages(r));

const n = fc.nat({ max: 20 });
registerCommands('image', [
  fc.tuple(fc.constantFrom(...VIS), fc.boolean(), fc.boolean()).map(([v, p, h]) => new CreateImage(v, p, h)),
  fc.tuple(n, fc.integer({ min: 0, max: 64 }), fc.boolean()).map(([i, s, st]) => new Upload(i, s, st)),
  n.map((i) => new Delete(i)),
  fc.tuple(n, fc.constantFrom(...PROJECTS), fc.constantFrom('pending' as const, 'accepted' as const, 'rejected' as const)).map(([i, p, s]) => new Share(i, p, s)),
  fc.tuple(n, fc.constantFrom(...PROJECTS)).map(([i, p]) => new Unshare(i, p)),
]);
