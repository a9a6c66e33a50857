// The data the CLI's commands hand to its output renderers (cli/output/*) that is not the
// report model itself: the estimate grid.
import type { EstimateCell } from '../core/estimates';

/** A grid cell, and with a target its estimated latency in ms (docs/latency.md). */
export type EstimateGridCell = EstimateCell & { latencyMs?: number };

export interface EstimateGrid {
  file: string;
  network: string;
  base: { alpha: number; side: number };
  widths: number[];
  sides: number[];
  cells: EstimateGridCell[];
  /** The latency target of the cells' `latencyMs`. */
  target?: string;
}
