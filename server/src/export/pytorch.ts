// Exports an analysed network (IR graph + inferred shapes) as a self-contained PyTorch
// `nn.Module` in Python source. Pure: analysis in, text out; nothing runs here.
//
// Contract: for every layer, the module computes a tensor whose N x C x H x W shape is
// the analysis' [H, W, C] output (fc and flatten give N x F x 1 x 1), and the module's
// parameters are the layer's parameter count. Padding the engine writes as `same` becomes
// explicit, possibly asymmetric padding (F.pad) computed from the input size alone, so
// PyTorch checks our output sizes rather than copying them; pooling uses `ceil_mode`,
// `dwconv` a grouped Conv2d, `deconv` ConvTranspose2d with padding/output_padding. α and
// ρ are whatever the analysis applied (its input side and conv output channels).
// `forward_all(x)` returns every layer's output, index-aligned with LAYER_NAMES.
import type { Analysis } from '../core/analysis';
import type { LayerResult } from '../core/costs';
import type { LayerOp, Padding, Shape } from '../core/ir';
import { poolOutSize } from '../core/shapes';

export interface PyTorchExport {
  /** The Python source; empty when `problems` is not. */
  source: string;
  /** Why the network cannot be exported (unknown shapes, layer types PyTorch has no module for). */
  problems: string[];
}

type Pads = [number, number, number, number]; // F.pad order: left, right, top, bottom

const ACT_MODULES: Record<string, string> = {
  relu: 'nn.ReLU()',
  relu6: 'nn.ReLU6()',
  leaky: 'nn.LeakyReLU(0.1)',
  sigmoid: 'nn.Sigmoid()',
  tanh: 'nn.Tanh()',
  silu: 'nn.SiLU()',
  hswish: 'nn.Hardswish()',
  gelu: 'nn.GELU()',
  softmax: 'nn.Softmax(dim=1)',
  mish: 'nn.Mish()',
  linear: 'nn.Identity()',
};

const HELPERS = `def shared(module):
    """A module whose weights belong to another layer: kept as buffers, not parameters."""
    for name, p in list(module.named_parameters(recurse=False)):
        delattr(module, name)
        module.register_buffer(name, p.data)
    return module


class Scale(nn.Module):
    """Caffe Scale: a learned per-channel factor (and shift)."""

    def __init__(self, channels, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels)) if bias else None

    def forward(self, x):
        y = x * self.weight[None, :, None, None]
        return y + self.bias[None, :, None, None] if self.bias is not None else y


class DarknetShortcut(nn.Module):
    """Darknet [shortcut]: in C x H x W order, input 0 plus the first min(N_0, N_i) elements of
    each other input (the first channels when H x W agree), every input scaled by a learned
    weight per input ('per_feature') or per input and output channel ('per_channel') when
    weighted (darknet's weights_normalization is not applied)."""

    def __init__(self, inputs, channels, weights):
        super().__init__()
        shape = {'none': None, 'per_feature': (inputs, 1), 'per_channel': (inputs, channels)}[weights]
        self.weight = nn.Parameter(torch.ones(shape)) if shape else None

    def forward(self, *xs):
        shape, w = xs[0].shape, self.weight

        def scale(i):
            return w[i][None, :, None, None].expand(shape).flatten(1)

        out = xs[0].flatten(1) if w is None else xs[0].flatten(1) * scale(0)
        for i, t in enumerate(xs[1:], 1):
            k = min(out.shape[1], t[0].numel())
            part = t.flatten(1)[:, :k] if w is None else t.flatten(1)[:, :k] * scale(i)[:, :k]
            out = torch.cat([out[:, :k] + part, out[:, k:]], 1)
        return out.reshape(shape)


class Attention(nn.Module):
    """Multi-head self-attention over the H x W positions; the input holds, per head, the query,
    key (key_dim each) and value (head_dim) channels: softmax(QᵀK / sqrt(key_dim))·V per head."""

    def __init__(self, heads, key_dim, head_dim):
        super().__init__()
        self.heads, self.key_dim, self.head_dim = heads, key_dim, head_dim

    def forward(self, x):
        b, _, h, w = x.shape
        per_head = x.reshape(b, self.heads, 2 * self.key_dim + self.head_dim, h * w)
        q, k, v = per_head.split([self.key_dim, self.key_dim, self.head_dim], dim=2)
        weights = ((q.transpose(-2, -1) @ k) * self.key_dim**-0.5).softmax(dim=-1)
        return (v @ weights.transpose(-2, -1)).reshape(b, self.heads * self.head_dim, h, w)
`;

const pyStr = (s: string) => JSON.stringify(s);
/** Text safe inside a one-line Python comment. */
const comment = (s: string) => s.replace(/[\r\n\u2028\u2029]/g, ' ');
const pair = (a: number, b: number) => `(${a}, ${b})`;

