// Keras layers → IR. Keras is channels-last, so a [H, W, C] map is the IR's own shape, a
// [T, D] sequence is [T, 1, D] and a vector [F] is [1, 1, F]. Each layer becomes one IR
// layer, plus one for a fused `activation` (`NAME/relu`); SeparableConv2D becomes its
// depthwise and pointwise convolutions. A layer this file cannot shape and cost exactly is
// `{ kind: 'unknown', type }` naming the class and why; so is a Dense that reads a map
// (Keras applies it along the last axis, which the IR's fc does not).
//
// Contract: lowerKeras never throws; every input reference resolves to an earlier layer or
// gets an `unknown-name` diagnostic at the referring layer.
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import {
  emptyGraph,
  globalPool,
  type Activation,
  type Graph,
  type Layer,
  type LayerOp,
  type Padding,
  type Span,
} from '../../core/ir';
import { inferShapes } from '../../core/shapes';

export interface KerasLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** `inbound_nodes` as JSON (Keras 2 nested lists or Keras 3 args objects). */
  inbound: unknown;
  span: Span;
  statement: Span;
}

const ACTIVATIONS: Record<string, Activation> = {
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  swish: 'silu',
  silu: 'silu',
  hard_swish: 'hswish',
  hard_silu: 'hswish',
  gelu: 'gelu',
  softmax: 'softmax',
  mish: 'mish',
  leaky_relu: 'leaky',
  elu: 'linear',
  selu: 'linear',
  softplus: 'linear',
  softsign: 'linear',
  hard_sigmoid: 'linear',
  exponential: 'linear',
};

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const pair = (v: unknown, fallback: number): [number, number] =>
  Array.isArray(v) ? [num(v[0], fallback), num(v[1] ?? v[0], fallback)] : [num(v, fallback), num(v, fallback)];
const padding = (v: unknown): Padding => (v === 'same' ? { kind: 'same' } : { kind: 'valid' });

