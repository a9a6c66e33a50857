// The value table's vocabulary while an ONNX graph is walked: what a value name stands for
// (a constant, an N-D tensor made by a layer, or unknown), what a node lowers to, reading
// constants, and the canonical [H, W, C] view of an N-D tensor that every lowering is checked
// against. Pure helpers: nothing here throws or records diagnostics.
import type { LayerOp, Shape } from '../../core/ir';
import { numel, tensorValues, type TensorProto } from './decode';

/** What a value name stands for while the graph is walked. */
export type Value =
  /** `tensor`: the initializer itself, for weight-aware rules. */
  | { kind: 'const'; dims: number[]; values?: number[]; initializer: boolean; tensor?: TensorProto }
  /** `pads` (ONNX order, begins then ends): a Pad not yet applied, folded into the Conv or pooling that reads it. */
  | { kind: 'tensor'; dims: number[]; layer: number; pads?: number[] }
  /** Unknown shape: made by (or downstream of) layer `layer`, or not made by anything (-2). */
  | { kind: 'unknown'; layer: number; why: string };

export type Const = Extract<Value, { kind: 'const' }>;
export type Tensor = Extract<Value, { kind: 'tensor' }>;

/** One IR layer a node lowers to, with the N-D shape of the tensor it makes. */
export interface Out {
  op: LayerOp;
  dims: number[];
}

/** What a node on tensors becomes: layers (one per output), or a reason it cannot be costed. */
export type Lowering = Out[] | string;

export function constOf(t: TensorProto, initializer: boolean): Const {
  const dims = (t.dims ?? []).map(Number);
  return { kind: 'const', dims, values: tensorValues(t), initializer, tensor: initializer ? t : undefined };
}

/** The IR view of an N-D tensor of this batch, or undefined when its first axis is not the batch. */
export function canonical(d: readonly number[], batch: number): Shape | undefined {
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
