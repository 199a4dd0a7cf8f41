/** What the REST test suites share: one request through a handler, its answer read once. */
import type { ApiHandler } from '../../src/api/index.js';

/** An answer as the suites check it: status, headers, the text, and the JSON body when it parses. */
export interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** How a suite's request is made: a token, a JSON body (or a raw one), headers. */
export interface Send {
  readonly token?: string | null;
  readonly body?: unknown;
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

/** Sends `method url` through `api` (a JSON body gets `Content-Type: application/json` unless given) and reads the answer. */
export async function send(api: ApiHandler, method: string, url: string, init: Send = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined && init.token !== null) headers.set('X-Auth-Token', init.token);
  const body = init.raw ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined);
  if (body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  const res = (await api(new Request(url, { method, headers, ...(body !== undefined ? { body } : {}) }))) as unknown as Response;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}
