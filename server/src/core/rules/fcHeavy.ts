// fc-heavy: fully connected layers holding more than a set share of all parameters
// (VGG's classifier holds 90% of its 138M). Reported once, on the largest fc layer.
import { makeDiagnostic } from '../diagnostics';
import { compact, percent } from '../format';
import type { Rule } from './types';

export const fcHeavy: Rule = (analysis, options) => {
  const fc = analysis.weightedLayers().filter((l) => l.layer.op.kind === 'fc');
  const fcParams = fc.reduce((a, l) => a + l.params, 0);
  const total = analysis.totals.params;
  if (!fc.length || total === 0 || fcParams / total <= options.fcHeavyShare) return [];
  const largest = fc.reduce((a, l) => (l.params > a.params ? l : a));
  return [
    makeDiagnostic(
      'fc-heavy',
      largest.layer.span,
      `Fully connected layers hold ${percent(fcParams, total)} of all parameters (${compact(fcParams)} of ${compact(total)}); global average pooling before a single classifier layer, or 1x1 convolutions, need far fewer.`,
    ),
  ];
};
