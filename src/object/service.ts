/**
 * Swift as the cloud assembles it: its slice and options, the rings built from the storage
 * hosts, its catalog entry, its hooks on the hardware and its timers, `session.object`,
 * `cloud.object` and `cloud.anonymous.object`.
 */
import type { ServiceDescriptor } from '../core/index.js';
import { CONTROLLER_URL, type RequestPipeline } from '../identity/index.js';
import { ObjectApi } from './api.js';
import { checkObjectOptions, initialObjectState } from './config.js';
import { buildRings } from './index.js';
import { OBJECT_HOOKS, OBJECT_TASKS, ObjectOperatorApi } from './operator.js';
import { objectRest } from './rest.js';
import type { RingShape } from './rings.js';
import type { ObjectConfig } from './types.js';

/** What Swift adds to a session. */
export interface ObjectSession {
  /** Object Storage (Swift v1), behind keystoneauth: the project's account `AUTH_<project_id>`. */
  readonly object: ObjectApi;
}

/** What Swift adds to the cloud. */
export interface ObjectOperator {
  /** Swift as its operator sees it: rings, where a path lives, disk usage and failures, replication. */
  readonly object: ObjectOperatorApi;
}

/** What requests without a token reach. */
export interface ObjectAnonymous {
  /** Swift without a token (only what container ACLs such as `.r:*` allow). */
  readonly object: ObjectApi;
}

/**
 * The object service (Swift). Option `object`: `[swift-hash]` prefix and suffix, storage
 * policies, the rings' `create` shape, keystoneauth's `operator_roles` and `reseller_admin_role`.
 */
export const objectService: ServiceDescriptor<{ config: ObjectConfig; ring: RingShape }, ObjectSession, ObjectOperator, ObjectAnonymous, RequestPipeline, RequestPipeline<null>> = {
  name: 'object',
  slices: ['object'],
  option: { key: 'object', check: (input, context) => checkObjectOptions(input, context.preset === 'devstack', context.preset === 'devstack' && !context.topologyGiven) },
  initialState: (options) => ({ object: initialObjectState(options.config) }),
  catalog: [{ type: 'object-store', name: 'swift', description: 'Swift Service', url: `${CONTROLLER_URL}:8080/v1/AUTH_%(project_id)s` }],
  hooks: OBJECT_HOOKS,
  tasks: OBJECT_TASKS,
  bootstrap: (tx, context) => buildRings(tx, context.options.ring),
  session: (requests) => ({ object: new ObjectApi(requests) }),
  operator: (kernel) => ({ object: new ObjectOperatorApi(kernel) }),
  anonymous: (requests) => ({ object: new ObjectApi(requests) }),
  rest: objectRest,
};
