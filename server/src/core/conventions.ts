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

export const CONVENTIONS: Record<ConventionId, Convention | undefined> = {
  layerlint,
  darknet: undefined,
  netscope: undefined,
  ultralytics: undefined,
};

export function conventionTotals(id: ConventionId, analysis: Analysis): ConventionTotals {
  return (CONVENTIONS[id] ?? layerlint).totals(analysis);
}
