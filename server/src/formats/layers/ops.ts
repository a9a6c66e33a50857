// The built-in ops of `.layers`: positional arguments, options, and how the checked
// values become an IR `LayerOp`. Completion, signature help and hover read the same table.
import { globalPool, ACTIVATIONS, type LayerOp, type Padding } from '../../core/ir';
import { own } from '../tables';

export type ArgType = 'int' | 'kernel' | 'poolKernel' | 'float' | 'padding' | 'bool' | 'name' | 'prob';

export interface ArgSpec {
  name: string;
  type: ArgType;
  optional?: boolean;
  doc: string;
}

export interface OpSpec {
  positional: ArgSpec[];
  /** Merges take any number of layer names. */
  rest?: ArgSpec;
  options: Record<string, ArgSpec>;
  doc: string;
  build(v: ArgValues): LayerOp;
}

export type ArgValue = number | string | boolean | [number, number] | Padding;
export type ArgValues = Map<string, ArgValue>;

const FROM: ArgSpec = {
  name: 'from',
  type: 'name',
  doc: 'The layer this chain reads instead of the previous statement.',
};
const STRIDE: ArgSpec = { name: 'stride', type: 'kernel', doc: 'Stride, `S` or `SHxSW` (default 1).' };
const PADDING: ArgSpec = {
  name: 'padding',
  type: 'padding',
  doc: '`same` (default), `valid`, `P` or `PHxPW` pixels on each side.',
};
const DILATION: ArgSpec = { name: 'dilation', type: 'kernel', doc: 'Dilation, `D` or `DHxDW` (default 1).' };
const GROUPS: ArgSpec = { name: 'groups', type: 'int', doc: 'Number of channel groups (default 1).' };
const BIAS: ArgSpec = {
  name: 'bias',
  type: 'bool',
  doc: 'Whether the layer has a bias; default: no bias when a `bn` follows directly, else a bias.',
};
const FIXED: ArgSpec = {
  name: 'fixed',
  type: 'bool',
  doc: 'Keep the output channels when a width multiplier is applied (default false).',
};
const OUT: ArgSpec = { name: 'out', type: 'int', doc: 'Output channels.' };
const POOL_STRIDE: ArgSpec = { ...STRIDE, doc: 'Stride (default: the window size).' };
const CEIL: ArgSpec = {
  name: 'ceil',
  type: 'bool',
  doc: 'Round the output size up (Caffe, PyTorch ceil_mode) with `padding=valid` or explicit padding (default false).',
};
const KERNEL: ArgSpec = { name: 'kernel', type: 'kernel', doc: 'Kernel size, `K` (= KxK) or `KHxKW`.' };

const pair = (v: ArgValue | undefined, d: number): [number, number] =>
  Array.isArray(v) ? (v as [number, number]) : [d, d];
// Ops and paddings are never mutated after lowering, so argument-free ones are shared.
const SAME: Padding = { kind: 'same' };
const pad = (v: ArgValue | undefined): Padding =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Padding) : SAME;
/** `undefined` bias means "decide from the next layer" (see lower.ts). */
const bias = (v: ArgValues) => v.get('bias') as boolean;

const num = (v: ArgValue | undefined, d: number): number => (v === undefined ? d : (v as number));

// Ops are built as one object literal each (no spread of a shared window object): lowering
// builds one per distinct op text, and spread copies are several times slower to create.
function convLike(kind: 'conv' | 'deconv') {
  return (v: ArgValues): LayerOp => {
    const [kh, kw] = pair(v.get('kernel'), 1);
    const [sh, sw] = pair(v.get('stride'), 1);
    const [dh, dw] = pair(v.get('dilation'), 1);
    return {
      kind,
      out: v.get('out') as number,
      kh,
      kw,
      sh,
      sw,
      dh,
      dw,
      padding: pad(v.get('padding')),
      groups: num(v.get('groups'), 1),
      bias: bias(v),
      fixed: v.get('fixed') === true,
    };
  };
}

function dwconv(v: ArgValues): LayerOp {
  const [kh, kw] = pair(v.get('kernel'), 1);
  const [sh, sw] = pair(v.get('stride'), 1);
  const [dh, dw] = pair(v.get('dilation'), 1);
  return {
    kind: 'dwconv',
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
    padding: pad(v.get('padding')),
    multiplier: num(v.get('multiplier'), 1),
    bias: bias(v),
  };
}

const CONV_OPTIONS = {
  stride: STRIDE,
  padding: PADDING,
  dilation: DILATION,
  groups: GROUPS,
  bias: BIAS,
  fixed: FIXED,
  from: FROM,
};

function pool(mode: 'max' | 'avg') {
  return (v: ArgValues): LayerOp => {
    const k = v.get('kernel');
    if (k === 'global') return globalPool(mode);
    const [kh, kw] = pair(k, 2);
    const [sh, sw] = v.has('stride') ? pair(v.get('stride'), 1) : [kh, kw];
    return {
      kind: 'pool',
      mode,
      global: false,
      kh,
      kw,
      sh,
      sw,
      padding: pad(v.get('padding')),
      ceil: v.get('ceil') === true,
    };
  };
}

