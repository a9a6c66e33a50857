// Fix-all: every depthwise-separable rewrite the diagnostics offer, as one set of edits
// printed by the document's own front-end. Shared by the CLI and the language server.
import type { DocumentAnalysis } from './analyzeSource';
import type { TextEdit } from '../formats/types';

export function separableFixEdits(doc: DocumentAnalysis): TextEdit[] {
  const edits: TextEdit[] = [];
  const layers: number[] = [];
  for (const d of doc.findings)
    if (d.code === 'separable-conv' && d.data?.kind === 'separable') layers.push(d.data.layer);
  if (doc.frontEnd.separableEditsAll) return doc.frontEnd.separableEditsAll(doc.parsed, doc.analysis, layers, doc.text);
  for (const layer of layers) {
    const e = doc.frontEnd.separableEdits(doc.parsed, doc.analysis, layer, doc.text);
    if (e) edits.push(...e);
  }
  return edits;
}
