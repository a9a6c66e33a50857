// Writes an analysed network as an ONNX model (ModelProto bytes) with random weights, through
// the generated protobufjs encoder the ONNX front-end decodes with (formats/onnx/proto; never
// hand-written protobuf), for `layerlint bench` to run. Pure: analysis in, bytes out.
//
// Contract: every layer becomes the nodes that compute its [H, W, C] output as N x C x H x W
// (fc and flatten: N x F), the first node named after the layer (extra nodes `LAYER/…`), so a
// profiler's per-node times map back to layers; padding the engine writes as `same` becomes
// explicit, possibly asymmetric pads (as the PyTorch export computes them). Layers that have
// no ONNX form here make `problems` name them and no bytes are written.
import type { Analysis } from '../core/analysis';
import type { LayerResult } from '../core/costs';
import type { Shape } from '../core/ir';
import { onnx } from '../formats/onnx/proto/onnx.js';
import { padsFor } from './pytorch';

export interface OnnxExport {
  bytes?: Uint8Array;
  problems: string[];
  /** Node name → index of the layer it computes. */
  layerOf: Map<string, number>;
}

type Node = onnx.NodeProto.$Properties;
type Tensor = onnx.TensorProto.$Properties;
type AttrValue = number | number[] | string;

const FLOAT = 1;
/** ONNX opset the model declares (HardSwish needs 14). */
const OPSET = 14;

function attr(name: string, v: AttrValue): onnx.AttributeProto.$Properties {
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  return Number.isInteger(v) && name !== 'alpha' ? { name, type: 2, i: v } : { name, type: 1, f: v };
}

/** A float tensor of `dims` filled by `fill(i)` (random weights by default). */
function floats(name: string, dims: number[], fill: (i: number) => number = () => Math.random() * 0.2 - 0.1): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = fill(i);
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) };
}

const ACTIVATIONS: Record<string, (x: string, y: string, name: string, b: Builder) => void> = {
  relu: (x, y, name, b) => b.node('Relu', [x], [y], name),
  relu6: (x, y, name, b) => b.node('Clip', [x, b.scalar(0), b.scalar(6)], [y], name),
  leaky: (x, y, name, b) => b.node('LeakyRelu', [x], [y], name, { alpha: 0.1 }),
  sigmoid: (x, y, name, b) => b.node('Sigmoid', [x], [y], name),
  tanh: (x, y, name, b) => b.node('Tanh', [x], [y], name),
  hswish: (x, y, name, b) => b.node('HardSwish', [x], [y], name),
  softmax: (x, y, name, b) => b.node('Softmax', [x], [y], name, { axis: 1 }),
  linear: (x, y, name, b) => b.node('Identity', [x], [y], name),
  silu: (x, y, name, b) => {
    b.node('Sigmoid', [x], [`${y}/sigmoid`], `${name}/sigmoid`);
    b.node('Mul', [x, `${y}/sigmoid`], [y], name);
  },
};

class Builder {
  readonly nodes: Node[] = [];
  readonly inits: Tensor[] = [];
  readonly layerOf = new Map<string, number>();
  layer = -1;
  private scalars = 0;
  node(op: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, AttrValue> = {}): void {
    this.layerOf.set(name, this.layer);
    this.nodes.push({
      opType: op,
      name,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)),
    });
  }
  weight(name: string, dims: number[], fill?: (i: number) => number): string {
    this.inits.push(floats(name, dims, fill));
    return name;
  }
  scalar(v: number): string {
    const name = `const/${this.scalars++}`;
    this.inits.push(floats(name, [], () => v));
    return name;
  }
}

