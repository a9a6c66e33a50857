// Weight-aware figures for the dead-depthwise-kernel and dead-bn-channel rules: per depthwise
// conv whose weights the file holds, each kernel's largest |weight| (dead when negligible
// against the layer's largest, ../weights.ts); a BatchNormalization right after it folds its
// gamma / sqrt(var + eps) in first, and kernels dead only through gamma are counted
// separately. Every BatchNormalization whose γ the file holds gets its dead channels.
import type { Layer } from '../../core/ir';
import { floatAttr, type NodeProto, type TensorProto } from './decode';
import type { Value } from './values';
import { deadChannels, deadKernels } from '../weights';

export { deadKernels };

export const d1 = (v: Value | undefined) => (v?.kind === 'tensor' ? v.dims[1] : undefined);

/** A float32 initializer's values, from the file or its external data; undefined when they cannot be read. */
export type ReadWeights = (t: TensorProto) => Float32Array | undefined;

/** For a depthwise conv (groups = input channels) whose weights the file holds: each kernel's largest |weight|. */
export function depthwiseMagnitudes(
  groups: number,
  channels: number | undefined,
  w: Value | undefined,
  read: ReadWeights,
): Float64Array | undefined {
  if (groups < 2 || groups !== channels || w?.kind !== 'const' || !w.tensor) return undefined;
  const data = read(w.tensor);
  const kernels = w.dims[0]!;
  if (!data || kernels < 1 || data.length % kernels !== 0) return undefined;
  const size = data.length / kernels;
  const out = new Float64Array(kernels);
  for (let k = 0; k < kernels; k++) {
    let m = 0;
    for (let i = k * size; i < (k + 1) * size; i++) m = Math.max(m, Math.abs(data[i]!));
    out[k] = m;
  }
  return out;
}

/** A BatchNormalization right after a depthwise conv: its γ / sqrt(var + ε) folded into the kernels. */
export function foldNorm(
  conv: Layer | undefined,
  raw: Float64Array | undefined,
  node: NodeProto,
  ins: (Value | undefined)[],
  read: ReadWeights,
): void {
  const [scale, variance] = [ins[1], ins[4]];
  if (!conv || !raw || scale?.kind !== 'const' || variance?.kind !== 'const' || !scale.tensor || !variance.tensor)
    return;
  const gamma = read(scale.tensor);
  const v = read(variance.tensor);
  if (!gamma || !v || gamma.length !== raw.length || v.length !== raw.length) return;
  const eps = floatAttr(node, 'epsilon', 1e-5);
  const folded = raw.map((m, k) => (m * Math.abs(gamma[k]!)) / Math.sqrt(v[k]! + eps));
  conv.deadKernels = deadKernels(folded, raw);
}

/** A BatchNormalization whose γ the file holds: its channels with γ ≈ 0 (the dead-bn-channel rule). */
export function normChannels(norm: Layer, ins: (Value | undefined)[], read: ReadWeights): void {
  const scale = ins[1];
  const gamma = scale?.kind === 'const' && scale.tensor ? read(scale.tensor) : undefined;
  if (gamma && gamma.length > 0) norm.deadChannels = deadChannels(gamma);
}
