// The engine's diagnostics and the registry of every stable diagnostic code.
// Codes never change once published; docs/rules.md has one section per code
// (anchor = the code), and the server links to it through `codeDescription`.
import type { Span } from './ir';
import { LIMITS } from './limits';
import { singleLine } from './safeText';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
/** Every severity, most severe first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];
export type Stage = 'syntax' | 'shape' | 'cost';

export interface CodeInfo {
  code: string;
  stage: Stage;
  severity: Severity;
  /** One line for `--help`, SARIF and the docs index. */
  summary: string;
}

export const CODES = {
  'syntax-error': { stage: 'syntax', severity: 'error', summary: 'A line that does not follow the grammar.' },
  'unknown-op': {
    stage: 'syntax',
    severity: 'error',
    summary: 'An op keyword that is neither built in nor a defined block.',
  },
  'unknown-option': { stage: 'syntax', severity: 'error', summary: 'An option the op does not take.' },
  'unknown-field': {
    stage: 'syntax',
    severity: 'warning',
    summary: 'A field of a layer or its parameter block that LayerLint does not understand: it is ignored.',
  },
  'invalid-value': {
    stage: 'syntax',
    severity: 'error',
    summary: 'An argument or option value of the wrong kind or out of range.',
  },
  'duplicate-name': { stage: 'syntax', severity: 'error', summary: 'A layer name defined twice in one scope.' },
  'missing-input': {
    stage: 'shape',
    severity: 'error',
    summary: 'No input size, so no shapes or costs can be inferred.',
  },
  'unknown-name': { stage: 'shape', severity: 'error', summary: 'A reference to a layer name that is not defined.' },
  'forward-reference': {
    stage: 'shape',
    severity: 'error',
    summary: 'A reference to a layer that is defined later (it would make a cycle).',
  },
  'recursive-block': {
    stage: 'shape',
    severity: 'error',
    summary: 'A block that invokes itself, directly or through other blocks.',
  },
  'limit-exceeded': {
    stage: 'shape',
    severity: 'error',
    summary: 'The network unrolls to more layers than the engine analyses.',
  },
  'shape-mismatch': { stage: 'shape', severity: 'error', summary: 'Merged tensors whose shapes do not agree.' },
  'non-positive-size': {
    stage: 'shape',
    severity: 'error',
    summary: 'A layer whose output would have a zero or negative size.',
  },
  'channel-mismatch': { stage: 'shape', severity: 'error', summary: 'Groups that do not divide the channel counts.' },
  'assumed-dimension': {
    stage: 'shape',
    severity: 'info',
    summary: 'A symbolic dimension (an ONNX batch size) that LayerLint takes as 1.',
  },
  'unknown-layer': {
    stage: 'shape',
    severity: 'warning',
    summary: 'A layer type LayerLint cannot shape or cost: it is not counted, and shapes after it are unknown.',
  },
  'incomplete-analysis': {
    stage: 'shape',
    severity: 'error',
    summary: 'Some layers could not be costed, so the totals cover only part of the network.',
  },
  'per-region': {
    stage: 'shape',
    severity: 'info',
    summary: 'An ROI pooling layer: the layers after it are counted for one region of interest.',
  },
  'cost-overflow': {
    stage: 'cost',
    severity: 'error',
    summary: 'A figure past 2^53, where integer arithmetic stops being exact.',
  },
  'separable-conv': {
    stage: 'cost',
    severity: 'warning',
    summary: 'A standard KxK convolution that a depthwise-separable one could replace.',
  },
  'over-budget': {
    stage: 'cost',
    severity: 'error',
    summary: 'Total MACs, parameters, estimated latency or peak activation memory above the budget.',
  },
  'latency-budget-unchecked': {
    stage: 'cost',
    severity: 'warning',
    summary: 'A latency budget that cannot be checked: no target, or layers without a latency estimate.',
  },
  'target-unreadable': {
    stage: 'cost',
    severity: 'warning',
    summary:
      'The layerlint.target setting names no known target, or a profile file that cannot be read or is no target profile: no target.',
  },
  'kernel-overhead': {
    stage: 'cost',
    severity: 'info',
    summary: 'Per-kernel overhead is at least half of the estimated latency on the target (fragmentation).',
  },
  'elementwise-share': {
    stage: 'cost',
    severity: 'info',
    summary: 'Element-wise kernels take at least a quarter of the estimated latency on the target.',
  },
  'fuse-separable': {
    stage: 'cost',
    severity: 'info',
    summary: 'A depthwise + pointwise pair that one standard KxK convolution would run faster on the target.',
  },
  'unbalanced-pointwise': {
    stage: 'cost',
    severity: 'info',
    summary: 'A 1x1 convolution whose channel ratio raises its memory access cost (ShuffleNet v2 G1).',
  },
  'heavy-group-conv': {
    stage: 'cost',
    severity: 'info',
    summary: 'A grouped convolution whose groups raise its memory access cost for its MACs (ShuffleNet v2 G2).',
  },
  'activation-heavy': {
    stage: 'cost',
    severity: 'info',
    summary: 'Layers that are memory-bound on the target moving activations (RegNet).',
  },
  'weights-streamed': {
    stage: 'cost',
    severity: 'info',
    summary:
      "Weights that do not fit the target accelerator's parameter memory and stream from the host on every inference.",
  },
  'fc-heavy': { stage: 'cost', severity: 'info', summary: 'Fully connected layers that hold most of the parameters.' },
  'large-kernel': { stage: 'cost', severity: 'info', summary: 'A kernel larger than 5x5 in a standard convolution.' },
  'channels-not-multiple-of-8': {
    stage: 'cost',
    severity: 'hint',
    summary: 'A channel count that is not a multiple of 8 (poor SIMD/tensor-core use).',
  },
  'bias-before-bn': {
    stage: 'cost',
    severity: 'warning',
    summary: 'A convolution bias that the following batch norm cancels.',
  },
  'external-data': {
    stage: 'syntax',
    severity: 'warning',
    summary: 'Weights in an external data file that LayerLint cannot or may not read.',
  },
  'dead-depthwise-kernel': {
    stage: 'cost',
    severity: 'warning',
    summary: 'Depthwise kernels whose weights are all zero or negligible (weights read from the file).',
  },
  'dead-bn-channel': {
    stage: 'cost',
    severity: 'warning',
    summary: 'Batch-norm channels whose scale γ is negligible: each outputs a constant (weights read from the file).',
  },
  'weights-not-read': {
    stage: 'shape',
    severity: 'info',
    summary:
      'Weights the model keeps in another file that LayerLint does not read here: the weight-aware rules skip them.',
  },
  'weight-shard-unreadable': {
    stage: 'shape',
    severity: 'warning',
    summary: 'A weight file the model names that is missing, short or outside its folder: its weights are not read.',
  },
  'plain-deep-stack': {
    stage: 'cost',
    severity: 'info',
    summary: 'A deep stack of convolutions without shortcut connections.',
  },
} as const satisfies Record<string, Omit<CodeInfo, 'code'>>;

