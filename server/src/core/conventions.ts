// Counting conventions: LayerLint's own (docs/counting.md) and those of the tools people
// compare against (Darknet's BFLOPs, Netscope's macc, Ultralytics' GFLOPs), so a user can
// reproduce the figure they know and see why it differs from ours. Each convention maps
// an analysis to the totals that tool prints, with a note per term.
import type { Analysis } from './analysis';
import { computeCosts, WEIGHTED_OPS, type LayerResult } from './costs';

export type ConventionId = 'layerlint' | 'darknet' | 'netscope' | 'ultralytics';

export interface ConventionTotals {
  convention: ConventionId;
  /** Multiply-accumulates as that tool counts them. */
  macs: number;
  /** FLOPs as that tool prints them (2 x MACs plus whatever else it adds), when it prints FLOPs. */
  flops?: number;
  params: number;
  /** How the tool prints its headline figure, e.g. "BFLOPS 65.879". */
  display: string;
  /** What this convention adds to or leaves out of LayerLint's own count, one line each. */
  notes: string[];
  /** False when some layers could not be costed: the figures are lower bounds and `display` says so. */
  complete: boolean;
}

export interface Convention {
  id: ConventionId;
  label: string;
  totals(analysis: Analysis): Omit<ConventionTotals, 'complete'>;
}

const layerlint: Convention = {
  id: 'layerlint',
  label: 'LayerLint (conv, deconv and fc multiply-accumulates; PyTorch parameters)',
  totals: (a) => ({
    convention: 'layerlint',
    macs: a.totals.macs,
    flops: 2 * a.totals.macs,
    params: a.totals.params,
    display: `MACs ${a.totals.macs.toLocaleString('en-US')}, params ${a.totals.params.toLocaleString('en-US')}`,
    notes: [
      'MACs: conv, dwconv, deconv and fc multiply-accumulates; BN, activations, pooling and merges are other ops.',
      'FLOPs = 2 x MACs.',
    ],
  }),
};

const exactInt = (n: number) => n.toLocaleString('en-US');

/**
 * AlexeyAB darknet's "Total BFLOPS" (parse_network_cfg_custom): the sum over layers of
 * `l.bflops`, each a C float, summed in a float, printed "%5.3f". Per layer: convolutional
 * 2 x MACs (XNOR convs / 32); [maxpool]/[local_avgpool] size² x C x H_out x W_out;
 * [shortcut] output elements x number of `from` layers (x 2 when weighted). Everything else
 * adds 0, [connected] included (its make_connected_layer sets no bflops), as do global
 * avgpool, route, upsample, reorg, crop, scale_channels, BN and activations. Per image:
 * darknet's `batch` is a training setting and the printed figure does not depend on it.
 */
const darknet: Convention = {
  id: 'darknet',
  label: 'Darknet (AlexeyAB "Total BFLOPS": 2 x conv MACs + maxpool + shortcut, per image)',
  totals: (a) => {
    const batch = Math.max(1, a.graph.input.batch);
    let bflops = 0;
    let weights = 0;
    for (const l of a.layers) {
      const layerBflops = darknetLayerBflops(l, batch);
      if (layerBflops > 0) bflops = Math.fround(bflops + layerBflops);
      const op = l.layer.op;
      if (WEIGHTED_OPS.has(op.kind)) weights += l.params - ('bias' in op && op.bias ? (l.output?.[2] ?? 0) : 0);
    }
    return {
      convention: 'darknet',
      macs: a.totals.macs / batch,
      flops: bflops * 1e9,
      params: a.totals.params,
      display: `Total BFLOPS ${bflops.toFixed(3)}`,
      notes: [
        'BFLOPS = 2 x conv MACs (XNOR convs / 32) + maxpool window ops (size² x output elements) + shortcut additions (x 2 when weighted), / 1e9, per image.',
        '[connected], global [avgpool], [route], [upsample], [reorg], [crop], [scale_channels], batch norm and activations add nothing.',
        'Summed in single precision and printed with 3 decimals, as darknet does.',
        `Darknet prints no parameter count; conv/fc weights without bias and BN: ${exactInt(weights)}.`,
      ],
    };
  },
};

