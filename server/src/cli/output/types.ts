// The data the `check` output formats render: one entry per file with its diagnostics
// (1-based, end-exclusive ranges, after config severities and suppression comments) and a
// summary. Every check output (text, json, sarif, github, markdown) is a pure function of it.
import type { ReportDiagnostic } from '../../report/model';
import type { Severity } from '../../core/diagnostics';

export interface CheckFile {
  /** Relative to the working folder, forward slashes. */
  file: string;
  format: string;
  macs: number;
  params: number;
  complete: boolean;
  diagnostics: ReportDiagnostic[];
}

export type SeverityCounts = Record<Severity, number>;

export interface CheckResult {
  tool: { name: string; version: string };
  files: CheckFile[];
  summary: SeverityCounts & { files: number; filesWithProblems: number; failed: boolean };
}

export function countSeverities(diags: { severity: Severity }[]): SeverityCounts {
  const c: SeverityCounts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of diags) c[d.severity]++;
  return c;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
