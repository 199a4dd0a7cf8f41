/**
 * Image members (`/v2/images/{id}/members`): only the owner adds and removes, only shared
 * images have members, only the member sets its status, and what each side sees — Glance
 * Zed's `image_members.py` with its database visibility rules.
 */
import { describe, it, expect } from 'vitest';
import type { Cloud } from '../../src/index.js';
import { active, devstack, projectId, queued, refused, sessions } from './helpers.js';

function setup(seed: number) {
  const cloud = devstack(seed);
  const s = sessions(cloud);
  const alt = projectId(cloud, 'alt_demo');
  const demoP = projectId(cloud, 'demo');
  const id = active(s.demo);
  return { cloud, ...s, altP: alt, demoP, id };
}

describe('sharing an image', () => {
  it('pending → accepted: the member sees it in show at once, in the default list only once accepted', () => {
    const { cloud, demo, alt, altP, id } = setup(9101);
    const m = demo.image.createImageMember(id, { member: altP });
    expect(m).toMatchObject({ member_id: altP, image_id: id, status: 'pending', schema: '/v2/schemas/member' });
    expect(alt.image.getImage(id).id).toBe(id);
    expect(alt.image.listImages().images.map((i) => i.id)).not.toContain(id);
    expect(alt.image.listImages({ member_status: 'pending' }).images.map((i) => i.id)).toContain(id);
    expect(alt.image.updateImageMember(id, altP, { status: 'accepted' }).status).toBe('accepted');
    expect(alt.image.listImages().images.map((i) => i.id)).toContain(id);
    alt.image.updateImageMember(id, altP, { status: 'rejected' });
    expect(alt.image.listImages().images.map((i) => i.id)).not.toContain(id);
    expect(alt.image.listImages({ member_status: 'all' }).images.map((i) => i.id)).toContain(id);
    expect(alt.image.getImage(id).id).toBe(id); // still visible by id
    expect(alt.image.downloadImageData(id)).not.toBeNull();
    demo.image.deleteImageMember(id, altP);
    refused(cloud, () => alt.image.getImage(id), { status: 404 });
  });

  it('emits image.member.* notifications', () => {
    const { cloud, demo, altP, id } = setup(9102);
    const events: string[] = [];
    cloud.events.on('*', (n) => { if (n.event_type.startsWith('image.member')) events.push(n.event_type); });
    expect(demo.image.createImageMember(id, { member: altP }).member_id).toBe(altP);
    demo.image.deleteImageMember(id, altP);
    expect(events).toEqual(['image.member.create', 'image.member.delete']);
  });

  it('the owner lists every member; a member sees only itself; others get 404', () => {
    const { cloud, demo, alt, altP, id } = setup(9103);
    const inv = projectId(cloud, 'invisible_to_admin');
    demo.image.createImageMember(id, { member: altP });
    demo.image.createImageMember(id, { member: inv });
    expect(demo.image.listImageMembers(id).members.map((m) => m.member_id).sort()).toEqual([altP, inv].sort());
    expect(alt.image.listImageMembers(id).members.map((m) => m.member_id)).toEqual([altP]);
    expect(alt.image.getImageMember(id, altP).status).toBe('pending');
    refused(cloud, () => alt.image.getImageMember(id, inv), { status: 404, code: 'image.member.not_found' });
  });
});

