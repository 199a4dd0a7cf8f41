/**
 * The Block Storage API's extension resources over REST (`cinder/api/contrib/`) and limits:
 * quota sets (`quotas.py` `QuotaSetsController`: `GET /os-quota-sets/{id}[?usage=True]`,
 * `…/{id}/defaults`, `PUT` with `{"quota_set": {…}}` as `schemas/quotas.py` reads it, `DELETE`
 * answering 200 with no body), `GET /limits` (`cinder/api/v3/limits.py`: another project's
 * limits for an admin from 3.39), the scheduler's pools (`scheduler_stats.py`
 * `GET /scheduler-stats/get_pools`: filters from 3.28, `volume_type` from 3.35), services
 * (`services.py`: `GET /os-services` filtered by `host` and `binary`, `cluster` from 3.7,
 * `backend_state` from 3.49; `PUT /os-services/{action}`), and availability zones
 * (`availability_zones.py` `GET /os-availability-zone`). The session API enforces each
 * resource's policy and validates; these routes read the URL and the body.
 *
 * Not simulated: `os-quota-class-sets`, the services' `set-log` / `get-log` / `failover*`
 * actions (the session API refuses them), `os-hosts`.
 */
import { json, type RestResponse } from '../core/index.js';
import type { BlockApi } from './api.js';
import type { CinderServiceAction } from './cinder_services.js';
import { callerOf, mv, type BlockCall, type Body, type CinderRouteSpec } from './rest_http.js';
import { boolParam, lastOf, notOfType, objectOf, schemaError } from './rest_params.js';

const api = (call: BlockCall): BlockApi => call.session().block;
const target = (call: BlockCall): string => call.params.id as string;

/** `QuotaSetsController.show`: `usage` (a boolean parameter) shows each resource's use too. */
function showQuotaSet(call: BlockCall): RestResponse {
  const usage = call.query.has('usage') && boolParam(call, 'usage');
  return json(200, { quota_set: api(call).getQuotaSet(target(call), usage ? { usage: true } : {}) });
}

/** `update_quota`: `{"quota_set": {…}}` and nothing else (the session API checks the keys and values). */
function updateQuotaSet(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(body.present ? body.value : null, { properties: { quota_set: (value) => objectOf(value, {}, 'quota_set') }, required: ['quota_set'], allowed: ['quota_set'] });
  return json(200, { quota_set: api(call).updateQuotaSet(target(call), top.quota_set as Record<string, number | string>) });
}

/** `LimitsController.index`: `project_id` (or `tenant_id`) counts for admins from 3.39 only. */
function showLimits(call: BlockCall): RestResponse {
  const query: Record<string, string> = {};
  if (mv(call).atLeast('3.39') && callerOf(call).isAdmin) {
    for (const name of ['project_id', 'tenant_id']) {
      const value = lastOf(call, name);
      if (value !== undefined) query[name] = value;
    }
  }
  return json(200, { limits: api(call).getLimits(query) });
}

/** `get_pools`: `detail`; the filters only from 3.28 (`volume_type` from 3.35), every other parameter is the session API's 400. */
function listPools(call: BlockCall): RestResponse {
  const v = mv(call);
  const query: Record<string, unknown> = { detail: boolParam(call, 'detail') };
  if (v.atLeast('3.28')) {
    for (const [name, value] of call.query.entries()) {
      if (name === 'detail' || (name === 'volume_type' && !v.atLeast('3.35'))) continue;
      query[name] = value;
    }
  }
  return json(200, { pools: api(call).listPools(query) });
}

/** `ServiceController.index`: `host` and `binary` filter (other parameters are ignored); `cluster` from 3.7, `backend_state` from 3.49. */
function listServices(call: BlockCall): RestResponse {
  const query: Record<string, string> = {};
  for (const name of ['host', 'binary']) {
    const value = lastOf(call, name);
    if (value !== undefined) query[name] = value;
  }
  const v = mv(call);
  const services = api(call).listServices(query).map((s) => {
    const out: Record<string, unknown> = { ...s };
    if (!v.atLeast('3.7')) delete out.cluster;
    if (!v.atLeast('3.49')) delete out.backend_state;
    return out;
  });
  return json(200, { services });
}

/** `ServiceController.update`: the action is the path's last segment; `freeze` / `thaw` answer no body. */
function updateService(call: BlockCall, body: Body): RestResponse {
  const value = body.present ? body.value : null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw schemaError(notOfType(value, 'object'));
  const answer = api(call).updateService(call.params.id as CinderServiceAction, value as Record<string, unknown>);
  return answer === null ? { status: 200 } : json(200, answer);
}

/** Quota sets, limits, pools, services and availability zones, below `/v3/{project_id}`. */
export const CONTRIB_ROUTES: readonly CinderRouteSpec[] = [
  { method: 'GET', path: '/os-quota-sets/{id}', handle: showQuotaSet },
  { method: 'GET', path: '/os-quota-sets/{id}/defaults', handle: (call) => json(200, { quota_set: api(call).getQuotaSetDefaults(target(call)) }) },
  { method: 'PUT', path: '/os-quota-sets/{id}', handle: updateQuotaSet },
  { method: 'DELETE', path: '/os-quota-sets/{id}', handle: (call) => (api(call).deleteQuotaSet(target(call)), { status: 200 }) },
  { method: 'GET', path: '/limits', handle: showLimits },
  { method: 'GET', path: '/scheduler-stats/get_pools', handle: listPools },
  { method: 'GET', path: '/os-services', handle: listServices },
  { method: 'PUT', path: '/os-services/{id}', handle: updateService },
  { method: 'GET', path: '/os-availability-zone', handle: (call) => json(200, { availabilityZoneInfo: api(call).listAvailabilityZones() }) },
];
