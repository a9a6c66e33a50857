// over-budget: total MACs or parameters above the file's `budget` line or a budget given
// by the caller (CLI flags, configuration), and says by how much and which α or input side
// fits; or the estimated latency on the target above a latency budget (no α is solved for:
// the estimate is not monotone in α on every target). latency-budget-unchecked: a latency
// budget without a target, or with layers that have no latency estimate. The peak live
// activation memory (core/memory.ts) above an activation budget, at the target's precision;
// on an incomplete network its lower bound is compared, and the message says "at least".
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import { fitBudget } from '../estimates';
import { compact, exact } from '../format';
import { ms } from '../latency';
import type { Rule } from './types';

export const overBudget: Rule = (analysis) => {
  const g = analysis.graph;
  const budget = { ...g.budget, ...analysis.options.budget };
  const span = g.budget?.span ?? g.headerSpan;
  const out: EngineDiagnostic[] = [];
  if (budget.latencyMs !== undefined) out.push(...latencyBudget(analysis, budget.latencyMs, span));
  if (budget.activationBytes !== undefined) out.push(...activationBudget(analysis, budget.activationBytes, span));
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

function latencyBudget(
  analysis: Parameters<Rule>[0],
  limit: number,
  span: Parameters<typeof makeDiagnostic>[1],
): EngineDiagnostic[] {
  const est = analysis.latency();
  if (!est)
    return [
      makeDiagnostic(
        'latency-budget-unchecked',
        span,
        `The latency budget of ${ms(limit)} is not checked: no target is set (a 'target NAME' line, --target or the layerlint.target setting).`,
      ),
    ];
  if (!est.complete)
    return [
      makeDiagnostic(
        'latency-budget-unchecked',
        span,
        `The latency budget of ${ms(limit)} is not checked: some layers have no latency estimate on ${est.target.id} (at least ${ms(est.totalMs)}).`,
      ),
    ];
  if (est.totalMs <= limit) return [];
  return [
    makeDiagnostic(
      'over-budget',
      span,
      `Estimated latency ${ms(est.totalMs)} on ${est.target.id} is over the budget of ${ms(limit)} by ${ms(est.totalMs - limit)} (+${((100 * (est.totalMs - limit)) / limit).toFixed(1)}%).`,
      { kind: 'budget', metric: 'latency', limit, actual: est.totalMs },
    ),
  ];
}

function activationBudget(
  analysis: Parameters<Rule>[0],
  limit: number,
  span: Parameters<typeof makeDiagnostic>[1],
): EngineDiagnostic[] {
  const m = analysis.memory();
  if (m.peakBytes <= limit) return [];
  const at = m.at >= 0 ? `, at ${analysis.layers[m.at]!.layer.name}` : '';
  return [
    makeDiagnostic(
      'over-budget',
      span,
      `Peak activation memory ${m.complete ? '' : 'at least '}${compact(m.peakBytes)}B (${exact(m.peakBytes)} bytes, ${m.precision}${at}) is over the budget of ${compact(limit)}B by ${compact(m.peakBytes - limit)}B (+${((100 * (m.peakBytes - limit)) / limit).toFixed(1)}%).`,
      { kind: 'budget', metric: 'activations', limit, actual: m.peakBytes },
    ),
  ];
}
