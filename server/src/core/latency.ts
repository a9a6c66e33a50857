// Estimated latency of an analysed network on a target (./targets.ts), per layer and in total
// (docs/latency.md). Contract: each layer's figure is the documented roofline, filled in from
// the layer's shapes and the profile, in constant work per layer:
//   t = max(work / (rate[kind] × efficiency), bytes / bandwidth) + kernel overhead
// where efficiency is the profile's for a conv's GEMM shape (output pixels per image, depth
// C_in/groups × K_h × K_w; 1 for other layers and without it), work is the layer's MACs (element operations for element-wise ops) with channel counts
// rounded up to the profile's granularity (and a strided depthwise conv's MACs times the
// profile's `stridedDepthwise`), and bytes are its inputs, output and weights at the
// profile's precision, moved at the profile's cache bandwidth when they fit its cache
// (cacheBytes), else at its memory bandwidth. On an accelerator with a parameter memory
// (paramCacheBytes), the weights of the weighted layers fill it in the order they run, and
// the weights past it stream from the host: t += streamed bytes / bandwidth. A BN, scale or activation that the profile fuses into the layer before
// it costs nothing of its own; an activation the profile runs as n kernels (activationKernels)
// costs n kernels of its size, each doing the activation's work per element (activationWork); LRN
// and pooling do opWork element operations per counted one. A layer that cannot be estimated (no shape, an op whose work
// depends on the data) gets null, never 0, and makes the total incomplete; so does, on an
// accelerator that runs only some ops (acceleratorOps), the first layer it does not run and
// every layer after it (they run on the host CPU).
import { computeCosts, costKind, soleConsumers, type LayerResult } from './costs';
import type { Graph, Layer, Shape } from './ir';
import {
  bandwidth,
  channelsAsRun,
  gemmEfficiency,
  runsOnAccelerator,
  type RateKind,
  type TargetProfile,
} from './targets';

export type Dominant = 'compute' | 'memory' | 'overhead';

/** A conv's GEMM: output pixels per image and depth (input channels per group × kernel area). */
export interface GemmShape {
  pixels: number;
  depth: number;
}

export interface KernelLatency {
  kind: RateKind;
  /** Effective work: MACs or element operations after rounding channels up to the granularity. */
  work: number;
  /** A conv's GEMM shape, which sets its efficiency. */
  gemm?: GemmShape;
  /** The fraction of the kind's rate the kernel runs at (the profile's efficiency at its GEMM shape; else 1). */
  efficiency: number;
  bytes: number;
  /** The bandwidth `bytes` move at, in bytes per ms: the cache's when the working set fits it. */
  bytesPerMs: number;
  computeMs: number;
  memoryMs: number;
  overheadMs: number;
  /**
   * With a profile's `paramCacheBytes`: the layer's weights that do not fit the accelerator's
   * parameter memory and stream from the host on every inference, and their time.
   */
  streamed?: { bytes: number; ms: number };
  ms: number;
  dominant: Dominant;
}

export type LayerLatency =
  /** Runs as its own kernel. */
  | ({ runs: 'kernel' } & KernelLatency)
  /** Runs inside the kernel of layer `into` (fusion): 0 ms of its own. */
  | { runs: 'fused'; into: number; ms: 0 }
  /** A view of its input (reshape, flatten, identity, dropout at inference): no kernel, 0 ms. */
  | { runs: 'view'; ms: 0 };

export interface LatencyEstimate {
  target: TargetProfile;
  /** The batch the figures are for: the profile's, else the file's. */
  batch: number;
  /** Per layer, in graph order; null when the layer cannot be estimated. */
  layers: (LayerLatency | null)[];
  /** Sum of the estimated layers, in ms. */
  totalMs: number;
  /** False when some layer has no estimate: the total is then a lower bound. */
  complete: boolean;
  /**
   * With a profile's `acceleratorOps`: the first layer whose op the accelerator does not run.
   * It and every layer after it run on the host CPU and get no estimate.
   */
  hostFrom?: number;
}

/**
 * The roofline of one kernel on the target; a conv's `gemm` shape sets the rate's efficiency.
 * `workingSet` (default: `bytes`) decides whether they move at the cache's bandwidth: weights
 * resident in an accelerator's parameter memory are moved but take no room there.
 */
