// Shape inference over the IR graph in one forward pass. Given the network input (with the
// resolution override ρ) and the width multiplier α, every layer gets its output shape
// [H, W, C] or null when an input is unknown or the layer is invalid. Only the first
// failing layer of a path gets a diagnostic; layers downstream of it stay silent.
import { makeDiagnostic, type EngineDiagnostic } from './diagnostics';
import type { Graph, Layer, LayerOp, Padding, Shape } from './ir';

export interface ShapeOptions {
  /** Width multiplier; defaults to the file's `width`. */
  alpha?: number;
  divisor?: number;
  /** Input side overriding H and W; defaults to the file's `resolution`. */
  side?: number;
}

export interface ShapeResult {
  input: Shape | null;
  /** Output shape per layer index. */
  shapes: (Shape | null)[];
  diagnostics: EngineDiagnostic[];
}

/**
 * Output channels under α: floor(C·α), at least 1; with a divisor, rounded the MobileNetV2
 * way, at α = 1 too (as MobileNetV2's _make_divisible does), so that cost grows with α.
 */
export function applyWidthMultiplier(channels: number, alpha: number, divisor?: number): number {
  const v = channels * alpha;
  if (divisor) {
    let n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
    if (n < 0.9 * v) n += divisor;
    return n;
  }
  if (alpha === 1) return channels;
  return Math.max(1, Math.floor(v + 1e-9));
}

/** Spatial output size of a convolution-like window. */
export function convOutSize(size: number, k: number, s: number, d: number, pad: Padding, axis: 'h' | 'w'): number {
  const span = d * (k - 1) + 1;
  if (pad.kind === 'same') return Math.ceil(size / s);
  const p = pad.kind === 'valid' ? 0 : pad[axis];
  return Math.floor((size + 2 * p - span) / s) + 1;
}

/**
 * Pooling output size. `ceil` rounds up as PyTorch's ceil_mode does: a last window that would
 * start past the input (in the right padding, or beyond an unpadded input) is dropped.
 */
export function poolOutSize(size: number, k: number, s: number, pad: Padding, axis: 'h' | 'w', ceil: boolean): number {
  if (pad.kind === 'same') return Math.ceil(size / s);
  const p = pad.kind === 'valid' ? 0 : pad[axis];
  if (!ceil) return Math.floor((size + 2 * p - k) / s) + 1;
  let out = Math.ceil((size + 2 * p - k) / s) + 1;
  if ((out - 1) * s >= size + p) out--;
  return out;
}

export function deconvOutSize(size: number, k: number, s: number, d: number, pad: Padding, axis: 'h' | 'w'): number {
  if (pad.kind === 'same') return size * s;
  const p = pad.kind === 'valid' ? 0 : pad[axis];
  return (size - 1) * s - 2 * p + d * (k - 1) + 1;
}

export function effectiveOut(layer: Layer, alpha: number, divisor?: number): number | undefined {
  const op = layer.op;
  if (op.kind === 'conv' || op.kind === 'deconv')
    return op.fixed ? op.out : applyWidthMultiplier(op.out, alpha, divisor);
  return undefined;
}

export function inferShapes(graph: Graph, options: ShapeOptions = {}): ShapeResult {
  const diagnostics: EngineDiagnostic[] = [];
  const alpha = options.alpha ?? graph.width.alpha;
  const divisor = options.divisor ?? graph.width.divisor;
  const side = options.side ?? graph.resolution?.side;
  const inp = graph.input;
  const input: Shape | null = inp.c > 0 ? [side ?? inp.h, side ?? inp.w, inp.c] : null;
  const shapes: (Shape | null)[] = new Array(graph.layers.length).fill(null);
  const fail = (layer: Layer, code: ShapeCode, message: string) => {
    diagnostics.push(makeDiagnostic(code, layer.span, message));
    return null;
  };

  const recent = new RecentShapes();
  for (const layer of graph.layers)
    shapes[layer.index] = recent.shared(shapeFromInputs(layer, shapes, input, alpha, divisor, inp.batch, fail));
  return { input, shapes, diagnostics };
}

