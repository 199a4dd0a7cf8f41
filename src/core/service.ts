/**
 * The service descriptor: everything a module brings to a cloud, in one value. `createCloud`,
 * `Session` and the package exports are derived from one ordered list of descriptors
 * (`src/services.ts`); that order is the dependency order, the order hooks run in, the order
 * policies are registered in and the order presets are built in. Adding a service is one folder
 * exporting one descriptor, plus one line in that list.
 */
import type { CloudState } from './state.js';
import type { CloudHooks, Kernel, TaskHandler, Tx } from './kernel.js';
import type { PolicyDefault } from './policy.js';
import type { CustomCheck } from './policy/evaluate.js';
import type { QuotaResource } from './quota.js';
import type { RestService } from './rest.js';

/** Built-in starting points of a cloud. */
export type Preset = 'devstack' | 'empty';

/** What a service's option checker knows about the cloud being made. */
export interface OptionContext {
  /** The preset asked for (`devstack` by default). */
  readonly preset: Preset;
  /** Whether the caller gave its own `topology` (DevStack's layout otherwise, with the devstack preset). */
  readonly topologyGiven: boolean;
}

/** What a service's bootstrap steps see. */
export interface BootstrapContext<Options> extends OptionContext {
  /** The service's own option, checked (see {@link ServiceDescriptor.option}). */
  readonly options: Options;
  /** The bootstrap admin's password (`keystone-manage bootstrap --bootstrap-password`), also DevStack's users'. */
  readonly adminPassword: string;
}

/** One service in the catalog, as DevStack's `get_or_create_service` / `get_or_create_endpoint` register it. */
export interface CatalogSpec {
  /** Service type: `identity`, `placement`, `object-store`, `image`, `network`, `volumev3`, `compute`. */
  readonly type: string;
  /** Service name: `keystone`, `placement`, `swift`, `glance`, … */
  readonly name: string;
  readonly description: string;
  /** The endpoint URL (public, internal and admin), e.g. `http://controller/image`. */
  readonly url: string;
}

/** Hook handlers a service registers with the modules to its left, by hook name. */
export type ServiceHooks = { readonly [K in keyof CloudHooks]?: CloudHooks[K] };

/**
 * A service as the cloud assembles it. Every part is optional except the name and the state;
 * `Options` is the service's `createCloud` option once checked, `SessionPart` / `OperatorPart` /
 * `AnonymousPart` the properties it adds to a `Session`, to the `Cloud` and to `cloud.anonymous`,
 * `Requests` what its session APIs are built from (the request pipeline of a session) and
 * `AnonymousRequests` what its anonymous API is built from (a pipeline without a token).
 */
export interface ServiceDescriptor<Options = undefined, SessionPart extends object = object, OperatorPart extends object = object, AnonymousPart extends object = object, Requests = never, AnonymousRequests = never> {
  /** The module's folder name (`identity`, `scheduler`, …). */
  readonly name: string;
  /** The state slices the service owns (keys of `CloudState`), exactly the keys {@link initialState} returns. */
  readonly slices: readonly (keyof CloudState & string)[];
  /** The service's `createCloud` option: its key and a checker that refuses bad input with a `BadRequest` naming the field. */
  readonly option?: { readonly key: string; check(input: unknown, context: OptionContext): Options };
  /** The initial value of each slice of a new cloud. */
  initialState(options: Options): Partial<CloudState>;
  /** Its default policy rules (Zed's check strings and scope types), registered as one batch. */
  readonly policies?: readonly PolicyDefault[];
  /**
   * Its own check kinds, as oslo.policy's `@policy.register(kind)` (Neutron's `field`,
   * `neutron/policy.py` FieldCheck): a `<kind>:<match>` check in one of its rules calls the
   * function with the match after `%(attr)s` substitution, the target and the credentials
   * (a throw counts as false). Registered with {@link policies}, in the service's namespace:
   * other services' rules keep the generic check for that kind.
   */
  readonly policyChecks?: Readonly<Record<string, CustomCheck>>;
  /** Its quota resources, with Zed's names and defaults. */
  readonly quotas?: readonly Omit<QuotaResource, 'key' | 'code'>[];
  /** Its quota resource families, named at run time (Cinder's per-volume-type `volumes_<type>`): see `QuotaRegistry.registerFamily`. */
  readonly quotaFamilies?: readonly (Omit<QuotaResource, 'key' | 'code' | 'name'> & { readonly prefix: string })[];
  /** Its catalog entries, registered right after its {@link bootstrap} step. */
  readonly catalog?: readonly CatalogSpec[];
  /** Its synchronous reactions to the modules to its left (run inside the same commit, in list order). */
  readonly hooks?: ServiceHooks;
  /** Its asynchronous task and timer kinds. */
  readonly tasks?: Readonly<Record<string, TaskHandler>>;
  /** What a fresh install creates, for every preset (`keystone-manage bootstrap`, the rings). */
  bootstrap?(tx: Tx, context: BootstrapContext<Options>): void;
  /**
   * What the deployment adds once every service is bootstrapped (DevStack's accounts, images,
   * networks for the `devstack` preset; for every preset, what needs other services' bootstrap).
   */
  deploy?(tx: Tx, context: BootstrapContext<Options>): void;
  /** The service's API on a session (`session.image`), built on the session's request pipeline. */
  session?(requests: Requests): SessionPart;
  /** The service as its operator sees it (`cloud.hardware`, `cloud.object`). */
  operator?(kernel: Kernel): OperatorPart;
  /** What requests without a token reach (`cloud.anonymous.object`, through container ACLs). */
  anonymous?(requests: AnonymousRequests): AnonymousPart;
  /** Its REST API (`createApiHandler` in `src/api` serves it): mount, routes, fault body. */
  readonly rest?: RestService<SessionPart, AnonymousPart>;
}

