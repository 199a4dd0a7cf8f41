/**
 * Test support for the block service while its API grows: call a block function inside the same
 * request pipeline and transaction `session.block`'s methods use (its private `write` / `read`),
 * so a file's functions can be tested before their `BlockApi` method exists. Also the DevStack
 * world every block test starts from.
 */
import { createCloud, type Cloud, type Session } from '../../src/index.js';
import type { Tx } from '../../src/core/index.js';
import type { Ctx } from '../../src/block/context.js';

interface Internals {
  write<R>(operation: string, fn: (tx: Tx, ctx: Ctx) => R): R;
  read(): Ctx;
}

/** Runs `fn` as one write of `session.block` (token check, one transaction, tasks drained). */
export function blockWrite<R>(session: Session, operation: string, fn: (tx: Tx, ctx: Ctx) => R): R {
  return (session.block as unknown as Internals).write(operation, fn);
}

/** The block context of a session's read. */
export function blockRead(session: Session): Ctx {
  return (session.block as unknown as Internals).read();
}

/** A DevStack cloud with admin, demo, alt_demo and demo_reader sessions. */
export interface BlockWorld {
  readonly cloud: Cloud;
  readonly admin: Session;
  readonly demo: Session;
  readonly alt: Session;
  readonly reader: Session;
}

/** The devstack preset (one `lvmdriver-1` backend on `controller`) and its sessions; `options` are merged into createCloud's. */
export function blockWorld(seed = 1, options: Record<string, unknown> = {}): BlockWorld {
  const cloud = createCloud({ seed, preset: 'devstack', ...options });
  return {
    cloud,
    admin: cloud.admin,
    demo: cloud.login({ username: 'demo', password: 'secret', project: 'demo' }),
    alt: cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' }),
    reader: cloud.login({ username: 'demo_reader', password: 'secret', project: 'demo' }),
  };
}
