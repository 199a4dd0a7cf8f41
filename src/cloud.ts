/**
 * `createCloud`: the whole simulated cloud in one object. It owns the kernel (state, clock,
 * bus, quotas, traces) and assembles the services of `src/services.ts`, in their order: their
 * state slices, policy defaults, quota resources, hooks and task kinds, catalog entries,
 * bootstrap and deploy steps, and their operator APIs (`cloud.hardware`, `cloud.object`, …).
 */
import {
  BadRequest,
  check,
  checkString,
  initialMeta,
  initialQuotaState,
  defineParts,
  installService,
  publicApi,
  serviceInstall,
  isoAt,
  latestTime,
  Kernel,
  rngInit,
  emptyTable,
  checkTable,
  looksLikeTable,
  SCHEMA_VERSION,
  PolicyService,
  type AnyServiceDescriptor,
  type CloudState,
  type EventBus,
  type OptionContext,
  type CloudPolicy,
  type PolicyCheckString,
  type PolicyConfig,
  type PolicyCredentials,
  type PolicyRuleInfo,
  type PolicyTarget,
  type Preset,
  type Progression,
  type QuotaDetail,
  type QuotaResource,
  type Trace,
} from './core/index.js';
import type { Topology } from './hardware/index.js';
import { RequestPipeline, registerService, type IdentityConfig, type LoginRequest } from './identity/index.js';
import type { ComputeConfig } from './scheduler/index.js';
import type { ObjectOptions } from './object/index.js';
import type { NetworkOptions } from './network/index.js';
import type { BlockOptions } from './block/index.js';
import type { NovaOptions } from './compute/index.js';
import { login, Session } from './session.js';
import { SERVICES, type AnonymousApis, type OperatorApis } from './services.js';
import { datacenter, presentable, JUPYTER_DISPLAY, type MimeBundle, type Picture } from './render/index.js';

export type { Preset };

/** A frozen state tree: what `snapshot()` returns and `restore()` / `createCloud({ state })` take. */
export type CloudSnapshot = CloudState;

/** Options of {@link createCloud}. */
export interface CloudOptions {
  /** Seed of every id, MAC, token and tie-break. Same seed and calls ⇒ same cloud. Default 0. */
  readonly seed?: number | string;
  /**
   * `devstack` (default): DevStack's multi-node hosts (unless `topology` is given) and DevStack's
   * accounts (demo, alt_demo, demo_reader, …). `empty`: `RegionOne` and only what
   * `keystone-manage bootstrap` creates (the admin user and project). Ignored with `state`.
   */
  readonly preset?: Preset;
  /** A datacenter description (regions, AZs, racks, host models × counts, roles). */
  readonly topology?: Topology;
  /** A snapshot or its JSON (`cloud.toJSON()`), to continue from. */
  readonly state?: CloudSnapshot | string | object;
  /** `immediate` (default): asynchronous work completes inside each call. `clock`: only as the clock advances. */
  readonly progression?: Progression;
  /** ISO-8601 instant virtual time 0 stands for. Default `2022-10-05T00:00:00Z` (Zed's release day). */
  readonly epoch?: string;
  /** How many requests the trace side log keeps. Default 1000. */
  readonly traceLimit?: number;
  /**
   * `[oslo_policy]`: `enforceScope` and `enforceNewDefaults` (both default true, the secure-RBAC
   * behaviour later releases switched on; set them false for Zed's lenient defaults) and `rules`
   * overrides (a policy.yaml).
   */
  readonly policy?: { readonly enforceScope?: boolean; readonly enforceNewDefaults?: boolean; readonly rules?: Readonly<Record<string, PolicyCheckString>> };
  /** Keystone options: token lifetime, password hash cost, lockout, authenticate notifications. */
  readonly identity?: Partial<IdentityConfig>;
  /**
   * The bootstrap admin's password (`keystone-manage bootstrap --bootstrap-password`), also used
   * by `cloud.admin` to authenticate and by the DevStack users. Default `secret`. Kept in memory,
   * never in the state.
   */
  readonly adminPassword?: string;
  /**
   * nova.conf options of every compute host that shape its Placement inventory
   * (`cpu_allocation_ratio`, `initial_ram_allocation_ratio`, `reserved_host_memory_mb`, …;
   * Zed's defaults). Per-host values: `cloud.scheduler.setComputeConfig(host, …)`.
   */
  readonly compute?: Partial<ComputeConfig>;
  /**
   * Swift: `[swift-hash]` prefix and suffix, storage policies, the rings' `create` shape (the
   * install guide's `10 3 1`; DevStack's `9 1 1` with the devstack preset), keystoneauth's
   * `operator_roles` and `reseller_admin_role`.
   */
  readonly object?: ObjectOptions;
  /**
   * Neutron: `ml2` (`ml2_conf.ini`: type drivers, tenant network types, VLAN / VNI / tunnel
   * ranges, MTUs; DevStack's VXLAN tenant networks with the devstack preset), `agent_down_time`
   * (75 s), `dhcp_agents_per_network` (1), `default_availability_zones`.
   */
  readonly network?: NetworkOptions;
  /**
   * Cinder's `cinder.conf`: `backends` (DevStack's `lvmdriver-1` by default: LVM thin, 24 GB per
   * storage host), `default_volume_type`, zones, the volume scheduler's filters, weighers and
   * multipliers, `service_down_time`, `backup_enabled` ({@link BlockOptions}).
   */
  readonly block?: BlockOptions;
  /**
   * nova.conf (`NovaOptions`, Zed's defaults): `default_availability_zone`, `max_attempts`,
   * `service_down_time`, `shelved_offload_time` (0), `allow_resize_to_same_host` (false; true in
   * the devstack preset), `migrate_max_retries`, `max_concurrent_live_migrations`, … The compute
   * hosts' allocation ratios are option `compute`.
   */
  readonly nova?: NovaOptions;
}

