// Data movement that LayerLint can express in the IR: Concat along channels, Split and Slice
// along C, H or W, integer Resize/Upsample on H and W, and reshapes (Flatten, Transpose,
// Squeeze, Unsqueeze, Reshape) that keep the batch axis. Anything else is a reason string.
import type { LayerOp } from '../../core/ir';
import { intAttr, intsAttr, numel, type NodeProto } from './decode';
import { reshapeDims, squeezeDims, unsqueezeDims } from './dims';
import {
  canonical,
  type Const,
  constScalar,
  constValues,
  irAxisOf,
  type Lowering,
  type Out,
  type Tensor,
  type Value,
} from './values';

export function axisOf(node: NodeProto, rank: number, fallback: number): number {
  const a = intAttr(node, 'axis', fallback);
  return a < 0 ? a + rank : a;
}

/**
 * Concat of tensors along C (channels-first), or along C, W or a whole H axis (channels-last);
 * a channels-last tensor joined with one learned constant (a class token) is a `learned` concat.
 */
export function concat(node: NodeProto, ins: (Value | undefined)[], x: Tensor, batch: number): Lowering {
  const d = x.dims;
  const axis = axisOf(node, d.length, 1);
  if (ins.length === 1) return [{ op: { kind: 'identity' }, dims: d }];
  const tensors = ins.filter((v): v is Tensor => v?.kind === 'tensor');
  const consts = ins.filter((v): v is Const => v?.kind === 'const');
  if (tensors.length + consts.length !== ins.length) return 'an operand of unknown shape';
  const all = ins.map((v) => (v as Tensor | Const).dims);
  if (all.some((s) => s.length !== d.length || s.some((v, i) => i !== axis && v !== d[i])))
    return 'operands of different shapes';
  const dims = [...d];
  dims[axis] = all.reduce((a, s) => a + s[axis]!, 0);
  if (tensors.some((t) => !!t.last !== !!x.last)) return 'operands in different layouts';
  const ir = irAxisOf(d, axis, x.last, batch);
  if (consts.length > 0) return learnedConcat(x, consts, tensors.length, ir, dims, batch);
  if (!x.last && (axis !== 1 || d.length > 4)) return `concatenation along axis ${axis}`;
  if (!ir) return `concatenation along axis ${axis}, which is not C, W or a whole H of the view`;
  return [{ op: { kind: 'merge', mode: 'concat', ...(ir === 'c' ? {} : { axis: ir }) }, dims }];
}

/** One channels-last tensor joined with one constant made of a learned initializer (a class token). */
function learnedConcat(
  x: Tensor,
  consts: Const[],
  tensorCount: number,
  ir: 'h' | 'w' | 'c' | undefined,
  dims: number[],
  batch: number,
): Lowering {
  const k = consts[0]!;
  const view = canonical(k.dims, batch, true);
  if (!x.last || tensorCount !== 1 || consts.length !== 1 || !ir || !view) return 'a constant operand';
  if (k.weights !== view[0] * view[1] * view[2]) return 'a constant operand that is not one learned tensor per item';
  return [{ op: { kind: 'learned', mode: 'concat', axis: ir, h: view[0], w: view[1], c: view[2] }, dims }];
}

export function split(node: NodeProto, ins: (Value | undefined)[], x: Tensor, batch: number, opset: number): Lowering {
  const d = x.dims;
  const axis = axisOf(node, d.length, 0);
  const ir = irAxisOf(d, axis, x.last, batch);
  const outputs = (node.output ?? []).length;
  const size = d[axis]!;
  const given = opset >= 13 ? constValues(ins[1]) : intsAttr(node, 'split');
  const parts = given ?? (size % outputs === 0 ? new Array(outputs).fill(size / outputs) : undefined);
  if (!ir || !parts || parts.length !== outputs || parts.reduce((a, p) => a + p, 0) !== size)
    return `a split along axis ${axis} LayerLint cannot express`;
  const equal = parts.every((p) => p === parts[0]);
  const points: number[] = [];
  parts.slice(0, -1).reduce((a, p) => (points.push(a + p), a + p), 0);
  return parts.map((p, index) => {
    const dims = [...d];
    dims[axis] = p;
    const op: LayerOp =
      equal && ir === 'c'
        ? { kind: 'split', parts: outputs, index }
        : { kind: 'slice', axis: ir, index, count: outputs, points: equal ? [] : points };
    return { op, dims };
  });
}

export function slice(node: NodeProto, ins: (Value | undefined)[], x: Tensor, batch: number): Lowering {
  const d = x.dims;
  const starts = intsAttr(node, 'starts') ?? constValues(ins[1]);
  const ends = intsAttr(node, 'ends') ?? constValues(ins[2]);
  const axes = intsAttr(node, 'axes') ?? constValues(ins[3]) ?? starts?.map((_, i) => i);
  const steps = constValues(ins[4]) ?? starts?.map(() => 1);
  if (!starts || !ends || !axes || !steps) return 'bounds that are not constants';
  const dims = [...d];
  const cuts: { axis: number; start: number; end: number }[] = [];
  for (let i = 0; i < starts.length; i++) {
    const axis = axes[i]! < 0 ? axes[i]! + d.length : axes[i]!;
    const n = d[axis]!;
    if (steps[i] !== 1) return 'a step other than 1';
    const clamp = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
    const start = clamp(starts[i]!);
    const end = clamp(ends[i]!);
    if (end <= start) return 'an empty slice';
    dims[axis] = end - start;
    if (end - start !== n) cuts.push({ axis, start, end });
  }
  if (cuts.length === 0) return [{ op: { kind: 'identity' }, dims }];
  const cut = cuts[0]!;
  const ir = irAxisOf(d, cut.axis, x.last, batch);
  if (cuts.length > 1 || !ir) return 'a slice LayerLint cannot express (several axes, or not C, H or W)';
  return [cutAlong(ir, d[cut.axis]!, cut.start, cut.end, dims)];
}

