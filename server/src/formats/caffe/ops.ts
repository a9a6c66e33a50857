// Per-layer-type lowering: one function per Caffe layer type, from its `*_param` block to an
// IR op. A missing required value (num_output, kernel_size) gives `invalid-value` and
// `undefined` (the layer loses its shape); a setting LayerLint cannot cost exactly (an
// unsupported axis) gives an `unknown` op, never a guess.
import { globalPool, type Activation, type LayerOp } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import type { Diag, Reader } from './fields';
import { type LayerDef, typeSpan } from './layerDefs';
import type { Document } from './parser';

export interface OpInput {
  d: LayerDef;
  doc: Document;
  /** The type's `*_param` block (NONE when the layer has none). */
  p: number;
  r: Reader;
  diag: Diag;
  /** How many bottoms resolved to a layer or the input. */
  nInputs: number;
}

export type OpBuilder = (x: OpInput) => LayerOp | undefined;

/** Caffe's axes of an N, C, H, W blob (also counted from the end) as IR axes. */
export const AXES: Record<string, 'c' | 'h' | 'w'> = { '1': 'c', '-3': 'c', '2': 'h', '-2': 'h', '3': 'w', '-1': 'w' };

/** The layer's type as written, for messages. */
const typeOf = (d: LayerDef) => d.typeText ?? '?';

/** An op for a setting LayerLint does not cost: the layer is reported and not counted. */
const unsupported = (d: LayerDef, what: string): LayerOp => ({ kind: 'unknown', type: `${typeOf(d)} (${what})` });

function needOut({ d, doc, r, diag }: OpInput, p: number): number | undefined {
  const s = doc.last(p, 'num_output');
  if (s) return r.int(s, 1, 'num_output');
  diag('invalid-value', typeSpan(doc, d), `This ${typeOf(d)} layer needs num_output.`);
  return undefined;
}

