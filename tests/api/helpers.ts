/** What the REST test suites share: one request through a handler, its answer read once. */
import { expect } from 'vitest';
import type { Cloud } from '../../src/index.js';
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

/**
 * A refused call (`request` makes it; `what` names it in failures): its status, `cloud.state` the
 * very same object, a request id; keystonemiddleware's body and `WWW-Authenticate` for a 401;
 * otherwise, when `name` is given, the fault body nova and Cinder answer, `{ <name>: { code,
 * message } }` (the message equal to a string or matching a pattern).
 */
export async function refusedCall(cloud: Cloud, request: () => Promise<Answer>, what: string, status: number, name?: string, message?: string | RegExp): Promise<Answer> {
  const before = cloud.state;
  const a = await request();
  expect(a.status, `${what}: ${a.text}`).toBe(status);
  expect(cloud.state).toBe(before);
  expect(a.headers.get('X-Openstack-Request-Id')).toMatch(/^req-/);
  if (status === 401) {
    expect(a.body).toEqual({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    expect(a.headers.get('WWW-Authenticate')).toMatch(/^Keystone uri=/);
    return a;
  }
  if (name !== undefined) {
    expect(Object.keys(a.body ?? {}), a.text).toEqual([name]);
    const fault = (a.body as Record<string, { code: number; message: string }>)[name] as { code: number; message: string };
    expect(fault.code).toBe(status);
    if (message instanceof RegExp) expect(fault.message).toMatch(message);
    else if (message !== undefined) expect(fault.message).toBe(message);
  }
  return a;
}
