// The analysis of one IR graph: shapes, per-layer costs, totals, the per-kind breakdown
// and rule diagnostics, in stages (syntax → shape → cost) so that a line that does not
// parse gets no shape or cost findings piled on it. Pure: same graph, same result.
import {
  byKind,
  computeCosts,
  layerResult,
  soleConsumers,
  totalsOf,
  WEIGHTED_OPS,
  type Costs,
  type LayerResult,
} from './costs';
import { makeDiagnostic, stageOf, type EngineDiagnostic } from './diagnostics';
import type { Graph } from './ir';

import { LineIndex } from './lineIndex';
import { layerShape, type Fail } from './shapes';
import type { Analysis, AnalysisOptions } from './analysis';
import { runRules } from './rules';
import { DEFAULT_RULE_OPTIONS } from './rules/options';
import { estimateLatency, type LatencyEstimate } from './latency';
import { resolveTarget, TARGET_IDS } from './targets';
import { FP32, peakMemory, type PeakMemory } from './memory';

export function analyzeGraph(
  graph: Graph,
  text: string,
  frontEndDiagnostics: EngineDiagnostic[],
  given: AnalysisOptions = {},
): Analysis {
  const options = withDefaultBudget(given, graph.budget);
  return finishAnalysis(graph, text, frontEndDiagnostics, options, computeCosts(graph, options));
}

/**
 * The analysis of `graph`, an edited copy of `prev.graph` with the same layers and inputs in
 * which some layers are new objects with new ops (an incremental front-end update). Shapes and
 * costs are recomputed only for those layers and for layers downstream whose input shapes
 * changed; every other layer keeps its previous result; totals and rules cover the whole graph.
 * Equal to `analyzeGraph(graph, ...)`, or undefined (analyse from scratch) when the previous
 * analysis was incomplete or had findings before the cost stage, or when a recomputed layer
 * has no shape.
 */
export function reanalyzeGraph(
  prev: Analysis,
  graph: Graph,
  text: string,
  frontEndDiagnostics: EngineDiagnostic[],
  given: AnalysisOptions = {},
): Analysis | undefined {
  const n = graph.layers.length;
  const input = prev.input;
  if (!prev.complete || !input || prev.layers.length !== n || prev.diagnostics.some((d) => stageOf(d.code) !== 'cost'))
    return undefined;
  const options = withDefaultBudget(given, graph.budget);
  const g0 = prev.graph;
  if (
    graph.input.h !== g0.input.h ||
    graph.input.w !== g0.input.w ||
    graph.input.c !== g0.input.c ||
    graph.input.batch !== g0.input.batch
  )
    return undefined;
  if (
    graph.width.alpha !== g0.width.alpha ||
    graph.width.divisor !== g0.width.divisor ||
    graph.resolution?.side !== g0.resolution?.side
  )
    return undefined;
  const alpha = options.alpha ?? graph.width.alpha;
  const divisor = options.divisor ?? graph.width.divisor;
  const batch = graph.input.batch;
  const layers = prev.layers.slice();
  const reshaped = new Uint8Array(n);
  let failed = false;
  const fail: Fail = () => {
    failed = true;
    return null;
  };
  for (let i = 0; i < n; i++) {
    const layer = graph.layers[i]!;
    const before = prev.layers[i]!;
    let dirty = layer !== before.layer;
    if (!dirty)
      for (const j of layer.inputs)
        if (j >= 0 && reshaped[j]) {
          dirty = true;
          break;
        }
    if (!dirty) continue;
    const ins = layer.inputs.map((j) => (j < 0 ? input : layers[j]!.output!));
    const out = layerShape(layer, ins, alpha, divisor, batch, fail);
    if (failed || !out) return undefined;
    layers[i] = layerResult(layer, ins, out, batch);
    const old = before.output!;
    if (out[0] !== old[0] || out[1] !== old[1] || out[2] !== old[2]) reshaped[i] = 1;
  }
  return finishAnalysis(graph, text, frontEndDiagnostics, options, {
    input,
    layers,
    totals: totalsOf(layers),
    complete: true,
    shapeDiagnostics: [],
  });
}

