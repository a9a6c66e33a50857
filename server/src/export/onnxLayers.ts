// The ONNX nodes of one analysed layer (export/onnx.ts): its [H, W, C] output computed as
// N x C x H x W (fc and flatten: N x F) from its inputs, the first node named after the layer
// and extra nodes `LAYER/…`. Contract: the nodes compute the layer's output shape exactly and
// do the work the op does (the same kernels a framework export would run), with the element
// order of PyTorch's equivalent where darknet's differs (reorg); a layer with no ONNX form
// here returns the reason, naming the layer.
import type { LayerResult } from '../core/costs';
import type { LayerOp, Shape } from '../core/ir';
import type { OnnxBuilder } from './onnxBuilder';
import { padsFor } from './pytorch';

type Writer = (x: string, y: string, name: string, b: OnnxBuilder) => void;

const ACTIVATIONS: Record<string, Writer> = {
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
  // x · tanh(softplus(x)), as PyTorch exports Mish below opset 18.
  mish: (x, y, name, b) => {
    b.node('Softplus', [x], [`${y}/softplus`], `${name}/softplus`);
    b.node('Tanh', [`${y}/softplus`], [`${y}/tanh`], `${name}/tanh`);
    b.node('Mul', [x, `${y}/tanh`], [y], name);
  },
  // 0.5 · x · (1 + erf(x / √2)): the pattern ONNX Runtime fuses into one Gelu kernel.
  gelu: (x, y, name, b) => {
    b.node('Div', [x, b.scalar(Math.SQRT2)], [`${y}/div`], `${name}/div`);
    b.node('Erf', [`${y}/div`], [`${y}/erf`], `${name}/erf`);
    b.node('Add', [`${y}/erf`, b.scalar(1)], [`${y}/add`], `${name}/add`);
    b.node('Mul', [x, `${y}/add`], [`${y}/mul`], `${name}/mul`);
    b.node('Mul', [`${y}/mul`, b.scalar(0.5)], [y], name);
  },
};

/** The N x C x H x W dims of a [H, W, C] shape. */
export const nchw = (s: Shape, batch: number) => [batch, s[2], s[0], s[1]];

/** `x` cut to [start, start + size) along ONNX axes `axes`. */
function slice(b: OnnxBuilder, x: string, y: string, name: string, axes: number[], starts: number[], sizes: number[]) {
  b.node('Slice', [x, b.ints(starts), b.ints(starts.map((s, i) => s + sizes[i]!)), b.ints(axes)], [y], name);
}

function conv(b: OnnxBuilder, l: LayerResult, x: string, y: string): void {
  const op = l.layer.op as Extract<LayerOp, { kind: 'conv' | 'dwconv' }>;
  const [hi, wi, ci] = l.inputs![0]!;
  const co = l.output![2];
  const name = l.layer.name;
  const groups = op.kind === 'conv' ? op.groups : ci;
  const [left, right, top, bottom] = padsFor(op.padding, hi, wi, op.kh, op.kw, op.sh, op.sw, op.dh, op.dw);
  const w = b.weight(`${name}/weight`, [co, ci / groups, op.kh, op.kw]);
  b.node('Conv', [x, w, ...(op.bias ? [b.weight(`${name}/bias`, [co])] : [])], [y], name, {
    group: groups,
    kernel_shape: [op.kh, op.kw],
    strides: [op.sh, op.sw],
    dilations: [op.dh, op.dw],
    pads: [top, left, bottom, right],
  });
}

/** ConvTranspose with the pads (or output padding) that give the analysed output size. */
function deconv(b: OnnxBuilder, l: LayerResult, x: string, y: string): void {
  const op = l.layer.op as Extract<LayerOp, { kind: 'deconv' }>;
  const [hi, wi, ci] = l.inputs![0]!;
  const [ho, wo, co] = l.output!;
  const name = l.layer.name;
  // Per axis: pad_begin + pad_end - output_padding = (in - 1)·s + d·(k - 1) + 1 - out.
  const axis = (i: number, k: number, s: number, d: number, o: number) => {
    const total = (i - 1) * s + d * (k - 1) + 1 - o;
    const begin = Math.max(0, Math.floor(total / 2));
    return { begin, end: Math.max(0, total - begin), extra: Math.max(0, -total) };
  };
  const h = axis(hi, op.kh, op.sh, op.dh, ho);
  const w = axis(wi, op.kw, op.sw, op.dw, wo);
  const weight = b.weight(`${name}/weight`, [ci, co / op.groups, op.kh, op.kw]);
  b.node('ConvTranspose', [x, weight, ...(op.bias ? [b.weight(`${name}/bias`, [co])] : [])], [y], name, {
    group: op.groups,
    kernel_shape: [op.kh, op.kw],
    strides: [op.sh, op.sw],
    dilations: [op.dh, op.dw],
    pads: [h.begin, w.begin, h.end, w.end],
    output_padding: [h.extra, w.extra],
  });
}

