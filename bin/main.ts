/**
 * The dispatcher behind `stacksim <command> [flags]`: finds the command, prints the overview and
 * help, and turns failures into exit codes — 2 for a bad command line (a {@link UsageError}
 * naming the flag), 1 for a failure of the cloud (a `CloudError`) or of a scenario.
 */
import { stderr, stdout } from 'node:process';
import { CloudError } from '../src/index.js';
import { UsageError, helpText, type Command } from './args.js';
import { serveCommand } from './serve.js';
import { reportCommand } from './report.js';
import { planCommand } from './plan.js';
import { demoCommand } from './demo.js';
import { ScenarioError } from './scenario.js';

/** Every command, in the order `stacksim --help` lists them. */
export const COMMANDS: readonly Command[] = [reportCommand, demoCommand, planCommand, serveCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: stacksim <command> [flags]',
    '',
    'A whole OpenStack cloud (Zed) simulated in one process, reproducible from a seed.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'stacksim <command> --help' for a command's flags.",
    '',
  ].join('\n');
}

/** Runs the command line `args` (without `node` and the script); resolves to the exit code, or undefined while a server keeps running. */
export async function main(args: readonly string[]): Promise<number | undefined> {
  const [name, ...rest] = args;
  if (name === undefined) {
    stderr.write(`stacksim: give a command\n\n${overview()}`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const asked = name === 'help' ? rest[0] : undefined;
    const topic = asked === undefined ? undefined : COMMANDS.find((c) => c.name === asked);
    if (asked !== undefined && topic === undefined) {
      stderr.write(`stacksim: no help on '${asked}': no such command (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
      return 2;
    }
    stdout.write(topic !== undefined ? helpText(topic) : overview());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    stderr.write(`stacksim: unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')}); see 'stacksim --help'\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr.write(`stacksim ${command.name}: ${e.message}\nRun 'stacksim ${command.name} --help' for the flags.\n`);
      return 2;
    }
    if (e instanceof ScenarioError) {
      stderr.write(`stacksim ${command.name}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof CloudError) {
      stderr.write(`stacksim ${command.name}: ${e.name} ${e.status} (${e.code}): ${e.message}\n`);
      return 1;
    }
    stderr.write(`stacksim ${command.name}: unexpected failure: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
