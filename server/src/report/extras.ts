// What the visual report shows beyond the Report (report.ts): the α × ρ grid of totals,
// each weighted layer's memory traffic and arithmetic intensity, and the depthwise-separable
// candidates with their savings and layer index (for `layerlint.applySeparable`).
//
// Contract: pure function of one DocumentAnalysis; reads core results, never changes them.
// `traffic` is aligned with Report.layers (same order, same length: analysis.layers).
// Every figure is an exact integer except `intensity` (MACs per byte, a ratio).
import { estimateAt, resolutionSides, RESOLUTION_STEPS, WIDTH_STEPS, type EstimateCell } from '../core/estimates';
import { BYTES_PER_VALUE, WEIGHTED_OPS } from '../core/costs';
import { dscSavings } from '../core/rules/separableConv';
import type { DocumentAnalysis } from '../engine/analyzeSource';
import { LineIndex } from '../core/lineIndex';

export interface GridCell extends EstimateCell {
  /** Above the file's (or the override's) MACs or parameter budget. */
  overBudget: boolean;
}

export interface CostGrid {
  alphas: number[];
  /** ρ factors as fractions of the file's input side, and the sides they round to. */
  rhos: number[];
  sides: number[];
  /** cells[i][j]: α = alphas[i], input side = sides[j]. */
  cells: GridCell[][];
  /** The α and side the report itself was computed at. */
  current: { alpha: number; side: number };
  budget?: { macs?: number; params?: number };
}

export interface LayerTraffic {
  /** Elements read from the layer's inputs (whole batch). */
  inputElements: number;
  /** Elements written (whole batch). */
  outputElements: number;
  /** BYTES_PER_VALUE × (inputs + outputs + parameters). */
  bytes: number;
  /** MACs per byte moved. */
  intensity: number;
  /** For a 1x1 conv: the GEMM it is, rows × inner × columns (H·W·N × C_in × C_out). */
  gemm?: [number, number, number];
}

export interface SeparableCandidate {
  /** Graph layer index: the third argument of layerlint.applySeparable. */
  layer: number;
  name: string;
  /** 1-based line of the conv. */
  line: number;
  /** Every layer this op stands for (more than one inside `repeat` or a block), aligned with Report.layers. */
  layers: number[];
  macs: number;
  separableMacs: number;
  params: number;
  separableParams: number;
  ratio: number;
}

export interface ReportExtras {
  grid: CostGrid | null;
  /** Per Report.layers entry: traffic of a weighted layer (conv, dwconv, deconv, fc) with a known shape, else null. */
  traffic: (LayerTraffic | null)[];
  candidates: SeparableCandidate[];
  /** Per Report.layers entry: for a layer of a candidate, its index in `candidates` and the MACs of its own separable form. */
  separable: ({ candidate: number; separableMacs: number } | null)[];
}

export function reportExtras(doc: DocumentAnalysis, budgetOverride?: { macs?: number; params?: number }): ReportExtras {
  const { analysis } = doc;
  const graph = analysis.graph;
  const batch = graph.input.batch;

  let grid: CostGrid | null = null;
  if (analysis.input) {
    const sides = resolutionSides(graph);
    const b = { ...graph.budget, ...budgetOverride };
    const budget = b.macs !== undefined || b.params !== undefined ? { macs: b.macs, params: b.params } : undefined;
    const cells = WIDTH_STEPS.map((alpha) =>
      sides.map((side) => {
        const e = estimateAt(graph, alpha, side);
        const overBudget =
          !!budget &&
          ((budget.macs !== undefined && e.macs > budget.macs) ||
            (budget.params !== undefined && e.params > budget.params));
        return { alpha, side, macs: e.macs, params: e.params, complete: e.complete, overBudget };
      }),
    );
    grid = {
      alphas: [...WIDTH_STEPS],
      rhos: [...RESOLUTION_STEPS],
      sides,
      cells,
      current: { alpha: analysis.options.alpha ?? graph.width.alpha, side: analysis.input[0] },
    };
    if (budget) grid.budget = budget;
  }

  const traffic = analysis.layers.map((l): LayerTraffic | null => {
    if (!WEIGHTED_OPS.has(l.layer.op.kind) || !l.inputs || !l.output) return null;
    const inputElements = l.inputs.reduce((a, [h, w, c]) => a + h * w * c, 0) * batch;
    const outputElements = l.activations;
    const bytes = BYTES_PER_VALUE * (inputElements + outputElements + l.params);
    const t: LayerTraffic = { inputElements, outputElements, bytes, intensity: bytes > 0 ? l.macs / bytes : 0 };
    const op = l.layer.op;
    if (op.kind === 'conv' && l.kind === 'pointwise' && op.groups === 1) {
      const [h, w, cout] = l.output;
      t.gemm = [h * w * batch, l.inputs[0]![2], cout];
    }
    return t;
  });

  const lines = new LineIndex(doc.text);
  const candidates: SeparableCandidate[] = [];
  const separable: ReportExtras['separable'] = analysis.layers.map(() => null);
  for (const d of doc.diagnostics) {
    if (d.code !== 'separable-conv' || d.data?.kind !== 'separable') continue;
    const s = d.data;
    const layer = analysis.layers[s.layer]!.layer;
    const layers = analysis.layers.filter((l) => l.layer.span.start === layer.span.start);
    for (const l of layers) {
      const own = dscSavings(l, false, batch);
      if (own) separable[l.layer.index] = { candidate: candidates.length, separableMacs: own.separableMacs };
    }
    candidates.push({
      layer: s.layer,
      name: layer.name,
      line: lines.positionAt(d.span.start).line + 1,
      layers: layers.map((l) => l.layer.index),
      macs: s.macs,
      separableMacs: s.separableMacs,
      params: s.params,
      separableParams: s.separableParams,
      ratio: s.ratio,
    });
  }
  return { grid, traffic, candidates, separable };
}
