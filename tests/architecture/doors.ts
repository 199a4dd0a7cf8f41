/**
 * The module doors (DESIGN.md §1), as a checker over source text: which imports cross which
 * module boundary, and who reads which state slice. A plain function over an in-memory file set,
 * so the test runs it on `src/` and on synthetic files that break each rule.
 *
 * Rules:
 * - `door`: a module imports another module only through its `index.ts`.
 * - `direction`: a module imports only modules to its left in {@link MODULE_ORDER}; the top
 *   files ({@link TOP_FILES}, the composition root) may import the door of any module left of
 *   `api`, and `api` and `testing` (which take an assembled cloud) may import them. `render` sits
 *   just left of the top — the `Cloud` draws itself and the kernel's results present themselves
 *   through it — and takes an assembled cloud too: it may import the top files' *types* only
 *   (`import type`, erased at runtime), never their code.
 * - `builtin`: nothing under `src/` imports a Node builtin (`node:*`, `fs`, `crypto`…); `bin/` is
 *   the only place for them.
 * - `package`: a third-party import must be allowed for the importing module (`packages` option).
 * - `slice`: a module reads or writes only its own slice of `CloudState`; others go through the
 *   owner's exported getters and commands. Slices and their owners are read from the sources
 *   (`src/core/state.ts` and every `declare module '…/core/state.js'`), so a new module's slice
 *   is covered without editing this file.
 * - `layout`: every file under `src/` belongs to a known module or is a top file.
 *
 * Imports are read from the syntax tree (comments and strings never match): `import`,
 * `import type`, `export … from`, `import x = require()`, `import()` calls and `import('…')` types.
 * `declare module '…'` is not an import: an augmentation must name the file that declares the
 * interface it extends.
 */
import ts from 'typescript';
import { builtinModules } from 'node:module';
import { posix } from 'node:path';

/** Modules from left (lowest) to right; a module may import only modules before it. */
export const MODULE_ORDER = [
  'core',
  'hardware',
  'identity',
  // Placement is its own module below the filter scheduler: nova's scheduler asks Placement, never the reverse.
  'scheduler/placement',
  'scheduler',
  'object',
  'image',
  'network',
  'block',
  'compute',
  'render',
  'api',
  'testing',
] as const;

/** Modules left of the top that may still name the top files' types (`Cloud`, `Session`): see `direction`. */
const TYPES_OF_TOP = new Set(['render']);

/** The order as messages show it, with the composition root in its place. */
const ORDER_TEXT = MODULE_ORDER.flatMap((m) => (m === 'api' ? ['top (cloud.ts, session.ts, services.ts, index.ts)', m] : [m])).join(' ← ');

/** The composition root: files directly under `src/` that may import every module's door. */
export const TOP_FILES = ['cloud.ts', 'session.ts', 'index.ts', 'services.ts'] as const;

/**
 * Core fields any module may read (never write), by slice: the cloud-wide settings every
 * service consults, as every OpenStack service reads its own clock and `[oslo_policy]` options.
 * - `meta.clock`: virtual time; every module stamps `created_at` / expiry from it.
 * - `meta.policy`: `[oslo_policy] enforce_scope / enforce_new_defaults`, shared by every enforcer.
 *
 * Also allowed (see `checkSlices`): reading a module's own serial, `meta.counters['<module>.…']`
 * with a literal key that starts with the reader's folder (`Tx.counter` draws the next one; a
 * revocation needs the current one without drawing).
 */
export const SHARED_CORE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  meta: ['clock', 'policy'],
};

/**
 * Core API calls that take a core slice whole (the kernel's functions for bytes and quotas are
 * written over the slice, `putBlob(tx.draft.blobs, bytes)`, `tx.quotas.consume(tx.draft.quota, …)`):
 * handing the slice to them is using core's door, not reading its rows. Quota: any method of a
 * `…quotas` registry.
 */
export const CORE_SLICE_CALLS: Readonly<Record<string, readonly string[]>> = {
  blobs: ['putBlob', 'readBlob', 'releaseBlob', 'retainBlob'],
  quota: ['quotas.*'],
};

