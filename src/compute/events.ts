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

/**
 * The payload of the conductor's `compute_task.<method>` errors (`build_instances`,
 * `migrate_server`, `rebuild_server`, `unshelve_instance`): `scheduler_utils.set_vm_state_and_notify`'s
 * `dict(request_spec, instance_properties, instance_id, state, method, reason)`.
 */
export interface ComputeTaskErrorPayload {
  /** The request spec as `to_legacy_request_spec_dict` gives it (the parts stacksim keeps). */
  readonly request_spec: Readonly<Record<string, unknown>>;
  readonly instance_properties: Readonly<Record<string, unknown>>;
  readonly instance_id: string;
  /** The vm_state the instance was set to. */
  readonly state: string;
  readonly method: string;
  /** The exception's text. */
  readonly reason: string;
}

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
      // issue 15's moves (legacy names, nova/compute/manager.py; notes in src/compute/migrations.ts)
      Phases<'compute.instance.resize.prep', InstanceUsage>,
      Phases<'compute.instance.resize', InstanceUsage>,
      Phases<'compute.instance.finish_resize', InstanceUsage>,
      Phases<'compute.instance.resize.confirm', InstanceUsage>,
      Phases<'compute.instance.resize.revert', InstanceUsage>,
      Phases<'compute.instance.live_migration.pre', InstanceUsage>,
      Phases<'compute.instance.live_migration._post', InstanceUsage>,
      Phases<'compute.instance.live_migration.post.dest', InstanceUsage>,
      Phases<'compute.instance.live_migration._rollback', InstanceUsage>,
      Phases<'compute.instance.live_migration.rollback.dest', InstanceUsage>,
      Phases<'compute.instance.live.migration.abort', InstanceUsage>,
      Phases<'compute.instance.live.migration.force.complete', InstanceUsage>,
      Phases<'compute.instance.shelve', InstanceUsage>,
      Phases<'compute.instance.shelve_offload', InstanceUsage>,
      Phases<'compute.instance.unshelve', InstanceUsage>,
      Record<'compute.instance.resize.error' | 'compute.instance.evacuate' | 'compute.instance.rebuild.scheduled', InstanceUsage>,
      Record<'compute_task.build_instances' | 'compute_task.migrate_server' | 'compute_task.rebuild_server' | 'compute_task.unshelve_instance', ComputeTaskErrorPayload>,
      Record<'servergroup.create' | 'servergroup.delete', ServerGroupPayload>,
      Phases<'keypair.import' | 'keypair.create' | 'keypair.delete', KeypairPayload> {}
}

export {};
