/**
 * Hardware commands (draft mutators run inside a transaction); the guarded getters are in
 * `queries.ts`. The public wrappers live in `index.ts`.
 */
import {
  check,
  Conflict,
  Duplicate,
  InvalidInput,
  getRow,
  setRow,
  tableToArray,
  emptyTable,
  type CloudState,
  type Tx,
} from '../core/index.js';
import {
  checkComputeCapable,
  checkCpu,
  checkDisks,
  checkHostModel,
  checkHostname,
  checkHypervisorType,
  checkNics,
  checkRoles,
  checkZoneName,
  MODEL_KEYS,
} from './spec.js';
import type {} from './state.js';
import type {} from './events.js';
import { getAvailabilityZone, getHost, getHostModel, getRack, getRegion, namedHosts } from './queries.js';
import { hostView } from './views.js';
import { logicalCpus, type AvailabilityZone, type HardwareState, type Host, type HostRole, type HostStatus, type NamedHostModel, type Rack, type Region } from './types.js';

/** The region every cloud starts with, as Keystone bootstrap creates it. */
export const DEFAULT_REGION = 'RegionOne';

/** A fresh hardware slice: just `RegionOne`. */
export function initialHardwareState(): HardwareState {
  const regions = emptyTable<Region>();
  setRow(regions, DEFAULT_REGION, { name: DEFAULT_REGION, description: '' });
  return { regions, availability_zones: emptyTable(), racks: emptyTable(), models: emptyTable(), hosts: emptyTable(), host_names: emptyTable() };
}

// ---------------------------------------------------------------- topology containers

/** Adds a region. */
export function addRegion(tx: Tx, input: unknown, field = 'region'): Region {
  const r = check.record(input, field);
  check.onlyKeys(r, ['name', 'description'], field);
  const region: Region = { name: checkZoneName(r.name, `${field}.name`), description: check.optional(r.description, `${field}.description`, (x, f) => check.text(x, f), '') };
  if (getRow(tx.draft.hardware.regions, region.name)) throw new Duplicate('hardware.region', region.name);
  setRow(tx.draft.hardware.regions, region.name, region);
  tx.trace('hardware', 'region added', { name: region.name });
  tx.emit('hardware.region.create', { region });
  return region;
}

/** Adds an availability zone to a region (default: the only or `RegionOne`). */
export function addAvailabilityZone(tx: Tx, input: unknown, field = 'availability_zone'): AvailabilityZone {
  const a = check.record(input, field);
  check.onlyKeys(a, ['name', 'region'], field);
  const name = checkZoneName(a.name, `${field}.name`);
  if (name === 'internal') throw new InvalidInput(`${field}.name`, "'internal' is nova's zone for service-only hosts; pick another name.");
  const region = a.region === undefined ? defaultRegion(tx.draft as CloudState, `${field}.region`) : getRegion(tx.draft as CloudState, a.region, `${field}.region`).name;
  if (getRow(tx.draft.hardware.availability_zones, name)) throw new Duplicate('hardware.availability_zone', name);
  const az: AvailabilityZone = { name, region };
  setRow(tx.draft.hardware.availability_zones, name, az);
  tx.trace('hardware', 'availability zone added', { name, region });
  tx.emit('hardware.availability_zone.create', { availability_zone: az });
  return az;
}

/** Adds a rack, in an AZ (and so its region) or directly in a region. */
export function addRack(tx: Tx, input: unknown, field = 'rack'): Rack {
  const r = check.record(input, field);
  check.onlyKeys(r, ['name', 'availability_zone', 'region'], field);
  const name = checkZoneName(r.name, `${field}.name`);
  const where = locate(tx.draft as CloudState, { availability_zone: r.availability_zone, region: r.region }, field);
  if (getRow(tx.draft.hardware.racks, name)) throw new Duplicate('hardware.rack', name);
  const rack: Rack = { name, region: where.region, availability_zone: where.availability_zone };
  setRow(tx.draft.hardware.racks, name, rack);
  tx.trace('hardware', 'rack added', { ...rack });
  tx.emit('hardware.rack.create', { rack });
  return rack;
}

/** Stores a named host model so hosts can be added by model name. */
export function addHostModel(tx: Tx, input: unknown, field = 'model'): NamedHostModel {
  const m = check.record(input, field);
  const name = check.name(m.name, `${field}.name`, 255);
  const model: NamedHostModel = { name, ...checkHostModel(m, field, ['name']) };
  if (getRow(tx.draft.hardware.models, name)) throw new Duplicate('hardware.host_model', name);
  setRow(tx.draft.hardware.models, name, model);
  return model;
}

