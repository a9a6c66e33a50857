// Completion and signature help for `.layers`: op keywords and blocks at the start of a
// chain, directives at the start of a line, `key=` options after an op, layer names
// after `from=` and in merges, fixed values after `padding=`, `bias=` and `fixed=`.
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
  type SignatureHelp,
} from 'vscode-languageserver';
import type { LayersParsed } from '../../formats/layers';
import { lexLine } from '../../formats/layers/lexer';
import { OPS, type OpSpec } from '../../formats/layers/ops';
import { DIRECTIVES } from '../../formats/layers/parser';
import type { FeatureDoc } from './context';

const MERGES = new Set(['add', 'concat', 'mul']);
const VALUES: Record<string, string[]> = {
  padding: ['same', 'valid'],
  bias: ['true', 'false'],
  fixed: ['true', 'false'],
};

interface Cursor {
  /** Keyword of the op the cursor is in, if past it. */
  op?: string;
  /** Key before `=` when completing an option value. */
  key?: string;
  /** Index of the positional argument being typed. */
  positional: number;
  atChainStart: boolean;
  atLineStart: boolean;
}

function cursorAt(doc: FeatureDoc, pos: Position): Cursor {
  const start = doc.lines.lineStart(pos.line);
  const offset = doc.lines.offsetAt(pos);
  const line = lexLine(doc.text, start, offset);
  const toks = line.tokens;
  const typing = toks.length > 0 && toks[toks.length - 1]!.end === offset && toks[toks.length - 1]!.kind === 'word';
  const done = typing ? toks.slice(0, -1) : toks;
  let i = done.length;
  while (i > 0 && done[i - 1]!.kind !== 'pipe' && done[i - 1]!.kind !== 'colon' && done[i - 1]!.kind !== 'lbrace') i--;
  const seg = done.slice(i);
  const atLineStart = done.length === 0;
  if (seg.length === 0) return { positional: 0, atChainStart: true, atLineStart };
  const head = seg[0]!;
  if (head.text === 'repeat' && i === 0) return { positional: 0, atChainStart: seg.length >= 2, atLineStart: false };
  const last = seg[seg.length - 1]!;
  if (last.kind === 'eq')
    return { op: head.text, key: seg[seg.length - 2]?.text, positional: 0, atChainStart: false, atLineStart: false };
  const positional = seg
    .slice(1)
    .filter((t, k, arr) => t.kind === 'word' && arr[k + 1]?.kind !== 'eq' && arr[k - 1]?.kind !== 'eq').length;
  return { op: head.text, positional, atChainStart: false, atLineStart: false };
}

function opDoc(name: string, spec: OpSpec): string {
  const sig = [
    name,
    ...spec.positional.map((p) => (p.optional ? `[${p.name.toUpperCase()}]` : p.name.toUpperCase())),
    ...(spec.rest ? ['NAME...'] : []),
  ].join(' ');
  const opts = Object.values(spec.options)
    .map((o) => `- \`${o.name}=\`: ${o.doc}`)
    .join('\n');
  return `\`${sig}\`\n\n${spec.doc}${opts ? `\n\n${opts}` : ''}`;
}

function namesAbove(doc: FeatureDoc, offset: number): string[] {
  const names = new Set<string>();
  const walk = (stmts: LayersParsed['ast']['statements']) => {
    for (const s of stmts) {
      if (s.span.start >= offset) continue;
      if (s.kind === 'layer' && s.name) names.add(s.name.text);
      if (s.kind === 'repeat') walk(s.body ?? (s.chain ? [s.chain] : []));
    }
  };
  walk((doc.parsed as LayersParsed).ast.statements);
  return [...names];
}

export function completion(doc: FeatureDoc, pos: Position): CompletionItem[] {
  if (doc.frontEnd.id !== 'layers') return [];
  const c = cursorAt(doc, pos);
  const items: CompletionItem[] = [];
  const offset = doc.lines.offsetAt(pos);
  if (c.key) {
    if (c.key === 'from')
      for (const n of namesAbove(doc, offset)) items.push({ label: n, kind: CompletionItemKind.Reference });
    for (const v of VALUES[c.key] ?? []) items.push({ label: v, kind: CompletionItemKind.EnumMember });
    return items;
  }
  if (c.atChainStart) {
    for (const [name, spec] of Object.entries(OPS))
      items.push({
        label: name,
        kind: CompletionItemKind.Function,
        detail: spec.doc,
        documentation: { kind: MarkupKind.Markdown, value: opDoc(name, spec) },
      });
    for (const [name, b] of (doc.parsed as LayersParsed).blocks)
      items.push({
        label: name,
        kind: CompletionItemKind.Class,
        detail: `block ${name} ${b.params.map((p) => p.name.text).join(' ')}`,
      });
    if (c.atLineStart) {
      for (const d of DIRECTIVES) items.push({ label: d, kind: CompletionItemKind.Keyword });
      items.push({
        label: 'repeat',
        kind: CompletionItemKind.Snippet,
        insertText: 'repeat ${1:2} {\n\t$0\n}',
        insertTextFormat: InsertTextFormat.Snippet,
      });
      items.push({
        label: 'block',
        kind: CompletionItemKind.Snippet,
        insertText: 'block ${1:name} ${2:out} {\n\t$0\n}',
        insertTextFormat: InsertTextFormat.Snippet,
      });
    }
    return items;
  }
  const spec = c.op ? OPS[c.op] : undefined;
  if (!spec) return items;
  if (MERGES.has(c.op!))
    for (const n of ['in', ...namesAbove(doc, offset)]) items.push({ label: n, kind: CompletionItemKind.Reference });
  for (const o of Object.values(spec.options))
    items.push({
      label: `${o.name}=`,
      kind: CompletionItemKind.Property,
      documentation: o.doc,
      command: { title: 'suggest', command: 'editor.action.triggerSuggest' },
    });
  return items;
}

export function signatureHelp(doc: FeatureDoc, pos: Position): SignatureHelp | null {
  if (doc.frontEnd.id !== 'layers') return null;
  const c = cursorAt(doc, pos);
  const spec = c.op ? OPS[c.op] : undefined;
  if (!spec || c.atChainStart) return null;
  const params = [
    ...spec.positional.map((p) => ({
      label: p.optional ? `[${p.name.toUpperCase()}]` : p.name.toUpperCase(),
      documentation: p.doc,
    })),
    ...Object.values(spec.options).map((o) => ({ label: `${o.name}=`, documentation: o.doc })),
  ];
  const label = `${c.op} ${params.map((p) => p.label).join(' ')}`;
  const keyIndex = c.key ? spec.positional.length + Object.keys(spec.options).indexOf(c.key) : -1;
  return {
    signatures: [{ label, documentation: spec.doc, parameters: params }],
    activeSignature: 0,
    activeParameter: keyIndex >= 0 ? keyIndex : Math.min(c.positional, Math.max(0, spec.positional.length - 1)),
  };
}
