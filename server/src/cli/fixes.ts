// Fix-all: every depthwise-separable rewrite the diagnostics offer, as one set of edits
// printed by the document's own front-end. Shared by the CLI and the language server.
import type { DocumentAnalysis } from '../engine';
import type { TextEdit } from '../formats/types';

export function separableFixEdits(doc: DocumentAnalysis): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const d of doc.diagnostics) {
    if (d.code !== 'separable-conv' || d.data?.kind !== 'separable') continue;
    const e = doc.frontEnd.separableEdits(doc.parsed, doc.analysis, d.data.layer, doc.text);
    if (e) edits.push(...e);
  }
  return edits;
}
