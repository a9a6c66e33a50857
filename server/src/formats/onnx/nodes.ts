// Dispatch of one ONNX node on tensors by op type: activations and element-wise ops keep the
// shape, everything else goes to its op family (convs.ts, pooling.ts, dense.ts, routing.ts,
// arithmetic.ts). Returns the IR layers with their N-D output shapes, or a reason string when
// LayerLint cannot shape and cost the node exactly; an op not listed here is never costed.
import type { LayerOp } from '../../core/ir';
import { arithmetic } from './arithmetic';
import { conv, convTranspose } from './convs';
import { floatAttr, intAttr, intsAttr, numel, stringAttr, type NodeProto } from './decode';
import { gemm, matmul } from './dense';
import { globalPool, pool } from './pooling';
import { axisOf, concat, move, resize, slice, split } from './routing';
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

export function lowerNode(node: NodeProto, ins: (Value | undefined)[], batch: number, opset: number): Lowering {
  const x = ins[0];
  const op = node.opType ?? '';
  if (x?.kind !== 'tensor') return 'its first input is a constant';
  if (x.pads && !PADDED.has(op)) return 'it reads a Pad, which LayerLint folds only into a Conv or pooling';
  return elementwise(node, op, ins, x.dims, opset) ?? byFamily(node, op, ins, x, batch, opset);
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
  if (ELEMENTWISE.has(op)) {
    if (op === 'PRelu' && ins[1]?.kind === 'const' && numel(ins[1].dims) > 1) return 'PRelu with learned slopes';
    return same({ kind: 'act', fn: 'linear' }, d);
  }
  return undefined;
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
      return gemm(node, d, ins[1], ins[2]);
    case 'MatMul':
      return matmul(d, ins[1]);
    case 'Einsum':
      return einsum(node, d, ins[1]);
    case 'BatchNormalization':
    case 'InstanceNormalization':
    case 'GroupNormalization':
    case 'LayerNormalization':
      return normalization(node, op, d, ins[1]);
    case 'MaxPool':
    case 'AveragePool':
      return pool(node, x, op === 'MaxPool' ? 'max' : 'avg');
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      if (d.length !== 4) return `a rank-${d.length} input`;
      return globalPool(d, op === 'GlobalMaxPool' ? 'max' : 'avg', true);
    case 'ReduceMean':
    case 'ReduceMax':
      return reduce(node, op, d, ins[1]);
    case 'Concat':
      return concat(node, ins, d);
    case 'Split':
      return split(node, ins, d, opset);
    case 'Slice':
      return slice(node, ins, d);
    case 'Resize':
    case 'Upsample':
      return resize(ins, d, op);
    case 'Pad':
      return 'a Pad LayerLint folds only into a Conv or pooling right after it';
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return arithmetic(op, ins, d, batch);
  }
  if (MOVES.has(op)) return move(node, ins, d, batch);
  return 'an op LayerLint does not cost';
}

/** One layer of the input's shape. */
function same(op: LayerOp, d: number[]): Out[] {
  return [{ op, dims: d }];
}

/** Only x·W of a [N, F] tensor by a constant matrix ("bi,ij->bj"): a fully connected layer. */
function einsum(node: NodeProto, d: number[], w: Value | undefined): Lowering {
  const eq = stringAttr(node, 'equation', '').replace(/\s/g, '');
  const m = /^([a-z])([a-z]),\2([a-z])->\1\3$/.exec(eq);
  return m && new Set(m.slice(1)).size === 3 ? matmul(d, w) : `equation '${eq}'`;
}

/** Batch, instance, group and layer norms: one scale and shift per channel, the cost of a batch norm (2 ops per element, 2 x C parameters). */
function normalization(node: NodeProto, op: string, d: number[], scale: Value | undefined): Lowering {
  if (op === 'BatchNormalization') {
    if (d.length < 2 || scale?.kind !== 'const' || numel(scale.dims) !== d[1])
      return 'scale is not a per-channel constant';
    return same({ kind: 'bn' }, d);
  }
  const perChannel =
    op === 'LayerNormalization' ? d.length === 2 && axisOf(node, 2, -1) === 1 : d.length === 4 || d.length === 3;
  if (!perChannel || scale?.kind !== 'const' || numel(scale.dims) !== d[1])
    return op === 'LayerNormalization'
      ? 'a layer norm over more than the features of a [N, F] tensor'
      : 'a scale that is not one value per channel';
  return same({ kind: 'bn' }, d);
}

/** ReduceMean / ReduceMax over exactly H and W of [N, C, H, W]: global pooling. */
function reduce(node: NodeProto, op: string, d: number[], axesInput: Value | undefined): Lowering {
  const axes = (intsAttr(node, 'axes') ?? constValues(axesInput) ?? []).map((a) => (a < 0 ? a + d.length : a)).sort();
  if (d.length !== 4 || axes.join() !== '2,3') return 'it reduces other axes than H and W';
  return globalPool(d, op === 'ReduceMax' ? 'max' : 'avg', intAttr(node, 'keepdims', 1) === 1);
}
