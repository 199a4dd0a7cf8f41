/**
 * Input checks for the filter scheduler. Each takes `unknown` (notebooks pass anything), fills in
 * defaults, and returns the typed value or throws {@link InvalidInput} naming the field.
 */
import { InvalidInput, check, describeValue, memoSlot, type Memo } from '../../core/index.js';
import { jsonQueryFault } from './filters/json_filter.js';
import { canonicalArch, canonicalHvType, canonicalVmMode, parseVersionPredicate } from './image_meta.js';
import {
  GROUP_POLICIES,
  INITIAL_ALLOCATION_RATIOS,
  type Aggregate,
  type CpuInfo,
  type Destination,
  type Flavor,
  type HintValue,
  type HostService,
  type HostState,
  type ImageMeta,
  type InstanceGroup,
  type InstanceInfo,
  type MonitorMetric,
  type RequestSpec,
  type SupportedInstance,
} from './types.js';

const MAX_LIST = 100_000;

/**
 * `out[k] = v` as an own, enumerable property, also for the key `__proto__` (an assignment would
 * set the object's prototype instead, and the key would be lost): for the free-form maps of the
 * input (extra specs, image properties, hints, metadata, stats, instances).
 */
export function setOwn<T>(out: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/** `check.array`, with the holes of a sparse array seen as `undefined` (Array#map skips holes). */
const arrayOf = <T>(v: unknown, f: string, item: (x: unknown, g: string) => T, max = MAX_LIST): T[] =>
  check.array(Array.isArray(v) ? Array.from(v as unknown[]) : v, f, item, max);

const str = (v: unknown, f: string): string => check.text(v, f, 255);
const nullableStr = (v: unknown, f: string): string | null => (v === null ? null : str(v, f));
const strings = (v: unknown, f: string): string[] => arrayOf(v, f, str);
const stringMap = (v: unknown, f: string): Record<string, string> => {
  const rec = check.record(v, f);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(rec)) {
    check.text(k, `${f} key`, 255);
    setOwn(out, k, check.text(val, `${f}.${k}`, 65535));
  }
  return out;
};

// ----------------------------------------------------------------------------- request spec

// the checkers below are made once, not per call (a closure made per call costs its allocation,
// and under tsx's keepNames a defineProperty of its name too: request specs are checked per boot)
const nonNegativeInt = (v: unknown, g: string): number => check.integer(v, g, 0);
const instanceCount = (v: unknown, g: string): number => check.integer(v, g, 1, MAX_NUM_INSTANCES);
const nullableStrings = (v: unknown, g: string): string[] | null => (v === null ? null : strings(v, g));

const FLAVOR_KEYS = ['name', 'vcpus', 'memory_mb', 'root_gb', 'ephemeral_gb', 'swap', 'extra_specs'];

function checkFlavor(value: unknown, f: string): Flavor {
  const rec = check.record(value, f);
  check.onlyKeys(rec, FLAVOR_KEYS, f);
  return {
    name: check.name(rec.name, `${f}.name`),
    vcpus: check.integer(rec.vcpus, `${f}.vcpus`, 1),
    memory_mb: check.integer(rec.memory_mb, `${f}.memory_mb`, 1),
    root_gb: check.integer(rec.root_gb, `${f}.root_gb`, 0),
    ephemeral_gb: check.optional(rec.ephemeral_gb, `${f}.ephemeral_gb`, nonNegativeInt, 0),
    swap: check.optional(rec.swap, `${f}.swap`, nonNegativeInt, 0),
    extra_specs: check.optional(rec.extra_specs, `${f}.extra_specs`, stringMap, {}),
  };
}

const IMAGE_CANONICAL: readonly (readonly [string, (s: string) => string | null, string])[] = [
  ['hw_architecture', canonicalArch, 'an architecture such as x86_64 or aarch64'],
  ['architecture', canonicalArch, 'an architecture such as x86_64 or aarch64'],
  ['img_hv_type', canonicalHvType, 'a hypervisor type such as kvm or qemu'],
  ['hypervisor_type', canonicalHvType, 'a hypervisor type such as kvm or qemu'],
  ['hw_vm_mode', canonicalVmMode, 'a vm mode: hvm, xen, uml or exe'],
  ['vm_mode', canonicalVmMode, 'a vm mode: hvm, xen, uml or exe'],
];

