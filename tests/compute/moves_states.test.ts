/**
 * Every move action (issue 15) in every state a server may show (REACHABLE_STATES and
 * MOVE_STATES): refused with nova's 409 exactly where `ACTION_STATES` (nova's decorators) refuses
 * it, with the state untouched; allowed where it allows it — the call then gets past the state
 * check (it may still stop at a later check of nova's, never with the state's 409), and whatever
 * it leaves is a reachable pair.
 */
import { describe, expect, it } from 'vitest';
import { CloudError, type Session } from '../../src/index.js';
import { MOVE_STATES, REACHABLE_STATES, invalidStateConflictMessage, isReachable, stateAllows, type ComputeAction } from '../../src/compute/vm_states.js';
import { boot, computeWorld, force, rowOf } from './support.js';

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
    const s = boot(w.demo, 'vm');
    const base = w.cloud.state;
    let tried = 0;
    let allowed = 0;
    for (const pair of [...REACHABLE_STATES, ...MOVE_STATES]) {
      if (pair.vm_state === 'deleted') continue; // a deleted server is a 404
      const launched = pair.vm_state !== 'building';
      for (const [action, call] of Object.entries(MOVES) as [ComputeAction, (s: Session, id: string) => unknown][]) {
        force(w.cloud, base, s.id, { vm_state: pair.vm_state, task_state: pair.task_state, power_state: pair.power_states[0]!, launched_at: launched ? 1 : null });
        const before = w.cloud.state;
        const refused = stateAllows(action, pair.vm_state, pair.task_state, launched);
        const label = `${action} in ${pair.vm_state}/${pair.task_state ?? 'None'}`;
        let error: unknown = null;
        try {
          call(w.admin, s.id);
        } catch (e) {
          error = e;
        }
        tried++;
        if (refused !== null) {
          expect(error, label).toBeInstanceOf(CloudError);
          const e = error as CloudError;
          expect([label, e.status, e.message]).toEqual([label, 409, invalidStateConflictMessage(refused.action, s.id, refused.attr, refused.state)]);
          expect(w.cloud.state, label).toBe(before);
          continue;
        }
        allowed++;
        if (error !== null) {
          // a later check of nova's (no finished migration, the source still up, no such migration, …)
          expect(error, label).toBeInstanceOf(CloudError);
          const e = error as CloudError;
          expect(e.message, label).not.toMatch(/while it is in (vm_state|task_state)|in an invalid state for/);
          expect(w.cloud.state, label).toBe(before);
        } else {
          const r = rowOf(w.cloud, s.id);
          expect(isReachable(r.vm_state, r.task_state, r.power_state), `${label} → ${r.vm_state}/${r.task_state}/${r.power_state}`).toBe(true);
        }
      }
    }
    expect(tried).toBeGreaterThan(900);
    expect(allowed).toBeGreaterThan(30);
  });
});
