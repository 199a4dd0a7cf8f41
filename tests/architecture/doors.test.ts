/**
 * Module doors (DESIGN.md §1, issue 9): a module imports only the `index.ts` of modules to its
 * left, and reads another module's state slice only through that module's getters. The checker
 * lives in `./doors.ts`; the second test breaks each rule on purpose so a checker that stopped
 * seeing a reach-in fails too.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkDoors, formatOffence, type DoorOptions } from './doors.js';

const root = resolve(import.meta.dirname, '../..');

function sources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (f.endsWith('.ts')) files.set(`src/${f.split('\\').join('/')}`, readFileSync(join(root, 'src', f), 'utf8'));
  }
  return files;
}

/** Dependencies anywhere; the optional peer fast-check only in `src/testing` (users without it must still load the rest). */
function packages(): NonNullable<DoorOptions['packages']> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  const out: Record<string, readonly string[] | '*'> = {};
  for (const name of Object.keys(pkg.dependencies ?? {})) out[name] = '*';
  for (const name of Object.keys(pkg.peerDependencies ?? {})) out[name] = ['testing'];
  return out;
}

describe('module doors', () => {
  it('src/ keeps every door', () => {
    const files = sources();
    expect(files.size).toBeGreaterThan(100);
    expect(checkDoors(files, { packages: packages() }).map(formatOffence)).toEqual([]);
  });

  it('reports one reach-in of each kind, and nothing that is not one', () => {
    const files = new Map<string, string>([
      ['src/core/state.ts', 'import type { Table } from \'./table.js\';\nexport interface MetaState { readonly clock: { now: number }; readonly rng: number[]; readonly counters: Record<string, number> }\nexport interface CloudState { readonly meta: MetaState; readonly blobs: Table<string> }\n'],
      ['src/core/index.ts', "export * from './state.js';\nexport function putBlob(b: unknown, x: string): string { return x; }\n"],
      ['src/hardware/types.ts', 'export interface HardwareState { readonly hosts: unknown; readonly racks: unknown }\n'],
      ['src/hardware/augment.ts', "import type { HardwareState } from './types.js';\ndeclare module '../core/state.js' {\n  interface CloudState { readonly hardware: HardwareState }\n}\n"],
      ['src/hardware/index.ts', "import './augment.js';\nimport { putBlob, type CloudState } from '../core/index.js';\nimport { login } from '../identity/index.js';\nexport const hosts = (s: CloudState) => s.hardware.hosts;\n"],
      ['src/identity/tokens.ts', 'export const login = 1;\n'],
      ['src/identity/index.ts', "export * from './tokens.js';\n"],
      ['src/scheduler/capacity.ts', 'export const capacity = 1;\n'],
      ['src/scheduler/placement/store.ts', "import { capacity } from '../capacity.js';\nexport const store = capacity;\n"],
      ['src/scheduler/placement/index.ts', "export * from './store.js';\n"],
      ['src/scheduler/index.ts', "export { store } from './placement/index.js';\nexport { store as raw } from './placement/store.js';\n"],
      [
        'src/image/api.ts',
        [
          "import { putBlob, type CloudState, type Tx } from '../core/index.js';", // 1 fine
          "import type { login } from '../identity/tokens.js';", // 2 door (import type)
          "export * from '../identity/tokens.js';", // 3 door (export from)
          "import { readFileSync } from 'node:fs';", // 4 builtin
          "import { createHash } from 'crypto';", // 5 builtin (bare)
          "import fc from 'fast-check';", // 6 package (testing only)
          "// import { login } from '../identity/tokens.js';  (a comment is not an import)", // 7 fine
          'type S = CloudState;', // 8
          'export function read(s: S, tx: Tx, cloud: { hardware: { hosts(): void } }) {', // 9
          '  const a = s.hardware.hosts;', // 10 slice
          '  const b = tx.draft.hardware.racks;', // 11 slice
          '  const c = (tx.draft as CloudState).hardware;', // 12 slice
          '  const { hardware } = s;', // 13 slice (destructuring)
          '  const d = s.meta.clock.now + s.meta.rng.length;', // 14 slice once (rng), clock is shared
          '  tx.draft.meta.clock.now = 0;', // 15 slice (writes a shared field)
          "  const e = s.meta.counters['image.serial'] + s.meta.counters['identity.token'];", // 16 slice once (another module's serial)
          '  putBlob(tx.draft.blobs, "x");', // 17 fine: core API over its slice
          '  const f = s.blobs.root;', // 18 slice (core rows)
          '  cloud.hardware.hosts();', // 19 fine: an API method, not state
          '  const g = weird.config.hardware.hosts;', // 20 slice (a field of the slice's type)
          "  return import('../identity/tokens.js');", // 21 door (dynamic import)
          '}',
          "export type T = import('../core/index.js').CloudState | import('../core/state.js').MetaState;", // 23 door (import type)
          'class K { constructor(private readonly hardware: { hosts: number }) {} n() { return this.hardware.hosts; } }', // 24 fine
          "declare module '../core/state.js' { interface X {} }", // 25 fine: augmentation
          "import { x } from '../../tests/x.js';", // 26 layout
          "import { Cloud } from '../cloud.js';", // 27 direction (the top)
          "export const hw = (h: CloudState['hardware'], m: S['meta']) => h;", // 28 slice (names hardware's slice type); core's meta type is fine
        ].join('\n'),
      ],
      ['src/cloud.ts', "import { hosts } from './hardware/index.js';\nimport { store } from './scheduler/placement/store.js';\nexport class Cloud {}\n"],
      ['src/stray.ts', 'export const stray = 1;\n'],
      ['src/testing/index.ts', "import fc from 'fast-check';\nexport const arb = fc;\n"],
      // render is left of the top: the Cloud's types are fine (1, 3), its code is not (2: `{ type X }` still loads the module under verbatimModuleSyntax; 4, 5)
      ['src/render/index.ts', "import type { Cloud } from '../cloud.js';\nimport { type Session } from '../session.js';\nexport type { Cloud as C } from '../cloud.js';\nimport { createCloud } from '../cloud.js';\nimport '../services.js';\nexport const k = (c: Cloud, s: Session) => [c, s, createCloud];\n"],
    ]);
    const found = checkDoors(files, { packages: { 'fast-check': ['testing'] } });
    const brief = found.map((o) => `${o.file}:${o.line} ${o.rule}`);
    expect(brief).toEqual([
      'src/cloud.ts:2 door',
      'src/hardware/index.ts:3 direction',
      'src/image/api.ts:2 door',
      'src/image/api.ts:3 door',
      'src/image/api.ts:4 builtin',
      'src/image/api.ts:5 builtin',
      'src/image/api.ts:6 package',
      'src/image/api.ts:10 slice',
      'src/image/api.ts:11 slice',
      'src/image/api.ts:12 slice',
      'src/image/api.ts:13 slice',
      'src/image/api.ts:14 slice',
      'src/image/api.ts:15 slice',
      'src/image/api.ts:16 slice',
      'src/image/api.ts:18 slice',
      'src/image/api.ts:20 slice',
      'src/image/api.ts:21 door',
      'src/image/api.ts:23 door',
      'src/image/api.ts:26 layout',
      'src/image/api.ts:27 direction',
      'src/image/api.ts:28 slice',
      'src/render/index.ts:2 direction',
      'src/render/index.ts:4 direction',
      'src/render/index.ts:5 direction',
      'src/scheduler/index.ts:2 door',
      'src/scheduler/placement/store.ts:1 direction',
      'src/stray.ts:1 layout',
    ]);
    // the messages say what to do
    const text = found.map(formatOffence).join('\n');
    expect(text).toContain("src/image/api.ts:2 [door] reaches into identity ('../identity/tokens.js'): import ../identity/index.js instead");
    expect(text).toContain("src/scheduler/placement/store.ts:1 [direction] Placement imports its parent scheduler ('../capacity.js')");
    expect(text).toContain("src/image/api.ts:10 [slice] reads hardware's state slice 'hardware' (s.hardware.hosts): use hardware's exported getters");
    expect(text).toContain("src/image/api.ts:16 [slice] reads core's state slice 'meta' (s.meta.counters)");
  });

  it('a reach-in added to the real sources is reported, and only it', () => {
    const files = sources();
    const options = { packages: packages() };
    const before = checkDoors(files, options).map(formatOffence);
    const api = files.get('src/image/api.ts') as string;
    files.set('src/image/api.ts', `${api}\nimport { validateToken as _v } from '../identity/tokens.js';\nexport const _hosts = (s: CloudState) => s.hardware.hosts;\n`);
    const lines = api.split('\n').length;
    const after = checkDoors(files, options).map(formatOffence);
    expect(after.filter((o) => !before.includes(o))).toEqual([
      `src/image/api.ts:${lines + 1} [door] reaches into identity ('../identity/tokens.js'): import ../identity/index.js instead`,
      `src/image/api.ts:${lines + 2} [slice] reads hardware's state slice 'hardware' (s.hardware.hosts): use hardware's exported getters (src/hardware/index.ts)`,
    ]);
  });
});