const VERSION_PREDICATES = ['img_hv_requested_version', 'hypervisor_version_requires'];
const IMAGE_KEYS = ['id', 'disk_format', 'properties'];

function checkImage(value: unknown, f: string): ImageMeta | null {
  if (value === null || value === undefined) return null;
  const rec = check.record(value, f);
  check.onlyKeys(rec, IMAGE_KEYS, f);
  const props: Record<string, string | number | boolean> = {};
  const given = check.optional(rec.properties, `${f}.properties`, check.record, {});
  for (const [k, v] of Object.entries(given)) {
    const pf = `${f}.properties.${k}`;
    setOwn(props, k, typeof v === 'number' ? check.number(v, pf) : typeof v === 'boolean' ? v : check.text(v, pf, 65535));
  }
  for (const [key, canon, what] of IMAGE_CANONICAL) {
    const v = Object.hasOwn(props, key) ? props[key] : undefined;
    if (v !== undefined && canon(String(v)) === null) {
      throw new InvalidInput(`${f}.properties.${key}`, `expected ${what}, got ${describeValue(v)}.`);
    }
  }
  for (const key of VERSION_PREDICATES) {
    const v = props[key];
    if (v !== undefined && parseVersionPredicate(String(v)) === null) {
      throw new InvalidInput(`${f}.properties.${key}`, `expected a version predicate such as '>=6.0,<6.2', got ${describeValue(v)}.`);
    }
  }
  return { id: check.optional(rec.id, `${f}.id`, nullableStr, null), disk_format: check.optional(rec.disk_format, `${f}.disk_format`, nullableStr, null), properties: props };
}

function checkHints(value: unknown, f: string): Record<string, HintValue> {
  const rec = check.record(value, f);
  const out: Record<string, HintValue> = {};
  for (const [k, v] of Object.entries(rec)) {
    const hf = `${f}.${k}`;
    if (k === 'query') {
      let text: unknown;
      try {
        text = typeof v === 'string' ? v : Array.isArray(v) && v.length === 1 && typeof v[0] === 'string' ? v[0] : JSON.stringify(v);
      } catch {
        text = undefined; // a BigInt or a cycle: not JSON
      }
      if (typeof text !== 'string') throw new InvalidInput(hf, `expected a JSON query, got ${describeValue(v)}.`);
      if (text.trim() !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new InvalidInput(hf, 'is not valid JSON.');
        }
        const fault = jsonQueryFault(parsed, hf);
        if (fault !== null) throw new InvalidInput(hf, fault);
      }
      setOwn(out, k, text);
    } else if (typeof v === 'string') {
      setOwn(out, k, str(v, hf));
    } else {
      setOwn(out, k, strings(v, hf));
    }
  }
  return out;
}

function checkGroup(value: unknown, f: string): InstanceGroup | null {
  if (value === null || value === undefined) return null;
  const rec = check.record(value, f);
  check.onlyKeys(rec, ['uuid', 'policy', 'hosts', 'members', 'rules'], f);
  const policy = check.oneOf(rec.policy, GROUP_POLICIES, `${f}.policy`);
  const rules = check.optional(rec.rules, `${f}.rules`, check.record, {});
  check.onlyKeys(rules, ['max_server_per_host'], `${f}.rules`);
  const out: { max_server_per_host?: number } = {};
  if (rules.max_server_per_host !== undefined) {
    if (policy !== 'anti-affinity') {
      throw new InvalidInput(`${f}.rules.max_server_per_host`, `only the anti-affinity policy takes this rule, not '${policy}'.`);
    }
    out.max_server_per_host = check.integer(rules.max_server_per_host, `${f}.rules.max_server_per_host`, 1);
  }
  return {
    uuid: check.optional(rec.uuid, `${f}.uuid`, nullableStr, null),
    policy,
    hosts: check.optional(rec.hosts, `${f}.hosts`, strings, []),
    members: check.optional(rec.members, `${f}.members`, strings, []),
    rules: out,
  };
}

