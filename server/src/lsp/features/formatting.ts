// Document formatting: the edits the document's front-end offers (EditorSupport
// formatEdits) as LSP text edits; none for a format without them.
import type { TextEdit } from 'vscode-languageserver';
import { toRange, type FeatureDoc } from './context';

export function formatDocument(doc: FeatureDoc): TextEdit[] {
  const edits = doc.frontEnd.editor?.formatEdits?.(doc.parsed, doc.text) ?? [];
  return edits.map((e) => ({ range: toRange(doc.lines, e.span), newText: e.newText }));
}