/** Any descriptor (for lists of them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyServiceDescriptor = ServiceDescriptor<any, object, object, object, any, any>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The properties a list of descriptors adds through one of its factories (`session`, `operator`, `anonymous`). */
export type PartsOf<L extends readonly AnyServiceDescriptor[], F extends 'session' | 'operator' | 'anonymous'> = UnionToIntersection<
  { [I in keyof L]: L[I] extends { readonly [P in F]?: (...args: never[]) => infer R } ? (R extends object ? R : object) : object }[number]
>;

/** A descriptor's hooks and task kinds as lists, worked out once (a fork installs them again on its kernel). */
export interface ServiceInstall {
  readonly hooks: readonly (readonly [keyof CloudHooks & string, CloudHooks[keyof CloudHooks]])[];
  readonly tasks: readonly (readonly [string, TaskHandler])[];
}

/** The install lists of a descriptor. */
export function serviceInstall(service: AnyServiceDescriptor): ServiceInstall {
  const hooks = Object.entries(service.hooks ?? {}).filter(([, fn]) => fn !== undefined) as [keyof CloudHooks & string, CloudHooks[keyof CloudHooks]][];
  return { hooks, tasks: Object.entries(service.tasks ?? {}) };
}

/** Registers a descriptor's hooks and task kinds on a kernel (once per kernel: forks get their own). */
export function installService(kernel: Kernel, install: ServiceInstall): void {
  for (const [name, fn] of install.hooks) kernel.hook(name, fn as never);
  for (const [kind, handler] of install.tasks) kernel.defineTask(kind, handler);
}

/**
 * Adds a service's API objects as properties (`cloud.hardware`, `session.image`); a name two
 * services both define is a programming error. With a kernel, each object is made public
 * ({@link publicApi}): every method call gets a request id and returns a deeply frozen view.
 */
export function defineParts(target: object, parts: object, kernel?: Kernel): void {
  for (const name in parts) {
    if (Object.prototype.hasOwnProperty.call(target, name)) throw new TypeError(`Two services define '${name}': each property belongs to one service.`);
    const part = (parts as Record<string, unknown>)[name];
    (target as Record<string, unknown>)[name] = kernel !== undefined && typeof part === 'object' && part !== null ? publicApi(kernel, name, part) : part;
  }
}

/** Where a wrapper finds the kernel and the API object it stands for (symbols: no user sees them as fields). */
const KERNEL = Symbol('stacksim.kernel');
const API = Symbol('stacksim.api');
interface Wrapper {
  readonly [KERNEL]: Kernel;
  readonly [API]: object;
}

/**
 * One wrapper prototype per API class and part name (code, not state: a class's methods never
 * change), so wrapping an API object — every session and every fork wraps several — costs one
 * small object instead of a closure per method.
 */
const WRAPPER_PROTOTYPES = new WeakMap<object, Map<string, object>>();

/**
 * An API object as users reach it: an object standing for `api`, whose methods (own or
 * inherited) run `api`'s in {@link Kernel.call} under the operation name `<name>.<method>`, and
 * whose accessors read and write through to `api`. The method runs on `api` itself, so calls it
 * makes internally are not wrapped again; `instanceof` holds; the fields of `api` (its kernel,
 * its pipeline) are not properties of the wrapper.
 */
export function publicApi<T extends object>(kernel: Kernel, name: string, api: T): T {
  const proto = Object.getPrototypeOf(api) as object | null;
  const literal = proto === Object.prototype || proto === null || Object.getOwnPropertyNames(api).some((k) => typeof (api as Record<string, unknown>)[k] === 'function');
  const wrapper = Object.create(literal ? api : wrapperPrototype(proto as object, name)) as T;
  Object.defineProperty(wrapper, KERNEL, { value: kernel });
  Object.defineProperty(wrapper, API, { value: api });
  if (literal) defineWrapped(wrapper, api, name, true); // an object literal's methods are its own: wrap them here
  return wrapper;
}

function wrapperPrototype(proto: object, name: string): object {
  let byName = WRAPPER_PROTOTYPES.get(proto);
  if (byName === undefined) WRAPPER_PROTOTYPES.set(proto, (byName = new Map()));
  let wrapperProto = byName.get(name);
  if (wrapperProto === undefined) {
    wrapperProto = Object.create(proto) as object;
    defineWrapped(wrapperProto, proto, name, false);
    byName.set(name, wrapperProto);
  }
  return wrapperProto;
}

/** Defines on `target` the wrapped methods and forwarding accessors of `source` and its prototypes. */
function defineWrapped(target: object, source: object, name: string, accessorsToo: boolean): void {
  const seen = new Set<string>();
  for (let o: object | null = source; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor' || seen.has(key)) continue;
      seen.add(key);
      const descriptor = Object.getOwnPropertyDescriptor(o, key) as PropertyDescriptor;
      if (typeof descriptor.value === 'function') {
        const method = descriptor.value as (...a: unknown[]) => unknown;
        const operation = `${name}.${key}`;
        Object.defineProperty(target, key, {
          value: function (this: Wrapper, ...args: unknown[]): unknown {
            const api = this[API];
            return this[KERNEL].call(operation, () => method.apply(api, args));
          },
        });
      } else if (descriptor.get !== undefined || descriptor.set !== undefined || accessorsToo) {
        Object.defineProperty(target, key, {
          get(this: Wrapper): unknown {
            return (this[API] as Record<string, unknown>)[key];
          },
          set(this: Wrapper, value: unknown): void {
            (this[API] as Record<string, unknown>)[key] = value;
          },
        });
      }
    }
  }
}
