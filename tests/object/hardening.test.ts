/**
 * Issue 10, Swift's API path: what an attacker, a fault injector and a careful new user found.
 *
 * - #3 a referrer in a write ACL (`X-Container-Write: .r:*`) is refused as Swift's `clean_acl`
 *   refuses it, so no anonymous request ever writes; every other ACL is cleaned exactly as
 *   `clean_acl` cleans it (its own answers, below);
 * - #4 names in ACLs match only Default-domain users and projects (keystoneauth's
 *   `_is_name_allowed_in_acl`);
 * - #11 every length limit counts UTF-8 bytes (`swift/common/constraints.py`);
 * - #12 HEAD, POST, COPY and large objects read the copies as GET does (404 when none is left,
 *   503 when none answers);
 * - #13 every write needs the quorum of its ring (object, container or account).
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, ObjectApi, type Cloud, type Session } from '../../src/index.js';
import { getRow } from '../../src/core/index.js';
import { caught, expectRefusal, refused } from '../support/refusal.js';

const text = (d: Uint8Array): string => new TextDecoder().decode(d);

/** `replicas` storage hosts st1… in racks r1…, one storage disk each; rings of `replicas` replicas. */
function cluster(replicas = 3, hosts = 3): Cloud {
  return createCloud({
    seed: 11,
    topology: {
      racks: [{ name: 'r1' }, { name: 'r2' }, { name: 'r3' }],
      models: { s: { cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 100 }, { name: 'sdb', size_gb: 1000 }] } },
      hosts: Array.from({ length: hosts }, (_, i) => ({ name: `st${i + 1}`, model: 's', roles: ['storage'], rack: `r${(i % 3) + 1}` })),
    },
    object: { ring: { part_power: 6, replicas } },
  });
}

const demo = (cloud: Cloud): Session => cloud.login({ username: 'demo', password: 'secret', project: 'demo' });

// ------------------------------------------------------------------ #3 ACLs

/**
 * What Swift's own `clean_acl` (Zed, `swift/common/middleware/acl.py`) answers for each value in
 * `X-Container-Read` and `X-Container-Write`: the cleaned ACL, or the message of its ValueError.
 * Produced by running it: `clean_acl(header, value)` for each row.
 */
