// Lowers a parsed Caffe net (NetParameter in text format) to the IR graph. Reads the input
// from `input:` + `input_dim`/`input_shape` or from an Input/Data layer; keeps the TEST
// (deploy) path by dropping TRAIN-only layers that have a TEST twin; tracks blob names to
// the latest layer that wrote them, so in-place layers (top == bottom) chain correctly;
// skips loss and accuracy heads. Bad values become diagnostics and the layer loses its
// shape; nothing here throws. docs/formats/caffe.md describes what is supported.
import { makeDiagnostic, type Code, type EngineDiagnostic } from '../../core/diagnostics';
import type { Graph, Layer, LayerOp, NetworkInput, Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { inferShapes } from '../../core/shapes';
import { uniqueNamer } from '../names';
import { fieldsOf, last, Reader, scalars, sub } from './fields';
import type { Document, Field, Message, Scalar } from './parser';

export interface LayerDef {
  /** The `layer { ... }` (or legacy `layers { ... }`) field. */
  field: Field;
  msg: Message;
  legacy: boolean;
  name?: Scalar;
  nameField?: Field;
  type?: Scalar;
  typeField?: Field;
  /** Normalised type: lower case, no underscores (`INNER_PRODUCT` → `innerproduct`). */
  key: string;
  bottoms: Scalar[];
  tops: Scalar[];
}

export interface Lowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  /** Every layer block of the file, in order (including dropped TRAIN twins). */
  defs: LayerDef[];
  /** The block each IR layer came from, by IR layer index. */
  layerDefs: LayerDef[];
  /** The values that hold the input height and width (`input_dim`, `dim`, `crop_size`), for ρ edits. */
  inputSize: Scalar[];
}

const INPUT_TYPES = new Set([
  'input',
  'data',
  'imagedata',
  'hdf5data',
  'memorydata',
  'windowdata',
  'dummydata',
  'annotateddata',
  'videodata',
]);
const TOP_LEVEL = new Set([
  'name',
  'input',
  'input_dim',
  'input_shape',
  'force_backward',
  'state',
  'debug_info',
  'layer',
  'layers',
]);
const AXES: Record<string, 'c' | 'h' | 'w'> = { '1': 'c', '-3': 'c', '2': 'h', '-2': 'h', '3': 'w', '-1': 'w' };
/** Element-wise layers: the activation they are counted as (all cost one op per element). */
const ACTS: Record<string, LayerOp & { kind: 'act' }> = {
  relu6: { kind: 'act', fn: 'relu6' },
  prelu: { kind: 'act', fn: 'leaky' },
  elu: { kind: 'act', fn: 'leaky' },
  sigmoid: { kind: 'act', fn: 'sigmoid' },
  tanh: { kind: 'act', fn: 'tanh' },
  swish: { kind: 'act', fn: 'silu' },
  hswish: { kind: 'act', fn: 'hswish' },
  hardswish: { kind: 'act', fn: 'hswish' },
  mish: { kind: 'act', fn: 'mish' },
  gelu: { kind: 'act', fn: 'gelu' },
  softmax: { kind: 'act', fn: 'softmax' },
  absval: { kind: 'act', fn: 'linear' },
  bnll: { kind: 'act', fn: 'linear' },
  power: { kind: 'act', fn: 'linear' },
  exp: { kind: 'act', fn: 'linear' },
  log: { kind: 'act', fn: 'linear' },
  threshold: { kind: 'act', fn: 'linear' },
  clip: { kind: 'act', fn: 'relu6' },
  mvn: { kind: 'act', fn: 'linear' },
};

export function normaliseType(type: string): string {
  return type.toLowerCase().replace(/_/g, '');
}

const SOLVER_FIELDS = new Set([
  'net',
  'net_param',
  'train_net',
  'test_net',
  'base_lr',
  'lr_policy',
  'max_iter',
  'solver_mode',
  'snapshot_prefix',
  'test_iter',
]);

/** A solver definition (solver.prototxt) is not a net: it gets no layers and no diagnostics. */
function isSolver(root: Message): boolean {
  return (
    !root.fields.some((f) => TOP_LEVEL.has(f.name) && f.name !== 'name') &&
    root.fields.some((f) => SOLVER_FIELDS.has(f.name))
  );
}

