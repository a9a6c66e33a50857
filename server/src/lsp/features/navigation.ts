// Go to definition, find references and rename, from the name occurrences the document's
// front-end reports (EditorSupport names, renameError); nothing for a format without them.
import type { Location, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { NameOccurrence } from '../../formats/types';
import { toRange, type FeatureDoc } from './context';

/** The document's name occurrences, once per version. */
export function nameOccurrences(doc: FeatureDoc): NameOccurrence[] {
  return doc.cached('names', () => doc.frontEnd.editor?.names?.(doc.parsed) ?? []);
}

function at(doc: FeatureDoc, pos: Position): { occ: NameOccurrence; all: NameOccurrence[] } | undefined {
  const all = nameOccurrences(doc);
  if (!all.length) return undefined;
  const offset = doc.lines.offsetAt(pos);
  const occ = all.find((o) => o.span.start <= offset && offset <= o.span.end);
  return occ ? { occ, all } : undefined;
}

const same = (a: NameOccurrence, b: NameOccurrence) => a.text === b.text && a.scope === b.scope;

export function definition(doc: FeatureDoc, pos: Position): Location[] {
  const hit = at(doc, pos);
  if (!hit) return [];
  return hit.all
    .filter((o) => o.def && same(o, hit.occ))
    .map((o) => ({ uri: doc.uri, range: toRange(doc.lines, o.span) }));
}

export function references(doc: FeatureDoc, pos: Position, includeDeclaration: boolean): Location[] {
  const hit = at(doc, pos);
  if (!hit) return [];
  return hit.all
    .filter((o) => same(o, hit.occ) && (includeDeclaration || !o.def))
    .map((o) => ({ uri: doc.uri, range: toRange(doc.lines, o.span) }));
}

export function prepareRename(doc: FeatureDoc, pos: Position): Range | null {
  const hit = at(doc, pos);
  return hit ? toRange(doc.lines, hit.occ.span) : null;
}

export type RenameResult = { edit: WorkspaceEdit } | { error: string };

export function rename(doc: FeatureDoc, pos: Position, newName: string): RenameResult | null {
  const hit = at(doc, pos);
  if (!hit) return null;
  const error = doc.frontEnd.editor?.renameError?.(doc.parsed, hit.occ, newName);
  if (error) return { error };
  const edits: TextEdit[] = hit.all
    .filter((o) => same(o, hit.occ))
    .map((o) => ({ range: toRange(doc.lines, o.span), newText: newName }));
  return { edit: { changes: { [doc.uri]: edits } } };
}