/** One layer's IR ops in order (each reads the previous), or why it has none. */
function opsOf(l: KerasLayer, inputs: number): { ops: [string, LayerOp][] } | { why: string } {
  const c = l.config;
  const act = (): [string, LayerOp][] => {
    const a = c.activation;
    if (a === undefined || a === null || a === 'linear') return [];
    const fn = typeof a === 'string' ? ACTIVATIONS[a] : undefined;
    return fn
      ? [[String(a), { kind: 'act', fn }]]
      : [['?', { kind: 'unknown', type: `activation ${JSON.stringify(a)}` }]];
  };
  const [kh, kw] = pair(c.kernel_size, 1);
  const [sh, sw] = pair(c.strides, 1);
  const [dh, dw] = pair(c.dilation_rate, 1);
  const bias = c.use_bias !== false;
  const depthwise = (withBias: boolean): LayerOp => ({
    kind: 'dwconv',
    kh,
    kw,
    sh,
    sw,
    padding: padding(c.padding),
    dh,
    dw,
    multiplier: num(c.depth_multiplier, 1),
    bias: withBias,
  });
  const channelsFirst = c.data_format === 'channels_first';
  if (channelsFirst) return { why: 'data_format channels_first' };
  switch (l.className) {
    case 'InputLayer':
      return { ops: [] };
    case 'Conv2D':
    case 'Conv1D': {
      const conv: LayerOp = {
        kind: 'conv',
        out: num(c.filters, 0),
        kh,
        kw: l.className === 'Conv1D' ? 1 : kw,
        sh,
        sw: l.className === 'Conv1D' ? 1 : sw,
        padding: c.padding === 'causal' ? { kind: 'valid' } : padding(c.padding),
        dh,
        dw: l.className === 'Conv1D' ? 1 : dw,
        groups: num(c.groups, 1),
        bias,
        fixed: false,
      };
      if (c.padding === 'causal') return { why: 'causal padding' };
      return { ops: [[l.className, conv], ...act()] };
    }
    case 'Conv2DTranspose':
      if (c.output_padding) return { why: 'output_padding' };
      return {
        ops: [
          [
            l.className,
            {
              kind: 'deconv',
              out: num(c.filters, 0),
              kh,
              kw,
              sh,
              sw,
              padding: padding(c.padding),
              dh,
              dw,
              groups: 1,
              bias,
              fixed: false,
            },
          ],
          ...act(),
        ],
      };
    case 'DepthwiseConv2D':
      return { ops: [[l.className, depthwise(bias)], ...act()] };
    case 'SeparableConv2D':
      return {
        ops: [
          ['depthwise', depthwise(false)],
          [
            'pointwise',
            {
              kind: 'conv',
              out: num(c.filters, 0),
              kh: 1,
              kw: 1,
              sh: 1,
              sw: 1,
              padding: { kind: 'valid' },
              dh: 1,
              dw: 1,
              groups: 1,
              bias,
              fixed: false,
            },
          ],
          ...act(),
        ],
      };
    case 'Dense':
      return { ops: [[l.className, { kind: 'fc', out: num(c.units, 0), bias }], ...act()] };
    case 'BatchNormalization': {
      const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis;
      if (axis !== undefined && axis !== -1 && axis !== 3) return { why: `normalisation along axis ${axis}` };
      const center = c.center !== false;
      const scale = c.scale !== false;
      // Only β (Keras InceptionV3's scale=False) or only γ: the normalisation, then C learned values.
      if (center !== scale)
        return {
          ops: [
            [l.className, { kind: 'bn', affine: false }],
            [center ? 'beta' : 'gamma', { kind: 'scale', bias: false }],
          ],
        };
      return { ops: [[l.className, { kind: 'bn', affine: center }]] };
    }
    case 'Activation':
      return act().length ? { ops: act() } : { ops: [[l.className, { kind: 'identity' }]] };
    case 'ReLU':
      return { ops: [[l.className, { kind: 'act', fn: c.max_value === 6 ? 'relu6' : 'relu' }]] };
    case 'LeakyReLU':
      return { ops: [[l.className, { kind: 'act', fn: 'leaky' }]] };
    case 'Softmax':
      return { ops: [[l.className, { kind: 'act', fn: 'softmax' }]] };
    case 'ELU':
    case 'Rescaling':
    case 'Normalization':
      // Element-wise; Normalization's mean and variance are statistics, not parameters.
      return { ops: [[l.className, { kind: 'act', fn: 'linear' }]] };
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const [ph, pw] = pair(c.pool_size, 2);
      const [ssh, ssw] = c.strides === null || c.strides === undefined ? [ph, pw] : pair(c.strides, 1);
      const mode = l.className === 'MaxPooling2D' ? 'max' : 'avg';
      return {
        ops: [
          [
            l.className,
            {
              kind: 'pool',
              mode,
              global: false,
              kh: ph,
              kw: pw,
              sh: ssh,
              sw: ssw,
              padding: padding(c.padding),
              ceil: false,
            },
          ],
        ],
      };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      const mode = l.className === 'GlobalMaxPooling2D' ? 'max' : 'avg';
      return {
        ops: [[l.className, globalPool(mode)]],
      };
    }
    case 'Flatten':
      return { ops: [[l.className, { kind: 'flatten' }]] };
    case 'Dropout':
    case 'SpatialDropout2D':
      return { ops: [[l.className, { kind: 'dropout', p: num(c.rate, 0.5) }]] };
    case 'ZeroPadding2D': {
      const p = c.padding;
      const [[top, bottom], [left, right]] = Array.isArray(p)
        ? (p.map((x) => pair(x, 0)) as [[number, number], [number, number]])
        : [pair(p, 1), pair(p, 1)];
      return { ops: [[l.className, { kind: 'pad', top, bottom, left, right }]] };
    }
    case 'UpSampling2D': {
      const [fh, fw] = pair(c.size, 2);
      if (fh !== fw) return { why: `factors ${fh} and ${fw}` };
      return { ops: [[l.className, { kind: 'upsample', factor: fh }]] };
    }
    case 'Reshape': {
      const t = Array.isArray(c.target_shape) ? c.target_shape.map((x) => num(x, 0)) : [];
      if (t.length < 1 || t.length > 3 || t.some((x) => x < 1))
        return { why: `target shape ${JSON.stringify(c.target_shape)}` };
      const [h, c2] = t.length === 1 ? [1, t[0]!] : t.length === 2 ? [t[0]!, t[1]!] : [t[0]!, t[2]!];
      return { ops: [[l.className, { kind: 'reshape', h, c: c2 }]] };
    }
    case 'Add':
    case 'Multiply':
      if (inputs < 2) return { why: 'fewer than two operands' };
      return { ops: [[l.className, { kind: 'merge', mode: l.className === 'Add' ? 'add' : 'mul' }]] };
    case 'Concatenate': {
      const axis = c.axis ?? -1;
      if (axis !== -1 && axis !== 3) return { why: `concatenation along axis ${axis}` };
      return { ops: [[l.className, { kind: 'merge', mode: 'concat' }]] };
    }
    default:
      return { why: 'a layer class LayerLint does not cost' };
  }
}