/** Loss, accuracy and sink layers: training-time heads that LayerLint neither counts nor reports. */
export function isHead(key: string): boolean {
  return key.endsWith('loss') || key === 'accuracy' || key === 'silence' || key === 'hdf5output';
}

function phasesOf(msg: Message, name: 'include' | 'exclude'): string[] {
  return fieldsOf(msg, name).flatMap((f) =>
    f.value.kind === 'message' ? scalars(f.value, 'phase').map((s) => s.value.toUpperCase()) : [],
  );
}

/** Whether a layer takes part only in training: `include { phase: TRAIN }` or `exclude { phase: TEST }`. */
function trainOnly(msg: Message): boolean {
  const inc = phasesOf(msg, 'include');
  return (
    (inc.length > 0 && inc.every((p) => p === 'TRAIN' || p === '0')) ||
    phasesOf(msg, 'exclude').some((p) => p === 'TEST' || p === '1')
  );
}

export function layerDefs(doc: Document): LayerDef[] {
  const defs: LayerDef[] = [];
  for (const f of doc.root.fields) {
    if ((f.name !== 'layer' && f.name !== 'layers') || f.value.kind !== 'message') continue;
    const msg = f.value;
    const nameField = msg.fields.filter((x) => x.name === 'name' && x.value.kind === 'scalar').pop();
    const typeField = msg.fields.filter((x) => x.name === 'type' && x.value.kind === 'scalar').pop();
    const def: LayerDef = {
      field: f,
      msg,
      legacy: f.name === 'layers',
      key: typeField ? normaliseType((typeField.value as Scalar).value) : '',
      bottoms: scalars(msg, 'bottom'),
      tops: scalars(msg, 'top'),
    };
    if (nameField) {
      def.nameField = nameField;
      def.name = nameField.value as Scalar;
    }
    if (typeField) {
      def.typeField = typeField;
      def.type = typeField.value as Scalar;
    }
    defs.push(def);
  }
  return defs;
}

/** TRAIN-only layers that have a twin (same name, or same new tops) in the TEST net. */
function droppedTwins(defs: LayerDef[]): Set<LayerDef> {
  const dropped = new Set<LayerDef>();
  const keyOf = (d: LayerDef) => {
    const ins = new Set(d.bottoms.map((b) => b.value));
    return [
      d.name ? `n:${d.name.value}` : '',
      ...d.tops.filter((t) => !ins.has(t.value)).map((t) => `t:${t.value}`),
    ].filter(Boolean);
  };
  const testKeys = new Set<string>();
  for (const d of defs) if (!trainOnly(d.msg)) for (const k of keyOf(d)) testKeys.add(k);
  for (const d of defs) if (trainOnly(d.msg) && keyOf(d).some((k) => testKeys.has(k))) dropped.add(d);
  return dropped;
}

