// One TensorFlow graph node → its IR ops, from its attributes and what its inputs are
// (tensors of known rank and IR shape, stored constants, unknown values). TensorFlow is
// channels-last, so an [N, H, W, C] tensor is the IR's [H, W, C], [N, F] is [1, 1, F] and
// [N, T, D] is [T, 1, D]; the batch N must be 1. A node this file cannot shape and cost
// exactly gives a reason string instead (it becomes an `unknown-layer` naming the op).
//
// Contract: pure; never throws; reads constant values only through `constValues`.
import type { Activation, LayerOp, Padding, Shape } from '../../core/ir';
import { globalPool } from '../../core/ir';
import { numel } from './weights';

export interface TfNode {
  name: string;
  op: string;
  /** Data inputs (`name` or `name:k`); control inputs (`^name`) are dropped. */
  inputs: string[];
  attr: Record<string, unknown>;
}

export type Value =
  | { kind: 'tensor'; layer: number; rank: number; shape: Shape | null }
  | { kind: 'const'; name: string; shape: number[] }
  | { kind: 'unknown'; layer: number };

/** What a node lowers to: a chain of ops (each reads the previous; the first reads `from`), or an alias of an input. */
export type Lowered = { ops: [string, LayerOp][]; rank: number; from: number[] } | { alias: Value } | { why: string };

export interface OpContext {
  /** The int32 or float values of a stored constant, when they can be read. */
  constValues(name: string): Float64Array | undefined;
}

const ACTIVATIONS: Record<string, Activation> = {
  Relu: 'relu',
  Relu6: 'relu6',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  LeakyRelu: 'leaky',
  Softmax: 'softmax',
  Elu: 'linear',
  Selu: 'linear',
  Softplus: 'linear',
  Softsign: 'linear',
  Exp: 'linear',
  Sqrt: 'linear',
  Rsqrt: 'linear',
  Square: 'linear',
  Neg: 'linear',
  Abs: 'linear',
  Reciprocal: 'linear',
};

/** Ops that combine two or more tensors (or a tensor and a constant) element by element. */
const ELEMENTWISE = new Set(['Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference']);

/** An attribute's list of integers (`{list: {i: ["1", "2"]}}`). */
function ints(attr: Record<string, unknown>, key: string): number[] {
  const list = (attr[key] as { list?: { i?: unknown[] } } | undefined)?.list?.i;
  return Array.isArray(list) ? list.map((v) => Number(v)) : [];
}

const b64 = (s: unknown): string => {
  if (typeof s !== 'string') return '';
  try {
    return atob(s);
  } catch {
    return '';
  }
};

/** An attribute's string (`{s: base64}`). */
const text = (attr: Record<string, unknown>, key: string): string => b64((attr[key] as { s?: unknown } | undefined)?.s);

/** An attribute's list of strings (`{list: {s: [base64...]}}`). */
export function texts(attr: Record<string, unknown>, key: string): string[] {
  const list = (attr[key] as { list?: { s?: unknown[] } } | undefined)?.list?.s;
  return Array.isArray(list) ? list.map(b64) : [];
}

const flag = (attr: Record<string, unknown>, key: string): boolean =>
  (attr[key] as { b?: unknown } | undefined)?.b === true;

export const float = (attr: Record<string, unknown>, key: string, fallback: number): number => {
  const f = (attr[key] as { f?: unknown } | undefined)?.f;
  return typeof f === 'number' ? f : fallback;
};

/** A tensor's TensorFlow dims with the batch (1), from its IR shape and rank; undefined when unknown. */
function dimsOf(v: Value | undefined): number[] | undefined {
  if (v?.kind !== 'tensor' || !v.shape) return undefined;
  const [h, w, c] = v.shape;
  if (v.rank === 4) return [1, h, w, c];
  if (v.rank === 3 && w === 1) return [1, h, c];
  if (v.rank === 2 && h === 1 && w === 1) return [1, c];
  return undefined;
}

/** The IR view of TensorFlow dims without the batch: [F], [T, D] or [H, W, C]. */
function viewOf(dims: number[]): LayerOp | undefined {
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) return undefined;
  if (dims.length === 1) return { kind: 'reshape', h: 1, c: dims[0]! };
  if (dims.length === 2) return { kind: 'reshape', h: dims[0]!, c: dims[1]! };
  if (dims.length === 3) return { kind: 'reshape', h: dims[0]!, c: dims[2]! };
  return undefined;
}

