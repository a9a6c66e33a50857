// Per-layer-type lowering: one function per Caffe layer type, from its `*_param` block to an
// IR op. A missing required value (num_output, kernel_size) gives `invalid-value` and
// `undefined` (the layer loses its shape); a setting LayerLint cannot cost exactly (an
// unsupported axis) gives an `unknown` op, never a guess.
import type { Activation, LayerOp } from '../../core/ir';
import { type Diag, last, type Reader, sub } from './fields';
import type { LayerDef } from './layerDefs';
import type { Message } from './parser';

export interface OpInput {
  d: LayerDef;
  r: Reader;
  diag: Diag;
  /** How many bottoms resolved to a layer or the input. */
  nInputs: number;
}

export type OpBuilder = (x: OpInput) => LayerOp | undefined;

/** Caffe's axes of an N, C, H, W blob (also counted from the end) as IR axes. */
export const AXES: Record<string, 'c' | 'h' | 'w'> = { '1': 'c', '-3': 'c', '2': 'h', '-2': 'h', '3': 'w', '-1': 'w' };

/** The layer's type as written, for messages. */
const typeOf = (d: LayerDef) => d.type?.value ?? '?';

/** An op for a setting LayerLint does not cost: the layer is reported and not counted. */
const unsupported = (d: LayerDef, what: string): LayerOp => ({ kind: 'unknown', type: `${typeOf(d)} (${what})` });

function needOut({ d, r, diag }: OpInput, p: Message | undefined): number | undefined {
  const s = last(p, 'num_output');
  if (s) return r.int(s, 1, 'num_output');
  diag('invalid-value', d.typeField?.span ?? d.field.nameSpan, `This ${typeOf(d)} layer needs num_output.`);
  return undefined;
}

/** `axis` of a layer that LayerLint supports only along the channels (axis 1). */
function channelAxis(r: Reader, p: Message | undefined): number {
  return r.intField(p, 'axis', 1, -4);
}

interface Geometry {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
}

/** kernel_size / pad / stride / dilation, repeated (one value, or H and W) or as `_h` / `_w`. */
function geometry({ d, r, diag }: OpInput, p: Message | undefined): Geometry | undefined {
  /** A repeated field (one value for both axes, or H then W), overridden by NAME_h / NAME_w. */
  const pair = (name: string, hw: string, def: number, min: number): [number, number] => {
    const v = r.ints(p, name, min);
    const h = last(p, `${hw}_h`) ? r.intField(p, `${hw}_h`, def, min) : (v[0] ?? def);
    const w = last(p, `${hw}_w`) ? r.intField(p, `${hw}_w`, def, min) : (v[1] ?? v[0] ?? def);
    return [h, w];
  };
  const [kh, kw] = pair('kernel_size', 'kernel', 0, 1);
  if (!kh || !kw) {
    diag(
      'invalid-value',
      d.typeField?.span ?? d.field.nameSpan,
      `This ${typeOf(d)} layer needs kernel_size (or kernel_h and kernel_w).`,
    );
    return undefined;
  }
  const [ph, pw] = pair('pad', 'pad', 0, 0);
  const [sh, sw] = pair('stride', 'stride', 1, 1);
  const [dh, dw] = pair('dilation', 'dilation', 1, 1);
  return { kh, kw, sh, sw, ph, pw, dh, dw };
}

/** Convolution, Deconvolution and the depthwise fork types, all read from `convolution_param`. */
function convolution(x: OpInput): LayerOp | undefined {
  const { d, r } = x;
  const p = sub(d.msg, 'convolution_param');
  const out = needOut(x, p);
  const g = geometry(x, p);
  if (!out || !g) return undefined;
  if (channelAxis(r, p) !== 1) return unsupported(d, `axis ${channelAxis(r, p)}`);
  const common = {
    kh: g.kh,
    kw: g.kw,
    sh: g.sh,
    sw: g.sw,
    dh: g.dh,
    dw: g.dw,
    padding: { kind: 'explicit' as const, h: g.ph, w: g.pw },
    bias: r.bool(p, 'bias_term', true),
  };
  if (d.key === 'depthwiseconvolution' || d.key === 'convolutiondepthwise')
    return { kind: 'dwconv', ...common, multiplier: 1 };
  const groups = r.intField(p, 'group', 1, 1);
  return { kind: d.key === 'deconvolution' ? 'deconv' : 'conv', out, ...common, groups, fixed: false };
}