/** `axis` of a layer that LayerLint supports only along the channels (1, or -3 from the end). */
function channelAxis(r: Reader, p: number): { axis: number; ok: boolean } {
  const axis = r.intField(p, 'axis', 1, -4);
  return { axis, ok: axis === 1 || axis === -3 };
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

/** The window fields in groups of three: a repeated field (one value for both axes, or H then W), then its `_h` and `_w` overrides. */
export const WINDOW_GROUPS = [
  'kernel_size',
  'kernel_h',
  'kernel_w',
  'pad',
  'pad_h',
  'pad_w',
  'stride',
  'stride_h',
  'stride_w',
  'dilation',
  'dilation_h',
  'dilation_w',
] as const;
const KERNEL = 0,
  PAD = 3,
  STRIDE = 6,
  DILATION = 9;
const WINDOW_INDEX = new Map<string, number>(WINDOW_GROUPS.map((n, i) => [n, i]));

/** What `windowScalars` found, kept from one call to the next (an array made per call cost more than reading it). */
const found: (number[] | undefined)[] = WINDOW_GROUPS.map(() => undefined);

/**
 * The scalar fields of each window field of `p`, by index in WINDOW_GROUPS: one pass over
 * the block. Valid until the next call.
 */
function windowScalars(doc: Document, p: number): (number[] | undefined)[] {
  found.fill(undefined);
  if (p)
    for (let f = p + 1, end = doc.after(p); f < end; f = doc.after(f)) {
      if (doc.isMessage(f)) continue;
      const k = WINDOW_INDEX.get(doc.name(f));
      if (k !== undefined) (found[k] ??= []).push(f);
    }
  return found;
}

/** The H and W values of the group at `k`: the repeated field, overridden by the last `_h` / `_w`. */
function pair(r: Reader, found: (number[] | undefined)[], k: number, def: number, min: number): [number, number] {
  const v: number[] = [];
  for (const s of found[k] ?? []) {
    const x = r.int(s, min, WINDOW_GROUPS[k]!);
    if (x !== undefined) v.push(x);
  }
  const hs = found[k + 1];
  const ws = found[k + 2];
  const h = hs ? (r.int(hs[hs.length - 1]!, min, WINDOW_GROUPS[k + 1]!) ?? def) : (v[0] ?? def);
  const w = ws ? (r.int(ws[ws.length - 1]!, min, WINDOW_GROUPS[k + 2]!) ?? def) : (v[1] ?? v[0] ?? def);
  return [h, w];
}

/** kernel_size / pad / stride / dilation, repeated (one value, or H and W) or as `_h` / `_w`. */
function geometry({ d, doc, r, diag }: OpInput, p: number): Geometry | undefined {
  const found = windowScalars(doc, p);
  const [kh, kw] = pair(r, found, KERNEL, 0, 1);
  if (!kh || !kw) {
    diag('invalid-value', typeSpan(doc, d), `This ${typeOf(d)} layer needs kernel_size (or kernel_h and kernel_w).`);
    return undefined;
  }
  const [ph, pw] = pair(r, found, PAD, 0, 0);
  const [sh, sw] = pair(r, found, STRIDE, 1, 1);
  const [dh, dw] = pair(r, found, DILATION, 1, 1);
  return { kh, kw, sh, sw, ph, pw, dh, dw };
}

/** Convolution, Deconvolution and the depthwise fork types, all read from `convolution_param`. */
function convolution(x: OpInput): LayerOp | undefined {
  const { d, p, r } = x;
  const out = needOut(x, p);
  const g = geometry(x, p);
  if (!out || !g) return undefined;
  const { axis, ok } = channelAxis(r, p);
  if (!ok) return unsupported(d, `axis ${axis}`);
  // Literals written out in full: a spread of shared fields built each op through V8's slow object-clone path.
  const { kh, kw, sh, sw, dh, dw } = g;
  const padding = { kind: 'explicit' as const, h: g.ph, w: g.pw };
  const bias = r.bool(p, 'bias_term', true);
  if (d.key === 'depthwiseconvolution' || d.key === 'convolutiondepthwise')
    return { kind: 'dwconv', kh, kw, sh, sw, dh, dw, padding, bias, multiplier: 1 };
  const groups = r.intField(p, 'group', 1, 1);
  const kind = d.key === 'deconvolution' ? 'deconv' : 'conv';
  return { kind, out, kh, kw, sh, sw, dh, dw, padding, bias, groups, fixed: false };
}

function innerProduct(x: OpInput): LayerOp | undefined {
  const { d, p, r } = x;
  const out = needOut(x, p);
  if (!out) return undefined;
  const { axis, ok } = channelAxis(r, p);
  if (!ok) return unsupported(d, `axis ${axis}`);
  return { kind: 'fc', out, bias: r.bool(p, 'bias_term', true) };
}

function pooling(x: OpInput): LayerOp | undefined {
  const { doc, p, r } = x;
  const mode = r.enumField(p, 'pool', ['MAX', 'AVE', 'STOCHASTIC'] as const, 'MAX') === 'MAX' ? 'max' : 'avg';
  // `ceil_mode` (a common fork field, PyTorch's name) wins over BVLC's `round_mode`; default CEIL.
  const ceil = doc.last(p, 'ceil_mode')
    ? r.bool(p, 'ceil_mode', true)
    : r.enumField(p, 'round_mode', ['CEIL', 'FLOOR'] as const, 'CEIL') === 'CEIL';
  if (r.bool(p, 'global_pooling', false)) return globalPool(mode, ceil);
  const g = geometry(x, p);
  if (!g) return undefined;
  const { kh, kw, sh, sw } = g;
  return { kind: 'pool', mode, global: false, kh, kw, sh, sw, padding: { kind: 'explicit', h: g.ph, w: g.pw }, ceil };
}

function scale({ d, p, r, nInputs }: OpInput): LayerOp {
  const { axis, ok } = channelAxis(r, p);
  // With two bottoms the second is the scale (num_axes is for a learned one): from axis 0 it
  // is N x C (x 1 x 1) for a squeeze-and-excitation block, from axis 1 C (x H x W); the
  // product's shape check says when it does not fit the first.
  if (nInputs >= 2) return ok || axis === 0 ? { kind: 'merge', mode: 'mul' } : unsupported(d, `axis ${axis}`);
  const axes = r.intField(p, 'num_axes', 1, -1);
  if (!ok || axes !== 1) return unsupported(d, `axis ${axis}, num_axes ${axes}`);
  return { kind: 'scale', bias: r.bool(p, 'bias_term', false) };
}

function eltwise({ p, r }: OpInput): LayerOp {
  const op = r.enumField(p, 'operation', ['PROD', 'SUM', 'MAX'] as const, 'SUM');
  return { kind: 'merge', mode: op === 'PROD' ? 'mul' : 'add' };
}

function concat({ d, doc, p, r }: OpInput): LayerOp {
  const axis = doc.last(p, 'axis') ? r.intField(p, 'axis', 1, -4) : r.intField(p, 'concat_dim', 1, -4);
  const along = AXES[String(axis)];
  if (!along) return unsupported(d, `axis ${axis}`);
  return along === 'c' ? { kind: 'merge', mode: 'concat' } : { kind: 'merge', mode: 'concat', axis: along };
}

/** A Caffe axis (negative: from the end of N, C, H, W) as 0 to 3, or undefined past the ends. */
const blobAxis = (axis: number): number | undefined => (axis >= -4 && axis <= 3 ? (axis + 4) % 4 : undefined);

/** Flatten of axes `axis` to `end_axis` into one: all of C, H, W is `flatten`; fewer, a view. */
function flatten({ d, p, r }: OpInput): LayerOp {
  const axisText = r.intField(p, 'axis', 1, -4);
  const endText = r.intField(p, 'end_axis', -1, -4);
  const axis = blobAxis(axisText);
  const end = blobAxis(endText);
  if (!axis || !end || end < axis) return unsupported(d, `axis ${axisText} to ${endText}`);
  if (axis === 1 && end === 3) return { kind: 'flatten' };
  const dims = [1, 2, 3].filter((a) => a <= axis || a > end).map((a) => (a === axis ? -1 : 0));
  return { kind: 'view', dims };
}

/** Reshape of the whole blob (axis 0, num_axes -1) that keeps the batch (`dim: 0` first). */
function reshape({ d, doc, p, r }: OpInput): LayerOp {
  const dims = r.ints(doc.sub(p, 'shape'), 'dim', -1);
  const axis = r.intField(p, 'axis', 0, -4);
  const numAxes = r.intField(p, 'num_axes', -1, -1);
  if (axis !== 0 || numAxes !== -1) return unsupported(d, `axis ${axis}, num_axes ${numAxes}`);
  if (dims[0] !== 0 || dims.length < 2 || dims.length > 4 || dims.filter((x) => x === -1).length > 1)
    return unsupported(
      d,
      `shape ${dims.join(' x ') || 'missing'}; LayerLint reshapes only with dim: 0 (the batch) first`,
    );
  return { kind: 'view', dims: dims.slice(1) };
}

/** Permute: the listed axes first, then the others in order (Caffe's rule); the batch must stay first. */
function permute({ d, p, r }: OpInput): LayerOp {
  const order = r.ints(p, 'order', 0);
  const full = [...order];
  for (let a = 0; a < 4; a++) if (!full.includes(a)) full.push(a);
  if (full.length !== 4 || new Set(full).size !== 4 || full[0] !== 0)
    return unsupported(d, `order ${order.join(', ')}`);
  return { kind: 'permute', order: [full[1]!, full[2]!, full[3]!] };
}

/** Crop to the second bottom's size from `axis` (default 2) on; one offset for all axes or one each. */
function crop({ d, doc, p, r, diag }: OpInput): LayerOp {
  const axisText = r.intField(p, 'axis', 2, -4);
  const axis = blobAxis(axisText);
  if (!axis) return unsupported(d, `axis ${axisText}`);
  const given = r.ints(p, 'offset', 0);
  const cut = 4 - axis;
  if (given.length > 1 && given.length !== cut)
    diag(
      'invalid-value',
      doc.valueSpan(doc.last(p, 'offset')),
      `Crop from axis ${axis} cuts ${cut} axes: give one offset for all, or ${cut}; found ${given.length}.`,
    );
  const offsets: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < cut; k++) offsets[axis - 1 + k] = given.length === 1 ? given[0]! : (given[k] ?? 0);
  return { kind: 'cropto', axis: axis as 1 | 2 | 3, offsets };
}

