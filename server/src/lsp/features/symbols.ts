// Document symbols (outline) and folding ranges: the document front-end's own (EditorSupport
// outline, folds) when it has them, otherwise one symbol and fold per statement of the IR
// (a Caffe layer block, a Darknet section, an Ultralytics row); runs of comment lines fold
// in every format.
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import type { Span } from '../../core/ir';
import { fmt } from '../../core/shapes';
import { singleLine } from '../../core/safeText';
import type { FoldSpan, OutlineEntry } from '../../formats/types';
import type { LayerResult } from '../../core/costs';
import { toRange, type FeatureDoc } from './context';

/**
 * The output of the last layer whose statement is this layer statement. Statement spans do
 * not nest, so the last output per statement start, collected in one pass, answers it.
 */
function outputOf(doc: FeatureDoc, span: Span): string | undefined {
  const last = doc.cached('statementOutputs', () => {
    const m = new Map<number, LayerResult>();
    for (const l of doc.analysis.layers) if (l.output) m.set(l.layer.statement.start, l);
    return m;
  });
  const l = last.get(span.start);
  return l && l.layer.statement.end <= span.end ? fmt(l.output!) : undefined;
}

const SYMBOL_KINDS: Record<OutlineEntry['kind'], SymbolKind> = {
  header: SymbolKind.Property,
  layer: SymbolKind.Variable,
  repeat: SymbolKind.Namespace,
  block: SymbolKind.Function,
};

function toSymbol(doc: FeatureDoc, e: OutlineEntry): DocumentSymbol {
  const symbol: DocumentSymbol = {
    name: e.name,
    kind: SYMBOL_KINDS[e.kind],
    range: toRange(doc.lines, e.span),
    selectionRange: toRange(doc.lines, e.selection),
  };
  if (e.detail !== undefined) symbol.detail = e.detail;
  if (e.children) symbol.children = e.children.map((c) => toSymbol(doc, c));
  return symbol;
}

export function documentSymbols(doc: FeatureDoc): DocumentSymbol[] {
  const outline = doc.frontEnd.editor?.outline;
  if (outline)
    return outline(doc.parsed, doc.text, (statement) => outputOf(doc, statement)).map((e) => toSymbol(doc, e));
  const out: DocumentSymbol[] = [];
  for (const l of statementLayers(doc))
    out.push({
      name: singleLine(l.layer.name),
      detail: `${singleLine(l.layer.opText)}${l.output ? ` → ${fmt(l.output)}` : ''}`,
      kind: SymbolKind.Field,
      range: toRange(doc.lines, l.layer.statement),
      selectionRange: toRange(doc.lines, l.layer.span),
    });
  return out;
}

/** The first layer of each IR statement. */
function statementLayers(doc: FeatureDoc): LayerResult[] {
  const seen = new Set<number>();
  return doc.analysis.layers.filter((l) => {
    if (seen.has(l.layer.statement.start)) return false;
    seen.add(l.layer.statement.start);
    return true;
  });
}

export function foldingRanges(doc: FeatureDoc): FoldingRange[] {
  const folds: FoldSpan[] =
    doc.frontEnd.editor?.folds?.(doc.parsed) ??
    statementLayers(doc).map((l) => ({ span: l.layer.statement, keepLastLine: false }));
  const out: FoldingRange[] = [];
  for (const f of folds) {
    const a = doc.lines.positionAt(f.span.start).line;
    const b = doc.lines.positionAt(f.span.end).line;
    if (b > a) out.push({ startLine: a, endLine: f.keepLastLine ? b - 1 : b, kind: FoldingRangeKind.Region });
  }
  // Runs of comment lines fold too.
  let start = -1;
  for (let line = 0; line <= doc.lines.lineCount; line++) {
    const isComment =
      line < doc.lines.lineCount && /^\s*[#;]/.test(doc.text.slice(doc.lines.lineStart(line), doc.lines.lineEnd(line)));
    if (isComment && start < 0) start = line;
    if (!isComment && start >= 0) {
      if (line - 1 > start) out.push({ startLine: start, endLine: line - 1, kind: FoldingRangeKind.Comment });
      start = -1;
    }
  }
  return out;
}