const CLEAN_ACL: readonly [value: string, read: string | { error: string }, write: string | { error: string }][] = [
  ['.r:*', '.r:*', { error: "Referrers not allowed in write ACL: '.r:*'" }],
  ['.r:*,.rlistings', '.r:*,.rlistings', { error: "Referrers not allowed in write ACL: '.r:*'" }],
  [' bob , sue ', 'bob,sue', 'bob,sue'],
  ['bob,,,sue', 'bob,sue', 'bob,sue'],
  ['.referrer : *', '.r:*', { error: "Referrers not allowed in write ACL: '.referrer : *'" }],
  ['.ref:*.example.com', '.r:.example.com', { error: "Referrers not allowed in write ACL: '.ref:*.example.com'" }],
  ['.r:*, .rlistings', '.r:*,.rlistings', { error: "Referrers not allowed in write ACL: '.r:*'" }],
  ['.r:', { error: "No host/domain value after referrer designation in ACL: '.r:'" }, { error: "Referrers not allowed in write ACL: '.r:'" }],
  ['.r:-', { error: "No host/domain value after referrer designation in ACL: '.r:-'" }, { error: "Referrers not allowed in write ACL: '.r:-'" }],
  ['.r:.', { error: "No host/domain value after referrer designation in ACL: '.r:.'" }, { error: "Referrers not allowed in write ACL: '.r:.'" }],
  ['.r:*.', { error: "No host/domain value after referrer designation in ACL: '.r:*.'" }, { error: "Referrers not allowed in write ACL: '.r:*.'" }],
  ['.r:-*', '.r:-*', { error: "Referrers not allowed in write ACL: '.r:-*'" }],
  ['.r:- thief.com', '.r:-thief.com', { error: "Referrers not allowed in write ACL: '.r:- thief.com'" }],
  ['.r:-.thief.com', '.r:-.thief.com', { error: "Referrers not allowed in write ACL: '.r:-.thief.com'" }],
  ['.r:*,.r:-.thief.com,bobs_account,sues_account:sue', '.r:*,.r:-.thief.com,bobs_account,sues_account:sue', { error: "Referrers not allowed in write ACL: '.r:*'" }],
  ['.bogus', '.bogus', '.bogus'],
  ['.bogus:x', { error: "Unknown designator '.bogus' in ACL: '.bogus:x'" }, { error: "Unknown designator '.bogus' in ACL: '.bogus:x'" }],
  ['.r', '.r', '.r'],
  ['.rlistings', '.rlistings', '.rlistings'],
  ['.rlistings:x', { error: "Unknown designator '.rlistings' in ACL: '.rlistings:x'" }, { error: "Unknown designator '.rlistings' in ACL: '.rlistings:x'" }],
  [':x', ':x', ':x'],
  ['a:b:c', 'a:b:c', 'a:b:c'],
  ['proj:user', 'proj:user', 'proj:user'],
  ['*:*', '*:*', '*:*'],
  ['. r:*', { error: "Unknown designator '. r' in ACL: '. r:*'" }, { error: "Unknown designator '. r' in ACL: '. r:*'" }],
  ['.referer:www.example.com', '.r:www.example.com', { error: "Referrers not allowed in write ACL: '.referer:www.example.com'" }],
  ['.r : -*.example.com', '.r:-.example.com', { error: "Referrers not allowed in write ACL: '.r : -*.example.com'" }],
  ['', '', ''],
  [',,,', '', ''],
  ['admin', 'admin', 'admin'],
  ['.r:**.x', '.r:*.x', { error: "Referrers not allowed in write ACL: '.r:**.x'" }],
  ['.R:*', { error: "Unknown designator '.R' in ACL: '.R:*'" }, { error: "Unknown designator '.R' in ACL: '.R:*'" }],
  ['.ref:', { error: "No host/domain value after referrer designation in ACL: '.ref:'" }, { error: "Referrers not allowed in write ACL: '.ref:'" }],
  ['.referrer:-', { error: "No host/domain value after referrer designation in ACL: '.referrer:-'" }, { error: "Referrers not allowed in write ACL: '.referrer:-'" }],
  ['project: user', 'project: user', 'project: user'],
  [' .r : * ', '.r:*', { error: "Referrers not allowed in write ACL: '.r : *'" }],
];

