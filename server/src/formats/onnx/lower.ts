// ONNX graph → IR. Nodes are walked in file order (ONNX requires topological order); every
// value gets either constant contents (initializers, Constant, and shape arithmetic folded as
// onnx-tool does: Shape, Gather, Concat, Unsqueeze, ...), or an N-D tensor shape inferred
// here, or "unknown". A node on tensors becomes IR layers (one per output) whose [H, W, C]
// is the tensor's canonical view: [N, C, H, W] → [H, W, C], [N, C, L] → [L, 1, C],
// [N, F] → [1, 1, F], higher ranks → [1, elements, 1]. A node this file cannot shape and
// cost exactly becomes `{ kind: 'unknown', type }` naming the op and why; every node fed by
// an unknown value is an identity that core shapes leave unknown (never counted).
//
// Contract: lowerOnnx never throws; after lowering, core shape inference is run and a layer
// whose IR shape differs from the tensor's canonical view is made unknown (so no figure from
// a mismatched lowering is ever shown as exact).
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import type { Graph, Layer, LayerOp, Padding, Shape } from '../../core/ir';
import { inferShapes, poolOutSize } from '../../core/shapes';
import {
  attribute,
  floatAttr,
  intAttr,
  intsAttr,
  numel,
  stringAttr,
  tensorValues,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './decode';

/** What a value name stands for while the graph is walked. */
type Value =
  | { kind: 'const'; dims: number[]; values?: number[]; initializer: boolean }
  /** `pads` (ONNX order, begins then ends): a Pad not yet applied, folded into the Conv or pooling that reads it. */
  | { kind: 'tensor'; dims: number[]; layer: number; pads?: number[] }
  /** Unknown shape: made by (or downstream of) layer `layer`, or not made by anything (-2). */
  | { kind: 'unknown'; layer: number; why: string };

type Const = Extract<Value, { kind: 'const' }>;
type Tensor = Extract<Value, { kind: 'tensor' }>;

/** One IR layer a node lowers to, with the N-D shape of the tensor it makes. */
interface Out {
  op: LayerOp;
  dims: number[];
}

/** What a node on tensors becomes: layers (one per output), or a reason it cannot be costed. */
type Lowering = Out[] | string;

export interface OnnxLowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  /** The ONNX node each layer came from (index into graph.node), for findings that name it. */
  nodeOf: number[];
}

const NOWHERE = { start: 0, end: 0 };