export function kernelLatency(
  t: TargetProfile,
  kind: RateKind,
  work: number,
  bytes: number,
  gemm?: GemmShape,
  workingSet = bytes,
): KernelLatency {
  const efficiency = gemm ? gemmEfficiency(t, kind, gemm.pixels, gemm.depth) : 1;
  const computeMs = work / (t.rates[kind] * efficiency);
  const bytesPerMs = bandwidth(t, workingSet);
  const memoryMs = bytes / bytesPerMs;
  const overheadMs = t.kernelMs;
  const roof = Math.max(computeMs, memoryMs);
  const dominant: Dominant = overheadMs >= roof ? 'overhead' : computeMs >= memoryMs ? 'compute' : 'memory';
  return {
    kind,
    work,
    ...(gemm ? { gemm } : {}),
    efficiency,
    bytes,
    bytesPerMs,
    computeMs,
    memoryMs,
    overheadMs,
    ms: roof + overheadMs,
    dominant,
  };
}

/** The work factor of a strided depthwise kernel on the target (its `stridedDepthwise`, else 1). */
function stridedWork(t: TargetProfile, kind: RateKind, strided: boolean): number {
  return strided && kind === 'depthwise' ? (t.stridedDepthwise ?? 1) : 1;
}

/** `x` rounded up to a multiple of `g`, as a factor over `x`. */
function padFactor(x: number, g: number): number {
  return x > 0 ? (Math.ceil(x / g) * g) / x : 1;
}

/** The work factor of `channels` channels on the target: channelsAsRun over the count (the minimum applies to channel counts only). */
function channelFactor(t: TargetProfile, channels: number): number {
  return channels > 0 ? channelsAsRun(t, channels) / channels : 1;
}

const elems = (s: Shape) => s[0] * s[1] * s[2];

const VIEWS = new Set<Layer['op']['kind']>(['flatten', 'view', 'reshape', 'identity', 'dropout']);
/** Ops whose work depends on the data (regions, detections) or that LayerLint cannot shape. */
const NOT_ESTIMATED = new Set<Layer['op']['kind']>(['detections', 'roipool', 'unknown']);

/**
 * The kernel of one weighted layer (conv, dwconv, deconv, fc, attention) on the target, for a
 * batch of `batch`; `perImageMacs` is its MACs for one image. `streamedParams` of its
 * `params` stream from the host (a profile's `paramCacheBytes` is full): they leave the
 * working set and add their transfer at bytesPerMs.
 */
export function weightedKernel(
  t: TargetProfile,
  layer: Layer,
  inputs: Shape[],
  out: Shape,
  perImageMacs: number,
  params: number,
  batch: number,
  streamedParams = 0,
): KernelLatency {
  const g = t.channelGranularity;
  const op = layer.op;
  const ci = inputs[0]![2];
  const co = out[2];
  const pixels = out[0] * out[1];
  let kind: RateKind;
  let pad: number;
  let strided = false;
  let gemm: GemmShape | undefined;
  switch (op.kind) {
    case 'conv': {
      const cig = ci / op.groups;
      const k2 = op.kh * op.kw;
      const ck = costKind(layer, ci);
      // A grouped conv with fewer channels per group than the SIMD / tile width runs like a depthwise one.
      kind =
        ck === 'depthwise' || (op.groups > 1 && cig < g) ? 'depthwise' : ck === 'pointwise' ? 'pointwise' : 'dense';
      pad = kind === 'depthwise' ? channelFactor(t, co) : channelFactor(t, co) * padFactor(cig * k2, g);
      strided = op.sh * op.sw > 1;
      gemm = { pixels, depth: cig * k2 };
      break;
    }
    case 'dwconv':
      kind = 'depthwise';
      pad = channelFactor(t, co);
      strided = op.sh * op.sw > 1;
      gemm = { pixels, depth: op.kh * op.kw };
      break;
    case 'fc':
      kind = 'pointwise';
      pad = channelFactor(t, op.out) * padFactor(elems(inputs[0]!), g);
      break;
    default:
      kind = 'dense';
      pad = channelFactor(t, co);
  }
  const activations = batch * (inputs.reduce((n, s) => n + elems(s), 0) + elems(out)) * t.bytesPerElement;
  const bytes = activations + (params - streamedParams) * t.bytesPerElement;
  // With a parameter memory, the weights it holds stay there: only the activations need room in the cache.
  const workingSet = t.paramCacheBytes === undefined ? bytes : activations;
  const k = kernelLatency(t, kind, perImageMacs * pad * batch * stridedWork(t, kind, strided), bytes, gemm, workingSet);
  if (streamedParams > 0) {
    const streamedBytes = streamedParams * t.bytesPerElement;
    const streamMs = streamedBytes / t.bytesPerMs;
    if (streamMs > Math.max(k.computeMs, k.memoryMs, k.overheadMs)) k.dominant = 'memory';
    k.streamed = { bytes: streamedBytes, ms: streamMs };
    k.ms += streamMs;
  }
  return k;
}