describe('container ACLs (issue 10 #3)', () => {
  it('refuses a referrer in X-Container-Write (400) on PUT and POST, so anonymous requests never write', () => {
    const cloud = cluster();
    const d = demo(cloud);
    const account = d.object.headAccount().account;
    d.object.putContainer('www');
    d.object.putObject('www', 'index.html', 'hi');
    for (const acl of ['.r:*', '.referrer:*', '.ref:example.com', ' .r : * ', 'bob,.r:*', '.r:-thief.com']) {
      for (const call of [() => d.object.postContainer('www', { 'X-Container-Write': acl }), () => d.object.putContainer('www', { 'X-Container-Write': acl }), () => d.object.putContainer('fresh', { 'x-container-write': acl })]) {
        refused(cloud, call, { status: 400, code: 'core.input.invalid', field: 'headers.X-Container-Write', message: 'Referrers not allowed in write ACL' });
      }
    }
    // the read ACL still takes referrers; writing stays closed to anonymous requests
    d.object.postContainer('www', { 'X-Container-Read': '.r:*' });
    const anon = cloud.anonymous.object;
    refused(cloud, () => anon.putObject('www', 'evil', 'x', {}, { account }), { status: 401, code: 'object.unauthorized' });
    refused(cloud, () => anon.deleteObject('www', 'index.html', { account }), { status: 401, code: 'object.unauthorized' });
    refused(cloud, () => anon.postObject('www', 'index.html', { 'X-Object-Meta-Owned': 'yes' }, { account }), { status: 401, code: 'object.unauthorized' });
    expect(text(anon.getObject('www', 'index.html', {}, { account }).data)).toBe('hi');
  });

  it("deleting a large object with its segments needs the write ACL of every segment's container (403, nothing deleted)", () => {
    const cloud = cluster();
    const d = demo(cloud);
    const account = d.object.headAccount().account;
    const alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' });
    const altToken = alt.tokenInfo();
    const grant = `${altToken.project!.id}:${altToken.user.id}`;
    // alt_demo may read 'private' and write 'drop', not write 'private'
    d.object.putContainer('private', { 'X-Container-Read': grant });
    d.object.putContainer('drop', { 'X-Container-Write': grant, 'X-Container-Read': grant });
    d.object.putObject('private', 'precious', 'keep me');
    alt.object.putStaticLargeObject('drop', 'm', [{ path: 'private/precious' }], {}, { account });
    refused(cloud, () => alt.object.deleteObject('drop', 'm', { account, multipart_manifest: 'delete' }), { status: 403, code: 'object.forbidden' });
    expect(text(d.object.getObject('private', 'precious').data)).toBe('keep me');
    // the manifest alone it may delete; the owner may delete both
    alt.object.putStaticLargeObject('drop', 'm2', [{ path: 'private/precious' }], {}, { account });
    d.object.deleteObject('drop', 'm2', { multipart_manifest: 'delete' });
    expect(d.object.getContainer('private').objects).toHaveLength(0);
    alt.object.deleteObject('drop', 'm', { account });
  });

  it(`cleans X-Container-Read and X-Container-Write exactly as Swift's clean_acl does (${CLEAN_ACL.length} of its own answers)`, () => {
    const cloud = cluster();
    const d = demo(cloud);
    const account = d.object.headAccount().account;
    d.object.putContainer('acl');
    const stored = () => getRow(cloud.state.object.containers, `${account}/acl`)!;
    for (const [value, read, write] of CLEAN_ACL) {
      for (const [header, expected, field] of [['X-Container-Read', read, 'read_acl'], ['X-Container-Write', write, 'write_acl']] as const) {
        d.object.postContainer('acl', { 'X-Remove-Container-Read': 'x', 'X-Remove-Container-Write': 'x' });
        const call = () => d.object.postContainer('acl', { [header]: value });
        if (typeof expected === 'string') {
          call();
          expect(stored()[field], `${header}: ${JSON.stringify(value)}`).toBe(expected);
        } else {
          refused(cloud, call, { status: 400, field: `headers.${header}`, message: expected.error });
        }
      }
    }
  });
});

// ------------------------------------------------------------------ #4 names across domains

