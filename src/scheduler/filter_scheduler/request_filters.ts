/**
 * nova's request filters that turn a request into Placement query terms
 * (`nova/scheduler/request_filter.py`, `nova/scheduler/utils.py` `ResourceRequest`): the
 * required and forbidden traits of the flavor (`trait:X=required|forbidden`) and the image
 * (`trait:X=required` properties), `require_image_type_support`, `transform_image_metadata`
 * and `isolate_aggregates`. Pure functions of the request spec and the configuration.
 */
import { STANDARD_TRAITS } from '../placement/index.js';
import type { Aggregate, RequestSpec, SchedulerConfig } from './types.js';

const KNOWN = new Set<string>(STANDARD_TRAITS);

/** The traits a request requires and forbids, and why each was added. */
export interface TraitTerms {
  readonly required: readonly string[];
  readonly forbidden: readonly string[];
  /** Trait → the request filter or spec that asked for it (for the explanation). */
  readonly why: Readonly<Record<string, string>>;
}

/** `transform_image_metadata`'s image property → trait prefix map (Zed). */
const IMAGE_TRAIT_PREFIXES: readonly (readonly [string, string])[] = [
  ['hw_cdrom_bus', 'COMPUTE_STORAGE_BUS'],
  ['hw_disk_bus', 'COMPUTE_STORAGE_BUS'],
  ['hw_video_model', 'COMPUTE_GRAPHICS_MODEL'],
  ['hw_vif_model', 'COMPUTE_NET_VIF_MODEL'],
  ['hw_architecture', 'HW_ARCH'],
  ['hw_emulation_architecture', 'COMPUTE_ARCH'],
  ['hw_viommu_model', 'COMPUTE_VIOMMU'],
];

/**
 * The traits Placement is asked for: the flavor's `trait:` extra specs and the image's
 * `trait:X=required` properties (`ResourceRequest`), then `COMPUTE_IMAGE_TYPE_<disk_format>`
 * (`query_placement_for_image_type_support`, not for boot from volume) and the traits
 * `image_metadata_prefilter` derives from image properties (none at all when one of them is not
 * a known trait, as nova logs an error and adds nothing).
 */
export function traitTerms(spec: RequestSpec, config: SchedulerConfig): TraitTerms {
  const required = new Set<string>();
  const forbidden = new Set<string>();
  const why: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.flavor.extra_specs)) {
    if (!key.startsWith('trait:')) continue;
    const trait = key.slice(6);
    if (value === 'required') required.add(trait);
    else if (value === 'forbidden') forbidden.add(trait);
    else continue;
    why[trait] = `flavor extra spec ${key}=${value}`;
  }
  const props = spec.image?.properties ?? {};
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('trait:') && String(value) === 'required') {
      required.add(key.slice(6));
      why[key.slice(6)] ??= `image property ${key}=required`;
    }
  }
  if (config.scheduler.query_placement_for_image_type_support && !spec.is_bfv && spec.image?.disk_format) {
    const trait = `COMPUTE_IMAGE_TYPE_${spec.image.disk_format.toUpperCase()}`;
    if (KNOWN.has(trait)) {
      required.add(trait);
      why[trait] ??= `require_image_type_support (disk_format ${spec.image.disk_format})`;
    }
  }
  if (config.scheduler.image_metadata_prefilter && spec.image !== null) {
    const derived: [string, string][] = [];
    let valid = true;
    for (const [key, prefix] of IMAGE_TRAIT_PREFIXES) {
      if (!Object.hasOwn(props, key)) continue;
      const trait = `${prefix}_${String(props[key]).replace(/-/g, '_').toUpperCase()}`;
      if (!KNOWN.has(trait)) valid = false;
      derived.push([trait, `transform_image_metadata (${key}=${String(props[key])})`]);
    }
    if (valid) {
      for (const [trait, reason] of derived) {
        required.add(trait);
        why[trait] ??= reason;
      }
    }
  }
  return { required: [...required].sort(), forbidden: [...forbidden].sort(), why };
}

/**
 * `isolate_aggregates` (`enable_isolated_aggregate_filtering`): the aggregates with a
 * `trait:X=required` metadata key for some X the request does not require — their hosts are
 * left out (Placement's `member_of=!in:…`).
 */
export function isolatedAggregates(aggregates: Iterable<Aggregate>, terms: TraitTerms, config: SchedulerConfig): Aggregate[] {
  if (!config.scheduler.enable_isolated_aggregate_filtering) return [];
  const keys = new Set(terms.required.map((t) => `trait:${t}`));
  const out: Aggregate[] = [];
  for (const agg of aggregates) {
    if (Object.entries(agg.metadata).some(([k, v]) => k.startsWith('trait:') && v === 'required' && !keys.has(k))) out.push(agg);
  }
  return out;
}
