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
  /** kernel-overhead: share of the estimated latency from which per-kernel overhead is reported. */
  kernelOverheadShare: number;
  /** elementwise-share: share of the estimated latency from which element-wise kernels are reported. */
  elementwiseShare: number;
  /** activation-heavy: share of the estimated latency from which one memory-bound layer is reported. */
  activationLayerShare: number;
  /** activation-heavy: share of the estimated latency from which the memory-bound layers together are reported. */
  activationNetworkShare: number;
  /** heavy-group-conv: memory access cost of the grouped conv over the ungrouped one from which it is reported. */
  heavyGroupRatio: number;
  /** unbalanced-pointwise: channel ratio (larger / smaller) above which a 1x1 conv is unbalanced. */
  pointwiseRatio: number;
  /** unbalanced-pointwise: share of the layer's memory access cost the excess over the balanced bound must reach. */
  pointwiseExcess: number;
}

/** The thresholds that are counts (whole numbers); the others take any number in their range. */
export const INTEGER_THRESHOLDS: ReadonlySet<keyof RuleOptions> = new Set([
  'separableMinInputChannels',
  'separableMinMacs',
  'largeKernelMax',
  'plainStackDepth',
]);

/** The thresholds that are shares, from 0 to 1. */
export const SHARE_THRESHOLDS: ReadonlySet<keyof RuleOptions> = new Set([
  'fcHeavyShare',
  'kernelOverheadShare',
  'elementwiseShare',
  'activationLayerShare',
  'activationNetworkShare',
  'pointwiseExcess',
]);

/** The thresholds that are ratios of a larger to a smaller figure, at least 1. */
export const RATIO_THRESHOLDS: ReadonlySet<keyof RuleOptions> = new Set(['heavyGroupRatio', 'pointwiseRatio']);

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  separableMinInputChannels: 3,
  separableMinMacs: 0,
  fcHeavyShare: 0.5,
  largeKernelMax: 5,
  plainStackDepth: 10,
  kernelOverheadShare: 0.5,
  elementwiseShare: 0.25,
  activationLayerShare: 0.05,
  activationNetworkShare: 0.3,
  heavyGroupRatio: 1.5,
  pointwiseRatio: 4,
  pointwiseExcess: 0.1,
};
