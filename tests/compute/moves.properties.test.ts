/**
 * Moving servers, as a property (issue 15): random sequences on DevStack's small cloud (compute
 * hosts `controller`, `compute1`, `compute2`) mixing the everyday actions (boot, stop, start,
 * reboot, delete) with resize / confirm / revert, cold and live migration (scheduled and to a
 * host; abort and force-complete of a live one), shelve / shelve-offload / unshelve, host failure
 * (`cloud.hardware.failHost`, nova-compute forced down), recovery and evacuate — in
 * `progression: 'immediate'` (every task inside its call) and `'clock'` (tasks take virtual
 * time; `wait` steps let them run, so calls land in the middle of moves), two seeds each.
 *
 * Any call may be refused (nova's 4xx: the model here predicts nothing about answers, the
 * model-based suite does); a refused call must leave `cloud.state` the very same object, and a
 * 5xx or a non-CloudError is a failure. After every step the move invariants hold
 * (`moveProblems` of tests/model/compute.commands.ts: Placement usage = the live allocations of
 * instance and migration consumers, nothing over capacity, a resized server's two consumers,
 * exactly one at rest, an evacuated server on one host (its consumer on the down source too until
 * that nova-compute is back), ports and volume attachments following the server, an offloaded
 * server holding nothing, every (vm_state, task_state, power_state) reachable).
 *
 * Zed sources the moves follow: nova/compute/api.py (`resize`, `confirm_resize`, `revert_resize`,
 * `live_migrate`, `shelve`, `shelve_offload`, `unshelve`, `evacuate`), nova/conductor/tasks/migrate.py,
 * live_migrate.py, nova/compute/manager.py (`_destroy_evacuated_instances`).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, type Cloud } from '../../src/index.js';
import { getRow, tableToArray } from '../../src/core/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { moveProblems } from '../model/compute.commands.js';
import { computeWorld, type ComputeWorld } from './support.js';

/** The hosts a step may fail, force down or recover (the controller keeps Neutron, Cinder and Glance up). */
const FAILABLE = ['compute1', 'compute2'] as const;
const HOSTS = ['controller', 'compute1', 'compute2'] as const;
const FLAVORS = ['m1.tiny', 'cirros256', 'ds512M', 'm1.small'] as const;

type Step =
  | { readonly kind: 'boot'; readonly bfv: boolean; readonly flavor: number }
  | { readonly kind: 'stop' | 'start' | 'reboot' | 'delete' | 'confirm' | 'revert' | 'shelve' | 'offload' | 'unshelve' | 'abort' | 'forceComplete'; readonly pick: number }
  | { readonly kind: 'resize'; readonly pick: number; readonly flavor: number }
  | { readonly kind: 'migrate' | 'live' | 'evacuate'; readonly pick: number; readonly host: number | null }
  | { readonly kind: 'fail' | 'recover' | 'forceDown' | 'forceUp'; readonly host: number }
  | { readonly kind: 'wait'; readonly seconds: number };

const pick = fc.nat(20);
const hostIx = fc.nat(5);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('boot' as const), bfv: fc.boolean(), flavor: fc.nat(3) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('stop' as const, 'start' as const, 'reboot' as const, 'delete' as const), pick }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('resize' as const), pick, flavor: fc.nat(3) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('confirm' as const, 'revert' as const), pick }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constantFrom('migrate' as const, 'live' as const), pick, host: fc.option(hostIx, { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('abort' as const, 'forceComplete' as const), pick }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('shelve' as const, 'offload' as const, 'unshelve' as const), pick }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('fail' as const, 'recover' as const, 'forceDown' as const, 'forceUp' as const), host: fc.nat(1) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('evacuate' as const), pick, host: fc.option(hostIx, { nil: null }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), seconds: fc.constantFrom(1, 5, 30, 75) }) },
);

/** The live servers, in creation order. */
function liveServers(cloud: Cloud): string[] {
  return tableToArray(cloud.state.compute.servers)
    .filter((r) => !r.deleted)
    .sort((a, b) => a.db_id - b.db_id)
    .map((r) => r.uuid);
}

function serviceId(w: ComputeWorld, host: string): string {
  return w.admin.compute.listComputeServices({ binary: 'nova-compute', host })[0]!.id;
}

