/**
 * The seeded random number generator. Its whole state is four 32-bit words kept in
 * `state.meta.rng`, so a snapshot carries it and `restore` replays the same draws.
 * Algorithm: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
 */

/** The serialisable state of the generator: four unsigned 32-bit integers. */
export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Hashes a string seed to 32 bits (FNV-1a), so `seed: 'lecture-3'` works as well as a number. */
export function seedToNumber(seed: number | string): number {
  if (typeof seed === 'number') return seed >>> 0 ^ Math.floor(seed / 0x100000000) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The initial generator state for a seed. */
export function rngInit(seed: number | string): RngState {
  const next = splitmix32(seedToNumber(seed));
  const s: RngState = [next(), next(), next(), next()];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // xoshiro must not be all zero
  return s;
}

/** Advances `s` in place and returns the next unsigned 32-bit value. */
export function rngNextU32(s: RngState): number {
  const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1] << 9) >>> 0;
  s[2] = (s[2] ^ s[0]) >>> 0;
  s[3] = (s[3] ^ s[1]) >>> 0;
  s[1] = (s[1] ^ s[2]) >>> 0;
  s[0] = (s[0] ^ s[3]) >>> 0;
  s[2] = (s[2] ^ t) >>> 0;
  s[3] = rotl(s[3], 11);
  return result;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A random source over a state that lives elsewhere (in the current draft). Callers bind it to
 * `() => draft.meta.rng`; every draw reads the words, advances them, and writes them back.
 */
export interface Random {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** `count` random bytes. */
  bytes(count: number): Uint8Array;
}

/**
 * A {@link Random} over generator words kept elsewhere: `access` returns the mutable words (the
 * kernel keeps a plain copy per call and writes it to the draft once at commit); each draw
 * advances them in place.
 */
export function randomOver(access: () => RngState): Random {
  const draw = (): number => rngNextU32(access());
  return {
    float: () => draw() / 0x100000000,
    int: (n) => Math.floor((draw() / 0x100000000) * n),
    bytes: (count) => {
      const out = new Uint8Array(count);
      const words = access();
      for (let i = 0; i < count; i += 4) {
        const w = rngNextU32(words);
        out[i] = w & 0xff;
        if (i + 1 < count) out[i + 1] = (w >>> 8) & 0xff;
        if (i + 2 < count) out[i + 2] = (w >>> 16) & 0xff;
        if (i + 3 < count) out[i + 3] = w >>> 24;
      }
      return out;
    },
  };
}
