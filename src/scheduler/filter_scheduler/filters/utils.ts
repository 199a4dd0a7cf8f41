/**
 * Helpers shared by the filters, after `nova/scheduler/filters/utils.py`: reading aggregate
 * metadata, per-aggregate numeric overrides, scheduler hints and instance overlap.
 */
import type { HintValue, HostState, RequestSpec } from '../types.js';
import { pyFloat, pyInt } from '../py.js';

/** The raw values of one metadata key over the host's aggregates (`aggregate_values_from_key`). */
export function aggregateValuesFromKey(host: HostState, key: string): Set<string> {
  const out = new Set<string>();
  for (const agg of host.aggregates) {
    if (Object.hasOwn(agg.metadata, key)) out.add(agg.metadata[key] as string);
  }
  return out;
}

/**
 * All metadata of the host's aggregates, each value split on commas and stripped
 * (`aggregate_metadata_get_by_host`). With `key`, only aggregates that carry that key count.
 */
export function aggregateMetadataGetByHost(host: HostState, key?: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const agg of host.aggregates) {
    if (key !== undefined && !Object.hasOwn(agg.metadata, key)) continue;
    for (const [k, v] of Object.entries(agg.metadata)) {
      let set = out.get(k);
      if (set === undefined) out.set(k, (set = new Set()));
      for (const part of v.split(',')) set.add(part.trim());
    }
  }
  return out;
}

/**
 * The minimum of per-aggregate values cast to int or float, or `fallback` when there are none
 * (`validate_num_values`). Returns `undefined` where nova's cast raises ValueError — its callers
 * then log a warning and use the configured value.
 */
export function validateNumValues(values: Set<string>, fallback: number, cast: 'int' | 'float'): number | undefined {
  if (values.size === 0) return fallback;
  let min = Infinity;
  for (const v of values) {
    const n = cast === 'int' ? pyInt(v) : pyFloat(v);
    if (n === undefined) return undefined;
    min = Math.min(min, n);
  }
  return min;
}

/** A per-aggregate override of a numeric option: the minimum of the aggregates' values, else the option. */
export function aggregateOverride(host: HostState, key: string, configured: number, cast: 'int' | 'float'): number {
  // most hosts' aggregates do not set the key: answer without building the set of values
  for (const agg of host.aggregates) {
    if (Object.hasOwn(agg.metadata, key)) return validateNumValues(aggregateValuesFromKey(host, key), configured, cast) ?? configured;
  }
  return configured;
}

/** `RequestSpec.get_scheduler_hint`: a one-item list reads back as its item. */
export function getSchedulerHint(spec: RequestSpec, name: string): HintValue | undefined {
  if (!Object.hasOwn(spec.scheduler_hints, name)) return undefined;
  const value = spec.scheduler_hints[name] as HintValue;
  if (Array.isArray(value) && value.length === 1) return value[0] as string;
  return value;
}

/** Whether any of `uuids` runs on the host (`instance_uuids_overlap`). */
export function instanceUuidsOverlap(host: HostState, uuids: HintValue): boolean {
  const list = typeof uuids === 'string' ? [uuids] : uuids;
  return list.some((u) => Object.hasOwn(host.instances, u));
}

/** `{a, b}` for reasons, sorted so messages are stable. */
export function showSet(values: Iterable<string>): string {
  return `{${[...values].sort().map((v) => `'${v}'`).join(', ')}}`;
}

/**
 * `[metrics] weight_setting` parsed as nova's `parse_options(sep='=', converter=float)`:
 * `name=ratio` pairs; malformed entries are dropped (nova logs a warning).
 */
export function parseWeightSetting(setting: readonly string[]): [name: string, ratio: number][] {
  const good: [string, number][] = [];
  for (const opt of setting) {
    const at = opt.indexOf('=');
    if (at < 0) continue;
    const key = opt.slice(0, at);
    const ratio = pyFloat(opt.slice(at + 1));
    if (key !== '' && ratio !== undefined) good.push([key, ratio]);
  }
  return good;
}
