// N-D shape arithmetic of ONNX data-movement ops (Unsqueeze, Squeeze, Reshape), shared by
// constant folding and tensor lowering: each returns the output dims, or undefined when the
// axes or target shape are invalid for the input (never a guessed shape).
import { numel } from './decode';

export function unsqueezeDims(dims: number[], axes: number[]): number[] | undefined {
  const r = dims.length + axes.length;
  const at = new Set(axes.map((a) => (a < 0 ? a + r : a)));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) out.push(at.has(i) ? 1 : dims[k++]!);
  return k === dims.length ? out : undefined;
}

export function squeezeDims(dims: number[], axes: number[] | undefined): number[] | undefined {
  const r = dims.length;
  const at = new Set(
    (axes ?? dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => (a < 0 ? a + r : a)),
  );
  if ([...at].some((a) => dims[a] !== 1)) return undefined;
  return dims.filter((_, i) => !at.has(i));
}

export function reshapeDims(dims: number[], target: number[], allowZero: boolean): number[] | undefined {
  const out = target.map((t, i) => (t === 0 && !allowZero ? dims[i]! : t));
  const total = numel(dims);
  const free = out.indexOf(-1);
  if (free >= 0) {
    const rest = numel(out.filter((_, i) => i !== free));
    if (rest === 0 || total % rest !== 0) return undefined;
    out[free] = total / rest;
  }
  return out.every((d) => Number.isInteger(d) && d >= 0) && numel(out) === total ? out : undefined;
}
