/** What identity adds to the kernel's open interfaces: its notifications and hook points. */
import type { Tx } from '../core/index.js';
import type { ProjectRow, UserRow } from './types.js';

/**
 * A Keystone CADF-style notification payload (Keystone's "basic" format carries
 * `resource_info`; the CADF format adds the initiator and action).
 */
export interface IdentityNotification {
  /** The id of the resource acted on. */
  readonly resource_info: string;
  /** `created`, `updated`, `deleted`, `authenticate`, … */
  readonly action: string;
  readonly initiator?: { readonly user_id?: string; readonly project_id?: string; readonly domain_id?: string };
  readonly outcome?: 'success' | 'failure';
}

declare module '../core/bus.js' {
  interface CloudEventMap {
    'identity.domain.created': IdentityNotification;
    'identity.domain.updated': IdentityNotification;
    'identity.domain.deleted': IdentityNotification;
    'identity.project.created': IdentityNotification;
    'identity.project.updated': IdentityNotification;
    'identity.project.deleted': IdentityNotification;
    'identity.user.created': IdentityNotification;
    'identity.user.updated': IdentityNotification;
    'identity.user.deleted': IdentityNotification;
    'identity.group.created': IdentityNotification;
    'identity.group.updated': IdentityNotification;
    'identity.group.deleted': IdentityNotification;
    'identity.role.created': IdentityNotification;
    'identity.role.updated': IdentityNotification;
    'identity.role.deleted': IdentityNotification;
    'identity.implied_role.created': IdentityNotification;
    'identity.implied_role.deleted': IdentityNotification;
    'identity.role_assignment.created': IdentityNotification & { readonly role: string; readonly user?: string; readonly group?: string; readonly project?: string; readonly domain?: string; readonly system?: string; readonly inherited_to_projects: boolean };
    'identity.role_assignment.deleted': IdentityNotification & { readonly role: string; readonly user?: string; readonly group?: string; readonly project?: string; readonly domain?: string; readonly system?: string; readonly inherited_to_projects: boolean };
    'identity.application_credential.created': IdentityNotification;
    'identity.application_credential.deleted': IdentityNotification;
    'identity.region.created': IdentityNotification;
    'identity.region.deleted': IdentityNotification;
    'identity.service.created': IdentityNotification;
    'identity.service.deleted': IdentityNotification;
    'identity.endpoint.created': IdentityNotification;
    'identity.endpoint.deleted': IdentityNotification;
    /** Only when opted in (`identity.notify_authenticate`), as Zed's `notification_opt_out` default. */
    'identity.authenticate': IdentityNotification;
    /** A token was revoked (Keystone's `identity.OS-TRUST:trust`-less revoke event). */
    'identity.token.revoked': IdentityNotification;
  }
}

declare module '../core/kernel.js' {
  interface CloudHooks {
    /** A project is about to be deleted; a service refuses (409) while it holds resources there. */
    'identity.project.deleting': (tx: Tx, project: ProjectRow) => void;
    /** A user is about to be deleted. */
    'identity.user.deleting': (tx: Tx, user: UserRow) => void;
  }
}