/**
 * Equal shapes as one array: a shape equal (same three numbers) to one of the last few kept
 * is replaced by it. A network repeats a handful of shapes per stage, and what an analysis
 * keeps is what its garbage collection copies; shapes are never mutated.
 */
class RecentShapes {
  private readonly kept: Shape[] = [];
  private next = 0;
  shared(s: Shape | null): Shape | null {
    if (!s) return s;
    const kept = this.kept;
    for (let k = 0; k < kept.length; k++) {
      const r = kept[k]!;
      if (r === s || (Object.is(r[0], s[0]) && Object.is(r[1], s[1]) && Object.is(r[2], s[2]))) return r;
    }
    kept[this.next] = s;
    this.next = (this.next + 1) % RECENT_SHAPES;
    return s;
  }
}

const RECENT_SHAPES = 8;

/** The input list of every one-input layer shapeFromInputs infers (layerShape keeps no list). */
const ONE_INPUT: Shape[] = [[0, 0, 0]];

/** A layer's output shape from the shapes before it; null when an input's is not known. */
function shapeFromInputs(
  layer: Layer,
  shapes: (Shape | null)[],
  input: Shape | null,
  alpha: number,
  divisor: number | undefined,
  batch: number,
  fail: Fail,
): Shape | null {
  const inputs = layer.inputs;
  const n = inputs.length;
  if (n === 0) return null;
  const ins = n === 1 ? ONE_INPUT : new Array<Shape>(n);
  for (let k = 0; k < n; k++) {
    const i = inputs[k]!;
    const s = i < 0 ? input : shapes[i]!;
    if (!s) return null;
    ins[k] = s;
  }
  return layerShape(layer, ins, alpha, divisor, batch, fail);
}

/**
 * `inferShapes(graph).shapes` for a graph that only grows: `shapes` holds those of its first
 * layers (from an earlier call on the same graph) and is extended in place to every layer.
 * For front-ends that read shapes while they build the graph, without inferring it again.
 */
export function extendShapes(graph: Graph, shapes: (Shape | null)[]): (Shape | null)[] {
  const inp = graph.input;
  const side = graph.resolution?.side;
  const input: Shape | null = inp.c > 0 ? [side ?? inp.h, side ?? inp.w, inp.c] : null;
  const ignore = () => null;
  for (let k = shapes.length; k < graph.layers.length; k++)
    shapes.push(
      shapeFromInputs(graph.layers[k]!, shapes, input, graph.width.alpha, graph.width.divisor, inp.batch, ignore),
    );
  return shapes;
}

type ShapeCode = 'shape-mismatch' | 'non-positive-size' | 'channel-mismatch' | 'limit-exceeded';
export type Fail = (layer: Layer, code: ShapeCode, message: string) => null;

/** One layer's output shape from its (known) input shapes, a list it does not keep; null after `fail` reports why it has none. */
export function layerShape(
  layer: Layer,
  ins: Shape[],
  alpha: number,
  divisor: number | undefined,
  batch: number,
  fail: Fail,
): Shape | null {
  const out = outputShape(layer, ins, alpha, divisor, fail);
  if (out && (out[0] < 1 || out[1] < 1 || out[2] < 1)) {
    const inShape = ins[0]!;
    const h = inShape[0],
      w = inShape[1];
    const empty = (['height', 'width', 'channels'] as const).filter((_, i) => out[i]! < 1);
    return fail(
      layer,
      'non-positive-size',
      `${layer.opText} on a ${h}x${w} input gives no output: its ${empty.join(' and ')} would be less than 1 (the window does not fit).`,
    );
  }
  if (out && !(out[0] * out[1] * out[2] * batch <= Number.MAX_SAFE_INTEGER)) {
    // Past 2^53 elements no count is exact; stopping here keeps every figure finite.
    return fail(
      layer,
      'limit-exceeded',
      `${layer.opText} gives a ${fmt(out)} output${batch > 1 ? ` (batch ${batch})` : ''}: more than 2^53 elements, past which counts are not exact.`,
    );
  }
  return out;
}

