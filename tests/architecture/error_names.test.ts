/**
 * Issue 10 #22: error names survive minification. A bundler renames classes, so a name taken
 * from `new.target.name` prints `Uncaught m: …`. Every class under `src/` that extends another
 * class (every error does) declares its own name as a string literal equal to the class name.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as stacksim from '../../src/index.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('error classes have stable names', () => {
  it('every class that extends another declares `name` as its own class name', () => {
    const missing: string[] = [];
    for (const f of files('src')) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/class (\w+) extends (\w+)[^{]*\{([\s\S]*?)\n\}/g)) {
        if (m[2] === 'EventEmitter') continue;
        if (!m[3]!.includes(`override readonly name: string = '${m[1]}';`)) missing.push(`${f}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('an instance reports its class name, not the constructor identifier', () => {
    const { CloudError, NoValidHost, BadRequest } = stacksim as unknown as Record<string, new (...a: never[]) => Error>;
    for (const [Cls, expected] of [[CloudError!, 'CloudError'], [BadRequest!, 'BadRequest'], [NoValidHost!, 'NoValidHost']] as const) {
      const Renamed = { m: class extends Cls {} }.m; // what a minifier's rename looks like from outside
      expect(new (Renamed as unknown as new (...a: unknown[]) => Error)(400, 'x.y', 'msg').name).toBe(expected);
    }
  });
});