const DEFAULT_EPOCH = '2022-10-05T00:00:00Z';
const SERVICE_LIST: readonly AnyServiceDescriptor[] = SERVICES;
/** Each service with its hooks and task kinds as lists (installed on every kernel, forks included). */
const INSTALLS = SERVICE_LIST.map((service) => ({ service, install: serviceInstall(service) }));
/** Options each service reads (`topology`, `identity`, `compute`, `object`): a cloud made from a state takes them from it. */
const SERVICE_OPTION_KEYS = SERVICE_LIST.flatMap((service) => (service.option ? [service.option.key] : []));
const OPTION_KEYS = ['seed', 'preset', 'state', 'progression', 'epoch', 'traceLimit', 'policy', 'adminPassword', ...SERVICE_OPTION_KEYS];
/** The kernel's slices, then each service's. */
const SLICES = ['meta', 'quota', 'blobs', ...SERVICE_LIST.flatMap((service) => service.slices)];

/** The virtual clock as users see it. */
export interface CloudClock {
  /** Seconds since the cloud's epoch. */
  now(): number;
  /** Now (or `time`) as ISO-8601, as OpenStack prints timestamps. */
  iso(time?: number): string;
  /** Moves time forward, running every task and timer that falls due; returns the new time. Negative: `core.clock.backwards`. */
  advance(seconds: number): number;
}

/** Quotas as an operator sees them (each service's own quota API arrives with the service). */
export interface CloudQuotas {
  /** Registered resources (`compute.cores`, …) with their Zed defaults. */
  resources(): QuotaResource[];
  /** Limit and usage of every resource (or one service's) for a project. */
  show(projectId: string, service?: string): Record<string, QuotaDetail>;
  /** Sets a project's limit (-1 = unlimited). */
  setLimit(projectId: string, resource: string, limit: number): void;
  /** Changes the default limit of a resource (nova's `quota-class-set default`). */
  setDefault(resource: string, limit: number): void;
}