describe('names in ACLs (issue 10 #4)', () => {
  /** A domain `elsewhere` with a project and a user both named `alt_demo` (a member there), as an attacker would make them. */
  function elsewhere(cloud: Cloud) {
    const sys = cloud.systemAdmin.identity;
    const domain = sys.createDomain({ name: 'elsewhere' });
    const project = sys.createProject({ name: 'alt_demo', domain_id: domain.id });
    const user = sys.createUser({ name: 'alt_demo', domain_id: domain.id, password: 'secret' });
    sys.createGrant({ role: 'member', user: user.id, project: project.id });
    const session = cloud.login({ username: 'alt_demo', user_domain: 'elsewhere', password: 'secret', project: 'alt_demo', project_domain: 'elsewhere' });
    return { domain, project, user, session };
  }

  it("matches a project:user name only for a Default-domain user scoped to a Default-domain project; ids match anywhere", () => {
    const cloud = cluster();
    const d = demo(cloud);
    const account = d.object.headAccount().account;
    d.object.putContainer('shared', { 'X-Container-Read': 'alt_demo:alt_demo' });
    d.object.putObject('shared', 'o', 'data');
    // DevStack's alt_demo (Default domain) is named by the ACL
    const alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' });
    expect(text(alt.object.getObject('shared', 'o', {}, { account }).data)).toBe('data');
    // same names, another domain: nothing
    const other = elsewhere(cloud);
    refused(cloud, () => other.session.object.getObject('shared', 'o', {}, { account }), { status: 403, code: 'object.forbidden' });
    refused(cloud, () => other.session.object.headObject('shared', 'o', { account }), { status: 403, code: 'object.forbidden' });
    refused(cloud, () => other.session.object.getContainer('shared', {}, { account }), { status: 403, code: 'object.forbidden' });
    // a Default-domain user scoped to the other domain's project, and the other domain's user scoped to a Default project
    const sys = cloud.systemAdmin.identity;
    sys.createGrant({ role: 'member', user: alt.tokenInfo().user.id, project: other.project.id });
    const defaultUserElsewhere = cloud.login({ username: 'alt_demo', password: 'secret', project: other.project.id });
    refused(cloud, () => defaultUserElsewhere.object.getObject('shared', 'o', {}, { account }), { status: 403, code: 'object.forbidden' });
    sys.createGrant({ role: 'member', user: other.user.id, project: alt.tokenInfo().project!.id });
    const otherUserInDefault = cloud.login({ user_id: other.user.id, password: 'secret', project: alt.tokenInfo().project!.id });
    refused(cloud, () => otherUserInDefault.object.getObject('shared', 'o', {}, { account }), { status: 403, code: 'object.forbidden' });
    // ids name one user in one project, in any domain
    d.object.postContainer('shared', { 'X-Container-Read': `${other.project.id}:${other.user.id}` });
    expect(text(other.session.object.getObject('shared', 'o', {}, { account }).data)).toBe('data');
    // write ACLs follow the same rule
    d.object.postContainer('shared', { 'X-Container-Write': 'alt_demo:*' });
    refused(cloud, () => other.session.object.putObject('shared', 'p', 'x', {}, { account }), { status: 403, code: 'object.forbidden' });
    alt.object.putObject('shared', 'p', 'x', {}, { account });
  });

  it("matches no name on an account whose project is in another domain, or whose domain a reseller admin's write left unknown", () => {
    const cloud = cluster();
    const sys = cloud.systemAdmin.identity;
    const other = elsewhere(cloud);
    const alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' });
    const altToken = alt.tokenInfo();
    // the other domain's project owns an account (member is an operator role in DevStack) and names Default's alt_demo
    const theirs = other.session.object;
    theirs.putContainer('c', { 'X-Container-Read': 'alt_demo:alt_demo' });
    theirs.putObject('c', 'o', 'x');
    const account = theirs.headAccount().account;
    expect(getRow(cloud.state.object.accounts, account)?.project_domain_id).toBe(other.domain.id);
    refused(cloud, () => alt.object.getObject('c', 'o', {}, { account }), { status: 403, code: 'object.forbidden' });
    theirs.postContainer('c', { 'X-Container-Read': `${altToken.project!.id}:${altToken.user.id}` });
    expect(text(alt.object.getObject('c', 'o', {}, { account }).data)).toBe('x');

    // a Default-domain project whose account a reseller admin created: its domain is unknown until its own token writes
    const project = sys.createProject({ name: 'late', domain_id: 'default' });
    sys.createGrant({ role: 'member', user: 'demo', project: project.id });
    cloud.admin.identity.createGrant({ role: 'ResellerAdmin', user: 'admin', project: 'admin' });
    const reseller = cloud.login({ username: 'admin', password: 'secret', project: 'admin' });
    const lateAccount = `AUTH_${project.id}`;
    reseller.object.putContainer('c', { 'X-Container-Read': 'alt_demo:alt_demo' }, { account: lateAccount });
    reseller.object.putObject('c', 'o', 'y', {}, { account: lateAccount });
    expect(getRow(cloud.state.object.accounts, lateAccount)?.project_domain_id).toBe('_unknown');
    refused(cloud, () => alt.object.getObject('c', 'o', {}, { account: lateAccount }), { status: 403, code: 'object.forbidden' });
    // the project's own token writes: the account learns its (Default) domain, and names match
    cloud.login({ username: 'demo', password: 'secret', project: project.id }).object.putContainer('c');
    expect(getRow(cloud.state.object.accounts, lateAccount)?.project_domain_id).toBe('default');
    expect(text(alt.object.getObject('c', 'o', {}, { account: lateAccount }).data)).toBe('y');
  });
});

// ------------------------------------------------------------------ #11 byte limits

