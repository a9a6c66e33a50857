// A TensorFlow.js graph model's nodes → IR. Nodes are taken in dependency order (the file's
// order where it allows); nodes on a cycle (a TensorFlow while loop) and what reads them are
// unknown layers. The first Placeholder is the network input (its `shape` attribute; a batch
// of -1 is taken as 1 with an `assumed-dimension` note, any other unknown size is a
// `missing-input`); Const nodes are values whose shapes come from the weightsManifest entry of
// the same name (or the node's own tensorShape); Identity is its input. Every other node
// lowers through ./ops.ts to IR layers named after the node (a fused activation becomes
// `NAME/Relu`), or to an unknown layer naming its op and why.
//
// Weights (./weights.ts, read only when asked): a depthwise filter's kernels, folded with a
// fused or following FusedBatchNorm (γ / √(var + ε)) or a following per-channel Mul, give
// Layer.deadKernels; a FusedBatchNorm's γ gives Layer.deadChannels. Stored int32 constants
// give the shapes Reshape, Pad, Mean, ConcatV2, ExpandDims and resizes need.
//
// Contract: lowerGraphModel never throws; inputs of every layer are earlier layers.
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import { emptyGraph, type Graph, type Layer, type LayerOp, type Span } from '../../core/ir';
import { extendShapes } from '../../core/shapes';
import { channelsLastMagnitudes, deadChannels, deadKernels, scaled } from '../weights';
import { float, lowerOp, texts, type TfNode, type Value } from './ops';
import type { WeightShards } from './weights';

export interface SourceNode extends TfNode {
  span: Span;
  statement: Span;
  /** The node's tensorShape when it is a Const with one. */
  constShape?: number[];
  /** Placeholder dims (-1 unknown), when the node states them. */
  placeholderShape?: number[];
}

/** Dependency order: the file's order where it allows; nodes on (or after) a cycle last, flagged. */
function order(nodes: SourceNode[]): { sorted: SourceNode[]; cyclic: Set<string> } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const pending = new Map<string, number>();
  const readers = new Map<string, SourceNode[]>();
  for (const n of nodes) {
    const deps = new Set(n.inputs.map(producer).filter((p) => byName.has(p) && p !== n.name));
    pending.set(n.name, deps.size);
    for (const d of deps) {
      const list = readers.get(d) ?? [];
      list.push(n);
      readers.set(d, list);
    }
  }
  const sorted: SourceNode[] = [];
  const ready = nodes.filter((n) => pending.get(n.name) === 0);
  const done = new Set<string>();
  for (let i = 0; i < ready.length; i++) {
    const n = ready[i]!;
    if (done.has(n.name)) continue;
    done.add(n.name);
    sorted.push(n);
    for (const r of readers.get(n.name) ?? []) {
      const left = pending.get(r.name)! - 1;
      pending.set(r.name, left);
      if (left === 0) ready.push(r);
    }
  }
  const cyclic = new Set<string>();
  for (const n of nodes)
    if (!done.has(n.name)) {
      cyclic.add(n.name);
      sorted.push(n);
      done.add(n.name);
    }
  return { sorted, cyclic };
}

/** The node that produces an input reference (`name`, `name:k`). */
const producer = (ref: string): string => ref.replace(/:\d+$/, '');

/** The key of a value: `name` for a node's first output (`name:0` too), `name:k` for the others. */
const valueKey = (ref: string): string => (ref.endsWith(':0') ? producer(ref) : ref);