/**
 * A simulated OpenStack cloud. Every public call is atomic: it commits one new frozen state, or
 * throws and leaves `state` the very same object. Nothing returns a Promise.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-unsafe-declaration-merging
export interface Cloud extends OperatorApis {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Cloud {
  /** The machinery (for modules and extensions: hooks, task kinds, transactions). */
  readonly kernel: Kernel;
  /** Requests without a token (only what container ACLs such as `.r:*` allow). */
  readonly anonymous: AnonymousApis;
  /** The policy engine every session call goes through (`cloud.policy.enforce(rule, credentials, target)`). */
  readonly policy: CloudPolicy;
  /** The policy service itself (sessions and forks use it; users reach it through {@link policy}). */
  private readonly policyService: PolicyService;
  private readonly options: CloudOptions;
  private adminSession: Session | undefined;
  private systemAdminSession: Session | undefined;
  private clockView: CloudClock | undefined;
  private quotaView: CloudQuotas | undefined;

  /** @internal use {@link createCloud}; `policyFrom` lets a fork reuse its parent's parsed policy. */
  constructor(kernel: Kernel, options: CloudOptions, policyFrom?: PolicyService) {
    this.kernel = kernel;
    kernel.present = presentable;
    this.options = options;
    this.policyService = new PolicyService(kernel, policyFrom);
    this.policy = publicApi(kernel, 'policy', new PolicyApi(this.policyService));
    const registerPolicies = !this.policyService.hasDefaults;
    const anonymousRequests = new RequestPipeline<null>(kernel, () => this.policyService.engine(), null);
    const anonymous = {};
    for (const { service, install } of INSTALLS) {
      if (registerPolicies && service.policies) this.policyService.registerDefaults(service.policies, { service: service.name, ...(service.policyChecks ? { checks: service.policyChecks } : {}) });
      if (service.quotas) for (const resource of service.quotas) kernel.quotas.register(resource);
      if (service.quotaFamilies) for (const family of service.quotaFamilies) kernel.quotas.registerFamily(family);
      installService(kernel, install);
      if (service.operator) defineParts(this, service.operator(kernel), kernel);
      if (service.anonymous) defineParts(anonymous, service.anonymous(anonymousRequests), kernel);
    }
    this.anonymous = Object.freeze(anonymous) as AnonymousApis;
  }

  /**
   * Authenticates (`POST /v3/auth/tokens`) and returns a Session bound to the token:
   * `cloud.login({ username: 'demo', password: 'secret', project: 'demo' })`. Unknown user and
   * wrong password both answer 401 with the same message.
   */
  login(request: LoginRequest): Session {
    return new Session(this.kernel, this.policyService, login(this.kernel, request));
  }

  /**
   * A session for a token obtained elsewhere (what `X-Auth-Token` carries; keystoneauth's
   * `token` plugin, `openstack --os-token`). It never authenticates again: once the token
   * expires or is revoked, every call answers 401. The token is not checked here; each call
   * validates it.
   */
  session(token: string): Session {
    return new Session(this.kernel, this.policyService, check.name(token, 'token', 4096));
  }

  /** DevStack's `devstack-admin`: the `admin` user scoped to the `admin` project (logs in when first reached, and again when its token stops validating). */
  get admin(): Session {
    this.adminSession ??= this.passwordSession({ username: 'admin', password: this.options.adminPassword ?? 'secret', project: 'admin', project_domain: 'default' });
    return this.adminSession;
  }

  /** The `admin` user with a system-scoped token (`devstack-system-admin`). */
  get systemAdmin(): Session {
    this.systemAdminSession ??= this.passwordSession({ username: 'admin', password: this.options.adminPassword ?? 'secret', system: 'all' });
    return this.systemAdminSession;
  }

  /**
   * A session that logs in now, and again whenever its token stops validating: after a restore to
   * a state without its token, its next call logs in first, drawing what its first login drew.
   */
  private passwordSession(request: LoginRequest): Session {
    return new Session(this.kernel, this.policyService, login(this.kernel, request), request);
  }

  /** The virtual clock. */
  get clock(): CloudClock {
    const kernel = this.kernel;
    return (this.clockView ??= Object.freeze({
      now: () => kernel.view().meta.clock.now,
      iso: (time?: number) => isoNow(kernel, time),
      advance: (seconds: number) => kernel.advance(seconds),
    }));
  }

  /** Quota limits and usage. */
  get quotas(): CloudQuotas {
    const kernel = this.kernel;
    return (this.quotaView ??= publicApi(kernel, 'quota', {
      resources: () => kernel.quotas.list(),
      show: (projectId, service) => kernel.quotas.detail(kernel.view().quota, check.name(projectId, 'project_id'), service),
      setLimit: (projectId, resource, limit) =>
        kernel.transact('quota.setLimit', (tx) => kernel.quotas.setLimit(tx.draft.quota, check.name(projectId, 'project_id'), resource, limit)),
      setDefault: (resource, limit) => kernel.transact('quota.setDefault', (tx) => kernel.quotas.setDefault(tx.draft.quota, resource, limit)),
    } satisfies CloudQuotas));
  }

  /** The committed state: one frozen tree. Holding it is a free snapshot. */
  get state(): CloudState {
    return this.kernel.state;
  }

  /** The event bus: `cloud.events.on('hardware.host.failed', n => …)`, or `'*'` for everything. */
  get events(): EventBus {
    return this.kernel.bus;
  }

  /** Request id of the last call (committed or failed): pass it to {@link trace}. */
  get lastRequestId(): string | undefined {
    return this.kernel.lastRequestId;
  }

  /** Runs `fn` as one atomic call: every call inside shares one draft and one commit, all or nothing. */
  batch<R>(fn: () => R): R {
    if (typeof fn !== 'function') throw new BadRequest('core.input.invalid', `fn: expected a function to run as one call, got ${check.describe(fn)}.`, { field: 'fn' });
    return this.kernel.transact('batch', () => fn());
  }

  /** Runs every pending asynchronous task (moving the clock in `clock` mode); returns the time. */
  run(): number {
    return this.kernel.runUntilIdle();
  }

  /** The current state, to `restore` later. O(1): states are immutable and share structure. */
  snapshot(): CloudSnapshot {
    return this.kernel.state;
  }

  /** Goes back to a snapshot (of this cloud or any cloud of the same schema). */
  restore(snapshot: CloudSnapshot): void {
    this.kernel.replace(checkState(snapshot));
  }

  /** A new, independent cloud starting from this one's state (no listeners, its own trace log). */
  fork(): Cloud {
    const { traceLimit, adminPassword } = this.options;
    const options: CloudOptions = { ...(traceLimit !== undefined ? { traceLimit } : {}), ...(adminPassword !== undefined ? { adminPassword } : {}) };
    return new Cloud(new Kernel(this.kernel.state, { traceLimit: traceLimit ?? 1000 }), options, this.policyService);
  }

  /** The state as JSON-ready data (`JSON.stringify(cloud)` works); `createCloud({ state })` reads it back. */
  toJSON(): CloudState {
    return this.kernel.state;
  }

  /**
   * The steps a request ran (default: the last one), while the side log still holds it. It draws
   * itself in a notebook (`stacksim/render`'s `sequence`: non-enumerable `toHTML()` and
   * `[Symbol.for("Jupyter.display")]()`; JSON and equality see the plain trace).
   */
  trace(requestId?: string): Trace | undefined {
    const id = requestId ?? this.kernel.lastRequestId;
    const trace = id === undefined ? undefined : this.kernel.traces.get(id);
    if (trace === undefined) return undefined;
    return Object.freeze(presentable({ ...trace }));
  }

  /** The datacenter as a picture (`stacksim/render`'s `datacenter`): regions → AZs → aggregates → hosts with their servers. */
  picture(): Picture {
    return datacenter(this);
  }

  /** The datacenter picture as an HTML fragment (for `tslab.display.html(cloud.toHTML())`). */
  toHTML(): string {
    return this.picture().toHTML();
  }

  /** The datacenter picture as an SVG document (for `tslab.display.svg(cloud.toSVG())`). */
  toSVG(): string {
    return this.picture().toSVG();
  }

  /** What a Jupyter kernel shows for a cell whose value is the cloud (Deno calls it by itself): its datacenter. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return this.picture()[JUPYTER_DISPLAY]();
  }
}

function isoNow(kernel: Kernel, time?: number): string {
  const clock = kernel.view().meta.clock;
  return isoAt(clock.epoch, time === undefined ? clock.now : check.number(time, 'time', 0, latestTime(clock.epoch)));
}

function checkPolicyOptions(input: unknown): PolicyConfig {
  if (input === undefined) return { enforce_scope: true, enforce_new_defaults: true, rules: {} };
  const p = check.record(input, 'options.policy');
  check.onlyKeys(p, ['enforceScope', 'enforceNewDefaults', 'rules'], 'options.policy');
  const rules: Record<string, string> = {};
  if (p.rules !== undefined) {
    for (const [name, text] of Object.entries(check.record(p.rules, 'options.policy.rules'))) rules[name] = checkString(text, `options.policy.rules.${name}`);
  }
  return {
    enforce_scope: check.optional(p.enforceScope, 'options.policy.enforceScope', check.boolean, true),
    enforce_new_defaults: check.optional(p.enforceNewDefaults, 'options.policy.enforceNewDefaults', check.boolean, true),
    rules,
  };
}

/** What `cloud.policy` stands for: the policy service's user-facing methods, without its engine. */
class PolicyApi implements CloudPolicy {
  constructor(private readonly service: PolicyService) {}
  enforce(rule: string, credentials: PolicyCredentials, target?: PolicyTarget): void {
    this.service.enforce(rule, credentials, target);
  }
  authorize(rule: string, credentials: PolicyCredentials, target?: PolicyTarget): boolean {
    return this.service.authorize(rule, credentials, target);
  }
  getRule(name: string): PolicyRuleInfo {
    return this.service.getRule(name);
  }
  listRules(): PolicyRuleInfo[] {
    return this.service.listRules();
  }
  setRule(name: string, checkStr: PolicyCheckString): PolicyRuleInfo {
    return this.service.setRule(name, checkStr);
  }
  resetRule(name: string): void {
    this.service.resetRule(name);
  }
  configure(options: { enforceScope?: boolean; enforceNewDefaults?: boolean }): void {
    this.service.configure(options);
  }
}

