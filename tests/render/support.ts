/**
 * What the renderer tests share: the one assertion of a renderer's refusal (a 400
 * `render.input.invalid` naming the field, built on tests/support/refusal.ts), what they hand
 * over to be refused (a revoked Proxy, a Proxy whose every trap throws, a sparse list), and the
 * random datacenters their properties draw.
 */
import { expect } from 'vitest';
import fc from 'fast-check';
import { InvalidInput, type Cloud, type CloudError, type Topology } from '../../src/index.js';
import * as arb from '../../src/testing/index.js';
import { caught, expectRefusal } from '../support/refusal.js';

/** Checks that `fn` is refused with a 400 `render.input.invalid` naming `field` (and saying `message`). */
export function refusedInput(fn: () => unknown, field: string, message?: string | RegExp): CloudError {
  const e = caught(fn);
  expect(e).toBeInstanceOf(InvalidInput);
  expectRefusal(e, { status: 400, code: 'render.input.invalid', field, ...(message === undefined ? {} : { message }) });
  return e;
}

/** A revoked Proxy (of a list when `list`): every operation on it throws a TypeError. */
export function revoked(list = false): never {
  const { proxy, revoke } = Proxy.revocable(list ? [] : {}, {});
  revoke();
  return proxy as never;
}

/** A live Proxy whose get, has, ownKeys and getOwnPropertyDescriptor traps throw. */
export function trapping(): never {
  const boom = (): never => {
    throw new TypeError('trap');
  };
  return new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom }) as never;
}

/** `items` with a hole in front: `[, ...items]` (`map` and `forEach` skip it). */
export function sparse<T>(items: readonly T[]): T[] {
  const out = new Array<T>(items.length + 1);
  items.forEach((x, i) => {
    out[i + 1] = x;
  });
  return out;
}

/** Runs `check` on random topologies (`arb.topology`, up to `maxPerGroup` hosts a group) and a random whole number, with fast-check's `seed`, 15 runs. */
export function everyRandomTopology(seed: number, check: (topology: Topology, n: number) => void, maxPerGroup = 6): void {
  fc.assert(fc.property(arb.topology({ maxGroups: 3, maxPerGroup }), fc.nat(), check), { seed, numRuns: 15 });
}

/** Runs `draw` and checks the cloud is as it was: the very same state object, the same latest trace. */
export function expectUntouched(cloud: Cloud, draw: () => unknown): void {
  const state = cloud.state;
  const trace = cloud.trace();
  draw();
  expect(cloud.state).toBe(state);
  expect(cloud.trace()).toEqual(trace);
}
