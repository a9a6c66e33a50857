// Bytes → ONNX ModelProto through the generated protobufjs decoder (proto/onnx.js, made by
// `npm run gen:onnx`; never hand-written), and the few readings of a TensorProto the
// front-end needs: element count and, for small integer or float tensors (shape operands,
// axes, scales), their values. Weights are not copied: a large tensor is only counted.
//
// Contract: decodeModel never throws; a file that is not a ModelProto gives `error`.
import { onnx } from './proto/onnx.js';

export type ModelProto = onnx.ModelProto;
export type GraphProto = onnx.GraphProto.$Properties;
export type NodeProto = onnx.NodeProto.$Properties;
export type TensorProto = onnx.TensorProto.$Properties;
export type AttributeProto = onnx.AttributeProto.$Properties;
export type ValueInfoProto = onnx.ValueInfoProto.$Properties;

/** Tensors with at most this many elements have their values read (shape operands, axes, scales). */
export const MAX_READ_ELEMENTS = 4096;

export function decodeModel(bytes: Uint8Array): { model?: ModelProto; error?: string } {
  try {
    const model = onnx.ModelProto.decode(bytes);
    if (!model.graph) return { error: 'it holds no graph (is it an ONNX model?)' };
    return { model };
  } catch (e) {
    return { error: `it is not a valid ONNX protobuf (${(e as Error).message})` };
  }
}

/** TensorProto.DataType codes the reader knows. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

export function numel(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

const BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 11: 8, 12: 4, 13: 8 };

/**
 * A tensor's values as numbers when it has at most MAX_READ_ELEMENTS elements of a numeric
 * type held in the file (not external data); undefined otherwise.
 */
export function tensorValues(t: TensorProto): number[] | undefined {
  const dims = (t.dims ?? []).map(Number);
  const count = numel(dims);
  if (count > MAX_READ_ELEMENTS || t.dataLocation === 1) return undefined;
  const type = t.dataType ?? 0;
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const size = BYTES[type];
    if (!size || raw.length !== size * count) return undefined;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out: number[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = readRaw(view, type, i * size);
    return out;
  }
  const typed =
    type === DataType.FLOAT
      ? t.floatData
      : type === DataType.INT64
        ? t.int64Data
        : type === DataType.DOUBLE
          ? t.doubleData
          : type === DataType.UINT64 || type === DataType.UINT32
            ? t.uint64Data
            : t.int32Data;
  const values = (typed ?? []).map(Number);
  return values.length === count ? values : undefined;
}

function readRaw(view: DataView, type: number, at: number): number {
  switch (type) {
    case DataType.FLOAT:
      return view.getFloat32(at, true);
    case DataType.DOUBLE:
      return view.getFloat64(at, true);
    case DataType.INT64:
      return Number(view.getBigInt64(at, true));
    case DataType.UINT64:
      return Number(view.getBigUint64(at, true));
    case DataType.INT32:
      return view.getInt32(at, true);
    case DataType.UINT32:
      return view.getUint32(at, true);
    case DataType.INT16:
      return view.getInt16(at, true);
    case DataType.UINT16:
      return view.getUint16(at, true);
    case DataType.INT8:
      return view.getInt8(at);
    default:
      return view.getUint8(at);
  }
}

/** The attribute `name` of a node, if set. */
export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a?.i !== undefined && a.i !== null ? Number(a.i) : fallback;
}

export function floatAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a?.f !== undefined && a.f !== null ? Number(a.f) : fallback;
}

export function intsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = attribute(node, name);
  return a?.ints?.length ? a.ints.map(Number) : undefined;
}

export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const s = attribute(node, name)?.s;
  return s?.length ? new TextDecoder().decode(s) : fallback;
}
