/**
 * Keystone as the cloud assembles it: its slice, its policy defaults, its catalog entry, what
 * `keystone-manage bootstrap` creates, DevStack's accounts, and `session.identity`.
 */
import type { ServiceDescriptor } from '../core/index.js';
import { IdentityApi } from './api.js';
import { bootstrap, CONTROLLER_URL, devstackAccounts, initialIdentityState } from './bootstrap.js';
import { checkIdentityConfig, type IdentityConfig } from './config.js';
import type { RequestPipeline } from './pipeline.js';
import { KEYSTONE_POLICIES } from './policies.js';
import { identityRest } from './rest.js';
import { TOKEN_FLUSH_TASK, flushTokens } from './tokens.js';

/** What identity adds to a session. */
export interface IdentitySession {
  /** Keystone v3. */
  readonly identity: IdentityApi;
}

/** The identity service (Keystone v3). Option `identity`: token lifetime, password hash cost, lockout, notifications. */
export const identityService: ServiceDescriptor<IdentityConfig, IdentitySession, object, object, RequestPipeline> = {
  name: 'identity',
  slices: ['identity'],
  option: { key: 'identity', check: (input) => checkIdentityConfig(input) },
  initialState: (config) => ({ identity: initialIdentityState(config) }),
  policies: KEYSTONE_POLICIES,
  catalog: [{ type: 'identity', name: 'keystone', description: 'Keystone Identity Service', url: `${CONTROLLER_URL}/identity` }],
  tasks: { [TOKEN_FLUSH_TASK]: flushTokens },
  bootstrap: (tx, context) => bootstrap(tx, context.adminPassword),
  deploy: (tx, context) => {
    if (context.preset === 'devstack') devstackAccounts(tx, context.adminPassword);
  },
  session: (requests) => ({ identity: new IdentityApi(requests) }),
  rest: identityRest,
};
