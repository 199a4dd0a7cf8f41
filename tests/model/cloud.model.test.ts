import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, type CloudOptions } from '../../src/index.js';
import { allCommands, checkInvariants, emptyModel, registeredModules, runSetups, type CloudCommand, type CloudModel, type CloudReal } from './harness.js';
// each module registers its commands by being imported here
import './hardware.commands.js';
import './identity.commands.js';
import './scheduler.commands.js';
// Swift before Glance: the object commands' storage hosts are rebalanced into the rings first (a
// second rebalance within min_part_hours moves no partition), and Glance stores on them
import './object.commands.js';
import './image.commands.js';
// Neutron after the others: its setup adds a network node and the external network, and its
// commands disable the DHCP and L3 agents of the hardware commands' hosts
import { MODEL_ML2 } from './network.commands.js';
import './block.commands.js';
// Nova after Neutron and Cinder: its servers' ports and volumes join their models (its setup reads them)
import { COMPUTE_COMMANDS, computeOutcomes, stubbedCommands } from './compute.commands.js';
// last: the REST commands drive every service above through the handler
import './rest.commands.js';

const SEED = 1_126_2026;
const COMPUTE_SEED = 14_2026;
/** How often each command kind ran, so the suite shows it exercised every command. */
const ran = new Map<string, number>();

/** Wraps a command so the invariants are checked after each step. */
class Checked implements CloudCommand {
  constructor(
    readonly inner: CloudCommand,
    readonly counted = true,
  ) {}
  check(m: Readonly<CloudModel>): boolean {
    return this.inner.check(m);
  }
  run(m: CloudModel, r: CloudReal): void {
    if (this.counted) ran.set(this.inner.constructor.name, (ran.get(this.inner.constructor.name) ?? 0) + 1);
    this.inner.run(m, r);
    checkInvariants(m, r);
  }
  toString(): string {
    return this.inner.toString();
  }
}

/** A fresh cloud of the suite's options and its model, every module's setup run. */
function setup(): { model: CloudModel; real: CloudReal } {
  const model = emptyModel();
  const real: CloudReal = { cloud: createCloud({ seed: 7, preset: 'empty', identity: { password_hash_rounds: 1 }, object: { ring: { part_power: 6 } }, network: { ml2: MODEL_ML2 } } as CloudOptions), sessions: new Map() };
  runSetups(model, real);
  return { model, real };
}

describe(`model-based: random sequences over ${registeredModules().join(', ')}`, () => {
  it(`every command keeps the model and the cloud in agreement (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.commands(allCommands().map((a) => a.map((c) => new Checked(c))), { maxCommands: 60, size: '+1' }), (cmds) => {
        fc.modelRun(setup, cmds);
      }),
      { seed: SEED, numRuns: 150 },
    );
    // every registered command kind ran, many times — but the compute commands whose session
    // methods are still stubs, which their `check` skips (listed here until they are written)
    const stubbed = stubbedCommands();
    if (stubbed.length > 0) console.info(`compute commands skipped until their session methods are written and their task kinds registered: ${stubbed.join('; ')}`);
    expect([...ran.keys()].sort(), JSON.stringify([...ran])).toHaveLength(allCommands().length - stubbed.length);
    for (const [kind, count] of ran) expect(count, kind).toBeGreaterThan(0);
  }, 180_000); // 150 runs of up to 60 commands over six services: ~25 s alone, more on a shared machine

  // Nova's commands are a tenth of the mix above, so a run there rarely fills a host or a quota:
  // here they run alone (over the same world, every module's invariants checked after each step)
  it(`nova's commands alone keep the model and the cloud in agreement (seed ${COMPUTE_SEED})`, () => {
    fc.assert(
      fc.property(fc.commands(COMPUTE_COMMANDS.map((a) => a.map((c) => new Checked(c, false))), { maxCommands: 50, size: '+1' }), (cmds) => {
        fc.modelRun(setup, cmds);
      }),
      { seed: COMPUTE_SEED, numRuns: 80 },
    );
    console.info(`compute calls by answer (both properties):\n  ${computeOutcomes().join('\n  ')}`);
  }, 180_000);
});
