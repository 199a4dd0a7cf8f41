/**
 * The service catalog: regions, services and endpoints (`/v3/regions`, `/v3/services`,
 * `/v3/endpoints`). Each stacksim service registers its service type and endpoints in
 * `RegionOne` when it is installed, as DevStack's `get_or_create_service` /
 * `get_or_create_endpoint` do.
 */
import { Conflict, Duplicate, InvalidInput, NotFound, check, deleteRow, getRow, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import type { EndpointRow, RegionRow, ServiceRow } from './types.js';

type S = CloudState;

/** One service in a token's catalog. */
export interface CatalogEntry {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly endpoints: readonly { readonly id: string; readonly interface: string; readonly region: string; readonly region_id: string; readonly url: string }[];
}

/** What a catalog URL's `%(…)s` substitutions take (keystone/catalog/backends/sql.py `get_v3_catalog`). */
export interface CatalogScope {
  readonly user_id?: string;
  /** The token's project; without it, an endpoint whose URL needs `%(project_id)s` / `%(tenant_id)s` is left out. */
  readonly project_id?: string;
}

/**
 * Keystone's `utils.format_url`: `%(project_id)s`, `%(tenant_id)s` and `%(user_id)s` replaced by the
 * scope's values. Undefined when the URL needs a value the scope lacks (Keystone then leaves the
 * endpoint out of the catalog) or names one Keystone would not know (`MalformedEndpoint`).
 */
export function formatEndpointUrl(url: string, scope: CatalogScope): string | undefined {
  let ok = true;
  const out = url.replace(/%\(([A-Za-z_]+)\)s/g, (_m, key: string) => {
    const value = key === 'project_id' || key === 'tenant_id' ? scope.project_id : key === 'user_id' ? scope.user_id : undefined;
    if (value === undefined) ok = false;
    return value ?? '';
  });
  return ok ? out : undefined;
}

/**
 * The catalog as a token carries it: enabled services with their enabled endpoints. With a
 * `scope`, URLs are substituted for it as Keystone's `get_v3_catalog` does (an endpoint needing a
 * project id is left out of a token without a project); without, they are the registered
 * templates (`http://controller:8080/v1/AUTH_%(project_id)s`), as the library has always shown them.
 */
export function catalogView(s: S, scope?: CatalogScope): CatalogEntry[] {
  const byService = new Map<string, CatalogEntry['endpoints'][number][]>();
  for (const e of tableToArray(s.identity.endpoints)) {
    if (!e.enabled) continue;
    const url = scope === undefined ? e.url : formatEndpointUrl(e.url, scope);
    if (url === undefined) continue;
    const list = byService.get(e.service_id) ?? [];
    list.push({ id: e.id, interface: e.interface, region: e.region_id, region_id: e.region_id, url });
    byService.set(e.service_id, list);
  }
  return tableToArray(s.identity.services)
    .filter((svc) => svc.enabled)
    .map((svc) => ({ id: svc.id, type: svc.type, name: svc.name, endpoints: byService.get(svc.id) ?? [] }));
}

/** `POST /v3/regions` (the id is the name, e.g. `RegionOne`). */
export function createRegion(tx: Tx, input: unknown): RegionRow {
  const r = check.record(input, 'region');
  check.onlyKeys(r, ['id', 'description', 'parent_region_id'], 'region');
  const id = check.name(r.id, 'region.id', 255);
  const parent = r.parent_region_id === undefined || r.parent_region_id === null ? null : check.name(r.parent_region_id, 'region.parent_region_id');
  if (parent !== null && !getRow(tx.draft.identity.regions, parent)) throw new NotFound('identity.region.not_found', `Could not find region: ${parent} (parent_region_id).`, { field: 'region.parent_region_id' });
  if (getRow(tx.draft.identity.regions, id)) throw new Duplicate('identity.region', id);
  const row: RegionRow = { id, description: check.optional(r.description, 'region.description', (x, f) => check.text(x, f, 255), ''), parent_region_id: parent };
  setRow(tx.draft.identity.regions, id, row);
  tx.emit('identity.region.created', () => ({ resource_info: id, action: 'created' }));
  return row;
}

/** `DELETE /v3/regions/{id}`: refused while endpoints or child regions use it. */
export function deleteRegion(tx: Tx, region: RegionRow): void {
  const s = tx.draft as S;
  if (tableToArray(s.identity.endpoints).some((e) => e.region_id === region.id)) throw new Conflict('identity.region.in_use', `Region '${region.id}' still has endpoints.`);
  if (tableToArray(s.identity.regions).some((r) => r.parent_region_id === region.id)) throw new Conflict('identity.region.in_use', `Region '${region.id}' still has child regions.`);
  deleteRow(tx.draft.identity.regions, region.id);
  tx.emit('identity.region.deleted', () => ({ resource_info: region.id, action: 'deleted' }));
}

/** `POST /v3/services`. */
export function createService(tx: Tx, input: unknown): ServiceRow {
  const r = check.record(input, 'service');
  check.onlyKeys(r, ['type', 'name', 'description', 'enabled'], 'service');
  const row: ServiceRow = {
    id: tx.ids.uuid().replace(/-/g, ''),
    type: check.name(r.type, 'service.type', 255),
    name: check.optional(r.name, 'service.name', (x, f) => check.name(x, f, 255), ''),
    description: check.optional(r.description, 'service.description', (x, f) => check.text(x, f, 255), ''),
    enabled: check.optional(r.enabled, 'service.enabled', check.boolean, true),
  };
  setRow(tx.draft.identity.services, row.id, row);
  tx.emit('identity.service.created', () => ({ resource_info: row.id, action: 'created' }));
  return row;
}

/** `DELETE /v3/services/{id}`: its endpoints go with it. */
export function deleteService(tx: Tx, service: ServiceRow): void {
  for (const e of tableToArray((tx.draft as S).identity.endpoints).filter((x) => x.service_id === service.id)) deleteRow(tx.draft.identity.endpoints, e.id);
  deleteRow(tx.draft.identity.services, service.id);
  tx.emit('identity.service.deleted', () => ({ resource_info: service.id, action: 'deleted' }));
}

/** `POST /v3/endpoints`. */
export function createEndpoint(tx: Tx, input: unknown): EndpointRow {
  const s = tx.draft as S;
  const r = check.record(input, 'endpoint');
  check.onlyKeys(r, ['service_id', 'interface', 'region_id', 'url', 'enabled'], 'endpoint');
  const serviceId = check.name(r.service_id, 'endpoint.service_id');
  if (!getRow(s.identity.services, serviceId)) throw new InvalidInput('endpoint.service_id', `no service '${serviceId}'.`);
  const regionId = check.name(r.region_id, 'endpoint.region_id');
  if (!getRow(s.identity.regions, regionId)) throw new InvalidInput('endpoint.region_id', `no region '${regionId}'.`);
  const url = check.name(r.url, 'endpoint.url', 1024);
  if (!/^https?:\/\/\S+$/.test(url)) throw new InvalidInput('endpoint.url', `'${url}' is not an http(s) URL.`);
  const row: EndpointRow = {
    id: tx.ids.uuid().replace(/-/g, ''),
    service_id: serviceId,
    interface: check.oneOf(r.interface, ['public', 'internal', 'admin'] as const, 'endpoint.interface'),
    region_id: regionId,
    url,
    enabled: check.optional(r.enabled, 'endpoint.enabled', check.boolean, true),
  };
  setRow(tx.draft.identity.endpoints, row.id, row);
  tx.emit('identity.endpoint.created', () => ({ resource_info: row.id, action: 'created' }));
  return row;
}

/** `DELETE /v3/endpoints/{id}`. */
export function deleteEndpoint(tx: Tx, endpoint: EndpointRow): void {
  deleteRow(tx.draft.identity.endpoints, endpoint.id);
  tx.emit('identity.endpoint.deleted', () => ({ resource_info: endpoint.id, action: 'deleted' }));
}

/**
 * Registers a service type with public, internal and admin endpoints in a region (what each
 * stacksim module calls when installed). Idempotent per service type.
 */
export function registerService(tx: Tx, service: { type: string; name: string; description?: string }, url: string, region = 'RegionOne'): ServiceRow {
  const s = tx.draft as S;
  const existing = tableToArray(s.identity.services).find((x) => x.type === service.type);
  if (existing) return existing;
  if (!getRow(s.identity.regions, region)) createRegion(tx, { id: region });
  const row = createService(tx, { type: service.type, name: service.name, description: service.description ?? '' });
  for (const iface of ['public', 'internal', 'admin'] as const) createEndpoint(tx, { service_id: row.id, interface: iface, region_id: region, url });
  return row;
}
