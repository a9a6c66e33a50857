// The rules' thresholds and their defaults (the `thresholds` block of layerlint.json, the
// editor's layerlint.thresholds); no rule code, so the analysis options can name them
// without a cycle. schemas/layerlint.schema.json describes the same (test/unit/settings.test.ts).
export interface RuleOptions {
  /** separable-conv: skip convolutions reading at most this many channels (the RGB stem). */
  separableMinInputChannels: number;
  /** separable-conv: skip convolutions below this many MACs. */
  separableMinMacs: number;
  /** fc-heavy: share of all parameters held by fc layers above which the rule fires. */
  fcHeavyShare: number;
  /** large-kernel: largest kernel side that is not reported. */
  largeKernelMax: number;
  /** plain-deep-stack: number of convolutions from which a network without shortcuts is reported. */
  plainStackDepth: number;
}

/** The thresholds that are counts (whole numbers); the others take any non-negative number. */
export const INTEGER_THRESHOLDS: ReadonlySet<keyof RuleOptions> = new Set([
  'separableMinInputChannels',
  'separableMinMacs',
  'largeKernelMax',
  'plainStackDepth',
]);

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  separableMinInputChannels: 3,
  separableMinMacs: 0,
  fcHeavyShare: 0.5,
  largeKernelMax: 5,
  plainStackDepth: 10,
};