/** The nodes of one layer, or why it has no ONNX form here. */
function emit(b: Builder, l: LayerResult, x: string[], y: string): string | undefined {
  const op = l.layer.op;
  const name = l.layer.name;
  const input = l.inputs![0]!;
  const [hi, wi, ci] = input;
  const co = l.output![2];
  switch (op.kind) {
    case 'conv':
    case 'dwconv': {
      const groups = op.kind === 'conv' ? op.groups : ci;
      const [left, right, top, bottom] = padsFor(op.padding, hi, wi, op.kh, op.kw, op.sh, op.sw, op.dh, op.dw);
      const w = b.weight(`${name}/weight`, [co, ci / groups, op.kh, op.kw]);
      const inputs = [x[0]!, w, ...(op.bias ? [b.weight(`${name}/bias`, [co])] : [])];
      b.node('Conv', inputs, [y], name, {
        group: groups,
        kernel_shape: [op.kh, op.kw],
        strides: [op.sh, op.sw],
        dilations: [op.dh, op.dw],
        pads: [top, left, bottom, right],
      });
      return undefined;
    }
    case 'bn': {
      const ones = (i: number) => (i >= 0 ? 1 : 0);
      b.node(
        'BatchNormalization',
        [
          x[0]!,
          b.weight(`${name}/scale`, [co]),
          b.weight(`${name}/bias`, [co]),
          b.weight(`${name}/mean`, [co]),
          b.weight(`${name}/var`, [co], ones),
        ],
        [y],
        name,
        { epsilon: 1e-5 },
      );
      return undefined;
    }
    case 'act': {
      const write = ACTIVATIONS[op.fn];
      if (!write) return `${name}: activation ${op.fn} has no ONNX form here`;
      write(x[0]!, y, name, b);
      return undefined;
    }
    case 'pool': {
      if (op.global) {
        b.node(op.mode === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [x[0]!], [y], name);
        return undefined;
      }
      const [left, right, top, bottom] = padsFor(op.padding, hi, wi, op.kh, op.kw, op.sh, op.sw, 1, 1);
      b.node(op.mode === 'max' ? 'MaxPool' : 'AveragePool', [x[0]!], [y], name, {
        kernel_shape: [op.kh, op.kw],
        strides: [op.sh, op.sw],
        pads: [top, left, bottom, right],
        ceil_mode: op.ceil ? 1 : 0,
      });
      return undefined;
    }
    case 'fc': {
      const flat = `${y}/flat`;
      b.node('Flatten', [x[0]!], [flat], `${name}/flatten`, { axis: 1 });
      const w = b.weight(`${name}/weight`, [op.out, hi * wi * ci]);
      b.node('Gemm', [flat, w, ...(op.bias ? [b.weight(`${name}/bias`, [op.out])] : [])], [y], name, { transB: 1 });
      return undefined;
    }
    case 'merge':
      if (op.axis) return `${name}: a concat along H or W has no ONNX form here`;
      if (op.mode === 'concat') b.node('Concat', x, [y], name, { axis: 1 });
      else b.node(op.mode === 'add' ? 'Sum' : 'Mul', x, [y], name);
      return undefined;
    case 'scale': {
      const scaled = op.bias ? `${y}/scaled` : y;
      b.node('Mul', [x[0]!, b.weight(`${name}/weight`, [co, 1, 1])], [scaled], name);
      if (op.bias) b.node('Add', [scaled, b.weight(`${name}/bias`, [co, 1, 1])], [y], `${name}/bias`);
      return undefined;
    }
    case 'upsample': {
      const scales = b.weight(`${name}/scales`, [4], (i) => (i < 2 ? 1 : op.factor));
      b.node('Resize', [x[0]!, '', scales], [y], name, { mode: 'nearest' });
      return undefined;
    }
    case 'flatten':
      b.node('Flatten', [x[0]!], [y], name, { axis: 1 });
      return undefined;
    case 'dropout':
    case 'identity':
      b.node('Identity', [x[0]!], [y], name);
      return undefined;
    default:
      return `${name}: ${l.layer.opText} (${op.kind}) has no ONNX form here`;
  }
}

const dims = (s: Shape, batch: number, flat: boolean) =>
  flat ? [batch, s[0] * s[1] * s[2]] : [batch, s[2], s[0], s[1]];

/** The network as ONNX bytes (random weights), or the problems that stop it. */
export function exportOnnx(analysis: Analysis): OnnxExport {
  const b = new Builder();
  const problems: string[] = [];
  const input = analysis.input;
  if (!input || !analysis.complete)
    return { problems: ['the network is not fully analysed (unknown shapes)'], layerOf: b.layerOf };
  const batch = analysis.graph.input.batch;
  const name = (i: number) => (i < 0 ? 'input' : `t${i}`);
  const read = new Set<number>();
  for (const l of analysis.layers) {
    b.layer = l.layer.index;
    for (const i of l.layer.inputs) read.add(i);
    const problem = emit(b, l, l.layer.inputs.map(name), name(l.layer.index));
    if (problem) problems.push(problem);
  }
  if (problems.length) return { problems, layerOf: b.layerOf };
  // fc and flatten give N x F, and so does every one-input layer after them.
  const flat = new Uint8Array(analysis.layers.length);
  for (const l of analysis.layers) {
    const k = l.layer.op.kind;
    const i = l.layer.inputs[0]!;
    flat[l.layer.index] = k === 'fc' || k === 'flatten' || (l.layer.inputs.length === 1 && i >= 0 && flat[i]!) ? 1 : 0;
  }
  const flatOut = (l: LayerResult) => flat[l.layer.index] === 1;
  const valueInfo = (n: string, d: number[]): onnx.ValueInfoProto.$Properties => ({
    name: n,
    type: { tensorType: { elemType: FLOAT, shape: { dim: d.map((v) => ({ dimValue: v })) } } },
  });
  const outputs = analysis.layers
    .filter((l) => !read.has(l.layer.index))
    .map((l) => valueInfo(name(l.layer.index), dims(l.output!, batch, flatOut(l))));
  const model: onnx.ModelProto.$Properties = {
    irVersion: 8,
    producerName: 'layerlint',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: analysis.graph.name,
      node: b.nodes,
      initializer: b.inits,
      input: [valueInfo('input', dims(input, batch, false))],
      output: outputs,
    },
  };
  return { bytes: onnx.ModelProto.encode(model).finish(), problems, layerOf: b.layerOf };
}
