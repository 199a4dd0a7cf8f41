/**
 * Identity (Keystone v3): domains, projects, users, groups, roles and implied roles, role
 * assignments with inheritance, password and application-credential authentication, scoped
 * tokens with the catalog, revocation, and Keystone's default policy rules.
 */
import type {} from './state.js';
import type {} from './events.js';

export * from './types.js';
export * from './views.js';
export { IdentityApi, flatten, type GrantRequest } from './api.js';
export { RequestPipeline, type Request, type TokenSource } from './pipeline.js';
export { identityService, type IdentitySession } from './service.js';
export { TOKEN_FLUSH_TASK, ALLOW_EXPIRED_WINDOW, REVOKE_EXPIRATION_BUFFER, authenticate, validateToken, tokenView, credentialsOf, rolesOf, AuthenticationFailed, AUTH_FAILED, type LoginRequest, type AuthOutcome, type ValidToken, type TokenView } from './tokens.js';
export { effectiveRoles, contributingAssignments, type RoleAssignmentView, type RoleAssignmentFilter } from './assignments.js';
export { catalogView, formatEndpointUrl, registerService, type CatalogEntry, type CatalogScope } from './catalog.js';
export { initialIdentityState, bootstrap, devstackAccounts, CONTROLLER_URL } from './bootstrap.js';
export { IDENTITY_DEFAULTS, checkIdentityConfig, type IdentityConfig } from './config.js';
export { KEYSTONE_POLICIES } from './policies.js';
export { DEFAULT_DOMAIN_ID, getDomain, getProject, getUser, getGroup, getRole } from './queries.js';
export { hashSecret, verifySecret } from './passwords.js';
export type { IdentityNotification } from './events.js';