function defaultRegion(state: CloudState, field: string): string {
  if (getRow(state.hardware.regions, DEFAULT_REGION)) return DEFAULT_REGION;
  const all = tableToArray(state.hardware.regions);
  if (all.length === 1) return (all[0] as Region).name;
  throw new InvalidInput(field, `there are several regions (${all.map((r) => r.name).join(', ')}); name one.`);
}

/** Resolves where something sits from an optional rack / AZ / region, refusing contradictions. */
function locate(state: CloudState, where: { rack?: unknown; availability_zone?: unknown; region?: unknown }, field: string): { region: string; availability_zone: string | null; rack: string | null } {
  let region: string | undefined;
  let az: string | null = null;
  let rack: string | null = null;
  if (where.rack !== undefined && where.rack !== null) {
    const r = getRack(state, where.rack, `${field}.rack`);
    rack = r.name;
    az = r.availability_zone;
    region = r.region;
  }
  if (where.availability_zone !== undefined && where.availability_zone !== null) {
    const a = getAvailabilityZone(state, where.availability_zone, `${field}.availability_zone`);
    if (rack !== null && az !== a.name) throw new InvalidInput(`${field}.availability_zone`, `rack '${rack}' is in ${az === null ? 'no availability zone' : `availability zone '${az}'`}, not '${a.name}'.`);
    az = a.name;
    region = a.region;
  }
  if (where.region !== undefined && where.region !== null) {
    const g = getRegion(state, where.region, `${field}.region`);
    if (region !== undefined && region !== g.name) throw new InvalidInput(`${field}.region`, `${rack !== null ? `rack '${rack}'` : `availability zone '${az}'`} is in region '${region}', not '${g.name}'.`);
    region = g.name;
  }
  return { region: region ?? defaultRegion(state, `${field}.region`), availability_zone: az, rack };
}

// ---------------------------------------------------------------- hosts

const HOST_KEYS = ['name', 'model', 'roles', 'region', 'availability_zone', 'rack', ...MODEL_KEYS] as const;

/** Adds a physical host, from a stored model and/or inline hardware. Runs the `hardware.host.added` hook. */
export function addHost(tx: Tx, input: unknown, field = 'host'): Host {
  const state = tx.draft as CloudState;
  const h = check.record(input, field);
  check.onlyKeys(h, HOST_KEYS, field);
  const name = checkHostname(h.name, `${field}.name`);
  const model = h.model === undefined ? undefined : getHostModel(state, h.model, `${field}.model`);
  const hardware = model
    ? {
        cpu: h.cpu === undefined ? model.cpu : checkCpu(h.cpu, `${field}.cpu`),
        memory_mb: h.memory_mb === undefined ? model.memory_mb : check.integer(h.memory_mb, `${field}.memory_mb`, 0),
        disks: h.disks === undefined ? model.disks : checkDisks(h.disks, `${field}.disks`),
        nics: h.nics === undefined ? model.nics : checkNics(h.nics, `${field}.nics`),
        hypervisor_type: h.hypervisor_type === undefined ? (model.hypervisor_type ?? 'QEMU') : checkHypervisorType(h.hypervisor_type, `${field}.hypervisor_type`),
      }
    : checkHostModel(Object.fromEntries(MODEL_KEYS.filter((k) => h[k] !== undefined).map((k) => [k, h[k]])), field);
  const roles = check.optional<HostRole[]>(h.roles, `${field}.roles`, checkRoles, ['compute']);
  checkComputeCapable(roles, hardware.memory_mb, field);
  const where = locate(state, { rack: h.rack, availability_zone: h.availability_zone, region: h.region }, field);
  namedHosts.assertFree(state, null, name);
  const now = tx.now();
  const host: Host = {
    id: tx.ids.uuid(),
    name,
    ...where,
    model: model?.name ?? null,
    cpu: hardware.cpu,
    memory_mb: hardware.memory_mb,
    disks: hardware.disks,
    nics: hardware.nics,
    roles,
    hypervisor_type: hardware.hypervisor_type ?? 'QEMU',
    state: 'up',
    state_reason: null,
    created_at: now,
    updated_at: now,
  };
  namedHosts.insert(state, host);
  tx.trace('hardware', 'host racked and powered on', { host: name, logical_cpus: logicalCpus(host.cpu), memory_mb: host.memory_mb });
  tx.hook('hardware.host.added', host);
  tx.emit('hardware.host.create', () => ({ host: hostView(host, tx.draft.meta.clock.epoch) }), { publisher: `hardware.${name}` });
  return host;
}

