// Fully connected products: Gemm and x·W with a constant W on a [N, F] tensor (MatMul, and
// the Einsum that spells it). A product along the last axis of a higher-rank tensor, or of two
// computed tensors, is a reason string, not a layer.
import { intAttr, numel, type NodeProto } from './decode';
import type { Lowering, Value } from './values';

export function gemm(node: NodeProto, d: number[], w: Value | undefined, c: Value | undefined): Lowering {
  if (d.length !== 2 || intAttr(node, 'transA', 0) !== 0) return 'a transposed or non-matrix input';
  if (w?.kind !== 'const' || w.dims.length !== 2) return 'its weights are not a constant matrix';
  const trans = intAttr(node, 'transB', 0) === 1;
  const [inF, out] = trans ? [w.dims[1]!, w.dims[0]!] : [w.dims[0]!, w.dims[1]!];
  if (inF !== d[1]) return `weights for ${inF} features on ${d[1]}`;
  if (c && (c.kind !== 'const' || numel(c.dims) !== out)) return 'its bias is not a constant of one value per output';
  return [{ op: { kind: 'fc', out, bias: !!c }, dims: [d[0]!, out] }];
}

/** x·W with a constant W on [N, F]: a fully connected layer. On [N, T, D] the product runs along the last axis, which the [N, C, L] view does not hold. */
export function matmul(d: number[], w: Value | undefined): Lowering {
  if (w?.kind !== 'const') return 'a product of two computed tensors';
  if (w.dims.length !== 2 || w.dims[0] !== d[d.length - 1]) return 'a constant operand that is not a matrix';
  const out = w.dims[1]!;
  if (d.length === 2) return [{ op: { kind: 'fc', out, bias: false }, dims: [d[0]!, out] }];
  return `a product along the last axis of a rank-${d.length} tensor`;
}
