/**
 * The services of a cloud, in dependency order. `createCloud`, `Session` and `cloud.anonymous`
 * are derived from this list: its order is the order slices are made in, policies registered,
 * hooks run, bootstrap and deploy steps taken. Adding a service is one folder exporting one
 * descriptor (`src/<service>/service.ts`) and one line here (docs/ARCHITECTURE.md).
 */
import type { PartsOf } from './core/index.js';
import { hardwareService } from './hardware/index.js';
import { identityService } from './identity/index.js';
import { schedulerService } from './scheduler/index.js';
import { objectService } from './object/index.js';
import { imageService } from './image/index.js';
import { networkService } from './network/index.js';
import { blockService } from './block/index.js';
import { computeService } from './compute/index.js';

/** Every service, left to right: a service may use only those before it. */
export const SERVICES = [hardwareService, identityService, schedulerService, objectService, imageService, networkService, blockService, computeService] as const;

/** The service APIs of a session (`session.identity`, `session.image`, …). */
export type SessionApis = PartsOf<typeof SERVICES, 'session'>;

/** The operator APIs of a cloud (`cloud.hardware`, `cloud.scheduler`, `cloud.object`). */
export type OperatorApis = PartsOf<typeof SERVICES, 'operator'>;

/** What requests without a token reach (`cloud.anonymous.object`). */
export type AnonymousApis = PartsOf<typeof SERVICES, 'anonymous'>;
