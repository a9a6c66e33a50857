// Per-layer cost under LayerLint's counting convention (docs/counting.md):
// MACs count conv, dwconv, deconv, fc, linear, matmul and attention multiply-accumulates; parameters are what
// PyTorch's model.parameters() holds; everything else is "other ops". Each MACs figure
// comes with its formula, symbolic and filled in with the layer's numbers.
import type { EngineDiagnostic } from './diagnostics';
import { exact } from './format';
import type { Graph, Layer, OpKind, Shape } from './ir';
import { inferShapes, type ShapeOptions } from './shapes';

export type CostKind = 'standard' | 'pointwise' | 'depthwise' | 'fc' | 'other';

/** Bytes per tensor element and per parameter: memory figures assume fp32 (docs/counting.md#memory). */
export const BYTES_PER_VALUE = 4;

export const KIND_LABELS: Record<CostKind, string> = {
  standard: 'Conv KxK (standard)',
  pointwise: 'Conv 1x1 (pointwise)',
  depthwise: 'Conv depthwise',
  fc: 'Fully connected',
  other: 'Other',
};

export interface LayerCost {
  kind: CostKind;
  macs: number;
  params: number;
  /** Element-wise and pooling work, not counted as MACs. */
  otherOps: number;
  /** Output elements over the whole batch. */
  activations: number;
}

export interface Formula {
  symbolic: string;
  filled: string;
}

const n = exact;

function formula(batch: number, terms: [string, number][], total: number): Formula {
  const all: [string, number][] = batch > 1 ? [['N', batch], ...terms] : terms;
  return {
    symbolic: all.map(([s]) => s).join(' × '),
    filled: `${all.map(([, v]) => n(v)).join(' × ')} = ${n(total)}`,
  };
}

/** Classifies a weighted layer for the per-kind breakdown (Table 2 of the MobileNet paper). */
export function costKind(layer: Layer, inC: number): CostKind {
  const op = layer.op;
  if (op.kind === 'dwconv') return 'depthwise';
  if (op.kind === 'fc' || op.kind === 'linear') return 'fc';
  if (op.kind === 'conv') {
    if (op.groups > 1 && op.groups === inC) return 'depthwise';
    return op.kh * op.kw === 1 ? 'pointwise' : 'standard';
  }
  if (op.kind === 'deconv') return 'standard';
  return 'other';
}

export function layerCost(layer: Layer, ins: Shape[], out: Shape, batch: number): LayerCost {
  return { ...costOf(layer, ins, out, batch) };
}

/** The figures of every layerCost, written into one scratch object (read it before the next call). */
const SCRATCH: LayerCost = { kind: 'other', macs: 0, params: 0, otherOps: 0, activations: 0 };

function fill(kind: CostKind, macs: number, params: number, otherOps: number, activations: number): LayerCost {
  SCRATCH.kind = kind;
  SCRATCH.macs = macs;
  SCRATCH.params = params;
  SCRATCH.otherOps = otherOps;
  SCRATCH.activations = activations;
  return SCRATCH;
}

