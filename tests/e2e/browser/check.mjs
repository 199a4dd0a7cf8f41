#!/usr/bin/env node
/**
 * The headless-Chromium driver of tests/e2e/browser_*.sh: opens one page in Debian's Chromium
 * (playwright-core with `executablePath`; never a downloaded browser), waits for it to settle,
 * asserts what the script asks, and fails on any console error, uncaught exception, failed
 * request or request that leaves the machine.
 *
 *   node tests/e2e/browser/check.mjs --serve DIR [--page index.html]   (a loopback static server)
 *   node tests/e2e/browser/check.mjs --file report.html --offline      (or --url URL)
 *     --wait SEL            wait until SEL matches (default: body)
 *     --expect SEL          SEL matches at least one element (repeatable)
 *     --expect-text SEL=T   the text of the first SEL match contains T (repeatable)
 *     --refuse-text SEL=T   no SEL match contains T (repeatable)
 *     --expect-svg KIND     svg[data-stacksim=KIND] is an SVG element laid out at a non-zero size
 *                           with something drawn in it (repeatable)
 *     --expect-picture KIND the same for any [data-stacksim=KIND] element: an SVG, or HTML (a
 *                           table) with cells in it (repeatable)
 *     --offline             no request at all but the page itself (the browser is set offline too)
 *     --screenshot PATH     a full-page PNG (repeatable)
 *     --screenshot-element SEL=PATH
 *                           a PNG of the first SEL match only, taken after every check and the
 *                           full-page shots (repeatable)
 *     --element-width PX    draw those elements PX CSS pixels wide first (an SVG scales by its
 *                           viewBox; the ancestors' overflow and max-width are lifted so nothing
 *                           is clipped); default: as laid out
 *     --timeout MS          for the page to load and `--wait` to match (default 60000)
 *   node tests/e2e/browser/check.mjs --which
 *                           prints the Chromium it would drive, or exits 2 when there is none
 * With `--serve`, every request must go to the loopback server and succeed (status < 400).
 * Prints the timings and the page's `<body data-*>` attributes (pages report results there).
 */
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync, copyFileSync, mkdirSync } from 'node:fs';
import { extname, join, resolve, sep, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** NOTEBOOKS.md: without the background-networking flags Chromium floods the closed network. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.map': 'application/json' };

function parseArgs(argv) {
  const o = { page: 'index.html', wait: 'body', expect: [], expectText: [], refuseText: [], expectSvg: [], expectPicture: [], screenshot: [], elementShots: [], elementWidth: undefined, offline: false, timeout: 60_000 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--serve': o.serve = resolve(value()); break;
      case '--page': o.page = value(); break;
      case '--url': o.url = value(); break;
      case '--file': o.url = pathToFileURL(resolve(value())).href; break;
      case '--wait': o.wait = value(); break;
      case '--expect': o.expect.push(value()); break;
      case '--expect-text':
      case '--refuse-text': {
        const v = value();
        const at = v.indexOf('=');
        if (at <= 0) usage(`${flag} wants SELECTOR=TEXT, got '${v}'`);
        (flag === '--expect-text' ? o.expectText : o.refuseText).push([v.slice(0, at), v.slice(at + 1)]);
        break;
      }
      case '--screenshot-element': {
        const v = value();
        const at = v.lastIndexOf('=');
        if (at <= 0 || at === v.length - 1) usage(`${flag} wants SELECTOR=PATH, got '${v}'`);
        o.elementShots.push([v.slice(0, at), resolve(v.slice(at + 1))]);
        break;
      }
      case '--element-width': o.elementWidth = Number(value()); break;
      case '--which': o.which = true; break;
      case '--expect-svg': o.expectSvg.push(value()); break;
      case '--expect-picture': o.expectPicture.push(value()); break;
      case '--screenshot': o.screenshot.push(resolve(value())); break;
      case '--offline': o.offline = true; break;
      case '--timeout': o.timeout = Number(value()); break;
      default: usage(`unknown option '${flag}'`);
    }
  }
  if (o.which) return o;
  if ((o.serve === undefined) === (o.url === undefined)) usage('give exactly one of --serve DIR, --file PATH and --url URL');
  if (o.elementWidth !== undefined && !(Number.isInteger(o.elementWidth) && o.elementWidth >= 50 && o.elementWidth <= 8000)) usage('--element-width wants whole CSS pixels, 50 to 8000');
  if (!Number.isFinite(o.timeout) || o.timeout <= 0) usage('--timeout wants a positive number of milliseconds');
  return o;
}

function usage(message) {
  console.error(`check.mjs: ${message}\n(see the comment at the top of tests/e2e/browser/check.mjs)`);
  process.exit(2);
}

