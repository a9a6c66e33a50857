// weights-streamed: on a target with a parameter memory (paramCacheBytes, the Edge TPU's
// 8 MB; core/latency.ts), the weights that do not fit it stream from the host on every
// inference. One finding per network, on its header line, whenever any do: how many bytes,
// from which layer on, and their share of the estimated latency (the Edge TPU compiler
// reports the same split as "off-chip memory used for streaming uncached model parameters").
import { compact } from '../format';
import { makeDiagnostic } from '../diagnostics';
import { ms } from '../latency';
import type { Rule } from './types';

export const weightsStreamed: Rule = (analysis) => {
  const est = analysis.latency();
  const capacity = est?.target.paramCacheBytes;
  if (!est || capacity === undefined || est.totalMs <= 0) return [];
  let bytes = 0;
  let streamMs = 0;
  let layers = 0;
  let first: number | undefined;
  est.layers.forEach((k, i) => {
    if (k?.runs !== 'kernel' || !k.streamed) return;
    bytes += k.streamed.bytes;
    streamMs += k.streamed.ms;
    layers++;
    first ??= i;
  });
  if (first === undefined) return [];
  const t = est.target;
  const share = streamMs / est.totalMs;
  const of = est.complete ? `of the estimated ${ms(est.totalMs)}` : `of at least ${ms(est.totalMs)} estimated`;
  return [
    makeDiagnostic(
      'weights-streamed',
      analysis.graph.headerSpan,
      `On ${t.id}, ${compact(bytes)}B of weights do not fit its ${compact(capacity)}B of parameter memory and stream from the host on every inference: ${layers} layer${layers === 1 ? '' : 's'} from ${analysis.layers[first]!.layer.name} on, ~${ms(streamMs)} (${(100 * share).toFixed(0)}%) ${of}. Fewer parameters, in the later layers above all (a smaller classifier, separable convs), keep them on the chip.`,
      { kind: 'streamed', target: t.id, bytes, ms: streamMs, share, layers, first },
    ),
  ];
};