function pool(b: OnnxBuilder, l: LayerResult, x: string, y: string): void {
  const op = l.layer.op as Extract<LayerOp, { kind: 'pool' }>;
  const [hi, wi] = l.inputs![0]!;
  const name = l.layer.name;
  if (op.global) {
    b.node(op.mode === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [x], [y], name);
    return;
  }
  const [left, right, top, bottom] = padsFor(op.padding, hi, wi, op.kh, op.kw, op.sh, op.sw, 1, 1);
  b.node(op.mode === 'max' ? 'MaxPool' : 'AveragePool', [x], [y], name, {
    kernel_shape: [op.kh, op.kw],
    strides: [op.sh, op.sw],
    pads: [top, left, bottom, right],
    ceil_mode: op.ceil ? 1 : 0,
  });
}

/**
 * Darknet [shortcut]: input 0 plus the first min(N_0, N_i) elements of every other input in
 * C x H x W order (the PyTorch export's DarknetShortcut), each scaled by its learned weights.
 */
function shortcut(b: OnnxBuilder, l: LayerResult, xs: string[], y: string, batch: number): void {
  const op = l.layer.op as Extract<LayerOp, { kind: 'shortcut' }>;
  const ins = l.inputs!;
  const name = l.layer.name;
  const out = l.output!;
  const weighted = xs.map((x, i) => {
    if (op.weights === 'none') return x;
    const dims = op.weights === 'per_feature' ? [1] : [ins[i]![2], 1, 1];
    b.node('Mul', [x, b.weight(`${name}/weight${i}`, dims)], [`${y}/w${i}`], `${name}/weight${i}`);
    return `${y}/w${i}`;
  });
  const same = ins.every((s) => s[0] === out[0] && s[1] === out[1] && s[2] === out[2]);
  if (same) {
    b.node('Sum', weighted, [y], name);
    return;
  }
  const n = out[0] * out[1] * out[2];
  const flat = weighted.map((x, i) => {
    const f = `${y}/flat${i}`;
    b.node('Flatten', [x], [f], `${name}/flat${i}`, { axis: 1 });
    if (i === 0) return f;
    const ni = ins[i]![0] * ins[i]![1] * ins[i]![2];
    if (ni === n) return f;
    if (ni > n) {
      slice(b, f, `${y}/cut${i}`, `${name}/cut${i}`, [1], [0], [n]);
      return `${y}/cut${i}`;
    }
    b.node('Pad', [f, b.ints([0, 0, 0, n - ni])], [`${y}/pad${i}`], `${name}/pad${i}`);
    return `${y}/pad${i}`;
  });
  b.node('Sum', flat, [`${y}/sum`], name);
  b.node('Reshape', [`${y}/sum`, b.ints(nchw(out, batch))], [y], `${name}/reshape`);
}