function checkDestination(value: unknown, f: string): Destination | null {
  if (value === null || value === undefined) return null;
  const rec = check.record(value, f);
  check.onlyKeys(rec, ['host', 'node', 'cell_uuid', 'allow_cross_cell_move'], f);
  return {
    host: check.optional(rec.host, `${f}.host`, nullableStr, null),
    node: check.optional(rec.node, `${f}.node`, nullableStr, null),
    cell_uuid: check.optional(rec.cell_uuid, `${f}.cell_uuid`, nullableStr, null),
    allow_cross_cell_move: check.optional(rec.allow_cross_cell_move, `${f}.allow_cross_cell_move`, check.boolean, false),
  };
}

const REQUEST_KEYS = [
  'flavor',
  'image',
  'availability_zone',
  'project_id',
  'user_id',
  'scheduler_hints',
  'instance_group',
  'num_instances',
  'instance_uuids',
  'instance_uuid',
  'ignore_hosts',
  'force_hosts',
  'force_nodes',
  'requested_destination',
  'is_bfv',
];

/** The most instances one request may ask for. */
export const MAX_NUM_INSTANCES = 10_000;

/**
 * Checks a request spec and fills in defaults (no image, no AZ, no hints, no group, one
 * instance). Image properties nova would refuse (an unknown architecture, a malformed
 * `img_hv_requested_version`) and malformed `query` hints are refused here. The result is deeply
 * frozen; passing it again (to `schedule` or `selectDestinations`) skips the check.
 */
export function checkRequestSpec(value: unknown, field = 'request'): RequestSpec {
  if (typeof value === 'object' && value !== null && trusted.get(value) === 'request') return value as RequestSpec;
  return trustPart<RequestSpec>(requestSpecOf(value, field), 'request');
}

/**
 * {@link checkRequestSpec}'s very checks and answer, for a caller that keeps the checked spec to
 * itself (`selectDestinations`, which neither returns it nor passes it on): a new spec is not
 * frozen and not marked as checked, as nothing else ever holds it (freezing and marking one per
 * call cost a walk of it and an entry in a weak map per boot). A spec checked and frozen before
 * is taken as it is.
 */
export function checkOwnRequestSpec(value: unknown, field = 'request'): RequestSpec {
  if (typeof value === 'object' && value !== null && trusted.get(value) === 'request') return value as RequestSpec;
  return requestSpecOf(value, field);
}

/** The checked request spec, new and not frozen (every part of it is new: nothing of `value` is kept). */
function requestSpecOf(value: unknown, field: string): RequestSpec {
  const rec = check.record(value, field);
  check.onlyKeys(rec, REQUEST_KEYS, field);
  const p = `${field}.`;
  const numInstances = check.optional(rec.num_instances, `${p}num_instances`, instanceCount, 1);
  const uuids = check.optional(rec.instance_uuids, `${p}instance_uuids`, nullableStrings, null);
  if (uuids !== null) {
    if (uuids.length !== numInstances) {
      throw new InvalidInput(`${p}instance_uuids`, `expected ${numInstances} uuid(s), one per instance, got ${uuids.length}.`);
    }
    for (let i = 1; i < uuids.length; i++) {
      const dup = uuids[i] as string;
      if (uuids.indexOf(dup) !== i) throw new InvalidInput(`${p}instance_uuids`, `'${dup}' appears twice.`);
    }
  }
  return {
    flavor: checkFlavor(rec.flavor, `${p}flavor`),
    image: checkImage(rec.image, `${p}image`),
    availability_zone: check.optional(rec.availability_zone, `${p}availability_zone`, nullableStr, null),
    project_id: check.optional(rec.project_id, `${p}project_id`, nullableStr, null),
    user_id: check.optional(rec.user_id, `${p}user_id`, nullableStr, null),
    scheduler_hints: check.optional(rec.scheduler_hints, `${p}scheduler_hints`, checkHints, {}),
    instance_group: checkGroup(rec.instance_group, `${p}instance_group`),
    num_instances: numInstances,
    instance_uuids: uuids,
    instance_uuid: check.optional(rec.instance_uuid, `${p}instance_uuid`, nullableStr, null),
    ignore_hosts: check.optional(rec.ignore_hosts, `${p}ignore_hosts`, strings, []),
    force_hosts: check.optional(rec.force_hosts, `${p}force_hosts`, strings, []),
    force_nodes: check.optional(rec.force_nodes, `${p}force_nodes`, strings, []),
    requested_destination: checkDestination(rec.requested_destination, `${p}requested_destination`),
    is_bfv: check.optional(rec.is_bfv, `${p}is_bfv`, check.boolean, false),
  };
}