/** Names that are taken as the state when a callback parameter carries no type (`(s) => s.x`). */
const STATE_PARAM_NAMES = new Set(['s', 'st', 'state', 'draft']);
/** Property names that hold the state: `tx.draft`, `kernel.state`, `ctx.s`. */
const STATE_PROPERTIES = new Set(['draft', 'state', 's']);
/** Calls that return (a view of) their state argument, or the state: `plain(s)`, `kernel.view()`. */
const STATE_PASSTHROUGH = new Set(['plain', 'current', 'original', 'detach']);

export type DoorRule = 'door' | 'direction' | 'builtin' | 'package' | 'slice' | 'layout';

/** One broken door. */
export interface Offence {
  readonly file: string;
  readonly line: number;
  readonly rule: DoorRule;
  readonly message: string;
}

export interface DoorOptions {
  /**
   * Third-party packages and the modules allowed to import them (`'*'`: every module). Omitted:
   * every package is allowed.
   */
  readonly packages?: Readonly<Record<string, readonly string[] | '*'>>;
}

/** A slice of `CloudState`, who owns it and the fields of its type (as far as they resolve). */
export interface SliceInfo {
  readonly owner: string;
  readonly fields: ReadonlySet<string>;
}

/** `file:line rule: message`, one line per offence. */
export function formatOffence(o: Offence): string {
  return `${o.file}:${o.line} [${o.rule}] ${o.message}`;
}

/** The module of a path under `src/` (`'top'` for a top file), or undefined when it has none. */
export function moduleOf(file: string): string | undefined {
  if (!file.startsWith('src/')) return undefined;
  const rel = file.slice(4);
  if (!rel.includes('/')) return (TOP_FILES as readonly string[]).includes(rel) ? 'top' : undefined;
  if (rel.startsWith('scheduler/placement/')) return 'scheduler/placement';
  const first = rel.slice(0, rel.indexOf('/'));
  return (MODULE_ORDER as readonly string[]).includes(first) ? first : undefined;
}

/**
 * The composition root sits between the services and the modules that take an assembled cloud
 * (`createApiHandler(cloud)` in `api`, the renderers, the testing helpers): those may import the
 * top files (`Cloud`, `Session`, the service list); no service may, and the top imports none of them.
 */
const rank = (mod: string): number => (mod === 'top' ? MODULE_ORDER.indexOf('api') - 0.5 : MODULE_ORDER.indexOf(mod as (typeof MODULE_ORDER)[number]));
const doorOf = (mod: string): string => `src/${mod}/index.ts`;
/** The folder that owns state: `scheduler/placement` belongs to `scheduler` for slices. */
const folderOf = (mod: string): string => mod.split('/')[0] as string;

/** The repository path a relative specifier names, `.js` read as its `.ts` source. */
function resolveSpecifier(from: string, spec: string): string {
  const target = posix.normalize(posix.join(posix.dirname(from), spec));
  return target.replace(/\.(m|c)?js$/, '.ts');
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.replace(/^node:/, '')]));

/** The package a bare specifier names: `@noble/hashes/sha2.js` → `@noble/hashes`. */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

interface ImportSite {
  readonly spec: string;
  readonly node: ts.Node;
  /** `import type …`, `export type … from`, or an `import('…')` type: erased at runtime. */
  readonly typeOnly: boolean;
}

/**
 * Whether an import or re-export is erased at runtime: `import type …` or `export type … from`.
 * `import { type X } from …` is not: under `verbatimModuleSyntax` it still loads the module.
 */
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  return node.importClause?.isTypeOnly === true;
}

