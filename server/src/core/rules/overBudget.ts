// over-budget: total MACs or parameters above the file's `budget` line or a budget given
// by the caller (CLI flags, configuration). Says by how much, and which α or input side fits.
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import { fitBudget } from '../estimates';
import { compact, exact } from '../format';
import type { Rule } from './types';

export const overBudget: Rule = (analysis) => {
  const g = analysis.graph;
  const budget = { ...g.budget, ...analysis.options.budget };
  const span = g.budget?.span ?? g.headerSpan;
  const out: EngineDiagnostic[] = [];
  const over = (['macs', 'params'] as const).filter((m) => budget[m] !== undefined && analysis.totals[m] > budget[m]!);
  if (!over.length) return out;
  const fit = fitBudget(g, { macs: budget.macs, params: budget.params });
  const hints: string[] = [];
  if (fit.alpha !== undefined) hints.push(`width ${fit.alpha} fits`);
  if (fit.side !== undefined && over.every((m) => m === 'macs')) hints.push(`input side ${fit.side} fits`);
  for (const metric of over) {
    const limit = budget[metric]!;
    const actual = analysis.totals[metric];
    const label = metric === 'macs' ? 'MACs' : 'parameters';
    out.push(
      makeDiagnostic(
        'over-budget',
        span,
        `Total ${label} ${compact(actual)} (${exact(actual)}) are over the budget of ${compact(limit)} by ${compact(actual - limit)} (+${((100 * (actual - limit)) / limit).toFixed(1)}%)` +
          (hints.length ? `; ${hints.join(', ')}.` : '; no width multiplier fits it.'),
        {
          kind: 'budget',
          metric,
          limit,
          actual,
          ...(fit.alpha !== undefined ? { alpha: fit.alpha } : {}),
          ...(fit.side !== undefined && metric === 'macs' ? { side: fit.side } : {}),
        },
      ),
    );
  }
  return out;
};
