/**
 * Container and account listings (`GET` on a container or an account) against a reference model
 * on a plain sorted array (`listing.reference.ts`), under fast-check with fixed seeds (in the
 * titles): random names over a small alphabet holding '/', '-' and '.', random `prefix`,
 * `delimiter`, `marker`, `end_marker`, `limit` and `reverse`. The reference itself is checked
 * against Swift's own `list_objects_iter` / `list_containers_iter` (`listing_golden.json`, made
 * by `make_listing_golden.py`). Also: the listing limit's refusals, which change nothing.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createCloud, type Cloud } from '../../src/index.js';
import { referenceListing, type RefEntry, type RefQuery } from './listing.reference.js';
import { refused } from '../support/refusal.js';

interface GoldenCase {
  readonly names: string[];
  readonly query: RefQuery;
  readonly result: RefEntry[];
}
const golden = JSON.parse(readFileSync(new URL('./listing_golden.json', import.meta.url), 'utf8')) as { containers: GoldenCase[]; accounts: GoldenCase[] };

/** A cloud with one storage disk (one replica): listings do not depend on where copies are. */
function smallCloud(): Cloud {
  return createCloud({
    seed: 11,
    preset: 'empty',
    identity: { password_hash_rounds: 1 },
    topology: { hosts: [{ name: 'st1', cpu: { sockets: 1, cores_per_socket: 1 }, memory_mb: 1024, roles: ['storage'], disks: [{ name: 'sdb', size_gb: 100 }] }] },
    object: { ring: { part_power: 2, replicas: 1, min_part_hours: 0 } },
  });
}


const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const strip = (e: { name: string } | { subdir: string }): RefEntry => ('subdir' in e ? { subdir: e.subdir } : { name: e.name });

