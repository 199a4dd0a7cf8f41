/**
 * The page script of tests/e2e/browser_api.sh: stacksim and its REST handler bundled for the
 * browser, answering requests inside Chromium with no server behind them (what a service worker
 * or a notebook in the browser would do). The result lands in `data-result` on <body>.
 */
import { createCloud } from '../../../src/index.js';
import { createApiHandler } from '../../../src/api/index.js';

/** The page's body (the project's type checking has no DOM library). */
declare const document: { readonly body: { setAttribute(name: string, value: string): void; textContent: string | null } };

const lines: string[] = [];
try {
  const cloud = createCloud({ seed: 3, identity: { password_hash_rounds: 1 } });
  const api = createApiHandler(cloud);
  const auth = await api(
    new Request('http://localhost/identity/v3/auth/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: 'secret' } } }, scope: { project: { name: 'demo', domain: { id: 'default' } } } } }),
    }),
  );
  const token = auth.headers.get('X-Subject-Token') ?? '';
  lines.push(`token ${auth.status}`);
  const images = await api(new Request('http://localhost/image/v2/images', { headers: { 'X-Auth-Token': token } }));
  lines.push(`images ${images.status} ${((await images.json()) as { images: { name: string }[] }).images.map((i) => i.name).join(',')}`);
  const catalog = ((await (await api(new Request('http://localhost/identity/v3/auth/catalog', { headers: { 'X-Auth-Token': token } }))).json()) as { catalog: { type: string; endpoints: { url: string }[] }[] }).catalog;
  const swift = catalog.find((c) => c.type === 'object-store')?.endpoints[0]?.url ?? '';
  const put = await api(new Request(`${swift}/browser`, { method: 'PUT', headers: { 'X-Auth-Token': token } }));
  const object = await api(new Request(`${swift}/browser/hello.txt`, { method: 'PUT', headers: { 'X-Auth-Token': token }, body: new Uint8Array([104, 105]) }));
  const got = await api(new Request(`${swift}/browser/hello.txt`, { headers: { 'X-Auth-Token': token, Range: 'bytes=1-1' } }));
  lines.push(`swift ${put.status} ${object.status} ${got.status} ${await got.text()}`);
} catch (e) {
  lines.push(`error ${(e as Error).stack ?? String(e)}`);
}
document.body.setAttribute('data-result', lines.join(' | '));
document.body.textContent = lines.join(' | ');