/** layerCost in SCRATCH, without allocating: the analysis copies it into the layer's result. */
function costOf(layer: Layer, ins: Shape[], out: Shape, batch: number): LayerCost {
  const inShape = ins[0]!;
  const hi = inShape[0],
    wi = inShape[1],
    ci = inShape[2];
  const ho = out[0],
    wo = out[1],
    co = out[2];
  const outElems = ho * wo * co;
  const activations = outElems * batch;
  const op = layer.op;
  const kind = costKind(layer, ci);
  switch (op.kind) {
    case 'conv': {
      const cig = ci / op.groups;
      return fill(
        kind,
        ho * wo * co * cig * op.kh * op.kw * batch,
        op.shared ? 0 : op.kh * op.kw * cig * co + (op.bias ? co : 0),
        0,
        activations,
      );
    }
    case 'dwconv': {
      return fill(
        kind,
        ho * wo * ci * op.multiplier * op.kh * op.kw * batch,
        op.kh * op.kw * ci * op.multiplier + (op.bias ? co : 0),
        0,
        activations,
      );
    }
    case 'deconv': {
      const cog = co / op.groups;
      return fill(
        kind,
        hi * wi * ci * cog * op.kh * op.kw * batch,
        op.kh * op.kw * ci * cog + (op.bias ? co : 0),
        0,
        activations,
      );
    }
    case 'fc': {
      const inF = hi * wi * ci;
      return fill(kind, inF * op.out * batch, inF * op.out + (op.bias ? op.out : 0), 0, activations);
    }
    case 'bn':
      return fill(kind, 0, op.affine === false ? 0 : 2 * co, 2 * activations, activations);
    case 'scale':
      return fill(kind, 0, co + (op.bias ? co : 0), activations, activations);
    case 'lrn':
      return fill(kind, 0, 0, op.size * hi * wi * ci * batch, activations);
    case 'act':
      return fill(kind, 0, op.slopes === 'channel' ? ci : op.slopes === 'shared' ? 1 : 0, activations, activations);
    case 'pool':
      return fill(kind, 0, 0, (op.global ? hi * wi * ci : outElems * op.kh * op.kw) * batch, activations);
    case 'merge':
      return fill(kind, 0, 0, op.mode === 'concat' ? 0 : (ins.length - 1) * activations, activations);
    case 'attention': {
      // QᵀK and V·Aᵀ per head: N² (keyDim + headDim) multiply-accumulates, N = H x W; softmax N² per head.
      const n = hi * wi;
      return fill(kind, op.heads * n * n * (op.keyDim + op.headDim) * batch, 0, op.heads * n * n * batch, activations);
    }
    case 'linear':
      return {
        kind,
        macs: hi * wi * ci * op.out * batch,
        params: ci * op.out + (op.bias ? op.out : 0),
        otherOps: 0,
        activations,
      };
    case 'matmul':
      // [B, M, K] · [B, K, N]: B·M·N outputs of K multiply-accumulates each.
      return { kind, macs: ho * wo * co * ci * batch, params: 0, otherOps: 0, activations };
    case 'reduce':
      return { kind, macs: 0, params: 0, otherOps: hi * wi * ci * batch, activations };
    case 'learned':
      return {
        kind,
        macs: 0,
        params: op.h * op.w * op.c,
        otherOps: op.mode === 'add' ? activations : 0,
        activations,
      };
    case 'shortcut':
      return fill(
        kind,
        0,
        shortcutWeights(op.weights, ins.length, co),
        shortcutOps(op.weights, ins, out) * batch,
        activations,
      );
    case 'normalize':
      // Sum of squares, division and scale: 3 per element; one weight per channel, or one shared.
      return fill(kind, 0, op.shared ? 1 : co, 3 * activations, activations);
    case 'reorg':
    case 'crop':
    case 'cropto':
    case 'interp':
    case 'permute':
    case 'view':
    case 'priorbox':
    case 'detections':
    case 'roipool':
    case 'dropout':
    case 'flatten':
    case 'upsample':
    case 'identity':
    case 'split':
    case 'reshape':
    case 'slice':
    case 'pad':
    case 'unknown':
      return fill(kind, 0, 0, 0, activations);
  }
}

/** Learned weights of a darknet [shortcut] over `inputs` tensors of `channels` output channels. */
function shortcutWeights(weights: 'none' | 'per_feature' | 'per_channel', inputs: number, channels: number): number {
  return weights === 'none' ? 0 : weights === 'per_feature' ? inputs : inputs * channels;
}

/** One addition per element added (min(N_0, N_i) per other input), plus one multiply per weighted element. */
function shortcutOps(weights: 'none' | 'per_feature' | 'per_channel', ins: Shape[], out: Shape): number {
  const n0 = out[0] * out[1] * out[2];
  let adds = 0;
  for (let i = 1; i < ins.length; i++) adds += Math.min(n0, ins[i]![0] * ins[i]![1] * ins[i]![2]);
  return weights === 'none' ? adds : 2 * adds + n0;
}

