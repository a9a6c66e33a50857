// Convolutions (Conv 1-D/2-D, ConvTranspose 2-D) and the window attributes they share with
// pooling: pads (with a preceding Pad folded in), auto_pad, kernel, strides, dilations.
// Asymmetric pads are accepted only when they equal 'same' padding; otherwise a reason string.
import type { Padding } from '../../core/ir';
import { intAttr, intsAttr, stringAttr, type NodeProto } from './decode';
import type { Lowering, Tensor, Value } from './values';

/** The node's spatial pads (begins, then ends) plus those of a Pad folded into it. */
function padsOf(node: NodeProto, x: Tensor): number[] {
  const spatial = x.dims.length - 2;
  const own = intsAttr(node, 'pads') ?? new Array(2 * spatial).fill(0);
  if (!x.pads) return own;
  const r = x.dims.length;
  return own.map((p, i) => p + x.pads![i < spatial ? 2 + i : r + 2 + (i - spatial)]!);
}

/** Symmetric pads as IR padding; 'asymmetric' when the two sides differ. */
export function padding(node: NodeProto, x: Tensor): Padding | 'asymmetric' {
  const spatial = x.dims.length - 2;
  const auto = stringAttr(node, 'auto_pad', 'NOTSET');
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') return x.pads ? 'asymmetric' : { kind: 'same' };
  if (auto === 'VALID' && !x.pads) return { kind: 'valid' };
  const pads = auto === 'VALID' ? padsOf({ ...node, attribute: [] }, x) : padsOf(node, x);
  const begin = pads.slice(0, spatial);
  const end = pads.slice(spatial);
  if (begin.some((p, i) => p !== end[i])) return 'asymmetric';
  return { kind: 'explicit', h: begin[0] ?? 0, w: spatial > 1 ? (begin[1] ?? 0) : 0 };
}

/** [kh, kw], [sh, sw], [dh, dw] of a 1-D or 2-D window: a 1-D window runs along H (W is 1). */
export function window(node: NodeProto, kernel: number[], spatial: number) {
  const pair = (v: number[] | undefined, fallback: number): [number, number] =>
    spatial === 1 ? [v?.[0] ?? fallback, 1] : [v?.[0] ?? fallback, v?.[1] ?? fallback];
  return {
    k: pair(kernel, 1),
    s: pair(intsAttr(node, 'strides'), 1),
    dil: pair(intsAttr(node, 'dilations'), 1),
  };
}

function spatialOut(size: number, k: number, s: number, dil: number, pad: Padding, axis: 0 | 1): number {
  if (pad.kind === 'same') return Math.ceil(size / s);
  const p = pad.kind === 'valid' ? 0 : 2 * (axis === 0 ? pad.h : pad.w);
  return Math.floor((size + p - (dil * (k - 1) + 1)) / s) + 1;
}

export function conv(node: NodeProto, x: Tensor, w: Value | undefined, b: Value | undefined): Lowering {
  const d = x.dims;
  const spatial = d.length - 2;
  if (spatial !== 1 && spatial !== 2) return `${spatial}-D convolution`;
  if (w?.kind !== 'const' || w.dims.length !== d.length) return 'its weights are not a constant tensor';
  if (b && b.kind !== 'const') return 'its bias is not a constant';
  const groups = intAttr(node, 'group', 1);
  const [m, cg] = [w.dims[0]!, w.dims[1]!];
  if (cg * groups !== d[1]) return `weights for ${cg * groups} input channels on a ${d[1]}-channel input`;
  const pad = padding(node, x);
  const { k, s, dil } = window(node, w.dims.slice(2), spatial);
  const axes = spatial === 1 ? [d[2]!] : [d[2]!, d[3]!];
  const explicitPads = padsOf(node, x);
  const outSizes = axes.map((size, i) =>
    pad === 'asymmetric'
      ? Math.floor((size + explicitPads[i]! + explicitPads[i + spatial]! - (dil[i]! * (k[i]! - 1) + 1)) / s[i]!) + 1
      : spatialOut(size, k[i]!, s[i]!, dil[i]!, pad, i === 0 ? 0 : 1),
  );
  let irPad: Padding;
  if (pad !== 'asymmetric') irPad = pad;
  else if (outSizes.every((o, i) => o === Math.ceil(axes[i]! / s[i]!))) irPad = { kind: 'same' };
  else return 'asymmetric padding';
  return [
    {
      op: {
        kind: 'conv',
        out: m,
        kh: k[0],
        kw: k[1],
        sh: s[0],
        sw: s[1],
        padding: irPad,
        dh: dil[0],
        dw: dil[1],
        groups,
        bias: !!b,
        fixed: false,
      },
      dims: [d[0]!, m, ...outSizes],
    },
  ];
}

export function convTranspose(node: NodeProto, d: number[], w: Value | undefined, b: Value | undefined): Lowering {
  if (d.length !== 4) return `a rank-${d.length} input`;
  if (w?.kind !== 'const' || w.dims.length !== 4) return 'its weights are not a constant tensor';
  if (b && b.kind !== 'const') return 'its bias is not a constant';
  const outputShape = intsAttr(node, 'output_shape');
  const outputPadding = intsAttr(node, 'output_padding') ?? [];
  const groups = intAttr(node, 'group', 1);
  if (w.dims[0] !== d[1]) return `weights for ${w.dims[0]} input channels on a ${d[1]}-channel input`;
  const m = w.dims[1]! * groups;
  const pad = padding(node, { kind: 'tensor', dims: d, layer: -1 });
  if (pad === 'asymmetric') return 'asymmetric padding';
  const { k, s, dil } = window(node, w.dims.slice(2), 2);
  const size = (i: number, n: number) =>
    pad.kind === 'same'
      ? n * s[i]!
      : (n - 1) * s[i]! - 2 * (pad.kind === 'valid' ? 0 : i === 0 ? pad.h : pad.w) + dil[i]! * (k[i]! - 1) + 1;
  // output_padding (PyTorch's ConvTranspose2d(k 3, s 2, p 1, output_padding 1)) or output_shape:
  // costed when the output is exactly the input times the stride, the IR's 'same' transposed conv
  // (its MACs do not depend on the padding); any other size is not placed.
  let irPad = pad;
  if (outputShape || outputPadding.some((p) => p !== 0)) {
    const want = outputShape
      ? outputShape.slice(-2)
      : [0, 1].map((i) => size(i, d[2 + i]!) + (outputPadding[outputPadding.length - 2 + i] ?? 0));
    if (want.length !== 2 || want.some((o, i) => o !== d[2 + i]! * s[i]!))
      return `an output_shape or output_padding giving ${want.join('x')}, not the input times the stride`;
    irPad = { kind: 'same' };
  }
  const out = (i: number, n: number) => (irPad.kind === 'same' ? n * s[i]! : size(i, n));
  return [
    {
      op: {
        kind: 'deconv',
        out: m,
        kh: k[0],
        kw: k[1],
        sh: s[0],
        sw: s[1],
        padding: irPad,
        dh: dil[0],
        dw: dil[1],
        groups,
        bias: !!b,
        fixed: false,
      },
      dims: [d[0]!, m, out(0, d[2]!), out(1, d[3]!)],
    },
  ];
}
