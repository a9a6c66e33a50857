// The node and initializer lists of an ONNX graph being written (export/onnx.ts), through the
// generated protobufjs types of formats/onnx/proto. Contract: every node is recorded with the
// index of the layer it computes (`layerOf`), so a profiler's per-node times map back to layers;
// initializers are float32 (random by default) or int64 (shapes, pads, slice bounds).
import type { onnx } from '../formats/onnx/proto/onnx.js';

type Node = onnx.NodeProto.$Properties;
type Tensor = onnx.TensorProto.$Properties;
export type AttrValue = number | number[] | string;

const FLOAT = 1;
const INT64 = 7;
/** Attributes whose value is a float even when it is a whole number. */
const FLOAT_ATTRS = new Set(['alpha', 'beta', 'bias', 'epsilon']);

function attr(name: string, v: AttrValue): onnx.AttributeProto.$Properties {
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  return Number.isInteger(v) && !FLOAT_ATTRS.has(name) ? { name, type: 2, i: v } : { name, type: 1, f: v };
}

/** A float tensor of `dims` filled by `fill(i)` (random weights by default). */
function floats(name: string, dims: number[], fill: (i: number) => number = () => Math.random() * 0.2 - 0.1): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = fill(i);
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) };
}

export class OnnxBuilder {
  readonly nodes: Node[] = [];
  readonly inits: Tensor[] = [];
  readonly layerOf = new Map<string, number>();
  /** The layer the nodes written now belong to. */
  layer = -1;
  private constants = 0;
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
    const name = `const/${this.constants++}`;
    this.inits.push(floats(name, [], () => v));
    return name;
  }
  /** A constant int64 vector (a shape, pads, slice bounds). */
  ints(values: readonly number[]): string {
    const name = `const/${this.constants++}`;
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.inits.push({ name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }
}