function outputShape(layer: Layer, ins: Shape[], alpha: number, divisor: number | undefined, fail: Fail): Shape | null {
  const inShape = ins[0]!;
  const h = inShape[0],
    w = inShape[1],
    c = inShape[2];
  const op = layer.op;
  switch (op.kind) {
    case 'conv':
    case 'deconv': {
      const out = effectiveOut(layer, alpha, divisor)!;
      if (c % op.groups !== 0 || out % op.groups !== 0) {
        return fail(
          layer,
          'channel-mismatch',
          `groups=${op.groups} must divide both the input channels (${c}) and the output channels (${out}).`,
        );
      }
      const size = op.kind === 'conv' ? convOutSize : deconvOutSize;
      return [size(h, op.kh, op.sh, op.dh, op.padding, 'h'), size(w, op.kw, op.sw, op.dw, op.padding, 'w'), out];
    }
    case 'dwconv':
      return [
        convOutSize(h, op.kh, op.sh, op.dh, op.padding, 'h'),
        convOutSize(w, op.kw, op.sw, op.dw, op.padding, 'w'),
        c * op.multiplier,
      ];
    case 'pool':
      if (op.global) return [1, 1, c];
      return [
        poolOutSize(h, op.kh, op.sh, op.padding, 'h', op.ceil),
        poolOutSize(w, op.kw, op.sw, op.padding, 'w', op.ceil),
        c,
      ];
    case 'fc':
      return [1, 1, op.out];
    case 'flatten':
      return [1, 1, h * w * c];
    case 'upsample':
      if (op.size) return [op.size[0], op.size[1], c];
      return [h * op.factor - (op.trim?.[0] ?? 0), w * (op.factorW ?? op.factor) - (op.trim?.[1] ?? 0), c];
    case 'merge': {
      if (op.mode === 'concat') {
        // The axis joined along, as an index into [H, W, C]; the other two must agree.
        const along = op.axis === 'h' ? 0 : op.axis === 'w' ? 1 : 2;
        const bad = ins.find((s) => s.some((v, k) => k !== along && v !== ins[0]![k]));
        if (bad) {
          const others = ['W x C', 'H x C', 'H x W'][along];
          return fail(layer, 'shape-mismatch', `concat needs equal ${others}: ${ins.map(fmt).join(' vs ')}.`);
        }
        const out: Shape = [h, w, c];
        out[along] = ins.reduce((a, s) => a + s[along], 0);
        return out;
      }
      // add / mul: equal shapes, a 1x1xC operand broadcast over H x W, or an HxWx1 one over C.
      const full: Shape = [h, w, c];
      for (const s of ins) for (let k = 0; k < 3; k++) full[k] = Math.max(full[k]!, s[k]!);
      const ok = ins.every(
        (s) =>
          (s[2] === full[2] && ((s[0] === full[0] && s[1] === full[1]) || (s[0] === 1 && s[1] === 1))) ||
          (s[2] === 1 && s[0] === full[0] && s[1] === full[1]),
      );
      if (!ok) return fail(layer, 'shape-mismatch', `${op.mode} needs equal shapes: ${ins.map(fmt).join(' vs ')}.`);
      return [full[0], full[1], full[2]];
    }
    case 'crop':
      if (op.h > h || op.w > w)
        return fail(layer, 'shape-mismatch', `crop ${op.h}x${op.w} does not fit a ${h}x${w} input.`);
      return [op.h, op.w, c];
    case 'reorg': {
      const s = op.stride;
      if (op.reverse) {
        if (c % (s * s) !== 0)
          return fail(
            layer,
            'channel-mismatch',
            `reorg reverse stride=${s} needs channels divisible by ${s * s}, not ${c}.`,
          );
        return [h * s, w * s, c / (s * s)];
      }
      if (h % s !== 0 || w % s !== 0)
        return fail(layer, 'shape-mismatch', `reorg stride=${s} needs H and W divisible by ${s}, not ${h}x${w}.`);
      return [h / s, w / s, c * s * s];
    }
    case 'reshape':
      if ((h * w * c) % (op.h * op.c) !== 0)
        return fail(layer, 'shape-mismatch', `Cannot view ${h}x${w}x${c} as ${op.h} x ? x ${op.c}.`);
      return [op.h, (h * w * c) / (op.h * op.c), op.c];
    case 'split':
      if (c % op.parts !== 0)
        return fail(layer, 'channel-mismatch', `${c} channels do not split into ${op.parts} equal parts.`);
      return [h, w, c / op.parts];
    case 'slice': {
      const axis = op.axis === 'h' ? 0 : op.axis === 'w' ? 1 : 2;
      const size = ins[0]![axis];
      const start = op.points.length ? (op.index === 0 ? 0 : op.points[op.index - 1]!) : (size / op.count) * op.index;
      const end = op.points.length
        ? op.index < op.points.length
          ? op.points[op.index]!
          : size
        : (size / op.count) * (op.index + 1);
      if (!Number.isInteger(start) || !Number.isInteger(end) || end > size || start >= end) {
        return fail(
          layer,
          'shape-mismatch',
          `slice part ${op.index + 1} of ${op.count} does not fit an axis of size ${size}${op.points.length ? ` (points ${op.points.join(', ')})` : ''}.`,
        );
      }
      const out: Shape = [h, w, c];
      out[axis] = end - start;
      return out;
    }
    case 'cropto':
      return cropShape(layer, ins, op.axis, op.offsets, fail);
    case 'interp':
      return interpShape(layer, ins, op, fail);
    case 'permute': {
      const byAxis = [0, c, h, w];
      return [byAxis[op.order[1]]!, byAxis[op.order[2]]!, byAxis[op.order[0]]!];
    }
    case 'view':
      return viewShape(layer, ins[0]!, op.dims, fail);
    case 'priorbox':
      return [h * w * op.priors * 4, 1, 2];
    case 'detections':
      return [op.keep, 7, 1];
    case 'roipool':
      if (op.channels === undefined) return [op.h, op.w, c];
      if (c !== op.channels * op.h * op.w)
        return fail(
          layer,
          'channel-mismatch',
          `position-sensitive pooling to ${op.channels} channels of ${op.h}x${op.w} bins needs ${op.channels * op.h * op.w} input channels, not ${c}.`,
        );
      return [op.h, op.w, op.channels];
    case 'normalize':
      return ins[0]!;
    case 'pad':
      return [h + op.top + op.bottom, w + op.left + op.right, c + (op.channels ?? 0)];
    case 'attention':
      if (c !== op.heads * (2 * op.keyDim + op.headDim))
        return fail(
          layer,
          'channel-mismatch',
          `attention with ${op.heads} heads of ${op.keyDim}+${op.keyDim}+${op.headDim} channels needs ${op.heads * (2 * op.keyDim + op.headDim)} input channels, not ${c}.`,
        );
      return [h, w, op.heads * op.headDim];
    case 'linear':
      return [h, w, op.out];
    case 'matmul': {
      const b = ins[1];
      const [k, n] = op.transB ? [2, 1] : [1, 2];
      if (!b || b[0] !== h || b[k] !== c)
        return fail(
          layer,
          'shape-mismatch',
          `a batched product needs [B, M, K] and ${op.transB ? '[B, N, K]' : '[B, K, N]'}: ${ins.map(fmt).join(' and ')}.`,
        );
      return [h, w, b[n]!];
    }
    case 'reduce':
      if (op.over) return op.over === 'w' ? [h, 1, c] : op.over === 'hw' ? [1, 1, c] : [1, 1, 1];
      if (op.k === undefined) return [h, w, 1];
      if (op.k > c) return fail(layer, 'shape-mismatch', `the top ${op.k} of ${c} channels do not exist.`);
      return [h, w, op.k];
    case 'learned':
      return learnedShape(layer, inShape, op, fail);
    case 'unknown':
      // Its output is unknown (diagnosed by the analysis as unknown-layer), not its input's.
      return null;
    case 'bn':
    case 'scale':
    case 'lrn':
    case 'act':
    case 'dropout':
    case 'identity':
    case 'shortcut':
      // Shapes are never mutated, so a layer that keeps its input's shape shares the array.
      return ins[0]!;
  }
}

