import { createDraft, finishDraft, isDraft } from 'immer';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { baseOf, latest } from '../../src/core/drafts.js';
import { peek } from '../../src/core/kernel.js';

// src/core/drafts.ts reads immer's draft state directly: these pin that to the installed immer
describe('reading through drafts without drafting (core/drafts.ts)', () => {
  it('latest: the base before a write, the copy after, never a new draft', () => {
    const base = { a: { n: 1 }, b: [1, 2] };
    const draft = createDraft(base);
    expect(latest(draft)).toBe(base);
    expect(peek(draft, 'a')).toBe(base.a);
    expect(isDraft(peek(draft, 'a'))).toBe(false);
    const fresh = { n: 2 };
    draft.a = fresh;
    expect(latest(draft)).not.toBe(base);
    expect(peek(draft, 'a')).toBe(fresh);
    expect(peek(draft, 'b')).toBe(base.b);
    // a child read through the draft is a draft; its base is the committed object
    const child = draft.b;
    expect(isDraft(child)).toBe(true);
    expect(baseOf(child)).toBe(base.b);
    expect(finishDraft(draft)).toEqual({ a: { n: 2 }, b: [1, 2] });
  });

  it('plain values pass through', () => {
    const o = { x: 1 };
    expect(latest(o)).toBe(o);
    expect(baseOf(o)).toBe(o);
    expect(latest(null)).toBe(null);
    expect(latest(3)).toBe(3);
  });

  it('peek agrees with reading the draft, after any writes (seed 4242)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer()), { maxLength: 8 }), (writes) => {
        const draft = createDraft({ a: 0, b: 0, c: 0 } as Record<string, number>);
        for (const [k, v] of writes) draft[k] = v;
        for (const k of ['a', 'b', 'c']) expect(peek(draft, k)).toBe(draft[k]);
      }),
      { seed: 4242 },
    );
  });
});
