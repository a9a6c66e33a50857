// Hard limits that keep analysis bounded in time and memory whatever the input.
// docs/reliability.md and docs/language.md document them; `limit-exceeded` reports them.
export const LIMITS = {
  /** Layers after unrolling repeats and expanding blocks. */
  maxLayers: 100_000,
  /** Ops lowered, blocks invoked and repeat iterations, whether or not they make layers. */
  maxSteps: 500_000,
  /** Iterations of one `repeat`. */
  maxRepeat: 100_000,
  /** Any single size, channel count, kernel, stride, padding, batch or divisor. */
  maxDimension: 1_000_000,
  /** Characters of one document; a longer one is not analysed. */
  maxTextLength: 2_000_000,
  /** Bytes of one binary model (ONNX): a larger file is not read. */
  maxBinaryBytes: 1 << 30,
  /** Diagnostics reported for one document; the rest are counted in one last diagnostic. */
  maxDiagnostics: 1_000,
  /** `repeat` and `block` bodies (and Caffe blocks) nested in one another, and repeats and block invocations lowered one inside another: bounds every walk of a syntax tree and the recursion of lowering. */
  maxNesting: 100,
  /** Characters of one block-parameter expression. */
  maxExpressionLength: 1_000,
  /** Characters of a diagnostic message (messages quote the source). */
  maxMessageLength: 500,
} as const;