export function lowerGraphModel(
  nodes: SourceNode[],
  weights: WeightShards,
  model: { name: string; header: Span },
): { graph: Graph; diagnostics: EngineDiagnostic[] } {
  const diagnostics: EngineDiagnostic[] = [];
  const graph = emptyGraph('tfjs', model.name, model.header);
  const shapes: ReturnType<typeof extendShapes> = [];
  const values = new Map<string, Value>();
  /** How many inputs name each value (`name` and `name:0` are the same value). */
  const readers = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) readers.set(valueKey(i), (readers.get(valueKey(i)) ?? 0) + 1);
  /** A value by reference; another output of an unknown op is that op's unknown value. */
  const valueOf = (ref: string): Value | undefined => {
    const v = values.get(valueKey(ref));
    if (v) return v;
    const whole = values.get(producer(ref));
    return whole?.kind === 'unknown' ? whole : undefined;
  };
  /** Raw kernel magnitudes of each depthwise layer whose filter was read. */
  const magnitudes = new Map<number, Float64Array>();
  const names = new Set<string>();
  let inputNode: string | undefined;

  const add = (n: SourceNode, suffix: string, opText: string, op: LayerOp, inputs: number[]): number => {
    let name = n.name + suffix;
    for (let k = 2; names.has(name); k++) name = `${n.name}${suffix}_${k}`;
    names.add(name);
    const layer: Layer = {
      index: graph.layers.length,
      name,
      opText,
      op,
      inputs: inputs.length ? inputs : [-1],
      span: n.span,
      site: n.statement,
      statement: n.statement,
    };
    graph.layers.push(layer);
    return layer.index;
  };
  const tensor = (layer: number, rank: number): Value => {
    extendShapes(graph, shapes);
    const shape =
      layer < 0 ? (graph.input.c > 0 ? ([graph.input.h, graph.input.w, graph.input.c] as const) : null) : shapes[layer];
    return { kind: 'tensor', layer, rank, shape: shape ? [shape[0], shape[1], shape[2]] : null };
  };
  const unknown = (n: SourceNode, why: string, from: number[]): void => {
    const index = add(n, '', n.op, { kind: 'unknown', type: `${n.op} (${why})` }, from);
    values.set(n.name, { kind: 'unknown', layer: index });
  };

  const { sorted, cyclic } = order(nodes);
  for (const n of sorted) {
    const ins = n.inputs.map(valueOf);
    const from = ins.filter((v) => v && v.kind !== 'const').map((v) => (v as { layer: number }).layer);
    if (n.op === 'Const') {
      const e = weights.entry(n.name);
      const shape = e?.shape ?? n.constShape;
      if (shape) values.set(n.name, { kind: 'const', name: n.name, shape });
      else unknown(n, 'a constant whose shape neither the manifest nor the node states', []);
      continue;
    }
    if (n.op === 'NoOp') continue;
    if (cyclic.has(n.name)) {
      unknown(n, 'inside a loop (a cycle of the graph)', from);
      continue;
    }
    const missing = n.inputs.find((i) => !valueOf(i));
    if (missing !== undefined) {
      if (!nodes.some((m) => m.name === producer(missing)))
        diagnostics.push(
          makeDiagnostic('unknown-name', n.span, `Node '${n.name}' reads '${missing}', which no node makes.`),
        );
      unknown(n, `its input ${missing} is not a value LayerLint knows`, from);
      continue;
    }
    if (n.op === 'Placeholder') {
      if (inputNode !== undefined) {
        unknown(n, `a second input (the first is ${inputNode})`, []);
        continue;
      }
      inputNode = n.name;
      values.set(n.name, tensor(-1, placeholder(n, graph, diagnostics)));
      continue;
    }
    // A BiasAdd right after a conv, transposed conv or matmul that has no bias and no other reader: its bias.
    const x = ins[0];
    if (n.op === 'BiasAdd' && x?.kind === 'tensor' && x.layer >= 0 && readers.get(valueKey(n.inputs[0]!)) === 1) {
      const op = graph.layers[x.layer]!.op;
      if (
        (op.kind === 'conv' || op.kind === 'dwconv' || op.kind === 'deconv' || op.kind === 'fc') &&
        !op.bias &&
        ins[1]?.kind === 'const'
      ) {
        op.bias = true;
        values.set(n.name, x);
        continue;
      }
    }
    const lowered = lowerOp(n, ins, { constValues: (name) => weights.values(name) });
    if ('alias' in lowered) {
      values.set(n.name, lowered.alias);
      continue;
    }
    if ('why' in lowered) {
      unknown(n, lowered.why, from);
      continue;
    }
    let prev = lowered.from;
    lowered.ops.forEach(([what, op], k) => {
      prev = [add(n, k === 0 ? '' : `/${what}`, what, op, prev)];
    });
    values.set(n.name, tensor(prev[0]!, lowered.rank));
    const soleReader = readers.get(valueKey(n.inputs[0] ?? '')) === 1;
    readWeights(n, ins, prev[0]! - lowered.ops.length + 1, graph, weights, magnitudes, soleReader);
  }
  if (inputNode === undefined)
    diagnostics.push(
      makeDiagnostic('missing-input', model.header, 'The graph has no Placeholder node: no input shape.'),
    );
  return { graph, diagnostics };
}