/** Elements start..end of an IR axis of size n: a `slice` layer. */
function cutAlong(ir: 'h' | 'w' | 'c', n: number, start: number, end: number, dims: number[]): Out {
  const points = [start, end].filter((p) => p > 0 && p < n);
  const index = start > 0 ? 1 : 0;
  return { op: { kind: 'slice', axis: ir, index, count: points.length + 1, points }, dims };
}

/** Gather of one constant index along an axis of a tensor (x[:, 0]): a slice of that axis, which the output drops. */
export function gather(node: NodeProto, ins: (Value | undefined)[], x: Tensor, batch: number): Lowering {
  const d = x.dims;
  const axis = axisOf(node, d.length, 0);
  const index = ins[1]?.kind === 'const' && ins[1].dims.length === 0 ? constScalar(ins[1]) : undefined;
  const n = d[axis];
  if (index === undefined || n === undefined) return 'indices that are not one constant';
  const i = index < 0 ? index + n : index;
  const ir = irAxisOf(d, axis, x.last, batch);
  if (!ir || i < 0 || i >= n || axis === 0) return `a gather along axis ${axis} LayerLint cannot express`;
  return [
    cutAlong(
      ir,
      n,
      i,
      i + 1,
      d.filter((_, k) => k !== axis),
    ),
  ];
}

export function resize(ins: (Value | undefined)[], d: number[], op: string): Lowering {
  if (d.length !== 4) return `a rank-${d.length} input`;
  const scales = op === 'Upsample' ? constValues(ins[1]) : constValues(ins[2]);
  const sizes = op === 'Resize' ? constValues(ins[3]) : undefined;
  let fh: number | undefined;
  let fw: number | undefined;
  if (sizes?.length === 4) [fh, fw] = [sizes[2]! / d[2]!, sizes[3]! / d[3]!];
  else if (scales?.length === 4) [fh, fw] = [scales[2], scales[3]];
  if (!fh || fh !== fw || !Number.isInteger(fh) || (sizes ?? scales)?.[1] !== (sizes ? d[1] : 1))
    return 'a scale that is not one integer factor on H and W';
  return [{ op: { kind: 'upsample', factor: fh }, dims: [d[0]!, d[1]!, d[2]! * fh, d[3]! * fh] }];
}

/**
 * Reshape, Transpose, Flatten, Squeeze, Unsqueeze: no cost. A Transpose that moves C to the
 * end (NCHW → NHWC, [N, C, L] → [N, L, C], a window partition) makes a channels-last tensor,
 * and NHWC → NCHW a channels-first one; every other move keeps its input's layout (the other
 * one when its own gives no view). Equal views are an identity, [N, F] a flatten, any other
 * view an IR reshape of the same elements.
 */
export function move(node: NodeProto, ins: (Value | undefined)[], x: Tensor, batch: number): Lowering {
  const d = x.dims;
  const op = node.opType;
  let out: number[] | undefined;
  let last = !!x.last;
  if (op === 'Flatten') {
    const axis = axisOf(node, d.length, 1);
    out = [numel(d.slice(0, axis)), numel(d.slice(axis))];
  } else if (op === 'Transpose') {
    const perm = intsAttr(node, 'perm') ?? d.map((_, i) => d.length - 1 - i);
    out = perm.map((p) => d[p]!);
    last = last ? perm.join() !== '0,3,1,2' : perm.length >= 3 && perm[perm.length - 1] === 1;
  } else if (op === 'Squeeze') out = squeezeDims(d, intsAttr(node, 'axes') ?? constValues(ins[1]));
  else if (op === 'Unsqueeze') {
    const axes = intsAttr(node, 'axes') ?? constValues(ins[1]);
    out = axes && unsqueezeDims(d, axes);
  } else {
    const target = constValues(ins[1]) ?? intsAttr(node, 'shape');
    out = target && reshapeDims(d, target, intAttr(node, 'allowzero', 0) === 1);
  }
  if (!out) return 'a target shape that is not a constant';
  if (!canonical(out, batch, last)) last = !last;
  const from = canonical(d, batch, x.last);
  const to = canonical(out, batch, last);
  if (!to || !from) return 'it moves the batch axis';
  if (from.join() === to.join()) return [{ op: { kind: 'identity' }, dims: out, last }];
  if (out.length === 2 && out[0] === batch) return [{ op: { kind: 'flatten' }, dims: out, last }];
  return [{ op: { kind: 'reshape', h: to[0], c: to[2] }, dims: out, last }];
}