/** Interp (DeepLab): zoom_factor / shrink_factor, else height and width, else the second bottom's size. */
function interp({ d, doc, p, r, diag, nInputs }: OpInput): LayerOp | undefined {
  const trimOf = (name: string) => {
    const s = doc.last(p, name);
    const v = s ? r.int(s, -LIMITS.maxDimension, name) : 0;
    if (s && v !== undefined && v > 0)
      diag('invalid-value', doc.valueSpan(s), `${name}: Interp supports only cropping (0 or less), found ${v}.`);
    return v === undefined || v > 0 ? 0 : -v;
  };
  const trim = trimOf('pad_beg');
  const trimEnd = trimOf('pad_end');
  if (doc.last(p, 'zoom_factor') || doc.last(p, 'shrink_factor'))
    return {
      kind: 'interp',
      target: {
        kind: 'factors',
        zoom: r.intField(p, 'zoom_factor', 1, 1),
        shrink: r.intField(p, 'shrink_factor', 1, 1),
      },
      trim,
      trimEnd,
    };
  if (doc.last(p, 'height') && doc.last(p, 'width')) {
    const h = r.intField(p, 'height', 0, 1);
    const w = r.intField(p, 'width', 0, 1);
    return h && w ? { kind: 'interp', target: { kind: 'size', h, w }, trim, trimEnd } : undefined;
  }
  if (nInputs >= 2) return { kind: 'interp', target: { kind: 'like' }, trim, trimEnd };
  diag(
    'invalid-value',
    typeSpan(doc, d),
    `This ${typeOf(d)} layer needs zoom_factor, shrink_factor, height and width, or a second bottom to take the size of.`,
  );
  return undefined;
}

