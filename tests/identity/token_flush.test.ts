/**
 * Keystone's token flush and revocation pruning: expired tokens and old revocation events are
 * purged by a timer, so a long run of logins and logouts keeps a bounded state, and no answer
 * of validation changes because of it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALLOW_EXPIRED_WINDOW, REVOKE_EXPIRATION_BUFFER, TOKEN_FLUSH_TASK, core, type Cloud, type Session } from '../../src/index.js';
import { caught, devstack } from './helpers.js';

const EXPIRATION = 3600;

function sizes(cloud: Cloud): { tokens: number; revocations: number } {
  return { tokens: core.tableToArray(cloud.state.identity.tokens).length, revocations: core.tableToArray(cloud.state.identity.revocations).length };
}

function isValid(session: Session): boolean {
  try {
    session.tokenInfo();
    return true;
  } catch (e) {
    expect((e as { status: number }).status).toBe(401);
    return false;
  }
}

describe('token flush', () => {
  it('a token expired for longer than allow_expired_window is gone; until then it answers "expired"', () => {
    const cloud = devstack(7001, { identity: { password_hash_rounds: 1 } });
    const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
    cloud.clock.advance(EXPIRATION);
    expect(caught(() => demo.tokenInfo()).message).toContain('it expired');
    cloud.clock.advance(ALLOW_EXPIRED_WINDOW + EXPIRATION);
    expect(caught(() => demo.tokenInfo()).code).toBe('identity.token.not_found');
    expect(core.getRow(cloud.state.identity.tokens, demo.token)).toBeUndefined();
  });

  it('a revocation event outlives every token it covers by expiration_buffer, then is pruned', () => {
    const cloud = devstack(7002, { identity: { password_hash_rounds: 1 } });
    const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
    demo.logout();
    expect(sizes(cloud).revocations).toBe(1);
    cloud.clock.advance(EXPIRATION + REVOKE_EXPIRATION_BUFFER - 1);
    expect(sizes(cloud).revocations).toBe(1);
    cloud.clock.advance(EXPIRATION + 2);
    expect(sizes(cloud).revocations).toBe(0);
  });

  it('with nothing left to flush, no timer stays pending', () => {
    const cloud = devstack(7003, { identity: { password_hash_rounds: 1 } });
    cloud.admin.token;
    cloud.clock.advance(10 * (ALLOW_EXPIRED_WINDOW + EXPIRATION));
    const pending = core.tableToArray(cloud.state.meta.timers).filter((t) => t.kind === TOKEN_FLUSH_TASK);
    expect(pending).toEqual([]);
    expect(cloud.state.identity.token_flush_at).toBeNull();
    expect(sizes(cloud)).toEqual({ tokens: 0, revocations: 0 });
  });

  const seed = 7117;
  it(`after any run of logins, logouts and clock moves, validation answers as without a flush and the state stays bounded (seed ${seed})`, () => {
    type Step = { kind: 'login' } | { kind: 'logout'; which: number } | { kind: 'advance'; seconds: number } | { kind: 'check'; which: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.constant({ kind: 'login' as const }),
      fc.record({ kind: fc.constant('logout' as const), which: fc.nat() }),
      fc.record({ kind: fc.constant('advance' as const), seconds: fc.oneof(fc.integer({ min: 0, max: 2 * EXPIRATION }), fc.constant(ALLOW_EXPIRED_WINDOW)) }),
      fc.record({ kind: fc.constant('check' as const), which: fc.nat() }),
    );
    const base = devstack(7118, { identity: { password_hash_rounds: 1 } });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const cloud = base.fork();
        const sessions: { session: Session; issued: number; revoked: boolean }[] = [];
        for (const s of steps) {
          const now = cloud.clock.now();
          if (s.kind === 'login') sessions.push({ session: cloud.login({ username: 'demo', password: 'secret', project: 'demo' }), issued: now, revoked: false });
          else if (s.kind === 'advance') cloud.clock.advance(s.seconds);
          else if (sessions.length > 0) {
            const entry = sessions[s.which % sessions.length]!;
            const live = !entry.revoked && now < entry.issued + EXPIRATION;
            if (s.kind === 'logout' && live) {
              entry.session.logout();
              entry.revoked = true;
            } else expect(isValid(entry.session)).toBe(live);
          }
          // bounded: only tokens issued in the last window + two lifetimes, and events as recent, remain
          const t = cloud.clock.now();
          const horizon = ALLOW_EXPIRED_WINDOW + 2 * EXPIRATION;
          expect(sizes(cloud).tokens).toBeLessThanOrEqual(sessions.filter((e) => e.issued > t - horizon).length + 1);
          expect(sizes(cloud).revocations).toBeLessThanOrEqual(sessions.filter((e) => e.revoked && e.issued > t - horizon).length);
        }
      }),
      { seed, numRuns: 60 },
    );
  });
});