/** TF-style `same`: total padding so that the output is ceil(I / S); the extra pixel goes after. */
function samePadding(size: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max(0, (Math.ceil(size / s) - 1) * s + d * (k - 1) + 1 - size);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

export function padsFor(
  pad: Padding,
  h: number,
  w: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
): Pads {
  if (pad.kind === 'valid') return [0, 0, 0, 0];
  // Half pixels (Darknet's size-1 pooling padding) put the odd pixel after.
  if (pad.kind === 'explicit')
    return [
      Math.floor(pad.w),
      Math.ceil(2 * pad.w) - Math.floor(pad.w),
      Math.floor(pad.h),
      Math.ceil(2 * pad.h) - Math.floor(pad.h),
    ];
  const [t, b] = samePadding(h, kh, sh, dh);
  const [l, r] = samePadding(w, kw, sw, dw);
  return [l, r, t, b];
}

const symmetric = (p: Pads) => p[0] === p[1] && p[2] === p[3];
const zero = (p: Pads) => p.every((x) => x === 0);

interface Emitted {
  module?: string;
  /** Python expression of the output, with `$0`, `$1`... standing for the inputs and `$m` for the module. */
  expr: string;
  /** Uses the `shared`, `Scale` or `DarknetShortcut` helpers defined at the top of the source. */
  needsHelpers?: boolean;
}

function emit(l: LayerResult): Emitted | string {
  const layer = l.layer;
  const op: LayerOp = layer.op;
  const ins = l.inputs!;
  const out = l.output!;
  const [h, w, c] = ins[0]!;
  switch (op.kind) {
    case 'conv':
    case 'dwconv': {
      const groups = op.kind === 'conv' ? op.groups : c;
      const pads = padsFor(op.padding, h, w, op.kh, op.kw, op.sh, op.sw, op.dh, op.dw);
      const native = symmetric(pads);
      const module = `nn.Conv2d(${c}, ${out[2]}, kernel_size=${pair(op.kh, op.kw)}, stride=${pair(op.sh, op.sw)}, padding=${native ? pair(pads[2], pads[0]) : '0'}, dilation=${pair(op.dh, op.dw)}, groups=${groups}, bias=${op.bias ? 'True' : 'False'})`;
      const expr = native ? '$m($0)' : `$m(F.pad($0, (${pads.join(', ')})))`;
      // Weights shared with another layer: the module's weights are buffers, not parameters.
      return op.kind === 'conv' && op.shared
        ? { module: `shared(${module})`, expr, needsHelpers: true }
        : { module, expr };
    }
    case 'deconv':
      return deconv(op, ins[0]!, out);
    case 'pool':
      return pool(op, ins[0]!);
    case 'fc': {
      const inF = h * w * c;
      return {
        module: `nn.Linear(${inF}, ${op.out}, bias=${op.bias ? 'True' : 'False'})`,
        expr: '$m(torch.flatten($0, 1))[:, :, None, None]',
      };
    }
    case 'bn':
      return { module: `nn.BatchNorm2d(${c}${op.affine === false ? ', affine=False' : ''})`, expr: '$m($0)' };
    case 'scale':
      return { module: `Scale(${c}, ${op.bias ? 'True' : 'False'})`, expr: '$m($0)', needsHelpers: true };
    case 'lrn':
      return { module: `nn.LocalResponseNorm(${op.size})`, expr: '$m($0)' };
    case 'act':
      if (op.slopes) return { module: `nn.PReLU(${op.slopes === 'channel' ? c : 1})`, expr: '$m($0)' };
      return { module: ACT_MODULES[op.fn]!, expr: '$m($0)' };
    case 'dropout':
      return { module: `nn.Dropout(${op.p})`, expr: '$m($0)' };
    case 'flatten':
      return { expr: 'torch.flatten($0, 1)[:, :, None, None]' };
    case 'upsample':
      return op.factorW || op.trim || op.size
        ? { module: `nn.Upsample(size=(${out[0]}, ${out[1]}), mode='nearest')`, expr: '$m($0)' }
        : { module: `nn.Upsample(scale_factor=${op.factor}, mode='nearest')`, expr: '$m($0)' };
    case 'merge': {
      const refs = ins.map((_, i) => `$${i}`);
      if (op.mode === 'concat')
        return { expr: `torch.cat([${refs.join(', ')}], ${op.axis === 'h' ? 2 : op.axis === 'w' ? 3 : 1})` };
      return { expr: refs.join(op.mode === 'add' ? ' + ' : ' * ') };
    }
    case 'shortcut':
      return {
        module: `DarknetShortcut(${ins.length}, ${out[2]}, ${pyStr(op.weights)})`,
        expr: `$m(${ins.map((_, i) => `$${i}`).join(', ')})`,
        needsHelpers: true,
      };
    case 'reorg':
      // The same shape as darknet's reorg; darknet orders the moved elements its own way.
      return { expr: `F.${op.reverse ? 'pixel_shuffle' : 'pixel_unshuffle'}($0, ${op.stride})` };
    case 'crop': {
      const top = Math.floor((h - op.h) / 2);
      const left = Math.floor((w - op.w) / 2);
      return { expr: `$0[:, :, ${top}:${top + op.h}, ${left}:${left + op.w}]` };
    }
    case 'identity':
      return { module: 'nn.Identity()', expr: '$m($0)' };
    case 'split':
      return { expr: `torch.chunk($0, ${op.parts}, 1)[${op.index}]` };
    case 'reshape':
      return { expr: `$0.reshape($0.shape[0], ${op.c}, ${op.h}, -1)` };
    case 'slice': {
      const axis = op.axis === 'h' ? 0 : op.axis === 'w' ? 1 : 2;
      const size = ins[0]![axis];
      const start = op.points.length ? (op.index === 0 ? 0 : op.points[op.index - 1]!) : (size / op.count) * op.index;
      const range = `${start}:${start + out[axis]}`;
      return {
        expr: op.axis === 'c' ? `$0[:, ${range}]` : op.axis === 'h' ? `$0[:, :, ${range}]` : `$0[:, :, :, ${range}]`,
      };
    }
    case 'cropto': {
      const [oc, oh, ow] = op.offsets;
      return { expr: `$0[:, ${oc}:${oc + out[2]}, ${oh}:${oh + out[0]}, ${ow}:${ow + out[1]}]` };
    }
    case 'interp': {
      const trimmed =
        op.trim || op.trimEnd ? `$0[:, :, ${op.trim}:${h - op.trimEnd}, ${op.trim}:${w - op.trimEnd}]` : '$0';
      return { expr: `F.interpolate(${trimmed}, size=${pair(out[0], out[1])}, mode='bilinear', align_corners=True)` };
    }
    case 'permute':
      return { expr: `$0.permute(0, ${op.order.join(', ')})` };
    case 'view':
      return { expr: `$0.reshape($0.shape[0], ${out[2]}, ${out[0]}, ${out[1]})` };
    case 'priorbox':
    case 'detections':
    case 'normalize':
    case 'roipool':
    case 'linear':
    case 'matmul':
    case 'reduce':
    case 'learned':
      return `layer '${layer.name}' (${layer.opText}) has no PyTorch module here: not exportable`;
    case 'pad':
      return {
        expr: `F.pad($0, (${op.left}, ${op.right}, ${op.top}, ${op.bottom}${op.channels ? `, 0, ${op.channels}` : ''}))`,
      };
    case 'attention':
      return { module: `Attention(${op.heads}, ${op.keyDim}, ${op.headDim})`, expr: '$m($0)', needsHelpers: true };
    case 'unknown':
      return `layer '${layer.name}' has type '${op.type}', which LayerLint does not know`;
  }
}

/** Solves 2p - op = D(K-1) + 1 - S (output = I x S) per axis; a crop handles what output_padding cannot. */
function deconvSame(k: number, s: number, d: number): { p: number; op: number; crop: number } {
  const t = d * (k - 1) + 1 - s;
  if (t <= 0) return { p: 0, op: -t, crop: 0 };
  const p = Math.ceil(t / 2);
  const op = 2 * p - t;
  if (op < Math.max(s, d)) return { p, op, crop: 0 };
  return { p: Math.floor(t / 2), op: 0, crop: 1 };
}

function deconv(op: Extract<LayerOp, { kind: 'deconv' }>, input: Shape, out: Shape): Emitted {
  const c = input[2];
  let ph = 0,
    pw = 0,
    oph = 0,
    opw = 0,
    cropH = 0,
    cropW = 0;
  if (op.padding.kind === 'explicit') {
    ph = op.padding.h;
    pw = op.padding.w;
  } else if (op.padding.kind === 'same') {
    ({ p: ph, op: oph, crop: cropH } = deconvSame(op.kh, op.sh, op.dh));
    ({ p: pw, op: opw, crop: cropW } = deconvSame(op.kw, op.sw, op.dw));
  }
  const module = `nn.ConvTranspose2d(${c}, ${out[2]}, kernel_size=${pair(op.kh, op.kw)}, stride=${pair(op.sh, op.sw)}, padding=${pair(ph, pw)}, output_padding=${pair(oph, opw)}, groups=${op.groups}, bias=${op.bias ? 'True' : 'False'}, dilation=${pair(op.dh, op.dw)})`;
  return { module, expr: cropH || cropW ? `F.pad($m($0), (0, ${-cropW}, 0, ${-cropH}))` : '$m($0)' };
}

function pool(op: Extract<LayerOp, { kind: 'pool' }>, input: Shape): Emitted {
  const [h, w] = input;
  const cls = op.mode === 'max' ? 'MaxPool2d' : 'AvgPool2d';
  if (op.global) return { module: `nn.Adaptive${cls}(1)`, expr: '$m($0)' };
  const pads = padsFor(op.padding, h, w, op.kh, op.kw, op.sh, op.sw, 1, 1);
  const avgExtra = op.mode === 'avg' ? ', count_include_pad=False' : '';
  const fill = op.mode === 'max' ? ", value=float('-inf')" : '';
  // PyTorch pools take symmetric padding of at most half the window.
  if (symmetric(pads) && 2 * pads[2] <= op.kh && 2 * pads[0] <= op.kw) {
    const module = `nn.${cls}(kernel_size=${pair(op.kh, op.kw)}, stride=${pair(op.sh, op.sw)}, padding=${pair(pads[2], pads[0])}, ceil_mode=${op.ceil ? 'True' : 'False'}${avgExtra})`;
    return { module, expr: '$m($0)' };
  }
  if (op.ceil && op.padding.kind === 'explicit') {
    // Past half the window: pad explicitly, with the far side sized so that floor mode
    // yields the ceil-mode size (negative pads crop).
    const oh = poolOutSize(h, op.kh, op.sh, op.padding, 'h', true);
    const ow = poolOutSize(w, op.kw, op.sw, op.padding, 'w', true);
    pads[1] = (ow - 1) * op.sw + op.kw - w - pads[0];
    pads[3] = (oh - 1) * op.sh + op.kh - h - pads[2];
  }
  const module = `nn.${cls}(kernel_size=${pair(op.kh, op.kw)}, stride=${pair(op.sh, op.sw)}, padding=0, ceil_mode=False)`;
  return { module, expr: zero(pads) ? '$m($0)' : `$m(F.pad($0, (${pads.join(', ')})${fill}))` };
}

/** The network as PyTorch source, or the reasons it cannot be exported. */
export function exportPyTorch(analysis: Analysis, file = ''): PyTorchExport {
  const problems: string[] = [];
  if (!analysis.input) problems.push('the network has no input size');
  const init: string[] = [];
  const body: string[] = [];
  let needsHelpers = false;
  for (const l of analysis.layers) {
    if (!l.inputs || !l.output) {
      problems.push(`layer '${l.layer.name}' has no inferred shape`);
      continue;
    }
    const e = emit(l);
    if (typeof e === 'string') {
      problems.push(e);
      continue;
    }
    const i = l.layer.index;
    needsHelpers ||= !!e.needsHelpers;
    if (e.module) init.push(`        self.l${i} = ${e.module}  # ${comment(l.layer.name)}`);
    const expr = e.expr.replace(/\$m/g, `self.l${i}`).replace(/\$(\d+)/g, (_, k: string) => {
      const src = l.layer.inputs[Number(k)]!;
      return src < 0 ? 'x' : `y[${src}]`;
    });
    body.push(`        y[${i}] = ${expr}${e.module ? '' : `  # ${comment(l.layer.name)}`}`);
  }
  if (analysis.layers.length === 0) problems.push('the network has no layers');
  if (problems.length) return { source: '', problems };
  const g = analysis.graph;
  const [h, w, c] = analysis.input!;
  const n = analysis.layers.length;
  const alpha = analysis.options.alpha ?? g.width.alpha;
  const lines = [
    comment(
      `# Generated by LayerLint${file ? ` from ${file}` : ''}: network ${g.name}, input ${h}x${w}x${c}${g.input.batch > 1 ? `, batch ${g.input.batch}` : ''}${alpha !== 1 ? `, width ${alpha}` : ''}.`,
    ),
    '# Layer i of the report is self.l<i> (when it has a module) and forward_all(x)[i].',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    `NETWORK = ${pyStr(g.name)}`,
    `INPUT_SHAPE = (${g.input.batch}, ${c}, ${h}, ${w})  # N, C, H, W`,
    `LAYER_NAMES = [${analysis.layers.map((l) => pyStr(l.layer.name)).join(', ')}]`,
    '',
  ];
  if (needsHelpers) lines.push(HELPERS);
  lines.push(
    '',
    'class Net(nn.Module):',
    `    """${comment(g.name).replace(/["\\]/g, '_')}: ${n} layers."""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...init,
    '',
    '    def forward_all(self, x):',
    `        y = [None] * ${n}`,
    ...body,
    '        return y',
    '',
    '    def forward(self, x):',
    '        return self.forward_all(x)[-1]',
    '',
    '',
    'def build():',
    '    return Net()',
    '',
  );
  return { source: lines.join('\n'), problems: [] };
}
