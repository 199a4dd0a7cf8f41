/**
 * Every move action (issue 15) in every state a server may show (REACHABLE_STATES and
 * MOVE_STATES): refused with nova's 409 exactly where `ACTION_STATES` (nova's decorators) refuses
 * it, with the state untouched; allowed where it allows it — the call then gets past the state
 * check (it may still stop at a later check of nova's, never with the state's 409), and whatever
 * it leaves is a reachable pair.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/index.js';
import { MOVE_STATES, REACHABLE_STATES, type ComputeAction } from '../../src/compute/vm_states.js';
import { computeWorld, everyActionInEveryState } from './support.js';

/** Each move, as the admin calls it (admin passes the lock, not the states). */
const MOVES: Partial<Record<ComputeAction, (s: Session, id: string) => unknown>> = {
  resize: (s, id) => s.compute.resizeServer(id, { flavorRef: '2' }),
  migrate: (s, id) => s.compute.migrateServer(id, null),
  confirm_resize: (s, id) => s.compute.confirmResize(id),
  revert_resize: (s, id) => s.compute.revertResize(id),
  live_migrate: (s, id) => s.compute.liveMigrateServer(id, { host: null, block_migration: 'auto' }),
  live_migrate_force_complete: (s, id) => s.compute.forceCompleteMigration(id, 1),
  live_migrate_abort: (s, id) => s.compute.abortMigration(id, 1),
  shelve: (s, id) => s.compute.shelveServer(id),
  shelve_offload: (s, id) => s.compute.shelveOffloadServer(id),
  unshelve: (s, id) => s.compute.unshelveServer(id, null),
  evacuate: (s, id) => s.compute.evacuateServer(id, {}),
};

describe('every move in every state a server may show', () => {
  it('is refused with nova\'s 409 exactly where ACTION_STATES refuses it (state untouched), else gets past the state check and leaves reachable pairs', () => {
    const w = computeWorld();
    const { tried, allowed } = everyActionInEveryState(w, [...REACHABLE_STATES, ...MOVE_STATES], MOVES, w.admin, true);
    expect(tried).toBeGreaterThan(900);
    expect(allowed).toBeGreaterThan(30);
  });
});
