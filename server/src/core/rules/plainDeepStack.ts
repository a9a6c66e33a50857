// plain-deep-stack: a network with many convolutions and no residual (`add`, darknet
// `shortcut`) or dense (`concat`) shortcut anywhere. Shortcuts buy accuracy at equal cost (ResNet, DenseNet).
import { makeDiagnostic } from '../diagnostics';
import type { Rule } from './types';

export const plainDeepStack: Rule = (analysis, options) => {
  let convs = 0;
  for (const l of analysis.layers) {
    const k = l.layer.op.kind;
    if (k === 'merge' || k === 'shortcut') return [];
    if (k === 'conv' || k === 'dwconv' || k === 'deconv') convs++;
  }
  if (convs < options.plainStackDepth) return [];
  const g = analysis.graph;
  return [
    makeDiagnostic(
      'plain-deep-stack',
      g.nameSpan ?? g.headerSpan,
      `${convs} convolutions in a plain stack with no shortcut connections; residual (add) or dense (concat) shortcuts usually give more accuracy for the same cost.`,
    ),
  ];
};
