/**
 * The stacksim command line: `stacksim <command> [flags]`, one file per command.
 *
 *   stacksim serve   the cloud behind the OpenStack REST APIs          (bin/serve.ts)
 *   stacksim report  one self-contained HTML page of a cloud           (bin/report.ts)
 *   stacksim plan    how many hosts does a workload need? (--verify)   (bin/plan.ts)
 *   stacksim demo    a short tour in the terminal                      (bin/demo.ts)
 *
 * This file only runs bin/main.ts's dispatcher on the process's arguments. Flags are parsed by
 * bin/args.ts: a bad flag or value exits 2 with a message naming it; a failure of the cloud
 * itself (a `CloudError`) or of a scenario exits 1. `npx stacksim` reaches
 * this file through bin/stacksim.mjs (tsx in the repository, the bundled dist/cli.js when
 * installed). This folder is the only code allowed `node:` imports.
 */
import { argv, stderr, stdout } from 'node:process';
import { main } from './main.js';

// `stacksim plan | head`: the reader went away. Stop quietly, as other command-line tools do,
// instead of an unhandled EPIPE stack.
stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') stderr.write(`stacksim: cannot write the output: ${e.message}\n`);
  process.exit(e.code === 'EPIPE' ? 0 : 1);
});

main(argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (e: unknown) => {
    stderr.write(`stacksim: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
