// Custom protocol shared by the server and the VS Code client. Anything another editor
// needs works with standard LSP alone; these are extras. (The settings: ./settings.ts.)
import type { Report } from '../report/model';
import type { ReportExtras } from '../report/extras';

/** Server → client after each analysis: totals for the status bar. */
export const STATS_NOTIFICATION = 'layerlint/stats';
export interface StatsParams {
  uri: string;
  version: number;
  macs: number;
  params: number;
  complete: boolean;
  errors: number;
}

/** Client → server: the JSON report of a document (used by the cost report view), or null if it is not open. */
export const REPORT_REQUEST = 'layerlint/report';
export interface ReportParams {
  uri: string;
  /** Also send what the visual report draws beyond the Report (α × ρ grid, memory traffic, candidates). */
  extras?: boolean;
}
export type ReportResult = Report & { extras?: ReportExtras; version?: number };

/** Commands the server executes (workspace/executeCommand). */
export const COMMANDS = {
  applySeparable: 'layerlint.applySeparable',
  setWidth: 'layerlint.setWidth',
  setResolution: 'layerlint.setResolution',
} as const;
