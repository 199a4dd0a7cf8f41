/**
 * The kernel's memo (derived data, DESIGN §10): computed once per frozen key, never kept for an
 * unfrozen one, bounded for primitive keys, one cell per slot; each kernel (so each cloud and
 * each fork) has its own. And the timestamps the kernel derives with it are the ones a Date gives.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud } from '../../src/index.js';
import { Memo, MEMO_VALUE_LIMIT, isoAt, memoSlot, notificationTimestamp } from '../../src/core/index.js';

describe('Memo', () => {
  it('derives once per frozen key, and afresh every time for an unfrozen one', () => {
    const memo = new Memo();
    const slot = memoSlot<{ n: number }, { double: number }>('test.double');
    let calls = 0;
    const derive = (k: { n: number }) => ({ double: 2 * k.n + 0 * ++calls });
    const frozen = Object.freeze({ n: 2 });
    const first = memo.of(slot, frozen, derive);
    expect(memo.of(slot, frozen, derive)).toBe(first);
    expect(calls).toBe(1);
    const open = { n: 3 };
    expect(memo.of(slot, open, derive)).toEqual({ double: 6 });
    open.n = 4; // could still change: nothing was kept
    expect(memo.of(slot, open, derive)).toEqual({ double: 8 });
    expect(calls).toBe(3);
    // another slot, or another memo, derives for itself
    expect(memo.of(memoSlot<{ n: number }, { double: number }>('test.other'), frozen, derive)).not.toBe(first);
    expect(new Memo().of(slot, frozen, derive)).not.toBe(first);
  });

  it('keeps at most MEMO_VALUE_LIMIT values per slot for primitive keys, and one cell per slot', () => {
    const memo = new Memo();
    const slot = memoSlot<number, string>('test.text');
    let calls = 0;
    for (let i = 0; i < MEMO_VALUE_LIMIT + 10; i++) memo.byValue(slot, i, (n) => `${n}:${++calls}`);
    expect(calls).toBe(MEMO_VALUE_LIMIT + 10);
    expect(memo.byValue(slot, MEMO_VALUE_LIMIT + 5, () => 'again')).toBe(`${MEMO_VALUE_LIMIT + 5}:${MEMO_VALUE_LIMIT + 6}`);
    expect(memo.byValue(slot, 0, () => 'computed again')).toBe('computed again'); // dropped when the slot filled up
    const cell = memoSlot<void, { count: number }>('test.cell');
    memo.cell(cell, () => ({ count: 0 })).count++;
    expect(memo.cell(cell, () => ({ count: 100 })).count).toBe(1);
    memo.clear();
    expect(memo.cell(cell, () => ({ count: 100 })).count).toBe(100);
  });

  it('belongs to one kernel: a cloud and its fork have their own', () => {
    const cloud = createCloud({ seed: 1, preset: 'empty' });
    expect(cloud.kernel.memo).toBeInstanceOf(Memo);
    expect(cloud.fork().kernel.memo).not.toBe(cloud.kernel.memo);
  });
});

describe('timestamps, with the kernel memo or without', () => {
  const toIso = (epoch: string, time: number, subsecond: boolean): string => {
    const micros = Math.round(Date.parse(epoch) * 1000 + time * 1e6);
    const iso = new Date(Math.floor(micros / 1000)).toISOString();
    const frac = micros - Math.floor(micros / 1e6) * 1e6;
    return `${iso.slice(0, 19)}${frac || subsecond ? `.${String(frac).padStart(6, '0')}` : ''}Z`;
  };

  it('are the ones toISOString gives, with or without a memo (seed 5151)', () => {
    const memo = new Memo();
    const epoch = fc.constantFrom('2022-10-05T00:00:00Z', '2000-02-28T23:59:59Z', '1970-01-01T00:00:00Z', '2024-02-29T12:00:00Z', '2022-10-05T00:00:00.250Z', '1999-12-31T23:59:59Z');
    const time = fc.oneof(fc.double({ min: 0, max: 1e11, noNaN: true }), fc.integer({ min: 0, max: 10 ** 9 }), fc.constantFrom(0, 0.5, 86_399.999_999, 86_400));
    fc.assert(
      fc.property(epoch, time, fc.boolean(), (e, t, sub) => {
        const expected = toIso(e, t, sub);
        expect(isoAt(e, t, sub)).toBe(expected);
        expect(isoAt(e, t, sub, memo)).toBe(expected);
        expect(notificationTimestamp(e, t, memo)).toBe(notificationTimestamp(e, t));
        expect(notificationTimestamp(e, t)).toBe(expected.replace('T', ' ').replace(/\.000000Z$|Z$/, ''));
      }),
      { seed: 5151, numRuns: 2000 },
    );
  });
});