function finishAnalysis(
  graph: Graph,
  text: string,
  frontEndDiagnostics: EngineDiagnostic[],
  options: AnalysisOptions,
  costs: Costs,
): Analysis {
  let consumers: Int32Array | undefined;
  let weighted: LayerResult[] | undefined;
  let latency: LatencyEstimate | undefined;
  let memory: PeakMemory | undefined;
  const diagnostics: EngineDiagnostic[] = [...frontEndDiagnostics, ...costs.shapeDiagnostics];
  // The command line's target, else the file's (a profile it names by file, or by id; none when
  // its file cannot be used), else the configuration's.
  const target =
    options.target !== undefined
      ? resolveTarget(options.target, options.profiles)
      : graph.target
        ? graph.target.unusable
          ? undefined
          : (graph.target.profile ?? resolveTarget(graph.target.id, options.profiles))
        : options.defaultTarget !== undefined
          ? resolveTarget(options.defaultTarget, options.profiles)
          : undefined;
  if (options.target === undefined && !graph.target && options.defaultTargetError !== undefined)
    diagnostics.push(makeDiagnostic('target-unreadable', graph.headerSpan, options.defaultTargetError));
  const named = graph.target;
  if (named && !named.profile && !named.unusable && !resolveTarget(named.id, options.profiles))
    diagnostics.push(
      makeDiagnostic(
        'invalid-value',
        named.word,
        `Unknown target '${named.id}' (targets: ${[...TARGET_IDS, ...(options.profiles ?? []).map((t) => t.id)].join(', ')}; or a profile file, e.g. profiles/npu.json).`,
      ),
    );
  const unknown: LayerResult[] = [];
  for (const l of costs.layers) {
    if (l.layer.op.kind !== 'unknown') continue;
    unknown.push(l);
    diagnostics.push(
      makeDiagnostic(
        'unknown-layer',
        l.layer.span,
        `Layer type '${l.layer.op.type}' (${l.layer.name}) is not known to LayerLint: it is not counted, and the shapes of the layers that depend on it are unknown.`,
      ),
    );
  }
  for (const [metric, value] of [
    ['MACs', costs.totals.macs],
    ['parameters', costs.totals.params],
    ['activations', costs.totals.activations],
  ] as const) {
    if (!Number.isSafeInteger(value)) {
      diagnostics.push(
        makeDiagnostic(
          'cost-overflow',
          graph.headerSpan,
          `Total ${metric} pass 2^53 (${value.toExponential(3)}): figures are no longer exact integers. Check channel counts and input size.`,
        ),
      );
    }
  }
  // A network the front-end stopped reading at a limit (limit-exceeded) has figures for the
  // layers it read only: never complete, whatever those layers are.
  const complete = costs.complete && !frontEndDiagnostics.some((d) => d.code === 'limit-exceeded');
  const analysis: Analysis = {
    graph,
    input: costs.input,
    layers: costs.layers,
    totals: costs.totals,
    // Eager: one cheap pass. A getter here made every analysis object a slow-path literal whose
    // results V8 promoted to old space (18 full GCs in 4,000 analyses of 1,000 layers, against 0).
    byKind: byKind(costs.layers),
    diagnostics,
    complete,
    options,
    soleConsumers: () => (consumers ??= soleConsumers(graph.layers)),
    weightedLayers: () => (weighted ??= costs.layers.filter((l) => WEIGHTED_OPS.has(l.layer.op.kind))),
    target,
    latency: () =>
      target &&
      (latency ??= estimateLatency(
        target,
        costs.layers,
        analysis.soleConsumers(),
        graph.input.batch,
        complete && costs.input !== null,
      )),
    memory: () =>
      (memory ??= peakMemory(costs.layers, costs.input, analysis.soleConsumers(), graph.input.batch, target ?? FP32)),
  };
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  if (unknown.length) diagnostics.push(incompleteDiagnostic(graph, costs.layers, unknown));
  if (!hasErrors || complete) diagnostics.push(...runRules(analysis, { ...DEFAULT_RULE_OPTIONS, ...options.rules }));
  analysis.diagnostics = stageDiagnostics(diagnostics, text);
  return analysis;
}

/**
 * The network-level finding for layers that could not be costed: which, and how much of the
 * network the totals still cover (layers with a known output shape).
 */
function incompleteDiagnostic(graph: Graph, layers: LayerResult[], unknown: LayerResult[]): EngineDiagnostic {
  const counted = layers.reduce((n, l) => (l.output ? n + 1 : n), 0);
  const total = layers.length;
  const shown = unknown.slice(0, 5).map((l) => `${l.layer.name} (${l.layer.opText})`);
  const more = unknown.length > shown.length ? ` and ${unknown.length - shown.length} more` : '';
  const downstream = total - counted - unknown.length;
  return makeDiagnostic(
    'incomplete-analysis',
    graph.headerSpan,
    `The totals are incomplete: ${unknown.length} ${unknown.length === 1 ? 'layer' : 'layers'} could not be costed (${shown.join(', ')}${more})${downstream > 0 ? `, and ${downstream} ${downstream === 1 ? 'layer' : 'layers'} after them have unknown shapes` : ''}; the figures cover ${counted} of ${total} layers.`,
    { kind: 'incomplete', missing: unknown.map((l) => l.layer.name), counted, total },
  );
}

/** Folds `defaultBudget` into `budget` for each metric that neither `budget` nor the file's own budget line sets. */
function withDefaultBudget(options: AnalysisOptions, own: Graph['budget']): AnalysisOptions {
  const d = options.defaultBudget;
  if (!d) return options;
  const budget = { ...options.budget };
  if (d.macs !== undefined && own?.macs === undefined && budget.macs === undefined) budget.macs = d.macs;
  if (d.params !== undefined && own?.params === undefined && budget.params === undefined) budget.params = d.params;
  if (d.latencyMs !== undefined && own?.latencyMs === undefined && budget.latencyMs === undefined)
    budget.latencyMs = d.latencyMs;
  if (d.activationBytes !== undefined && own?.activationBytes === undefined && budget.activationBytes === undefined)
    budget.activationBytes = d.activationBytes;
  return { ...options, budget };
}

/** Drops shape and cost findings on lines that already have a syntax error; sorts by position. */
function stageDiagnostics(diags: EngineDiagnostic[], text: string): EngineDiagnostic[] {
  const syntaxLines = new Set<number>();
  const hasSyntax = diags.some((d) => stageOf(d.code) === 'syntax');
  // The line index is built only when there is a syntax finding to compare lines with.
  const index = hasSyntax ? new LineIndex(text) : undefined;
  if (index)
    for (const d of diags) if (stageOf(d.code) === 'syntax') syntaxLines.add(index.positionAt(d.span.start).line);
  const kept =
    index && syntaxLines.size
      ? diags.filter((d) => stageOf(d.code) === 'syntax' || !syntaxLines.has(index.positionAt(d.span.start).line))
      : diags;
  return kept.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}
