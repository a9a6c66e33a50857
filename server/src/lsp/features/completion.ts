// Completion and signature help: what the document's front-end offers (EditorSupport
// completions, signatureHelp; given the built-in and configured latency targets), converted
// to LSP items; nothing for a format without them.
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
  type SignatureHelp,
} from 'vscode-languageserver';
import { TARGETS } from '../../core/targets';
import type { CompletionEntry } from '../../formats/types';
import type { FeatureDoc } from './context';

const KINDS: Record<CompletionEntry['kind'], CompletionItemKind> = {
  op: CompletionItemKind.Function,
  block: CompletionItemKind.Class,
  directive: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  layer: CompletionItemKind.Reference,
  value: CompletionItemKind.EnumMember,
  option: CompletionItemKind.Property,
};

function toItem(e: CompletionEntry): CompletionItem {
  const item: CompletionItem = { label: e.label, kind: KINDS[e.kind] };
  if (e.detail !== undefined) item.detail = e.detail;
  if (e.markdown !== undefined) item.documentation = { kind: MarkupKind.Markdown, value: e.markdown };
  else if (e.documentation !== undefined) item.documentation = e.documentation;
  if (e.snippet !== undefined) {
    item.insertText = e.snippet;
    item.insertTextFormat = InsertTextFormat.Snippet;
  }
  if (e.retrigger) item.command = { title: 'suggest', command: 'editor.action.triggerSuggest' };
  return item;
}

export function completion(doc: FeatureDoc, pos: Position): CompletionItem[] {
  const targets = [...TARGETS, ...(doc.analysis.options.profiles ?? [])];
  const entries = doc.frontEnd.editor?.completions?.(doc.parsed, doc.text, doc.lines.offsetAt(pos), targets) ?? [];
  return entries.map(toItem);
}

export function signatureHelp(doc: FeatureDoc, pos: Position): SignatureHelp | null {
  const s = doc.frontEnd.editor?.signatureHelp?.(doc.parsed, doc.text, doc.lines.offsetAt(pos));
  if (!s) return null;
  return {
    signatures: [{ label: s.label, documentation: s.documentation, parameters: s.parameters }],
    activeSignature: 0,
    activeParameter: s.activeParameter,
  };
}
