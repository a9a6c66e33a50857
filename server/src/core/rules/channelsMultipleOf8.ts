// channels-not-multiple-of-8: conv outputs whose channel count is not a multiple of 8 map
// poorly onto SIMD lanes and tensor cores. Convs marked `fixed` (detection heads) are skipped.
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import type { Rule } from './types';

export const channelsMultipleOf8: Rule = (analysis) => {
  const out: EngineDiagnostic[] = [];
  const seen = new Set<number>();
  for (const l of analysis.weightedLayers()) {
    const op = l.layer.op;
    if (
      (op.kind !== 'conv' && op.kind !== 'deconv') ||
      op.fixed ||
      !l.output ||
      l.output[2] % 8 === 0 ||
      seen.has(l.layer.span.start)
    )
      continue;
    const c = l.output[2];
    seen.add(l.layer.span.start);
    const up = Math.ceil(c / 8) * 8;
    out.push(
      makeDiagnostic(
        'channels-not-multiple-of-8',
        l.layer.span,
        `${c} output channels is not a multiple of 8; ${up} would use vector units fully.`,
      ),
    );
  }
  return out;
};