const merge = (mode: 'add' | 'concat' | 'mul', op: LayerOp = { kind: 'merge', mode }): OpSpec => ({
  positional: [],
  rest: {
    name: 'inputs',
    type: 'name',
    doc: 'Layer names to merge; with one name, the chain input is the first operand.',
  },
  options: {},
  doc:
    mode === 'add'
      ? 'Element-wise sum of named outputs (residual shortcut).'
      : mode === 'mul'
        ? 'Element-wise product of named outputs (a 1x1 operand broadcasts, as in squeeze-excitation).'
        : 'Concatenation of named outputs along channels.',
  build: () => op,
});

const BN: LayerOp = { kind: 'bn' };
const FLATTEN: LayerOp = { kind: 'flatten' };

export const OPS: Record<string, OpSpec> = {
  conv: {
    positional: [OUT, KERNEL],
    options: CONV_OPTIONS,
    doc: 'Standard 2-D convolution.',
    build: convLike('conv'),
  },
  dwconv: {
    positional: [KERNEL],
    options: {
      stride: STRIDE,
      padding: PADDING,
      dilation: DILATION,
      multiplier: {
        name: 'multiplier',
        type: 'int',
        doc: 'Depth multiplier: output channels per input channel (default 1).',
      },
      bias: BIAS,
      from: FROM,
    },
    doc: 'Depthwise convolution: one KxK filter per input channel.',
    build: dwconv,
  },
  deconv: {
    positional: [OUT, KERNEL],
    options: CONV_OPTIONS,
    doc: 'Transposed convolution; with `padding=same` the output is the input size times the stride.',
    build: convLike('deconv'),
  },
  maxpool: {
    positional: [{ name: 'kernel', type: 'poolKernel', doc: 'Window `K`, `KHxKW` or `global`.' }],
    options: { stride: POOL_STRIDE, padding: PADDING, ceil: CEIL, from: FROM },
    doc: 'Max pooling.',
    build: pool('max'),
  },
  avgpool: {
    positional: [{ name: 'kernel', type: 'poolKernel', doc: 'Window `K`, `KHxKW` or `global`.' }],
    options: { stride: POOL_STRIDE, padding: PADDING, ceil: CEIL, from: FROM },
    doc: 'Average pooling.',
    build: pool('avg'),
  },
  fc: {
    positional: [
      {
        name: 'out',
        type: 'int',
        doc: 'Output features (class count for a classifier: not scaled by the width multiplier).',
      },
    ],
    options: { bias: { ...BIAS, doc: 'Whether the layer has a bias (default true).' }, from: FROM },
    doc: 'Fully connected layer; flattens its input.',
    build: (v) => ({ kind: 'fc', out: v.get('out') as number, bias: v.get('bias') !== false }),
  },
  bn: {
    positional: [],
    options: { from: FROM },
    doc: 'Batch normalisation (scale and shift per channel).',
    build: () => BN,
  },
  dropout: {
    positional: [{ name: 'p', type: 'prob', optional: true, doc: 'Drop probability in [0, 1).' }],
    options: { from: FROM },
    doc: 'Dropout (no cost at inference).',
    build: (v) => ({ kind: 'dropout', p: (v.get('p') as number) ?? 0.5 }),
  },
  flatten: {
    positional: [],
    options: { from: FROM },
    doc: 'Flattens H x W x C to 1 x 1 x (H*W*C).',
    build: () => FLATTEN,
  },
  upsample: {
    positional: [{ name: 'factor', type: 'int', doc: 'Integer scale factor (nearest neighbour).' }],
    options: { from: FROM },
    doc: 'Nearest-neighbour upsampling.',
    build: (v) => ({ kind: 'upsample', factor: v.get('factor') as number }),
  },
  add: merge('add'),
  concat: merge('concat'),
  mul: merge('mul'),
  prelu: {
    positional: [],
    options: {
      shared: { name: 'shared', type: 'bool', doc: 'One slope for every channel (1 parameter; default false: C).' },
      from: FROM,
    },
    doc: 'PReLU: a leaky ReLU whose negative slopes are learned, one per channel (C parameters) or one shared.',
    build: (v) => ({ kind: 'act', fn: 'leaky', slopes: v.get('shared') === true ? 'shared' : 'channel' }),
  },
};

for (const fn of ACTIVATIONS) {
  const op: LayerOp = { kind: 'act', fn };
  OPS[fn] = {
    positional:
      fn === 'leaky' ? [{ name: 'slope', type: 'float', optional: true, doc: 'Negative slope (default 0.1).' }] : [],
    options: { from: FROM },
    doc: fn === 'softmax' ? 'Softmax over channels.' : `${fn} activation.`,
    build: () => op,
  };
}

/** Whether the op takes layer names as positional operands (the merges: add, concat, mul). */
export function takesLayerNames(keyword: string): boolean {
  return !!own(OPS, keyword)?.rest;
}
