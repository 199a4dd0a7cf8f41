/**
 * stacksim in a browser page: a DevStack cloud created client-side, the demo user booting a
 * server, and `stacksim/render` drawing the datacenter, the boot's request sequence and host
 * utilisation into the page. Bundled with esbuild (see README.md); tests/e2e/browser_example.sh
 * loads it in headless Chromium.
 *
 * Every step is timed and shown. A step that throws (a renderer not written yet, a bad argument)
 * is listed in `#errors` and on the console, and `<body data-state>` ends `failed`, so the
 * e2e test sees it; a step whose input came from a failed step is skipped.
 */
import { createCloud, type Cloud, type Trace } from '../../src/index.js';
import * as render from '../../src/render/index.js';

/** The few DOM members this page uses (the project type-checks without the DOM library). */
interface PageElement {
  textContent: string | null;
  innerHTML: string;
  className: string;
  setAttribute(name: string, value: string): void;
  append(...nodes: (PageElement | string)[]): void;
}
declare const document: {
  readonly body: PageElement & { readonly dataset: Record<string, string | undefined> };
  getElementById(id: string): PageElement | null;
  createElement(tag: string): PageElement;
};

const failures: string[] = [];
const timings: Record<string, number> = {};

function byId(id: string): PageElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`index.html has no #${id}`);
  return found;
}

/** Runs one step, timing it; an error is shown on the page and the console, and gives `undefined`. */
function step<T>(name: string, run: () => T): T | undefined {
  const started = performance.now();
  try {
    const result = run();
    timings[name] = performance.now() - started;
    return result;
  } catch (e) {
    timings[name] = performance.now() - started;
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    failures.push(`${name}: ${message}`);
    const item = document.createElement('li');
    item.textContent = `${name} failed: ${message}`;
    byId('errors').append(item);
    console.error(`stacksim example: ${name} failed:`, e);
    return undefined;
  }
}

/** Puts a picture's HTML (an inline SVG in a <figure>) into `#id`, with its text form folded below. */
function show(id: string, picture: render.Picture): void {
  const section = byId(id);
  section.innerHTML = picture.toHTML();
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'as text';
  const pre = document.createElement('pre');
  pre.textContent = picture.toText();
  details.append(summary, pre);
  section.append(details);
}

const cloud: Cloud | undefined = step('createCloud', () => createCloud({ preset: 'devstack' }));
let bootTrace: Trace | undefined;
if (cloud !== undefined) {
  const demo = step('login', () => cloud.login({ username: 'demo', password: 'secret', project: 'demo' }));
  const created = demo && step('createServer', () => demo.compute.createServer({ name: 'vm1', flavorRef: 'm1.tiny', imageRef: 'cirros-0.5.2-x86_64-disk', networks: 'auto' }));
  // The boot's request id, before the next call (a read is a request too) replaces it.
  const bootRequest = cloud.lastRequestId;
  const server = demo && created && step('getServer', () => demo.compute.getServer('id' in created ? created.id : 'vm1'));
  if (server !== undefined) {
    const line = byId('server');
    line.setAttribute('data-status', server.status);
    const addresses = Object.entries(server.addresses).map(([net, list]) => `${net} ${list.map((a) => a.addr).join(', ')}`).join('; ');
    line.innerHTML = '';
    const status = document.createElement('strong');
    status.textContent = server.status;
    line.append(`Server ${server.name} (${server.id}) is `, status, ` with ${addresses || 'no addresses'}.`);
  } else {
    byId('server').textContent = 'No server: see the errors below.';
  }
  step('render.datacenter', () => show('datacenter', render.datacenter(cloud)));
  if (created !== undefined) {
    bootTrace = step('trace', () => {
      const trace = bootRequest === undefined ? undefined : cloud.trace(bootRequest);
      if (trace === undefined) throw new Error(`the cloud kept no trace of the boot request ${bootRequest}`);
      return trace;
    });
  }
  if (bootTrace !== undefined) step('render.sequence', () => show('sequence', render.sequence(bootTrace as Trace)));
  step('render.utilisation', () => show('utilisation', render.utilisation(cloud)));
}

const rows = byId('timings');
for (const [name, took] of Object.entries(timings)) {
  const row = document.createElement('tr');
  const label = document.createElement('td');
  label.textContent = name;
  const value = document.createElement('td');
  value.className = 'ms';
  value.textContent = `${took.toFixed(1)} ms`;
  row.append(label, value);
  rows.append(row);
}
document.body.dataset['timings'] = Object.entries(timings).map(([name, took]) => `${name} ${Math.round(took)} ms`).join(', ');
document.body.dataset['state'] = failures.length === 0 ? 'done' : 'failed';