describe('member refusals', () => {
  it('only shared images have members (403)', () => {
    const { cloud, demo, altP } = setup(9110);
    for (const visibility of ['private', 'community'] as const) {
      const id = queued(demo, { visibility });
      refused(cloud, () => demo.image.createImageMember(id, { member: altP }), { status: 403, code: 'image.member.not_shared' });
      refused(cloud, () => demo.image.listImageMembers(id), { status: 403, code: 'image.member.not_shared' });
      refused(cloud, () => demo.image.getImageMember(id, altP), { status: 404 });
    }
  });

  it('only the owner adds or removes; only the member sets its status', () => {
    const { cloud, demo, alt, reader, altP, demoP, id } = setup(9111);
    demo.image.createImageMember(id, { member: altP });
    refused(cloud, () => alt.image.createImageMember(id, { member: demoP }), { status: 403 });
    refused(cloud, () => alt.image.deleteImageMember(id, altP), { status: 403 });
    refused(cloud, () => demo.image.updateImageMember(id, altP, { status: 'accepted' }), { status: 403 });
    refused(cloud, () => reader.image.createImageMember(id, { member: 'invisible_to_admin' }), { status: 403 });
    refused(cloud, () => demo.image.createImageMember(id, { member: altP }), { status: 409, code: 'image.member.duplicate' });
  });

  it('bad input: unknown projects, empty members, bad statuses, unknown members', () => {
    const { cloud, demo, alt, altP, id } = setup(9112);
    refused(cloud, () => demo.image.createImageMember(id, { member: 'no-such-project' }), { status: 400, code: 'image.member.unknown_project', field: 'member' });
    refused(cloud, () => demo.image.createImageMember(id, { member: '' }), { status: 400, field: 'member' });
    refused(cloud, () => demo.image.createImageMember(id, {} as never), { status: 400, field: 'member' });
    refused(cloud, () => demo.image.createImageMember(id, 'x' as never), { status: 400, field: 'body' });
    refused(cloud, () => demo.image.createImageMember(id, { member: 'x'.repeat(256) }), { status: 400, field: 'member' });
    demo.image.createImageMember(id, { member: altP });
    refused(cloud, () => alt.image.updateImageMember(id, altP, { status: 'maybe' as never }), { status: 400, field: 'status' });
    refused(cloud, () => alt.image.updateImageMember(id, altP, {} as never), { status: 400, field: 'status' });
    refused(cloud, () => demo.image.deleteImageMember(id, 'no-such-member'), { status: 404, code: 'image.member.not_found' });
    refused(cloud, () => demo.image.getImageMember(id, 42 as never), { status: 400, field: 'member_id' });
    refused(cloud, () => demo.image.createImageMember('11111111-2222-4333-8444-555555555555', { member: altP }), { status: 404, code: 'image.image.not_found' });
  });

  it('image_member_quota (128) members is the limit (413)', () => {
    const { cloud, demo, id } = setup(9113);
    cloud.batch(() => {
      for (let i = 0; i < 128; i++) cloud.admin.identity.createProject({ name: `p${i}` });
    });
    const ids = cloud.systemAdmin.identity.listProjects().filter((p) => /^p\d+$/.test(p.name)).map((p) => p.id);
    cloud.batch(() => { for (const p of ids) demo.image.createImageMember(id, { member: p }); });
    refused(cloud, () => demo.image.createImageMember(id, { member: projectId(cloud, 'alt_demo') }), { status: 413, code: 'image.limit.members' });
    expect(demo.image.listImageMembers(id).members).toHaveLength(128);
  });
});

describe('a member is a project ID (Glance resolves no names)', () => {
  /** Every project id of the cloud. */
  const allProjectIds = (cloud: Cloud) => cloud.systemAdmin.identity.listProjects().map((p) => p.id);

  it('a project name is refused (400) without saying whether such a project exists or what its id is', () => {
    const { cloud, demo, id } = setup(9120);
    // invisible_to_admin: a project neither demo nor the admin has a role on
    for (const name of ['invisible_to_admin', 'alt_demo', 'no-such-project']) {
      const e = refused(cloud, () => demo.image.createImageMember(id, { member: name }), { status: 400, code: 'image.member.unknown_project', field: 'member' });
      const told = `${e.message} ${JSON.stringify(e.details)}`;
      for (const pid of allProjectIds(cloud)) expect(told).not.toContain(pid);
    }
    expect(demo.image.listImageMembers(id).members).toEqual([]);
  });

  it('a name several projects share (one per domain) lists none of their ids', () => {
    const { cloud, demo, id } = setup(9121);
    const admin = cloud.systemAdmin.identity;
    const d = admin.createDomain({ name: 'other' });
    admin.createProject({ name: 'twin', domain_id: 'default' });
    admin.createProject({ name: 'twin', domain_id: d.id });
    const e = refused(cloud, () => demo.image.createImageMember(id, { member: 'twin' }), { status: 400, field: 'member' });
    const told = `${e.message} ${JSON.stringify(e.details)}`;
    for (const pid of allProjectIds(cloud)) expect(told).not.toContain(pid);
  });

  it('a project ID works whether or not the caller may see the project; a caller who may not add members learns nothing', () => {
    const { cloud, demo, reader, id } = setup(9122);
    const inv = projectId(cloud, 'invisible_to_admin');
    expect(demo.image.createImageMember(id, { member: inv })).toMatchObject({ member_id: inv, status: 'pending' });
    // the policy answers before the project is looked up: the same 403 for an id and a non-id
    refused(cloud, () => reader.image.createImageMember(id, { member: projectId(cloud, 'alt_demo') }), { status: 403 });
    refused(cloud, () => reader.image.createImageMember(id, { member: 'no-such-project' }), { status: 403 });
  });
});