function padding(attr: Record<string, unknown>): Padding | string {
  const p = text(attr, 'padding');
  if (p === 'SAME') return { kind: 'same' };
  if (p === 'VALID') return { kind: 'valid' };
  if (p === 'EXPLICIT') {
    const e = ints(attr, 'explicit_paddings');
    if (e.length === 8 && e[2] === e[3] && e[4] === e[5] && !e[0] && !e[1] && !e[6] && !e[7])
      return { kind: 'explicit', h: e[2]!, w: e[4]! };
    return `explicit paddings [${e.join(', ')}] that are not symmetric`;
  }
  return `padding '${p}'`;
}

const positive = (...xs: number[]): boolean => xs.every((x) => Number.isSafeInteger(x) && x >= 1);

/**
 * Per-axis window, stride or dilation from an NHWC list [1, h, w, 1] (absent: `fallback`, when
 * TensorFlow has a default), or a reason when it is not such a list of positive integers.
 */
function hw(attr: Record<string, unknown>, key: string, fallback?: number): [number, number] | string {
  const list = ints(attr, key);
  if (list.length === 0 && fallback !== undefined) return [fallback, fallback];
  if (list.length !== 4 || !positive(list[1]!, list[2]!)) return `${key} [${list.join(', ')}]`;
  return [list[1]!, list[2]!];
}

/** The activation op after a fused conv or matmul (`fused_ops` after BiasAdd), or why it has none. */
function fusedActivation(name: string, alpha: Value | undefined, channels: number): LayerOp | string {
  if (name === 'Prelu') return prelu(alpha, channels);
  const fn = ACTIVATIONS[name];
  return fn ? { kind: 'act', fn } : `fused op ${name}`;
}

/** PReLU: a leaky ReLU with learned slopes, one per channel (C parameters) or one shared; 1 op per element. */
function prelu(alpha: Value | undefined, channels: number): LayerOp | string {
  if (alpha?.kind !== 'const') return 'slopes that are not a stored constant';
  const n = numel(alpha.shape);
  if (n === 1) return { kind: 'act', fn: 'leaky', slopes: 'shared' };
  // One slope per channel (when the input's channels are unknown, its shape is too: nothing is counted).
  const last = alpha.shape[alpha.shape.length - 1];
  if (n === last && (channels === 0 || n === channels)) return { kind: 'act', fn: 'leaky', slopes: 'channel' };
  return `slopes of shape [${alpha.shape.join(', ')}]`;
}

/** Conv2D, DepthwiseConv2dNative and their fused forms. */
function convolution(node: TfNode, ins: (Value | undefined)[]): Lowered {
  const [x, f] = ins;
  if (x?.kind === 'const' || !x) return { why: 'a constant input' };
  if (f?.kind !== 'const' || f.shape.length !== 4) return { why: 'a filter that is not a stored 4-D constant' };
  const a = node.attr;
  const format = text(a, 'data_format') || 'NHWC';
  if (format !== 'NHWC') return { why: `data_format ${format}` };
  const pad = padding(a);
  if (typeof pad === 'string') return { why: pad };
  const strides = hw(a, 'strides');
  const dilations = hw(a, 'dilations', 1);
  if (typeof strides === 'string') return { why: strides };
  if (typeof dilations === 'string') return { why: dilations };
  const [[sh, sw], [dh, dw]] = [strides, dilations];
  const [kh, kw, fin, fout] = f.shape as [number, number, number, number];
  if (!positive(kh, kw, fin, fout)) return { why: `a filter of shape [${f.shape.join(', ')}]` };
  const fused = texts(a, 'fused_ops');
  const bias = fused[0] === 'BiasAdd';
  const depthwise = node.op.includes('Depthwise');
  let op: LayerOp;
  let channels: number;
  if (depthwise) {
    op = { kind: 'dwconv', kh, kw, sh, sw, padding: pad, dh, dw, multiplier: fout, bias };
    channels = fin * fout;
  } else {
    const inC = dimsOf(x)?.[3];
    const groups = inC !== undefined && fin > 0 && inC % fin === 0 ? inC / fin : 1;
    op = { kind: 'conv', out: fout, kh, kw, sh, sw, padding: pad, dh, dw, groups, bias, fixed: false };
    channels = fout;
  }
  const ops: [string, LayerOp][] = [[node.op, op]];
  const rest = fusedTail(fused, ins, channels);
  if (typeof rest === 'string') return { why: rest };
  return { ops: [...ops, ...rest], rank: 4, from: [x.layer] };
}

