/**
 * What every service's request context does with policy the same way: ask the engine whether the
 * caller's credentials pass a rule on a target, and build the two targets OpenStack's services
 * build (a project-owned row's `{project_id, user_id}`, the caller's own for a create or a list).
 * Each service keeps its own `enforce` (its 403 class and message).
 */
import { freezeView } from '../freeze.js';
import type { PolicyEngine } from './engine.js';
import type { PolicyCredentials } from './evaluate.js';

/** The policy part of a service's request context. */
export interface PolicyCaller {
  readonly policy: PolicyEngine;
  readonly creds: PolicyCredentials;
}

/** Whether a registered rule allows the caller on `target`. */
export function callerAllowed(caller: PolicyCaller, rule: string, target: Record<string, unknown>): boolean {
  return caller.policy.authorize(rule, caller.creds, target);
}

/** The target of a project-owned row: its `project_id`, and its `user_id` where the row has one. */
export function ownerTarget(row: { readonly project_id: string; readonly user_id?: string }): Record<string, unknown> {
  return row.user_id === undefined ? { project_id: row.project_id } : { project_id: row.project_id, user_id: row.user_id };
}

/** The target of a create or a list: the caller's own project and user. */
export function callerTarget(caller: { readonly projectId: string | null; readonly userId: string }): Record<string, unknown> {
  return { project_id: caller.projectId, user_id: caller.userId };
}

/** Credentials {@link sealCredentials} froze all the way down: nothing can change them any more. */
const SEALED = new WeakSet<object>();

/**
 * Freezes credentials all the way down and marks them sealed, so what depends on them alone may
 * be kept per credentials object: the engine keeps the answers of rules that read only the
 * credentials, and a service's context builds its own credentials from them once
 * ({@link serviceCredentials}). For plain data (objects, arrays, primitives), as oslo.context's
 * policy values are. Returns `creds`.
 */
export function sealCredentials<C extends PolicyCredentials>(creds: C): C {
  freezeView(creds);
  SEALED.add(creds);
  return creds;
}

/** Whether `creds` were sealed by {@link sealCredentials}. */
export function isSealedCredentials(creds: unknown): boolean {
  return typeof creds === 'object' && creds !== null && SEALED.has(creds);
}

/** Per sealed base credentials, per service, the credentials built from them, by variant. */
const DERIVED = new WeakMap<object, Map<string, (PolicyCredentials | undefined)[]>>();

/**
 * A service's credentials: the token's (`base`) plus the keys the service adds (nova's
 * `is_admin`, Neutron's `tenant_id`). `build` runs once per sealed `base`, `service` and
 * `variant` — a small number standing for every value `build` reads besides `base` (whether the
 * caller is an admin) — and its result is sealed in turn, so the engine keeps answers for it too.
 * For credentials that are not sealed, `build` runs every time and its result is left as it is.
 */
export function serviceCredentials(service: string, base: PolicyCredentials, variant: number, build: () => PolicyCredentials): PolicyCredentials {
  if (!SEALED.has(base)) return build();
  let byService = DERIVED.get(base);
  if (byService === undefined) DERIVED.set(base, (byService = new Map()));
  let variants = byService.get(service);
  if (variants === undefined) byService.set(service, (variants = []));
  return (variants[variant] ??= sealCredentials(build()));
}
