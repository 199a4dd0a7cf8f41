/**
 * Route patterns: `/v3/projects/{project_id}` matches one segment per `{name}`; a last
 * `{name+}` takes the rest of the path (Swift's object names hold slashes). Parameters are
 * percent-decoded; a segment that does not decode does not match.
 */
import type { RestRoute } from '../core/index.js';

/** A route with its pattern compiled. */
export interface CompiledRoute {
  readonly method: string;
  readonly pattern: string;
  readonly route: RestRoute;
  /** Specificity: literal segments sort above parameters, parameters above a rest (compared as strings). */
  readonly score: string;
  /** The decoded parameters when `path` matches, else undefined. */
  match(path: string): Record<string, string> | undefined;
}

type Segment = { readonly literal: string } | { readonly param: string; readonly rest: boolean };

export function compileRoute(route: RestRoute): CompiledRoute {
  const segments: Segment[] = route.path === '/' ? [] : route.path.replace(/^\//, '').split('/').map((part) => {
    const m = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/.exec(part);
    return m === null ? { literal: part } : { param: m[1] as string, rest: m[2] === '+' };
  });
  segments.forEach((segment, i) => {
    if ('rest' in segment && segment.rest && i !== segments.length - 1) throw new TypeError(`Route ${route.path}: a {name+} parameter must be the last segment.`);
  });
  const score = segments.map((s) => ('literal' in s ? '2' : s.rest ? '0' : '1')).join('') + '.';
  return {
    method: route.method,
    pattern: route.path,
    route,
    score,
    match(path: string): Record<string, string> | undefined {
      const parts = path === '/' ? [] : path.replace(/^\//, '').split('/');
      const params: Record<string, string> = Object.create(null) as Record<string, string>;
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i] as Segment;
        if ('literal' in segment) {
          if (parts[i] !== segment.literal) return undefined;
          continue;
        }
        const raw = segment.rest ? parts.slice(i).join('/') : parts[i];
        if (raw === undefined || raw === '') return undefined;
        const value = decode(raw);
        if (value === undefined) return undefined;
        params[segment.param] = value;
        if (segment.rest) return params;
      }
      return parts.length === segments.length ? params : undefined;
    },
  };
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

interface TrieNode {
  readonly literals: Map<string, TrieNode>;
  param: TrieNode | undefined;
  /** Routes whose pattern ends here. */
  readonly ends: CompiledRoute[];
  /** Routes whose next (last) segment is a `{name+}`. */
  readonly rests: CompiledRoute[];
}

const node = (): TrieNode => ({ literals: new Map(), param: undefined, ends: [], rests: [] });

/**
 * The routes of one mount as a segment trie: a path's candidates are found by walking its
 * segments (literal children first, then the parameter child), not by trying every pattern.
 */
export class RouteTable {
  private readonly root = node();

  constructor(readonly routes: readonly CompiledRoute[]) {
    for (const route of routes) {
      let at = this.root;
      const parts = route.pattern === '/' ? [] : route.pattern.replace(/^\//, '').split('/');
      const last = parts[parts.length - 1];
      const rest = last !== undefined && /^\{[A-Za-z_][A-Za-z0-9_]*\+\}$/.test(last);
      for (const part of rest ? parts.slice(0, -1) : parts) {
        if (/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(part)) at = at.param ??= node();
        else {
          let next = at.literals.get(part);
          if (next === undefined) at.literals.set(part, (next = node()));
          at = next;
        }
      }
      (rest ? at.rests : at.ends).push(route);
    }
  }

  /** Every route whose pattern matches `path`, with its parameters. */
  match(path: string): { readonly route: CompiledRoute; readonly params: Record<string, string> }[] {
    const parts = path === '/' ? [] : path.replace(/^\//, '').split('/');
    const found: CompiledRoute[] = [];
    const walk = (at: TrieNode, i: number): void => {
      if (i < parts.length && parts.slice(i).join('/') !== '') found.push(...at.rests);
      if (i === parts.length) {
        found.push(...at.ends);
        return;
      }
      const part = parts[i] as string;
      const literal = at.literals.get(part);
      if (literal !== undefined) walk(literal, i + 1);
      if (at.param !== undefined && part !== '') walk(at.param, i + 1);
    };
    walk(this.root, 0);
    const out: { route: CompiledRoute; params: Record<string, string> }[] = [];
    for (const route of found) {
      const params = route.match(path);
      if (params !== undefined) out.push({ route, params });
    }
    return out;
  }
}
