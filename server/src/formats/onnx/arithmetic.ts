// Element-wise Add/Sub/Mul/Div on tensors. Two tensors of one layout merge when ONNX's
// broadcast is one the IR merge can express on their views: equal, an [N, C, 1, 1]-like operand
// broadcast over H x W, or a [..., 1]-like one over C (a layer norm's mean and deviation).
// With a constant: a scalar is an element-wise op, one value per channel a scale (params C),
// and (Add, Sub) a learned initializer of the tensor's whole per-item shape (a position
// embedding) a `learned` add (params: its elements). Anything else is a reason string.
import type { LayerOp } from '../../core/ir';
import { numel } from './decode';
import { canonical, type Const, type Lowering, type Tensor, type Value } from './values';

type Group = 'n' | 'h' | 'w' | 'c';

/** Element-wise arithmetic of `x` and the second operand. */
export function arithmetic(op: string, ins: (Value | undefined)[], x: Tensor, batch: number): Lowering {
  const b = ins[1];
  if (!b) return 'one operand';
  const mode = op === 'Add' || op === 'Sub' ? 'add' : 'mul';
  if (b.kind === 'tensor') return ofTensors(mode, x, b, batch);
  if (b.kind !== 'const') return 'an operand of unknown shape';
  return withConstant(mode, x, b, batch);
}

function withConstant(mode: 'add' | 'mul', x: Tensor, b: Const, batch: number): Lowering {
  const d = x.dims;
  const n = numel(b.dims);
  if (n === 1) return [{ op: { kind: 'act', fn: 'linear' }, dims: d }];
  const r = d.length;
  const channels = x.last ? d[r - 1]! : d[1]!;
  const along = (k: number) => b.dims[b.dims.length - k] === channels && b.dims.length <= r;
  // One value per channel: its only axis above 1 is C (the last axis, or axis 1 of [N, C, ...]).
  const perChannel = n === channels && (x.last || r === 2 ? along(1) : along(r - 1));
  if (perChannel) return [{ op: { kind: 'scale', bias: false }, dims: d }];
  const view = canonical(d, batch, x.last);
  const whole =
    view &&
    b.dims.length === r &&
    b.dims[0] === 1 &&
    b.dims.every((v, k) => k === 0 || v === d[k]) &&
    b.weights === numel(d) / batch;
  if (mode === 'add' && whole) {
    const op: LayerOp = { kind: 'learned', mode: 'add', axis: 'c', h: view[0], w: view[1], c: view[2] };
    return [{ op, dims: d }];
  }
  if (r === 3 && !x.last && n === d[2] && b.dims[b.dims.length - 1] === d[2])
    return 'a constant along the last axis of a [N, C, L] tensor';
  return 'a constant operand that is neither a scalar, one value per channel nor a learned tensor of the input shape';
}

/** The view axis each N-D axis of a rank-r tensor falls in ('n': the batch axis of a channels-first tensor). */
function groupsOf(r: number, last: boolean | undefined): Group[] {
  if (last) return Array.from({ length: r }, (_, k) => (k === r - 1 ? 'c' : k === r - 2 ? 'w' : 'h'));
  const cf: Group[][] = [[], [], ['n', 'c'], ['n', 'c', 'h'], ['n', 'c', 'h', 'w']];
  return cf[r] ?? Array.from({ length: r }, (_, k) => (k === 0 ? 'n' : 'w'));
}

/** Two tensors: ONNX broadcast, then each operand's view must equal the output's, or be 1 x 1 x C, or H x W x 1. */
function ofTensors(mode: 'add' | 'mul', a: Tensor, b: Tensor, batch: number): Lowering {
  const clash = `a broadcast of [${a.dims.join(', ')}] and [${b.dims.join(', ')}] LayerLint cannot express`;
  if (!!a.last !== !!b.last && Math.max(a.dims.length, b.dims.length) > 2) return 'operands in different layouts';
  const r = Math.max(a.dims.length, b.dims.length);
  const pad = (d: number[]) => [...new Array(r - d.length).fill(1), ...d];
  const [pa, pb] = [pad(a.dims), pad(b.dims)];
  const out = pa.map((v, k) => (v === 1 ? pb[k]! : v));
  if (pa.some((v, k) => v !== out[k] && v !== 1) || pb.some((v, k) => v !== out[k] && v !== 1)) return clash;
  const groups = groupsOf(r, a.last);
  const fits = (p: number[]) => {
    const state: Record<Group, Set<string>> = { n: new Set(), h: new Set(), w: new Set(), c: new Set() };
    p.forEach((v, k) => {
      const per = k === 0 && a.last ? v / batch : v;
      const full = k === 0 && a.last ? out[0]! / batch : out[k]!;
      if (full === 1) return;
      state[groups[k]!].add(per === full ? 'full' : per === 1 ? 'one' : 'bad');
    });
    const one = (g: Group) => !state[g].has('full') && !state[g].has('bad');
    const full = (g: Group) => !state[g].has('one') && !state[g].has('bad');
    if (!full('n')) return false;
    return (
      (full('h') && full('w') && full('c')) ||
      (one('h') && one('w') && full('c')) ||
      (full('h') && full('w') && one('c'))
    );
  };
  if (!fits(pa) || !fits(pb)) return clash;
  return [{ op: { kind: 'merge', mode }, dims: out, last: a.last }];
}
