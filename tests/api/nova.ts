/**
 * The world the nova REST tests share (tests/api/compute*.test.ts): a cloud behind
 * `createApiHandler` with no sockets, the admin's, demo's, alt_demo's and demo_reader's tokens,
 * cirros's id and a snapshot to restore before each test; and a request below `/compute` with the
 * microversion headers.
 */
import { createCloud, type Cloud, type CloudSnapshot, type Preset } from '../../src/index.js';
import { createApiHandler, type ApiHandler } from '../../src/api/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { refusedCall, send, type Answer, type Send } from './helpers.js';

export const ORIGIN = 'http://127.0.0.1:8774';
export const BASE = `${ORIGIN}/compute`;

/** One file's cloud and what its requests need. */
export interface NovaRest {
  readonly cloud: Cloud;
  readonly api: ApiHandler;
  readonly start: CloudSnapshot;
  readonly image: string;
  readonly T: { readonly admin: string; readonly demo: string; readonly alt: string; readonly reader: string };
}

/** A DevStack cloud (fast password hashing) with the four callers' tokens, cirros's id and its snapshot. */
export function novaRest(seed: number, preset?: Preset): NovaRest {
  const cloud = createCloud({ seed, ...(preset ? { preset } : {}), identity: { password_hash_rounds: 1 } });
  const login = (username: string, project: string): string => cloud.login({ username, password: 'secret', project }).token;
  const images = cloud.admin.image.listImages({ name: CIRROS_IMAGE_NAME }) as unknown as { images: { id: string }[] };
  return {
    cloud,
    api: createApiHandler(cloud),
    image: (images.images[0] as { id: string }).id,
    T: { admin: cloud.admin.token, demo: login('demo', 'demo'), alt: login('alt_demo', 'alt_demo'), reader: login('demo_reader', 'demo') },
    start: cloud.snapshot(),
  };
}

/** A request's options: `version` sets `OpenStack-API-Version: compute <version>`, `legacy` the `X-OpenStack-Nova-API-Version` header. */
export type NovaInit = Send & { version?: string; legacy?: string };

/** A request below `/compute` (demo's token unless told). */
export function novaCall(w: NovaRest, method: string, path: string, init: NovaInit = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.version !== undefined) headers['OpenStack-API-Version'] = `compute ${init.version}`;
  if (init.legacy !== undefined) headers['X-OpenStack-Nova-API-Version'] = init.legacy;
  return send(w.api, method, `${BASE}${path}`, { ...init, headers, token: init.token === undefined ? w.T.demo : init.token });
}

/**
 * A refused call: its status, `cloud.state` the very same object, a request id; keystonemiddleware's
 * body and `WWW-Authenticate` for a 401; otherwise, when `name` is given, nova's fault body
 * `{ <name>: { code, message } }` (the message equal to a string or matching a pattern).
 */
export function novaRefused(w: NovaRest, method: string, path: string, status: number, init: NovaInit = {}, name?: string, message?: string | RegExp): Promise<Answer> {
  return refusedCall(w.cloud, () => novaCall(w, method, path, init), `${method} ${path}`, status, name, message);
}
