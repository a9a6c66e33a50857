// What the analysis of one IR graph holds (analyze.ts computes it; rules, printers,
// reports and features read it) and the options it is computed with.
import type { ByKind, LayerResult, Totals } from './costs';
import type { EngineDiagnostic } from './diagnostics';
import type { Graph, Shape } from './ir';
import type { RuleOptions } from './rules/options';
import type { ShapeOptions } from './shapes';

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
  /** soleConsumers(graph.layers), computed on first use. */
  soleConsumers(): Int32Array;
  /** The conv, dwconv, deconv and fc layers in order (what most rules look at), computed on first use. */
  weightedLayers(): LayerResult[];
}

export interface AnalysisOptions extends ShapeOptions {
  rules?: Partial<RuleOptions>;
  /** Budgets that apply on top of (and override) the file's own `budget` line. */
  budget?: { macs?: number; params?: number };
  /** A budget (from configuration) for the metrics the file's own `budget` line leaves unset; `budget` overrides it. */
  defaultBudget?: { macs?: number; params?: number };
}
