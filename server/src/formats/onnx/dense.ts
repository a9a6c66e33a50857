// Products: Gemm and x·W with a constant W (MatMul, and the Einsum that spells it) on [N, F] are
// fully connected layers; along the last axis of a channels-last tensor (a transformer's
// [N, T, D] or [T, D] rows, ConvNeXt's [N, H, W, C]) they are per-position `linear` layers; a
// MatMul of two computed channels-last tensors with equal leading axes ([..., M, K] ·
// [..., K, N]: attention's Q·Kᵀ and A·V) is a batched `matmul`. Anything else is a reason
// string, not a layer.
import { intAttr, numel, type NodeProto } from './decode';
import type { Lowering, Out, Tensor, Value } from './values';

export function gemm(node: NodeProto, x: Tensor, w: Value | undefined, c: Value | undefined, batch: number): Lowering {
  const d = x.dims;
  if (d.length !== 2 || intAttr(node, 'transA', 0) !== 0) return 'a transposed or non-matrix input';
  if (w?.kind !== 'const' || w.dims.length !== 2) return 'its weights are not a constant matrix';
  const trans = intAttr(node, 'transB', 0) === 1;
  const [inF, out] = trans ? [w.dims[1]!, w.dims[0]!] : [w.dims[0]!, w.dims[1]!];
  if (inF !== d[1]) return `weights for ${inF} features on ${d[1]}`;
  if (c && (c.kind !== 'const' || numel(c.dims) !== out)) return 'its bias is not a constant of one value per output';
  return product(x, out, !!c, batch);
}

/** x·W with a constant matrix W (rows: the features of x's last axis), or the product of two computed tensors. */
export function matmul(x: Tensor, w: Value | undefined, batch: number): Lowering {
  if (w?.kind === 'tensor') return batchedMatmul(x, w);
  if (w?.kind !== 'const') return 'an operand of unknown shape';
  const d = x.dims;
  if (w.dims.length !== 2 || w.dims[0] !== d[d.length - 1]) return 'a constant operand that is not a matrix';
  return product(x, w.dims[1]!, false, batch);
}

/** [..., F] · [F, out]: a fully connected layer on [N, F], else a per-position linear layer on a channels-last tensor. */
function product(x: Tensor, out: number, bias: boolean, batch: number): Lowering {
  const d = x.dims;
  const dims = [...d.slice(0, -1), out];
  if (d.length === 2 && d[0] === batch) return [{ op: { kind: 'fc', out, bias }, dims }];
  if (!x.last) return `a product along the last axis of a channels-first rank-${d.length} tensor`;
  return [{ op: { kind: 'linear', out, bias }, dims, last: true }];
}

/**
 * [..., M, K] · [..., K, N] (or, `transB`, · [..., N, K]ᵀ) of two channels-last tensors with the
 * same leading axes: a batched matmul.
 */
export function batchedMatmul(a: Tensor, b: Tensor, transB = false): Lowering {
  const [da, db] = [a.dims, b.dims];
  const r = da.length;
  if (!a.last || !b.last) return 'a product of two computed tensors that are not both channels-last';
  if (r < 3 || db.length !== r || da.slice(0, r - 2).some((v, k) => v !== db[k]))
    return `a product of [${da.join(', ')}] and [${db.join(', ')}] (leading axes must be equal, rank 3 or more)`;
  const [k, n] = transB ? [db[r - 1], db[r - 2]!] : [db[r - 2], db[r - 1]!];
  if (da[r - 1] !== k) return `a product of [${da.join(', ')}] and [${db.join(', ')}]`;
  const out: Out = {
    op: transB ? { kind: 'matmul', transB } : { kind: 'matmul' },
    dims: [...da.slice(0, -1), n],
    last: true,
  };
  return [out];
}
