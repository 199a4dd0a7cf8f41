/**
 * Availability zones as nova-api lists them (`nova/api/openstack/compute/availability_zone.py`,
 * `nova/availability_zones.py` `get_availability_zones`): a zone exists because a service is in it.
 * The services are `nova_services.ts`'s rows; as `zones.ts` places them, a `nova-compute` service
 * is in the zones of its host's aggregates with `availability_zone` metadata (the topology AZs,
 * which the scheduler keeps as such aggregates, and those an admin makes; several are joined with
 * `,` as nova joins them), or in
 * `[DEFAULT] default_availability_zone` (`nova`) when its host is in none; every other service
 * (`nova-scheduler`, `nova-conductor`) is in `[DEFAULT] internal_service_availability_zone`
 * (`internal`). A zone with an enabled service is available; a zone whose services are all
 * disabled is listed after them as not available. `GET /os-availability-zone` (anyone) hides
 * `internal` and shows no hosts; `GET /os-availability-zone/detail` (admin) shows `internal`
 * too, and for each available zone its hosts and their enabled services:
 * `{ available: service_is_up, active: not disabled, updated_at }`. {@link availableZones} is what
 * `POST /servers` accepts as `availability_zone`.
 *
 * Not simulated: the API services (`nova-osapi_compute`, `nova-metadata`; nova skips them here
 * anyway), the AZ cache (`AZ_CACHE_SECONDS`).
 */
import type { CloudState } from '../core/index.js';
import { enforce, type Ctx } from './context.js';
import { novaServiceRows, serviceView } from './nova_services.js';
import { NOVA_RULES } from './policies.js';
import { serviceZone, zonesByHost } from './zones.js';

/** One service of a zone's host in the detailed listing. */
export interface ZoneServiceView {
  /** `servicegroup_api.service_is_up`. */
  readonly available: boolean;
  /** Not disabled. */
  readonly active: boolean;
  /** The service's last heartbeat (`str(datetime)` as nova's JSON writes it). */
  readonly updated_at: string | null;
}

/** An entry of `availabilityZoneInfo`. */
export interface ComputeAvailabilityZoneView {
  readonly zoneName: string;
  readonly zoneState: { readonly available: boolean };
  /** null in the summary and for zones not available; host → binary → service in the detail. */
  readonly hosts: Readonly<Record<string, Readonly<Record<string, ZoneServiceView>>>> | null;
}

interface ZoneService {
  readonly binary: string;
  readonly host: string;
  readonly zone: string;
  readonly disabled: boolean;
  readonly up: boolean;
  readonly updated_at: string | null;
}

/**
 * `service_get_all(set_zones=True)`: every service of `nova_services.ts` with its zone
 * (`set_availability_zones`: a compute service's host's aggregate zones, `,`-joined, else
 * `default_availability_zone`; any other service `internal_service_availability_zone`), its
 * liveness (`service_is_up`) and its `updated_at`.
 */
function servicesWithZones(s: CloudState): ZoneService[] {
  const byHost = zonesByHost(s);
  return novaServiceRows(s).map((row) => {
    const v = serviceView(s, row, byHost);
    return { binary: row.binary, host: row.host, zone: v.zone, disabled: row.disabled, up: v.state === 'up', updated_at: v.updated_at };
  });
}

/** `get_availability_zones`: the sorted zones of enabled services, and those of disabled ones not among them. */
function zonesOf(services: readonly Pick<ZoneService, 'zone' | 'disabled'>[]): { available: string[]; notAvailable: string[] } {
  const available = new Set(services.filter((x) => !x.disabled).map((x) => x.zone));
  const notAvailable = new Set(services.filter((x) => x.disabled && !available.has(x.zone)).map((x) => x.zone));
  const sorted = (set: Set<string>): string[] => [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { available: sorted(available), notAvailable: sorted(notAvailable) };
}

/**
 * `get_availability_zones(get_only_available=True)`: the zones of the enabled services, sorted
 * — what `POST /servers` accepts as `availability_zone` (nova's "The requested availability
 * zone is not available" otherwise).
 */
export function availableZones(s: CloudState): string[] {
  const byHost = zonesByHost(s);
  return zonesOf(novaServiceRows(s).map((row) => ({ zone: serviceZone(s, row, byHost), disabled: row.disabled }))).available;
}

/** `GET /os-availability-zone` (`os-availability-zone:list`, anyone): the zones but `internal`, available first; `hosts` null. */
export function listAvailabilityZones(ctx: Ctx): ComputeAvailabilityZoneView[] {
  enforce(ctx, NOVA_RULES.availabilityZones.list, {});
  const internal = ctx.s.compute.config.internal_service_availability_zone;
  const { available, notAvailable } = zonesOf(servicesWithZones(ctx.s));
  const entry = (zoneName: string, ok: boolean): ComputeAvailabilityZoneView => ({ zoneName, zoneState: { available: ok }, hosts: null });
  return [...available.filter((z) => z !== internal).map((z) => entry(z, true)), ...notAvailable.filter((z) => z !== internal).map((z) => entry(z, false))];
}

/**
 * `GET /os-availability-zone/detail` (`os-availability-zone:detail`, admin): every available zone,
 * `internal` included, with its hosts and their enabled services; then the zones not available
 * (`hosts` null).
 */
export function listAvailabilityZonesDetail(ctx: Ctx): ComputeAvailabilityZoneView[] {
  enforce(ctx, NOVA_RULES.availabilityZones.detail, {});
  const services = servicesWithZones(ctx.s);
  const { available, notAvailable } = zonesOf(services);
  const out: ComputeAvailabilityZoneView[] = [];
  for (const zone of available) {
    const hosts: Record<string, Record<string, ZoneServiceView>> = {};
    for (const x of services) {
      if (x.disabled || x.zone !== zone) continue;
      const mine = Object.hasOwn(hosts, x.host) ? (hosts[x.host] as Record<string, ZoneServiceView>) : undefined;
      const entry: Record<string, ZoneServiceView> = mine ?? {};
      entry[x.binary] = { available: x.up, active: !x.disabled, updated_at: x.updated_at };
      if (mine === undefined) Object.defineProperty(hosts, x.host, { value: entry, enumerable: true, writable: true, configurable: true });
    }
    out.push({ zoneName: zone, zoneState: { available: true }, hosts });
  }
  for (const zone of notAvailable) out.push({ zoneName: zone, zoneState: { available: false }, hosts: null });
  return out;
}
