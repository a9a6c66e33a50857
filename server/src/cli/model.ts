// The data the CLI's commands hand to its output renderers (cli/output/*) that is not the
// report model itself: the estimate grid.
export interface EstimateCell {
  alpha: number;
  side: number;
  macs: number;
  params: number;
  complete: boolean;
  /** With a target: the estimated latency in ms (docs/latency.md). */
  latencyMs?: number;
}

export interface EstimateGrid {
  file: string;
  network: string;
  base: { alpha: number; side: number };
  widths: number[];
  sides: number[];
  cells: EstimateCell[];
  /** The latency target of the cells' `latencyMs`. */
  target?: string;
}