/** The layer names a layer reads, from Keras 2 (`[[["name", 0, 0, {}]]]`) or Keras 3 (`[{args: [...keras_history]}]`) inbound nodes. */
export function inboundNames(inbound: unknown): string[] | 'shared' {
  if (!Array.isArray(inbound) || inbound.length === 0) return [];
  if (inbound.length > 1) return 'shared';
  const node = inbound[0];
  const names: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') names.push(v[0]);
      else v.forEach(walk);
    } else if (v && typeof v === 'object') {
      const history = (v as { config?: { keras_history?: unknown } }).config?.keras_history;
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0]);
      else Object.values(v).forEach(walk);
    }
  };
  walk(Array.isArray(node) ? node : (node as { args?: unknown })?.args);
  return names;
}

export function lowerKeras(
  layers: KerasLayer[],
  model: { sequential: boolean; name: string; inputLayers: unknown; header: Span },
): { graph: Graph; diagnostics: EngineDiagnostic[] } {
  const diagnostics: EngineDiagnostic[] = [];
  const graph = emptyGraph('keras', model.name, model.header);
  /** Keras layer name → the IR layer holding its output (-1: the network input). */
  const outputOf = new Map<string, number>();
  let inputLayer: string | undefined;
  let previous = -1;
  for (const l of layers) {
    const shape = (l.config.batch_input_shape ?? l.config.batch_shape) as unknown;
    if (Array.isArray(shape) && graph.input.c === 0) {
      const dims = shape.slice(1).map((d) => num(d, 0));
      const [h, w, c] = dims.length === 3 ? dims : dims.length === 2 ? [dims[0]!, 1, dims[1]!] : [1, 1, dims[0] ?? 0];
      if (dims.length >= 1 && dims.length <= 3 && h! > 0 && w! > 0 && c! > 0)
        graph.input = { h: h!, w: w!, c: c!, batch: 1, span: l.span };
      else
        diagnostics.push(
          makeDiagnostic(
            'missing-input',
            l.span,
            `The input shape ${JSON.stringify(shape)} has unknown or unsupported sizes.`,
          ),
        );
      inputLayer = l.name;
    }
    if (l.className === 'InputLayer') {
      outputOf.set(l.name, -1);
      continue;
    }
    let from: number[] = [previous];
    if (!model.sequential) {
      const names = inboundNames(l.inbound);
      if (names === 'shared' || names.length === 0) {
        const why = names === 'shared' ? 'a layer called more than once' : 'it reads no layer';
        previous = add(graph, l, '', { kind: 'unknown', type: `${l.className} (${why})` }, []);
        outputOf.set(l.name, previous);
        continue;
      }
      from = [];
      for (const n of names) {
        const i = outputOf.get(n);
        if (i === undefined)
          diagnostics.push(
            makeDiagnostic('unknown-name', l.span, `Layer '${l.name}' reads '${n}', which no earlier layer makes.`),
          );
        else from.push(i);
      }
      if (from.length < names.length) continue;
    }
    const lowered = opsOf(l, from.length);
    if ('why' in lowered) {
      previous = add(graph, l, '', { kind: 'unknown', type: `${l.className} (${lowered.why})` }, from);
    } else {
      let ins = from;
      lowered.ops.forEach(([what, op], k) => {
        ins = [add(graph, l, k === 0 ? '' : `/${what}`, op, ins)];
      });
      if (lowered.ops.length) previous = ins[0]!;
      else if (from.length === 1) previous = from[0]!;
    }
    outputOf.set(l.name, previous);
  }
  if (graph.input.c === 0 && !diagnostics.some((d) => d.code === 'missing-input'))
    diagnostics.push(
      makeDiagnostic(
        'missing-input',
        model.header,
        `The model states no input shape${inputLayer ? '' : ' (no batch_input_shape)'}.`,
      ),
    );
  denseOnMaps(graph);
  return { graph, diagnostics };
}

function add(graph: Graph, l: KerasLayer, suffix: string, op: LayerOp, inputs: number[]): number {
  const layer: Layer = {
    index: graph.layers.length,
    name: `${l.name || l.className}${suffix}`,
    opText: suffix ? suffix.slice(1) : l.className,
    op,
    inputs: inputs.length ? inputs : [-1],
    span: l.span,
    site: l.statement,
    statement: l.statement,
  };
  graph.layers.push(layer);
  return layer.index;
}

/** A Dense on an H x W map (not 1 x 1) works along the last axis in Keras: not the IR's fc, so unknown. */
function denseOnMaps(graph: Graph): void {
  for (let round = 0; round < 100; round++) {
    const { input, shapes } = inferShapes(graph);
    const bad = graph.layers.find((l) => {
      if (l.op.kind !== 'fc') return false;
      const i = l.inputs[0]!;
      const s = i < 0 ? input : shapes[i];
      return !!s && (s[0] !== 1 || s[1] !== 1);
    });
    if (!bad) return;
    bad.op = { kind: 'unknown', type: 'Dense (on a map: Keras applies it along the last axis)' };
  }
}