/** One layer's `l.bflops` as darknet stores it (a C float), per image. */
function darknetLayerBflops(l: LayerResult, batch: number): number {
  const op = l.layer.op;
  switch (op.kind) {
    case 'conv':
    case 'dwconv':
    case 'deconv': {
      const bflops = Math.fround((2 * l.macs) / batch / 1e9);
      return op.kind === 'conv' && op.xnor ? Math.fround(bflops / 32) : bflops;
    }
    case 'pool':
      return op.global ? 0 : Math.fround(l.otherOps / batch / 1e9);
    case 'merge':
      return op.mode === 'add' ? Math.fround(l.otherOps / batch / 1e9) : 0;
    case 'shortcut': {
      const from = l.layer.inputs.length - 1;
      const elements = l.activations / batch;
      return Math.fround((elements * from) / 1e9) * (op.weights === 'none' ? 1 : 2);
    }
    default:
      return 0;
  }
}

/**
 * Ultralytics `model.info()` GFLOPs (utils/torch_utils.py get_flops): thop's count x 2 / 1e9,
 * one decimal, profiled on a stride-sized input (32 x 32, 64 x 64 for P6 models) of the
 * training-mode model and scaled by (H / stride) x (W / stride). thop counts conv/linear MACs
 * (bias ignored) and BatchNorm2d as 4 ops per element (2 x numel, x 2 for the affine part);
 * SiLU, nearest Upsample, MaxPool, Concat, residual adds and tensor products (attention's
 * QᵀK and V·Aᵀ) count 0. The area
 * scaling multiplies what does not grow with the input, a Linear after the global pool (and
 * the pool, 2 ops per output element), by the same (H / 32) x (W / 32). Unfused model (BN
 * separate), as the yaml comments print; the fused figures are in the notes.
 */
const ultralytics: Convention = {
  id: 'ultralytics',
  label: 'Ultralytics (model.info() GFLOPs: thop x 2, BN 4 ops/element, unfused)',
  totals: (a) => {
    const batch = Math.max(1, a.graph.input.batch);
    const input = a.input;
    const area = input ? (input[0] * input[1]) / (32 * 32) : 1;
    let bnElements = 0;
    let bnChannels = 0;
    let unprofiled = 0;
    let perImageOps = 0;
    for (const l of a.layers) {
      const op = l.layer.op;
      if (op.kind === 'bn') {
        bnElements += l.activations / batch;
        bnChannels += l.output?.[2] ?? 0;
      } else if (op.kind === 'attention') unprofiled += l.macs / batch;
      else if (op.kind === 'fc') perImageOps += ((area - 1) * l.macs) / batch;
      else if (op.kind === 'pool' && op.global && op.mode === 'avg' && l.output) perImageOps += 2 * l.output[2] * area;
    }
    const macs = a.totals.macs / batch;
    const flops = 2 * (macs - unprofiled + perImageOps + 4 * bnElements);
    const fusedParams = a.totals.params - bnChannels;
    return {
      convention: 'ultralytics',
      macs,
      flops,
      params: a.totals.params,
      display: `${a.totals.params} parameters, ${(flops / 1e9).toFixed(1)} GFLOPs`,
      notes: [
        'GFLOPs = 2 x (conv/fc MACs + 4 x BatchNorm output elements) / 1e9, per image (thop, as model.info() prints it).',
        'SiLU, nearest Upsample, MaxPool, Concat, residual adds and attention products count 0; conv biases are not counted.',
        'Profiled at a 32 x 32 input and scaled to the input area: a Linear after the global pool counts (H / 32) x (W / 32) times.',
        `Fused (BN folded into the convs, as printed at predict/val time): ${fusedParams} parameters, ${((2 * macs) / 1e9).toFixed(1)} GFLOPs.`,
        'Parameters include the DFL conv (16 fixed weights, not trained: "gradients" in the summary is 16 lower).',
      ],
    };
  },
};