export function lowerOnnx(g: GraphProto, name: string, opset: number): OnnxLowered {
  const diagnostics: EngineDiagnostic[] = [];
  const note = (code: 'assumed-dimension' | 'missing-input' | 'syntax-error', message: string) =>
    diagnostics.push(makeDiagnostic(code, NOWHERE, message));
  const values = new Map<string, Value>();
  for (const t of g.initializer ?? []) values.set(t.name ?? '', constOf(t, true));
  const graph: Graph = {
    format: 'onnx',
    name: name || g.name || 'model',
    input: { h: 0, w: 0, c: 0, batch: 1 },
    width: { alpha: 1 },
    layers: [],
    headerSpan: NOWHERE,
  };
  const batch = readInput(g, values, graph, note);
  const expected: (Shape | undefined)[] = [];
  const nodeOf: number[] = [];
  const names = new Set<string>();

  const addLayer = (nodeIndex: number, node: NodeProto, suffix: string, op: LayerOp, inputs: number[]): number => {
    const base = (node.name || `${node.opType}_${nodeIndex}`) + suffix;
    let layerName = base;
    for (let k = 2; names.has(layerName); k++) layerName = `${base}_${k}`;
    names.add(layerName);
    const layer: Layer = {
      index: graph.layers.length,
      name: layerName,
      opText: node.opType || '?',
      op,
      inputs,
      span: NOWHERE,
      site: NOWHERE,
      statement: NOWHERE,
    };
    graph.layers.push(layer);
    nodeOf.push(nodeIndex);
    return layer.index;
  };

  (g.node ?? []).forEach((node, nodeIndex) => {
    const ins = (node.input ?? []).map((n) =>
      n === ''
        ? undefined
        : (values.get(n) ?? ({ kind: 'unknown', layer: -2, why: `'${n}' is made by no node` } as Value)),
    );
    const outs = (node.output ?? []).filter((o) => o !== '');
    const tensors = ins.filter((v): v is Tensor | Extract<Value, { kind: 'unknown' }> => !!v && v.kind !== 'const');
    if (tensors.length === 0) {
      // Constant arithmetic: folded when this file knows the op, else an unknown constant.
      const folded = foldConstant(node, ins as (Const | undefined)[]);
      outs.forEach((o, k) =>
        values.set(o, folded?.[k] ?? { kind: 'unknown', layer: -2, why: `it reads ${node.opType} of constants` }),
      );
      return;
    }
    const inputLayers = tensors.map((t) => t.layer);
    const unknownIn = tensors.find((t) => t.kind === 'unknown');
    if (node.opType === 'Shape' || node.opType === 'Size') {
      const x = ins[0];
      if (x?.kind === 'tensor') {
        const dims = node.opType === 'Size' ? [numel(x.dims)] : shapeSlice(node, x.dims);
        outs.forEach((o) => values.set(o, { kind: 'const', dims: [dims.length], values: dims, initializer: false }));
        return;
      }
    }
    if (unknownIn) {
      if (unknownIn.layer === -2) {
        const index = addLayer(
          nodeIndex,
          node,
          '',
          { kind: 'unknown', type: `${node.opType} (${unknownIn.why})` },
          inputLayers.filter((i) => i !== -2),
        );
        outs.forEach((o) => values.set(o, { kind: 'unknown', layer: index, why: 'unknown' }));
        return;
      }
      // Downstream of an unknown layer: no shape, not counted, no diagnostic of its own.
      outs.forEach((o, k) => {
        const index = addLayer(nodeIndex, node, outs.length > 1 ? `:${k}` : '', { kind: 'identity' }, inputLayers);
        values.set(o, { kind: 'unknown', layer: index, why: 'unknown' });
      });
      return;
    }
    const x = ins[0];
    if (node.opType === 'Pad' && x?.kind === 'tensor' && !x.pads) {
      // No layer of its own: the Conv or pooling that reads it takes the pads (lowerNode).
      const pads = intsAttr(node, 'pads') ?? constValues(ins[1]);
      const r = x.dims.length;
      if (pads?.length === 2 * r && pads.every((p, i) => p >= 0 && (i % r >= 2 || p === 0))) {
        if (outs[0] !== undefined) values.set(outs[0], { ...x, pads: pads.some((p) => p > 0) ? pads : undefined });
        return;
      }
    }
    const lowered = lowerNode(node, ins, batch, opset);
    if (typeof lowered === 'string') {
      const index = addLayer(
        nodeIndex,
        node,
        '',
        { kind: 'unknown', type: `${node.opType} (${lowered})` },
        inputLayers,
      );
      outs.forEach((o) => values.set(o, { kind: 'unknown', layer: index, why: 'unknown' }));
      return;
    }
    lowered.forEach((out, k) => {
      const o = outs[k];
      const index = addLayer(nodeIndex, node, lowered.length > 1 ? `:${k}` : '', out.op, inputLayers);
      expected[index] = canonical(out.dims, batch);
      if (o !== undefined) values.set(o, { kind: 'tensor', dims: out.dims, layer: index });
    });
  });

  checkAgainstCore(graph, expected);
  checkValueInfo(g, values, graph, batch);
  return { graph, diagnostics, nodeOf };
}

