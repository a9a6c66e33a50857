// Custom protocol shared by the server and the VS Code client, and the settings shape.
// Anything another editor needs works with standard LSP alone; these are extras.
import type { Code, Severity } from '../core/diagnostics';
import type { RuleOptions } from '../core/rules/types';
import { TARGET_IDS } from '../core/targets';
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

export interface Settings {
  /** Per-code severity, or 'off'. */
  rules: Partial<Record<Code, Severity | 'off'>>;
  thresholds: Partial<RuleOptions>;
  codeLens: { enable: boolean; estimates: boolean };
  inlayHints: { enable: boolean };
  /** Milliseconds between the last edit and re-analysis. */
  debounceMs: number;
  /** Latency target (core/targets.ts) for files without a `target` line; overrides layerlint.json's. */
  target?: string;
}

export const DEFAULT_SETTINGS: Settings = {
  rules: {},
  thresholds: {},
  codeLens: { enable: true, estimates: true },
  inlayHints: { enable: true },
  debounceMs: 150,
};

/** Merges a (possibly partial or malformed) client settings object over the defaults. */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  const lens = obj(r.codeLens);
  const hints = obj(r.inlayHints);
  const rules: Settings['rules'] = {};
  for (const [k, v] of Object.entries(obj(r.rules)))
    if (['error', 'warning', 'info', 'hint', 'off'].includes(v as string)) rules[k as Code] = v as Severity | 'off';
  const thresholds: Partial<RuleOptions> = {};
  for (const [k, v] of Object.entries(obj(r.thresholds)))
    if (typeof v === 'number' && Number.isFinite(v)) (thresholds as Record<string, number>)[k] = v;
  const debounce =
    typeof r.debounceMs === 'number' && r.debounceMs >= 0 && r.debounceMs <= 10_000
      ? r.debounceMs
      : DEFAULT_SETTINGS.debounceMs;
  return {
    rules,
    thresholds,
    codeLens: { enable: bool(lens.enable, true), estimates: bool(lens.estimates, true) },
    inlayHints: { enable: bool(hints.enable, true) },
    debounceMs: debounce,
    ...(typeof r.target === 'string' && TARGET_IDS.includes(r.target) ? { target: r.target } : {}),
  };
}
