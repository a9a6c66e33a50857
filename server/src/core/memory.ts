// Peak live activation memory of an analysed network: what an inference arena must hold at once
// when the layers run one after another in graph order (docs/counting.md#peak-activation-memory).
// Contract: a tensor is live from the layer that produces it (the network input: from the first
// layer) until its last reader has run; a tensor that no layer reads is a network output, live
// to the end. Views (flatten, reshape, view, identity, dropout) share their input's buffer; a BN,
// scale or activation (not softmax) that is the only reader of a buffer nobody else reads writes
// into it in place; every other layer writes a buffer of its own. Sizes are elements × the
// precision's bytes per element, at the target's batch when it fixes one. One pass over the
// layers and their inputs. A layer without a shape adds nothing and makes the peak a lower
// bound (`complete: false`, the layers named), never a guess.
import type { LayerResult } from './costs';
import type { Layer, Shape } from './ir';

/** One buffer live at the peak: the layer that wrote it (-1: the network input) and its size. */
export interface LiveTensor {
  layer: number;
  name: string;
  shape: Shape;
  elements: number;
  bytes: number;
}

export interface PeakMemory {
  precision: 'fp32' | 'fp16' | 'int8';
  bytesPerElement: number;
  /** The batch the figures are for: the target's when it fixes one, else the file's. */
  batch: number;
  peakBytes: number;
  peakElements: number;
  /** The layer running when the peak is reached (the first such layer); -1 for a network without layers. */
  at: number;
  /** The buffers live while layer `at` runs, in the order they were written. */
  live: LiveTensor[];
  /** Per layer, in graph order: the elements live while it runs (its inputs, its output and what later layers still need). */
  liveElements: Float64Array;
  /** False when some layer has no shape: `peakBytes` is then a lower bound. */
  complete: boolean;
  /** The layers without a shape, whose buffers are left out. */
  unknown: string[];
}

export interface MemoryPrecision {
  precision: 'fp32' | 'fp16' | 'int8';
  bytesPerElement: number;
  /** A batch that replaces the file's (a target that fixes one). */
  batch?: number;
}

/** fp32, 4 bytes per element: the precision without a target. */
export const FP32: MemoryPrecision = { precision: 'fp32', bytesPerElement: 4 };

const VIEWS = new Set<Layer['op']['kind']>(['flatten', 'view', 'reshape', 'identity', 'dropout']);

function writesInPlace(layer: Layer): boolean {
  const op = layer.op;
  return op.kind === 'bn' || op.kind === 'scale' || (op.kind === 'act' && op.fn !== 'softmax');
}

const elementsOf = (s: Shape) => s[0] * s[1] * s[2];

/**
 * The peak of `layers` (an analysis's results, in graph order): `input` is the network input's
 * shape (null when unknown), `consumers` soleConsumers(graph.layers), `fileBatch` the batch the
 * layer figures were counted at.
 */
export function peakMemory(
  layers: readonly LayerResult[],
  input: Shape | null,
  consumers: Int32Array,
  fileBatch: number,
  p: MemoryPrecision = FP32,
): PeakMemory {
  const n = layers.length;
  const batch = p.batch ?? fileBatch;
  // Buffer k + 1 is the one layer k writes; buffer 0 is the network input.
  const bufferOf = new Int32Array(n);
  const last = new Int32Array(n + 1).fill(-1);
  const elements = new Float64Array(n + 1);
  // A buffer some tensor of which has several readers: no layer may overwrite it.
  const shared = new Uint8Array(n + 1);
  const unknown: string[] = [];
  if (input) elements[0] = elementsOf(input) * batch;
  const buffer = (j: number) => (j < 0 ? 0 : bufferOf[j]!);
  for (let i = 0; i < n; i++) {
    const l = layers[i]!;
    const ins = l.layer.inputs;
    for (const j of ins) last[buffer(j)] = i;
    const out = l.output;
    const j = ins[0]!;
    const from = ins.length === 1 ? buffer(j) : -1;
    const sameSize = out && from >= 0 && l.inputs && elementsOf(out) === elementsOf(l.inputs[0]!);
    const aliases =
      sameSize &&
      (VIEWS.has(l.layer.op.kind) || (writesInPlace(l.layer) && from > 0 && consumers[j] === i && !shared[from]));
    if (aliases) bufferOf[i] = from;
    else {
      bufferOf[i] = i + 1;
      last[i + 1] = i;
      if (out) elements[i + 1] = elementsOf(out) * batch;
      else unknown.push(l.layer.name);
    }
    const b = bufferOf[i]!;
    if (consumers[i] === -2) shared[b] = 1;
  }
  // Outputs (tensors no layer reads) stay live to the end.
  for (let i = 0; i < n; i++) if (consumers[i] === -1) last[bufferOf[i]!] = n - 1;
  // Live elements per step: each buffer adds its size from its first step to its last.
  const delta = new Float64Array(n + 1);
  for (let b = 0; b <= n; b++) {
    if (last[b]! < 0 || elements[b] === 0) continue;
    delta[b === 0 ? 0 : b - 1] += elements[b]!;
    delta[last[b]! + 1] -= elements[b]!;
  }
  let at = -1;
  let peakElements = 0;
  let running = 0;
  const liveElements = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    running += delta[i]!;
    liveElements[i] = running;
    if (at < 0 || running > peakElements) {
      at = i;
      peakElements = running;
    }
  }
  const live: LiveTensor[] = [];
  if (at >= 0)
    for (let b = 0; b <= n; b++) {
      const first = b === 0 ? 0 : b - 1;
      if (elements[b] === 0 || first > at || last[b]! < at) continue;
      const shape = b === 0 ? input! : layers[b - 1]!.output!;
      live.push({
        layer: b - 1,
        name: b === 0 ? 'input' : layers[b - 1]!.layer.name,
        shape,
        elements: elements[b]!,
        bytes: elements[b]! * p.bytesPerElement,
      });
    }
  return {
    precision: p.precision,
    bytesPerElement: p.bytesPerElement,
    batch,
    peakBytes: peakElements * p.bytesPerElement,
    peakElements,
    at,
    live,
    liveElements,
    complete: input !== null && unknown.length === 0,
    unknown,
  };
}
