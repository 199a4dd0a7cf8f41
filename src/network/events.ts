/**
 * What Neutron adds to the kernel's open interfaces: its notifications. Neutron's controller
 * (`neutron/api/v2/base.py`) sends `<resource>.<action>.end` after a create, update or delete,
 * with the resource's view under its singular name (`{ network: {...} }`); a delete's payload
 * also carries `<resource>_id`. Routers add `router.interface.create` / `.delete`
 * (`l3_db.py` `notify_router_interface_action`) with `router_interface`.
 *
 * Not sent: the `.start` notifications (they carry the request body, not a resource).
 */

import type { RouterInterfaceInfo } from './routers.js';

/** The payload of a `<resource>.<action>.end` notification: the view under the resource's name, and the id on delete. */
export type NeutronNotification = Readonly<Record<string, unknown>>;

/** `router.interface.create` / `.delete`: what `add_router_interface` answers. */
export interface RouterInterfaceNotification {
  readonly router_interface: RouterInterfaceInfo;
}

type Crud<R extends string> = Record<`${R}.create.end` | `${R}.update.end` | `${R}.delete.end`, NeutronNotification>;

declare module '../core/bus.js' {
  interface CloudEventMap
    extends Crud<'network'>,
      Crud<'subnet'>,
      Crud<'subnetpool'>,
      Crud<'port'>,
      Crud<'router'>,
      Crud<'floatingip'>,
      Crud<'security_group'>,
      Crud<'security_group_rule'>,
      Crud<'rbac_policy'> {
    'router.interface.create': RouterInterfaceNotification;
    'router.interface.delete': RouterInterfaceNotification;
  }
}

export {};

/**
 * The `publisher_id` of Neutron's notifications: neutron-server's notifier is `network.<host>`
 * (`neutron_lib/rpc.py` `get_notifier('network')`, `publisher_id = 'network.' + host`); the
 * server runs on DevStack's controller.
 */
export const NEUTRON_PUBLISHER = Object.freeze({ publisher: 'network.controller' });
