/**
 * nova.conf of the API, conductor and compute services that stacksim models, with Zed's defaults
 * (`nova/conf/availability_zone.py`, `compute.py`, `scheduler.py`, `base.py`, `api.py`,
 * `service.py`), and the compute slice's initial value. Option `nova` of `createCloud`.
 */
import { InvalidInput, check, emptyTable } from '../core/index.js';
import type { ComputeState, NovaConfig } from './types.js';

/** Zed's defaults. */
export const NOVA_DEFAULTS: NovaConfig = Object.freeze({
  default_availability_zone: 'nova',
  internal_service_availability_zone: 'internal',
  default_schedule_zone: null,
  reclaim_instance_interval: 0,
  max_attempts: 3,
  max_local_block_devices: 3,
  service_down_time: 60,
  consecutive_build_service_disable_threshold: 10,
  shelved_offload_time: 0,
  shelved_poll_interval: 3600,
  allow_resize_to_same_host: null,
  resize_confirm_window: 0,
  migrate_max_retries: -1,
  max_concurrent_live_migrations: 1,
  instance_name_template: 'instance-%08x',
  enable_instance_password: true,
  max_limit: 1000,
  password_length: 12,
});

/** What `createCloud({ nova })` accepts: any of {@link NovaConfig}'s options. */
export type NovaOptions = Partial<NovaConfig>;

const ZONE = /^[^:]{1,255}$/;

/** Checks the `nova` option, naming the field; Zed's defaults fill the rest. */
export function checkNovaOptions(input: unknown): NovaConfig {
  if (input === undefined) return NOVA_DEFAULTS;
  const o = check.record(input, 'options.nova');
  check.onlyKeys(o, Object.keys(NOVA_DEFAULTS), 'options.nova');
  const out: Record<string, unknown> = { ...NOVA_DEFAULTS };
  const zone = (k: string): string => {
    const v = check.name(o[k], `options.nova.${k}`, 255);
    if (!ZONE.test(v)) throw new InvalidInput(`options.nova.${k}`, 'must be an availability zone name without ":".');
    return v;
  };
  if (o.default_availability_zone !== undefined) out.default_availability_zone = zone('default_availability_zone');
  if (o.internal_service_availability_zone !== undefined) out.internal_service_availability_zone = zone('internal_service_availability_zone');
  if (o.default_schedule_zone !== undefined) out.default_schedule_zone = o.default_schedule_zone === null ? null : zone('default_schedule_zone');
  for (const [k, min, max] of [['reclaim_instance_interval', 0, 0], ['max_attempts', 1, 100], ['max_local_block_devices', -1, 1000], ['service_down_time', 1, 86_400], ['consecutive_build_service_disable_threshold', 0, 1_000_000], ['max_limit', 1, 100_000], ['password_length', 0, 255], ['shelved_offload_time', -1, 31_536_000], ['shelved_poll_interval', 1, 31_536_000], ['resize_confirm_window', 0, 0], ['migrate_max_retries', -1, 1000], ['max_concurrent_live_migrations', 0, 1000]] as const) {
    if (o[k] !== undefined) out[k] = check.integer(o[k], `options.nova.${k}`, min, max);
  }
  if (o.allow_resize_to_same_host !== undefined) out.allow_resize_to_same_host = o.allow_resize_to_same_host === null ? null : check.boolean(o.allow_resize_to_same_host, 'options.nova.allow_resize_to_same_host');
  if (o.enable_instance_password !== undefined) out.enable_instance_password = check.boolean(o.enable_instance_password, 'options.nova.enable_instance_password');
  if (o.instance_name_template !== undefined) {
    const t = check.name(o.instance_name_template, 'options.nova.instance_name_template', 255);
    if (!/%(0\d+)?[xd]/.test(t)) throw new InvalidInput('options.nova.instance_name_template', 'must hold %x, %d or %08x.');
    out.instance_name_template = t;
  }
  return Object.freeze(out) as unknown as NovaConfig;
}

/** An empty compute slice. */
export function initialComputeState(config: NovaConfig): ComputeState {
  return {
    config,
    flavors: emptyTable(),
    flavor_access: emptyTable(),
    keypairs: emptyTable(),
    servers: emptyTable(),
    project_servers: emptyTable(),
    host_servers: emptyTable(),
    bdms: emptyTable(),
    actions: emptyTable(),
    server_groups: emptyTable(),
    image_cache: emptyTable(),
    next_instance_id: 1,
    services: emptyTable(),
    next_service_id: 1,
    migrations: emptyTable(),
    instance_migrations: emptyTable(),
    next_migration_id: 1,
  };
}