// ----------------------------------------------------------------------------- host states

function checkAggregate(value: unknown, f: string): Aggregate {
  const rec = check.record(value, f);
  check.onlyKeys(rec, ['id', 'uuid', 'name', 'hosts', 'metadata'], f);
  return {
    id: check.integer(rec.id, `${f}.id`, 0),
    uuid: check.optional(rec.uuid, `${f}.uuid`, nullableStr, null),
    name: check.name(rec.name, `${f}.name`),
    hosts: check.optional(rec.hosts, `${f}.hosts`, strings, []),
    metadata: check.optional(rec.metadata, `${f}.metadata`, stringMap, {}),
  };
}

function checkCpuInfo(value: unknown, f: string): CpuInfo | null {
  if (value === null || value === undefined) return null;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new InvalidInput(f, 'is a string but not JSON; give an object { arch, model, vendor, topology, features }.');
    }
  }
  const rec = check.record(parsed, f);
  check.onlyKeys(rec, ['arch', 'model', 'vendor', 'topology', 'features'], f);
  const topo = check.optional(rec.topology, `${f}.topology`, check.record, { sockets: 1, cores: 1, threads: 1 });
  check.onlyKeys(topo, ['sockets', 'cores', 'threads'], `${f}.topology`);
  return {
    arch: check.optional(rec.arch, `${f}.arch`, str, ''),
    model: check.optional(rec.model, `${f}.model`, str, ''),
    vendor: check.optional(rec.vendor, `${f}.vendor`, str, ''),
    topology: {
      sockets: check.integer(topo.sockets, `${f}.topology.sockets`, 1),
      cores: check.integer(topo.cores, `${f}.topology.cores`, 1),
      threads: check.integer(topo.threads, `${f}.topology.threads`, 1),
    },
    features: check.optional(rec.features, `${f}.features`, strings, []),
  };
}

function checkSupported(value: unknown, f: string): SupportedInstance {
  const items = arrayOf(value, f, str);
  if (items.length !== 3) throw new InvalidInput(f, `expected [architecture, hypervisor type, vm mode], got ${items.length} item(s).`);
  return [items[0] as string, items[1] as string, items[2] as string];
}

function checkInstances(value: unknown, f: string): Record<string, InstanceInfo> {
  const out: Record<string, InstanceInfo> = {};
  if (Array.isArray(value)) {
    arrayOf(value, f, str).forEach((uuid, i) => {
      if (Object.hasOwn(out, uuid)) throw new InvalidInput(`${f}[${i}]`, `'${uuid}' appears twice.`);
      setOwn(out, uuid, { uuid, project_id: null });
    });
    return out;
  }
  for (const [uuid, info] of Object.entries(check.record(value, f))) {
    const g = `${f}.${uuid}`;
    const rec = check.record(info, g);
    check.onlyKeys(rec, ['uuid', 'project_id'], g);
    const own = check.optional(rec.uuid, `${g}.uuid`, str, uuid);
    if (own !== uuid) throw new InvalidInput(`${g}.uuid`, `must equal its key '${uuid}', got '${own}'.`);
    setOwn(out, uuid, { uuid, project_id: check.optional(rec.project_id, `${g}.project_id`, nullableStr, null) });
  }
  return out;
}

function checkService(value: unknown, f: string): HostService {
  const rec = check.record(value, f);
  check.onlyKeys(rec, ['disabled', 'disabled_reason', 'up', 'forced_down'], f);
  return {
    disabled: check.optional(rec.disabled, `${f}.disabled`, check.boolean, false),
    disabled_reason: check.optional(rec.disabled_reason, `${f}.disabled_reason`, nullableStr, null),
    up: check.optional(rec.up, `${f}.up`, check.boolean, true),
    forced_down: check.optional(rec.forced_down, `${f}.forced_down`, check.boolean, false),
  };
}

function checkMetric(value: unknown, f: string): MonitorMetric {
  const rec = check.record(value, f);
  check.onlyKeys(rec, ['name', 'value', 'source'], f);
  return {
    name: check.name(rec.name, `${f}.name`),
    value: check.number(rec.value, `${f}.value`),
    source: check.optional(rec.source, `${f}.source`, nullableStr, null),
  };
}