/** Netscope's own rounding: two decimals, trailing zeros dropped, k/M/G (e.g. `573.78M`, `154.7G`). */
function netscopeNumber(x: number): string {
  for (const [v, u] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const)
    if (Math.abs(x) >= v) return `${(x / v).toFixed(2).replace(/\.?0+$/, '')}${u}`;
  return String(x);
}

/**
 * Netscope (dgschwend/netscope analyzer): "macc" = conv/deconv/fc MACs + 1 per output element
 * of Scale layers (also a two-input Scale) + local_size per input element of LRN layers;
 * "param" = conv/fc weights and biases + 2 x C per BatchNorm + 2 per LRN (alpha, beta),
 * Scale layers 0. Batch multiplies macc, not params.
 */
/**
 * Netscope sizes every pooling window with ceil((in + 2p - k) / s) + 1, whatever the file's
 * `ceil_mode` / `round_mode` say: the layers re-costed so when some pooling rounds down.
 */
function netscopeLayers(a: Analysis): readonly LayerResult[] {
  if (!a.graph.layers.some((l) => l.op.kind === 'pool' && !l.op.ceil)) return a.layers;
  const layers = a.graph.layers.map((l) =>
    l.op.kind === 'pool' && !l.op.ceil ? { ...l, op: { ...l.op, ceil: true } } : l,
  );
  return computeCosts({ ...a.graph, layers }, a.options).layers;
}

const netscope: Convention = {
  id: 'netscope',
  label: 'Netscope (macc incl. Scale and LRN; params incl. 2C per BatchNorm; pooling always rounded up)',
  totals: (a) => {
    let macs = 0,
      params = 0,
      scale = 0,
      lrn = 0;
    const layers = netscopeLayers(a);
    for (const l of layers) {
      const op = l.layer.op;
      if (op.kind === 'conv' || op.kind === 'dwconv' || op.kind === 'deconv' || op.kind === 'fc') {
        macs += l.macs;
        params += l.params;
      } else if (op.kind === 'scale' || (op.kind === 'merge' && op.mode === 'mul' && /^scale$/i.test(l.layer.opText)))
        scale += l.activations;
      else if (op.kind === 'lrn') {
        lrn += l.otherOps;
        params += 2;
      } else if (op.kind === 'normalize') {
        // Netscope counts Normalize as an LRN of local_size 1.
        lrn += l.activations;
        params += 2;
      } else if (op.kind === 'bn' && l.output) params += 2 * l.output[2];
    }
    const total = macs + scale + lrn;
    return {
      convention: 'netscope',
      macs: total,
      params,
      display: `macc ${netscopeNumber(total)}, param ${netscopeNumber(params)}`,
      notes: [
        `macc adds Scale layers, 1 per output element (${scale.toLocaleString('en-US')}), and LRN, local_size per input element (Normalize: 1) (${lrn.toLocaleString('en-US')}), to the conv and fc MACs.`,
        'param counts 2 x C for every BatchNorm and 0 for Scale (LayerLint: BatchNorm 0, Scale C or 2 x C, so a BatchNorm + Scale pair is 2 x C either way), and 2 per LRN.',
        ...(layers === a.layers
          ? []
          : [
              'Netscope ignores ceil_mode: false / round_mode: FLOOR and rounds every pooling output size up; so do these totals.',
            ]),
      ],
    };
  },
};

export const CONVENTIONS: Record<ConventionId, Convention> = {
  layerlint,
  darknet,
  netscope,
  ultralytics,
};

/** A convention's totals; on an incomplete analysis the display reads "at least …" and says why. */
export function conventionTotals(id: ConventionId, analysis: Analysis): ConventionTotals {
  const totals = CONVENTIONS[id].totals(analysis);
  if (analysis.complete) return { ...totals, complete: true };
  return {
    ...totals,
    complete: false,
    display: `at least ${totals.display} (incomplete: some layers could not be counted)`,
  };
}