describe('length limits count UTF-8 bytes (issue 10 #11)', () => {
  it('refuses a 1 024 × é object name (2 048 bytes) and takes 512 × é (1 024 bytes)', () => {
    const cloud = cluster();
    const d = demo(cloud);
    d.object.putContainer('c');
    refused(cloud, () => d.object.putObject('c', 'é'.repeat(1024), 'x'), { status: 400, field: 'object', message: 'Object name length of 2048 longer than 1024' });
    d.object.putObject('c', 'é'.repeat(512), 'x');
    expect(d.object.headObject('c', 'é'.repeat(512)).content_length).toBe(1);
    // a character above U+FFFF is 4 bytes (two UTF-16 units)
    refused(cloud, () => d.object.putObject('c', '😀'.repeat(257), 'x'), { status: 400, field: 'object', message: 'Object name length of 1028 longer than 1024' });
    refused(cloud, () => d.object.putContainer('€'.repeat(86)), { status: 400, field: 'container', message: 'Container name length of 258 longer than 256' });
    refused(cloud, () => d.object.headAccount({ account: `AUTH_${'é'.repeat(126)}` }), { status: 400, field: 'options.account', message: 'Account name length of 257 longer than 256' });
  });

  it('counts metadata names, values, their total and header values in bytes', () => {
    const cloud = cluster();
    const d = demo(cloud);
    d.object.putContainer('c');
    d.object.putObject('c', 'o', 'x');
    // (a metadata name is part of a header name: an HTTP token, ASCII only)
    refused(cloud, () => d.object.postObject('c', 'o', { [`X-Object-Meta-${'é'}`]: 'v' }), { status: 400, message: 'is not a valid HTTP header name' });
    refused(cloud, () => d.object.postObject('c', 'o', { 'X-Object-Meta-A': 'é'.repeat(129) }), { status: 400, field: 'headers.X-Object-Meta-A', message: 'longer than 256' });
    refused(cloud, () => d.object.postAccount({ 'X-Account-Meta-A': 'é'.repeat(129) }), { status: 400, field: 'headers.X-Account-Meta-A' });
    // 17 values of 128 × é: 2 210 characters, 4 386 bytes
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`X-Container-Meta-K${i}`, 'é'.repeat(128)]));
    refused(cloud, () => d.object.postContainer('c', many), { status: 400, message: 'Total metadata too large; max 4096' });
    refused(cloud, () => d.object.postContainer('c', { 'X-Container-Read': 'é'.repeat(4097) }), { status: 400, field: 'headers.X-Container-Read', message: 'Header value too long' });
    refused(cloud, () => d.object.getContainer('c', { prefix: 'é'.repeat(513) }), { status: 400, field: 'query.prefix' });
    refused(cloud, () => d.object.copyObject('c', 'o', `c/${'é'.repeat(4097)}`), { status: 400, field: 'destination' });
  });

  it('accepts a name, a metadata name or value, or an account exactly when its UTF-8 bytes are within the limit (seed 1111)', () => {
    const cloud = cluster();
    const d = demo(cloud);
    d.object.putContainer('c');
    d.object.putObject('c', 'o', 'x');
    const bytes = (s: string): number => new TextEncoder().encode(s).length;
    /** Each limit: its size, and a call that is refused with a 400 exactly when the string is too long. */
    const limits: [string, number, (s: string) => unknown][] = [
      ['object name', 1024, (s) => d.object.headObject('c', s)],
      ['container name', 256, (s) => d.object.headContainer(s)],
      ['account', 256, (s) => d.object.headAccount({ account: `AUTH_${s}` })],
      ['object metadata name', 128, (s) => d.object.postObject('c', 'o', { [`X-Object-Meta-${encodeURIComponent(s).replace(/%/g, 'p')}`]: 'v' })],
      ['object metadata value', 256, (s) => d.object.postObject('c', 'o', { 'X-Object-Meta-V': s })],
      ['container metadata value', 256, (s) => d.object.postContainer('c', { 'X-Container-Meta-V': s })],
      ['account metadata value', 256, (s) => d.object.postAccount({ 'X-Account-Meta-V': s })],
      ['header value', 8192, (s) => d.object.postContainer('c', { 'X-Container-Read': s.replace(/,/g, '') })],
    ];
    const char = fc.constantFrom('a', 'é', '€', '😀', 'Ω', 'z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: limits.length - 1 }), fc.array(char, { minLength: 1, maxLength: 40 }), fc.integer({ min: -8, max: 8 }), (i, chars, delta) => {
        const [what, limit, call] = limits[i]!;
        // a string of about `limit + delta` bytes, from a repeated mix of 1- to 4-byte characters
        let s = '';
        while (bytes(s) < limit + delta) s += chars[s.length % chars.length];
        const sent = what === 'object metadata name' ? s.replace(/[^A-Za-z0-9]/g, 'x') : s;
        const before = cloud.state;
        let status = 0;
        try {
          call(sent);
        } catch (e) {
          status = (e as { status: number }).status;
          if (status === 400) expect(cloud.state).toBe(before);
        }
        const measured = what === 'account' ? bytes(`AUTH_${s}`) : what === 'object metadata name' ? bytes(sent.toLowerCase()) : bytes(s);
        expect(status === 400, `${what}: ${measured} bytes (limit ${limit}) → ${status}`).toBe(measured > limit);
      }),
      { seed: 1111, numRuns: 150 },
    );
  });

  it('names an archived version by the length of the name in bytes (%03x of the WSGI string)', () => {
    const cloud = cluster();
    const d = demo(cloud);
    d.object.putContainer('archive');
    d.object.putContainer('docs', { 'X-Versions-Location': 'archive' });
    d.object.putObject('docs', 'é.txt', 'v1');
    cloud.clock.advance(1);
    d.object.putObject('docs', 'é.txt', 'v2');
    expect(d.object.getContainer('archive').objects.map((o) => ('name' in o ? o.name : o.subdir))).toEqual(['006é.txt/1664928000.00000']);
    d.object.deleteObject('docs', 'é.txt');
    expect(text(d.object.getObject('docs', 'é.txt').data)).toBe('v1');
    expect(d.object.getContainer('archive').objects).toHaveLength(0);
  });
});