function innerProduct(x: OpInput): LayerOp | undefined {
  const { d, r } = x;
  const p = sub(d.msg, 'inner_product_param');
  const out = needOut(x, p);
  if (!out) return undefined;
  if (channelAxis(r, p) !== 1) return unsupported(d, `axis ${channelAxis(r, p)}`);
  return { kind: 'fc', out, bias: r.bool(p, 'bias_term', true) };
}

function pooling(x: OpInput): LayerOp | undefined {
  const { d, r } = x;
  const p = sub(d.msg, 'pooling_param');
  const mode = r.enumField(p, 'pool', ['MAX', 'AVE', 'STOCHASTIC'] as const, 'MAX') === 'MAX' ? 'max' : 'avg';
  // `ceil_mode` (a common fork field, PyTorch's name) wins over BVLC's `round_mode`; default CEIL.
  const ceil = last(p, 'ceil_mode')
    ? r.bool(p, 'ceil_mode', true)
    : r.enumField(p, 'round_mode', ['CEIL', 'FLOOR'] as const, 'CEIL') === 'CEIL';
  if (r.bool(p, 'global_pooling', false))
    return { kind: 'pool', mode, global: true, kh: 0, kw: 0, sh: 1, sw: 1, padding: { kind: 'valid' }, ceil };
  const g = geometry(x, p);
  if (!g) return undefined;
  const { kh, kw, sh, sw } = g;
  return { kind: 'pool', mode, global: false, kh, kw, sh, sw, padding: { kind: 'explicit', h: g.ph, w: g.pw }, ceil };
}

function scale({ d, r, nInputs }: OpInput): LayerOp {
  const p = sub(d.msg, 'scale_param');
  const axis = channelAxis(r, p);
  const axes = r.intField(p, 'num_axes', 1, -1);
  if (axis !== 1 || axes !== 1) return unsupported(d, `axis ${axis}, num_axes ${axes}`);
  if (nInputs >= 2) return { kind: 'merge', mode: 'mul' };
  return { kind: 'scale', bias: r.bool(p, 'bias_term', false) };
}

function eltwise({ d, r }: OpInput): LayerOp {
  const op = r.enumField(sub(d.msg, 'eltwise_param'), 'operation', ['PROD', 'SUM', 'MAX'] as const, 'SUM');
  return { kind: 'merge', mode: op === 'PROD' ? 'mul' : 'add' };
}

function concat({ d, r }: OpInput): LayerOp {
  const p = sub(d.msg, 'concat_param');
  const axis = last(p, 'axis') ? r.intField(p, 'axis', 1, -4) : r.intField(p, 'concat_dim', 1, -4);
  return AXES[String(axis)] === 'c' ? { kind: 'merge', mode: 'concat' } : unsupported(d, `axis ${axis}`);
}

function flatten({ d, r }: OpInput): LayerOp {
  const p = sub(d.msg, 'flatten_param');
  const axis = r.intField(p, 'axis', 1, -4);
  const end = r.intField(p, 'end_axis', -1, -4);
  return axis === 1 && (end === -1 || end === 3) ? { kind: 'flatten' } : unsupported(d, `axis ${axis} to ${end}`);
}

const relu = ({ d, r }: OpInput): LayerOp =>
  r.number(sub(d.msg, 'relu_param'), 'negative_slope', 0) !== 0
    ? { kind: 'act', fn: 'leaky' }
    : { kind: 'act', fn: 'relu' };

const dropout = ({ d, r }: OpInput): LayerOp => ({
  kind: 'dropout',
  p: Math.min(0.999, Math.max(0, r.number(sub(d.msg, 'dropout_param'), 'dropout_ratio', 0.5))),
});

const lrn = ({ d, r }: OpInput): LayerOp => ({
  kind: 'lrn',
  size: r.intField(sub(d.msg, 'lrn_param'), 'local_size', 5, 1),
});

const upsample = ({ d, r }: OpInput): LayerOp => ({
  kind: 'upsample',
  factor: r.intField(sub(d.msg, 'upsample_param'), 'scale', 2, 1),
});

/** Element-wise layers, each counted as the activation it is closest to (one op per element). */
const activation =
  (fn: Activation): OpBuilder =>
  () => ({ kind: 'act', fn });

export const BUILDERS = {
  convolution,
  innerProduct,
  pooling,
  scale,
  eltwise,
  concat,
  flatten,
  relu,
  dropout,
  lrn,
  upsample,
  activation,
  /** Caffe BatchNorm: normalisation only; its Scale layer holds γ and β. */
  batchNorm: (): LayerOp => ({ kind: 'bn', affine: false }),
  /** The "BN" layer of several forks normalises and scales/shifts in one layer. */
  bn: (): LayerOp => ({ kind: 'bn' }),
  identity: (): LayerOp => ({ kind: 'identity' }),
};