/**
 * Conv2DBackpropInput(input_sizes, filter [kh, kw, out, in], x): a transposed conv to `out`
 * channels, SAME (H·s) or VALID ((H − 1)·s + k), whose stored input_sizes must be that size.
 */
function transposedConv(node: TfNode, ins: (Value | undefined)[], ctx: OpContext): Lowered {
  const [sizes, f, x] = ins;
  if (x?.kind !== 'tensor' || x.rank !== 4 || !x.shape)
    return { why: 'an input that is not a known [N, H, W, C] tensor' };
  if (f?.kind !== 'const' || f.shape.length !== 4) return { why: 'a filter that is not a stored 4-D constant' };
  const a = node.attr;
  const format = text(a, 'data_format') || 'NHWC';
  if (format !== 'NHWC') return { why: `data_format ${format}` };
  const pad = padding(a);
  if (typeof pad === 'string' || pad.kind === 'explicit')
    return { why: typeof pad === 'string' ? pad : 'explicit paddings' };
  const strides = hw(a, 'strides');
  if (typeof strides === 'string') return { why: strides };
  const dilations = hw(a, 'dilations', 1);
  if (typeof dilations === 'string' || dilations[0] !== 1 || dilations[1] !== 1) return { why: 'dilations' };
  const [sh, sw] = strides;
  const [kh, kw, fout, fin] = f.shape as [number, number, number, number];
  if (!positive(kh, kw, fin, fout) || fin !== x.shape[2]) return { why: `a filter of shape [${f.shape.join(', ')}]` };
  const out = intsOf(sizes, ctx, 'output sizes');
  if (typeof out === 'string') return { why: out };
  const [h, w] = x.shape;
  const expect = pad.kind === 'same' ? [1, h * sh, w * sw, fout] : [1, (h - 1) * sh + kh, (w - 1) * sw + kw, fout];
  if (out.length !== 4 || out.some((v, k) => (k === 0 ? v !== 1 && v !== -1 : v !== expect[k])))
    return { why: `output sizes [${out.join(', ')}] other than [${expect.join(', ')}]` };
  const op: LayerOp = {
    kind: 'deconv',
    out: fout,
    kh,
    kw,
    sh,
    sw,
    padding: pad,
    dh: 1,
    dw: 1,
    groups: 1,
    bias: false,
    fixed: false,
  };
  return { ops: [[node.op, op]], rank: 4, from: [x.layer] };
}

/** The ops after a fused conv or matmul's BiasAdd: FusedBatchNorm (4 args), then an activation (Prelu: 1 arg). */
function fusedTail(fused: string[], ins: (Value | undefined)[], channels: number): [string, LayerOp][] | string {
  const out: [string, LayerOp][] = [];
  let k = 0;
  let arg = 2;
  if (fused[k] === 'BiasAdd') {
    k++;
    arg++;
  } else if (fused[k] === 'FusedBatchNorm') {
    out.push(['FusedBatchNorm', { kind: 'bn', affine: true }]);
    k++;
    arg += 4;
  }
  for (; k < fused.length; k++) {
    const act = fusedActivation(fused[k]!, ins[arg], channels);
    if (typeof act === 'string') return act;
    out.push([fused[k]!, act]);
  }
  return out;
}

function matmul(node: TfNode, ins: (Value | undefined)[]): Lowered {
  const [x, w] = ins;
  if (x?.kind !== 'tensor' && x?.kind !== 'unknown') return { why: 'a constant input' };
  if (flag(node.attr, 'transpose_a')) return { why: 'transpose_a' };
  if (w?.kind !== 'const' || w.shape.length !== 2) return { why: 'a product of two computed tensors' };
  if (x.kind === 'tensor' && x.rank !== 2) return { why: `a rank-${x.rank} input` };
  const units = flag(node.attr, 'transpose_b') ? w.shape[0]! : w.shape[1]!;
  if (!positive(units)) return { why: `a weight of shape [${w.shape.join(', ')}]` };
  const fused = texts(node.attr, 'fused_ops');
  const rest = fusedTail(fused, ins, units);
  if (typeof rest === 'string') return { why: rest };
  return {
    ops: [[node.op, { kind: 'fc', out: units, bias: fused[0] === 'BiasAdd' }], ...rest],
    rank: 2,
    from: [x.layer],
  };
}