// ------------------------------------------------------------------ #12 reads from the copies

describe('HEAD, POST, COPY and large objects read the copies as GET does (issue 10 #12)', () => {
  /** One replica on three hosts: an object's only copy, and where it is. */
  function single(): { cloud: Cloud; d: Session; account: string; host: string; disk: string } {
    const cloud = cluster(1, 3);
    const d = demo(cloud);
    const account = d.object.headAccount().account;
    d.object.putContainer('c');
    d.object.putObject('c', 'o', 'only', { 'X-Object-Meta-A': '1' });
    const [copy] = cloud.object.locate(account, 'c', 'o');
    return { cloud, d, account, host: copy!.host, disk: copy!.disk };
  }

  it('the disk of the only copy fails: GET, HEAD, POST and COPY answer 404', () => {
    const { cloud, d, host, disk } = single();
    cloud.object.failDisk(host, disk);
    const lost = { status: 404, code: 'object.object.not_found', message: 'every copy is lost' };
    refused(cloud, () => d.object.getObject('c', 'o'), lost);
    refused(cloud, () => d.object.headObject('c', 'o'), lost);
    refused(cloud, () => d.object.postObject('c', 'o', { 'X-Object-Meta-B': '2' }), lost);
    refused(cloud, () => d.object.copyObject('c', 'o', 'c/copy'), lost);
    // the listing keeps it (as Swift's container keeps the row) and a DELETE removes it
    expect(d.object.getContainer('c').objects).toHaveLength(1);
    d.object.deleteObject('c', 'o');
    expect(d.object.getContainer('c').objects).toHaveLength(0);
  });

  it("the only copy's host is down: GET, HEAD, POST and COPY answer 503; back up, all answer again", () => {
    const { cloud, d, host } = single();
    cloud.hardware.failHost(host);
    const down = { status: 503, code: 'object.unavailable' };
    refused(cloud, () => d.object.getObject('c', 'o'), down);
    refused(cloud, () => d.object.headObject('c', 'o'), down);
    refused(cloud, () => d.object.postObject('c', 'o', { 'X-Object-Meta-B': '2' }), down);
    refused(cloud, () => d.object.copyObject('c', 'o', 'c/copy'), down);
    cloud.hardware.recoverHost(host);
    d.object.postObject('c', 'o', { 'X-Object-Meta-B': '2' });
    expect(d.object.headObject('c', 'o').metadata).toEqual({ b: '2' });
  });

  it('If-None-Match: * finds the object only where a GET would: a PUT over an object with no copy left proceeds', () => {
    const { cloud, d, host, disk } = single();
    refused(cloud, () => d.object.putObject('c', 'o', 'new', { 'If-None-Match': '*' }), { status: 412, code: 'object.precondition_failed' });
    cloud.object.failDisk(host, disk);
    d.object.putObject('c', 'o', 'new', { 'If-None-Match': '*' });
    expect(text(d.object.getObject('c', 'o').data)).toBe('new');
  });

  it("a large object's manifest is read from its own copies; a segment with no copy (or none answering) is refused in a new manifest", () => {
    const cloud = cluster(1, 3);
    const d = demo(cloud);
    const account = d.object.headAccount().account;
    d.object.putContainer('seg');
    d.object.putContainer('c');
    d.object.putObject('seg', '1', 'hello ');
    d.object.putObject('seg', '2', 'world');
    d.object.putStaticLargeObject('c', 'big', [{ path: 'seg/1' }, { path: 'seg/2' }]);
    const manifest = cloud.object.locate(account, 'c', 'big')[0]!;
    const segments = [cloud.object.locate(account, 'seg', '1')[0]!, cloud.object.locate(account, 'seg', '2')[0]!];
    // a disk holding the manifest but no segment (there are three disks, each object on one)
    if (segments.every((x) => x.disk !== manifest.disk || x.host !== manifest.host)) {
      cloud.object.failDisk(manifest.host, manifest.disk);
      refused(cloud, () => d.object.getObject('c', 'big'), { status: 404, code: 'object.object.not_found' });
      refused(cloud, () => d.object.headObject('c', 'big'), { status: 404, code: 'object.object.not_found' });
      refused(cloud, () => d.object.copyObject('c', 'big', 'c/copy'), { status: 404, code: 'object.object.not_found' });
      cloud.object.replaceDisk(manifest.host, manifest.disk);
    }
    cloud.hardware.failHost(segments[0]!.host);
    const e = refused(cloud, () => d.object.putStaticLargeObject('c', 'big2', [{ path: 'seg/1' }]), { status: 400, code: 'object.manifest.invalid' });
    expect(e.message).toContain('seg/1: 503 Service Unavailable');
    cloud.hardware.recoverHost(segments[0]!.host);
    cloud.object.failDisk(segments[0]!.host, segments[0]!.disk);
    expect(refused(cloud, () => d.object.putStaticLargeObject('c', 'big2', [{ path: 'seg/1' }]), { status: 400 }).message).toContain('seg/1: 404 Not Found');
  });

  it('a versioned PUT over a version with no copy left stores the new one without archiving it; a DELETE restores the newest version that has a copy', () => {
    const cloud = cluster(1, 3);
    const d = demo(cloud);
    const account = d.object.headAccount().account;
    d.object.putContainer('archive');
    d.object.putContainer('docs', { 'X-Versions-Location': 'archive' });
    d.object.putObject('docs', 'a', 'v1');
    cloud.clock.advance(1);
    d.object.putObject('docs', 'a', 'v2');
    const current = cloud.object.locate(account, 'docs', 'a')[0]!;
    const archived = cloud.object.locate(account, 'archive', '001a/1664928000.00000')[0]!;
    if (current.host === archived.host && current.disk === archived.disk) return; // the seed put both on one disk
    cloud.object.failDisk(current.host, current.disk);
    cloud.object.replaceDisk(current.host, current.disk);
    cloud.clock.advance(1);
    d.object.putObject('docs', 'a', 'v3');
    expect(d.object.getContainer('archive').objects).toHaveLength(1);
    expect(text(d.object.getObject('docs', 'a').data)).toBe('v3');
    d.object.deleteObject('docs', 'a');
    expect(text(d.object.getObject('docs', 'a').data)).toBe('v1');
  });
});