const WEIGHTED = new Set<Layer['op']['kind']>(['conv', 'dwconv', 'deconv', 'fc', 'linear', 'attention', 'matmul']);

/**
 * Per-layer and total latency of `layers` (an analysis's results) on target `t`. `consumers`
 * is soleConsumers(graph.layers); `fileBatch` the batch the layer figures were counted at.
 */
export function estimateLatency(
  t: TargetProfile,
  layers: readonly LayerResult[],
  consumers: Int32Array,
  fileBatch: number,
  analysisComplete: boolean,
): LatencyEstimate {
  const batch = t.batch ?? fileBatch;
  const out: (LayerLatency | null)[] = new Array(layers.length);
  let totalMs = 0;
  let complete = analysisComplete;
  let hostFrom: number | undefined;
  // Parameters placed in the accelerator's parameter memory so far (paramCacheBytes), in elements.
  const params = {
    placed: 0,
    capacity: t.paramCacheBytes === undefined ? Infinity : t.paramCacheBytes / t.bytesPerElement,
  };
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    if (hostFrom === undefined && !runsOnAccelerator(t, l.layer.op)) hostFrom = i;
    const est = hostFrom === undefined ? layerLatency(t, l, layers, out, consumers, fileBatch, batch, params) : null;
    out[i] = est;
    if (est) totalMs += est.ms;
    else complete = false;
  }
  return { target: t, batch, layers: out, totalMs, complete, ...(hostFrom !== undefined ? { hostFrom } : {}) };
}

function layerLatency(
  t: TargetProfile,
  l: LayerResult,
  layers: readonly LayerResult[],
  done: readonly (LayerLatency | null)[],
  consumers: Int32Array,
  fileBatch: number,
  batch: number,
  params: { placed: number; capacity: number },
): LayerLatency | null {
  const op = l.layer.op;
  if (!l.inputs || !l.output || NOT_ESTIMATED.has(op.kind)) return null;
  if (VIEWS.has(op.kind)) return { runs: 'view', ms: 0 };
  const into = fusedInto(t, l, layers, done, consumers);
  if (into !== undefined) return { runs: 'fused', into, ms: 0 };
  const perImage = (n: number) => n / fileBatch;
  if (WEIGHTED.has(op.kind)) {
    const cached = Math.min(l.params, Math.max(0, params.capacity - params.placed));
    params.placed += cached;
    const kernel = weightedKernel(t, l.layer, l.inputs, l.output, perImage(l.macs), l.params, batch, l.params - cached);
    return { runs: 'kernel', ...kernel };
  }
  const moved = batch * (l.inputs.reduce((n, s) => n + elems(s), 0) + elems(l.output)) + l.params;
  // An activation the runtime runs as n kernels (ONNX Runtime: SiLU as Sigmoid and Mul) costs
  // n kernels of its size. Copies (concat, resize, pad, crop, ...) have no element
  // operations: only their bytes count.
  const n = op.kind === 'act' ? (t.activationKernels?.[op.fn] ?? 1) : 1;
  const work =
    op.kind === 'act'
      ? n * (t.activationWork?.[op.fn] ?? 1)
      : op.kind === 'lrn' || op.kind === 'pool'
        ? (t.opWork?.[op.kind] ?? 1)
        : 1;
  const k = kernelLatency(t, 'elementwise', work * perImage(l.otherOps) * batch, n * moved * t.bytesPerElement);
  if (n > 1) {
    k.overheadMs *= n;
    k.ms += (n - 1) * t.kernelMs;
  }
  return { runs: 'kernel', ...k };
}

/** The layer whose kernel `l` runs in, when the target fuses `l` into the layer it reads (alone). */
function fusedInto(
  t: TargetProfile,
  l: LayerResult,
  layers: readonly LayerResult[],
  done: readonly (LayerLatency | null)[],
  consumers: Int32Array,
): number | undefined {
  const op = l.layer.op;
  if ((op.kind !== 'bn' && op.kind !== 'scale' && op.kind !== 'act') || !t.fuses.includes(op.kind)) return undefined;
  // A profile that lists what it fuses lists functions: a PReLU (learned slopes) is not a leaky ReLU
  // there (ONNX Runtime fuses LeakyRelu into the conv, not PRelu).
  if (
    op.kind === 'act' &&
    (op.fn === 'softmax' || (t.fusedActivations && (op.slopes || !t.fusedActivations.includes(op.fn))))
  )
    return undefined;
  if (l.layer.inputs.length !== 1) return undefined;
  const j = l.layer.inputs[0]!;
  if (j < 0 || consumers[j] !== l.layer.index) return undefined;
  const before = done[j];
  if (before?.runs === 'fused') return before.into;
  const conv = layers[j]!.layer.op.kind;
  return before?.runs === 'kernel' && (conv === 'conv' || conv === 'dwconv' || conv === 'deconv' || conv === 'fc')
    ? j
    : undefined;
}