/** The network input: the first graph input that is not an initializer; a symbolic batch counts 1 item. */
function readInput(
  g: GraphProto,
  values: Map<string, Value>,
  graph: Graph,
  note: (code: 'assumed-dimension' | 'missing-input' | 'syntax-error', message: string) => void,
): number {
  const inputs = (g.input ?? []).filter((i) => !values.has(i.name ?? ''));
  if (inputs.length === 0) {
    note('missing-input', 'The model has no graph input, so no shapes or costs can be inferred.');
    return 1;
  }
  const first = inputs[0]!;
  for (const other of inputs.slice(1))
    values.set(other.name ?? '', { kind: 'unknown', layer: -2, why: `it reads a second graph input '${other.name}'` });
  const dims = first.type?.tensorType?.shape?.dim ?? [];
  const known: number[] = [];
  let symbolic = '';
  dims.forEach((d, k) => {
    const v = d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : undefined;
    if (v !== undefined && v > 0) known.push(v);
    else if (k === 0) {
      symbolic = d.dimParam || '?';
      known.push(1);
    } else known.push(0);
  });
  if (known.length < 2 || known.some((v) => v === 0)) {
    note(
      'missing-input',
      `The graph input '${first.name}' has ${known.length < 2 ? 'no batched shape' : 'a symbolic size other than the batch'} (${describeDims(dims)}), so no shapes or costs can be inferred.`,
    );
    values.set(first.name ?? '', { kind: 'unknown', layer: -2, why: `its input '${first.name}' has no fixed shape` });
    return 1;
  }
  if (symbolic)
    note(
      'assumed-dimension',
      `The batch dimension of '${first.name}' is symbolic ('${symbolic}'): LayerLint counts one item.`,
    );
  const batch = known[0]!;
  const s = canonical(known, batch)!;
  graph.input = { h: s[0], w: s[1], c: s[2], batch };
  values.set(first.name ?? '', { kind: 'tensor', dims: known, layer: -1 });
  return batch;
}

function describeDims(dims: { dimValue?: number | null; dimParam?: string | null }[]): string {
  return `[${dims.map((d) => (d.dimValue ? String(d.dimValue) : d.dimParam || '?')).join(', ')}]`;
}

function constOf(t: TensorProto, initializer: boolean): Const {
  const dims = (t.dims ?? []).map(Number);
  return { kind: 'const', dims, values: tensorValues(t), initializer };
}

/** The IR view of an N-D tensor of this batch, or undefined when its first axis is not the batch. */
export function canonical(d: readonly number[], batch: number): Shape | undefined {
  if (d.length < 2 || d[0] !== batch) return undefined;
  if (d.length === 2) return [1, 1, d[1]!];
  if (d.length === 3) return [d[2]!, 1, d[1]!];
  if (d.length === 4) return [d[2]!, d[3]!, d[1]!];
  return [1, numel(d.slice(1)), 1];
}

/** Layers whose IR shape (core inference) is not their tensor's canonical view become unknown, first one first. */
function checkAgainstCore(graph: Graph, expected: (Shape | undefined)[]): void {
  for (let round = 0; round < graph.layers.length; round++) {
    const { shapes } = inferShapes(graph);
    const bad = graph.layers.find((l) => {
      const want = expected[l.index];
      const got = shapes[l.index];
      return l.op.kind !== 'unknown' && got && (!want || got.join() !== want.join());
    });
    if (!bad) return;
    const want = expected[bad.index];
    bad.op = {
      kind: 'unknown',
      type: `${bad.opText} (its tensor ${want ? want.join('x') : 'has no [H, W, C] view'}, LayerLint's layer ${shapes[bad.index]!.join('x')})`,
    };
  }
}

/** A layer whose inferred shape contradicts the file's value_info becomes unknown. */
function checkValueInfo(g: GraphProto, values: Map<string, Value>, graph: Graph, batch: number): void {
  const infos: ValueInfoProto[] = [...(g.valueInfo ?? []), ...(g.output ?? [])];
  for (const info of infos) {
    const v = values.get(info.name ?? '');
    if (v?.kind !== 'tensor' || v.layer < 0) continue;
    const dims = info.type?.tensorType?.shape?.dim;
    if (!dims || dims.length === 0) continue;
    const layer = graph.layers[v.layer]!;
    if (layer.op.kind === 'unknown') continue;
    const clash =
      dims.length !== v.dims.length ||
      dims.some((d, k) => {
        const fixed = d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : undefined;
        return fixed !== undefined && fixed > 0 && !(k === 0 && fixed === batch) && fixed !== v.dims[k];
      });
    if (clash)
      layer.op = {
        kind: 'unknown',
        type: `${layer.opText} (the file says ${describeDims(dims)}, LayerLint infers [${v.dims.join(', ')}])`,
      };
  }
}

function shapeSlice(node: NodeProto, dims: number[]): number[] {
  const r = dims.length;
  const norm = (a: number) => Math.min(r, Math.max(0, a < 0 ? a + r : a));
  return dims.slice(norm(intAttr(node, 'start', 0)), norm(intAttr(node, 'end', r)));
}

