// What the analysis of one IR graph holds (analyze.ts computes it; rules, printers,
// reports and features read it) and the options it is computed with.
import type { ByKind, LayerResult, Totals } from './costs';
import type { EngineDiagnostic } from './diagnostics';
import type { Budget, Graph, Shape } from './ir';
import type { RuleOptions } from './rules/options';
import type { ShapeOptions } from './shapes';
import type { LatencyEstimate } from './latency';
import type { PeakMemory } from './memory';
import type { TargetProfile } from './targets';

export interface Analysis {
  graph: Graph;
  input: Shape | null;
  layers: LayerResult[];
  totals: Totals;
  /** MACs and parameters per cost kind; computed on first read (reports and hovers ask, diagnostics do not). */
  readonly byKind: ByKind;
  diagnostics: EngineDiagnostic[];
  /** False when some layer's shape could not be inferred, so totals leave it out. */
  complete: boolean;
  options: AnalysisOptions;
  /** soleConsumers(graph.layers), computed on first use. */
  soleConsumers(): Int32Array;
  /** The conv, dwconv, deconv and fc layers in order (what most rules look at), computed on first use. */
  weightedLayers(): LayerResult[];
  /** The latency target: the command line's, else the file's `target`, else the configuration's. */
  target: TargetProfile | undefined;
  /** The estimated latency on `target` (core/latency.ts), computed on first use; undefined without a target. */
  latency(): LatencyEstimate | undefined;
  /** Peak live activation memory (core/memory.ts) at the target's precision (fp32 without one), computed on first use. */
  memory(): PeakMemory;
}

/** Budget figures (a file's `budget` line without its span): MACs, parameters, ms on the target, peak activation bytes. */
export type BudgetFigures = Omit<Budget, 'span'>;

export interface AnalysisOptions extends ShapeOptions {
  rules?: Partial<RuleOptions>;
  /** Budgets that apply on top of (and override) the file's own `budget` line. */
  budget?: BudgetFigures;
  /** A budget (from configuration) for the metrics the file's own `budget` line leaves unset; `budget` overrides it. */
  defaultBudget?: BudgetFigures;
  /** A latency target id (core/targets.ts) that overrides the file's `target` line (the command line). */
  target?: string;
  /** A latency target id for files without a `target` line (configuration, editor setting). */
  defaultTarget?: string;
  /**
   * Why the editor's target setting gives no target (an unreadable or invalid profile file):
   * reported as target-unreadable on files without a `target` line, instead of a target.
   */
  defaultTargetError?: string;
  /** Target profiles besides the built-in ones (profile files, layerlint.json `targets`), found by id first. */
  profiles?: readonly TargetProfile[];
}