// ------------------------------------------------------------------ #13 every write has its quorum

/** Every public method of `session.object` that only reads (the rest must need a quorum). */
const READS = ['info', 'headAccount', 'getAccount', 'headContainer', 'getContainer', 'headObject', 'getObject'];

/** Each write, on the DevStack cloud prepared by {@link devstack}. */
const WRITES: [string, (api: ObjectApi) => unknown][] = [
  ['postAccount', (a) => a.postAccount({ 'X-Account-Meta-Tier': 'gold' })],
  ['putContainer (a new container)', (a) => a.putContainer('new')],
  ['putContainer (an existing container)', (a) => a.putContainer('c', { 'X-Container-Meta-Color': 'red' })],
  ['postContainer', (a) => a.postContainer('c', { 'X-Container-Meta-Color': 'red' })],
  ['postContainer (a missing container)', (a) => a.postContainer('missing', { 'X-Container-Meta-Color': 'red' })],
  ['deleteContainer', (a) => a.deleteContainer('empty')],
  ['putObject', (a) => a.putObject('c', 'p', 'x')],
  ['putStaticLargeObject', (a) => a.putStaticLargeObject('c', 'big', [{ path: 'c/o' }])],
  ['postObject', (a) => a.postObject('c', 'o', { 'X-Object-Meta-A': '1' })],
  ['postObject (a missing object)', (a) => a.postObject('c', 'missing', { 'X-Object-Meta-A': '1' })],
  ['deleteObject', (a) => a.deleteObject('c', 'o')],
  ['copyObject', (a) => a.copyObject('c', 'o', 'c/copy')],
];

