/**
 * Shared helpers of the Placement tests. Everything goes through the public API
 * (`createCloud`, `cloud.systemAdmin.placement`, `cloud.scheduler`, `cloud.hardware`): no state is
 * read or written directly, except `cloud.state` to check that a refused call changed nothing.
 */
import { expect } from 'vitest';
import { createCloud, CloudError, type Cloud, type CloudOptions, type HostGroup, type InventoryBody, type Session, type Topology } from '../../../src/index.js';

/** `session.placement`. */
export type Placement = Session['placement'];

/** DevStack's password for every account. */
export const PW = 'secret';

/** The largest integer Placement stores (db MAX_INT): the default `max_unit`. */
export const MAX_INT = 2_147_483_647;

/** DevStack (controller, compute1, compute2) with a cheap password hash so logins cost microseconds. */
export function devstack(seed: number, options: Omit<CloudOptions, 'seed'> = {}): Cloud {
  return createCloud({ ...options, seed, identity: { password_hash_rounds: 1, ...options.identity } });
}

/** A cloud with no hosts at all (`preset: 'empty'`): Placement starts with no resource provider. */
export function bare(seed: number): Cloud {
  return createCloud({ seed, preset: 'empty', identity: { password_hash_rounds: 1 } });
}

/** A cloud built from a topology (`preset: 'empty'`): one provider per host with the compute role. */
export function fleet(seed: number, topology: Topology, options: Omit<CloudOptions, 'seed' | 'preset' | 'topology'> = {}): Cloud {
  return createCloud({ ...options, seed, preset: 'empty', topology, identity: { password_hash_rounds: 1, ...options.identity } });
}

/**
 * A deterministic UUID per kind and number, e.g. `uuid('c', 1)` =
 * `c0000000-0000-4000-8000-000000000001` (kinds: any hex digit).
 */
export function uuid(kind: string, n: number): string {
  return `${kind}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export type { InventoryBody } from '../../../src/index.js';
export { caught, expectRefusal, refused, type Refusal } from '../../support/refusal.js';

/** Creates a provider (optionally with a uuid and parent) and sets its inventories; returns its uuid. */
export function provider(p: Placement, name: string, inventories: Record<string, InventoryBody> = {}, extra: { uuid?: string; parent_provider_uuid?: string } = {}): string {
  const rp = p.createResourceProvider({ name, ...extra });
  if (Object.keys(inventories).length > 0) p.setInventories(rp.uuid, { resource_provider_generation: rp.generation, inventories });
  return rp.uuid;
}

/** Replaces a provider's inventories at its current generation. */
export function setInventories(p: Placement, rp: string, inventories: Record<string, InventoryBody>): void {
  p.setInventories(rp, { resource_provider_generation: p.getResourceProvider(rp).generation, inventories });
}

/** The generation of a provider now. */
export function generation(p: Placement, rp: string): number {
  return p.getResourceProvider(rp).generation;
}

/** A consumer's generation as Placement shows it (null when the consumer holds nothing). */
export function consumerGeneration(p: Placement, consumer: string): number | null {
  return p.getAllocations(consumer).consumer_generation ?? null;
}

/**
 * `PUT /allocations/{consumer}` at the consumer's current generation (null for a new one), as
 * nova's report client does after reading the consumer.
 */
export function claim(p: Placement, consumer: string, allocations: Record<string, Record<string, number>>, who: { project_id?: string; user_id?: string; consumer_type?: 'INSTANCE' | 'MIGRATION' } = {}): void {
  p.putAllocations(consumer, {
    allocations: Object.fromEntries(Object.entries(allocations).map(([rp, resources]) => [rp, { resources }])),
    project_id: who.project_id ?? 'project-a',
    user_id: who.user_id ?? 'user-a',
    consumer_generation: consumerGeneration(p, consumer),
    ...(who.consumer_type !== undefined ? { consumer_type: who.consumer_type } : {}),
  });
}

/** Usage of one class on a provider (`GET /resource_providers/{uuid}/usages`). */
export function used(p: Placement, rp: string, rc: string): number {
  return p.getProviderUsages(rp).usages[rc] ?? 0;
}

/** A small compute host description for topologies: `vcpus` logical CPUs (1 socket, 1 thread per core). */
export function computeHost(name: string, vcpus: number, memory_mb: number, disk_gb: number, extra: Partial<HostGroup> = {}): HostGroup {
  return {
    name,
    roles: ['compute'],
    cpu: { sockets: 1, cores_per_socket: vcpus, threads_per_core: 1 },
    memory_mb,
    disks: disk_gb > 0 ? [{ name: 'sda', size_gb: disk_gb }] : [],
    ...extra,
  };
}
