// `npm run build`'s last step: bundles the command line (bin/*.ts) into dist/cli.js for plain
// node, the file bin/stacksim.mjs runs when stacksim is installed from the package (in the
// repository the launcher runs bin/*.ts through tsx instead, even when dist/ is built). The
// library is not bundled again: `../src/<module>/index.js` becomes `./<module>/index.js`, the
// compiled library beside it in dist. So when installed, a scenario's `import 'stacksim'` (which
// node resolves to that same package) loads the very modules the command runs — the same classes;
// a scenario also gets them as its second argument (bin/scenario.ts), which works wherever it
// lives. Packages (immer, nanoid…) stay imports too.
import { build } from 'esbuild';

const library = {
  name: 'stacksim-library',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/src\// }, (args) => ({ path: args.path.replace(/^\.\.\/src\//, './'), external: true }));
  },
};

await build({
  entryPoints: ['bin/stacksim.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [library],
  logLevel: 'warning',
  legalComments: 'none',
});
