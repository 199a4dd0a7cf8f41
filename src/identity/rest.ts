/**
 * Keystone v3 over REST, mounted at `/identity` as DevStack serves it: version discovery,
 * authentication and tokens (`rest_auth.ts`), every resource `session.identity` answers
 * (`rest_resources.ts`), and Keystone's fault body `{"error": {"code", "title", "message"}}`
 * (`keystone/server/flask/application.py` `_handle_keystone_exception`) for every error.
 */
import { reasonPhrase, type CloudError, type RestFaultContext, type RestResponse, type RestService } from '../core/index.js';
import type { IdentitySession } from './service.js';
import { AUTH_ROUTES } from './rest_auth.js';
import { RESOURCE_ROUTES } from './rest_resources.js';

/** The kinds of identity's not-found errors, and the word Keystone's `*NotFound` uses for each. */
const NOT_FOUND_WORDS: Readonly<Record<string, string>> = {
  'identity.domain': 'domain',
  'identity.project': 'project',
  'identity.user': 'user',
  'identity.group': 'group',
  'identity.role': 'role',
};

/**
 * An error's message in Keystone's words where stacksim's differ: a policy refusal is
 * `ForbiddenAction` ("You are not authorized to perform the requested action: identity:…."),
 * a missing domain, project, user, group or role is its `*NotFound` ("Could not find project: …").
 */
export function keystoneMessage(error: CloudError): string {
  const details = error.details as Readonly<Record<string, unknown>>;
  if (error.code === 'core.policy.forbidden' && typeof details.rule === 'string') return `You are not authorized to perform the requested action: ${details.rule}.`;
  if (error.status === 404 && typeof details.kind === 'string' && typeof details.ref === 'string') {
    const word = NOT_FOUND_WORDS[details.kind];
    if (word !== undefined) return `Could not find ${word}: ${details.ref}.`;
  }
  return error.message;
}

/** Keystone's fault body for an error (the handler adds `WWW-Authenticate` to a 401). */
export function keystoneFault(error: CloudError, _context: RestFaultContext): RestResponse {
  return { status: error.status, json: { error: { code: error.status, title: reasonPhrase(error.status), message: keystoneMessage(error) } } };
}

/** Keystone v3 under `/identity`: discovery, auth and every resource route of `session.identity`. */
export const identityRest: RestService<IdentitySession, object> = {
  mount: '/identity',
  routes: [...AUTH_ROUTES, ...RESOURCE_ROUTES],
  fault: keystoneFault,
};
