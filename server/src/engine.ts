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
  const parsed = frontEnd.parse(text, fileName);
  const analysis = analyzeGraph(parsed.graph, text, parsed.diagnostics, options);
  const diagnostics = applySuppressions(text, applySeverities(analysis.diagnostics, options.severities));
  return { text, frontEnd, parsed, analysis, diagnostics };
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