/** Element-wise ops on two operands: two tensors merge; a tensor and a constant scalar is element-wise; one value per channel is a scale. */
function elementwise(node: TfNode, ins: (Value | undefined)[]): Lowered {
  const tensors = ins.filter((v) => v?.kind === 'tensor' || v?.kind === 'unknown') as Exclude<
    Value,
    { kind: 'const' }
  >[];
  const consts = ins.filter((v) => v?.kind === 'const') as Extract<Value, { kind: 'const' }>[];
  const mode = node.op === 'Mul' || node.op === 'RealDiv' ? 'mul' : 'add';
  if (tensors.length === 0) return { why: 'constant operands only (a constant LayerLint does not fold)' };
  const x = tensors[0]!;
  // A broadcast result has the largest operand rank.
  const rank = Math.max(...tensors.map((t) => (t.kind === 'tensor' ? t.rank : 4)));
  if (tensors.length >= 2 && consts.length === 0)
    return { ops: [[node.op, { kind: 'merge', mode }]], rank, from: tensors.map((t) => t.layer) };
  const c = consts[0];
  if (tensors.length !== 1 || !c) return { why: 'operands LayerLint cannot place' };
  const n = numel(c.shape);
  const channels = dimsOf(x)?.at(-1);
  const perChannel = channels !== undefined && n === channels && c.shape[c.shape.length - 1] === channels;
  // BiasAdd's constant is a learned bias, one per channel, even of a layer with one output unit.
  if (n === 1 && !(node.op === 'BiasAdd' && perChannel))
    return { ops: [[node.op, { kind: 'act', fn: 'linear' }]], rank, from: [x.layer] };
  if (perChannel) return { ops: [[node.op, { kind: 'scale', bias: false }]], rank, from: [x.layer] };
  return { why: `a constant of shape [${c.shape.join(', ')}] that is neither a scalar nor one value per channel` };
}

/** The values of a constant input as integers, or why they are not known. */
function intsOf(v: Value | undefined, ctx: OpContext, what: string): number[] | string {
  if (v?.kind !== 'const') return `${what} that is computed, not stored`;
  const values = ctx.constValues(v.name);
  if (!values) return `${what} in weights that were not read`;
  return Array.from(values, (x) => Math.round(x));
}

function reshape(ins: (Value | undefined)[], ctx: OpContext): Lowered {
  const [x, s] = ins;
  if (x?.kind !== 'tensor') return { why: x?.kind === 'const' ? 'a constant input' : 'an input of unknown shape' };
  const target = intsOf(s, ctx, 'a target shape');
  if (typeof target === 'string') return { why: target };
  const dims = dimsOf(x);
  if (!dims) return { why: 'an input of unknown shape' };
  const total = numel(dims);
  const known = target.filter((d) => d !== -1);
  const free = target.length - known.length;
  if (free > 1 || known.some((d) => d < 0)) return { why: `target shape [${target.join(', ')}]` };
  const resolved = target.map((d) => (d === -1 ? total / Math.max(1, numel(known)) : d));
  if (resolved[0] !== 1 || numel(resolved) !== total) return { why: `target shape [${target.join(', ')}] (batch 1)` };
  const view = viewOf(resolved.slice(1));
  return view
    ? { ops: [['Reshape', view]], rank: resolved.length, from: [x.layer] }
    : { why: `a rank-${resolved.length} result` };
}

/** Squeeze (squeeze_dims) and ExpandDims (an axis constant): a view with axes of size 1 removed or added. */
function squeezeOrExpand(node: TfNode, ins: (Value | undefined)[], ctx: OpContext): Lowered {
  const x = ins[0];
  const dims = dimsOf(x);
  if (x?.kind !== 'tensor' || !dims) return { why: 'an input of unknown shape' };
  let out: number[];
  if (node.op === 'Squeeze') {
    const given = ints(node.attr, 'squeeze_dims').map((a) => (a < 0 ? a + dims.length : a));
    // Without squeeze_dims every axis of size 1 goes, the batch too.
    const axes = given.length ? given : dims.flatMap((d, i) => (d === 1 ? [i] : []));
    if (axes.includes(0) || axes.some((a) => dims[a] !== 1))
      return { why: `squeeze of axes [${axes.join(', ')}] (the batch, or an axis larger than 1)` };
    out = dims.filter((_, i) => !axes.includes(i));
  } else {
    const axis = intsOf(ins[1], ctx, 'an axis');
    if (typeof axis === 'string') return { why: axis };
    const at = axis[0]! < 0 ? axis[0]! + dims.length + 1 : axis[0]!;
    if (at < 1 || at > dims.length) return { why: `axis ${axis[0]}` };
    out = [...dims.slice(0, at), 1, ...dims.slice(at)];
  }
  const view = viewOf(out.slice(1));
  return view ? { ops: [[node.op, view]], rank: out.length, from: [x.layer] } : { why: `a rank-${out.length} result` };
}