/** SSD Normalize (`norm_param`): across_spatial and channel_shared both default to true. */
const normalize = ({ p, r }: OpInput): LayerOp => {
  return {
    kind: 'normalize',
    shared: r.bool(p, 'channel_shared', true),
    acrossSpatial: r.bool(p, 'across_spatial', true),
  };
};

/** SSD PriorBox: (1 + distinct aspect ratios, doubled by flip) x min sizes + max sizes priors per position. */
function priorBox({ d, doc, p, r, diag }: OpInput): LayerOp | undefined {
  const minSizes = r.numbers(p, 'min_size');
  const maxSizes = r.numbers(p, 'max_size');
  if (!minSizes.length) {
    diag('invalid-value', typeSpan(doc, d), `This ${typeOf(d)} layer needs min_size.`);
    return undefined;
  }
  if (maxSizes.length && maxSizes.length !== minSizes.length) {
    diag(
      'invalid-value',
      doc.valueSpan(doc.last(p, 'max_size')),
      `PriorBox needs as many max_size values as min_size values (${minSizes.length}), found ${maxSizes.length}.`,
    );
    return undefined;
  }
  const flip = r.bool(p, 'flip', true);
  const ratios = [1];
  for (const ar of r.numbers(p, 'aspect_ratio')) {
    if (ratios.some((x) => Math.abs(x - ar) < 1e-6)) continue;
    ratios.push(ar);
    if (flip) ratios.push(1 / ar);
  }
  return { kind: 'priorbox', priors: ratios.length * minSizes.length + maxSizes.length };
}

