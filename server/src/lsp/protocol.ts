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

/**
 * Client → server: the report (with extras) of a binary model file (.onnx, .keras) the client
 * read, for the read-only model editor; null when `data` is not base64 or too large.
 */
export const MODEL_REPORT_REQUEST = 'layerlint/modelReport';
export interface ModelReportParams {
  /** The file name (its extension picks the format). */
  name: string;
  /** The file's bytes, base64 (a client whose server cannot read the file: the web). */
  data?: string;
  /**
   * The file's `file:` URI, for a server that reads files (Node): nothing crosses the
   * connection but the name, and the model's companion files (weight shards, external data)
   * are read from its folder. The answer is null when the server cannot read it.
   */
  uri?: string;
}
/** The largest model file the client sends for a report. */
export const MAX_MODEL_REPORT_BYTES = 256 * 1024 * 1024;

/** Commands the server executes (workspace/executeCommand). */
export const COMMANDS = {
  applySeparable: 'layerlint.applySeparable',
  setWidth: 'layerlint.setWidth',
  setResolution: 'layerlint.setResolution',
  /** Measure the document on this machine (arguments: [uri]); only where the server can (not in the browser). */
  bench: 'layerlint.bench',
} as const;