/** The change from `before` to `after` in whole percent, signed: `-65%`, `+12%`. */
export function signedPercent(after: number, before: number): string {
  const p = Math.round((100 * (after - before)) / before);
  return `${p > 0 ? '+' : ''}${p}%`;
}

/** `0.123 ms`, with three significant digits below 1 ms. */
export function ms(x: number): string {
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  if (x >= 1) return `${x.toFixed(2)} ms`;
  return `${x.toPrecision(3)} ms`;
}

/** The estimated total on target `t` of `graph` at width α and input side `side` (an α × ρ grid cell). */
export function latencyAt(
  t: TargetProfile,
  graph: Graph,
  alpha: number,
  side?: number,
): { ms: number; complete: boolean } {
  const costs = computeCosts(graph, side === undefined ? { alpha } : { alpha, side });
  const est = estimateLatency(
    t,
    costs.layers,
    soleConsumers(graph.layers),
    graph.input.batch,
    costs.complete && costs.input !== null,
  );
  return { ms: est.totalMs, complete: est.complete };
}

/** BN then activation as kernels of their own over `n` elements, unless the target fuses them. */
function bnActMs(t: TargetProfile, n: number): number {
  let total = 0;
  if (!t.fuses.includes('bn')) total += kernelLatency(t, 'elementwise', 2 * n, 2 * n * t.bytesPerElement).ms;
  if (!t.fuses.includes('act')) total += kernelLatency(t, 'elementwise', n, 2 * n * t.bytesPerElement).ms;
  return total;
}

/** A depthwise KxK (stride of the original) then a pointwise 1x1, as kernels on the target. */
function dwPwMs(t: TargetProfile, input: Shape, out: Shape, k2: number, batch: number, strided: boolean): number {
  const [ho, wo, n] = out;
  const m = input[2];
  const dwOut = ho * wo * m;
  const dw = kernelLatency(
    t,
    'depthwise',
    dwOut * k2 * channelFactor(t, m) * batch * stridedWork(t, 'depthwise', strided),
    (batch * (elems(input) + dwOut) + k2 * m) * t.bytesPerElement,
    { pixels: ho * wo, depth: k2 },
  );
  const pw = kernelLatency(
    t,
    'pointwise',
    dwOut * n * channelFactor(t, n) * channelFactor(t, m) * batch,
    (batch * (dwOut + ho * wo * n) + m * n) * t.bytesPerElement,
    { pixels: ho * wo, depth: m },
  );
  return dw.ms + bnActMs(t, dwOut * batch) + pw.ms;
}

/**
 * A standard KxK conv (layer `l`, known shapes) and its depthwise-separable rewrite on the
 * target: the conv's kernel against depthwise KxK + BN + activation + pointwise 1x1 (the BN
 * and activation after the conv stay after the pointwise one, so they are left out of both).
 */
export function separableLatency(
  t: TargetProfile,
  l: LayerResult,
  fileBatch: number,
): { ms: number; separableMs: number } {
  const op = l.layer.op as { kh: number; kw: number; sh: number; sw: number };
  const batch = t.batch ?? fileBatch;
  const ms = weightedKernel(t, l.layer, l.inputs!, l.output!, l.macs / fileBatch, l.params, batch).ms;
  return { ms, separableMs: dwPwMs(t, l.inputs![0]!, l.output!, op.kh * op.kw, batch, op.sh * op.sw > 1) };
}

/**
 * One standard KxK conv from `input` to `out` (the Fused-MBConv form of a depthwise KxK conv
 * and the pointwise conv after it) as one dense kernel on the target, and its MACs.
 */
export function fusedConvLatency(
  t: TargetProfile,
  input: Shape,
  out: Shape,
  k2: number,
  fileBatch: number,
): { fusedMs: number; fusedMacs: number } {
  const batch = t.batch ?? fileBatch;
  const [ho, wo, n] = out;
  const m = input[2];
  const g = t.channelGranularity;
  const fusedMacs = ho * wo * n * m * k2;
  const fused = kernelLatency(
    t,
    'dense',
    fusedMacs * channelFactor(t, n) * padFactor(m * k2, g) * batch,
    (batch * (elems(input) + elems(out)) + k2 * m * n) * t.bytesPerElement,
    { pixels: ho * wo, depth: m * k2 },
  );
  return { fusedMs: fused.ms, fusedMacs: fusedMacs * fileBatch };
}
