/**
 * The scheduler's configuration check: nova.conf's option names grouped by section, Zed's
 * defaults for what is left out, and the filters and weighers that exist.
 */
import { InvalidInput, check } from '../../core/index.js';
import { NotSimulated } from './errors.js';
import { NOT_SIMULATED_FILTERS, filterByName, FILTERS } from './filters/index.js';
import { ARCHITECTURES } from './image_meta.js';
import { SCHEDULER_DEFAULTS, type SchedulerConfig } from './types.js';
import { NOT_SIMULATED_WEIGHERS, WEIGHERS, WEIGHER_MODULES, weigherByName } from './weighers/index.js';

/** The `weight_classes` entry that stands for every weigher. */
export const ALL_WEIGHERS = 'nova.scheduler.weights.all_weighers';

const str = (v: unknown, f: string): string => check.text(v, f, 255);
const strings = (v: unknown, f: string): string[] => check.array(Array.isArray(v) ? Array.from(v as unknown[]) : v, f, str, 100_000);

type OptionCheck = (v: unknown, f: string) => unknown;

const int = (min: number): OptionCheck => (v, f) => check.integer(v, f, min);
const float = (min = -Infinity): OptionCheck => (v, f) => check.number(v, f, min);
const bool: OptionCheck = (v, f) => check.boolean(v, f);
/** oslo ListOpt: a list of strings, or one comma-separated string. */
const list: OptionCheck = (v, f) =>
  typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : strings(v, f).map((s) => s.trim());
const nullableText: OptionCheck = (v, f) => (v === null ? null : str(v, f));

function enabledFilters(v: unknown, f: string): string[] {
  const names = list(v, f) as string[];
  names.forEach((name, i) => {
    const why = NOT_SIMULATED_FILTERS[name];
    if (why !== undefined) throw new NotSimulated('filter', name, why, `${f}[${i}]`);
    if (filterByName(name) === undefined) {
      throw new InvalidInput(`${f}[${i}]`, `unknown filter '${name}'; known filters are ${FILTERS.map((x) => x.name).join(', ')}.`, 'scheduler.filter.not_found');
    }
  });
  return names;
}

function weightClasses(v: unknown, f: string): string[] {
  const names = list(v, f) as string[];
  names.forEach((name, i) => {
    if (name === ALL_WEIGHERS || weigherByName(name) !== undefined) return;
    const short = name.split('.').pop() as string;
    const why = NOT_SIMULATED_WEIGHERS[short];
    if (why !== undefined && (name === short || name === `nova.scheduler.weights.${WEIGHER_MODULES[short]}.${short}`)) {
      throw new NotSimulated('weigher', short, why, `${f}[${i}]`);
    }
    throw new InvalidInput(
      `${f}[${i}]`,
      `unknown weigher '${name}'; use ${ALL_WEIGHERS} or some of ${WEIGHERS.map((w) => w.name).join(', ')}.`,
      'scheduler.weigher.not_found',
    );
  });
  return names;
}

const OPTIONS: { readonly [G in keyof SchedulerConfig]: Readonly<Record<keyof SchedulerConfig[G], OptionCheck>> } = {
  DEFAULT: { default_availability_zone: (v, f) => check.name(v, f) },
  scheduler: {
    max_attempts: int(1),
    max_placement_results: int(1),
    limit_tenants_to_placement_aggregate: bool,
    placement_aggregate_required_for_tenants: bool,
    query_placement_for_availability_zone: bool,
    enable_isolated_aggregate_filtering: bool,
    query_placement_for_image_type_support: bool,
    image_metadata_prefilter: bool,
  },
  filter_scheduler: {
    host_subset_size: int(1),
    max_io_ops_per_host: int(0),
    max_instances_per_host: int(1),
    enabled_filters: enabledFilters,
    weight_classes: weightClasses,
    ram_weight_multiplier: float(),
    cpu_weight_multiplier: float(),
    disk_weight_multiplier: float(),
    io_ops_weight_multiplier: float(),
    pci_weight_multiplier: float(0),
    soft_affinity_weight_multiplier: float(0),
    soft_anti_affinity_weight_multiplier: float(0),
    build_failure_weight_multiplier: float(),
    cross_cell_move_weight_multiplier: float(),
    shuffle_best_same_weighed_hosts: bool,
    image_properties_default_architecture: (v, f) => (v === null ? null : check.oneOf(v, ARCHITECTURES, f)),
    isolated_images: list,
    isolated_hosts: list,
    restrict_isolated_hosts_to_isolated_images: bool,
    aggregate_image_properties_isolation_namespace: nullableText,
    aggregate_image_properties_isolation_separator: (v, f) => check.text(v, f, 255),
  },
  metrics: {
    weight_multiplier: float(),
    weight_setting: list,
    required: bool,
    weight_of_unavailable: float(),
  },
};

/**
 * Checks a (partial) scheduler configuration and fills in Zed's defaults. Option names are
 * nova.conf's, grouped by section: `{ filter_scheduler: { host_subset_size: 2 } }`.
 * Unknown filters or weighers are refused; NUMATopologyFilter, PciPassthroughFilter and
 * PCIWeigher are refused as not simulated.
 */
export function checkSchedulerConfig(value: unknown, field = 'config'): SchedulerConfig {
  if (value === undefined || value === SCHEDULER_DEFAULTS) return SCHEDULER_DEFAULTS;
  if (typeof value === 'object' && value !== null && checked.has(value)) return value as SchedulerConfig;
  const rec = check.record(value, field);
  const groups = Object.keys(OPTIONS) as (keyof SchedulerConfig)[];
  check.onlyKeys(rec, groups, field);
  const out: Record<string, Record<string, unknown>> = {};
  for (const group of groups) {
    const given = rec[group] === undefined ? {} : check.record(rec[group], `${field}.${group}`);
    const checks = OPTIONS[group] as Readonly<Record<string, OptionCheck>>;
    check.onlyKeys(given, Object.keys(checks), `${field}.${group}`);
    const defaults = SCHEDULER_DEFAULTS[group] as unknown as Record<string, unknown>;
    out[group] = {};
    for (const [option, optionCheck] of Object.entries(checks)) {
      const v = given[option];
      (out[group] as Record<string, unknown>)[option] = v === undefined ? defaults[option] : optionCheck(v, `${field}.${group}.${option}`);
    }
  }
  // the answer is frozen through and branded: given back, it is taken as it is (a cloud keeps the
  // checked form of its own configuration in its kernel's memo, keyed by the frozen input)
  const config = frozenDeep(out) as unknown as SchedulerConfig;
  checked.add(config);
  return config;
}

/**
 * A brand, not a cache: the configurations this function itself built, checked and froze (they
 * cannot change, so checking one again would give it back). Nothing derived from an input is kept.
 */
const checked = new WeakSet<object>();

function frozenDeep<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) frozenDeep(v);
    Object.freeze(value);
  }
  return value;
}
