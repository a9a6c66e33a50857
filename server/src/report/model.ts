// The report every output is built from (CLI text/JSON, HTML, webview): plain data with
// 1-based lines, exact integers and the formula behind each MACs figure.
import { BYTES_PER_VALUE, macsFormula, type CostKind } from '../core/costs';
import type { ConventionTotals } from '../core/conventions';
import type { BudgetFigures } from '../core/analysis';
import type { Severity } from '../core/diagnostics';
import { estimates, fitBudget, type Estimates, type BudgetFit } from '../core/estimates';
import { targetRidge } from '../core/targets';
import { LineIndex } from '../core/lineIndex';
import type { DocumentAnalysis } from '../engine/analyzeSource';

export interface ReportLayer {
  name: string;
  op: string;
  kind: CostKind;
  line: number;
  output: [number, number, number] | null;
  macs: number;
  params: number;
  otherOps: number;
  activations: number;
  /** Memory at fp32 (4 bytes per element): the layer's output and its weights. */
  activationBytes: number;
  weightBytes: number;
  /** Share of total MACs, in percent. */
  share: number;
  formula?: string;
  /** With a target: estimated latency in ms on it (0 when fused into the layer before or a view), null when it cannot be estimated. */
  latencyMs?: number | null;
  /** With a target: what bounds the layer's estimate, or that it runs inside another layer's kernel or is a view. */
  latencyBound?: 'compute' | 'memory' | 'overhead' | 'fused' | 'view';
  /** False when the layer has no figures: its op is unknown or its input shape is (its MACs and params are not 0, they are unknown). */
  counted?: false;
}

/** A layer the analysis could not cost (an unknown op), for `missing`. */
export interface MissingLayer {
  name: string;
  op: string;
  line: number;
}