/** Every module specifier the file imports or re-exports from. */
function importsOf(sf: ts.SourceFile): ImportSite[] {
  const out: ImportSite[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, node, typeOnly: isTypeOnly(node) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push({ spec: node.moduleReference.expression.text, node, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) out.push({ spec: arg.text, node, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ spec: node.argument.literal.text, node, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function checkImports(file: string, sf: ts.SourceFile, mod: string, options: DoorOptions, out: Offence[]): void {
  for (const { spec, node, typeOnly } of importsOf(sf)) {
    const at = { file, line: lineOf(sf, node) };
    if (spec.startsWith('.')) {
      const target = resolveSpecifier(file, spec);
      const targetMod = moduleOf(target);
      if (targetMod === undefined) {
        out.push({ ...at, rule: 'layout', message: `imports '${spec}' (${target}), which is in no module of src/` });
        continue;
      }
      if (targetMod === mod) continue; // inside one module: any file
      if (targetMod === 'top' && typeOnly && TYPES_OF_TOP.has(mod)) continue; // the Cloud's shape, not its code
      if (mod === 'scheduler/placement' && targetMod === 'scheduler') {
        out.push({ ...at, rule: 'direction', message: `Placement imports its parent scheduler ('${spec}'): move what it needs into src/scheduler/placement or below` });
      } else if (rank(targetMod) > rank(mod)) {
        out.push({ ...at, rule: 'direction', message: `${mod} imports ${targetMod} ('${spec}'), which is to its right (${ORDER_TEXT})` });
      } else if (targetMod !== 'top' && target !== doorOf(targetMod)) {
        out.push({ ...at, rule: 'door', message: `reaches into ${targetMod} ('${spec}'): import ${posix.relative(posix.dirname(file), doorOf(targetMod)).replace(/\.ts$/, '.js').replace(/^(?!\.)/, './')} instead` });
      }
      continue;
    }
    if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(packageOf(spec))) {
      out.push({ ...at, rule: 'builtin', message: `imports the Node builtin '${spec}': only bin/ may; the simulator runs in any JavaScript runtime` });
      continue;
    }
    const allowed = options.packages?.[packageOf(spec)];
    if (options.packages !== undefined && (allowed === undefined || (allowed !== '*' && !allowed.includes(mod)))) {
      out.push({ ...at, rule: 'package', message: allowed === undefined ? `imports '${spec}', which is not a dependency` : `imports '${spec}', which only ${allowed.join(', ')} may import` });
    }
  }
}

// ------------------------------------------------------------------------------------ slices

/** The slices of `CloudState`, their owners and fields, read from the declarations in `files`. */
export function findSlices(files: ReadonlyMap<string, ts.SourceFile>): Map<string, SliceInfo> {
  const slices = new Map<string, SliceInfo>();
  const declare = (file: string, iface: ts.InterfaceDeclaration): void => {
    const mod = moduleOf(file);
    if (mod === undefined) return;
    for (const m of iface.members) {
      if (!ts.isPropertySignature(m) || !m.type || !(ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) continue;
      slices.set(m.name.text, { owner: folderOf(mod), fields: fieldsOf(files, folderOf(mod), m.type, new Set()) });
    }
  };
  for (const [file, sf] of files) {
    for (const stmt of sf.statements) {
      if (file === 'src/core/state.ts' && ts.isInterfaceDeclaration(stmt) && stmt.name.text === 'CloudState') declare(file, stmt);
      if (ts.isModuleDeclaration(stmt) && ts.isStringLiteral(stmt.name) && resolveSpecifier(file, stmt.name.text) === 'src/core/state.ts' && stmt.body && ts.isModuleBlock(stmt.body)) {
        for (const inner of stmt.body.statements) if (ts.isInterfaceDeclaration(inner) && inner.name.text === 'CloudState') declare(file, inner);
      }
    }
  }
  return slices;
}

/** Property names of a slice's type, following interfaces and aliases declared in the owner's folder. */
function fieldsOf(files: ReadonlyMap<string, ts.SourceFile>, folder: string, type: ts.TypeNode, seen: Set<string>): Set<string> {
  const out = new Set<string>();
  const addMembers = (members: ts.NodeArray<ts.TypeElement>): void => {
    for (const m of members) if (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) out.add(m.name.text);
  };
  const visitType = (t: ts.TypeNode): void => {
    if (ts.isIntersectionTypeNode(t) || ts.isUnionTypeNode(t)) t.types.forEach(visitType);
    else if (ts.isParenthesizedTypeNode(t)) visitType(t.type);
    else if (ts.isTypeLiteralNode(t)) addMembers(t.members);
    else if (ts.isTypeReferenceNode(t)) {
      const name = ts.isIdentifier(t.typeName) ? t.typeName.text : t.typeName.right.text;
      if (seen.has(name)) return;
      seen.add(name);
      for (const [file, sf] of files) {
        if (!file.startsWith(`src/${folder}/`)) continue;
        for (const stmt of sf.statements) {
          if (ts.isInterfaceDeclaration(stmt) && stmt.name.text === name) {
            addMembers(stmt.members);
            for (const h of stmt.heritageClauses ?? []) for (const e of h.types) if (ts.isIdentifier(e.expression)) visitType(ts.factory.createTypeReferenceNode(e.expression.text));
          } else if (ts.isTypeAliasDeclaration(stmt) && stmt.name.text === name) visitType(stmt.type);
        }
      }
    }
  };
  visitType(type);
  return out;
}

/** Per-file knowledge of what denotes the whole state. */
interface StateScope {
  /** Type names that mean the state: `CloudState`, local aliases (`type S = CloudState`), type parameters bounded by it. */
  readonly types: RegExp;
  /** Functions declared here whose return type is the state (`function st(tx: Tx): CloudState`). */
  readonly functions: ReadonlySet<string>;
}

function stateScope(sf: ts.SourceFile): StateScope {
  const names = new Set(['CloudState']);
  const re = (): RegExp => new RegExp(`\\b(${[...names].join('|')})\\b`);
  // aliases and type parameters, to a fixpoint (an alias of an alias)
  for (let grew = true; grew; ) {
    grew = false;
    const pattern = re();
    const visit = (node: ts.Node): void => {
      const named =
        ts.isTypeAliasDeclaration(node) ? { name: node.name.text, type: node.type } : ts.isTypeParameterDeclaration(node) && node.constraint ? { name: node.name.text, type: node.constraint } : undefined;
      if (named && !names.has(named.name) && pattern.test(named.type.getText(sf))) {
        names.add(named.name);
        grew = true;
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  const types = re();
  const functions = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name && node.type && types.test(node.type.getText(sf))) functions.add(node.name.text);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer)) && node.initializer.type && types.test(node.initializer.type.getText(sf))) functions.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { types, functions };
}

/** The declaration an identifier refers to in its file (nearest enclosing scope), if any. */
function declarationOf(id: ts.Identifier): ts.Node | undefined {
  const name = id.text;
  const inBinding = (b: ts.BindingName): ts.Node | undefined => {
    if (ts.isIdentifier(b)) return b.text === name ? b.parent : undefined;
    for (const e of b.elements) {
      if (ts.isOmittedExpression(e)) continue;
      const hit = inBinding(e.name);
      if (hit) return hit;
    }
    return undefined;
  };
  const inList = (list: ts.VariableDeclarationList): ts.Node | undefined => {
    for (const d of list.declarations) {
      const hit = inBinding(d.name);
      if (hit) return hit;
    }
    return undefined;
  };
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) {
      for (const p of n.parameters) {
        const hit = inBinding(p.name);
        if (hit) return hit;
      }
    }
    if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) && n.initializer && ts.isVariableDeclarationList(n.initializer)) {
      const hit = inList(n.initializer);
      if (hit) return hit;
    }
    if (ts.isCatchClause(n) && n.variableDeclaration) {
      const hit = inBinding(n.variableDeclaration.name);
      if (hit) return hit;
    }
    if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) {
      for (const stmt of n.statements) {
        if (ts.isVariableStatement(stmt)) {
          const hit = inList(stmt.declarationList);
          if (hit) return hit;
        } else if ((ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) && stmt.name?.text === name) return stmt;
      }
    }
  }
  return undefined;
}