/** Validates a snapshot or its JSON and returns a frozen state. */
function checkState(input: unknown): CloudState {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (e) {
      throw new BadRequest('core.state.invalid', `state: not valid JSON (${(e as Error).message}).`, { field: 'state' });
    }
  }
  const s = check.record(value, 'state');
  const meta = check.record(s.meta, 'state.meta');
  if (meta.schemaVersion !== SCHEMA_VERSION) {
    throw new BadRequest('core.state.schema_version', `state.meta.schemaVersion is ${JSON.stringify(meta.schemaVersion)}, but this stacksim reads version ${SCHEMA_VERSION} only; export the state with a matching stacksim.`, { field: 'state.meta.schemaVersion', found: meta.schemaVersion as never, expected: SCHEMA_VERSION });
  }
  const reference = referenceState();
  for (const slice of SLICES) checkShape(s[slice], reference[slice], `state.${slice}`, !Object.isFrozen(s));
  // a frozen tree is a snapshot already (shared, O(1)); anything else is copied so the caller's object stays theirs
  return (Object.isFrozen(s) ? s : JSON.parse(JSON.stringify(s))) as CloudState;
}

/** A fresh cloud's state before bootstrap, with every default option: the outline a state must have. */
function referenceState(): Record<string, unknown> {
  const context: OptionContext = { preset: 'empty', topologyGiven: false };
  let state: Record<string, unknown> = { meta: initialMeta(0, 'immediate', DEFAULT_EPOCH, rngInit(0)), quota: initialQuotaState(), blobs: emptyTable() };
  for (const service of SERVICE_LIST) state = { ...state, ...service.initialState(service.option ? service.option.check(undefined, context) : undefined) };
  return state;
}

