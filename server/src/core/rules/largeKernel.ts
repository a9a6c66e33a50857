// large-kernel: a standard convolution with a kernel side above the threshold (default 5).
// Two stacked 3x3 convolutions see as far as one 5x5 for 18/25 of the cost.
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import type { Rule } from './types';

export const largeKernel: Rule = (analysis, options) => {
  const out: EngineDiagnostic[] = [];
  const seen = new Set<number>();
  for (const l of analysis.weightedLayers()) {
    const op = l.layer.op;
    if (
      op.kind !== 'conv' ||
      op.groups !== 1 ||
      Math.max(op.kh, op.kw) <= options.largeKernelMax ||
      seen.has(l.layer.span.start)
    )
      continue;
    seen.add(l.layer.span.start);
    const k = Math.max(op.kh, op.kw);
    const stacked = Math.ceil((k - 1) / 2);
    out.push(
      makeDiagnostic(
        'large-kernel',
        l.layer.span,
        `A ${op.kh}x${op.kw} kernel: ${stacked} stacked 3x3 convolutions cover the same receptive field with ${(((stacked * 9) / (op.kh * op.kw)) * 100).toFixed(0)}% of the weights per channel pair.`,
      ),
    );
  }
  return out;
};
