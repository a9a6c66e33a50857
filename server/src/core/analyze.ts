// The analysis of one IR graph: shapes, per-layer costs, totals, the per-kind breakdown
// and rule diagnostics, in stages (syntax → shape → cost) so that a line that does not
// parse gets no shape or cost findings piled on it. Pure: same graph, same result.
import { byKind, computeCosts, soleConsumers, type ByKind, type LayerResult, type Totals } from './costs';
import { makeDiagnostic, stageOf, type EngineDiagnostic } from './diagnostics';
import type { Graph, Shape } from './ir';

export type { ByKind, LayerResult, Totals } from './costs';
import { LineIndex } from './lineIndex';
import type { ShapeOptions } from './shapes';
import { runRules, DEFAULT_RULE_OPTIONS, type RuleOptions } from './rules';

export interface Analysis {
  graph: Graph;
  input: Shape | null;
  layers: LayerResult[];
  totals: Totals;
  byKind: ByKind;
  diagnostics: EngineDiagnostic[];
  /** False when some layer's shape could not be inferred, so totals leave it out. */
  complete: boolean;
  options: AnalysisOptions;
  /** soleConsumers(layers), computed on first use. */
  soleConsumers(): Int32Array;
}

export interface AnalysisOptions extends ShapeOptions {
  rules?: Partial<RuleOptions>;
  /** Budgets that apply on top of (and override) the file's own `budget` line. */
  budget?: { macs?: number; params?: number };
  /** A budget (from configuration) for the metrics the file's own `budget` line leaves unset; `budget` overrides it. */
  defaultBudget?: { macs?: number; params?: number };
}

export function analyzeGraph(graph: Graph, text: string, frontEndDiagnostics: EngineDiagnostic[], given: AnalysisOptions = {}): Analysis {
  const options = withDefaultBudget(given, graph.budget);
  const costs = computeCosts(graph, options);
  let consumers: Int32Array | undefined;
  const diagnostics: EngineDiagnostic[] = [...frontEndDiagnostics, ...costs.shapeDiagnostics];
  for (const l of costs.layers) {
    if (l.layer.op.kind === 'unknown') {
      diagnostics.push(makeDiagnostic('unknown-layer', l.layer.span, `Layer type '${l.layer.op.type}' is not known to LayerLint: it is not counted (0 MACs, 0 parameters)${l.output ? `; its output is taken as ${l.output.join('x')}` : ''}.`));
    }
  }
  for (const [metric, value] of [['MACs', costs.totals.macs], ['parameters', costs.totals.params], ['activations', costs.totals.activations]] as const) {
    if (!Number.isSafeInteger(value)) {
      diagnostics.push(makeDiagnostic('cost-overflow', graph.headerSpan, `Total ${metric} pass 2^53 (${value.toExponential(3)}): figures are no longer exact integers. Check channel counts and input size.`));
    }
  }
  const analysis: Analysis = {
    graph,
    input: costs.input,
    layers: costs.layers,
    totals: costs.totals,
    byKind: byKind(costs.layers),
    diagnostics,
    complete: costs.complete,
    options,
    soleConsumers: () => (consumers ??= soleConsumers(costs.layers)),
  };
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  if (!hasErrors || costs.complete) diagnostics.push(...runRules(analysis, { ...DEFAULT_RULE_OPTIONS, ...options.rules }));
  analysis.diagnostics = stageDiagnostics(diagnostics, text);
  return analysis;
}

/** Folds `defaultBudget` into `budget` for each metric that neither `budget` nor the file's own budget line sets. */
function withDefaultBudget(options: AnalysisOptions, own: Graph['budget']): AnalysisOptions {
  const d = options.defaultBudget;
  if (!d) return options;
  const budget = { ...options.budget };
  if (d.macs !== undefined && own?.macs === undefined && budget.macs === undefined) budget.macs = d.macs;
  if (d.params !== undefined && own?.params === undefined && budget.params === undefined) budget.params = d.params;
  return { ...options, budget };
}

/** Drops shape and cost findings on lines that already have a syntax error; sorts by position. */
function stageDiagnostics(diags: EngineDiagnostic[], text: string): EngineDiagnostic[] {
  const syntaxLines = new Set<number>();
  const hasSyntax = diags.some((d) => stageOf(d.code) === 'syntax');
  // The line index is built only when there is a syntax finding to compare lines with.
  const index = hasSyntax ? new LineIndex(text) : undefined;
  if (index) for (const d of diags) if (stageOf(d.code) === 'syntax') syntaxLines.add(index.positionAt(d.span.start).line);
  const kept = index && syntaxLines.size ? diags.filter((d) => stageOf(d.code) === 'syntax' || !syntaxLines.has(index.positionAt(d.span.start).line)) : diags;
  return kept.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}
