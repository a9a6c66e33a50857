// Writes an analysed network as an ONNX model (ModelProto bytes) with random weights, through
// the generated protobufjs encoder the ONNX front-end decodes with (formats/onnx/proto; never
// hand-written protobuf), for `layerlint bench` to run. Pure: analysis in, bytes out.
//
// Contract: every layer becomes the nodes that compute its [H, W, C] output as N x C x H x W
// (fc and flatten: N x F; ./onnxLayers.ts), one node named after the layer (extra nodes
// `LAYER/…`), so a profiler's per-node times map back to layers; padding the engine writes as
// `same` becomes explicit, possibly asymmetric pads (as the PyTorch export computes them).
// Layers that have no ONNX form here make `problems` name them and no bytes are written.
import type { Analysis } from '../core/analysis';
import type { LayerResult } from '../core/costs';
import type { Shape } from '../core/ir';
import { onnx } from '../formats/onnx/proto/onnx.js';
import { OnnxBuilder } from './onnxBuilder';
import { emitLayer } from './onnxLayers';

export interface OnnxExport {
  bytes?: Uint8Array;
  problems: string[];
  /** Node name → index of the layer it computes. */
  layerOf: Map<string, number>;
}

const FLOAT = 1;
/** ONNX opset the model declares (HardSwish needs 14). */
const OPSET = 14;

const dims = (s: Shape, batch: number, flat: boolean) =>
  flat ? [batch, s[0] * s[1] * s[2]] : [batch, s[2], s[0], s[1]];

/** The network as ONNX bytes (random weights), or the problems that stop it. */
export function exportOnnx(analysis: Analysis): OnnxExport {
  const b = new OnnxBuilder();
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
    const problem = emitLayer(b, l, l.layer.inputs.map(name), name(l.layer.index), batch);
    if (problem) problems.push(problem);
  }
  if (problems.length) return { problems, layerOf: b.layerOf };
  // fc and flatten give N x F, and so does every layer after them that reads only N x F
  // tensors, until a reshape or view gives N x C x H x W again.
  const flat = new Uint8Array(analysis.layers.length);
  for (const l of analysis.layers) {
    const k = l.layer.op.kind;
    const ins = l.layer.inputs;
    flat[l.layer.index] =
      k === 'fc' || k === 'flatten' || (k !== 'reshape' && k !== 'view' && ins.every((i) => i >= 0 && flat[i])) ? 1 : 0;
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
