// The one entry point the server, the CLI and the browser build share: text + file name +
// options → parsed front-end result and analysis. Also applies rule severities and inline
// suppression comments, which are the same for every format.
import { analyzeGraph, type Analysis, type AnalysisOptions } from './core/analyze';
import type { Code, EngineDiagnostic, Severity } from './core/diagnostics';
import { applySuppressions } from './core/suppressions';
import { detectFrontEnd, frontEndFor } from './formats';
import type { FrontEnd, Parsed } from './formats/types';
import type { FormatId } from './core/ir';

export interface EngineOptions extends AnalysisOptions {
  format?: FormatId;
  /** Per-code severity overrides; 'off' drops the code. */
  severities?: Partial<Record<Code, Severity | 'off'>>;
  /** A budget for files whose own `budget` directive leaves a metric unset (configuration); `budget` overrides both. */
  defaultBudget?: { macs?: number; params?: number };
}

export interface DocumentAnalysis {
  text: string;
  frontEnd: FrontEnd;
  parsed: Parsed;
  analysis: Analysis;
  /** After severities and suppressions: what to show the user. */
  diagnostics: EngineDiagnostic[];
}

export function analyzeSource(text: string, fileName: string, options: EngineOptions = {}): DocumentAnalysis {
  const frontEnd = (options.format && frontEndFor(options.format)) || detectFrontEnd(fileName, text);
  const parsed = frontEnd.parse(text);
  const analysis = analyzeGraph(parsed.graph, text, parsed.diagnostics, withDefaultBudget(options, parsed.graph.budget));
  const diagnostics = applySuppressions(text, applySeverities(analysis.diagnostics, options.severities));
  return { text, frontEnd, parsed, analysis, diagnostics };
}

/** Folds `defaultBudget` into `budget`, below the file's own budget line and above nothing. */
function withDefaultBudget(options: EngineOptions, own: { macs?: number; params?: number } | undefined): EngineOptions {
  const d = options.defaultBudget;
  if (!d) return options;
  const budget = { ...options.budget };
  if (d.macs !== undefined && own?.macs === undefined && budget.macs === undefined) budget.macs = d.macs;
  if (d.params !== undefined && own?.params === undefined && budget.params === undefined) budget.params = d.params;
  return { ...options, budget };
}

export function applySeverities(diags: EngineDiagnostic[], severities: EngineOptions['severities']): EngineDiagnostic[] {
  if (!severities) return diags;
  const out: EngineDiagnostic[] = [];
  for (const d of diags) {
    const s = severities[d.code];
    if (s === 'off') continue;
    out.push(s ? { ...d, severity: s } : d);
  }
  return out;
}
