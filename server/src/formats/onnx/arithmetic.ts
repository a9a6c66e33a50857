// Element-wise Add/Sub/Mul/Div on tensors: two tensors of the same canonical view (or one
// per-channel operand broadcast) merge; a constant scalar is an element-wise op, a per-channel
// constant a scale; other broadcasts are reason strings.
import type { Shape } from '../../core/ir';
import { numel } from './decode';
import { canonical, type Lowering, type Value } from './values';

/** Element-wise arithmetic: two tensors merge (one per-channel operand may broadcast); a constant scalar is an element-wise op, a per-channel constant a scale. */
export function arithmetic(op: string, ins: (Value | undefined)[], d: number[], batch: number): Lowering {
  const [a, b] = [ins[0]!, ins[1]];
  if (!b) return 'one operand';
  const mode = op === 'Add' || op === 'Sub' ? 'add' : 'mul';
  if (b.kind === 'tensor') {
    const [ca, cb] = [canonical(d, batch), canonical(b.dims, batch)];
    if (!ca || !cb || a.kind !== 'tensor') return 'operands that are not batched tensors';
    const broadcast = (s: Shape, t: Shape) => s[2] === t[2] && s[0] === 1 && s[1] === 1;
    if (ca.join() !== cb.join() && !broadcast(ca, cb) && !broadcast(cb, ca))
      return `a broadcast of [${d.join(', ')}] and [${b.dims.join(', ')}] LayerLint cannot express`;
    const big = ca[0] * ca[1] >= cb[0] * cb[1] ? a.dims : b.dims;
    return [{ op: { kind: 'merge', mode }, dims: big }];
  }
  if (b.kind !== 'const') return 'an operand of unknown shape';
  const n = numel(b.dims);
  if (n === 1) return [{ op: { kind: 'act', fn: 'linear' }, dims: d }];
  const channels = d[1]!;
  const perChannel =
    n === channels &&
    (d.length === 2
      ? b.dims[b.dims.length - 1] === channels
      : b.dims.length >= d.length - 1 && b.dims[b.dims.length - (d.length - 1)] === channels);
  const lastAxis = d.length === 3 && n === d[2] && b.dims[b.dims.length - 1] === d[2];
  if (perChannel) return [{ op: { kind: 'scale', bias: false }, dims: d }];
  if (lastAxis) return 'a constant along the last axis of a [N, C, L] tensor';
  return 'a constant operand that is neither a scalar nor one value per channel';
}
