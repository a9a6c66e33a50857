// bias-before-bn: a convolution with an explicit bias whose only consumer is a batch norm;
// the norm subtracts the mean, so the bias is dead weight.
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import type { Rule } from './types';

export const biasBeforeBn: Rule = (analysis) => {
  const out: EngineDiagnostic[] = [];
  const next = analysis.soleConsumers();
  const seen = new Set<number>();
  for (const l of analysis.weightedLayers()) {
    const op = l.layer.op;
    if (
      !(op.kind === 'conv' || op.kind === 'dwconv' || op.kind === 'deconv') ||
      !op.bias ||
      seen.has(l.layer.span.start)
    )
      continue;
    const consumer = next[l.layer.index]!;
    if (consumer < 0 || analysis.layers[consumer]!.layer.op.kind !== 'bn') continue;
    seen.add(l.layer.span.start);
    const c = l.output?.[2] ?? 0;
    out.push(
      makeDiagnostic(
        'bias-before-bn',
        l.layer.span,
        `This ${l.layer.opText} has a bias (${c} parameters) that the batch norm after it cancels; drop it with bias=false.`,
      ),
    );
  }
  return out;
};
