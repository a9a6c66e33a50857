// Data movement that LayerLint can express in the IR: Concat along channels, Split and Slice
// along C, H or W, integer Resize/Upsample on H and W, and reshapes (Flatten, Transpose,
// Squeeze, Unsqueeze, Reshape) that keep the batch axis. Anything else is a reason string.
import type { LayerOp } from '../../core/ir';
import { intAttr, intsAttr, numel, type NodeProto } from './decode';
import { reshapeDims, squeezeDims, unsqueezeDims } from './dims';
import { canonical, constValues, type Lowering, type Tensor, type Value } from './values';

export function axisOf(node: NodeProto, rank: number, fallback: number): number {
  const a = intAttr(node, 'axis', fallback);
  return a < 0 ? a + rank : a;
}

/** The IR axis of N-D axis `a` under the canonical view, when it has one. */
function irAxis(rank: number, a: number): 'h' | 'w' | 'c' | undefined {
  if (a === 1) return 'c';
  if (rank === 3 && a === 2) return 'h';
  if (rank === 4) return a === 2 ? 'h' : a === 3 ? 'w' : undefined;
  return undefined;
}

export function concat(node: NodeProto, ins: (Value | undefined)[], d: number[]): Lowering {
  const axis = axisOf(node, d.length, 1);
  if (ins.some((v) => v?.kind !== 'tensor')) return 'a constant operand';
  if (ins.length === 1) return [{ op: { kind: 'identity' }, dims: d }];
  const all = ins.map((v) => (v as Tensor).dims);
  if (axis !== 1 || d.length > 4) return `concatenation along axis ${axis}`;
  if (all.some((s) => s.length !== d.length || s.some((v, i) => i !== 1 && v !== d[i])))
    return 'operands of different shapes';
  const dims = [...d];
  dims[1] = all.reduce((a, s) => a + s[1]!, 0);
  return [{ op: { kind: 'merge', mode: 'concat' }, dims }];
}

export function split(node: NodeProto, ins: (Value | undefined)[], d: number[], opset: number): Lowering {
  const axis = axisOf(node, d.length, 0);
  const ir = irAxis(d.length, axis);
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

export function slice(node: NodeProto, ins: (Value | undefined)[], d: number[]): Lowering {
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
  const ir = irAxis(d.length, cut.axis);
  if (cuts.length > 1 || !ir) return 'a slice LayerLint cannot express (several axes, or not C, H or W)';
  const n = d[cut.axis]!;
  const points = [cut.start, cut.end].filter((p) => p > 0 && p < n);
  const index = cut.start > 0 ? 1 : 0;
  return [{ op: { kind: 'slice', axis: ir, index, count: points.length + 1, points }, dims }];
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

export function move(node: NodeProto, ins: (Value | undefined)[], d: number[], batch: number): Lowering {
  const op = node.opType;
  let out: number[] | undefined;
  if (op === 'Flatten') {
    const axis = axisOf(node, d.length, 1);
    out = [numel(d.slice(0, axis)), numel(d.slice(axis))];
  } else if (op === 'Transpose') {
    const perm = intsAttr(node, 'perm') ?? d.map((_, i) => d.length - 1 - i);
    out = perm.map((p) => d[p]!);
  } else if (op === 'Squeeze') out = squeezeDims(d, intsAttr(node, 'axes') ?? constValues(ins[1]));
  else if (op === 'Unsqueeze') {
    const axes = intsAttr(node, 'axes') ?? constValues(ins[1]);
    out = axes && unsqueezeDims(d, axes);
  } else {
    const target = constValues(ins[1]) ?? intsAttr(node, 'shape');
    out = target && reshapeDims(d, target, intAttr(node, 'allowzero', 0) === 1);
  }
  if (!out) return 'a target shape that is not a constant';
  const from = canonical(d, batch);
  const to = canonical(out, batch);
  if (!to || !from) return 'it moves the batch axis';
  if (from.join() === to.join()) return [{ op: { kind: 'identity' }, dims: out }];
  if (out.length === 2) return [{ op: { kind: 'flatten' }, dims: out }];
  return [{ op: { kind: 'reshape', h: to[0], c: to[2] }, dims: out }];
}
