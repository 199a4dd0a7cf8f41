/**
 * Properties of the image service. (1) Visibility: on random projects, images with random
 * owners, visibilities and memberships, every show and list of every session agrees with a
 * small reference table of who may see what (Glance Zed: `is_image_visible` for shows,
 * `image_get_all` for lists: accepted memberships only by default, community images listed
 * only to their owner unless asked for). (2) Data: upload then download is byte-identical and
 * `checksum` / `os_hash_value` equal an independent md5 / sha512.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { createCloud, type Session } from '../../src/index.js';
import { devstack, sessions } from './helpers.js';

const VIS = ['public', 'private', 'shared', 'community'] as const;
const MEMBER = ['pending', 'accepted', 'rejected'] as const;

const world = fc.record({
  projects: fc.integer({ min: 2, max: 4 }),
  images: fc.array(fc.record({ owner: fc.nat(), visibility: fc.constantFrom(...VIS), hidden: fc.boolean() }), { minLength: 1, maxLength: 8 }),
  members: fc.array(fc.record({ image: fc.nat(), project: fc.nat(), status: fc.constantFrom(...MEMBER) }), { maxLength: 8 }),
});

const SEED_VIS = 4242;
describe('visibility', () => {
  it(`every show and list of every session agrees with the reference table (seed ${SEED_VIS})`, () => {
    fc.assert(
      fc.property(world, (w) => {
        const cloud = createCloud({ seed: 1, preset: 'empty', identity: { password_hash_rounds: 1 } });
        const admin = cloud.admin;
        const names = Array.from({ length: w.projects }, (_, i) => `p${i}`);
        const pids: string[] = [];
        const users: Session[] = [];
        for (const n of names) {
          const p = admin.identity.createProject({ name: n });
          admin.identity.createUser({ name: `u-${n}`, password: 'pw' });
          admin.identity.createGrant({ user: `u-${n}`, project: n, role: 'member' });
          pids.push(p.id);
          users.push(cloud.login({ username: `u-${n}`, password: 'pw', project: n }));
        }
        const adminP = admin.tokenInfo().project?.id as string;
        // images: owners among the projects (public ones made by the admin for that owner)
        const imgs = w.images.map((spec, i) => {
          const owner = spec.owner % w.projects;
          const body = { name: `i${i}`, visibility: spec.visibility, os_hidden: spec.hidden };
          const view = spec.visibility === 'public' ? admin.image.createImage({ ...body, owner: pids[owner] }) : (users[owner] as Session).image.createImage(body);
          return { id: view.id, owner: pids[owner] as string, visibility: spec.visibility, hidden: spec.hidden };
        });
        const members = new Map<string, string>(); // `${image}|${project}` → status
        for (const m of w.members) {
          const img = imgs[m.image % imgs.length] as (typeof imgs)[number];
          const p = pids[m.project % w.projects] as string;
          if (img.visibility !== 'shared' || p === img.owner || members.has(`${img.id}|${p}`)) continue;
          (users[pids.indexOf(img.owner)] as Session).image.createImageMember(img.id, { member: p });
          if (m.status !== 'pending') (users[m.project % w.projects] as Session).image.updateImageMember(img.id, p, { status: m.status });
          members.set(`${img.id}|${p}`, m.status);
        }
        const who: [Session, string, boolean][] = [...users.map((u, i) => [u, pids[i] as string, false] as [Session, string, boolean]), [admin, adminP, true]];
        for (const [s, p, isAdmin] of who) {
          const canShow = (i: (typeof imgs)[number]) => isAdmin || i.visibility === 'public' || i.visibility === 'community' || i.owner === p || (i.visibility === 'shared' && members.has(`${i.id}|${p}`));
          const inList = (i: (typeof imgs)[number], status: string, visibility?: string) => {
            const reach = isAdmin || i.visibility === 'public' || i.visibility === 'community' || i.owner === p || (i.visibility === 'shared' && members.has(`${i.id}|${p}`) && (status === 'all' || members.get(`${i.id}|${p}`) === status));
            const vis = visibility === undefined ? i.visibility !== 'community' || i.owner === p : visibility === 'all' || i.visibility === visibility;
            return reach && vis;
          };
          for (const i of imgs) {
            let shown = true;
            try {
              s.image.getImage(i.id);
            } catch {
              shown = false;
            }
            expect(shown, `${p} shows ${i.visibility} image of ${i.owner}`).toBe(canShow(i));
          }
          for (const hidden of [false, true]) {
            for (const status of ['accepted', 'pending', 'rejected', 'all'] as const) {
              for (const visibility of [undefined, 'all', ...VIS]) {
                const got = s.image.listImages({ os_hidden: hidden, member_status: status, limit: 1000, ...(visibility ? { visibility: visibility as never } : {}) }).images.map((x) => x.id).sort();
                const want = imgs.filter((i) => i.hidden === hidden && inList(i, status, visibility)).map((i) => i.id).sort();
                expect(got, `${p} list hidden=${hidden} member_status=${status} visibility=${visibility}`).toEqual(want);
              }
            }
          }
        }
      }),
      { seed: SEED_VIS, numRuns: 25 },
    );
  });
});

const SEED_DATA = 5151;
describe('data', () => {
  it(`upload then download is byte-identical; checksum and os_hash_value match md5 and sha512 (seed ${SEED_DATA})`, () => {
    const cloud = devstack(SEED_DATA);
    const { demo } = sessions(cloud);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), (data, viaImport) => {
        const id = demo.image.createImage({ disk_format: 'raw', container_format: 'bare' }).id;
        if (viaImport) {
          demo.image.stageImageData(id, data);
          demo.image.importImage(id, { method: { name: 'glance-direct' } });
        } else {
          demo.image.uploadImageData(id, data);
        }
        const img = demo.image.getImage(id);
        const back = demo.image.downloadImageData(id);
        expect(back).toEqual(data);
        expect(img.size).toBe(data.length);
        expect(img.checksum).toBe(createHash('md5').update(data).digest('hex'));
        expect(img.os_hash_value).toBe(createHash('sha512').update(data).digest('hex'));
        // a downloaded copy is the caller's: changing it changes nothing stored
        if (back && back.length > 0) {
          back[0] = (back[0] as number) ^ 0xff;
          expect(demo.image.downloadImageData(id)).toEqual(data);
        }
      }),
      { seed: SEED_DATA, numRuns: 60 },
    );
  });
});