function checkStats(value: unknown, f: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(check.record(value, f))) {
    setOwn(out, k, typeof v === 'number' ? check.number(v, `${f}.${k}`) : check.text(v, `${f}.${k}`, 65535));
  }
  return out;
}

const HOST_KEYS = [
  'host', 'nodename', 'uuid', 'cell_uuid', 'availability_zone', 'aggregates', 'hypervisor_type', 'hypervisor_version',
  'cpu_info', 'supported_instances', 'vcpus_total', 'vcpus_used', 'total_usable_ram_mb', 'free_ram_mb',
  'total_usable_disk_gb', 'free_disk_mb', 'reserved_host_cpus', 'reserved_host_memory_mb', 'reserved_host_disk_mb',
  'ram_allocation_ratio', 'cpu_allocation_ratio', 'disk_allocation_ratio',
  'num_instances', 'num_io_ops', 'failed_builds', 'instances', 'service', 'metrics', 'stats', 'traits',
];

/**
 * A brand, not a cache: the host states this module checked (or the cloud built) and deeply
 * froze, and their checked parts, each with what it was checked as (`'host'`, or the field it is:
 * `'aggregates'`, `'service'`…), so a part is never taken for a field of another shape. Frozen,
 * so they cannot have changed since; nothing computed from them is kept here.
 */
const trusted = new WeakMap<object, string>();

/**
 * Freezes a whole object tree (every level, even under an object frozen elsewhere), except
 * subtrees already checked and frozen here: a caller's new host state that shares its aggregates
 * or CPU info with a checked one costs only its own fields.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !trusted.has(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Marks a checked part of a host state (its aggregates, CPU info, service…) as checked and frozen. */
function trustPart<T>(value: T, field: string): T {
  if (typeof value === 'object' && value !== null && trusted.get(value) !== field) trusted.set(deepFreeze(value), field);
  return value;
}

/**
 * A part of a host state that was checked before is taken as it is (it is the checker's own
 * frozen output, so checking it again would give it back); anything else is checked.
 */
function part<T>(rec: Record<string, unknown>, key: string, field: string, checker: (v: unknown, f: string) => T, fallback: T): T {
  const value = rec[key];
  if (typeof value === 'object' && value !== null && trusted.get(value) === key) return value as T;
  return trustPart(check.optional(value, `${field}.${key}`, checker, fallback), key);
}

/**
 * Marks one part of the host states the cloud builds (a host's aggregates, CPU info, supported
 * instances, service) as checked for the field it is, deeply frozen. The host index marks a
 * host's parts once, when it makes them, so that a state it builds from them per claim needs
 * only freezing, not a look at each field ({@link trustHostState} marks it when it is given out).
 */
export function trustHostPart<K extends keyof HostState>(value: HostState[K], field: K): HostState[K] {
  return trustPart(value, field);
}

/**
 * Marks a complete host state as checked: it is deeply frozen, and `checkHostState` returns it as
 * it is from then on. For host states the cloud builds itself from its state (`hostStates`);
 * internal to the scheduler module (not exported from its door), so callers cannot skip checks.
 */
export function trustHostState(state: HostState): HostState {
  if (trusted.get(state) === 'host') return state;
  for (const k in state) trustPart((state as unknown as Record<string, unknown>)[k], k);
  trusted.set(Object.freeze(state), 'host');
  return state;
}

/**
 * Checks one host state and fills in defaults: `nodename` = `host`, `uuid` = `nodename`, an
 * enabled and up service, no aggregates, empty resources, nothing reserved, free = total less what
 * is reserved (used = what is reserved, as nova's resource tracker starts), Zed's initial allocation
 * ratios (cpu 16.0, ram 1.5, disk 1.0), `num_instances` = the number of `instances`. The result is
 * deeply frozen; passing it (or a state from the cloud) again skips the check, so a caller that
 * keeps its host states and replaces only the ones that change pays for those alone.
 */