/** A learned [h, w, c] tensor added to the input (equal shapes) or joined to it along an axis (the other two equal). */
function learnedShape(layer: Layer, x: Shape, op: Extract<LayerOp, { kind: 'learned' }>, fail: Fail): Shape | null {
  const t: Shape = [op.h, op.w, op.c];
  const along = op.mode === 'add' ? 3 : op.axis === 'h' ? 0 : op.axis === 'w' ? 1 : 2;
  if (t.some((v, k) => k !== along && v !== x[k]))
    return fail(layer, 'shape-mismatch', `a learned ${fmt(t)} tensor does not fit a ${fmt(x)} input (${op.mode}).`);
  const out: Shape = [x[0], x[1], x[2]];
  if (along !== 3) out[along] = x[along] + t[along];
  return out;
}

/** Caffe Crop: the second input's C, H, W from `axis` on, each cut at its offset, which must fit. */
function cropShape(layer: Layer, ins: Shape[], axis: number, offsets: number[], fail: Fail): Shape | null {
  const ref = ins[1];
  if (!ref) return fail(layer, 'shape-mismatch', 'Crop needs a second input, whose size it crops to.');
  const inShape = ins[0]!;
  const h = inShape[0],
    w = inShape[1],
    c = inShape[2];
  const from = [c, h, w];
  const to = [ref[2], ref[0], ref[1]];
  const out = from.slice();
  for (let a = axis; a <= 3; a++) {
    const k = a - 1;
    if (offsets[k]! + to[k]! > from[k]!)
      return fail(
        layer,
        'shape-mismatch',
        `Cropping ${fmt(ins[0]!)} to ${fmt(ref)} at offset ${offsets[k]} on axis ${a} does not fit: ${offsets[k]} + ${to[k]} > ${from[k]}.`,
      );
    out[k] = to[k]!;
  }
  return [out[1]!, out[2]!, out[0]!];
}

