// Document symbols (outline) and folding ranges. For `.layers` they follow the syntax
// tree (blocks, repeats, named statements); for other formats, one symbol per statement
// of the IR (a Caffe layer block, a Darknet section, an Ultralytics row).
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import type { Span } from '../../core/ir';
import { fmt } from '../../core/shapes';
import { singleLine } from '../../core/safeText';
import type { LayersParsed } from '../../formats/layers';
import type { Stmt } from '../../formats/layers/ast';
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

export function documentSymbols(doc: FeatureDoc): DocumentSymbol[] {
  if (doc.frontEnd.id === 'layers')
    return (doc.parsed as LayersParsed).ast.statements.flatMap((s) => layersSymbol(doc, s));
  const seen = new Set<number>();
  const out: DocumentSymbol[] = [];
  for (const l of doc.analysis.layers) {
    if (seen.has(l.layer.statement.start)) continue;
    seen.add(l.layer.statement.start);
    out.push({
      name: singleLine(l.layer.name),
      detail: `${singleLine(l.layer.opText)}${l.output ? ` → ${fmt(l.output)}` : ''}`,
      kind: SymbolKind.Field,
      range: toRange(doc.lines, l.layer.statement),
      selectionRange: toRange(doc.lines, l.layer.span),
    });
  }
  return out;
}

function layersSymbol(doc: FeatureDoc, s: Stmt): DocumentSymbol[] {
  const range = toRange(doc.lines, s.span);
  switch (s.kind) {
    case 'directive':
      return s.keyword.text === 'network' || s.keyword.text === 'input'
        ? [
            {
              name: doc.text.slice(s.span.start, s.span.end),
              kind: SymbolKind.Property,
              range,
              selectionRange: toRange(doc.lines, s.keyword.span),
            },
          ]
        : [];
    case 'layer': {
      if (!s.name) return [];
      const out = outputOf(doc, s.span);
      return [
        {
          name: s.name.text,
          detail: `${s.chain.map((o) => o.keyword.text).join(' | ')}${out ? ` → ${out}` : ''}`,
          kind: SymbolKind.Variable,
          range,
          selectionRange: toRange(doc.lines, s.name.span),
        },
      ];
    }
    case 'repeat': {
      const children = (s.body ?? (s.chain ? [s.chain] : [])).flatMap((c) => layersSymbol(doc, c));
      return [
        {
          name: `repeat ${s.count.text}`,
          kind: SymbolKind.Namespace,
          range,
          selectionRange: toRange(doc.lines, s.keyword.span),
          children,
        },
      ];
    }
    case 'block':
      return [
        {
          name: s.name.text,
          detail: `block(${s.params.map((p) => p.name.text).join(', ')})`,
          kind: SymbolKind.Function,
          range,
          selectionRange: toRange(doc.lines, s.name.span),
          children: s.body.flatMap((c) => layersSymbol(doc, c)),
        },
      ];
  }
}

export function foldingRanges(doc: FeatureDoc): FoldingRange[] {
  const spans: Span[] = [];
  if (doc.frontEnd.id === 'layers') {
    const walk = (stmts: Stmt[]) => {
      for (const s of stmts) {
        if (s.kind === 'block' || (s.kind === 'repeat' && s.body)) {
          spans.push(s.span);
          walk(s.kind === 'block' ? s.body : s.body!);
        }
      }
    };
    walk((doc.parsed as LayersParsed).ast.statements);
  } else {
    const seen = new Set<number>();
    for (const l of doc.analysis.layers)
      if (!seen.has(l.layer.statement.start)) {
        seen.add(l.layer.statement.start);
        spans.push(l.layer.statement);
      }
  }
  const out: FoldingRange[] = [];
  for (const s of spans) {
    const a = doc.lines.positionAt(s.start).line;
    const b = doc.lines.positionAt(s.end).line;
    if (b > a)
      out.push({ startLine: a, endLine: doc.frontEnd.id === 'layers' ? b - 1 : b, kind: FoldingRangeKind.Region });
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