/** The MACs formula of a weighted layer, symbolic and with the layer's numbers; undefined for layers without MACs. */
export function macsFormula(layer: Layer, ins: Shape[], out: Shape, batch: number): Formula | undefined {
  const inShape = ins[0]!;
  const hi = inShape[0],
    wi = inShape[1],
    ci = inShape[2];
  const ho = out[0],
    wo = out[1],
    co = out[2];
  const op = layer.op;
  let terms: [string, number][];
  switch (op.kind) {
    case 'conv':
      terms = [
        ['H_out', ho],
        ['W_out', wo],
        ['C_out', co],
        [op.groups > 1 ? 'C_in/groups' : 'C_in', ci / op.groups],
        ['K_h', op.kh],
        ['K_w', op.kw],
      ];
      break;
    case 'dwconv':
      terms = [
        ['H_out', ho],
        ['W_out', wo],
        ['C_in', ci],
        ...(op.multiplier > 1 ? [['multiplier', op.multiplier] as [string, number]] : []),
        ['K_h', op.kh],
        ['K_w', op.kw],
      ];
      break;
    case 'deconv':
      terms = [
        ['H_in', hi],
        ['W_in', wi],
        ['C_in', ci],
        [op.groups > 1 ? 'C_out/groups' : 'C_out', co / op.groups],
        ['K_h', op.kh],
        ['K_w', op.kw],
      ];
      break;
    case 'fc':
      terms = [
        ['in_features', hi * wi * ci],
        ['out_features', op.out],
      ];
      break;
    case 'linear':
      terms = [
        ['positions', hi * wi],
        ['in_features', ci],
        ['out_features', op.out],
      ];
      break;
    case 'matmul':
      terms = [
        ['B', ho],
        ['M', wo],
        ['K', ci],
        ['N', co],
      ];
      break;
    case 'attention':
      terms = [
        ['heads', op.heads],
        ['N', hi * wi],
        ['N', hi * wi],
        ['key_dim + head_dim', op.keyDim + op.headDim],
      ];
      break;
    default:
      return undefined;
  }
  return formula(batch, terms, layerCost(layer, ins, out, batch).macs);
}

export interface LayerResult extends LayerCost {
  layer: Layer;
  /** Input shapes, or null when an input is unknown. */
  inputs: Shape[] | null;
  output: Shape | null;
}

export interface Totals {
  macs: number;
  params: number;
  otherOps: number;
  activations: number;
}

export type ByKind = Record<CostKind, { macs: number; params: number }>;

/** Shapes and costs only: the cheap pass that estimates and budget solving repeat. */
export function computeCosts(
  graph: Graph,
  options: ShapeOptions = {},
): {
  input: Shape | null;
  layers: LayerResult[];
  totals: Totals;
  complete: boolean;
  shapeDiagnostics: EngineDiagnostic[];
} {
  const shapes = inferShapes(graph, options);
  const batch = graph.input.batch;
  const layers: LayerResult[] = new Array(graph.layers.length);
  let complete = shapes.input !== null;
  // One-input layers that read the same shape array (a conv, then its bn and its activation,
  // which pass the array on; equal shapes are one array, see RecentShapes) share one input
  // list: results are never mutated.
  const lists = new Map<Shape, Shape[]>();
  for (const layer of graph.layers) {
    const out = shapes.shapes[layer.index]!;
    if (!out) complete = false;
    let ins: Shape[] | null;
    if (layer.inputs.length === 1) {
      const i = layer.inputs[0]!;
      const s = i < 0 ? shapes.input : shapes.shapes[i]!;
      ins = s === null ? null : (lists.get(s) ?? null);
      if (s && !ins) lists.set(s, (ins = [s]));
    } else ins = inputShapes(layer.inputs, shapes.input, shapes.shapes);
    layers[layer.index] = layerResult(layer, ins, out, batch);
  }
  return { input: shapes.input, layers, totals: totalsOf(layers), complete, shapeDiagnostics: shapes.diagnostics };
}

export type Costs = ReturnType<typeof computeCosts>;

