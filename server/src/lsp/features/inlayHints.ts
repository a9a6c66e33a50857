// Inlay hints: the output shape of each line's statement after the end of the line. A line
// that runs several times (a block body used twice, a repeat whose iterations change the
// shape) shows each distinct shape in order, up to MAX_SHAPES; a block invocation shows the
// block's output.
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { fmt } from '../../core/shapes';
import type { FeatureDoc } from './context';
import type { Span } from '../../core/ir';

/** Distinct shapes a hint lists before it says how many more there are. */
const MAX_SHAPES = 3;

export function inlayHints(doc: FeatureDoc, range: Range): InlayHint[] {
  if (!doc.settings.inlayHints.enable) return [];
  // Which layers' outputs each line shows is worked out once per version; a request builds
  // hints for the lines of its range only.
  const shown = doc.cached('inlayHintLines', () => layersPerLine(doc));
  const out: InlayHint[] = [];
  const last = Math.min(range.end.line, shown.first.length - 1);
  for (let line = Math.max(0, range.start.line); line <= last; line++) {
    const i = shown.first[line]!;
    if (i < 0) continue;
    const shapes = (shown.more.get(line) ?? [i]).map((k) => fmt(doc.analysis.layers[k]!.output!));
    const lineText = doc.text.slice(doc.lines.lineStart(line), doc.lines.lineEnd(line));
    const hash = lineText.indexOf('#');
    const end = (hash >= 0 ? lineText.slice(0, hash) : lineText).trimEnd().length;
    const listed = shapes.slice(0, MAX_SHAPES).join(', ');
    out.push({
      position: { line, character: end },
      label: `→ ${listed}${shapes.length > MAX_SHAPES ? `, … (${shapes.length} shapes)` : ''}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
    });
  }
  return out;
}

/**
 * Per line, the layer whose output its hint shows (`first`, -1: none) and, for lines that
 * run several times with different output shapes, every such layer in order (`more`). A
 * statement's output is its last layer in each run of consecutive layers from it; an
 * invocation's, the last layer of each run inside it.
 */
function layersPerLine(doc: FeatureDoc): { first: Int32Array; more: Map<number, number[]> } {
  const first = new Int32Array(doc.lines.lineCount).fill(-1);
  const more = new Map<number, number[]>();
  const layers = doc.analysis.layers;
  const add = (line: number, i: number) => {
    const k = first[line]!;
    if (k < 0) {
      first[line] = i;
      return;
    }
    const list = more.get(line) ?? [k];
    if (!list.some((j) => sameShape(layers[j]!.output!, layers[i]!.output!))) {
      list.push(i);
      more.set(line, list);
    }
  };
  layers.forEach((l, i) => {
    if (!l.output) return;
    const { statement, site, span } = l.layer;
    const next = layers[i + 1]?.layer;
    const sameSite = !!next && sameSpan(next.site, site);
    if (!sameSite || !sameSpan(next.statement, statement)) add(doc.lines.lineAt(statement.end), i);
    if (!sameSpan(site, span) && !sameSite) add(doc.lines.lineAt(site.end), i);
  });
  return { first, more };
}

const sameSpan = (a: Span, b: Span) => a.start === b.start && a.end === b.end;
const sameShape = (a: readonly number[], b: readonly number[]) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