/** Caffe Interp: the trimmed input shrunk (floor((I - 1) / shrink) + 1) then zoomed (I + (I - 1)(zoom - 1)), or a given size. */
function interpShape(layer: Layer, ins: Shape[], op: Extract<LayerOp, { kind: 'interp' }>, fail: Fail): Shape | null {
  const inShape = ins[0]!;
  const h = inShape[0],
    w = inShape[1],
    c = inShape[2];
  const t = op.target;
  if (t.kind === 'size') return [t.h, t.w, c];
  if (t.kind === 'like') {
    const ref = ins[1];
    if (!ref) return fail(layer, 'shape-mismatch', 'Interp to the size of another blob needs a second input.');
    return [ref[0], ref[1], c];
  }
  const size = (x: number) => {
    const shrunk = Math.floor((x - op.trim - op.trimEnd - 1) / t.shrink) + 1;
    return shrunk + (shrunk - 1) * (t.zoom - 1);
  };
  return [size(h), size(w), c];
}

/** A reshape to N x dims: 0 copies the input's axis (C, H, W order), one -1 takes the rest; [H, W, C] from C, H, W. */
function viewShape(layer: Layer, input: Shape, dims: number[], fail: Fail): Shape | null {
  const h = input[0],
    w = input[1],
    c = input[2];
  const from = [c, h, w];
  const total = h * w * c;
  const out = dims.map((d, k) => (d === 0 ? from[k]! : d));
  const known = out.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const free = out.indexOf(-1);
  if (free >= 0 && total % known === 0) out[free] = total / known;
  if (out.reduce((a, d) => a * d, 1) !== total)
    return fail(layer, 'shape-mismatch', `Cannot reshape ${fmt(input)} (${total} elements) to ${dims.join(' x ')}.`);
  return [out[1] ?? 1, out[2] ?? 1, out[0]!];
}

export function fmt(s: Shape): string {
  return `${s[0]}x${s[1]}x${s[2]}`;
}
