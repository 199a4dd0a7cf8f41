/**
 * What every service's request context does with policy the same way: ask the engine whether the
 * caller's credentials pass a rule on a target, and build the two targets OpenStack's services
 * build (a project-owned row's `{project_id, user_id}`, the caller's own for a create or a list).
 * Each service keeps its own `enforce` (its 403 class and message).
 */
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
