// Two network-level findings about where the estimated latency on the target goes
// (core/latency.ts), after ShuffleNet v2's guidelines: kernel-overhead (G3, fragmentation:
// per-kernel launch/dispatch overhead is at least half of the estimate, so fewer and larger
// kernels pay more than fewer MACs; it counts the small kernels, whose roofline is below their
// overhead) and elementwise-share (G4: BN, activations, adds and
// pooling that run as kernels of their own take at least a quarter of it). Only with a target
// and a complete estimate; the shares are thresholds (kernelOverheadShare, elementwiseShare).
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import { ms } from '../latency';
import type { Rule } from './types';

export const latencyShares: Rule = (analysis, options) => {
  const est = analysis.latency();
  if (!est?.complete || est.totalMs <= 0) return [];
  let kernels = 0;
  let overhead = 0;
  let elementwise = 0;
  let elementwiseKernels = 0;
  let small = 0;
  for (const l of est.layers) {
    if (l?.runs !== 'kernel') continue;
    kernels++;
    overhead += l.overheadMs;
    if (l.dominant === 'overhead') small++;
    if (l.kind === 'elementwise') {
      elementwise += l.ms;
      elementwiseKernels++;
    }
  }
  const t = est.target;
  const at = analysis.graph.headerSpan;
  const out: EngineDiagnostic[] = [];
  const pct = (x: number) => `${((100 * x) / est.totalMs).toFixed(0)}%`;
  if (overhead / est.totalMs >= options.kernelOverheadShare)
    out.push(
      makeDiagnostic(
        'kernel-overhead',
        at,
        `On ${t.id}, per-kernel overhead is ${pct(overhead)} of the estimated ${ms(est.totalMs)} (${kernels} kernels × ${ms(t.kernelMs)}; ${small} of them do less work than their own overhead): fewer, larger layers or a runtime that fuses them pay more here than fewer MACs (ShuffleNet v2 G3).`,
        { kind: 'share', target: t.id, share: overhead / est.totalMs, kernels, ms: overhead, small },
      ),
    );
  if (elementwise / est.totalMs >= options.elementwiseShare)
    out.push(
      makeDiagnostic(
        'elementwise-share',
        at,
        `On ${t.id}, element-wise layers (BN, activations, adds, pooling) are ${pct(elementwise)} of the estimated ${ms(est.totalMs)} (${elementwiseKernels} kernels of their own): fold BN into the convs and fuse activations (ShuffleNet v2 G4).`,
        { kind: 'share', target: t.id, share: elementwise / est.totalMs, kernels: elementwiseKernels, ms: elementwise },
      ),
    );
  return out;
};