function findChromium() {
  const candidates = [process.env.STACKSIM_CHROMIUM, '/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].filter(Boolean);
  const found = candidates.find((c) => existsSync(c));
  if (!found) usage('no headless Chromium: apt-get install -y chromium-headless-shell (or chromium; or set STACKSIM_CHROMIUM to a Chromium binary)');
  return found;
}

/** A static file server for `root` on 127.0.0.1 and a free port; nothing outside `root` is served. */
async function serve(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if ((file !== root && !file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' }).end(readFileSync(file));
  });
  await new Promise((ok, no) => server.once('error', no).listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

const o = parseArgs(process.argv.slice(2));
if (o.which) {
  console.log(findChromium());
  process.exit(0);
}
const started = performance.now();
const ms = (since) => `${Math.round(performance.now() - since)} ms`;
const failures = [];
const fail = (what) => failures.push(what);

const http = o.serve === undefined ? undefined : await serve(o.serve);
const url = http ? `${http.origin}/${o.page.replace(/^\/+/, '')}` : o.url;
const executablePath = findChromium();
const launchedAt = performance.now();
const browser = await chromium.launch({ executablePath, args: FLAGS }); // playwright gives it a fresh, empty profile
const timings = { launch: ms(launchedAt) };
const version = browser.version();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: o.offline });
  const page = await context.newPage();
  let requests = 0;
  page.on('console', (m) => {
    if (m.type() === 'error') fail(`console error: ${m.text()}${m.location().url ? ` (${m.location().url}:${m.location().lineNumber})` : ''}`);
    else if (m.type() === 'warning') console.log(`console warning: ${m.text()}`);
  });
  page.on('pageerror', (e) => fail(`uncaught exception: ${e.stack ?? e.message}`));
  page.on('request', (r) => {
    requests++;
    const target = r.url();
    if (o.offline ? target !== url : !target.startsWith(`${http.origin}/`)) fail(`request to ${target}${o.offline ? ' (the page must need no network at all)' : ' (only the loopback server may be asked)'}`);
  });
  page.on('requestfailed', (r) => fail(`request failed: ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) fail(`HTTP ${r.status()} for ${r.url()}`);
  });

  const loadedAt = performance.now();
  const response = await page.goto(url, { waitUntil: 'load', timeout: o.timeout });
  if (response && !response.ok()) fail(`the page answered HTTP ${response.status()}`);
  timings.load = ms(loadedAt);
  const waitedAt = performance.now();
  try {
    await page.waitForSelector(o.wait, { state: 'attached', timeout: o.timeout });
  } catch {
    fail(`'${o.wait}' never appeared; the page says: ${(await page.textContent('body'))?.slice(0, 2000)}`);
  }
  timings.wait = ms(waitedAt);
  timings.requests = requests;

  const data = await page.evaluate(() => ({ ...document.body.dataset }));
  for (const [key, value] of Object.entries(data)) console.log(`body data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${value}`);

  for (const selector of o.expect) {
    if ((await page.locator(selector).count()) === 0) fail(`nothing matches '${selector}'`);
  }
  for (const [selector, text] of o.expectText) {
    const found = page.locator(selector);
    const got = (await found.count()) === 0 ? undefined : await found.first().textContent();
    if (got === undefined) fail(`nothing matches '${selector}' (wanted text '${text}')`);
    else if (!got.includes(text)) fail(`'${selector}' says '${got.trim().slice(0, 300)}', not '${text}'`);
  }
  for (const [selector, text] of o.refuseText) {
    for (const got of await page.locator(selector).allTextContents()) {
      if (got.includes(text)) fail(`'${selector}' says '${text}': ${got.trim().slice(0, 300)}`);
    }
  }
  const pictures = [...o.expectSvg.map((kind) => [kind, true]), ...o.expectPicture.map((kind) => [kind, false])];
  for (const [kind, svgOnly] of pictures) {
    const found = await page.evaluate(([k, only]) => {
      const all = [...document.querySelectorAll(only ? `svg[data-stacksim="${k}"]` : `[data-stacksim="${k}"]`)];
      return all.map((e) => {
        const box = e.getBoundingClientRect();
        const isSvg = e instanceof SVGSVGElement;
        const drawn = e.querySelectorAll(isSvg ? 'rect, path, line, polyline, polygon, circle, ellipse, text' : 'td, th, rect, path, line, text').length;
        return { element: isSvg ? 'svg' : e.tagName.toLowerCase(), width: box.width, height: box.height, drawn };
      });
    }, [kind, svgOnly]);
    const good = found.filter((p) => p.width > 0 && p.height > 0 && p.drawn > 0);
    const what = svgOnly ? `svg[data-stacksim=${kind}]` : `[data-stacksim=${kind}]`;
    if (found.length === 0) fail(`no ${what} on the page`);
    else if (good.length === 0) fail(`${what} is there but not drawn: ${JSON.stringify(found)}`);
    else console.log(`${kind}: ${good.map((p) => `<${p.element}> ${Math.round(p.width)}×${Math.round(p.height)} px, ${p.drawn} ${p.element === 'svg' ? 'shapes' : 'cells'}`).join('; ')}`);
  }
  for (const path of o.screenshot) {
    const shotAt = performance.now();
    mkdirSync(dirname(path), { recursive: true });
    if (path === o.screenshot[0]) await page.screenshot({ path, fullPage: true });
    else copyFileSync(o.screenshot[0], path);
    console.log(`screenshot: ${path} (${statSync(path).size} bytes, ${ms(shotAt)})`);
  }
  for (const [selector, path] of o.elementShots) {
    const shotAt = performance.now();
    const element = page.locator(selector).first();
    if ((await page.locator(selector).count()) === 0) {
      fail(`nothing matches '${selector}' to screenshot`);
      continue;
    }
    if (o.elementWidth !== undefined) {
      await page.setViewportSize({ width: Math.max(1280, o.elementWidth + 80), height: 900 });
      await element.evaluate((e, width) => {
        for (let p = e.parentElement; p !== null; p = p.parentElement) Object.assign(p.style, { overflow: 'visible', maxWidth: 'none' });
        Object.assign(e.style, { width: `${width}px`, maxWidth: 'none', height: 'auto' });
      }, o.elementWidth);
    }
    mkdirSync(dirname(path), { recursive: true });
    await element.screenshot({ path });
    const box = await element.boundingBox();
    console.log(`screenshot of '${selector}': ${path} (${Math.round(box?.width ?? 0)}×${Math.round(box?.height ?? 0)} CSS px, ${statSync(path).size} bytes, ${ms(shotAt)})`);
  }
  await context.close();
} finally {
  await browser.close();
  http?.server.close();
}
timings.total = ms(started);
console.log(`chromium ${version} (${executablePath}): ${Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`ok: ${url}`);
