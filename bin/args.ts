/**
 * The flags every `stacksim` command parses the same way: `--flag value` or `--flag=value`,
 * switches without a value, `--help` / `-h`. A bad flag or value is a {@link UsageError} naming
 * the flag; the dispatcher prints it and exits 2.
 */

/** A flag a command takes. */
export interface Flag {
  /** `--seed`. */
  readonly name: string;
  /** The value's placeholder in the help (`N`, `file.json`); absent for a switch. */
  readonly value?: string;
  /** One line of help; say the default there. */
  readonly help: string;
  /** May be given more than once (`--flavor a --flavor b`). */
  readonly repeat?: boolean;
}

/** A command of the `stacksim` command line. */
export interface Command {
  readonly name: string;
  /** One line for `stacksim --help`. */
  readonly summary: string;
  /** What it does, a few lines for `stacksim <command> --help`. */
  readonly description: string;
  readonly flags: readonly Flag[];
  /** Examples for the help. */
  readonly examples?: readonly string[];
  /** Runs with the arguments after the command name; resolves to the exit code (undefined: keep running, as `serve` does). */
  run(args: readonly string[]): Promise<number | undefined>;
}

/** A bad command line: exit status 2, the message names the flag. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    readonly flag: string | undefined,
    message: string,
  ) {
    super(flag === undefined ? message : `${flag}: ${message}`);
  }
}

/** What {@link parseFlags} found. */
export interface Parsed {
  /** Whether `--help` / `-h` was given (then nothing else was checked). */
  readonly help: boolean;
  /** Each flag's values in order (a switch has one empty string per use). */
  readonly values: ReadonlyMap<string, readonly string[]>;
}

/** Parses `args` against `flags`; an unknown flag, a missing value or a repeated single flag is a {@link UsageError}. */
export function parseFlags(args: readonly string[], flags: readonly Flag[]): Parsed {
  if (args.includes('--help') || args.includes('-h')) return { help: true, values: new Map() };
  const byName = new Map(flags.map((f) => [f.name, f]));
  const values = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('-')) throw new UsageError(undefined, `unexpected argument '${arg}' (every value follows its flag, e.g. --out report.html)`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const flag = byName.get(name);
    if (flag === undefined) {
      const near = flags.filter((f) => f.name.startsWith(name.slice(0, 4))).map((f) => f.name);
      throw new UsageError(name, `unknown flag${near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : ''}`);
    }
    let value = '';
    if (flag.value !== undefined) {
      const v = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (v === undefined || (eq < 0 && v.startsWith('--'))) throw new UsageError(name, `needs a value (${flag.value})`);
      value = v;
    } else if (eq > 0) {
      throw new UsageError(name, 'is a switch and takes no value');
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && flag.repeat !== true) throw new UsageError(name, 'given twice');
    list.push(value);
    values.set(name, list);
  }
  return { help: false, values };
}

/** The one value of a flag, or undefined when it was not given. */
export function one(parsed: Parsed, name: string): string | undefined {
  return parsed.values.get(name)?.[0];
}

/** Whether a switch was given. */
export function given(parsed: Parsed, name: string): boolean {
  return parsed.values.has(name);
}

/** A whole number in `min..max`. */
export function integer(flag: string, text: string, min: number, max: number): number {
  if (!/^-?\d{1,16}$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(flag, `expected a whole number from ${min} to ${max}, got '${text}'`);
  return Number(text);
}

/** A finite decimal number in `min..max` (`0.2`, `1.5`, `16`). */
export function decimal(flag: string, text: string, min: number, max: number): number {
  const n = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(flag, `expected a number from ${min} to ${max}, got '${text}'`);
  return n;
}

/** One of `allowed`. */
export function choice<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(flag, `expected ${allowed.join(' or ')}, got '${text}'`);
  return text as T;
}

/** A cloud's seed, as `createCloud` takes it: a whole number, or any other text. */
export function seed(flag: string, text: string): number | string {
  if (text === '' || text.length > 1024) throw new UsageError(flag, 'expected a whole number or a short text');
  return /^\d{1,15}$/.test(text) ? Number(text) : text;
}

/** `stacksim <command> --help`. */
export function helpText(command: Command): string {
  const width = Math.max(...command.flags.map((f) => f.name.length + (f.value === undefined ? 0 : f.value.length + 1)), 10);
  const flags = command.flags.map((f) => {
    const left = f.value === undefined ? f.name : `${f.name} ${f.value}`;
    return `  ${left.padEnd(width)}  ${f.help}${f.repeat === true ? ' (repeatable)' : ''}`;
  });
  return [
    `usage: stacksim ${command.name} [flags]`,
    '',
    command.description,
    '',
    'flags:',
    ...flags,
    `  ${'--help, -h'.padEnd(width)}  this help`,
    ...(command.examples !== undefined && command.examples.length > 0 ? ['', 'examples:', ...command.examples.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}
