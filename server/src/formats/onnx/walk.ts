// The walk over an ONNX graph's nodes in file order (ONNX requires topological order), one node
// at a time: a node of constants is folded (fold.ts); Shape/Size of a shaped tensor becomes a
// constant; a node fed by a value made by nothing becomes an unknown layer naming why, and one
// downstream of an unknown layer an identity that core shapes leave unknown; a Pad is held on
// its output value for the Conv or pooling that reads it; every other node is lowered by op
// (nodes.ts) into layers (one per output) whose canonical view is recorded for the checks, or
// into an unknown layer naming the op and why. Depthwise weights are read for the
// dead-depthwise-kernel rule (weights.ts). Never throws.
import type { Graph, Layer, LayerOp, Shape } from '../../core/ir';
import type { Companions } from '../types';
import { floatArray, intsAttr, numel, type NodeProto, type TensorProto } from './decode';
import { ExternalWeights } from './external';
import { foldConstant, shapeSlice } from './fold';
import { lowerNode } from './nodes';
import { canonical, type Const, constValues, type Out, type Tensor, type Value } from './values';
import { d1, deadKernels, depthwiseMagnitudes, foldNorm, normChannels } from './weights';

const NOWHERE = { start: 0, end: 0 };

type Unknown = Extract<Value, { kind: 'unknown' }>;

export class GraphWalk {
  /** Per layer: the canonical view of the tensor it makes (undefined when it has none). */
  readonly expected: (Shape | undefined)[] = [];
  /** Per layer: the N-D dims of the tensor it makes (undefined for unknown layers). */
  readonly dims: (number[] | undefined)[] = [];
  /** The ONNX node each layer came from (index into graph.node). */
  readonly nodeOf: number[] = [];
  private readonly names = new Set<string>();
  /** Per depthwise conv layer: the largest weight magnitude of each kernel (weight-aware rules). */
  private readonly kernelMagnitudes = new Map<number, Float64Array>();
  /** Weights in external data files, read only for the weight-aware rule; its problems become findings. */
  readonly external: ExternalWeights;

  constructor(
    private readonly graph: Graph,
    private readonly values: Map<string, Value>,
    private readonly batch: number,
    private readonly opset: number,
    companions: Companions | undefined,
  ) {
    this.external = new ExternalWeights(companions);
  }

  private readonly readWeights = (t: TensorProto) => (t.dataLocation === 1 ? this.external.read(t) : floatArray(t));

  /** Gives every output of the node a value, adding the node's layers to the graph. */
  visit(node: NodeProto, nodeIndex: number): void {
    const ins = this.inputsOf(node);
    const outs = (node.output ?? []).filter((o) => o !== '');
    const tensors = ins.filter((v): v is Tensor | Unknown => !!v && v.kind !== 'const');
    if (tensors.length === 0) {
      this.foldConstants(node, ins as (Const | undefined)[], outs);
      return;
    }
    if (this.shapeConstant(node, ins[0], outs)) return;
    const inputLayers = tensors.map((t) => t.layer);
    const unknownIn = tensors.find((t): t is Unknown => t.kind === 'unknown');
    if (unknownIn) {
      this.afterUnknown(node, nodeIndex, unknownIn, inputLayers, outs);
      return;
    }
    if (this.holdPad(node, ins, outs)) return;
    this.lowerOnTensors(node, nodeIndex, ins, inputLayers, outs);
  }

  private inputsOf(node: NodeProto): (Value | undefined)[] {
    return (node.input ?? []).map((n) =>
      n === ''
        ? undefined
        : (this.values.get(n) ?? ({ kind: 'unknown', layer: -2, why: `'${n}' is made by no node` } as Value)),
    );
  }

  /** Constant arithmetic: folded when fold.ts knows the op, else an unknown constant. */
  private foldConstants(node: NodeProto, ins: (Const | undefined)[], outs: string[]): void {
    const folded = foldConstant(node, ins);
    outs.forEach((o, k) =>
      this.values.set(
        o,
        folded?.[k] ?? {
          kind: 'unknown',
          layer: -2,
          why: `it reads a ${node.opType} of constants that LayerLint does not fold`,
        },
      ),
    );
  }

  /** Shape or Size of a shaped tensor: a constant, no layer. */
  private shapeConstant(node: NodeProto, x: Value | undefined, outs: string[]): boolean {
    if ((node.opType !== 'Shape' && node.opType !== 'Size') || x?.kind !== 'tensor') return false;
    const dims = node.opType === 'Size' ? [numel(x.dims)] : shapeSlice(node, x.dims);
    outs.forEach((o) => this.values.set(o, { kind: 'const', dims: [dims.length], values: dims, initializer: false }));
    return true;
  }