/** Whether an expression denotes the whole `CloudState` (committed, a draft or a plain copy). */
function isState(e: ts.Expression, scope: StateScope, depth = 0): boolean {
  if (depth > 8) return false;
  const again = (x: ts.Expression): boolean => isState(x, scope, depth + 1);
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) return again(e.expression);
  if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) return scope.types.test(e.type.getText(e.getSourceFile())) || again(e.expression);
  if (ts.isPropertyAccessExpression(e)) return STATE_PROPERTIES.has(e.name.text);
  if (ts.isCallExpression(e)) {
    const callee = e.expression;
    if (ts.isIdentifier(callee)) {
      if (scope.functions.has(callee.text)) return true;
      const arg = e.arguments[0];
      return STATE_PASSTHROUGH.has(callee.text) && arg !== undefined && again(arg);
    }
    return ts.isPropertyAccessExpression(callee) && callee.name.text === 'view' && e.arguments.length === 0;
  }
  if (!ts.isIdentifier(e)) return false;
  const decl = declarationOf(e);
  if (decl === undefined) return false;
  if (ts.isParameter(decl) || ts.isVariableDeclaration(decl)) {
    if (decl.type) return scope.types.test(decl.type.getText(decl.getSourceFile()));
    if (decl.initializer) return again(decl.initializer);
    // a for-of variable is a row, not the state
    if (ts.isVariableDeclaration(decl) && ts.isVariableDeclarationList(decl.parent) && (ts.isForOfStatement(decl.parent.parent) || ts.isForInStatement(decl.parent.parent))) return false;
    return STATE_PARAM_NAMES.has(e.text);
  }
  if (ts.isBindingElement(decl)) {
    const key = decl.propertyName ?? decl.name;
    return ts.isIdentifier(key) && STATE_PROPERTIES.has(key.text);
  }
  return false;
}