function pool(node: TfNode, x: Value | undefined): Lowered {
  if (x?.kind === 'const' || !x) return { why: 'a constant input' };
  const a = node.attr;
  const format = text(a, 'data_format') || 'NHWC';
  if (format !== 'NHWC') return { why: `data_format ${format}` };
  const pad = padding(a);
  if (typeof pad === 'string') return { why: pad };
  const window = hw(a, 'ksize');
  const strides = hw(a, 'strides');
  if (typeof window === 'string') return { why: window };
  if (typeof strides === 'string') return { why: strides };
  const [[kh, kw], [sh, sw]] = [window, strides];
  const mode = node.op === 'MaxPool' ? 'max' : 'avg';
  return {
    ops: [[node.op, { kind: 'pool', mode, global: false, kh, kw, sh, sw, padding: pad, ceil: false }]],
    rank: 4,
    from: [x.layer],
  };
}

/**
 * Mean, Max or Sum over exactly H and W of an [N, H, W, C] tensor: a global average (Mean,
 * Sum: the same shape and work) or max pool; or, with keep_dims, over the last axis only: a
 * reduction over the channels to one (the norm of an L2 normalisation: Square, Sum, Rsqrt, Mul).
 */
function reduction(node: TfNode, ins: (Value | undefined)[], ctx: OpContext): Lowered {
  const x = ins[0];
  if (x?.kind !== 'tensor') return { why: 'an input that is not a known tensor' };
  const axes = intsOf(ins[1], ctx, 'axes');
  if (typeof axes === 'string') return { why: axes };
  const set = new Set(axes.map((a) => (a < 0 ? a + x.rank : a)));
  const keep = flag(node.attr, 'keep_dims');
  const mode = node.op === 'Max' ? 'max' : 'avg';
  if (x.rank === 4 && set.size === 2 && set.has(1) && set.has(2))
    return { ops: [[node.op, globalPool(mode)]], rank: keep ? 4 : 2, from: [x.layer] };
  if (keep && set.size === 1 && set.has(x.rank - 1) && x.rank > 1)
    return { ops: [[node.op, { kind: 'reduce', mode }]], rank: x.rank, from: [x.layer] };
  return { why: `a ${node.op} over axes [${axes.join(', ')}] of a rank-${x.rank} tensor` };
}

function concat(ins: (Value | undefined)[], ctx: OpContext): Lowered {
  const parts = ins.slice(0, -1);
  if (parts.length < 1 || parts.some((p) => p?.kind === 'const' || !p)) return { why: 'a constant operand' };
  const first = parts[0]!;
  const rank = first.kind === 'tensor' ? first.rank : undefined;
  if (rank === undefined) return { why: 'an operand of unknown rank' };
  const axis = intsOf(ins[ins.length - 1], ctx, 'an axis');
  if (typeof axis === 'string') return { why: axis };
  const a = axis[0]! < 0 ? axis[0]! + rank : axis[0]!;
  const from = parts.map((p) => (p as { layer: number }).layer);
  if (a === rank - 1) return { ops: [['ConcatV2', { kind: 'merge', mode: 'concat' }]], rank, from };
  if (rank === 4 && (a === 1 || a === 2))
    return { ops: [['ConcatV2', { kind: 'merge', mode: 'concat', axis: a === 1 ? 'h' : 'w' }]], rank, from };
  if (rank === 3 && a === 1) return { ops: [['ConcatV2', { kind: 'merge', mode: 'concat', axis: 'h' }]], rank, from };
  return { why: `a concatenation along axis ${axis[0]} of a rank-${rank} tensor` };
}

function pad(ins: (Value | undefined)[], ctx: OpContext): Lowered {
  const x = ins[0];
  if (x?.kind !== 'tensor' || x.rank !== 4) return { why: 'an input that is not a known [N, H, W, C] tensor' };
  const p = intsOf(ins[1], ctx, 'paddings');
  if (typeof p === 'string') return { why: p };
  if (p.length !== 8 || p[0] || p[1] || p.some((v) => v < 0))
    return { why: `paddings [${p.join(', ')}] (of the batch, or negative)` };
  const channels = p[6]! + p[7]!;
  return {
    ops: [
      ['Pad', { kind: 'pad', top: p[2]!, bottom: p[3]!, left: p[4]!, right: p[5]!, ...(channels ? { channels } : {}) }],
    ],
    rank: 4,
    from: [x.layer],
  };
}

