// Inlay hints: the output shape of each line's statement (for a repeat, its last
// iteration; for a block invocation, the block's output) after the end of the line.
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { fmt } from '../../core/shapes';
import type { FeatureDoc } from './context';

export function inlayHints(doc: FeatureDoc, range: Range): InlayHint[] {
  if (!doc.settings.inlayHints.enable) return [];
  // Which layer's output each line shows is worked out once per version, in one typed array;
  // a request builds hints for the lines of its range only.
  const shown = doc.cached('inlayHintLines', () => layerPerLine(doc));
  const out: InlayHint[] = [];
  const last = Math.min(range.end.line, shown.length - 1);
  for (let line = Math.max(0, range.start.line); line <= last; line++) {
    const i = shown[line]!;
    if (i < 0) continue;
    const lineText = doc.text.slice(doc.lines.lineStart(line), doc.lines.lineEnd(line));
    const hash = lineText.indexOf('#');
    const end = (hash >= 0 ? lineText.slice(0, hash) : lineText).trimEnd().length;
    out.push({
      position: { line, character: end },
      label: `→ ${fmt(doc.analysis.layers[i]!.output!)}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
    });
  }
  return out;
}

/** Per line, the layer whose output its hint shows (-1: none). Layers are in topological order, so the last one seen on a line is that line's output. */
function layerPerLine(doc: FeatureDoc): Int32Array {
  const shown = new Int32Array(doc.lines.lineCount).fill(-1);
  doc.analysis.layers.forEach((l, i) => {
    if (!l.output) return;
    shown[doc.lines.lineAt(l.layer.statement.end)] = i;
    if (l.layer.site !== l.layer.span) shown[doc.lines.lineAt(l.layer.site.end)] = i;
  });
  return shown;
}