export function lowerCaffe(doc: Document): Lowered {
  const diagnostics: EngineDiagnostic[] = [];
  const diag = (code: Code, span: Span, message: string) => diagnostics.push(makeDiagnostic(code, span, message));
  const r = new Reader(diag);
  const layers: Layer[] = [];
  const layerDefsOut: LayerDef[] = [];
  const inputSize: Scalar[] = [];
  const graph: Graph = {
    format: 'caffe',
    name: 'network',
    input: { h: 0, w: 0, c: 0, batch: 1 },
    width: { alpha: 1 },
    layers,
    headerSpan: { start: 0, end: 0 },
  };
  /** Blob name → producing layer (-1: the network input). */
  const blobs = new Map<string, number>();
  /** Blobs that are not tensors LayerLint follows: labels, extra inputs, loss outputs. */
  const aux = new Set<string>();
  let haveInput = false;

  const setInput = (input: NetworkInput, blob: string | undefined, size: Scalar[]) => {
    if (haveInput) {
      if (blob !== undefined) aux.add(blob);
      return;
    }
    haveInput = true;
    graph.input = input;
    if (blob !== undefined) blobs.set(blob, -1);
    inputSize.push(...size);
    if (graph.headerSpan.end === 0 && input.span) graph.headerSpan = input.span;
  };

  /** N, C, H, W (or N, C) from dim values; reports a shape of any other length. */
  const fromDims = (dims: Scalar[], span: Span, blob: string | undefined) => {
    const v = dims.map((d) => r.int(d, 1, 'dim'));
    if (v.some((x) => x === undefined)) return;
    if (v.length !== 4 && v.length !== 2) {
      diag(
        'invalid-value',
        dims[0]?.span ?? span,
        `An input shape needs 4 dims (N, C, H, W), or 2 (N, C); found ${v.length}.`,
      );
      return;
    }
    const [n, c, h, w] = v as number[];
    setInput({ batch: n!, c: c!, h: h ?? 1, w: w ?? 1, span }, blob, dims.length === 4 ? [dims[2]!, dims[3]!] : []);
  };

  // Top level: name, legacy inputs, unknown fields.
  const root = doc.root;
  if (isSolver(root)) return { graph, diagnostics, defs: [], layerDefs: layerDefsOut, inputSize };
  const inputBlobs = fieldsOf(root, 'input');
  const inputDims = scalars(root, 'input_dim');
  const inputShapes = fieldsOf(root, 'input_shape');
  for (const f of root.fields) {
    if (!TOP_LEVEL.has(f.name))
      diag('unknown-option', f.nameSpan, `'${f.name}' is not a field of a Caffe net (NetParameter).`);
    else if (f.name === 'name' && f.value.kind === 'scalar') {
      graph.name = f.value.value || 'network';
      graph.nameSpan = f.span;
      graph.headerSpan = f.span;
    }
  }
  inputBlobs.forEach((f, k) => {
    const blob = f.value.kind === 'scalar' ? f.value.value : undefined;
    const shape = inputShapes[k];
    const span = {
      start: f.span.start,
      end: Math.max(f.span.end, shape?.span.end ?? 0, k === 0 ? (inputDims[3]?.span.end ?? 0) : 0),
    };
    if (shape && shape.value.kind === 'message') fromDims(scalars(shape.value, 'dim'), span, blob);
    else if (inputDims.length >= 4 * (k + 1) || (k === 0 && inputDims.length === 2))
      fromDims(inputDims.slice(4 * k, 4 * k + 4), span, blob);
    else if (blob !== undefined) {
      if (k === 0)
        diag(
          'missing-input',
          f.span,
          `Input '${blob}' has no size: add four input_dim lines (N, C, H, W) or an input_shape { dim: ... } block.`,
        );
      aux.add(blob);
    }
  });

  const defs = layerDefs(doc);
  const dropped = droppedTwins(defs);

  const uniqueName = uniqueNamer();

  const dataInput = (d: LayerDef) => {
    const shape = sub(sub(d.msg, 'input_param'), 'shape') ?? sub(sub(d.msg, 'dummy_data_param'), 'shape');
    const span = d.field.span;
    const top = d.tops[0]?.value;
    if (shape) return fromDims(scalars(shape, 'dim'), span, top);
    const mem = sub(d.msg, 'memory_data_param');
    if (mem) {
      const c = r.intField(mem, 'channels', 0, 1),
        h = r.intField(mem, 'height', 0, 1),
        w = r.intField(mem, 'width', 0, 1);
      if (c && h && w)
        return setInput({ batch: r.intField(mem, 'batch_size', 1, 1), c, h, w, span }, top, [
          last(mem, 'height')!,
          last(mem, 'width')!,
        ]);
    }
    // Data layers: the crop (or resize) is the network input; 3 channels; data_param.batch_size
    // is the loader's mini-batch, not the deployed batch, so the net is analysed per image.
    const crop = last(sub(d.msg, 'transform_param'), 'crop_size');
    const img = sub(d.msg, 'image_data_param');
    if (crop) {
      const side = r.int(crop, 1, 'crop_size');
      if (side) return setInput({ batch: 1, c: 3, h: side, w: side, span }, top, [crop]);
    } else if (last(img, 'new_height') && last(img, 'new_width')) {
      const h = r.intField(img, 'new_height', 0, 1),
        w = r.intField(img, 'new_width', 0, 1);
      if (h && w)
        return setInput({ batch: 1, c: 3, h, w, span }, top, [last(img, 'new_height')!, last(img, 'new_width')!]);
    }
    if (!haveInput)
      diag(
        'missing-input',
        d.typeField?.span ?? d.field.nameSpan,
        `This ${d.type?.value ?? 'data'} layer does not say the input size: add transform_param { crop_size: ... } or an Input layer with input_param { shape { dim: ... } }.`,
      );
    if (top !== undefined) aux.add(top);
  };

  const resolve = (b: Scalar): number | undefined => {
    const found = blobs.get(b.value);
    if (found !== undefined) return found;
    if (!aux.has(b.value))
      diag('unknown-name', b.span, `No layer or input writes a blob named '${b.value}' above this layer.`);
    return undefined;
  };

  const add = (d: LayerDef, name: string, op: LayerOp, inputs: number[]): number | undefined => {
    if (layers.length >= LIMITS.maxLayers) return undefined;
    const index = layers.length;
    const span = d.nameField?.span ?? d.typeField?.span ?? d.field.nameSpan;
    layers.push({
      index,
      name: uniqueName(name),
      opText: d.type?.value ?? '?',
      op,
      inputs,
      span,
      site: d.field.span,
      statement: d.field.span,
    });
    layerDefsOut.push(d);
    return index;
  };

  /** num_output of DepthwiseConvolution layers, whose multiplier needs the input channels. */
  const dwOut = new Map<number, number>();
  let limitHit = false;
  for (const d of defs) {
    if (dropped.has(d)) continue;
    if (layers.length >= LIMITS.maxLayers) {
      if (!limitHit)
        diag(
          'limit-exceeded',
          d.field.span,
          `The net has more than ${LIMITS.maxLayers.toLocaleString('en-US')} layers; analysis stops here.`,
        );
      limitHit = true;
      break;
    }
    if (!d.type) {
      diag('invalid-value', d.field.nameSpan, "This layer has no 'type'.");
      for (const t of d.tops) aux.add(t.value);
      continue;
    }
    const key = d.key;
    if (INPUT_TYPES.has(key)) {
      dataInput(d);
      for (const t of d.tops.slice(1)) aux.add(t.value);
      continue;
    }
    if (isHead(key)) {
      for (const t of d.tops) aux.add(t.value);
      continue;
    }
    const resolved = d.bottoms.map(resolve);
    const inputs = resolved.every((x) => x !== undefined) ? (resolved as number[]) : [];
    if (key === 'split') {
      for (const t of d.tops) {
        if (inputs.length) blobs.set(t.value, inputs[0]!);
        else aux.add(t.value);
      }
      continue;
    }
    const base = d.name?.value || `${d.type.value}${layers.length}`;
    if (key === 'slice') {
      const p = sub(d.msg, 'slice_param');
      const axisText = String(last(p, 'axis') ? r.intField(p, 'axis', 1, -4) : r.intField(p, 'slice_dim', 1, -4));
      const axis = AXES[axisText];
      const points = r.ints(p, 'slice_point', 1);
      d.tops.forEach((t, index) => {
        const op: LayerOp = axis
          ? { kind: 'slice', axis, index, count: d.tops.length, points }
          : { kind: 'unknown', type: `${d.type!.value} (axis ${axisText})` };
        const i = add(d, d.tops.length > 1 ? `${base}:${t.value}` : base, op, inputs);
        if (i !== undefined) blobs.set(t.value, i);
      });
      if (points.length && points.length !== d.tops.length - 1)
        diag(
          'invalid-value',
          last(p, 'slice_point')!.span,
          `Slice with ${d.tops.length} tops needs ${d.tops.length - 1} slice_point values, not ${points.length}.`,
        );
      continue;
    }
    const built = buildOp(d, key, r, inputs.length, diag);
    const i = add(d, base, built ?? { kind: 'identity' }, built ? inputs : []);
    if (i === undefined) continue;
    if (built?.kind === 'dwconv') dwOut.set(i, Number(last(sub(d.msg, 'convolution_param'), 'num_output')!.value));
    if (d.tops.length === 0 && !d.bottoms.length)
      diag('invalid-value', d.field.nameSpan, 'This layer has neither bottom nor top.');
    for (const t of d.tops) blobs.set(t.value, i);
  }
  if (!haveInput && !diagnostics.some((x) => x.code === 'missing-input')) {
    diag(
      'missing-input',
      { start: 0, end: 0 },
      'No input size: add input: "data" with four input_dim lines (N, C, H, W), or an Input layer with input_param { shape { dim: ... } }.',
    );
  }
  settleDepthwise(graph, dwOut, diag);
  markClassifiers(graph);
  return { graph, diagnostics, defs, layerDefs: layerDefsOut, inputSize };
}