export type Code = keyof typeof CODES;

export interface EngineDiagnostic {
  code: Code;
  severity: Severity;
  message: string;
  span: Span;
  /** Typed payload for quick fixes; its shape depends on the code. */
  data?: DiagnosticData;
}

export type DiagnosticData =
  | {
      kind: 'separable';
      layer: number;
      macs: number;
      separableMacs: number;
      params: number;
      separableParams: number;
      ratio: number;
      /** Estimated latency of the conv and of its separable form on `target`, in ms, when there is a target. */
      latency?: { target: string; ms: number; separableMs: number };
    }
  | {
      kind: 'budget';
      metric: 'macs' | 'params' | 'latency' | 'activations';
      limit: number;
      actual: number;
      alpha?: number;
      side?: number;
    }
  /**
   * A share of the estimated latency on `target`: `ms` of it, over `kernels` kernels; for
   * kernel-overhead, `small` of them have a roofline term below their overhead.
   */
  | { kind: 'share'; target: string; share: number; kernels: number; ms: number; small?: number }
  /** The depthwise layer, the pointwise layer after it, and the estimated latency of the pair and of one KxK conv. */
  | {
      kind: 'fuse';
      depthwise: number;
      pointwise: number;
      target: string;
      ms: number;
      fusedMs: number;
      macs: number;
      fusedMacs: number;
    }
  /**
   * Memory access cost (elements read and written, per image) of `layer`, which does `macs` MACs
   * per image, against `lowerMac`: the balanced bound (unbalanced-pointwise) or the ungrouped
   * conv with the same MACs (heavy-group-conv); bytes at `bytesPerElement`.
   */
  | {
      kind: 'memory-access';
      layer: number;
      macs: number;
      mac: number;
      lowerMac: number;
      bytesPerElement: number;
    }
  /** Memory-bound kernels on `target` moving `bytes` of activations in `ms` (`share` of the estimate); `layer` null for the network. */
  | { kind: 'activations'; target: string; layer: number | null; ms: number; share: number; bytes: number }
  /** `bytes` of weights of `layers` layers, from layer `first` on, stream from the host in `ms` (`share` of the estimate) on `target`. */
  | { kind: 'streamed'; target: string; bytes: number; ms: number; share: number; layers: number; first: number }
  /** `dead` of the `total` depthwise kernels of `layer` are all negligible. */
  | { kind: 'dead-kernels'; layer: string; dead: number; total: number }
  /** `dead` of the `total` channels of the batch norm `layer` have γ ≈ 0. */
  | { kind: 'dead-channels'; layer: string; dead: number; total: number }
  /** `missing`: the layers that could not be costed (unknown ops); `counted` of `total` layers have figures. */
  | { kind: 'incomplete'; missing: string[]; counted: number; total: number };

export function stageOf(code: Code): Stage {
  return CODES[code].stage;
}

/** A diagnostic with its own copy of the span (a syntax-tree word or node may be passed as one). */
export function makeDiagnostic(code: Code, at: Span, text: string, data?: DiagnosticData): EngineDiagnostic {
  // Messages quote the source: one line, no control characters (./safeText.ts), bounded.
  const line = singleLine(text);
  const message = line.length > LIMITS.maxMessageLength ? `${line.slice(0, LIMITS.maxMessageLength - 1)}…` : line;
  const span = { start: at.start, end: at.end };
  return data
    ? { code, severity: CODES[code].severity, message, span, data }
    : { code, severity: CODES[code].severity, message, span };
}

/** Where each code is documented (docs/rules.md, one heading per code). */
export const RULES_DOC_URL = 'https://github.com/layerlint/layerlint/blob/main/docs/rules.md';

export function ruleDocUrl(code: string): string {
  return `${RULES_DOC_URL}#${code}`;
}