/** softmax(QᵀK / √keyDim)·V per head over the H x W positions (Ultralytics Attention's core). */
function attention(b: OnnxBuilder, l: LayerResult, x: string, y: string, batch: number): void {
  const op = l.layer.op as Extract<LayerOp, { kind: 'attention' }>;
  const [h, w] = l.inputs![0]!;
  const name = l.layer.name;
  const per = 2 * op.keyDim + op.headDim;
  const t = (s: string) => `${y}/${s}`;
  b.node('Reshape', [x, b.ints([batch, op.heads, per, h * w])], [t('heads')], `${name}/heads`);
  b.node('Split', [t('heads'), b.ints([op.keyDim, op.keyDim, op.headDim])], [t('q'), t('k'), t('v')], `${name}/qkv`, {
    axis: 2,
  });
  b.node('Transpose', [t('q')], [t('qT')], `${name}/qT`, { perm: [0, 1, 3, 2] });
  b.node('MatMul', [t('qT'), t('k')], [t('scores')], name);
  b.node('Mul', [t('scores'), b.scalar(op.keyDim ** -0.5)], [t('scaled')], `${name}/scale`);
  b.node('Softmax', [t('scaled')], [t('attn')], `${name}/softmax`, { axis: -1 });
  b.node('Transpose', [t('attn')], [t('attnT')], `${name}/attnT`, { perm: [0, 1, 3, 2] });
  b.node('MatMul', [t('v'), t('attnT')], [t('out')], `${name}/av`);
  b.node('Reshape', [t('out'), b.ints(nchw(l.output!, batch))], [y], `${name}/reshape`);
}

/** SSD Normalize: x / ‖x‖₂ over channels (and H x W), then a learned scale per channel or one shared. */
function normalize(b: OnnxBuilder, l: LayerResult, x: string, y: string): void {
  const op = l.layer.op as Extract<LayerOp, { kind: 'normalize' }>;
  const name = l.layer.name;
  const c = l.output![2];
  b.node('ReduceL2', [x], [`${y}/norm`], `${name}/norm`, { axes: op.acrossSpatial ? [1, 2, 3] : [1], keepdims: 1 });
  b.node('Div', [x, `${y}/norm`], [`${y}/unit`], name);
  b.node('Mul', [`${y}/unit`, b.weight(`${name}/scale`, op.shared ? [1] : [c, 1, 1])], [y], `${name}/scale`);
}

/** Caffe Interp: the input, trimmed, resized bilinearly (align corners) to the output size. */
function interp(b: OnnxBuilder, l: LayerResult, x: string, y: string, batch: number): void {
  const op = l.layer.op as Extract<LayerOp, { kind: 'interp' }>;
  const [h, w] = l.inputs![0]!;
  const name = l.layer.name;
  let src = x;
  if (op.trim || op.trimEnd) {
    src = `${y}/trim`;
    const keep = [h - op.trim - op.trimEnd, w - op.trim - op.trimEnd];
    slice(b, x, src, `${name}/trim`, [2, 3], [op.trim, op.trim], keep);
  }
  b.node('Resize', [src, '', '', b.ints(nchw(l.output!, batch))], [y], name, {
    mode: 'linear',
    coordinate_transformation_mode: 'align_corners',
  });
}

