// What-if estimates: totals under other width multipliers (α) and input sides (ρ), and,
// for a budget, the largest α and the largest input side that fit it. Each estimate is a
// full shape + cost pass with the override, so it is exact, not a ρ²/α² approximation.
import { computeTotals } from './costs';
import type { Graph } from './ir';

export const WIDTH_STEPS = [1, 0.75, 0.5, 0.25] as const;
export const RESOLUTION_STEPS = [1, 6 / 7, 5 / 7, 4 / 7] as const;

/** The exact totals of one (α, input side) variant of a network. */
export interface EstimateCell {
  alpha: number;
  side: number;
  macs: number;
  params: number;
  /** False when some layer's shape is unknown at this variant, so the totals leave it out. */
  complete: boolean;
}

export interface WidthEstimate {
  alpha: number;
  macs: number;
  params: number;
}

export interface ResolutionEstimate {
  input: number;
  macs: number;
  params: number;
}

/** Totals of one named variant of a model file (an Ultralytics scale: n, s, m, l, x). */
export interface ScaleEstimate {
  scale: string;
  macs: number;
  params: number;
  complete: boolean;
}

export interface Estimates {
  width: WidthEstimate[];
  resolution: ResolutionEstimate[];
  /** Per-variant totals, for formats whose files define several (Ultralytics scales). */
  scales?: ScaleEstimate[];
}

/** The input side the file runs at: its `resolution`, else the input height. */
export function baseSide(graph: Graph): number {
  return graph.resolution?.side ?? graph.input.h;
}

/** Totals at width α and, when given, an input side overriding H and W (else the file's own input). */
export function estimateAt(
  graph: Graph,
  alpha: number,
  side?: number,
): { macs: number; params: number; complete: boolean } {
  return computeTotals(graph, side === undefined ? { alpha } : { alpha, side });
}

type At = typeof estimateAt;

/**
 * estimateAt, each (α, side) computed once per call of estimates() (the side-step probes and
 * the ρ steps often coincide). `known` is the file's own analysis: α and side as written.
 */
function memoAt(known?: { macs: number; params: number; complete: boolean }): At {
  const seen = new Map<string, ReturnType<At>>();
  return (graph, alpha, side) => {
    const key = `${alpha}@${side ?? 'file'}`;
    let hit = seen.get(key);
    if (!hit) {
      const asWritten =
        side === undefined ||
        (side === baseSide(graph) && (graph.resolution !== undefined || graph.input.h === graph.input.w));
      hit = known && alpha === graph.width.alpha && asWritten ? known : estimateAt(graph, alpha, side);
      seen.set(key, hit);
    }
    return hit;
  };
}

function strip({ macs, params }: { macs: number; params: number }) {
  return { macs, params };
}

/**
 * The input-side granularity the network needs: 1 when the sides probed (one below the
 * current and the ρ steps) all analyse, else the smallest power of two (up to 64) whose
 * multiples do, as for detectors that concatenate upsampled maps with earlier ones (YOLO: 32).
 */
export function sideStep(graph: Graph, at: At = estimateAt): number {
  const side = baseSide(graph);
  const alpha = graph.width.alpha;
  for (const step of [1, 2, 4, 8, 16, 32, 64]) {
    const probes = [side - step, ...RESOLUTION_STEPS.slice(1).map((r) => Math.round((side * r) / step) * step)].filter(
      (s) => s > 0,
    );
    if (probes.every((s) => at(graph, alpha, s).complete)) return step;
  }
  return 1;
}

/**
 * The input sides of the ρ steps (side × 1, 6/7, 5/7, 4/7): the file's own side, then each
 * smaller step rounded to the granularity the network needs, when the network analyses at
 * it, without repeats. A small input may leave fewer than four (never a side above the
 * file's, never one side twice).
 */
export function resolutionSides(graph: Graph, at: At = estimateAt): number[] {
  const side = baseSide(graph);
  const step = sideStep(graph, at);
  const sides = [side];
  for (const r of RESOLUTION_STEPS.slice(1)) {
    const s = Math.round((side * r) / step) * step;
    if (s > 0 && s < side && !sides.includes(s) && at(graph, graph.width.alpha, s).complete) sides.push(s);
  }
  return sides;
}

/** `known`: the totals of the file as written (α and input side unchanged), when the caller has them. */
export function estimates(
  graph: Graph,
  alphas: readonly number[] = WIDTH_STEPS,
  sides?: readonly number[],
  known?: { macs: number; params: number; complete: boolean },
): Estimates {
  const alpha = graph.width.alpha;
  const at = memoAt(known);
  const resolutionSidesList = sides ?? resolutionSides(graph, at);
  return {
    // A width at which the network does not analyse (a layer whose channels do not scale, such
    // as an attention block) has no exact figure: it is left out, never shown as a partial sum.
    width: alphas.filter((a) => at(graph, a).complete).map((a) => ({ alpha: a, ...strip(at(graph, a)) })),
    resolution: resolutionSidesList.map((s) => ({ input: s, ...strip(at(graph, alpha, s)) })),
  };
}

export interface BudgetFit {
  /** Largest α (in steps of 0.01, at most 1) whose cost fits, or undefined if none does. */
  alpha?: number;
  /** Largest input side (at most the current one) whose cost fits. */
  side?: number;
}

/** Cost grows with α and with the input side, so both are found by binary search. */
export function fitBudget(graph: Graph, budget: { macs?: number; params?: number }): BudgetFit {
  const fits = (c: { macs: number; params: number; complete: boolean }) =>
    c.complete &&
    (budget.macs === undefined || c.macs <= budget.macs) &&
    (budget.params === undefined || c.params <= budget.params);
  const side = baseSide(graph);
  const fit: BudgetFit = {};
  let lo = 0,
    hi = 100; // α = k/100
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fits(estimateAt(graph, mid / 100))) lo = mid;
    else hi = mid - 1;
  }
  if (lo > 0) fit.alpha = lo / 100;
  // Parameters do not depend on the input side, so only a MACs budget can be met with ρ.
  if (budget.params === undefined || estimateAt(graph, graph.width.alpha).params <= budget.params) {
    const step = sideStep(graph);
    let a = 0,
      b = Math.floor(side / step);
    while (a < b) {
      const mid = (a + b + 1) >> 1;
      if (fits(estimateAt(graph, graph.width.alpha, mid * step))) a = mid;
      else b = mid - 1;
    }
    if (a > 0) fit.side = a * step;
  }
  return fit;
}
