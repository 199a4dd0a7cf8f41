/**
 * What nova adds to the kernel's open interfaces: its legacy notifications
 * (`nova/compute/utils.py` `notify_about_instance_usage`: `compute.instance.<action>.start` /
 * `.end` / `.error` with `info_from_instance`'s payload, published as `compute.<host>`), the
 * conductor's `compute_task.build_instances` error, and the API's `compute.instance.exists`.
 */
import type { InstanceUsage } from './views.js';

type Phases<R extends string, P> = Record<`${R}.start` | `${R}.end`, P>;

/** The payload of `keypair.import.*` / `keypair.create.*` / `keypair.delete.*` (`KeypairAPI._notify`). */
export interface KeypairPayload {
  readonly tenant_id: string;
  readonly user_id: string;
  readonly key_name: string;
}

/** The payload of `servergroup.create` / `.delete` (`nova/compute/utils.py` `notify_about_server_group_update`). */
export interface ServerGroupPayload {
  readonly server_group_id: string;
  readonly name: string;
  readonly project_id: string;
  readonly policy?: string;
  readonly rules?: Readonly<Record<string, unknown>>;
  readonly user_id?: string;
}

/** The payload of `compute_task.build_instances` (`scheduler_utils.set_vm_state_and_notify`). */
export type BuildInstancesErrorPayload = InstanceUsage & { readonly method: string };

declare module '../core/bus.js' {
  interface CloudEventMap
    extends Phases<'compute.instance.create', InstanceUsage>,
      Phases<'compute.instance.delete', InstanceUsage>,
      Phases<'compute.instance.shutdown', InstanceUsage>,
      Phases<'compute.instance.power_off', InstanceUsage>,
      Phases<'compute.instance.power_on', InstanceUsage>,
      Phases<'compute.instance.reboot', InstanceUsage>,
      Phases<'compute.instance.rebuild', InstanceUsage>,
      Phases<'compute.instance.pause', InstanceUsage>,
      Phases<'compute.instance.unpause', InstanceUsage>,
      Phases<'compute.instance.suspend', InstanceUsage>,
      Phases<'compute.instance.resume', InstanceUsage>,
      Phases<'compute.instance.rescue', InstanceUsage>,
      Phases<'compute.instance.unrescue', InstanceUsage>,
      Phases<'compute.instance.snapshot', InstanceUsage>,
      Phases<'compute.instance.volume.attach', InstanceUsage>,
      Phases<'compute.instance.volume.detach', InstanceUsage>,
      Phases<'compute.instance.interface.attach', InstanceUsage>,
      Phases<'compute.instance.interface.detach', InstanceUsage>,
      Record<'compute.instance.create.error' | 'compute.instance.rebuild.error' | 'compute.instance.exists' | 'compute.instance.update' | 'compute.instance.volume.attach' | 'compute.instance.volume.detach', InstanceUsage>,
      Record<'compute_task.build_instances', BuildInstancesErrorPayload>,
      Record<'servergroup.create' | 'servergroup.delete', ServerGroupPayload>,
      Phases<'keypair.import' | 'keypair.create' | 'keypair.delete', KeypairPayload> {}
}

export {};