/**
 * Demo's account with metadata, a container with an object and an empty container, then a fault:
 * on DevStack the controller (the only storage host, one replica) goes down; on three hosts with
 * three replicas two go down, so every object still has a copy that answers (a segment or a copy's
 * source reads) while every ring has 1 of 3 nodes answering, below its quorum of 2.
 */
function prepared(kind: 'devstack' | 'two of three down'): { cloud: Cloud; api: ObjectApi; fault: () => void; heal: () => void } {
  const cloud = kind === 'devstack' ? createCloud({ seed: 13 }) : cluster(3, 3);
  const api = demo(cloud).object;
  api.postAccount({ 'X-Account-Meta-Tier': 'silver' });
  api.putContainer('c');
  api.putContainer('empty');
  api.putObject('c', 'o', 'data');
  const hosts = kind === 'devstack' ? ['controller'] : ['st1', 'st2'];
  return { cloud, api, fault: () => hosts.forEach((h) => cloud.hardware.failHost(h)), heal: () => hosts.forEach((h) => cloud.hardware.recoverHost(h)) };
}

describe('every write needs its quorum (issue 10 #13)', () => {
  it('lists every write of session.object (a new method must be added here)', () => {
    const methods = Object.getOwnPropertyNames(ObjectApi.prototype).filter((n) => n !== 'constructor' && typeof (ObjectApi.prototype as unknown as Record<string, unknown>)[n] === 'function');
    const privateHelpers = ['identity', 'accountOf', 'auth', 'recordDomain', 'read', 'write', 'writableContainer', 'store', 'readable', 'listable'];
    const writes = new Set(WRITES.map(([name]) => name.split(' ')[0]));
    for (const m of methods) if (!privateHelpers.includes(m) && !READS.includes(m)) expect(writes.has(m), `${m} is in WRITES`).toBe(true);
  });

  it.each(WRITES)('%s with two of three hosts down (every copy still readable): 503, nothing changed', (_name, call) => {
    const { cloud, api, fault } = prepared('two of three down');
    fault();
    refused(cloud, () => call(api), { status: 503, code: 'object.unavailable' });
  });

  it.each(WRITES)("%s with DevStack's only storage host down: 503, nothing changed", (name, call) => {
    const { cloud, api, fault } = prepared('devstack');
    fault();
    // a manifest's segment cannot be read either: the SLO middleware's HEAD of it fails first
    if (name === 'putStaticLargeObject') refused(cloud, () => call(api), { status: 400, code: 'object.manifest.invalid', message: 'c/o: 503 Service Unavailable' });
    else refused(cloud, () => call(api), { status: 503, code: 'object.unavailable' });
  });

  it.each(WRITES.filter(([name]) => !name.includes('missing')))('%s with every host up: succeeds', (_name, call) => {
    call(prepared('two of three down').api);
  });

  it('a write refused for its quorum answers again once the hosts are back', () => {
    const { api, fault, heal } = prepared('two of three down');
    fault();
    expectRefusal(caught(() => api.postContainer('c', { 'X-Container-Meta-Color': 'red' })), { status: 503 });
    expect(api.headContainer('c').metadata).toEqual({});
    heal();
    api.postContainer('c', { 'X-Container-Meta-Color': 'red' });
    expect(api.headContainer('c').metadata).toEqual({ color: 'red' });
  });
});