export function totalsOf(layers: readonly LayerResult[]): Totals {
  const totals: Totals = { macs: 0, params: 0, otherOps: 0, activations: 0 };
  for (const l of layers) {
    totals.macs += l.macs;
    totals.params += l.params;
    totals.otherOps += l.otherOps;
    totals.activations += l.activations;
  }
  return totals;
}

/**
 * Totals only, for estimates and budget searches that repeat the pass with other α and ρ:
 * the same shapes and per-layer costs as computeCosts, without keeping per-layer results.
 */
export function computeTotals(
  graph: Graph,
  options: ShapeOptions = {},
): { macs: number; params: number; complete: boolean } {
  const shapes = inferShapes(graph, options);
  const batch = graph.input.batch;
  let macs = 0,
    params = 0;
  let complete = shapes.input !== null;
  const one: Shape[] = [];
  for (const layer of graph.layers) {
    const out = shapes.shapes[layer.index]!;
    if (!out) {
      complete = false;
      continue;
    }
    const ins = layer.inputs.length === 1 ? one : inputShapes(layer.inputs, shapes.input, shapes.shapes);
    if (ins === one) {
      const i = layer.inputs[0]!;
      const s = i < 0 ? shapes.input : shapes.shapes[i]!;
      if (!s) continue;
      one[0] = s;
    }
    if (!ins) continue;
    const cost = costOf(layer, ins, out, batch);
    macs += cost.macs;
    params += cost.params;
  }
  return { macs, params, complete };
}

/** A layer's result from its input and output shapes; zero cost when either is unknown. */
export function layerResult(layer: Layer, ins: Shape[] | null, out: Shape | null, batch: number): LayerResult {
  // One object of one shape per layer: the figures are copied from the scratch cost.
  const c = out && ins ? costOf(layer, ins, out, batch) : fill('other', 0, 0, 0, 0);
  return {
    kind: c.kind,
    macs: c.macs,
    params: c.params,
    otherOps: c.otherOps,
    activations: c.activations,
    layer,
    inputs: ins,
    output: out,
  };
}

/** The input shapes of a layer in an array of exactly their number (it is kept), or null when one is unknown. */
export function inputShapes(inputs: number[], input: Shape | null, shapes: (Shape | null)[]): Shape[] | null {
  if (inputs.length === 1) {
    const i = inputs[0]!;
    const s = i < 0 ? input : shapes[i]!;
    return s ? [s] : null;
  }
  const ins: Shape[] = new Array(inputs.length);
  for (let k = 0; k < inputs.length; k++) {
    const i = inputs[k]!;
    const s = i < 0 ? input : shapes[i]!;
    if (!s) return null;
    ins[k] = s;
  }
  return ins;
}

export function byKind(layers: LayerResult[]): ByKind {
  const out: ByKind = {
    standard: { macs: 0, params: 0 },
    pointwise: { macs: 0, params: 0 },
    depthwise: { macs: 0, params: 0 },
    fc: { macs: 0, params: 0 },
    other: { macs: 0, params: 0 },
  };
  for (const l of layers) {
    out[l.kind].macs += l.macs;
    out[l.kind].params += l.params;
  }
  return out;
}

/**
 * For each layer: the index of its only consumer, -1 when nothing reads it, -2 when
 * several layers do. Rules use it to ask "is this conv followed only by a bn?".
 */
export function soleConsumers(layers: readonly Layer[]): Int32Array {
  const out = new Int32Array(layers.length).fill(-1);
  for (const l of layers) {
    const inputs = l.inputs;
    for (let k = 0; k < inputs.length; k++) {
      const i = inputs[k]!;
      if (i >= 0) out[i] = out[i] === -1 ? l.index : -2;
    }
  }
  return out;
}

/** Layer kinds that carry weights and MACs: what code lenses, rules and the report's traffic look at. */
export const WEIGHTED_OPS: ReadonlySet<OpKind> = new Set<OpKind>(['conv', 'dwconv', 'deconv', 'fc', 'linear']);
