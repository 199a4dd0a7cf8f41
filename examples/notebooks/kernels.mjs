#!/usr/bin/env node
/**
 * `npm run kernels` (in examples/notebooks): writes the two Jupyter kernel specs the notebooks
 * use — `tslab` (TypeScript, type-checked) and `deno` (Deno's own kernel) — into
 * `examples/notebooks/.jupyter/kernels/`, with absolute paths to this folder's node_modules, and
 * prints the folder to put in `JUPYTER_PATH`. Nothing is installed globally: run it again after a
 * move or a fresh clone (the paths are absolute; tests/e2e/notebooks.sh runs it every time).
 *
 *   cd examples/notebooks && npm ci && npm run kernels
 *   JUPYTER_PATH="$PWD/.jupyter" jupyter lab
 *
 * The kernel names are the ones `tslab install` and `deno jupyter --install` use, so a notebook
 * opens the same way on a machine whose kernels were installed globally.
 */
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const jupyterPath = join(here, '.jupyter');
const kernels = join(jupyterPath, 'kernels');

function fail(message) {
  console.error(`kernels: ${message}`);
  process.exit(1);
}

const tslab = join(dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
if (!existsSync(tslab)) fail(`tslab's launcher is missing at ${tslab}: run 'npm ci' in ${here}`);
let deno;
try {
  // the `deno` package's own lookup: its hard link, else the platform package's binary
  deno = require('deno/install_api.cjs').runInstall();
} catch (error) {
  fail(`no Deno binary for this platform (${error instanceof Error ? error.message : String(error)}): run 'npm ci' in ${here}`);
}

// Colours off: ANSI escapes would end up in the notebooks' text outputs.
const env = { NO_COLOR: '1' };
const specs = {
  tslab: {
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (tslab)',
    language: 'typescript',
    env,
  },
  deno: {
    argv: [deno, 'jupyter', '--kernel', '--conn', '{connection_file}'],
    display_name: 'Deno',
    language: 'typescript',
    env,
  },
};

rmSync(kernels, { recursive: true, force: true });
for (const [name, spec] of Object.entries(specs)) {
  mkdirSync(join(kernels, name), { recursive: true });
  writeFileSync(join(kernels, name, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
}
console.log(jupyterPath);
