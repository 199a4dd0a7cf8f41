/**
 * Shared assertions for refusals: what a call threw, that it is the expected CloudError (status,
 * stable code, the field named), and that a refused call left `cloud.state` the same object.
 */
import { expect } from 'vitest';
import { CloudError, type Cloud } from '../../src/index.js';

/** What a failed call threw, or a test failure when it did not throw. */
export function caught(fn: () => unknown): CloudError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    return e as CloudError;
  }
  throw new Error('expected the call to throw a CloudError, but it returned');
}

/** Expected shape of a refusal. */
export interface Refusal {
  readonly status: number;
  readonly code?: string | RegExp;
  /** `details.field` of a 400, and the message must name it. */
  readonly field?: string;
  /** Text the message must contain (or match). */
  readonly message?: string | RegExp;
}

/** Checks an error against a refusal. */
export function expectRefusal(e: CloudError, r: Refusal): void {
  expect({ status: e.status, code: e.code, message: e.message }).toMatchObject({ status: r.status });
  if (r.code instanceof RegExp) expect(e.code).toMatch(r.code);
  else if (r.code !== undefined) expect(e.code).toBe(r.code);
  if (r.field !== undefined) {
    expect(e.details.field).toBe(r.field);
    expect(e.message).toContain(r.field);
  }
  if (r.message instanceof RegExp) expect(e.message).toMatch(r.message);
  else if (r.message !== undefined) expect(e.message).toContain(r.message);
}

/**
 * Runs a call that must be refused: checks the error, and that `cloud.state` is the very same
 * object afterwards (a refused call commits nothing). Returns the error.
 */
export function refused(cloud: Cloud, fn: () => unknown, r: Refusal): CloudError {
  const before = cloud.state;
  const e = caught(fn);
  expectRefusal(e, r);
  expect(cloud.state).toBe(before);
  return e;
}
