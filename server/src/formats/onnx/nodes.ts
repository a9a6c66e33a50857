// Dispatch of one ONNX node on tensors by op type: activations and element-wise ops keep the
// shape, everything else goes to its op family (convs.ts, pooling.ts, dense.ts, routing.ts,
// arithmetic.ts). Returns the IR layers with their N-D output shapes, or a reason string when
// LayerLint cannot shape and cost the node exactly; an op not listed here is never costed.
import type { LayerOp } from '../../core/ir';
import { arithmetic } from './arithmetic';
import { conv, convTranspose } from './convs';
import { floatAttr, intAttr, intsAttr, numel, stringAttr, type NodeProto } from './decode';
import { batchedMatmul, gemm, matmul } from './dense';
import { globalPool, pool } from './pooling';
import { axisOf, concat, gather, move, resize, slice, split } from './routing';
import { constScalar, constValues, type Lowering, type Out, type Tensor, type Value } from './values';

const ACT: Record<string, Extract<LayerOp, { kind: 'act' }>['fn']> = {
  Relu: 'relu',
  LeakyRelu: 'leaky',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  HardSwish: 'hswish',
  Gelu: 'gelu',
  Softmax: 'softmax',
  Mish: 'mish',
};

/** Element-wise ops on one tensor: one op per output element, like an activation. */
const ELEMENTWISE = new Set([
  'HardSigmoid',
  'Elu',
  'Selu',
  'Celu',
  'Softplus',
  'Softsign',
  'PRelu',
  'Erf',
  'Exp',
  'Log',
  'Sqrt',
  'Neg',
  'Abs',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Sin',
  'Cos',
  'LogSoftmax',
  'ThresholdedRelu',
]);

/** Ops that take a preceding Pad into their own pads. */
const PADDED = new Set(['Conv', 'MaxPool', 'AveragePool']);

const MOVES = new Set(['Reshape', 'Transpose', 'Flatten', 'Squeeze', 'Unsqueeze']);

