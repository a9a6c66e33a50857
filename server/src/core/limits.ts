// Hard limits that keep analysis bounded in time and memory whatever the input.
// docs/reliability.md and docs/language.md document them; `limit-exceeded` reports them.
export const LIMITS = {
  /** Layers after unrolling repeats and expanding blocks. */
  maxLayers: 250_000,
  /** Iterations of one `repeat`. */
  maxRepeat: 100_000,
  /** Any single size, channel count, kernel, stride or padding. */
  maxDimension: 1_000_000,
} as const;