/**
 * Checks `value` against the outline of `reference` (a fresh state's part): the same kind of
 * value (object, array, string, number, boolean) at every key the reference has, tables where it
 * has tables (their nodes too when `deep`: a state read from JSON); `null` in the reference
 * (an unset option) accepts anything, and keys the reference lacks (optional fields) are kept.
 * Rows inside tables are not checked. Throws a 400 naming the first path at fault.
 */
function checkShape(value: unknown, reference: unknown, field: string, deep: boolean): void {
  if (reference === null || reference === undefined) return;
  const kind = (x: unknown): string => (x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x === 'object' ? 'an object' : `a ${typeof x}`);
  if (kind(value) !== kind(reference)) {
    throw new BadRequest('core.state.invalid', `${field}: expected ${kind(reference)}, got ${kind(value)}; this is not a state stacksim wrote (export it again with snapshot() or toJSON()).`, { field });
  }
  if (typeof reference !== 'object' || Array.isArray(reference)) return;
  if (looksLikeTable(reference)) {
    if (deep) checkTable(value, field);
    else if (!looksLikeTable(value)) checkTable(value, field);
    return;
  }
  for (const [key, ref] of Object.entries(reference as Record<string, unknown>)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined && ref !== undefined) {
      throw new BadRequest('core.state.invalid', `${field}.${key}: missing; this is not a state stacksim wrote (export it again with snapshot() or toJSON()).`, { field: `${field}.${key}` });
    }
    checkShape(v, ref, `${field}.${key}`, deep);
  }
}