  /** A node fed by an unknown value: an unknown layer naming why, or (downstream of an unknown layer) uncounted identities. */
  private afterUnknown(
    node: NodeProto,
    nodeIndex: number,
    unknownIn: Unknown,
    inputLayers: number[],
    outs: string[],
  ): void {
    if (unknownIn.layer === -2) {
      const op: LayerOp = { kind: 'unknown', type: `${node.opType} (${unknownIn.why})` };
      const index = this.addLayer(
        nodeIndex,
        node,
        '',
        op,
        inputLayers.filter((i) => i !== -2),
      );
      outs.forEach((o) => this.values.set(o, { kind: 'unknown', layer: index, why: 'unknown' }));
      return;
    }
    // Downstream of an unknown layer: no shape, not counted, no diagnostic of its own.
    outs.forEach((o, k) => {
      const index = this.addLayer(nodeIndex, node, outs.length > 1 ? `:${k}` : '', { kind: 'identity' }, inputLayers);
      this.values.set(o, { kind: 'unknown', layer: index, why: 'unknown' });
    });
  }

  /** A Pad on the spatial axes of a tensor: no layer of its own; the Conv or pooling that reads it takes the pads (nodes.ts). */
  private holdPad(node: NodeProto, ins: (Value | undefined)[], outs: string[]): boolean {
    const x = ins[0];
    if (node.opType !== 'Pad' || x?.kind !== 'tensor' || x.pads) return false;
    const pads = intsAttr(node, 'pads') ?? constValues(ins[1]);
    const r = x.dims.length;
    if (pads?.length !== 2 * r || !pads.every((p, i) => p >= 0 && (i % r >= 2 || p === 0))) return false;
    if (outs[0] !== undefined) this.values.set(outs[0], { ...x, pads: pads.some((p) => p > 0) ? pads : undefined });
    return true;
  }

  /** A node on shaped tensors: its layers (one per output), or one unknown layer naming why it cannot be costed. */
  private lowerOnTensors(
    node: NodeProto,
    nodeIndex: number,
    ins: (Value | undefined)[],
    inputLayers: number[],
    outs: string[],
  ): void {
    const lowered = lowerNode(node, ins, this.batch, this.opset);
    if (typeof lowered === 'string') {
      const op: LayerOp = { kind: 'unknown', type: `${node.opType} (${lowered})` };
      const index = this.addLayer(nodeIndex, node, '', op, inputLayers);
      outs.forEach((o) => this.values.set(o, { kind: 'unknown', layer: index, why: 'unknown' }));
      return;
    }
    lowered.forEach((out, k) => {
      const index = this.addLayer(nodeIndex, node, lowered.length > 1 ? `:${k}` : '', out.op, inputLayers);
      this.expected[index] = canonical(out.dims, this.batch, out.last);
      this.dims[index] = out.dims;
      const o = outs[k];
      if (o !== undefined) this.values.set(o, { kind: 'tensor', dims: out.dims, layer: index, last: out.last });
      this.weightFigures(node, ins, out, index);
    });
  }

  /** Kernel magnitudes of a depthwise conv, and a BatchNormalization's γ folded into the conv it follows. */
  private weightFigures(node: NodeProto, ins: (Value | undefined)[], out: Out, index: number): void {
    const x = ins[0];
    const weights =
      out.op.kind === 'conv' ? depthwiseMagnitudes(out.op.groups, d1(x), ins[1], this.readWeights) : undefined;
    if (weights) {
      this.kernelMagnitudes.set(index, weights);
      this.graph.layers[index]!.deadKernels = deadKernels(weights, weights);
    }
    if (out.op.kind === 'bn') normChannels(this.graph.layers[index]!, ins, this.readWeights);
    if (out.op.kind === 'bn' && x?.kind === 'tensor')
      foldNorm(this.graph.layers[x.layer], this.kernelMagnitudes.get(x.layer), node, ins, this.readWeights);
  }

  /** Appends a layer named after the node (plus suffix), made unique; returns its index. */
  private addLayer(nodeIndex: number, node: NodeProto, suffix: string, op: LayerOp, inputs: number[]): number {
    const base = (node.name || `${node.opType}_${nodeIndex}`) + suffix;
    let layerName = base;
    for (let k = 2; this.names.has(layerName); k++) layerName = `${base}_${k}`;
    this.names.add(layerName);
    const layer: Layer = {
      index: this.graph.layers.length,
      name: layerName,
      opText: node.opType || '?',
      op,
      inputs,
      span: NOWHERE,
      site: NOWHERE,
      statement: NOWHERE,
    };
    this.graph.layers.push(layer);
    this.nodeOf.push(nodeIndex);
    return layer.index;
  }
}
