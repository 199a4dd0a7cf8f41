/**
 * A scenario file for `stacksim report --scenario file`: a module whose default export is
 * `(cloud, { stacksim, render, scheduler }) => …` — it does to the cloud whatever the lecture needs
 * (boots, fails a host, evacuates) and may return a request id or a trace for the report to draw.
 *
 * The second argument is the library the command itself runs on (`stacksim`, `stacksim/render`,
 * `stacksim/scheduler`): its classes are the cloud's own (`e instanceof stacksim.CloudError`
 * holds), wherever the scenario lives and whether it is ESM or CommonJS. `import … from 'stacksim'`
 * works too in an ES module: in the repository (the command runs src/ through tsx) `stacksim` and
 * `stacksim/*` are mapped to src/, so the scenario shares the command's copy and nothing needs
 * building; installed, the name resolves to the package, the same dist/ the command runs.
 * `.js` / `.mjs` / `.cjs` always; `.ts` / `.mts` / `.cts` when stacksim runs through tsx (in the
 * repository, or `npx tsx`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { extname, resolve } from 'node:path';
import { cwd } from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as stacksim from '../src/index.js';
import * as render from '../src/render/index.js';
import * as scheduler from '../src/scheduler/index.js';
import type { Cloud, Trace } from '../src/index.js';
import { UsageError } from './args.js';

/** The scenario's own failure (it did not load, or it threw): exit status 1, with the scenario's words. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** The library a scenario is given as its second argument: the very modules the command runs on. */
export interface ScenarioLibrary {
  /** `stacksim`: createCloud, CloudError, the services' types and constants. */
  readonly stacksim: typeof stacksim;
  /** `stacksim/render`: the pictures (table, utilisation, sequence, …). */
  readonly render: typeof render;
  /** `stacksim/scheduler`: nova's scheduler as pure functions. */
  readonly scheduler: typeof scheduler;
}

/** What a scenario does. */
export type Scenario = (cloud: Cloud, library: ScenarioLibrary) => unknown;

const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/** Resolves `stacksim` and `stacksim/<entry>` to the given URLs (an ES module loader hook, run in the loader thread). */
const SOURCE_HOOKS = `
let entries = {};
export function initialize(data) { entries = data.entries; }
export async function resolve(specifier, context, next) {
  return next(Object.hasOwn(entries, specifier) ? entries[specifier] : specifier, context);
}
`;

let sourcesMapped = false;

/**
 * In the repository the command runs src/ through tsx: map the package's entry points (package.json
 * `exports`, `./dist/<x>.js` → `src/<x>.ts`) to the sources, so a scenario's `import 'stacksim'`
 * is the command's own copy and needs no build. Bundled (dist/cli.js) the name already resolves
 * to the files the command runs; nothing to do.
 */
function mapPackageToSources(): void {
  if (sourcesMapped || !import.meta.url.endsWith('.ts')) return;
  sourcesMapped = true;
  const root = new URL('../', import.meta.url);
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name: string; exports?: Record<string, unknown> };
  const entries: Record<string, string> = {};
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    const file = typeof target === 'object' && target !== null ? (target as { default?: unknown }).default : undefined;
    const m = typeof file === 'string' ? /^\.\/dist\/(.+)\.js$/.exec(file) : null;
    if (m === null) continue;
    const source = new URL(`src/${m[1]}.ts`, root);
    if (existsSync(fileURLToPath(source))) entries[key === '.' ? pkg.name : `${pkg.name}${key.slice(1)}`] = source.href;
  }
  register(`data:text/javascript,${encodeURIComponent(SOURCE_HOOKS)}`, { data: { entries } });
}

/** Loads `file` (relative to the working directory) and returns its default export. */
export async function loadScenario(file: string): Promise<Scenario> {
  const path = resolve(cwd(), file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError('--scenario', `no file ${path}`);
  if (!EXTENSIONS.includes(extname(path))) throw new UsageError('--scenario', `expected a module (${EXTENSIONS.join(', ')}), got ${file}`);
  mapPackageToSources();
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new UsageError('--scenario', `${file} is TypeScript, which plain node cannot load: run stacksim through tsx (npx tsx node_modules/stacksim/bin/stacksim.mjs …) or compile the scenario to .mjs`);
    }
    if (/Cannot find (module|package) 'stacksim[/']/.test(err.message)) {
      throw new ScenarioError(
        `the scenario ${file} could not be loaded: ${err.name}: ${err.message.split('\n')[0]}\n  In a CommonJS scenario (or where 'stacksim' is not installed) take the library from the second argument: export default (cloud, { stacksim, render }) => { … }`,
      );
    }
    throw new ScenarioError(`the scenario ${file} could not be loaded: ${err.name}: ${err.message}`);
  }
  const fn = typeof module.default === 'object' && module.default !== null && 'default' in module.default ? (module.default as { default: unknown }).default : module.default;
  if (typeof fn !== 'function') {
    throw new UsageError('--scenario', `${file} has no default export function; write \`export default (cloud, { stacksim, render }) => { … }\``);
  }
  return fn as Scenario;
}

/** Runs the scenario on `cloud` (with the library as its second argument); returns the request id or trace it gave back, if any, and a warning for anything else it returned. */
export async function runScenario(scenario: Scenario, cloud: Cloud, file: string): Promise<{ trace: string | Trace | undefined; warning: string | undefined }> {
  let result: unknown;
  try {
    result = await scenario(cloud, Object.freeze({ stacksim, render, scheduler }));
  } catch (e) {
    const err = e as Error & { status?: number; code?: string };
    const what = err instanceof Error ? `${err.name}${err.status !== undefined ? ` ${err.status}` : ''}${err.code !== undefined ? ` (${err.code})` : ''}: ${err.message}` : String(e);
    const where = err instanceof Error ? (err.stack ?? '').split('\n').find((line) => line.includes(file.replace(/^\.\//, ''))) : undefined;
    throw new ScenarioError(`the scenario ${file} threw ${what}${where !== undefined ? `\n  ${where.trim()}` : ''}`);
  }
  if (result === undefined || result === null) return { trace: undefined, warning: undefined };
  if (typeof result === 'string') {
    if (cloud.trace(result) !== undefined) return { trace: result, warning: undefined };
    return { trace: undefined, warning: `the scenario returned '${result.slice(0, 80)}', which is no request id in the cloud's trace log; the report shows the newest boot instead` };
  }
  const t = result as Partial<Trace>;
  if (typeof t === 'object' && typeof t.request_id === 'string' && typeof t.operation === 'string' && Array.isArray(t.steps)) return { trace: result as Trace, warning: undefined };
  return { trace: undefined, warning: 'the scenario returned something that is neither a request id nor a trace; ignored' };
}