export function checkHostState(value: unknown, field = 'host'): HostState {
  if (typeof value === 'object' && value !== null && trusted.get(value) === 'host') return value as HostState;
  const rec = check.record(value, field);
  check.onlyKeys(rec, HOST_KEYS, field);
  const f = (k: string): string => `${field}.${k}`;
  const nonNegative = (k: string, fallback: number): number => check.optional(rec[k], f(k), (v, g) => check.integer(v, g, 0), fallback);
  const ratio = (k: string, fallback: number): number => check.optional(rec[k], f(k), (v, g) => check.number(v, g, 0), fallback);
  const host = check.name(rec.host, f('host'));
  const nodename = check.optional(rec.nodename, f('nodename'), check.name, host);
  const instances = part(rec, 'instances', field, checkInstances, {});
  const ram = nonNegative('total_usable_ram_mb', 0);
  const disk = nonNegative('total_usable_disk_gb', 0);
  const reservedCpus = nonNegative('reserved_host_cpus', 0);
  const reservedRam = nonNegative('reserved_host_memory_mb', 0);
  const reservedDisk = nonNegative('reserved_host_disk_mb', 0);
  return trustHostState({
    host,
    nodename,
    uuid: check.optional(rec.uuid, f('uuid'), check.name, nodename),
    cell_uuid: check.optional(rec.cell_uuid, f('cell_uuid'), nullableStr, null),
    availability_zone: check.optional(rec.availability_zone, f('availability_zone'), nullableStr, null),
    aggregates: part(rec, 'aggregates', field, (v, g) => arrayOf(v, g, checkAggregate), []),
    hypervisor_type: check.optional(rec.hypervisor_type, f('hypervisor_type'), str, 'QEMU'),
    hypervisor_version: check.optional(rec.hypervisor_version, f('hypervisor_version'), (v, g) => (v === null ? null : check.integer(v, g, 0)), null),
    cpu_info: part(rec, 'cpu_info', field, checkCpuInfo, null),
    supported_instances: part(rec, 'supported_instances', field, (v, g) => arrayOf(v, g, checkSupported), []),
    vcpus_total: nonNegative('vcpus_total', 0),
    vcpus_used: nonNegative('vcpus_used', reservedCpus),
    total_usable_ram_mb: ram,
    free_ram_mb: check.optional(rec.free_ram_mb, f('free_ram_mb'), (v, g) => check.integer(v, g), ram - reservedRam),
    total_usable_disk_gb: disk,
    free_disk_mb: check.optional(rec.free_disk_mb, f('free_disk_mb'), (v, g) => check.number(v, g), (disk - Math.floor(reservedDisk / 1024)) * 1024),
    reserved_host_cpus: reservedCpus,
    reserved_host_memory_mb: reservedRam,
    reserved_host_disk_mb: reservedDisk,
    ram_allocation_ratio: ratio('ram_allocation_ratio', INITIAL_ALLOCATION_RATIOS.ram),
    cpu_allocation_ratio: ratio('cpu_allocation_ratio', INITIAL_ALLOCATION_RATIOS.cpu),
    disk_allocation_ratio: ratio('disk_allocation_ratio', INITIAL_ALLOCATION_RATIOS.disk),
    num_instances: nonNegative('num_instances', Object.keys(instances).length),
    num_io_ops: nonNegative('num_io_ops', 0),
    failed_builds: nonNegative('failed_builds', 0),
    instances,
    service: part(rec, 'service', field, checkService, { disabled: false, disabled_reason: null, up: true, forced_down: false }),
    metrics: part(rec, 'metrics', field, (v, g) => arrayOf(v, g, checkMetric), []),
    stats: part(rec, 'stats', field, checkStats, {}),
    traits: part(rec, 'traits', field, strings, []),
  });
}

/**
 * Checks a list of host states; `(host, nodename)` pairs and uuids must be unique. With a `memo`
 * (a kernel's, or one a caller keeps between calls), the last list found unique is kept there: a
 * caller that checks the same list again with a few host states replaced (the ones it consumed
 * from) has only those looked at.
 */
