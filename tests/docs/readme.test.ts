/** The README's TypeScript examples run as written (against the sources), so they stay true. */
import { describe, it, expect, vi, afterAll } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const scratch = join(root, '.tmp', 'readme');
const blocks = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README examples', () => {
  it('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      mkdirSync(scratch, { recursive: true });
      const file = join(scratch, `example-${i + 1}.ts`);
      const src = join(root, 'src');
      writeFileSync(
        file,
        code
          .replace(/from 'stacksim'/g, `from '${join(src, 'index.js')}'`)
          .replace(/from 'stacksim\/(\w+)'/g, (_m, sub: string) => `from '${join(src, sub, 'index.js')}'`),
      );
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const table = vi.spyOn(console, 'table').mockImplementation(() => undefined);
      try {
        await import(file);
      } finally {
        log.mockRestore();
        table.mockRestore();
      }
    });
  });
});