function resize(node: TfNode, ins: (Value | undefined)[], ctx: OpContext): Lowered {
  const x = ins[0];
  if (x?.kind !== 'tensor' || x.rank !== 4) return { why: 'an input that is not a known [N, H, W, C] tensor' };
  const size = intsOf(ins[1], ctx, 'a size');
  if (typeof size === 'string') return { why: size };
  const [h, w] = size as [number, number];
  if (size.length !== 2 || !(h > 0 && w > 0)) return { why: `size [${size.join(', ')}]` };
  const s = x.shape;
  const factor = s && h % s[0] === 0 && h / s[0] === w / s[1] ? h / s[0] : 0;
  const op: LayerOp =
    factor >= 1 && w % s![1] === 0
      ? { kind: 'upsample', factor }
      : { kind: 'interp', target: { kind: 'size', h, w }, trim: 0, trimEnd: 0 };
  return { ops: [[node.op, op]], rank: 4, from: [x.layer] };
}

/** The IR ops of one node (not Placeholder or Const, which the walk handles). */
export function lowerOp(node: TfNode, ins: (Value | undefined)[], ctx: OpContext): Lowered {
  const x = ins[0];
  switch (node.op) {
    case 'Identity':
    case 'StopGradient':
    case 'Snapshot':
      return x ? { alias: x } : { why: 'no input' };
    case 'Cast':
      // A change of element type (the uint8 image to float): the same shape, no cost.
      if (x?.kind !== 'tensor' && x?.kind !== 'unknown') return { why: 'a constant input' };
      return { ops: [[node.op, { kind: 'identity' }]], rank: x.kind === 'tensor' ? x.rank : 4, from: [x.layer] };
    case 'Conv2D':
    case '_FusedConv2D':
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2dNative':
      return convolution(node, ins);
    case 'Conv2DBackpropInput':
      return transposedConv(node, ins, ctx);
    case 'MatMul':
    case '_FusedMatMul':
      return matmul(node, ins);
    case 'BiasAdd':
      return elementwise(node, ins);
    case 'FusedBatchNorm':
    case 'FusedBatchNormV2':
    case 'FusedBatchNormV3':
      if (x?.kind !== 'tensor' && x?.kind !== 'unknown') return { why: 'a constant input' };
      if (flag(node.attr, 'is_training')) return { why: 'is_training' };
      return {
        ops: [[node.op, { kind: 'bn', affine: true }]],
        rank: x.kind === 'tensor' ? x.rank : 4,
        from: [x.layer],
      };
    case 'Prelu': {
      if (x?.kind !== 'tensor' && x?.kind !== 'unknown') return { why: 'a constant input' };
      const channels = dimsOf(x)?.at(-1) ?? 0;
      const op = prelu(ins[1], channels);
      if (typeof op === 'string') return { why: op };
      return { ops: [[node.op, op]], rank: x.kind === 'tensor' ? x.rank : 4, from: [x.layer] };
    }
    case 'AvgPool':
    case 'MaxPool':
      return pool(node, x);
    case 'Mean':
    case 'Max':
    case 'Sum':
      return reduction(node, ins, ctx);
    case 'AddN':
      if (ins.length < 2 || ins.some((v) => v?.kind === 'const' || !v)) return { why: 'constant operands' };
      return {
        ops: [[node.op, { kind: 'merge', mode: 'add' }]],
        rank: x?.kind === 'tensor' ? x.rank : 4,
        from: ins.map((v) => (v as { layer: number }).layer),
      };
    case 'ConcatV2':
      return concat(ins, ctx);
    case 'Reshape':
      return reshape(ins, ctx);
    case 'Squeeze':
    case 'ExpandDims':
      return squeezeOrExpand(node, ins, ctx);
    case 'Pad':
    case 'MirrorPad':
      return pad(ins, ctx);
    case 'ResizeBilinear':
    case 'ResizeNearestNeighbor':
      return resize(node, ins, ctx);
  }
  if (ELEMENTWISE.has(node.op)) return elementwise(node, ins);
  const fn = ACTIVATIONS[node.op];
  if (fn && (x?.kind === 'tensor' || x?.kind === 'unknown'))
    return { ops: [[node.op, { kind: 'act', fn }]], rank: x.kind === 'tensor' ? x.rank : 4, from: [x.layer] };
  return { why: 'an op LayerLint does not cost' };
}