const OBJECT_ALPHABET = ['a', 'b', '-', '.', '/'];
const CONTAINER_ALPHABET = ['a', 'b', '-', '.'];
const word = (alphabet: string[], minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

const queryArb = (alphabet: string[]): fc.Arbitrary<RefQuery> =>
  fc.record(
    {
      prefix: word(alphabet, 0, 3),
      delimiter: fc.constantFrom('/', '-', '.'),
      marker: word(alphabet, 0, 4),
      end_marker: word(alphabet, 0, 4),
      limit: fc.integer({ min: 0, max: 12 }),
      reverse: fc.boolean(),
    },
    { requiredKeys: [] },
  );

describe('listings agree with Swift', () => {
  it(`the reference model gives Swift's own answers on ${golden.containers.length} container and ${golden.accounts.length} account golden cases`, () => {
    for (const c of [...golden.containers, ...golden.accounts]) expect(referenceListing(c.names, c.query), JSON.stringify(c)).toEqual(c.result);
  });

  it("stacksim's container listings give Swift's answers on the golden cases", () => {
    const cloud = smallCloud();
    const api = cloud.admin.object;
    let compared = 0;
    golden.containers.forEach((c, i) => {
      api.putContainer(`golden-${i}`);
      cloud.batch(() => c.names.forEach((n) => api.putObject(`golden-${i}`, n, n)));
      expect(api.getContainer(`golden-${i}`, c.query).objects.map(strip), JSON.stringify(c)).toEqual(c.result);
      compared++;
    });
    expect(compared).toBeGreaterThan(golden.containers.length - 5);
  });

  it("stacksim's account listings give Swift's answers on the golden cases", () => {
    let compared = 0;
    for (const c of golden.accounts) {
      const cloud = smallCloud();
      cloud.batch(() => c.names.forEach((n) => cloud.admin.object.putContainer(n)));
      expect(cloud.admin.object.getAccount(c.query).containers.map(strip), JSON.stringify(c)).toEqual(c.result);
      compared++;
    }
    expect(compared).toBeGreaterThan(golden.accounts.length - 5);
  });
});

describe('listings under random names and queries', () => {
  it('a container listing is the reference listing of its objects, with each object’s bytes, hash and type (seed 5150)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(word(OBJECT_ALPHABET, 1, 5), { maxLength: 25 }), fc.array(queryArb(OBJECT_ALPHABET), { minLength: 1, maxLength: 6 }), (names, queries) => {
        const cloud = smallCloud();
        const api = cloud.admin.object;
        api.putContainer('c');
        // each object holds its own name, so its size and MD5 are known
        cloud.batch(() => names.forEach((n) => api.putObject('c', n, n, { 'Content-Type': 'text/plain' })));
        for (const q of queries) {
          const objects = api.getContainer('c', q).objects;
          expect(objects.map(strip)).toEqual(referenceListing(names, q));
          for (const e of objects) {
            if ('subdir' in e) continue;
            expect({ bytes: e.bytes, hash: e.hash, content_type: e.content_type }).toEqual({ bytes: e.name.length, hash: md5(e.name), content_type: 'text/plain' });
          }
        }
      }),
      { seed: 5150, numRuns: 150 },
    );
  });

  it('an account listing is the reference listing of its containers, with each one’s count and bytes (seed 6060)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(word(CONTAINER_ALPHABET, 1, 4), fc.integer({ min: 0, max: 2 })), { maxLength: 20, selector: ([n]) => n }),
        fc.array(queryArb(CONTAINER_ALPHABET), { minLength: 1, maxLength: 6 }),
        (containers, queries) => {
          const cloud = smallCloud();
          const api = cloud.admin.object;
          // container n holds k objects of 1..k bytes
          cloud.batch(() => {
            for (const [n, k] of containers) {
              api.putContainer(n);
              for (let i = 1; i <= k; i++) api.putObject(n, `o${i}`, 'x'.repeat(i));
            }
          });
          const names = containers.map(([n]) => n);
          const totals = new Map(containers.map(([n, k]) => [n, { count: k, bytes: (k * (k + 1)) / 2 }]));
          for (const q of queries) {
            const listed = api.getAccount(q).containers;
            expect(listed.map(strip)).toEqual(referenceListing(names, q));
            for (const e of listed) if (!('subdir' in e)) expect({ count: e.count, bytes: e.bytes }).toEqual(totals.get(e.name));
          }
        },
      ),
      { seed: 6060, numRuns: 150 },
    );
  });
});

describe('the listing limit', () => {
  it('10 000 entries is the most a listing gives; above it is 412, and nothing changes (seed 7070)', () => {
    const cloud = smallCloud();
    const api = cloud.admin.object;
    api.putContainer('c');
    api.putObject('c', 'o', 'data');
    expect(api.getContainer('c', { limit: 10_000 }).objects).toHaveLength(1);
    expect(api.getAccount({ limit: 10_000 }).containers).toHaveLength(1);
    fc.assert(
      fc.property(fc.integer({ min: 10_001, max: 2 ** 31 - 1 }), fc.boolean(), (limit, account) => {
        void cloud.admin.token;
        const call = account ? () => api.getAccount({ limit }) : () => api.getContainer('c', { limit });
        refused(cloud, call, { status: 412, code: 'object.precondition_failed', message: 'Maximum limit is 10000' });
      }),
      { seed: 7070, numRuns: 50 },
    );
  });

  it('a negative or non-integer limit is 400 naming query.limit, and nothing changes (seed 8080)', () => {
    const cloud = smallCloud();
    const api = cloud.admin.object;
    api.putContainer('c');
    const bad = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: -1 }),
      fc.double({ min: -20_000, max: 20_000, noNaN: true }).filter((x) => !Number.isInteger(x)),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, '5', '', null, true, [3], { n: 1 }),
    );
    fc.assert(
      fc.property(bad, fc.boolean(), (limit, account) => {
        void cloud.admin.token;
        const query = { limit } as never;
        const call = account ? () => api.getAccount(query) : () => api.getContainer('c', query);
        refused(cloud, call, { status: 400, field: 'query.limit' });
      }),
      { seed: 8080, numRuns: 100 },
    );
  });
});
