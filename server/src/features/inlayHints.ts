// Inlay hints: the output shape of each line's statement (for a repeat, its last
// iteration; for a block invocation, the block's output) after the end of the line.
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { fmt } from '../core/shapes';
import type { Shape } from '../core/ir';
import type { FeatureDoc } from './context';

export function inlayHints(doc: FeatureDoc, range: Range): InlayHint[] {
  if (!doc.settings.inlayHints.enable) return [];
  // Every line's hint is computed once per version; a request takes those in its range.
  const all = doc.cached('inlayHints', () => allHints(doc));
  let lo = 0, hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid]!.position.line < range.start.line) lo = mid + 1;
    else hi = mid;
  }
  const out: InlayHint[] = [];
  for (let i = lo; i < all.length && all[i]!.position.line <= range.end.line; i++) out.push(all[i]!);
  return out;
}

function allHints(doc: FeatureDoc): InlayHint[] {
  // Layers are in topological order, so the last one seen on a line is that line's output.
  const byLine = new Map<number, Shape>();
  for (const l of doc.analysis.layers) {
    if (!l.output) continue;
    byLine.set(doc.lines.lineAt(l.layer.statement.end), l.output);
    if (l.layer.site !== l.layer.span) byLine.set(doc.lines.lineAt(l.layer.site.end), l.output);
  }
  const hints: InlayHint[] = [];
  for (const [line, shape] of byLine) {
    const lineText = doc.text.slice(doc.lines.lineStart(line), doc.lines.lineEnd(line));
    const hash = lineText.indexOf('#');
    const end = (hash >= 0 ? lineText.slice(0, hash) : lineText).trimEnd().length;
    hints.push({ position: { line, character: end }, label: `→ ${fmt(shape)}`, kind: InlayHintKind.Type, paddingLeft: true });
  }
  return hints.sort((a, b) => a.position.line - b.position.line);
}