/** Every op LayerLint lowers (docs/formats/onnx.md#ops); any other is never costed. */
export const SUPPORTED_OPS: ReadonlySet<string> = new Set([
  ...Object.keys(ACT),
  ...ELEMENTWISE,
  ...MOVES,
  ...['Clip', 'Pow', 'Identity', 'Cast', 'Dropout', 'Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Einsum'],
  ...['BatchNormalization', 'InstanceNormalization', 'GroupNormalization', 'LayerNormalization'],
  ...['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'ReduceMax'],
  ...['Concat', 'Split', 'Slice', 'Gather', 'Resize', 'Upsample', 'Pad', 'Add', 'Sub', 'Mul', 'Div'],
]);

/** Ops that read only channels-first tensors of rank 3 or more (their H, W and C are the view's). */
const CHANNELS_FIRST = new Set([
  'Conv',
  'ConvTranspose',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'BatchNormalization',
  'InstanceNormalization',
  'GroupNormalization',
  'Resize',
  'Upsample',
]);

/** Commutative ops whose constant first operand is read as the second. */
const COMMUTATIVE = new Set(['Add', 'Mul']);

/** The node's layers; each output keeps its first tensor input's layout unless its lowering sets one. */
export function lowerNode(node: NodeProto, ins: (Value | undefined)[], batch: number, opset: number): Lowering {
  const op = node.opType ?? '';
  if (!SUPPORTED_OPS.has(op)) return 'an op LayerLint does not cost';
  const operands = ins[0]?.kind !== 'tensor' && COMMUTATIVE.has(op) ? [ins[1], ins[0]] : ins;
  const x = op === 'Concat' ? operands.find((v) => v?.kind === 'tensor') : operands[0];
  if (x?.kind !== 'tensor') return constantFirst(op, ins);
  if (x.pads && !PADDED.has(op)) return 'it reads a Pad, which LayerLint folds only into a Conv or pooling';
  if (x.last && x.dims.length > 2 && CHANNELS_FIRST.has(op)) return 'a channels-last input';
  const lowered = elementwise(node, op, operands, x.dims, opset) ?? byFamily(node, op, operands, x, batch, opset);
  if (typeof lowered !== 'string') for (const o of lowered) o.last ??= x.last;
  return lowered;
}

/** Sub or Div of a constant scalar by a tensor (1 - x, 1 / x): one op per element; any other op on a constant first operand is not costed. */
function constantFirst(op: string, ins: (Value | undefined)[]): Lowering {
  const y = ins[1];
  if ((op === 'Sub' || op === 'Div') && y?.kind === 'tensor' && constScalar(ins[0]) !== undefined)
    return [{ op: { kind: 'act', fn: 'linear' }, dims: y.dims, last: y.last }];
  return 'its first input is a constant';
}

/** Activations and other one-tensor element-wise ops (same shape), or undefined for any other op. */
function elementwise(
  node: NodeProto,
  op: string,
  ins: (Value | undefined)[],
  d: number[],
  opset: number,
): Lowering | undefined {
  if (ACT[op]) return same({ kind: 'act', fn: ACT[op] }, d);
  if (op === 'Clip') {
    const lo = constScalar(ins[1]) ?? (opset < 11 ? floatAttr(node, 'min', Number.NEGATIVE_INFINITY) : undefined);
    const hi = constScalar(ins[2]) ?? (opset < 11 ? floatAttr(node, 'max', Number.POSITIVE_INFINITY) : undefined);
    return same(
      { kind: 'act', fn: lo === 0 && hi === 6 ? 'relu6' : lo === 0 && hi === undefined ? 'relu' : 'linear' },
      d,
    );
  }
  if (op === 'Pow' && constScalar(ins[1]) !== undefined) return same({ kind: 'act', fn: 'linear' }, d);
  if (op === 'PRelu') {
    const x = ins[0];
    const slopes = preluSlopes(ins[1], d, x?.kind === 'tensor' && !!x.last);
    return slopes ? same({ kind: 'act', fn: 'leaky', slopes }, d) : 'PRelu with slopes that are not one per channel';
  }
  if (ELEMENTWISE.has(op)) return same({ kind: 'act', fn: 'linear' }, d);
  return undefined;
}

/**
 * PRelu's learned slopes, a stored constant: one shared, or one per channel (broadcast onto
 * the channel axis of `d`, channels first unless `last`); undefined for any other slope.
 */
function preluSlopes(slope: Value | undefined, d: number[], last: boolean): 'channel' | 'shared' | undefined {
  if (slope?.kind !== 'const') return undefined;
  const n = numel(slope.dims);
  if (n === 1) return 'shared';
  const axis = last ? d.length - 1 : 1;
  const k = axis - (d.length - slope.dims.length);
  return k >= 0 && n === d[axis] && slope.dims[k] === n ? 'channel' : undefined;
}

/** Every other op, by op family. */
function byFamily(
  node: NodeProto,
  op: string,
  ins: (Value | undefined)[],
  x: Tensor,
  batch: number,
  opset: number,
): Lowering {
  const d = x.dims;
  switch (op) {
    case 'Identity':
    case 'Cast':
      return same({ kind: 'identity' }, d);
    case 'Dropout':
      return same({ kind: 'dropout', p: constScalar(ins[1]) ?? floatAttr(node, 'ratio', 0.5) }, d);
    case 'Conv':
      return conv(node, x, ins[1], ins[2]);
    case 'ConvTranspose':
      return convTranspose(node, d, ins[1], ins[2]);
    case 'Gemm':
      return gemm(node, x, ins[1], ins[2], batch);
    case 'MatMul':
      return matmul(x, ins[1], batch);
    case 'Einsum':
      return einsum(node, x, ins[1], batch);
    case 'BatchNormalization':
    case 'InstanceNormalization':
    case 'GroupNormalization':
    case 'LayerNormalization':
      return normalization(node, op, x, ins[1]);
    case 'MaxPool':
    case 'AveragePool':
      return pool(node, x, op === 'MaxPool' ? 'max' : 'avg');
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      if (d.length !== 4) return `a rank-${d.length} input`;
      return globalPool(d, op === 'GlobalMaxPool' ? 'max' : 'avg', true);
    case 'ReduceMean':
    case 'ReduceMax':
      return reduce(node, op, x, ins[1]);
    case 'Concat':
      return concat(node, ins, x, batch);
    case 'Split':
      return split(node, ins, x, batch, opset);
    case 'Slice':
      return slice(node, ins, x, batch);
    case 'Gather':
      return gather(node, ins, x, batch);
    case 'Resize':
    case 'Upsample':
      return resize(ins, d, op);
    case 'Pad':
      return 'a Pad LayerLint folds only into a Conv or pooling right after it';
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return arithmetic(op, ins, x, batch);
  }
  return move(node, ins, x, batch);
}

/** One layer of the input's shape. */
function same(op: LayerOp, d: number[]): Out[] {
  return [{ op, dims: d }];
}

/**
 * Einsum of the simple product patterns, with the same leading letters on both operands and
 * the output: "...ik,...kj->...ij" (x·W by a constant matrix, "bi,ij->bj", is an fc; two
 * computed tensors a batched matmul) and "...id,...jd->...ij" (A·Bᵀ of two computed tensors,
 * attention's scores). Any other equation is a reason naming it.
 */
function einsum(node: NodeProto, x: Tensor, w: Value | undefined, batch: number): Lowering {
  const eq = stringAttr(node, 'equation', '').replace(/\s/g, '');
  const m = /^([a-zA-Z]{2,}),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(eq);
  const [a, b, out] = [m?.[1] ?? '', m?.[2] ?? '', m?.[3] ?? ''];
  const r = a.length;
  const lead = a.slice(0, r - 2);
  const [i, k] = [a[r - 2], a[r - 1]];
  const [b1, b2] = [b[r - 2], b[r - 1]];
  const shaped = b.length === r && out.length === r && b.startsWith(lead) && out.startsWith(lead) && out[r - 2] === i;
  const distinct = (j: string | undefined) => new Set(lead + i + k + j).size === r + 1;
  if (shaped && b1 === k && out[r - 1] === b2 && distinct(b2))
    return w?.kind === 'tensor' ? batchedMatmul(x, w) : matmul(x, w, batch);
  if (shaped && b2 === k && out[r - 1] === b1 && distinct(b1) && w?.kind === 'tensor') return batchedMatmul(x, w, true);
  return `equation '${eq}'`;
}

/**
 * Batch, instance, group and layer norms: one scale and shift per channel, the cost of a batch
 * norm (2 ops per element, 2 x C parameters). A layer norm normalizes the features of [N, F]
 * or the last axis of a channels-last tensor (C in its view).
 */
function normalization(node: NodeProto, op: string, x: Tensor, scale: Value | undefined): Lowering {
  const d = x.dims;
  if (op === 'BatchNormalization') {
    if (d.length < 2 || scale?.kind !== 'const' || numel(scale.dims) !== d[1])
      return 'scale is not a per-channel constant';
    return same({ kind: 'bn' }, d);
  }
  const r = d.length;
  const channels = op === 'LayerNormalization' ? d[r - 1] : d[1];
  const perChannel =
    op === 'LayerNormalization'
      ? axisOf(node, r, -1) === r - 1 && (r === 2 || !!x.last)
      : (r === 4 || r === 3) && !x.last;
  if (!perChannel || scale?.kind !== 'const' || numel(scale.dims) !== channels)
    return op === 'LayerNormalization'
      ? 'a layer norm over more than the last axis of a [N, F] or channels-last tensor'
      : 'a scale that is not one value per channel';
  return same({ kind: 'bn' }, d);
}

/**
 * ReduceMean / ReduceMax over exactly H and W of [N, C, H, W]: global pooling; over the channels
 * only (the last axis of a channels-last tensor, axis 1 of a channels-first one), keeping the
 * axis: a reduction over C at every position (a layer norm's mean and variance).
 */
function reduce(node: NodeProto, op: string, x: Tensor, axesInput: Value | undefined): Lowering {
  const d = x.dims;
  const mode = op === 'ReduceMax' ? 'max' : 'avg';
  const keep = intAttr(node, 'keepdims', 1) === 1;
  const axes = (intsAttr(node, 'axes') ?? constValues(axesInput) ?? []).map((a) => (a < 0 ? a + d.length : a)).sort();
  if (axes.length === 1 && axes[0] === (x.last ? d.length - 1 : 1) && keep && d.length >= 2) {
    const dims = [...d];
    dims[axes[0]] = 1;
    return [{ op: { kind: 'reduce', mode }, dims }];
  }
  if (d.length !== 4 || x.last || axes.join() !== '2,3') return 'it reduces other axes than H and W, or C';
  return globalPool(d, mode, keep);
}