interface ConvGeometry {
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
function convGeometry(
  p: Message | undefined,
  r: Reader,
  d: LayerDef,
  diag: (code: Code, span: Span, message: string) => void,
): ConvGeometry | undefined {
  /** A repeated field (one value for both axes, or H then W), overridden by NAME_h / NAME_w. */
  const pair = (name: string, hw: string, def: number, min: number): [number, number] => {
    const v = r.ints(p, name, min);
    const h = last(p, `${hw}_h`) ? r.intField(p, `${hw}_h`, def, min) : (v[0] ?? def);
    const w = last(p, `${hw}_w`) ? r.intField(p, `${hw}_w`, def, min) : (v[1] ?? v[0] ?? def);
    return [h, w];
  };
  const [kH, kW] = pair('kernel_size', 'kernel', 0, 1);
  if (!kH || !kW) {
    diag(
      'invalid-value',
      d.typeField?.span ?? d.field.nameSpan,
      `This ${d.type?.value} layer needs kernel_size (or kernel_h and kernel_w).`,
    );
    return undefined;
  }
  const [ph, pw] = pair('pad', 'pad', 0, 0);
  const [sh, sw] = pair('stride', 'stride', 1, 1);
  const [dh, dw] = pair('dilation', 'dilation', 1, 1);
  return { kh: kH, kw: kW, sh, sw, ph, pw, dh, dw };
}

/** The IR op of one layer, or undefined (after a diagnostic) when a required value is missing. */
function buildOp(
  d: LayerDef,
  key: string,
  r: Reader,
  nInputs: number,
  diag: (code: Code, span: Span, message: string) => void,
): LayerOp | undefined {
  const type = d.type!.value;
  const needOut = (p: Message | undefined): number | undefined => {
    const s = last(p, 'num_output');
    if (s) return r.int(s, 1, 'num_output');
    diag('invalid-value', d.typeField?.span ?? d.field.nameSpan, `This ${type} layer needs num_output.`);
    return undefined;
  };
  switch (key) {
    case 'convolution':
    case 'deconvolution':
    case 'depthwiseconvolution':
    case 'convolutiondepthwise': {
      const p = sub(d.msg, 'convolution_param');
      const out = needOut(p);
      const g = convGeometry(p, r, d, diag);
      if (!out || !g) return undefined;
      const bias = r.bool(p, 'bias_term', true);
      const common = {
        kh: g.kh,
        kw: g.kw,
        sh: g.sh,
        sw: g.sw,
        dh: g.dh,
        dw: g.dw,
        padding: { kind: 'explicit' as const, h: g.ph, w: g.pw },
        bias,
      };
      if (key === 'depthwiseconvolution' || key === 'convolutiondepthwise')
        return { kind: 'dwconv', ...common, multiplier: 1 };
      const groups = r.intField(p, 'group', 1, 1);
      return { kind: key === 'deconvolution' ? 'deconv' : 'conv', out, ...common, groups, fixed: false };
    }
    case 'innerproduct': {
      const p = sub(d.msg, 'inner_product_param');
      const out = needOut(p);
      return out ? { kind: 'fc', out, bias: r.bool(p, 'bias_term', true) } : undefined;
    }
    case 'pooling': {
      const p = sub(d.msg, 'pooling_param');
      const mode = r.enumField(p, 'pool', ['MAX', 'AVE', 'STOCHASTIC'] as const, 'MAX') === 'MAX' ? 'max' : 'avg';
      const ceil = r.enumField(p, 'round_mode', ['CEIL', 'FLOOR'] as const, 'CEIL') === 'CEIL';
      if (r.bool(p, 'global_pooling', false))
        return { kind: 'pool', mode, global: true, kh: 0, kw: 0, sh: 1, sw: 1, padding: { kind: 'valid' }, ceil };
      const g = convGeometry(p, r, d, diag);
      return g
        ? {
            kind: 'pool',
            mode,
            global: false,
            kh: g.kh,
            kw: g.kw,
            sh: g.sh,
            sw: g.sw,
            padding: { kind: 'explicit', h: g.ph, w: g.pw },
            ceil,
          }
        : undefined;
    }
    case 'batchnorm':
      return { kind: 'bn', affine: false };
    case 'bn':
      // The "BN" layer of several Caffe forks normalises and scales/shifts in one layer.
      return { kind: 'bn' };
    case 'scale': {
      if (nInputs >= 2) return { kind: 'merge', mode: 'mul' };
      return { kind: 'scale', bias: r.bool(sub(d.msg, 'scale_param'), 'bias_term', false) };
    }
    case 'lrn':
      return { kind: 'lrn', size: r.intField(sub(d.msg, 'lrn_param'), 'local_size', 5, 1) };
    case 'relu':
      return r.number(sub(d.msg, 'relu_param'), 'negative_slope', 0) !== 0
        ? { kind: 'act', fn: 'leaky' }
        : { kind: 'act', fn: 'relu' };
    case 'dropout':
      return {
        kind: 'dropout',
        p: Math.min(0.999, Math.max(0, r.number(sub(d.msg, 'dropout_param'), 'dropout_ratio', 0.5))),
      };
    case 'flatten':
      return { kind: 'flatten' };
    case 'eltwise': {
      const op = r.enumField(sub(d.msg, 'eltwise_param'), 'operation', ['PROD', 'SUM', 'MAX'] as const, 'SUM');
      return { kind: 'merge', mode: op === 'PROD' ? 'mul' : 'add' };
    }
    case 'concat': {
      const p = sub(d.msg, 'concat_param');
      const axis = last(p, 'axis') ? r.intField(p, 'axis', 1, -4) : r.intField(p, 'concat_dim', 1, -4);
      return AXES[String(axis)] === 'c'
        ? { kind: 'merge', mode: 'concat' }
        : { kind: 'unknown', type: `${type} (axis ${axis})` };
    }
    case 'upsample':
      return { kind: 'upsample', factor: r.intField(sub(d.msg, 'upsample_param'), 'scale', 2, 1) };
    case 'shufflechannel':
      return { kind: 'identity' };
    default: {
      const act = ACTS[key];
      if (act) return { ...act };
      // Unknown type: its output shape is unknown (a num_output alone does not give the shape).
      return { kind: 'unknown', type };
    }
  }
}

/**
 * A Convolution whose `group` equals its input channels is a depthwise convolution: it
 * becomes a `dwconv` (multiplier = num_output / C_in), so the width multiplier α scales it
 * as a depthwise layer. DepthwiseConvolution layers get their multiplier the same way.
 * Needs input channels, hence after lowering; repeated until no layer changes.
 */
function settleDepthwise(
  graph: Graph,
  dwOut: Map<number, number>,
  diag: (code: Code, span: Span, message: string) => void,
) {
  const reported = new Set<number>();
  for (let pass = 0; pass < 16; pass++) {
    const { shapes, input } = inferShapes(graph);
    let changed = false;
    for (const l of graph.layers) {
      const src = l.inputs[0];
      const inShape = src === undefined ? null : src < 0 ? input : shapes[src];
      if (!inShape) continue;
      const c = inShape[2];
      const op = l.op;
      if (op.kind === 'conv' && op.groups > 1 && op.groups === c && op.out % c === 0) {
        l.op = {
          kind: 'dwconv',
          kh: op.kh,
          kw: op.kw,
          sh: op.sh,
          sw: op.sw,
          dh: op.dh,
          dw: op.dw,
          padding: op.padding,
          bias: op.bias,
          multiplier: op.out / c,
        };
        changed = true;
      } else if (op.kind === 'dwconv' && dwOut.has(l.index)) {
        const want = dwOut.get(l.index);
        const m = want !== undefined && want % c === 0 ? want / c : 1;
        if (want !== undefined && want % c !== 0 && !reported.has(l.index)) {
          reported.add(l.index);
          diag(
            'channel-mismatch',
            l.span,
            `A depthwise convolution on ${c} channels cannot have num_output ${want}: it must be a multiple of ${c}.`,
          );
        }
        if (m !== op.multiplier) {
          op.multiplier = m;
          changed = true;
        }
      }
    }
    if (!changed) return;
  }
}

/** A conv with no weighted layer after it is the classifier: α does not scale its outputs. */
function markClassifiers(graph: Graph) {
  const n = graph.layers.length;
  const weightedAfter = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const l = graph.layers[i]!;
    const weighted = l.op.kind === 'conv' || l.op.kind === 'dwconv' || l.op.kind === 'deconv' || l.op.kind === 'fc';
    for (const j of l.inputs) if (j >= 0 && (weighted || weightedAfter[i])) weightedAfter[j] = 1;
    if ((l.op.kind === 'conv' || l.op.kind === 'deconv') && !weightedAfter[i]) l.op.fixed = true;
  }
}
