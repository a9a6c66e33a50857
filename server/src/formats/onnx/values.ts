// The value table's vocabulary while an ONNX graph is walked: what a value name stands for
// (a constant, an N-D tensor made by a layer, or unknown), what a node lowers to, reading
// constants, and the canonical [H, W, C] view of an N-D tensor that every lowering is checked
// against. A tensor is channels-first (what convolutions make: [N, C, H, W] → [H, W, C]) or
// channels-last (`last`: a transformer's [N, T, D], ConvNeXt's [N, H, W, C]: the last axis is
// C, the one before it W, all others H). Pure helpers: nothing here throws or records
// diagnostics.
import type { LayerOp, Shape } from '../../core/ir';
import { numel, tensorValues, type TensorProto } from './decode';

/** What a value name stands for while the graph is walked. */
export type Value =
  /**
   * `tensor`: the initializer itself, for weight-aware rules; `weights`: the elements of the
   * initializer it is (or was broadcast from by Expand), when it is made of one.
   */
  | { kind: 'const'; dims: number[]; values?: number[]; initializer: boolean; tensor?: TensorProto; weights?: number }
  /**
   * `pads` (ONNX order, begins then ends): a Pad not yet applied, folded into the Conv or
   * pooling that reads it; `last`: channels-last.
   */
  | { kind: 'tensor'; dims: number[]; layer: number; pads?: number[]; last?: boolean }
  /** Unknown shape: made by (or downstream of) layer `layer`, or not made by anything (-2). */
  | { kind: 'unknown'; layer: number; why: string };

export type Const = Extract<Value, { kind: 'const' }>;
export type Tensor = Extract<Value, { kind: 'tensor' }>;

/** One IR layer a node lowers to, with the N-D shape of the tensor it makes (`last`: channels-last; else its input's layout). */
export interface Out {
  op: LayerOp;
  dims: number[];
  last?: boolean;
}

/** What a node on tensors becomes: layers (one per output), or a reason it cannot be costed. */
export type Lowering = Out[] | string;

export function constOf(t: TensorProto, initializer: boolean): Const {
  const dims = (t.dims ?? []).map(Number);
  return {
    kind: 'const',
    dims,
    values: tensorValues(t),
    initializer,
    tensor: initializer ? t : undefined,
    weights: initializer ? numel(dims) : undefined,
  };
}

/**
 * The IR view of an N-D tensor of this batch, or undefined when it has none. Channels-first:
 * the first axis is the batch. Channels-last: the first axis is a multiple of the batch (a
 * batch of windows or heads), the view [product of the axes before the last two, W, C].
 */
export function canonical(d: readonly number[], batch: number, last = false): Shape | undefined {
  if (last) {
    if (d.length < 2 || d[0]! % batch !== 0) return undefined;
    const r = d.length;
    const perItem = [d[0]! / batch, ...d.slice(1)];
    return [numel(perItem.slice(0, r - 2)), perItem[r - 2]!, perItem[r - 1]!];
  }
  if (d.length < 2 || d[0] !== batch) return undefined;
  if (d.length === 2) return [1, 1, d[1]!];
  if (d.length === 3) return [d[2]!, 1, d[1]!];
  if (d.length === 4) return [d[2]!, d[3]!, d[1]!];
  return [1, numel(d.slice(1)), 1];
}

export function constScalar(v: Value | undefined): number | undefined {
  return v?.kind === 'const' && v.values?.length === 1 ? v.values[0] : undefined;
}

export function constValues(v: Value | undefined): number[] | undefined {
  return v?.kind === 'const' ? v.values : undefined;
}

/** The IR axis that N-D axis `a` of a tensor is, when the view keeps it whole (every other axis of its group is 1 per item). */
export function irAxisOf(
  d: readonly number[],
  a: number,
  last: boolean | undefined,
  batch: number,
): 'h' | 'w' | 'c' | undefined {
  const r = d.length;
  if (!last) {
    if (a === 1) return 'c';
    if (r === 3 && a === 2) return 'h';
    if (r === 4) return a === 2 ? 'h' : a === 3 ? 'w' : undefined;
    return undefined;
  }
  if (a === r - 1) return 'c';
  if (a === r - 2) return 'w';
  const outer = d.slice(0, r - 2).map((v, k) => (k === 0 ? v / batch : v));
  return a >= 0 && outer.every((v, k) => k === a || v === 1) ? 'h' : undefined;
}
