/**
 * mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Deterministic by seed, which is the
 * whole point: the same seed must yield byte-identical data on every machine.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit integer hash (lowbias32) used to derive per-row values and tie orders without state. */
export function hash32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines values into one 32-bit hash; order matters. */
export function hashMix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) h = hash32(h ^ hash32(v | 0));
  return h;
}
