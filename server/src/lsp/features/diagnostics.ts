// Engine diagnostics → LSP diagnostics: range through the line index, stable `code`, a
// `codeDescription` link into docs/rules.md, and the typed `data` quick fixes match on.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { ruleDocUrl, type EngineDiagnostic, type Severity } from '../../core/diagnostics';
import { toRange, type FeatureDoc } from './context';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(doc: FeatureDoc, d: EngineDiagnostic): Diagnostic {
  const out: Diagnostic = {
    range: toRange(doc.lines, d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: ruleDocUrl(d.code) },
    source: 'layerlint',
    message: d.message,
  };
  if (d.code === 'bias-before-bn') out.tags = [DiagnosticTag.Unnecessary];
  if (d.data) out.data = d.data;
  return out;
}

export function diagnostics(doc: FeatureDoc): Diagnostic[] {
  return doc.diagnostics.map((d) => toLspDiagnostic(doc, d));
}
