// Counting conventions: LayerLint's own (docs/counting.md) and those of the tools people
// compare against (Darknet's BFLOPs, Netscope's macc, Ultralytics' GFLOPs), so a user can
// reproduce the figure they know and see why it differs from ours. Each convention maps
// an analysis to the totals that tool prints, with a note per term.
import type { Analysis } from './analyze';

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
}

export interface Convention {
  id: ConventionId;
  label: string;
  totals(analysis: Analysis): ConventionTotals;
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
    notes: ['MACs: conv, dwconv, deconv and fc multiply-accumulates; BN, activations, pooling and merges are other ops.', 'FLOPs = 2 x MACs.'],
  }),
};

/** Netscope's own rounding: two decimals, trailing zeros dropped, k/M/G (e.g. `573.78M`, `154.7G`). */
function netscopeNumber(x: number): string {
  for (const [v, u] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) if (Math.abs(x) >= v) return `${(x / v).toFixed(2).replace(/\.?0+$/, '')}${u}`;
  return String(x);
}

/**
 * Netscope (dgschwend/netscope analyzer): "macc" = conv/deconv/fc MACs + 1 per output element
 * of Scale layers (also a two-input Scale) + local_size per input element of LRN layers;
 * "param" = conv/fc weights and biases + 2 x C per BatchNorm + 2 per LRN (alpha, beta),
 * Scale layers 0. Batch multiplies macc, not params.
 */
const netscope: Convention = {
  id: 'netscope',
  label: 'Netscope (macc incl. Scale and LRN; params incl. 2C per BatchNorm)',
  totals: (a) => {
    let macs = 0, params = 0, scale = 0, lrn = 0;
    for (const l of a.layers) {
      const op = l.layer.op;
      if (op.kind === 'conv' || op.kind === 'dwconv' || op.kind === 'deconv' || op.kind === 'fc') {
        macs += l.macs;
        params += l.params;
      } else if (op.kind === 'scale' || (op.kind === 'merge' && op.mode === 'mul' && /^scale$/i.test(l.layer.opText))) scale += l.activations;
      else if (op.kind === 'lrn') {
        lrn += l.otherOps;
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
        `macc adds Scale layers, 1 per output element (${scale.toLocaleString('en-US')}), and LRN, local_size per input element (${lrn.toLocaleString('en-US')}), to the conv and fc MACs.`,
        'param counts 2 x C for every BatchNorm and 0 for Scale (LayerLint: BatchNorm 0, Scale C or 2 x C, so a BatchNorm + Scale pair is 2 x C either way), and 2 per LRN.',
      ],
    };
  },
};

export const CONVENTIONS: Record<ConventionId, Convention | undefined> = {
  layerlint,
  darknet: undefined,
  netscope,
  ultralytics: undefined,
};

export function conventionTotals(id: ConventionId, analysis: Analysis): ConventionTotals {
  return (CONVENTIONS[id] ?? layerlint).totals(analysis);
}
