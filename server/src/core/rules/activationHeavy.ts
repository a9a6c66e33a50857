// activation-heavy: with a latency target, where moving activations rather than computing sets
// the estimate (core/latency.ts), after RegNet's finding that runtime follows activations (the
// sizes of the conv outputs) more than FLOPs. Per layer: a kernel whose roofline is
// memory-bound, whose activation bytes (inputs and output) exceed its weight bytes, and which
// takes at least the activationLayerShare threshold of the estimate. Per network (on the
// header): the memory-bound kernels moving mostly activations take at least
// activationNetworkShare of it. Only on a complete estimate; one finding per op in the text.
import type { LayerResult } from '../costs';
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import { compact } from '../format';
import { ms, type KernelLatency } from '../latency';
import { fmt } from '../shapes';
import type { Rule } from './types';

/** Bytes of a kernel's inputs and output (its traffic less its weights). */
function activationBytes(k: KernelLatency, l: LayerResult, bytesPerElement: number): number {
  return k.bytes - l.params * bytesPerElement;
}

export const activationHeavy: Rule = (analysis, options) => {
  const est = analysis.latency();
  if (!est?.complete || est.totalMs <= 0) return [];
  const t = est.target;
  const out: EngineDiagnostic[] = [];
  const seen = new Set<number>();
  let boundMs = 0;
  let boundBytes = 0;
  let boundKernels = 0;
  const pct = (x: number) => `${((100 * x) / est.totalMs).toFixed(0)}%`;
  est.layers.forEach((k, i) => {
    // Memory-bound by its bytes, not by weights streaming from the host (weights-streamed).
    if (k?.runs !== 'kernel' || k.dominant !== 'memory' || k.memoryMs < k.computeMs) return;
    const l = analysis.layers[i]!;
    const acts = activationBytes(k, l, t.bytesPerElement);
    if (acts <= k.bytes - acts) return;
    boundMs += k.ms;
    boundBytes += acts;
    boundKernels++;
    if (k.ms < options.activationLayerShare * est.totalMs || seen.has(l.layer.span.start)) return;
    seen.add(l.layer.span.start);
    const shapes = `${l.inputs!.map(fmt).join(' + ')} → ${fmt(l.output!)}`;
    out.push(
      makeDiagnostic(
        'activation-heavy',
        l.layer.span,
        `On ${t.id}, ${l.layer.name} is memory-bound: it moves ${compact(acts)}B of activations (${shapes}, ${t.precision}, batch ${est.batch}): memory ${ms(k.memoryMs)} against compute ${ms(k.computeMs)}, ${pct(k.ms)} of the estimated ${ms(est.totalMs)}. Fewer activations here (fewer channels at this resolution, or a lower resolution sooner) pay more than fewer MACs (RegNet).`,
        { kind: 'activations', target: t.id, layer: i, ms: k.ms, share: k.ms / est.totalMs, bytes: acts },
      ),
    );
  });
  if (boundMs >= options.activationNetworkShare * est.totalMs)
    out.unshift(
      makeDiagnostic(
        'activation-heavy',
        analysis.graph.headerSpan,
        `On ${t.id}, memory-bound layers moving activations are ${pct(boundMs)} of the estimated ${ms(est.totalMs)} (${boundKernels} kernels, ${compact(boundBytes)}B of activations): the network's activations, not its MACs, set its speed here (RegNet).`,
        {
          kind: 'activations',
          target: t.id,
          layer: null,
          ms: boundMs,
          share: boundMs / est.totalMs,
          bytes: boundBytes,
        },
      ),
    );
  return out;
};