const UPDATE_KEYS = ['roles', 'availability_zone', 'rack', ...MODEL_KEYS] as const;

/**
 * Changes a host's hardware, roles or location. Runs the `hardware.host.updated` hook, through
 * which a later module may refuse (e.g. shrinking RAM below what instances use).
 */
export function updateHost(tx: Tx, ref: unknown, patch: unknown): Host {
  const before = getHost(tx.draft as CloudState, ref);
  const p = check.record(patch, 'patch');
  check.onlyKeys(p, UPDATE_KEYS, 'patch');
  const moved = p.rack !== undefined || p.availability_zone !== undefined;
  const where = moved ? locate(tx.draft as CloudState, { rack: p.rack, availability_zone: p.availability_zone }, 'patch') : before;
  const after: Host = {
    ...before,
    cpu: p.cpu === undefined ? before.cpu : checkCpu(p.cpu, 'patch.cpu'),
    memory_mb: p.memory_mb === undefined ? before.memory_mb : check.integer(p.memory_mb, 'patch.memory_mb', 0),
    disks: p.disks === undefined ? before.disks : checkDisks(p.disks, 'patch.disks'),
    nics: p.nics === undefined ? before.nics : checkNics(p.nics, 'patch.nics'),
    hypervisor_type: p.hypervisor_type === undefined ? before.hypervisor_type : checkHypervisorType(p.hypervisor_type, 'patch.hypervisor_type'),
    roles: p.roles === undefined ? before.roles : checkRoles(p.roles, 'patch.roles'),
    region: where.region,
    availability_zone: where.availability_zone,
    rack: where.rack,
    updated_at: tx.now(),
  };
  checkComputeCapable(after.roles, after.memory_mb, 'patch');
  if (moved && where.region !== before.region) throw new InvalidInput('patch.region', `a host cannot move between regions (${before.region} → ${where.region}); remove it and add it again.`);
  setRow(tx.draft.hardware.hosts, after.id, after);
  tx.trace('hardware', 'host updated', { host: after.name, fields: Object.keys(p) });
  tx.hook('hardware.host.updated', before, after);
  tx.emit('hardware.host.update', () => ({ host: hostView(after, tx.draft.meta.clock.epoch), changed: Object.keys(p) }), { publisher: `hardware.${after.name}` });
  return after;
}

/** Removes a host. The `hardware.host.removing` hook runs first; a module refuses while the host holds work. */
export function removeHost(tx: Tx, ref: unknown): Host {
  const host = getHost(tx.draft as CloudState, ref);
  tx.hook('hardware.host.removing', host);
  namedHosts.remove(tx.draft as CloudState, host);
  tx.trace('hardware', 'host removed', { host: host.name });
  tx.emit('hardware.host.delete', () => ({ host: hostView(host, tx.draft.meta.clock.epoch) }), { publisher: `hardware.${host.name}` });
  return host;
}

const STATE_EVENTS = { up: 'hardware.host.recovered', down: 'hardware.host.failed', maintenance: 'hardware.host.maintenance' } as const;

/**
 * Moves a host to `up`, `down` or `maintenance`. Runs the `hardware.host.state_changed` hook
 * (compute services and agents go down with it, Swift devices become unreachable, …).
 * Setting the state it already has is refused with 409, as nova refuses enabling an enabled service.
 */
export function setHostState(tx: Tx, ref: unknown, state: HostStatus, reason: unknown): Host {
  const before = getHost(tx.draft as CloudState, ref);
  const why = reason === undefined || reason === null ? null : check.text(reason, 'reason', 255);
  if (before.state === state) throw new Conflict('hardware.host.state_unchanged', `Host '${before.name}' is already ${state}.`, { host: before.name, state });
  const after: Host = { ...before, state, state_reason: state === 'up' ? null : why, updated_at: tx.now() };
  setRow(tx.draft.hardware.hosts, after.id, after);
  tx.trace('hardware', `host ${state === 'down' ? 'failed' : state === 'up' ? 'recovered' : 'entered maintenance'}`, { host: after.name, ...(why ? { reason: why } : {}) });
  tx.hook('hardware.host.state_changed', before, after);
  tx.emit(STATE_EVENTS[state], () => ({ host: hostView(after, tx.draft.meta.clock.epoch), previous_state: before.state }), { publisher: `hardware.${after.name}`, priority: state === 'down' ? 'ERROR' : 'INFO' });
  return after;
}
