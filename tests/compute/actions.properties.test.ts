/**
 * Properties of the server actions (server_actions.ts, rebuild.ts, snapshot.ts,
 * server_metadata.ts, server_tags.ts) under random sequences on a few servers, by the owner and
 * by an admin, with `progression: 'immediate'` and with `'clock'` (where tasks interleave):
 * - no server ever shows a (vm_state, task_state, power_state) outside REACHABLE_STATES;
 * - each server's Placement allocation is its flavor, and each host's usage is the sum of the
 *   flavors of the servers on it (none of these actions moves or frees anything);
 * - a refused call is a 4xx (never a TypeError or a 500) and leaves the state the same object;
 * - the notifications of one action come in nova's order (`.start` before `.end`).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, tableValues, type CloudState } from '../../src/core/index.js';
import type { Session } from '../../src/index.js';
import { flavorResources } from '../../src/compute/boot.js';
import type { ServerRow } from '../../src/compute/types.js';
import { isReachable } from '../../src/compute/vm_states.js';
import { allocationsOf, getProvider, usageOf } from '../../src/scheduler/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { computeWorld } from './support.js';

const OPS = [
  'stop', 'start', 'reboot_soft', 'reboot_hard', 'pause', 'unpause', 'suspend', 'resume', 'rescue', 'unrescue', 'password',
  'rebuild', 'snapshot', 'backup', 'lock', 'unlock', 'metadata', 'tag', 'untag', 'delete_meta',
] as const;
type Op = (typeof OPS)[number];

function run(s: Session, op: Op, id: string, n: number): void {
  const c = s.compute;
  switch (op) {
    case 'stop': return c.stopServer(id);
    case 'start': return c.startServer(id);
    case 'reboot_soft': return c.rebootServer(id, { type: 'SOFT' });
    case 'reboot_hard': return c.rebootServer(id, { type: 'HARD' });
    case 'pause': return c.pauseServer(id);
    case 'unpause': return c.unpauseServer(id);
    case 'suspend': return c.suspendServer(id);
    case 'resume': return c.resumeServer(id);
    case 'rescue': c.rescueServer(id, {}); return;
    case 'unrescue': return c.unrescueServer(id);
    case 'password': return c.changePassword(id, { adminPass: `p${n}` });
    case 'rebuild': c.rebuildServer(id, { imageRef: CIRROS_IMAGE_NAME, name: `r${n}` }); return;
    case 'snapshot': c.createServerImage(id, { name: `s${n}` }); return;
    case 'backup': c.createServerBackup(id, { name: `b${n}`, backup_type: 'daily', rotation: n % 3 }); return;
    case 'lock': return c.lockServer(id, n % 2 === 0 ? {} : { locked_reason: `r${n}` });
    case 'unlock': return c.unlockServer(id);
    case 'metadata': c.updateServerMetadata(id, { metadata: { [`k${n % 2}`]: `v${n}` } }); return;
    case 'tag': return c.addServerTag(id, `t${n % 2}`);
    case 'untag': return c.deleteServerTag(id, `t${n % 2}`);
    case 'delete_meta': return c.deleteServerMetadataItem(id, `k${n % 2}`);
  }
}

/** The invariants after a step. */
function check(s: CloudState, ids: readonly string[]): void {
  const onHost = new Map<string, ServerRow[]>();
  for (const row of tableValues(s.compute.servers)) {
    if (!ids.includes(row.uuid)) continue;
    expect(isReachable(row.vm_state, row.task_state, row.power_state), `${row.uuid}: ${row.vm_state}/${row.task_state}/${row.power_state}`).toBe(true);
    if (row.deleted || row.host === null) continue;
    expect(Object.values(allocationsOf(s, row.uuid))).toEqual([flavorResources(row)]);
    onHost.set(row.host, [...(onHost.get(row.host) ?? []), row]);
  }
  for (const [host, rows] of onHost) {
    const provider = getProvider(s, host);
    for (const rc of ['VCPU', 'MEMORY_MB', 'DISK_GB']) {
      const sum = rows.reduce((n, r) => n + (flavorResources(r)[rc] ?? 0), 0);
      expect(usageOf(s, provider.uuid, rc), `${host} ${rc}`).toBe(sum);
    }
  }
}

// mostly the first server, so that an action's counterpart (unrescue after rescue, untag after tag) often follows it
const step = fc.record({ op: fc.constantFrom(...OPS), server: fc.constantFrom(0, 0, 0, 1, 2), admin: fc.boolean(), advance: fc.constantFrom(0, 1, 2, 5, 5), n: fc.nat(3) });

function property(progression: 'immediate' | 'clock', seed: number, runs: number) {
  const w = computeWorld(7, { progression });
  const ids = [0, 1, 2].map((i) => (w.demo.compute.createServer({ name: `vm${i}`, flavorRef: i === 2 ? 'm1.small' : 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string }).id);
  w.cloud.clock.advance(120);
  const base = w.cloud.state;
  for (const id of ids) expect(w.demo.compute.getServer(id).status).toBe('ACTIVE');
  check(base, ids);
  const order: string[] = [];
  const succeeded = new Set<Op>();
  w.cloud.events.on('*', (n) => {
    if (n.event_type.startsWith('compute.instance.')) order.push(n.event_type);
  });
  fc.assert(
    fc.property(fc.array(step, { minLength: 5, maxLength: 40, size: 'max' }), (steps) => {
      w.cloud.restore(base);
      for (const st of steps) {
        const session = st.admin ? w.admin : w.demo;
        const id = ids[st.server]!;
        const before = w.cloud.state;
        order.length = 0;
        try {
          run(session, st.op, id, st.n);
          succeeded.add(st.op);
        } catch (e) {
          if (!(e instanceof CloudError)) throw e;
          expect([st.op, e.status >= 400 && e.status < 500]).toEqual([st.op, true]);
          expect(w.cloud.state).toBe(before);
        }
        // within one call, a phase's .end never comes before its .start
        for (const [i, ev] of order.entries()) {
          if (!ev.endsWith('.end')) continue;
          const start = ev.replace(/\.end$/, '.start');
          expect(order.slice(0, i).includes(start) || progression === 'clock', `${ev} without ${start}`).toBe(true);
        }
        if (progression === 'clock' && st.advance > 0) w.cloud.clock.advance(st.advance);
        check(w.cloud.state, ids);
      }
      if (progression === 'clock') {
        w.cloud.clock.advance(600);
        check(w.cloud.state, ids);
        // with nothing left to run, no server keeps a task of these actions
        for (const id of ids) expect(w.demo.compute.getServer(id)['OS-EXT-STS:task_state'], id).toBeNull();
      }
    }),
    { seed, numRuns: runs },
  );
  // the sequences reach every action's success path, not only its refusals
  expect([...succeeded].sort()).toEqual([...OPS].sort());
}

describe('random sequences of server actions', () => {
  it("keep every server in a reachable state and Placement equal to the flavors, progression 'immediate' (seed 1414)", () => {
    property('immediate', 1414, 60);
  });

  it("keep every server in a reachable state and Placement equal to the flavors, progression 'clock' (seed 2718)", () => {
    property('clock', 2718, 100);
  });
});