export interface ReportDiagnostic {
  code: string;
  severity: Severity;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export interface Report {
  file: string;
  format: string;
  network: string;
  input: [number, number, number] | null;
  batch: number;
  width: number;
  complete: boolean;
  /** The layers that could not be costed; empty when `complete`, or when shape errors (not unknown ops) made it incomplete. */
  missing: MissingLayer[];
  /** How many layers have figures (a known output shape), of how many. */
  coverage: { counted: number; total: number };
  totals: {
    macs: number;
    flops: number;
    params: number;
    otherOps: number;
    /** The sum of every layer's output elements (all activations, not what is live at once) and its fp32 bytes. */
    activations: number;
    activationBytes: number;
    weightBytes: number;
    /** Peak live activation memory in bytes (docs/counting.md#peak-activation-memory); a lower bound when `peakActivation.complete` is false. */
    peakActivationBytes: number;
    /** With a target: the estimated latency in ms (a lower bound when `target.complete` is false). */
    latencyMs?: number;
  };
  /** Where the peak activation memory is reached, what is live there, and at which precision and batch. */
  peakActivation: PeakActivation;
  /** The latency target the figures `latencyMs` are for (docs/latency.md). */
  target?: {
    id: string;
    summary: string;
    batch: number;
    complete: boolean;
    /** The target's ridge point in fp32 MACs per byte (core/targets.ts targetRidge): the roofline chart's line. */
    ridgeMacsPerByte: number;
  };
  byKind: Record<CostKind, { macs: number; params: number; share: number }>;
  layers: ReportLayer[];
  estimates: Estimates;
  budget?: BudgetFigures & { fit: BudgetFit };
  diagnostics: ReportDiagnostic[];
  /** Totals as another tool counts them (`--convention`); `available: false` when that convention is not implemented. */
  convention?: (ConventionTotals & { available: true }) | { convention: string; available: false };
}

export interface PeakActivation {
  bytes: number;
  elements: number;
  precision: 'fp32' | 'fp16' | 'int8';
  bytesPerElement: number;
  batch: number;
  /** The layer running at the peak and its 1-based line; absent for a network without layers. */
  layer?: string;
  line?: number;
  /** The buffers live at the peak: the layer that wrote each (`input`: the network input), its line (0 for the input) and size. */
  live: { name: string; line: number; shape: [number, number, number]; bytes: number }[];
  /** False when some layer has no shape: `bytes` is then a lower bound. */
  complete: boolean;
}

const share = (part: number, total: number) => (total > 0 ? Math.round((10000 * part) / total) / 100 : 0);

export function buildReport(doc: DocumentAnalysis, file: string, budgetOverride?: BudgetFigures): Report {
  const { analysis } = doc;
  const index = new LineIndex(doc.text);
  const t = analysis.totals;
  const memory = analysis.memory();
  const byKind = Object.fromEntries(
    Object.entries(analysis.byKind).map(([k, v]) => [k, { ...v, share: share(v.macs, t.macs) }]),
  ) as Report['byKind'];
  const graph = analysis.graph;
  const budget = { ...pickBudget(graph.budget), ...pickBudget(analysis.options.budget), ...pickBudget(budgetOverride) };
  const report: Report = {
    file,
    format: doc.frontEnd.id,
    network: graph.name,
    input: analysis.input,
    batch: graph.input.batch,
    width: graph.width.alpha,
    complete: analysis.complete,
    missing: analysis.layers
      .filter((l) => l.layer.op.kind === 'unknown')
      .map((l) => ({ name: l.layer.name, op: l.layer.opText, line: index.positionAt(l.layer.span.start).line + 1 })),
    coverage: { counted: analysis.layers.reduce((n, l) => (l.output ? n + 1 : n), 0), total: analysis.layers.length },
    totals: {
      macs: t.macs,
      flops: 2 * t.macs,
      params: t.params,
      otherOps: t.otherOps,
      activations: t.activations,
      activationBytes: BYTES_PER_VALUE * t.activations,
      weightBytes: BYTES_PER_VALUE * t.params,
      peakActivationBytes: memory.peakBytes,
    },
    peakActivation: peakActivation(doc, index),
    byKind,
    layers: analysis.layers.map((l) => {
      const f = l.inputs && l.output ? macsFormula(l.layer, l.inputs, l.output, graph.input.batch) : undefined;
      const row: ReportLayer = {
        name: l.layer.name,
        op: l.layer.opText,
        kind: l.kind,
        line: index.positionAt(l.layer.span.start).line + 1,
        output: l.output,
        macs: l.macs,
        params: l.params,
        otherOps: l.otherOps,
        activations: l.activations,
        activationBytes: BYTES_PER_VALUE * l.activations,
        weightBytes: BYTES_PER_VALUE * l.params,
        share: share(l.macs, t.macs),
      };
      if (f) row.formula = `${f.symbolic} = ${f.filled}`;
      if (!l.output) row.counted = false;
      return row;
    }),
    // Estimates of a network that is not fully costed would be partial figures: none are given.
    estimates: analysis.input && analysis.complete ? estimates(graph) : { width: [], resolution: [] },
    diagnostics: reportDiagnostics(doc, index),
  };
  const scales = analysis.input && analysis.complete ? doc.frontEnd.scaleEstimates?.(doc.parsed) : undefined;
  if (scales?.length) report.estimates.scales = scales;
  if (Object.keys(budget).length)
    report.budget = {
      ...budget,
      fit: analysis.input && (budget.macs !== undefined || budget.params !== undefined) ? fitBudget(graph, budget) : {},
    };
  const latency = analysis.latency();
  if (latency) {
    const t = latency.target;
    report.target = {
      id: t.id,
      summary: t.summary,
      batch: latency.batch,
      complete: latency.complete,
      ridgeMacsPerByte: targetRidge(t),
    };
    report.totals.latencyMs = latency.totalMs;
    latency.layers.forEach((l, i) => {
      const row = report.layers[i]!;
      row.latencyMs = l ? l.ms : null;
      if (l) row.latencyBound = l.runs === 'kernel' ? l.dominant : l.runs;
    });
  }
  return report;
}

function peakActivation(doc: DocumentAnalysis, index: LineIndex): PeakActivation {
  const { analysis } = doc;
  const m = analysis.memory();
  const lineOf = (layer: number) =>
    layer < 0 ? 0 : index.positionAt(analysis.layers[layer]!.layer.span.start).line + 1;
  const out: PeakActivation = {
    bytes: m.peakBytes,
    elements: m.peakElements,
    precision: m.precision,
    bytesPerElement: m.bytesPerElement,
    batch: m.batch,
    live: m.live.map((t) => ({ name: t.name, line: lineOf(t.layer), shape: t.shape, bytes: t.bytes })),
    complete: m.complete,
  };
  if (m.at >= 0) {
    out.layer = analysis.layers[m.at]!.layer.name;
    out.line = lineOf(m.at);
  }
  return out;
}

function pickBudget(b: BudgetFigures | undefined): BudgetFigures {
  const out: BudgetFigures = {};
  if (b?.macs !== undefined) out.macs = b.macs;
  if (b?.params !== undefined) out.params = b.params;
  if (b?.latencyMs !== undefined) out.latencyMs = b.latencyMs;
  if (b?.activationBytes !== undefined) out.activationBytes = b.activationBytes;
  return out;
}

/** The document's diagnostics with 1-based line/column ranges (end exclusive), for every output. */
export function reportDiagnostics(doc: DocumentAnalysis, index = new LineIndex(doc.text)): ReportDiagnostic[] {
  return doc.diagnostics.map((d) => {
    const s = index.positionAt(d.span.start);
    const e = index.positionAt(d.span.end);
    return {
      code: d.code,
      severity: d.severity,
      line: s.line + 1,
      column: s.character + 1,
      endLine: e.line + 1,
      endColumn: e.character + 1,
      message: d.message,
    };
  });
}
