/** The name-or-id resolver and its `{ id }` form (a URL path's id: no name is resolved). */
import { describe, expect, it } from 'vitest';
import { CloudError, isIdRef, resolveRef, type Resolver } from '../../src/core/index.js';

const ROWS = [
  { id: 'a1', name: 'alpha' },
  { id: 'b2', name: 'beta' },
  { id: 'c3', name: 'beta' },
];
const resolver: Resolver<(typeof ROWS)[number]> = {
  kind: 'test.thing',
  byId: (id) => ROWS.find((r) => r.id === id),
  byName: (name) => ROWS.filter((r) => r.name === name),
  idOf: (r) => r.id,
};
const status = (ref: unknown): number | string => {
  try {
    return resolveRef(ref, resolver).id;
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    return (e as CloudError).status;
  }
};

describe('resolveRef', () => {
  it('resolves an id or a unique name; an unknown one is 404, an ambiguous name 409', () => {
    expect(status('a1')).toBe('a1');
    expect(status('alpha')).toBe('a1');
    expect(status('nope')).toBe(404);
    expect(status('beta')).toBe(409);
  });

  it('resolves { id } by id only: a name in it is a 404, a bad id a 400 naming the field', () => {
    expect(status({ id: 'a1' })).toBe('a1');
    expect(status({ id: 'alpha' })).toBe(404);
    expect(status({ id: 'beta' })).toBe(404);
    for (const bad of [{ id: '' }, { id: 7 }, { id: 'x'.repeat(256) }, { id: null }]) expect(status(bad)).toBe(400);
    try {
      resolveRef({ id: 7 }, resolver, 'thing');
    } catch (e) {
      expect((e as CloudError).details.field).toBe('thing.id');
    }
  });

  it('takes only plain objects with an own id as { id }', () => {
    expect(isIdRef({ id: 'a' })).toBe(true);
    expect(isIdRef(Object.assign(Object.create(null) as object, { id: 'a' }))).toBe(true);
    expect(isIdRef(Object.create({ id: 'a' }))).toBe(false);
    expect(isIdRef(['a'])).toBe(false);
    expect(isIdRef(new (class { id = 'a'; })())).toBe(false);
    expect(status({})).toBe(400);
    expect(status(JSON.parse('{"__proto__": {"id": "a1"}}'))).toBe(400);
  });
});