export function checkHosts(value: unknown, field = 'hosts', memo?: Memo): HostState[] {
  if (!Array.isArray(value)) return arrayOf(value, field, checkHostState);
  const kept = memo?.cell(LAST_UNIQUE, () => ({ index: null }));
  const last = kept?.index != null && kept.index.hosts.length === value.length ? kept.index.hosts : null;
  // a host state checked before is taken as it is (no per-item field names built); where the
  // list repeats the last unique list, the very same object needs no lookup at all
  const hosts: HostState[] = [];
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (last !== null && v === last[i]) hosts.push(v as HostState);
    else hosts.push(typeof v === 'object' && v !== null && trusted.get(v) === 'host' ? (v as HostState) : checkHostState(v, `${field}[${i}]`));
  }
  if (kept === undefined) assertUnique(hosts, field);
  else if (kept.index === null || !uniqueSince(kept.index, hosts)) kept.index = uniqueIndex(hosts, field);
  return hosts;
}

/** Refuses a `(host, nodename)` pair or a uuid that appears twice, naming the second. */
function assertUnique(hosts: readonly HostState[], field: string): void {
  const nodes = new Set<string>();
  const uuids = new Set<string>();
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i] as HostState;
    const size = nodes.size;
    nodes.add(nodeKey(h));
    if (nodes.size === size) throw new InvalidInput(`${field}[${i}].nodename`, `host '${h.host}' node '${h.nodename}' appears twice.`);
    if (uuids.size === uuids.add(h.uuid).size) throw new InvalidInput(`${field}[${i}].uuid`, `'${h.uuid}' appears twice.`);
  }
}

/** Where each `(host, nodename)` pair and each uuid of a list of unique host states is. */
interface UniqueIndex {
  readonly hosts: readonly HostState[];
  readonly nodes: Map<string, number>;
  readonly uuids: Map<string, number>;
}

/** The last list a memo's caller had found unique (derived data: the memo's, never module-level). */
const LAST_UNIQUE = memoSlot<void, { index: UniqueIndex | null }>('scheduler.lastUniqueHosts');

/** A host is one node (nodename = host) almost always: its name alone is its key then. */
const nodeKey = (h: HostState): string => (h.nodename === h.host ? h.host : `${h.host}\u0000${h.nodename}`);

/** Indexes a list of host states, refusing a pair or a uuid that appears twice. */
function uniqueIndex(hosts: readonly HostState[], field: string): UniqueIndex {
  const nodes = new Map<string, number>();
  const uuids = new Map<string, number>();
  hosts.forEach((h, i) => {
    const key = nodeKey(h);
    if (nodes.has(key)) throw new InvalidInput(`${field}[${i}].nodename`, `host '${h.host}' node '${h.nodename}' appears twice.`);
    if (uuids.has(h.uuid)) throw new InvalidInput(`${field}[${i}].uuid`, `'${h.uuid}' appears twice.`);
    nodes.set(key, i);
    uuids.set(h.uuid, i);
  });
  return { hosts: [...hosts], nodes, uuids };
}

/**
 * Whether `hosts` is the indexed list with at most a few entries replaced, none clashing; then
 * the index is brought to it in place (its `hosts` replaced by a copy of the new list).
 */
function uniqueSince(last: UniqueIndex, hosts: readonly HostState[]): boolean {
  if (last.hosts.length !== hosts.length) return false;
  const changed: number[] = [];
  for (let i = 0; i < hosts.length; i++) {
    if (hosts[i] !== last.hosts[i]) {
      changed.push(i);
      if (changed.length > 64) return false;
    }
  }
  // a replaced entry clashes with an entry that stayed, or with another replaced entry
  const stays = (j: number | undefined): boolean => j !== undefined && hosts[j] === last.hosts[j];
  const newNodes = new Set<string>();
  const newUuids = new Set<string>();
  for (const i of changed) {
    const h = hosts[i] as HostState;
    const key = nodeKey(h);
    if (stays(last.nodes.get(key)) || stays(last.uuids.get(h.uuid)) || newNodes.has(key) || newUuids.has(h.uuid)) return false;
    newNodes.add(key);
    newUuids.add(h.uuid);
  }
  for (const i of changed) {
    const old = last.hosts[i] as HostState;
    if (last.nodes.get(nodeKey(old)) === i) last.nodes.delete(nodeKey(old));
    if (last.uuids.get(old.uuid) === i) last.uuids.delete(old.uuid);
  }
  for (const i of changed) {
    const h = hosts[i] as HostState;
    last.nodes.set(nodeKey(h), i);
    last.uuids.set(h.uuid, i);
  }
  // a copy: the caller may change its array afterwards
  (last as { hosts: readonly HostState[] }).hosts = [...hosts];
  return true;
}