/** The newest migration of a server (any kind), by id. */
function latestMigrationId(cloud: Cloud, uuid: string): number {
  const mine = tableToArray(cloud.state.compute.migrations).filter((m) => m.instance_uuid === uuid);
  return mine.length === 0 ? 1 : mine[mine.length - 1]!.id;
}

/** Whether a server is in a state the step's action accepts (to bias the picks; the call decides). */
function suits(cloud: Cloud, kind: Step['kind'], id: string): boolean {
  const row = getRow(cloud.state.compute.servers, id)!;
  const rest = row.task_state === null;
  const up = (host: string | null): boolean => host !== null && cloud.admin.compute.listComputeServices({ binary: 'nova-compute', host })[0]?.state === 'up';
  switch (kind) {
    case 'confirm':
    case 'revert':
      return row.vm_state === 'resized' && rest;
    case 'unshelve':
      return (row.vm_state === 'shelved' || row.vm_state === 'shelved_offloaded') && rest;
    case 'offload':
      return row.vm_state === 'shelved' && rest;
    case 'evacuate':
      return ['active', 'stopped', 'error'].includes(row.vm_state) && row.host !== null && !up(row.host);
    case 'live':
      return ['active', 'paused'].includes(row.vm_state) && rest;
    case 'abort':
    case 'forceComplete':
      return row.task_state === 'migrating';
    case 'start':
      return row.vm_state === 'stopped' && rest;
    case 'resize':
    case 'migrate':
      return ['active', 'stopped'].includes(row.vm_state) && rest && up(row.host);
    case 'stop':
    case 'reboot':
    case 'shelve':
      return row.vm_state === 'active' && rest;
    default:
      return true;
  }
}

/** Runs one step; answers how it ended (`ok`, `<status> <code>`). */
function run(w: ComputeWorld, s: Step): string {
  const { cloud, admin, demo } = w;
  const servers = liveServers(cloud);
  // most steps pick among the servers the step suits (a resized one to confirm, one on a down
  // host to evacuate …), so the moves happen rather than their refusals; one in four picks any
  const suited = servers.filter((id) => suits(cloud, s.kind, id));
  const among = 'pick' in s && suited.length > 0 && s.pick % 4 !== 0 ? suited : servers;
  const server = 'pick' in s ? among[s.pick % Math.max(1, among.length)] : undefined;
  const host = 'host' in s && s.host !== null ? HOSTS[s.host % HOSTS.length]! : null;
  const call = (): unknown => {
    switch (s.kind) {
      case 'boot':
        return demo.compute.createServer({
          name: 'mv',
          flavorRef: FLAVORS[s.flavor % FLAVORS.length]!,
          networks: 'auto',
          ...(s.bfv ? { block_device_mapping_v2: [{ uuid: demo.image.getImage(CIRROS_IMAGE_NAME).id, source_type: 'image', destination_type: 'volume', boot_index: 0, volume_size: 1, delete_on_termination: true }] } : { imageRef: CIRROS_IMAGE_NAME }),
        } as never);
      case 'fail':
        return cloud.hardware.failHost(FAILABLE[s.host % FAILABLE.length]!, 'moves property');
      case 'recover':
        return cloud.hardware.recoverHost(FAILABLE[s.host % FAILABLE.length]!);
      case 'forceDown':
      case 'forceUp':
        return admin.compute.updateComputeService(serviceId(w, FAILABLE[s.host % FAILABLE.length]!), { forced_down: s.kind === 'forceDown' });
      case 'wait':
        return cloud.clock.advance(s.seconds);
      default:
        break;
    }
    if (server === undefined) return undefined;
    switch (s.kind) {
      case 'stop': return demo.compute.stopServer(server);
      case 'start': return demo.compute.startServer(server);
      case 'reboot': return demo.compute.rebootServer(server, { type: 'SOFT' });
      case 'delete': return demo.compute.deleteServer(server);
      case 'resize': return demo.compute.resizeServer(server, { flavorRef: getRow(cloud.state.compute.flavors, ['1', 'c1', 'd1', '2'][s.flavor % 4]!)!.flavorid });
      case 'confirm': return demo.compute.confirmResize(server);
      case 'revert': return demo.compute.revertResize(server);
      case 'migrate': return admin.compute.migrateServer(server, host === null ? null : { host });
      case 'live': return admin.compute.liveMigrateServer(server, { host, block_migration: 'auto' });
      case 'abort': return admin.compute.abortMigration(server, latestMigrationId(cloud, server));
      case 'forceComplete': return admin.compute.forceCompleteMigration(server, latestMigrationId(cloud, server));
      case 'shelve': return demo.compute.shelveServer(server);
      case 'offload': return admin.compute.shelveOffloadServer(server);
      case 'unshelve': return demo.compute.unshelveServer(server, null);
      case 'evacuate': return admin.compute.evacuateServer(server, host === null ? {} : { host });
      default: throw new Error(`unknown step ${JSON.stringify(s)}`);
    }
  };
  void admin.token; // the admin session (re)authenticates outside the call under test
  const before = cloud.state;
  try {
    call();
    return 'ok';
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    expect(cloud.state, `${JSON.stringify(s)}: refused (${e.status} ${e.code}) but committed`).toBe(before);
    expect(e.status, `${JSON.stringify(s)}: ${e.status} ${e.code}: ${e.message}`).toBeLessThan(500);
    return `${e.status} ${e.code}`;
  }
}

