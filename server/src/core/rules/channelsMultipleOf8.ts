// channels-not-multiple-of-8: conv outputs whose channel count is not a multiple of 8 map
// poorly onto SIMD lanes and tensor cores. With a latency target the multiple is the target's
// channel granularity (16 for AVX-512 fp32, 8 for fp16 tensor cores, 4 for NEON fp32), the
// rounding its estimate applies (core/latency.ts). Convs marked `fixed` (detection heads) are skipped.
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import type { Rule } from './types';

export const channelsMultipleOf8: Rule = (analysis) => {
  const out: EngineDiagnostic[] = [];
  const seen = new Set<number>();
  const target = analysis.target;
  const g = target?.channelGranularity ?? 8;
  for (const l of analysis.weightedLayers()) {
    const op = l.layer.op;
    if (
      (op.kind !== 'conv' && op.kind !== 'deconv') ||
      op.fixed ||
      !l.output ||
      l.output[2] % g === 0 ||
      seen.has(l.layer.span.start)
    )
      continue;
    const c = l.output[2];
    seen.add(l.layer.span.start);
    const up = Math.ceil(c / g) * g;
    out.push(
      makeDiagnostic(
        'channels-not-multiple-of-8',
        l.layer.span,
        target
          ? `${c} output channels is not a multiple of ${g}, the channel granularity of ${target.id}: it runs as ${up} (estimated at ${up} channels' cost); ${up} would use the vector units fully.`
          : `${c} output channels is not a multiple of 8; ${up} would use vector units fully.`,
      ),
    );
  }
  return out;
};