/** The input shape from a Placeholder's `shape` attribute; returns its rank. */
function placeholder(n: SourceNode, graph: Graph, diagnostics: EngineDiagnostic[]): number {
  const dims = n.placeholderShape;
  if (!dims || dims.length < 2 || dims.length > 4) {
    diagnostics.push(
      makeDiagnostic(
        'missing-input',
        n.span,
        dims
          ? `The input ${n.name} has rank ${dims.length}; LayerLint reads inputs of rank 2 to 4.`
          : `The input ${n.name} states no shape.`,
      ),
    );
    return dims?.length ?? 4;
  }
  const [batch, ...rest] = dims;
  if (batch !== 1) {
    if (batch !== undefined && batch > 1)
      diagnostics.push(
        makeDiagnostic(
          'missing-input',
          n.span,
          `The input ${n.name} has a batch of ${batch}; LayerLint counts one item.`,
        ),
      );
    else
      diagnostics.push(
        makeDiagnostic('assumed-dimension', n.span, `The batch size of ${n.name} is not fixed (-1): counted as 1.`),
      );
  }
  if (rest.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    diagnostics.push(
      makeDiagnostic(
        'missing-input',
        n.span,
        `The input ${n.name} has sizes that are not fixed ([${dims.join(', ')}]): shapes and costs need them.`,
      ),
    );
    return dims.length;
  }
  const [h, w, c] = rest.length === 3 ? rest : rest.length === 2 ? [rest[0]!, 1, rest[1]!] : [1, 1, rest[0]!];
  graph.input = { h: h!, w: w!, c: c!, batch: 1, span: n.span };
  return dims.length;
}

/**
 * Weight-aware figures for the layers of node `n` (the first at `first`): a depthwise
 * filter's kernel magnitudes (dead kernels), a FusedBatchNorm's γ (dead channels, folded
 * into the depthwise conv it follows), a per-channel Mul after a depthwise conv (folded).
 */
function readWeights(
  n: SourceNode,
  ins: (Value | undefined)[],
  first: number,
  graph: Graph,
  weights: WeightShards,
  magnitudes: Map<number, Float64Array>,
  soleReader: boolean,
): void {
  const layer = graph.layers[first];
  if (!layer) return;
  const constOf = (v: Value | undefined) => (v?.kind === 'const' ? weights.values(v.name) : undefined);
  const op = layer.op;
  if (op.kind === 'dwconv') {
    const f = ins[1];
    const data = f?.kind === 'const' ? constOf(f) : undefined;
    const raw = data && f?.kind === 'const' ? channelsLastMagnitudes(data, f.shape[2]!, op.multiplier) : undefined;
    if (!raw) return;
    magnitudes.set(first, raw);
    layer.deadKernels = deadKernels(raw, raw);
    if (texts(n.attr, 'fused_ops')[0] === 'FusedBatchNorm') {
      const bn = graph.layers[first + 1];
      if (bn) foldNorm(bn, layer, raw, constOf(ins[2]), constOf(ins[5]), float(n.attr, 'epsilon', 1e-3));
    }
    return;
  }
  const x = ins[0];
  // Folding into the layer before is sound only when this node is its one reader.
  const producerLayer = x?.kind === 'tensor' && x.layer >= 0 && soleReader ? graph.layers[x.layer] : undefined;
  const raw = producerLayer ? magnitudes.get(producerLayer.index) : undefined;
  if (op.kind === 'bn') {
    foldNorm(layer, producerLayer, raw, constOf(ins[1]), constOf(ins[4]), float(n.attr, 'epsilon', 1e-3));
    return;
  }
  if (op.kind === 'scale' && n.op === 'Mul' && producerLayer && raw) {
    const scale = constOf(ins.find((v) => v?.kind === 'const'));
    const folded = scale ? scaled(raw, scale) : undefined;
    if (folded) producerLayer.deadKernels = deadKernels(folded, raw);
  }
}

/** A batch norm's dead channels from γ, and γ / √(var + ε) folded into the depthwise conv before it. */
function foldNorm(
  bn: Layer,
  conv: Layer | undefined,
  raw: Float64Array | undefined,
  gamma: Float64Array | undefined,
  variance: Float64Array | undefined,
  eps: number,
): void {
  if (!gamma || gamma.length === 0) return;
  bn.deadChannels = deadChannels(gamma);
  if (!conv || !raw || !variance || variance.length !== gamma.length) return;
  const folded = scaled(
    raw,
    gamma.map((g, k) => g / Math.sqrt(variance[k]! + eps)),
  );
  if (folded) conv.deadKernels = deadKernels(folded, raw);
}