/** How often each step ended how, over a property (printed, so a run shows what it exercised). */
function runSequence(seed: number, progression: 'immediate' | 'clock', steps: readonly Step[], tally: Map<string, number>): void {
  // the second seed of each progression keeps shelved servers on their host (`shelved_offload_time`
  // -1), so shelveOffload has something to do
  const w = computeWorld(seed, { progression, ...(seed % 2 === 0 ? { nova: { shelved_offload_time: -1 } } : {}) });
  // the controller's nova-compute is disabled: servers land on compute1 and compute2, the hosts
  // that fail, so that evacuations have servers to move and one host to move them to
  w.admin.compute.updateComputeService(serviceId(w, 'controller'), { status: 'disabled', disabled_reason: 'moves property' });
  const done: string[] = [];
  const check = (after: string): void => {
    const problems = moveProblems(w.cloud);
    expect(problems, `after ${after}\n(steps so far: ${done.join(' ; ')})`).toEqual([]);
  };
  for (const s of [{ kind: 'boot', bfv: false, flavor: 0 } as Step, { kind: 'boot', bfv: true, flavor: 0 } as Step, ...steps]) {
    const answer = run(w, s);
    const key = `${s.kind} ${answer}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
    done.push(`${JSON.stringify(s)} → ${answer}`);
    check(JSON.stringify(s));
  }
  // everything still pending runs to its end (and the failed hosts come back): the invariants still hold
  for (const h of FAILABLE) {
    if (w.cloud.hardware.getHost(h).state !== 'up') w.cloud.hardware.recoverHost(h);
  }
  if (progression === 'clock') w.cloud.run();
  check('the end (hosts recovered, tasks drained)');
}

/** Every answer of the four properties, for the coverage check at the end. */
const overall = new Map<string, number>();

describe('moves: random sequences of everyday actions, resizes, migrations, shelves, host failures and evacuations keep Placement, ports and volumes in step', () => {
  for (const [progression, seed] of [
    ['immediate', 15_001],
    ['immediate', 15_002],
    ['clock', 15_003],
    ['clock', 15_004],
  ] as const) {
    it(`progression '${progression}' (seed ${seed})`, () => {
      const tally = new Map<string, number>();
      fc.assert(
        fc.property(fc.array(step, { minLength: 5, maxLength: 40 }), (steps) => {
          runSequence(seed, progression, steps, tally);
        }),
        { seed, numRuns: 60 },
      );
      console.info(`moves (${progression}, seed ${seed}):\n  ${[...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k}: ${n}`).join('\n  ')}`);
      for (const [k, n] of tally) overall.set(k, (overall.get(k) ?? 0) + n);
    }, 300_000);
  }

  it('the moves happened, not only their refusals (over the four properties above)', () => {
    for (const kind of ['resize', 'confirm', 'revert', 'migrate', 'live', 'shelve', 'offload', 'unshelve', 'evacuate', 'fail', 'recover', 'forceDown']) expect(overall.get(`${kind} ok`) ?? 0, `${kind} never succeeded`).toBeGreaterThan(0);
  });
});