/** Whether the outermost access chain starting at `node` is written (assigned, updated, deleted). */
function isWritten(node: ts.Expression): boolean {
  let top: ts.Node = node;
  while ((ts.isPropertyAccessExpression(top.parent) || ts.isElementAccessExpression(top.parent)) && top.parent.expression === top) top = top.parent;
  const p = top.parent;
  if (ts.isBinaryExpression(p) && p.left === top && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) return true;
  return ts.isDeleteExpression(p);
}

/** The property read right after `node` (`s.meta` → `clock` in `s.meta.clock.now`). */
function nextProperty(node: ts.Node): string | undefined {
  const p = node.parent;
  if (ts.isPropertyAccessExpression(p) && p.expression === node) return p.name.text;
  if (ts.isElementAccessExpression(p) && p.expression === node && ts.isStringLiteralLike(p.argumentExpression)) return p.argumentExpression.text;
  return undefined;
}

/** Whether `node` is handed whole to one of core's functions over that slice. */
function isCoreSliceCall(node: ts.Expression, slice: string): boolean {
  const calls = CORE_SLICE_CALLS[slice];
  const call = node.parent;
  if (!calls || !ts.isCallExpression(call) || !call.arguments.includes(node)) return false;
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return calls.includes(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const receiver = callee.expression;
  const receiverName = ts.isPropertyAccessExpression(receiver) ? receiver.name.text : ts.isIdentifier(receiver) ? receiver.text : '';
  return calls.includes(`${receiverName}.*`) || calls.includes(`${receiverName}.${callee.name.text}`);
}

/** Whether an expression starts at `this` (`this.hardware.x` is a field of a class, not the state). */
function rootedAtThis(e: ts.Expression): boolean {
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isCallExpression(e) || ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  return e.kind === ts.SyntaxKind.ThisKeyword;
}

function checkSlices(file: string, sf: ts.SourceFile, mod: string, slices: ReadonlyMap<string, SliceInfo>, out: Offence[]): void {
  const folder = mod === 'top' ? undefined : folderOf(mod);
  const scope = stateScope(sf);
  const report = (node: ts.Expression, slice: string, owner: string): void => {
    if (owner === folder) return;
    const written = isWritten(node);
    const field = nextProperty(node);
    if (!written && owner === 'core') {
      if (field !== undefined && SHARED_CORE_FIELDS[slice]?.includes(field)) return;
      if (isCoreSliceCall(node, slice)) return;
      // a module's own serials: `meta.counters['identity.token']`, read-only (Tx.counter draws the next)
      const counter = field === 'counters' ? node.parent : undefined;
      if (counter && folder !== undefined && ts.isPropertyAccessExpression(counter)) {
        const key = nextProperty(counter);
        if (key !== undefined && key.startsWith(`${folder}.`)) return;
      }
    }
    const how = written ? 'writes' : 'reads';
    const text = node.getText(sf).replace(/\s+/g, ' ');
    const advice = owner === 'core' ? `use core's API (Tx, kernel) or ask for a shared field` : `use ${owner}'s exported getters (src/${owner}/index.ts)`;
    out.push({ file, line: lineOf(sf, node), rule: 'slice', message: `${how} ${owner}'s state slice '${slice}' (${text}${field === undefined ? '' : `.${field}`}): ${advice}` });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) || (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression))) {
      const slice = ts.isPropertyAccessExpression(node) ? node.name.text : (node.argumentExpression as ts.StringLiteralLike).text;
      const info = slices.get(slice);
      if (info) {
        if (isState(node.expression, scope)) report(node, slice, info.owner);
        else {
          // a slice reached through an unusual name: `x.hardware.hosts`, a field of the slice's type, read as data
          const field = nextProperty(node);
          const call = node.parent.parent;
          const isCallee = call !== undefined && ts.isCallExpression(call) && call.expression === node.parent;
          if (field !== undefined && info.fields.has(field) && !isCallee && !rootedAtThis(node.expression)) report(node, slice, info.owner);
        }
      }
    }
    if (ts.isIndexedAccessTypeNode(node) && ts.isTypeReferenceNode(node.objectType) && scope.types.test(node.objectType.typeName.getText(sf)) && ts.isLiteralTypeNode(node.indexType) && ts.isStringLiteral(node.indexType.literal)) {
      // `CloudState['hardware']`: holding another module's slice, to read it later (core's types are its door's: `MetaState`)
      const info = slices.get(node.indexType.literal.text);
      if (info && info.owner !== folder && info.owner !== 'core') out.push({ file, line: lineOf(sf, node), rule: 'slice', message: `names ${info.owner}'s state slice type (${node.getText(sf)}): use ${info.owner}'s exported getters and row types` });
    }
    if (ts.isVariableDeclaration(node) || ts.isParameter(node)) {
      // `const { hardware } = s` / `({ hardware }: CloudState) => …`
      const bound = ts.isObjectBindingPattern(node.name) ? node.name : undefined;
      const fromState = node.type ? scope.types.test(node.type.getText(sf)) : node.initializer !== undefined && isState(node.initializer, scope);
      if (bound && fromState) {
        for (const el of bound.elements) {
          const key = el.propertyName ?? el.name;
          const info = ts.isIdentifier(key) ? slices.get(key.text) : undefined;
          if (info && info.owner !== folder) out.push({ file, line: lineOf(sf, el), rule: 'slice', message: `destructures ${info.owner}'s state slice '${(key as ts.Identifier).text}': use ${info.owner}'s exported getters` });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/**
 * Checks every `src/**.ts` file of `files` (repository-relative path → text) against the doors;
 * returns the offences in file and line order.
 */
export function checkDoors(files: ReadonlyMap<string, string>, options: DoorOptions = {}): Offence[] {
  const parsed = new Map<string, ts.SourceFile>();
  for (const [file, text] of files) {
    if (file.startsWith('src/') && file.endsWith('.ts')) parsed.set(file, ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));
  }
  const slices = findSlices(parsed);
  const out: Offence[] = [];
  for (const [file, sf] of parsed) {
    const mod = moduleOf(file);
    if (mod === undefined) {
      out.push({ file, line: 1, rule: 'layout', message: `is in no module: put it in a module folder (${MODULE_ORDER.join(', ')}) or add it to TOP_FILES` });
      continue;
    }
    checkImports(file, sf, mod, options, out);
    checkSlices(file, sf, mod, slices, out);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}