/** The nodes of one layer (inputs `x`, output `y`), or why it has no ONNX form here. */
export function emitLayer(b: OnnxBuilder, l: LayerResult, x: string[], y: string, batch: number): string | undefined {
  const op = l.layer.op;
  const name = l.layer.name;
  const [hi, wi, ci] = l.inputs![0]!;
  const out = l.output!;
  const co = out[2];
  const x0 = x[0]!;
  switch (op.kind) {
    case 'conv':
    case 'dwconv':
      conv(b, l, x0, y);
      return undefined;
    case 'deconv':
      deconv(b, l, x0, y);
      return undefined;
    case 'pool':
      pool(b, l, x0, y);
      return undefined;
    case 'bn': {
      const ones = () => 1;
      const affine = op.affine !== false;
      b.node(
        'BatchNormalization',
        [
          x0,
          b.weight(`${name}/scale`, [co], affine ? undefined : ones),
          b.weight(`${name}/bias`, [co], affine ? undefined : () => 0),
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
      if (op.slopes) {
        b.node('PRelu', [x0, b.weight(`${name}/slope`, op.slopes === 'channel' ? [co, 1, 1] : [1])], [y], name);
        return undefined;
      }
      const write = ACTIVATIONS[op.fn];
      if (!write) return `${name}: activation ${op.fn} has no ONNX form here`;
      write(x0, y, name, b);
      return undefined;
    }
    case 'fc': {
      const flat = `${y}/flat`;
      b.node('Flatten', [x0], [flat], `${name}/flatten`, { axis: 1 });
      const w = b.weight(`${name}/weight`, [op.out, hi * wi * ci]);
      b.node('Gemm', [flat, w, ...(op.bias ? [b.weight(`${name}/bias`, [op.out])] : [])], [y], name, { transB: 1 });
      return undefined;
    }
    case 'merge':
      if (op.mode === 'concat') b.node('Concat', x, [y], name, { axis: op.axis === 'h' ? 2 : op.axis === 'w' ? 3 : 1 });
      else b.node(op.mode === 'add' ? 'Sum' : 'Mul', x, [y], name);
      return undefined;
    case 'shortcut':
      shortcut(b, l, x, y, batch);
      return undefined;
    case 'scale': {
      const scaled = op.bias ? `${y}/scaled` : y;
      b.node('Mul', [x0, b.weight(`${name}/weight`, [co, 1, 1])], [scaled], name);
      if (op.bias) b.node('Add', [scaled, b.weight(`${name}/bias`, [co, 1, 1])], [y], `${name}/bias`);
      return undefined;
    }
    case 'lrn':
      b.node('LRN', [x0], [y], name, { size: op.size, alpha: 1e-4, beta: 0.75, bias: 1 });
      return undefined;
    case 'normalize':
      normalize(b, l, x0, y);
      return undefined;
    case 'upsample': {
      if (op.factorW || op.trim || op.size) {
        b.node('Resize', [x0, '', '', b.ints(nchw(l.output!, batch))], [y], name, { mode: 'nearest' });
        return undefined;
      }
      const scales = b.weight(`${name}/scales`, [4], (i) => (i < 2 ? 1 : op.factor));
      b.node('Resize', [x0, '', scales], [y], name, { mode: 'nearest' });
      return undefined;
    }
    case 'interp':
      interp(b, l, x0, y, batch);
      return undefined;
    case 'flatten':
      b.node('Flatten', [x0], [y], name, { axis: 1 });
      return undefined;
    case 'dropout':
    case 'identity':
      b.node('Identity', [x0], [y], name);
      return undefined;
    case 'reorg':
      // The shape of darknet's reorg in PyTorch's pixel (un)shuffle order: CRD DepthToSpace.
      if (op.reverse) b.node('DepthToSpace', [x0], [y], name, { blocksize: op.stride, mode: 'CRD' });
      else {
        const s = op.stride;
        const t = (v: string) => `${y}/${v}`;
        b.node('Reshape', [x0, b.ints([batch, ci, hi / s, s, wi / s, s])], [t('blocks')], `${name}/blocks`);
        b.node('Transpose', [t('blocks')], [t('moved')], name, { perm: [0, 1, 3, 5, 2, 4] });
        b.node('Reshape', [t('moved'), b.ints(nchw(out, batch))], [y], `${name}/reshape`);
      }
      return undefined;
    case 'crop':
      slice(b, x0, y, name, [2, 3], [Math.floor((hi - op.h) / 2), Math.floor((wi - op.w) / 2)], [op.h, op.w]);
      return undefined;
    case 'cropto': {
      const [oc, oh, ow] = op.offsets;
      slice(b, x0, y, name, [1, 2, 3], [oc, oh, ow], [co, out[0], out[1]]);
      return undefined;
    }
    case 'split':
      slice(b, x0, y, name, [1], [op.index * co], [co]);
      return undefined;
    case 'slice': {
      const axis = op.axis === 'h' ? 0 : op.axis === 'w' ? 1 : 2;
      const size = l.inputs![0]![axis];
      const start = op.points.length ? (op.index === 0 ? 0 : op.points[op.index - 1]!) : (size / op.count) * op.index;
      slice(b, x0, y, name, [op.axis === 'c' ? 1 : op.axis === 'h' ? 2 : 3], [start], [out[axis]]);
      return undefined;
    }
    case 'pad':
      b.node('Pad', [x0, b.ints([0, 0, op.top, op.left, 0, op.channels ?? 0, op.bottom, op.right])], [y], name);
      return undefined;
    case 'permute':
      b.node('Transpose', [x0], [y], name, { perm: [0, ...op.order] });
      return undefined;
    case 'reshape':
    case 'view':
      b.node('Reshape', [x0, b.ints(nchw(out, batch))], [y], name);
      return undefined;
    case 'attention':
      attention(b, l, x0, y, batch);
      return undefined;
    case 'priorbox':
    case 'detections':
    case 'roipool':
    case 'unknown':
      return `${name}: ${l.layer.opText} (${op.kind}) has no ONNX form here`;
  }
}
