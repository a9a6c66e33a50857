// A small deterministic PRNG for the randomised tests, so that a failure reproduces from its seed.

/** Numbers in [0, 1) from a linear congruential generator seeded with `seed`. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
