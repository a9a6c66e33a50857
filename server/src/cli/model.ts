// The data the CLI's commands hand to its output renderers (cli/output/*) that is not the
// report model itself: the estimate grid.
import type { EstimateCell } from '../core/estimates';

export interface EstimateGrid {
  file: string;
  network: string;
  base: { alpha: number; side: number };
  widths: number[];
  sides: number[];
  cells: EstimateCell[];
}
