// Constant folding as onnx-tool does it: a node whose inputs are all constants (Constant,
// Shape, Gather, Concat, Unsqueeze, Reshape, integer arithmetic, ...) yields constant outputs,
// or undefined when the op or its operands are not foldable (the caller then marks the outputs
// unknown). Shapes of filled or broadcast tensors are kept without their values.
import { attribute, intAttr, intsAttr, MAX_READ_ELEMENTS, numel, type NodeProto, tensorValues } from './decode';
import { reshapeDims, squeezeDims, unsqueezeDims } from './dims';
import { type Const, constOf } from './values';

type Ins = (Const | undefined)[];

/** The dims Shape reads: those between its `start` and `end` attributes. */
export function shapeSlice(node: NodeProto, dims: number[]): number[] {
  const r = dims.length;
  const norm = (a: number) => Math.min(r, Math.max(0, a < 0 ? a + r : a));
  return dims.slice(norm(intAttr(node, 'start', 0)), norm(intAttr(node, 'end', r)));
}

/** One computed (non-initializer) constant. */
function one(dims: number[], values: number[] | undefined): Const[] {
  return [{ kind: 'const', dims, values, initializer: false }];
}

export function foldConstant(node: NodeProto, ins: Ins): Const[] | undefined {
  switch (node.opType) {
    case 'Constant':
      return constantAttribute(node);
    case 'Identity':
      return ins[0] ? [ins[0]] : undefined;
    case 'Shape':
      return ins[0] ? one([ins[0].dims.length], shapeSlice(node, ins[0].dims)) : undefined;
    case 'Size':
      return ins[0] ? one([], [numel(ins[0].dims)]) : undefined;
    case 'ConstantOfShape':
    case 'Expand':
      return filledShape(node, ins);
    case 'Cast':
      return ins[0] ? one(ins[0].dims, ins[0].values) : undefined;
    case 'Unsqueeze':
    case 'Squeeze':
      return squeezed(node, ins);
    case 'Concat':
      return concatenated(ins);
    case 'Gather':
      return gathered(node, ins);
    case 'Slice':
      return sliced(node, ins);
    case 'Reshape':
      return reshaped(node, ins);
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Equal':
    case 'Where':
      return arithmetic(node, ins);
    default:
      return undefined;
  }
}

function constantAttribute(node: NodeProto): Const[] | undefined {
  const t = attribute(node, 'value')?.t;
  if (t) return [constOf(t, false)];
  const ints = intsAttr(node, 'value_ints');
  if (ints) return one([ints.length], ints);
  const a = attribute(node, 'value_int') ?? attribute(node, 'value_float');
  if (a) return one([], [Number(a.name === 'value_int' ? a.i : a.f)]);
  const floats = attribute(node, 'value_floats')?.floats;
  return floats ? one([floats.length], floats.map(Number)) : undefined;
}

/**
 * ConstantOfShape / Expand: the shape; the values of a small ConstantOfShape (shape arithmetic
 * compares with them); an Expand keeps the weight count of the initializer it broadcasts.
 */
function filledShape(node: NodeProto, ins: Ins): Const[] | undefined {
  const shape = ins[node.opType === 'Expand' ? 1 : 0]?.values;
  if (!shape || shape.some((d) => !Number.isInteger(d) || d < 0)) return undefined;
  const from = node.opType === 'Expand' ? ins[0]!.dims : [];
  const rank = Math.max(shape.length, from.length);
  const dims = Array.from({ length: rank }, (_, i) => {
    const a = from[i - (rank - from.length)] ?? 1;
    const b = shape[i - (rank - shape.length)] ?? 1;
    return a === 1 ? b : a;
  });
  if (node.opType === 'Expand') return [{ kind: 'const', dims, initializer: false, weights: ins[0]!.weights }];
  const fill = attribute(node, 'value')?.t;
  const value = fill ? (tensorValues(fill)?.[0] ?? 0) : 0;
  const n = numel(dims);
  return one(dims, n <= MAX_READ_ELEMENTS ? new Array(n).fill(value) : undefined);
}

function squeezed(node: NodeProto, ins: Ins): Const[] | undefined {
  const x = ins[0];
  const axes = intsAttr(node, 'axes') ?? ins[1]?.values;
  if (!x) return undefined;
  const dims = node.opType === 'Unsqueeze' ? unsqueezeDims(x.dims, axes ?? []) : squeezeDims(x.dims, axes);
  return dims ? one(dims, x.values) : undefined;
}

function concatenated(ins: Ins): Const[] | undefined {
  if (ins.some((c) => !c?.values || c.dims.length !== 1)) return undefined;
  const all = ins.flatMap((c) => c!.values!);
  return one([all.length], all);
}

function gathered(node: NodeProto, ins: Ins): Const[] | undefined {
  const data = ins[0]?.values;
  const idx = ins[1]?.values;
  if (!data || !idx || ins[0]!.dims.length !== 1 || intAttr(node, 'axis', 0) !== 0) return undefined;
  const picked = idx.map((i) => data[i < 0 ? i + data.length : i]);
  if (picked.some((p) => p === undefined)) return undefined;
  return one(ins[1]!.dims, picked as number[]);
}

function sliced(node: NodeProto, ins: Ins): Const[] | undefined {
  const data = ins[0]?.values;
  if (!data || ins[0]!.dims.length !== 1) return undefined;
  const starts = intsAttr(node, 'starts') ?? ins[1]?.values;
  const ends = intsAttr(node, 'ends') ?? ins[2]?.values;
  const steps = ins[4]?.values;
  if (!starts || !ends || (steps && steps[0] !== 1)) return undefined;
  const n = data.length;
  const clamp = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const part = data.slice(clamp(starts[0]!), clamp(ends[0]!));
  return one([part.length], part);
}

function reshaped(node: NodeProto, ins: Ins): Const[] | undefined {
  const x = ins[0];
  const target = ins[1]?.values;
  if (!x || !target) return undefined;
  const dims = reshapeDims(x.dims, target, intAttr(node, 'allowzero', 0) === 1);
  return dims ? one(dims, x.values) : undefined;
}

const FOLDED: Record<string, (x: number, y: number, z: number) => number> = {
  Add: (x, y) => x + y,
  Sub: (x, y) => x - y,
  Mul: (x, y) => x * y,
  Div: (x, y) => Math.trunc(x / y),
  Equal: (x, y) => (x === y ? 1 : 0),
  Where: (c, x, y) => (c ? x : y),
};

/**
 * Add / Sub / Mul / Div / Equal of two constants, Where of three, each of the same length or a
 * scalar; Div truncates (integer shape arithmetic).
 */
function arithmetic(node: NodeProto, ins: Ins): Const[] | undefined {
  const operands = ins.map((c) => c?.values);
  if (operands.length !== (node.opType === 'Where' ? 3 : 2) || operands.some((v) => !v)) return undefined;
  const all = operands as number[][];
  const n = Math.max(...all.map((v) => v.length));
  if (all.some((v) => v.length !== n && v.length !== 1)) return undefined;
  const f = FOLDED[node.opType ?? '']!;
  const at = (v: number[], i: number) => v[v.length === 1 ? 0 : i]!;
  const out = Array.from({ length: n }, (_, i) => f(at(all[0]!, i), at(all[1]!, i), at(all[2] ?? [0], i)));
  return one(ins[all.findIndex((v) => v.length === n)]!.dims, out);
}
