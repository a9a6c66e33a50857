// Builds small TensorFlow.js model.json files and their weight shard in tests: nodes with
// NodeDef attributes (strings base64 as the converter writes them), weights with values
// (float32, int32, or quantized float16 / uint8 / uint16), and an in-memory Companions that
// serves the shard and records every path it was asked for.
import type { Companions } from '../../server/src/formats/types';

type Attr = Record<string, unknown>;

export const s = (text: string) => ({ s: btoa(text) });
export const list = (...i: number[]) => ({ list: { i: i.map(String) } });
export const fused = (...ops: string[]) => ({ list: { s: ops.map((o) => btoa(o)) } });

interface Weight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: number[];
  quantization?: 'float16' | 'uint8' | 'uint16';
}

export class TfjsBuilder {
  readonly nodes: { name: string; op: string; input?: string[]; attr?: Attr }[] = [];
  readonly weights: Weight[] = [];

  placeholder(name: string, dims: number[]): this {
    this.nodes.push({
      name,
      op: 'Placeholder',
      attr: { shape: { shape: { dim: dims.map((d) => ({ size: String(d) })) } } },
    });
    return this;
  }

  /** A Const node whose values are in the shard. */
  weight(name: string, shape: number[], values: number[], quantization?: Weight['quantization']): this {
    this.nodes.push({ name, op: 'Const', attr: {} });
    this.weights.push({ name, shape, dtype: 'float32', values, quantization });
    return this;
  }

  ints(name: string, values: number[], shape = [values.length]): this {
    this.nodes.push({ name, op: 'Const', attr: {} });
    this.weights.push({ name, shape, dtype: 'int32', values });
    return this;
  }

  node(name: string, op: string, input: string[], attr: Attr = {}): this {
    this.nodes.push({ name, op, input, attr });
    return this;
  }

  /** The weight shard's bytes, in manifest order. */
  shard(): Uint8Array {
    const parts = this.weights.map((w) => encode(w));
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  json(paths = ['group1-shard1of1.bin']): string {
    const manifest = [
      {
        paths,
        weights: this.weights.map((w) => ({
          name: w.name,
          shape: w.shape,
          dtype: w.dtype,
          ...(w.quantization ? { quantization: quantization(w) } : {}),
        })),
      },
    ];
    return JSON.stringify(
      { format: 'graph-model', modelTopology: { node: this.nodes }, weightsManifest: manifest },
      null,
      1,
    );
  }
}

const range = (w: Weight) => ({ min: Math.min(...w.values), max: Math.max(...w.values) });

function quantization(w: Weight): { dtype: string; min?: number; scale?: number } {
  if (w.quantization === 'float16') return { dtype: 'float16' };
  const { min, max } = range(w);
  const levels = w.quantization === 'uint8' ? 255 : 65535;
  return { dtype: w.quantization!, min, scale: (max - min) / levels || 1 };
}

function encode(w: Weight): Uint8Array {
  const n = w.values.length;
  if (w.quantization === 'float16') {
    const out = new Uint16Array(n);
    w.values.forEach((v, i) => (out[i] = toHalf(v)));
    return new Uint8Array(out.buffer);
  }
  if (w.quantization) {
    const q = quantization(w);
    const out = w.quantization === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
    w.values.forEach((v, i) => (out[i] = Math.round((v - q.min!) / q.scale!)));
    return new Uint8Array(out.buffer);
  }
  const out = w.dtype === 'int32' ? new Int32Array(w.values) : new Float32Array(w.values);
  return new Uint8Array(out.buffer);
}

/** A half float's bits for values that are exact in half precision (the tests use such values). */
function toHalf(v: number): number {
  if (v === 0) return Object.is(v, -0) ? 0x8000 : 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const exp = Math.floor(Math.log2(a));
  const frac = Math.round((a / 2 ** exp - 1) * 1024);
  return sign | ((exp + 15) << 10) | frac;
}

/** Files served from memory; `asked` lists every path read. */
export function memoryFiles(files: Record<string, Uint8Array>): Companions & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    read(path) {
      asked.push(path);
      return files[path] ?? { error: 'no such file' };
    },
  };
}
