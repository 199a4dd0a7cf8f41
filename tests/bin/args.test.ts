import { describe, expect, it } from 'vitest';
import { decimal, helpText, integer, one, parseFlags, seed, UsageError, type Command } from '../../bin/args.js';
import { Progress } from '../../bin/progress.js';

const FLAGS = [
  { name: '--out', value: 'file', help: 'where' },
  { name: '--flavor', value: 'SPEC', help: 'a flavor', repeat: true },
  { name: '--verify', help: 'check' },
] as const;

function usage(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('bin/args: flags', () => {
  it('reads --flag value, --flag=value, switches and repeats', () => {
    const p = parseFlags(['--out', 'a.html', '--flavor=x:1:2:3', '--flavor', 'y', '--verify'], FLAGS);
    expect(p.help).toBe(false);
    expect(one(p, '--out')).toBe('a.html');
    expect(p.values.get('--flavor')).toEqual(['x:1:2:3', 'y']);
    expect(p.values.has('--verify')).toBe(true);
    expect(parseFlags(['--out', 'x', '-h'], FLAGS).help).toBe(true);
  });

  it('refuses unknown flags, missing values, values on switches, a single flag twice, stray words — naming the flag', () => {
    expect(usage(() => parseFlags(['--outt', 'x'], FLAGS)).message).toMatch(/^--outt: unknown flag \(did you mean --out\?\)/);
    expect(usage(() => parseFlags(['--out'], FLAGS)).flag).toBe('--out');
    expect(usage(() => parseFlags(['--out', '--verify'], FLAGS)).message).toBe('--out: needs a value (file)');
    expect(usage(() => parseFlags(['--verify=yes'], FLAGS)).flag).toBe('--verify');
    expect(usage(() => parseFlags(['--out', 'a', '--out', 'b'], FLAGS)).message).toBe('--out: given twice');
    expect(usage(() => parseFlags(['report.html'], FLAGS)).message).toMatch(/unexpected argument 'report.html'/);
  });

  it('converts values or names the flag: integers, decimals, seeds', () => {
    expect(integer('--vms', '200', 1, 1000)).toBe(200);
    expect(usage(() => integer('--vms', '2000', 1, 1000)).message).toBe("--vms: expected a whole number from 1 to 1000, got '2000'");
    for (const bad of ['', '1.5', 'ten', '1e3', '-']) expect(usage(() => integer('--vms', bad, 1, 1000)).flag).toBe('--vms');
    expect(decimal('--growth', '0.2', 0, 100)).toBe(0.2);
    expect(decimal('--growth', '.5', 0, 100)).toBe(0.5);
    for (const bad of ['NaN', 'Infinity', '0x10', '1,5', '-0.1', '']) expect(usage(() => decimal('--growth', bad, 0, 100)).flag).toBe('--growth');
    expect(seed('--seed', '42')).toBe(42);
    expect(seed('--seed', 'lecture-1')).toBe('lecture-1');
    expect(usage(() => seed('--seed', '')).flag).toBe('--seed');
  });

  it('help lists every flag with its placeholder', () => {
    const command: Command = { name: 'x', summary: 's', description: 'd', flags: FLAGS, run: () => Promise.resolve(0) };
    const text = helpText(command);
    expect(text.startsWith('usage: stacksim x [flags]')).toBe(true);
    for (const line of ['--out file', '--flavor SPEC', '--verify', '--help, -h']) expect(text).toContain(line);
    expect(text).toContain('a flavor (repeatable)');
  });
});

/** A stream that records what was written. */
function sink(isTTY: boolean): { write(t: string): void; isTTY: boolean; columns: number; text: string } {
  return {
    isTTY,
    columns: 80,
    text: '',
    write(t: string) {
      this.text += t;
    },
  };
}

describe('bin/progress: the bar', () => {
  it('on a terminal: one line redrawn after a carriage return only when the percentage moves, ended by a newline', () => {
    const out = sink(true);
    const bar = new Progress('booting', 1000, out);
    for (let i = 1; i <= 1000; i++) bar.update(i);
    bar.finish('1000 ACTIVE');
    const draws = out.text.split('\r').filter((x) => x !== '');
    expect(draws.length).toBeLessThanOrEqual(102);
    expect(draws.length).toBeGreaterThanOrEqual(100);
    expect(draws[10]).toMatch(/^booting \[###\.+\]  10% 100\/1000/);
    expect(out.text).toMatch(/\rbooting: done \(1000\/1000\) — 1000 ACTIVE *\n$/);
    expect(out.text.split('\n')).toHaveLength(2);
    for (const d of draws) expect(d.trimEnd().length).toBeLessThan(80);
  });

  it('on a terminal: a note that changes with every item (the status counts) does not redraw more often', () => {
    const out = sink(true);
    const bar = new Progress('booting', 5000, out);
    for (let i = 1; i <= 5000; i++) bar.update(i, `${i} ACTIVE`);
    bar.finish('5000 ACTIVE');
    const draws = out.text.split('\r').filter((x) => x !== '');
    expect(draws.length).toBeLessThanOrEqual(102);
    expect(draws[50]).toMatch(/^booting \[#+\.+\]  50% 2500\/5000 2500 ACTIVE/);
  });

  it('a terminal that reports 0 columns (under `script`) or none counts as 100 wide, not 10', () => {
    for (const columns of [0, -1, Number.NaN, undefined]) {
      const out = { isTTY: true, columns, text: '', write(t: string) { this.text += t; } };
      const bar = new Progress('booting', 4, out);
      bar.update(2, 'compute1 compute2');
      const line = out.text.replace('\r', '');
      expect(line, String(columns)).toBe('booting [###############...............]  50% 2/4 compute1 compute2');
    }
    const narrow = { isTTY: true, columns: 30, text: '', write(t: string) { this.text += t; } };
    new Progress('booting', 4, narrow).update(2);
    expect(narrow.text.replace('\r', '')).toHaveLength(29);
  });

  it('elsewhere (a pipe, CI): a line every 10 %, then the last one', () => {
    const out = sink(false);
    const bar = new Progress('booting', 240, out);
    for (let i = 1; i <= 240; i++) bar.update(i, `${i} ACTIVE`);
    bar.finish();
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toEqual([...Array.from({ length: 10 }, (_, k) => expect.stringMatching(new RegExp(`^booting: ${k * 10}% \\(\\d+/240\\)$`))), 'booting: done (240/240)']);
    expect(out.text).not.toContain('\r');
  });
});
