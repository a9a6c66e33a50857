// Builds small ONNX models in tests with the generated protobufjs encoder (the same schema
// the front-end decodes), so fast tests need no Python. Weights are dims only (no data):
// the front-end reads shapes, and values only of small integer tensors given here.
import { onnx } from '../../server/src/formats/onnx/proto/onnx.js';

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attrs?: Record<string, number | number[] | string>;
}

export class OnnxBuilder {
  private readonly nodes: onnx.NodeProto.$Properties[] = [];
  private readonly inits: onnx.TensorProto.$Properties[] = [];
  private readonly valueInfo: onnx.ValueInfoProto.$Properties[] = [];
  private inputs: onnx.ValueInfoProto.$Properties[] = [];

  /** A float graph input; a string dimension is symbolic. */
  input(name: string, dims: (number | string)[]): this {
    this.inputs.push(valueInfo(name, dims));
    return this;
  }

  /** A float initializer (dims only). */
  weight(name: string, dims: number[]): this {
    this.inits.push({ name, dims, dataType: 1 });
    return this;
  }

  /** An int64 initializer with values (shapes, axes, split sizes). */
  ints(name: string, values: number[], dims: number[] = [values.length]): this {
    this.inits.push({ name, dims, dataType: 7, int64Data: values });
    return this;
  }

  /** A float initializer whose values are in an external data file: `location`, `offset`, `length` (bytes). */
  external(name: string, dims: number[], location: string, offset = 0, length?: number): this {
    const entries = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      ...(length === undefined ? [] : [{ key: 'length', value: String(length) }]),
    ];
    this.inits.push({ name, dims, dataType: 1, dataLocation: 1, externalData: entries });
    return this;
  }

  /** A float initializer with values (Resize scales, Clip bounds). */
  floats(name: string, values: number[], dims: number[] = [values.length]): this {
    this.inits.push({ name, dims, dataType: 1, floatData: values });
    return this;
  }

  node(spec: NodeSpec): this {
    this.nodes.push({
      opType: spec.op,
      name: spec.name ?? '',
      input: spec.inputs,
      output: spec.outputs,
      attribute: Object.entries(spec.attrs ?? {}).map(([name, v]) => attr(name, v)),
    });
    return this;
  }

  /** A shape the file states for a value (value_info). */
  shape(name: string, dims: (number | string)[]): this {
    this.valueInfo.push(valueInfo(name, dims));
    return this;
  }

  encode(opset = 13): Uint8Array {
    const model: onnx.ModelProto.$Properties = {
      irVersion: 8,
      producerName: 'layerlint-test',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: 'test',
        node: this.nodes,
        initializer: this.inits,
        input: [...this.inputs, ...this.inits.map((t) => valueInfo(t.name!, t.dims!.map(Number)))],
        output: [],
        valueInfo: this.valueInfo,
      },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, dims: (number | string)[]): onnx.ValueInfoProto.$Properties {
  return {
    name,
    type: {
      tensorType: {
        elemType: 1,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attr(name: string, v: number | number[] | string): onnx.AttributeProto.$Properties {
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  return Number.isInteger(v) ? { name, type: 2, i: v } : { name, type: 1, f: v };
}