// ---------------------------------------------------------------- constant folding

function foldConstant(node: NodeProto, ins: (Const | undefined)[]): Const[] | undefined {
  const vals = (k: number) => ins[k]?.values;
  const one = (dims: number[], values: number[] | undefined): Const[] => [
    { kind: 'const', dims, values, initializer: false },
  ];
  switch (node.opType) {
    case 'Constant': {
      const t = attribute(node, 'value')?.t;
      if (t) return [constOf(t, false)];
      const ints = intsAttr(node, 'value_ints');
      if (ints) return one([ints.length], ints);
      const a = attribute(node, 'value_int') ?? attribute(node, 'value_float');
      if (a) return one([], [Number(a.name === 'value_int' ? a.i : a.f)]);
      const floats = attribute(node, 'value_floats')?.floats;
      return floats ? one([floats.length], floats.map(Number)) : undefined;
    }
    case 'Identity':
    case 'Cast':
      return ins[0] ? one(ins[0].dims, vals(0)) : undefined;
    case 'Unsqueeze':
    case 'Squeeze': {
      const x = ins[0];
      const axes = intsAttr(node, 'axes') ?? vals(1);
      if (!x) return undefined;
      const dims = node.opType === 'Unsqueeze' ? unsqueezeDims(x.dims, axes ?? []) : squeezeDims(x.dims, axes);
      return dims ? one(dims, x.values) : undefined;
    }
    case 'Concat': {
      if (ins.some((c) => !c?.values || c.dims.length !== 1)) return undefined;
      const all = ins.flatMap((c) => c!.values!);
      return one([all.length], all);
    }
    case 'Gather': {
      const data = vals(0);
      const idx = vals(1);
      if (!data || !idx || ins[0]!.dims.length !== 1 || intAttr(node, 'axis', 0) !== 0) return undefined;
      const picked = idx.map((i) => data[i < 0 ? i + data.length : i]);
      if (picked.some((p) => p === undefined)) return undefined;
      return one(ins[1]!.dims, picked as number[]);
    }
    case 'Slice': {
      const data = vals(0);
      if (!data || ins[0]!.dims.length !== 1) return undefined;
      const starts = intsAttr(node, 'starts') ?? vals(1);
      const ends = intsAttr(node, 'ends') ?? vals(2);
      const steps = vals(4);
      if (!starts || !ends || (steps && steps[0] !== 1)) return undefined;
      const n = data.length;
      const clamp = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
      const part = data.slice(clamp(starts[0]!), clamp(ends[0]!));
      return one([part.length], part);
    }
    case 'Reshape': {
      const x = ins[0];
      const target = vals(1);
      if (!x || !target) return undefined;
      const dims = reshapeDims(x.dims, target, intAttr(node, 'allowzero', 0) === 1);
      return dims ? one(dims, x.values) : undefined;
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const a = vals(0);
      const b = vals(1);
      if (!a || !b) return undefined;
      const n = Math.max(a.length, b.length);
      if ((a.length !== n && a.length !== 1) || (b.length !== n && b.length !== 1)) return undefined;
      const f = {
        Add: (x: number, y: number) => x + y,
        Sub: (x: number, y: number) => x - y,
        Mul: (x: number, y: number) => x * y,
        Div: (x: number, y: number) => Math.trunc(x / y),
      }[node.opType];
      const out = Array.from({ length: n }, (_, i) => f(a[a.length === 1 ? 0 : i]!, b[b.length === 1 ? 0 : i]!));
      return one(a.length >= b.length ? ins[0]!.dims : ins[1]!.dims, out);
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- shapes of data movement

function unsqueezeDims(dims: number[], axes: number[]): number[] | undefined {
  const r = dims.length + axes.length;
  const at = new Set(axes.map((a) => (a < 0 ? a + r : a)));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) out.push(at.has(i) ? 1 : dims[k++]!);
  return k === dims.length ? out : undefined;
}

function squeezeDims(dims: number[], axes: number[] | undefined): number[] | undefined {
  const r = dims.length;
  const at = new Set(
    (axes ?? dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => (a < 0 ? a + r : a)),
  );
  if ([...at].some((a) => dims[a] !== 1)) return undefined;
  return dims.filter((_, i) => !at.has(i));
}

function reshapeDims(dims: number[], target: number[], allowZero: boolean): number[] | undefined {
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

// ---------------------------------------------------------------- nodes on tensors

const ACT: Record<string, Extract<LayerOp, { kind: 'act' }>['fn']> = {
  Relu: 'relu',
  LeakyRelu: 'leaky',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  HardSwish: 'hswish',
  Gelu: 'gelu',
  Softmax: 'softmax',
  Mish: 'mish',
};

/** Element-wise ops on one tensor: one op per output element, like an activation. */
const ELEMENTWISE = new Set([
  'HardSigmoid',
  'Elu',
  'Selu',
  'Celu',
  'Softplus',
  'Softsign',
  'PRelu',
  'Erf',
  'Exp',
  'Log',
  'Sqrt',
  'Neg',
  'Abs',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Sin',
  'Cos',
  'LogSoftmax',
  'ThresholdedRelu',
]);

/** Ops that take a preceding Pad into their own pads. */
const PADDED = new Set(['Conv', 'MaxPool', 'AveragePool']);

const MOVES = new Set(['Reshape', 'Transpose', 'Flatten', 'Squeeze', 'Unsqueeze']);

function lowerNode(node: NodeProto, ins: (Value | undefined)[], batch: number, opset: number): Lowering {
  const x = ins[0];
  const op = node.opType ?? '';
  if (x?.kind !== 'tensor') return 'its first input is a constant';
  const d = x.dims;
  if (x.pads && !PADDED.has(op)) return 'it reads a Pad, which LayerLint folds only into a Conv or pooling';
  const same = (o: LayerOp): Out[] => [{ op: o, dims: d }];
  if (ACT[op]) return same({ kind: 'act', fn: ACT[op] });
  if (op === 'Clip') {
    const lo = constScalar(ins[1]) ?? (opset < 11 ? floatAttr(node, 'min', Number.NEGATIVE_INFINITY) : undefined);
    const hi = constScalar(ins[2]) ?? (opset < 11 ? floatAttr(node, 'max', Number.POSITIVE_INFINITY) : undefined);
    return same({ kind: 'act', fn: lo === 0 && hi === 6 ? 'relu6' : lo === 0 && hi === undefined ? 'relu' : 'linear' });
  }
  if (ELEMENTWISE.has(op)) {
    if (op === 'PRelu' && ins[1]?.kind === 'const' && numel(ins[1].dims) > 1) return 'PRelu with learned slopes';
    return same({ kind: 'act', fn: 'linear' });
  }
  switch (op) {
    case 'Identity':
    case 'Cast':
      return same({ kind: 'identity' });
    case 'Dropout':
      return same({ kind: 'dropout', p: constScalar(ins[1]) ?? floatAttr(node, 'ratio', 0.5) });
    case 'Conv':
      return conv(node, x, ins[1], ins[2]);
    case 'ConvTranspose':
      return convTranspose(node, d, ins[1], ins[2]);
    case 'Gemm':
      return gemm(node, d, ins[1], ins[2]);
    case 'MatMul':
      return matmul(d, ins[1]);
    case 'BatchNormalization': {
      const scale = ins[1];
      if (d.length < 2 || scale?.kind !== 'const' || numel(scale.dims) !== d[1])
        return 'scale is not a per-channel constant';
      return same({ kind: 'bn' });
    }
    case 'MaxPool':
    case 'AveragePool':
      return pool(node, x, op === 'MaxPool' ? 'max' : 'avg');
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      if (d.length !== 4) return `a rank-${d.length} input`;
      return globalPool(d, op === 'GlobalMaxPool' ? 'max' : 'avg', true);
    case 'ReduceMean':
    case 'ReduceMax': {
      const axes = (intsAttr(node, 'axes') ?? constValues(ins[1]) ?? []).map((a) => (a < 0 ? a + d.length : a)).sort();
      if (d.length !== 4 || axes.join() !== '2,3') return 'it reduces other axes than H and W';
      return globalPool(d, op === 'ReduceMax' ? 'max' : 'avg', intAttr(node, 'keepdims', 1) === 1);
    }
    case 'Concat':
      return concat(node, ins, d);
    case 'Split':
      return split(node, ins, d, opset);
    case 'Slice':
      return slice(node, ins, d);
    case 'Resize':
    case 'Upsample':
      return resize(ins, d, op);
    case 'Pad':
      return 'a Pad LayerLint folds only into a Conv or pooling right after it';
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return binary(op, ins, d, batch);
  }
  if (MOVES.has(op)) return move(node, ins, d, batch);
  return 'an op LayerLint does not cost';
}

/** Pooling over all of H x W of [N, C, H, W]: [N, C, 1, 1], or [N, C] without `keep`. */
function globalPool(d: number[], mode: 'max' | 'avg', keep: boolean): Out[] {
  const op: LayerOp = {
    kind: 'pool',
    mode,
    global: true,
    kh: d[2]!,
    kw: d[3]!,
    sh: 1,
    sw: 1,
    padding: { kind: 'valid' },
    ceil: false,
  };
  return [{ op, dims: keep ? [d[0]!, d[1]!, 1, 1] : [d[0]!, d[1]!] }];
}

function constScalar(v: Value | undefined): number | undefined {
  return v?.kind === 'const' && v.values?.length === 1 ? v.values[0] : undefined;
}

function constValues(v: Value | undefined): number[] | undefined {
  return v?.kind === 'const' ? v.values : undefined;
}

/** The node's spatial pads (begins, then ends) plus those of a Pad folded into it. */
function padsOf(node: NodeProto, x: Tensor): number[] {
  const spatial = x.dims.length - 2;
  const own = intsAttr(node, 'pads') ?? new Array(2 * spatial).fill(0);
  if (!x.pads) return own;
  const r = x.dims.length;
  return own.map((p, i) => p + x.pads![i < spatial ? 2 + i : r + 2 + (i - spatial)]!);
}

/** Symmetric pads as IR padding; 'asymmetric' when the two sides differ. */
function padding(node: NodeProto, x: Tensor): Padding | 'asymmetric' {
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
function window(node: NodeProto, kernel: number[], spatial: number) {
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

function conv(node: NodeProto, x: Tensor, w: Value | undefined, b: Value | undefined): Lowering {
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

function convTranspose(node: NodeProto, d: number[], w: Value | undefined, b: Value | undefined): Lowering {
  if (d.length !== 4) return `a rank-${d.length} input`;
  if (w?.kind !== 'const' || w.dims.length !== 4) return 'its weights are not a constant tensor';
  if (b && b.kind !== 'const') return 'its bias is not a constant';
  if (intsAttr(node, 'output_shape') || (intsAttr(node, 'output_padding') ?? []).some((p) => p !== 0))
    return 'output_shape or output_padding';
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
  return [
    {
      op: {
        kind: 'deconv',
        out: m,
        kh: k[0],
        kw: k[1],
        sh: s[0],
        sw: s[1],
        padding: pad,
        dh: dil[0],
        dw: dil[1],
        groups,
        bias: !!b,
        fixed: false,
      },
      dims: [d[0]!, m, size(0, d[2]!), size(1, d[3]!)],
    },
  ];
}

function gemm(node: NodeProto, d: number[], w: Value | undefined, c: Value | undefined): Lowering {
  if (d.length !== 2 || intAttr(node, 'transA', 0) !== 0) return 'a transposed or non-matrix input';
  if (w?.kind !== 'const' || w.dims.length !== 2) return 'its weights are not a constant matrix';
  const trans = intAttr(node, 'transB', 0) === 1;
  const [inF, out] = trans ? [w.dims[1]!, w.dims[0]!] : [w.dims[0]!, w.dims[1]!];
  if (inF !== d[1]) return `weights for ${inF} features on ${d[1]}`;
  if (c && (c.kind !== 'const' || numel(c.dims) !== out)) return 'its bias is not a constant of one value per output';
  return [{ op: { kind: 'fc', out, bias: !!c }, dims: [d[0]!, out] }];
}

/** x·W with a constant W on [N, F]: a fully connected layer. On [N, T, D] the product runs along the last axis, which the [N, C, L] view does not hold. */
function matmul(d: number[], w: Value | undefined): Lowering {
  if (w?.kind !== 'const') return 'a product of two computed tensors';
  if (w.dims.length !== 2 || w.dims[0] !== d[d.length - 1]) return 'a constant operand that is not a matrix';
  const out = w.dims[1]!;
  if (d.length === 2) return [{ op: { kind: 'fc', out, bias: false }, dims: [d[0]!, out] }];
  return `a product along the last axis of a rank-${d.length} tensor`;
}

function pool(node: NodeProto, x: Tensor, mode: 'max' | 'avg'): Lowering {
  const d = x.dims;
  const spatial = d.length - 2;
  if (spatial !== 1 && spatial !== 2) return `${spatial}-D pooling`;
  const kernel = intsAttr(node, 'kernel_shape');
  if (!kernel) return 'no kernel_shape';
  const { k, s, dil } = window(node, kernel, spatial);
  if (dil[0] !== 1 || dil[1] !== 1) return 'dilated pooling';
  const pad = padding(node, x);
  if (pad === 'asymmetric') return 'asymmetric padding';
  const ceil = intAttr(node, 'ceil_mode', 0) === 1;
  const oh = poolOutSize(d[2]!, k[0], s[0], pad, 'h', ceil);
  const dims = spatial === 1 ? [d[0]!, d[1]!, oh] : [d[0]!, d[1]!, oh, poolOutSize(d[3]!, k[1], s[1], pad, 'w', ceil)];
  return [
    { op: { kind: 'pool', mode, global: false, kh: k[0], kw: k[1], sh: s[0], sw: s[1], padding: pad, ceil }, dims },
  ];
}

function axisOf(node: NodeProto, rank: number, fallback: number): number {
  const a = intAttr(node, 'axis', fallback);
  return a < 0 ? a + rank : a;
}

/** The IR axis of N-D axis `a` under the canonical view, when it has one. */
function irAxis(rank: number, a: number): 'h' | 'w' | 'c' | undefined {
  if (a === 1) return 'c';
  if (rank === 3 && a === 2) return 'h';
  if (rank === 4) return a === 2 ? 'h' : a === 3 ? 'w' : undefined;
  return undefined;
}

function concat(node: NodeProto, ins: (Value | undefined)[], d: number[]): Lowering {
  const axis = axisOf(node, d.length, 1);
  if (ins.some((v) => v?.kind !== 'tensor')) return 'a constant operand';
  if (ins.length === 1) return [{ op: { kind: 'identity' }, dims: d }];
  const all = ins.map((v) => (v as Tensor).dims);
  if (axis !== 1 || d.length > 4) return `concatenation along axis ${axis}`;
  if (all.some((s) => s.length !== d.length || s.some((v, i) => i !== 1 && v !== d[i])))
    return 'operands of different shapes';
  const dims = [...d];
  dims[1] = all.reduce((a, s) => a + s[1]!, 0);
  return [{ op: { kind: 'merge', mode: 'concat' }, dims }];
}

function split(node: NodeProto, ins: (Value | undefined)[], d: number[], opset: number): Lowering {
  const axis = axisOf(node, d.length, 0);
  const ir = irAxis(d.length, axis);
  const outputs = (node.output ?? []).length;
  const size = d[axis]!;
  const given = opset >= 13 ? constValues(ins[1]) : intsAttr(node, 'split');
  const parts = given ?? (size % outputs === 0 ? new Array(outputs).fill(size / outputs) : undefined);
  if (!ir || !parts || parts.length !== outputs || parts.reduce((a, p) => a + p, 0) !== size)
    return `a split along axis ${axis} LayerLint cannot express`;
  const equal = parts.every((p) => p === parts[0]);
  const points: number[] = [];
  parts.slice(0, -1).reduce((a, p) => (points.push(a + p), a + p), 0);
  return parts.map((p, index) => {
    const dims = [...d];
    dims[axis] = p;
    const op: LayerOp =
      equal && ir === 'c'
        ? { kind: 'split', parts: outputs, index }
        : { kind: 'slice', axis: ir, index, count: outputs, points: equal ? [] : points };
    return { op, dims };
  });
}

function slice(node: NodeProto, ins: (Value | undefined)[], d: number[]): Lowering {
  const starts = intsAttr(node, 'starts') ?? constValues(ins[1]);
  const ends = intsAttr(node, 'ends') ?? constValues(ins[2]);
  const axes = intsAttr(node, 'axes') ?? constValues(ins[3]) ?? starts?.map((_, i) => i);
  const steps = constValues(ins[4]) ?? starts?.map(() => 1);
  if (!starts || !ends || !axes || !steps) return 'bounds that are not constants';
  const dims = [...d];
  const cuts: { axis: number; start: number; end: number }[] = [];
  for (let i = 0; i < starts.length; i++) {
    const axis = axes[i]! < 0 ? axes[i]! + d.length : axes[i]!;
    const n = d[axis]!;
    if (steps[i] !== 1) return 'a step other than 1';
    const clamp = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
    const start = clamp(starts[i]!);
    const end = clamp(ends[i]!);
    if (end <= start) return 'an empty slice';
    dims[axis] = end - start;
    if (end - start !== n) cuts.push({ axis, start, end });
  }
  if (cuts.length === 0) return [{ op: { kind: 'identity' }, dims }];
  const cut = cuts[0]!;
  const ir = irAxis(d.length, cut.axis);
  if (cuts.length > 1 || !ir) return 'a slice LayerLint cannot express (several axes, or not C, H or W)';
  const n = d[cut.axis]!;
  const points = [cut.start, cut.end].filter((p) => p > 0 && p < n);
  const index = cut.start > 0 ? 1 : 0;
  return [{ op: { kind: 'slice', axis: ir, index, count: points.length + 1, points }, dims }];
}

function resize(ins: (Value | undefined)[], d: number[], op: string): Lowering {
  if (d.length !== 4) return `a rank-${d.length} input`;
  const scales = op === 'Upsample' ? constValues(ins[1]) : constValues(ins[2]);
  const sizes = op === 'Resize' ? constValues(ins[3]) : undefined;
  let fh: number | undefined;
  let fw: number | undefined;
  if (sizes?.length === 4) [fh, fw] = [sizes[2]! / d[2]!, sizes[3]! / d[3]!];
  else if (scales?.length === 4) [fh, fw] = [scales[2], scales[3]];
  if (!fh || fh !== fw || !Number.isInteger(fh) || (sizes ?? scales)?.[1] !== (sizes ? d[1] : 1))
    return 'a scale that is not one integer factor on H and W';
  return [{ op: { kind: 'upsample', factor: fh }, dims: [d[0]!, d[1]!, d[2]! * fh, d[3]! * fh] }];
}

/** Element-wise arithmetic: two tensors merge (one per-channel operand may broadcast); a constant scalar is an element-wise op, a per-channel constant a scale. */
function binary(op: string, ins: (Value | undefined)[], d: number[], batch: number): Lowering {
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

function move(node: NodeProto, ins: (Value | undefined)[], d: number[], batch: number): Lowering {
  const op = node.opType;
  let out: number[] | undefined;
  if (op === 'Flatten') {
    const axis = axisOf(node, d.length, 1);
    out = [numel(d.slice(0, axis)), numel(d.slice(axis))];
  } else if (op === 'Transpose') {
    const perm = intsAttr(node, 'perm') ?? d.map((_, i) => d.length - 1 - i);
    out = perm.map((p) => d[p]!);
  } else if (op === 'Squeeze') out = squeezeDims(d, intsAttr(node, 'axes') ?? constValues(ins[1]));
  else if (op === 'Unsqueeze') {
    const axes = intsAttr(node, 'axes') ?? constValues(ins[1]);
    out = axes && unsqueezeDims(d, axes);
  } else {
    const target = constValues(ins[1]) ?? intsAttr(node, 'shape');
    out = target && reshapeDims(d, target, intAttr(node, 'allowzero', 0) === 1);
  }
  if (!out) return 'a target shape that is not a constant';
  const from = canonical(d, batch);
  const to = canonical(out, batch);
  if (!to || !from) return 'it moves the batch axis';
  if (from.join() === to.join()) return [{ op: { kind: 'identity' }, dims: out }];
  if (out.length === 2) return [{ op: { kind: 'flatten' }, dims: out }];
  return [{ op: { kind: 'reshape', h: to[0], c: to[2] }, dims: out }];
}