/** SSD DetectionOutput: at most keep_top_k detections; without it the count depends on the image. */
function detectionOutput({ d, p, r }: OpInput): LayerOp {
  const keep = r.intField(p, 'keep_top_k', -1, -1);
  return keep >= 1
    ? { kind: 'detections', keep }
    : unsupported(d, 'no keep_top_k: the number of detections depends on the image');
}

/** Reorg (the YOLOv2 ports' space-to-depth): H / stride x W / stride x C·stride², or back with `reverse`; stride 2 by default. */
const reorg = ({ p, r }: OpInput): LayerOp => ({
  kind: 'reorg',
  stride: r.intField(p, 'stride', 2, 1),
  reverse: r.bool(p, 'reverse', false),
});

/** ArgMax along the channels (axis 1): the top_k indices, or values with out_max_val, at each position; other axes are unknown. */
function argMax({ d, doc, p, r }: OpInput): LayerOp {
  if (!doc.last(p, 'axis')) return unsupported(d, 'no axis: the top k of all of C x H x W');
  const { axis, ok } = channelAxis(r, p);
  if (!ok) return unsupported(d, `axis ${axis}`);
  return { kind: 'reduce', mode: 'max', k: r.intField(p, 'top_k', 1, 1) };
}

/**
 * BVLC Reduction: every axis from `axis` to the end reduced (ReductionLayer::Reshape keeps the
 * shape before `axis`), so axis 3 is W, 2 is H and W (a global pooling), 1 is all of C, H, W;
 * axis 0 (the batch, the default) and axes counted from the end (which depend on the blob's
 * rank) are unknown.
 */
function reduction({ d, p, r }: OpInput): LayerOp {
  const axis = r.intField(p, 'axis', 0, -4);
  const over = ({ 1: 'chw', 2: 'hw', 3: 'w' } as const)[axis as 1 | 2 | 3];
  if (!over) return unsupported(d, `axis ${axis}`);
  // ReductionOp numbers SUM from 1: the empty name holds place 0.
  const op = r.enumField(p, 'operation', ['', 'SUM', 'ASUM', 'SUMSQ', 'MEAN'] as const, 'SUM');
  return { kind: 'reduce', mode: op === 'MEAN' ? 'avg' : 'sum', over };
}

/** The note on a region-of-interest pooling: what follows it runs once per region. */
function perRegion({ d, doc, diag }: OpInput): void {
  diag(
    'per-region',
    typeSpan(doc, d),
    `The layers after this ${typeOf(d)} run once per region of interest: their shapes, MACs and activations are for one region (x the number of regions at run time); their parameters are counted once.`,
  );
}

/** Fast R-CNN ROIPooling: the pooled size of each region; what follows runs once per region. */
function roiPooling(x: OpInput): LayerOp | undefined {
  const { d, doc, p, r, diag } = x;
  const h = r.intField(p, 'pooled_h', 0, 1);
  const w = r.intField(p, 'pooled_w', 0, 1);
  if (!h || !w) {
    diag('invalid-value', typeSpan(doc, d), `This ${typeOf(d)} layer needs pooled_h and pooled_w.`);
    return undefined;
  }
  perRegion(x);
  return { kind: 'roipool', h, w };
}

/**
 * R-FCN's PSROIPooling (psroi_pooling_layer.cpp): group_size x group_size bins of output_dim
 * channels per region, from an input of output_dim x group_size² channels.
 */
function psroiPooling(x: OpInput): LayerOp | undefined {
  const { d, doc, p, r, diag } = x;
  const channels = r.intField(p, 'output_dim', 0, 1);
  const group = r.intField(p, 'group_size', 0, 1);
  if (!channels || !group) {
    diag('invalid-value', typeSpan(doc, d), `This ${typeOf(d)} layer needs output_dim and group_size.`);
    return undefined;
  }
  perRegion(x);
  return { kind: 'roipool', h: group, w: group, channels };
}

