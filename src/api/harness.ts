/**
 * The test harness under `/stacksim/`, moto-style, off unless asked for
 * (`createApiHandler(cloud, { harness: true })`, `stacksim serve --harness`):
 *
 * - `POST /stacksim/reset`: back to the state the handler started from;
 * - `GET /stacksim/state`: the whole state as JSON (what `createCloud({ state })` reads);
 * - `POST /stacksim/snapshot`: keeps the current state, answers `{ "snapshot": "<id>" }`;
 * - `POST /stacksim/restore` with `{ "snapshot": "<id>" }` or `{ "state": <state JSON> }`;
 * - `POST /stacksim/clock/advance` with `{ "seconds": n }`: answers `{ "now": t, "iso": "…" }`.
 */
import { BadRequest, CloudError, NotFound, check, isCloudError, reasonPhrase, type RestResponse } from '../core/index.js';
import type { Cloud, CloudSnapshot } from '../cloud.js';
import { decodeUtf8 } from './text.js';

const MAX_SNAPSHOTS = 100;

export class HarnessRoutes {
  private readonly initial: CloudSnapshot;
  private readonly snapshots = new Map<string, CloudSnapshot>();
  private counter = 0;

  constructor(private readonly cloud: Cloud) {
    this.initial = cloud.snapshot();
  }

  handle(method: string, path: string, body: Uint8Array): RestResponse {
    try {
      return this.route(method, path, body);
    } catch (error) {
      const e = isCloudError(error) ? error : new CloudError(500, 'api.internal', 'An unexpected error prevented the server from fulfilling your request.');
      return { status: e.status, json: { error: { code: e.status, title: reasonPhrase(e.status), message: e.message } } };
    }
  }

  private route(method: string, path: string, body: Uint8Array): RestResponse {
    const routes: Record<string, Record<string, () => RestResponse>> = {
      '/reset': { POST: () => (this.cloud.restore(this.initial), { status: 204 }) },
      '/state': { GET: () => ({ status: 200, json: this.cloud.toJSON() }) },
      '/snapshot': {
        POST: () => {
          const id = `snapshot-${++this.counter}`;
          this.snapshots.set(id, this.cloud.snapshot());
          if (this.snapshots.size > MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value as string);
          return { status: 201, json: { snapshot: id } };
        },
      },
      '/restore': {
        POST: () => {
          const input = check.record(parse(body), 'body');
          check.onlyKeys(input, ['snapshot', 'state'], 'body');
          if (input.snapshot !== undefined) {
            const id = check.name(input.snapshot, 'body.snapshot');
            const state = this.snapshots.get(id);
            if (state === undefined) throw new NotFound('api.harness.snapshot_not_found', `body.snapshot: no snapshot '${id.slice(0, 64)}' (this server keeps the last ${MAX_SNAPSHOTS}).`);
            this.cloud.restore(state);
          } else if (input.state !== undefined) {
            this.cloud.restore(input.state as CloudSnapshot);
          } else throw new BadRequest('core.input.invalid', 'body: give "snapshot" (an id from POST /stacksim/snapshot) or "state".', { field: 'body' });
          return { status: 204 };
        },
      },
      '/clock/advance': {
        POST: () => {
          const input = check.record(parse(body), 'body');
          check.onlyKeys(input, ['seconds'], 'body');
          const now = this.cloud.clock.advance(input.seconds as number);
          return { status: 200, json: { now, iso: this.cloud.clock.iso() } };
        },
      },
    };
    const methods = routes[path];
    if (methods === undefined) throw new NotFound('api.harness.not_found', `No harness route ${path.slice(0, 100)}; there are ${Object.keys(routes).map((p) => `/stacksim${p}`).join(', ')}.`);
    const fn = methods[method];
    if (fn === undefined) throw new CloudError(405, 'api.method.not_allowed', `The method ${method.slice(0, 16)} is not allowed here; allowed: ${Object.keys(methods).join(', ')}.`);
    return fn();
  }
}

function parse(body: Uint8Array): unknown {
  if (body.byteLength === 0) return undefined;
  try {
    return JSON.parse(decodeUtf8(body)) as unknown;
  } catch (e) {
    throw new BadRequest('api.body.invalid_json', `body: not valid JSON (${(e as Error).message.slice(0, 120)}).`, { field: 'body' });
  }
}
