// Code actions. Quick fixes match on the diagnostic's code and typed data, never on its
// message: rewrite a conv as depthwise + pointwise (preferred), suppress a rule on a line,
// set α or ρ to fit a budget. Source action `source.fixAll.layerlint` rewrites every
// candidate. Refactors on the network line set α or ρ.
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { DiagnosticData } from '../../core/diagnostics';
import { eolOf, type TextEdit } from '../../formats/types';
import { separableFixEdits } from '../../engine/fixes';
import { toRange, type FeatureDoc } from './context';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.layerlint`;

export function toWorkspaceEdit(doc: FeatureDoc, edits: TextEdit[]): WorkspaceEdit {
  const lsp: LspTextEdit[] = edits.map((e) => ({ range: toRange(doc.lines, e.span), newText: e.newText }));
  return { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: lsp }] };
}

function wants(params: CodeActionParams, kind: string): boolean {
  const only = params.context.only;
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

export function codeActions(doc: FeatureDoc, params: CodeActionParams): CodeAction[] {
  const actions: CodeAction[] = [];
  const fe = doc.frontEnd;
  for (const diag of params.context.diagnostics) {
    if (diag.source !== 'layerlint' || typeof diag.code !== 'string') continue;
    const data = diag.data as DiagnosticData | undefined;
    if (wants(params, CodeActionKind.QuickFix)) {
      if (diag.code === 'separable-conv' && data?.kind === 'separable') {
        // Kept with the version: clients ask again on every cursor move over the line.
        const layer = data.layer;
        const edits = doc.cached(`separableEdits:${layer}`, () =>
          fe.separableEdits(doc.parsed, doc.analysis, layer, doc.text),
        );
        if (edits)
          actions.push({
            title: `Make depthwise-separable (saves ${(data.macs - data.separableMacs).toLocaleString('en-US')} MACs)`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diag],
            isPreferred: true,
            edit: toWorkspaceEdit(doc, edits),
          });
      }
      if (diag.code === 'over-budget' && data?.kind === 'budget') {
        if (data.alpha !== undefined)
          actions.push({
            title: `Set width multiplier to ${data.alpha} (fits the budget)`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diag],
            edit: toWorkspaceEdit(doc, fe.widthEdits(doc.parsed, doc.text, data.alpha)),
          });
        if (data.side !== undefined)
          actions.push({
            title: `Set input resolution to ${data.side} (fits the budget)`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diag],
            edit: toWorkspaceEdit(doc, fe.resolutionEdits(doc.parsed, doc.text, data.side)),
          });
      }
      if (diag.code !== 'syntax-error') actions.push(suppressAction(doc, diag));
    }
  }
  if (wants(params, FIX_ALL_KIND) && params.context.only?.some((k) => k.startsWith(CodeActionKind.Source))) {
    const edits = separableFixEdits(doc);
    if (edits.length)
      actions.push({
        title: 'Rewrite every candidate conv as depthwise-separable',
        kind: FIX_ALL_KIND,
        edit: toWorkspaceEdit(doc, edits),
      });
  }
  if (wants(params, CodeActionKind.RefactorRewrite)) actions.push(...networkRefactors(doc, params));
  return actions;
}

function suppressAction(doc: FeatureDoc, diag: Diagnostic): CodeAction {
  const line = diag.range.start.line;
  const start = doc.lines.lineStart(line);
  const indent = /^[ \t]*/.exec(doc.text.slice(start, doc.lines.lineEnd(line)))![0];
  const eol = eolOf(doc.text);
  return {
    title: `Disable ${diag.code} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    edit: toWorkspaceEdit(doc, [
      { span: { start, end: start }, newText: `${indent}# layerlint-disable-next-line ${diag.code}${eol}` },
    ]),
  };
}

function networkRefactors(doc: FeatureDoc, params: CodeActionParams): CodeAction[] {
  const g = doc.analysis.graph;
  const offset = doc.lines.offsetAt(params.range.start);
  const onHeader = [g.nameSpan, g.input.span, g.width.span, g.resolution?.span].some(
    (s) => s && s.start <= offset && offset <= s.end,
  );
  if (!onHeader || !doc.analysis.input) return [];
  const est = doc.estimates();
  const out: CodeAction[] = [];
  for (const w of est.width) {
    if (w.alpha === g.width.alpha) continue;
    const edits = doc.frontEnd.widthEdits(doc.parsed, doc.text, w.alpha);
    if (edits.length)
      out.push({
        title: `Set width multiplier α = ${w.alpha} (${w.macs.toLocaleString('en-US')} MACs)`,
        kind: CodeActionKind.RefactorRewrite,
        edit: toWorkspaceEdit(doc, edits),
      });
  }
  for (const r of est.resolution) {
    if (r.input === doc.analysis.input[0]) continue;
    const edits = doc.frontEnd.resolutionEdits(doc.parsed, doc.text, r.input);
    if (edits.length)
      out.push({
        title: `Set input resolution ρ = ${r.input} (${r.macs.toLocaleString('en-US')} MACs)`,
        kind: CodeActionKind.RefactorRewrite,
        edit: toWorkspaceEdit(doc, edits),
      });
  }
  return out;
}