/**
 * BatchNorm: in BVLC Caffe normalisation only (its Scale layer holds γ and β). NVCaffe's
 * BatchNorm also scales and shifts (2 x C learned blobs) with `scale_bias: true`, or when a
 * `scale_filler` or `bias_filler` is given (BatchNormLayer::LayerSetUp sets scale_bias then).
 */
function batchNorm({ doc, p, r }: OpInput): LayerOp {
  const affine = r.bool(p, 'scale_bias', false) || !!doc.sub(p, 'scale_filler') || !!doc.sub(p, 'bias_filler');
  return affine ? { kind: 'bn' } : { kind: 'bn', affine: false };
}

/** The "BN" layer of several forks (SegNet, PSPNet, yjxiong's, NVCaffe) normalises and scales/shifts: 2 x C; along the channels only. */
function bn({ d, p, r }: OpInput): LayerOp {
  const { axis, ok } = channelAxis(r, p);
  return ok ? { kind: 'bn' } : unsupported(d, `axis ${axis}`);
}

const relu = ({ p, r }: OpInput): LayerOp =>
  r.number(p, 'negative_slope', 0) !== 0 ? { kind: 'act', fn: 'leaky' } : { kind: 'act', fn: 'relu' };

const dropout = ({ p, r }: OpInput): LayerOp => ({
  kind: 'dropout',
  p: Math.min(0.999, Math.max(0, r.number(p, 'dropout_ratio', 0.5))),
});

const lrn = ({ p, r }: OpInput): LayerOp => ({
  kind: 'lrn',
  size: r.intField(p, 'local_size', 5, 1),
});

/**
 * Upsample: `scale` (2 by default) on both axes. SegNet's fork (its second bottom is the
 * pooling mask, read for its name only) also has `upsample_h` + `upsample_w` (a fixed size,
 * which wins), else `scale_h` + `scale_w`, each less one row / column with `pad_out_h` /
 * `pad_out_w` (Caffe-SegNet's UpsampleLayer::Reshape: H x scale_h - pad_out_h).
 */
function upsample({ doc, p, r }: OpInput): LayerOp {
  if (doc.last(p, 'upsample_h') && doc.last(p, 'upsample_w')) {
    const h = r.intField(p, 'upsample_h', 0, 1);
    const w = r.intField(p, 'upsample_w', 0, 1);
    if (h && w) return { kind: 'upsample', factor: 1, size: [h, w] };
  }
  const both = doc.last(p, 'scale_h') && doc.last(p, 'scale_w');
  const factor = r.intField(p, both ? 'scale_h' : 'scale', 2, 1);
  const factorW = both ? r.intField(p, 'scale_w', 2, 1) : factor;
  const trim: [number, number] = [r.bool(p, 'pad_out_h', false) ? 1 : 0, r.bool(p, 'pad_out_w', false) ? 1 : 0];
  const op: LayerOp = { kind: 'upsample', factor };
  if (factorW !== factor) op.factorW = factorW;
  if (trim[0] || trim[1]) op.trim = trim;
  return op;
}

/** PReLU: a leaky ReLU with learned slopes, one per channel (C parameters) or one `channel_shared`. */
function prelu({ p, r }: OpInput): LayerOp {
  return { kind: 'act', fn: 'leaky', slopes: r.bool(p, 'channel_shared', false) ? 'shared' : 'channel' };
}

/** Element-wise layers, each counted as the activation it is closest to (one op per element). */
const activation =
  (fn: Activation): OpBuilder =>
  () => ({ kind: 'act', fn });

export const BUILDERS = {
  reshape,
  permute,
  crop,
  interp,
  normalize,
  priorBox,
  detectionOutput,
  roiPooling,
  psroiPooling,
  argMax,
  reduction,
  reorg,
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
  prelu,
  batchNorm,
  bn,
  identity: (): LayerOp => ({ kind: 'identity' }),
};
