#!/usr/bin/env node
// `npx stacksim`: runs the command line. In the repository (bin/stacksim.ts beside this file and
// tsx installed) it runs the TypeScript sources through tsx — both of tsx's hooks, ES modules and
// CommonJS, so a `.ts` scenario loads whatever its folder's package.json says — and a fresh clone
// works after `npm ci` with nothing built; installed from the package, it runs the bundled
// dist/cli.js (`npm run build` makes it) under plain node.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('./stacksim.ts', import.meta.url);
const bundle = new URL('../dist/cli.js', import.meta.url);

async function tsx() {
  try {
    const [cjs, esm] = await Promise.all([import('tsx/cjs/api'), import('tsx/esm/api')]);
    return () => {
      cjs.register();
      esm.register();
    };
  } catch {
    return undefined;
  }
}

async function launch() {
  if (existsSync(fileURLToPath(source))) {
    const register = await tsx();
    if (register !== undefined) {
      register();
      await import(source.href);
      return;
    }
  }
  if (existsSync(fileURLToPath(bundle))) {
    await import(bundle.href);
    return;
  }
  process.stderr.write('stacksim: neither tsx (npm ci) nor the built command line (npm run build) is here\n');
  process.exitCode = 1;
}

launch().catch((e) => {
  process.stderr.write(`stacksim: ${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