/**
 * Creates a cloud. `createCloud()` gives DevStack's multi-node cloud with seed 0;
 * `createCloud({ seed, topology })` a modelled datacenter; `createCloud({ state })` continues
 * from a snapshot or its JSON. Bad options throw a `BadRequest` naming the field.
 */
export function createCloud(options: CloudOptions = {}): Cloud {
  const o = check.record(options, 'options');
  check.onlyKeys(o, OPTION_KEYS, 'options');
  const traceLimit = check.optional(o.traceLimit, 'options.traceLimit', (x, f) => check.integer(x, f, 1, 1_000_000), 1000);
  const frozenOptions: CloudOptions = { ...(options as CloudOptions) };
  if (o.state !== undefined) {
    for (const key of ['seed', 'preset', 'progression', 'epoch', 'policy', ...SERVICE_OPTION_KEYS]) {
      if (o[key] !== undefined) throw new BadRequest('core.input.invalid', `options.${key}: a cloud made from a state takes its ${key} from that state; leave ${key} out.`, { field: `options.${key}` });
    }
    const state = checkState(o.state);
    const adminPassword = o.adminPassword === undefined ? undefined : check.text(o.adminPassword, 'options.adminPassword', 4096);
    return new Cloud(new Kernel(state, { traceLimit }), { traceLimit, ...(adminPassword !== undefined ? { adminPassword } : {}) });
  }
  const seed = o.seed === undefined ? 0 : typeof o.seed === 'string' ? check.text(o.seed, 'options.seed', 1024) : check.integer(o.seed, 'options.seed', 0);
  const progression = check.optional<Progression>(o.progression, 'options.progression', (x, f) => check.oneOf(x, ['immediate', 'clock'] as const, f), 'immediate');
  const epoch = check.optional(o.epoch, 'options.epoch', (x, f) => {
    const text = check.text(x, f, 64);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(text) || Number.isNaN(Date.parse(text))) throw new BadRequest('core.input.invalid', `${f}: expected an ISO-8601 UTC instant like '2022-10-05T00:00:00Z', got '${text}'.`, { field: f });
    return text;
  }, DEFAULT_EPOCH);
  const preset = check.optional<Preset>(o.preset, 'options.preset', (x, f) => check.oneOf(x, ['devstack', 'empty'] as const, f), 'devstack');
  const policy = checkPolicyOptions(o.policy);
  const context: OptionContext = { preset, topologyGiven: o.topology !== undefined };
  const adminPassword = check.optional(o.adminPassword, 'options.adminPassword', (x, f) => check.name(x, f, 4096), 'secret');
  // each service with its checked option: what its initial state, bootstrap and deploy steps see
  const services = SERVICE_LIST.map((service) => ({ service, context: { ...context, adminPassword, options: service.option ? service.option.check(o[service.option.key], context) : undefined } }));
  let state: CloudState = { meta: initialMeta(seed, progression, epoch, rngInit(seed), policy), quota: initialQuotaState(), blobs: emptyTable() } as CloudState;
  for (const { service, context: c } of services) {
    const slices = service.initialState(c.options);
    const keys = Object.keys(slices).sort().join(',');
    if (keys !== [...service.slices].sort().join(',')) throw new TypeError(`Service '${service.name}' declares slices ${service.slices.join(', ')} but its initial state has ${keys}.`);
    state = { ...state, ...slices };
  }
  const kernel = new Kernel(state, { traceLimit });
  const cloud = new Cloud(kernel, frozenOptions);
  kernel.transact('cloud.create', (tx) => {
    for (const { service, context: c } of services) {
      service.bootstrap?.(tx, c);
      for (const entry of service.catalog ?? []) registerService(tx, entry, entry.url);
    }
    for (const { service, context: c } of services) service.deploy?.(tx, c);
  });
  return cloud;
}
