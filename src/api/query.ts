/** The query string as routes read it (WHATWG `application/x-www-form-urlencoded` parsing). */
import type { RestQuery } from '../core/index.js';

/** Parses `a=1&b=x+y&a=2`: `+` is a space, percent escapes decode, a malformed escape is kept as written. */
export function parseQuery(text: string): RestQuery {
  const pairs: (readonly [string, string])[] = [];
  if (text !== '') {
    for (const part of text.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      pairs.push([decodeForm(name), decodeForm(value)]);
    }
  }
  return new Query(pairs);
}

function decodeForm(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

class Query implements RestQuery {
  constructor(private readonly pairs: readonly (readonly [string, string])[]) {}
  get(name: string): string | undefined {
    return this.pairs.find(([n]) => n === name)?.[1];
  }
  getAll(name: string): string[] {
    return this.pairs.filter(([n]) => n === name).map(([, v]) => v);
  }
  has(name: string): boolean {
    return this.pairs.some(([n]) => n === name);
  }
  entries(): readonly (readonly [string, string])[] {
    return this.pairs;
  }
}
