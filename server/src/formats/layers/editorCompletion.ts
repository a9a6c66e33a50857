// Completion and signature help for `.layers` text: op keywords and blocks at the start of
// a chain, directives at the start of a line, `key=` options after an op, layer names after
// `from=` and in merges, fixed values after `padding=`, `bias=`, `fixed=` and `shared=`, latency targets
// after `target`.
import { own } from '../tables';
import type { CompletionEntry, SignatureEntry, TargetChoice } from '../types';
import type { Stmt } from './ast';
import { lexLine } from './lexer';
import { OPS, type OpSpec, takesLayerNames } from './ops';
import type { LayersParsed } from './parsed';
import { DIRECTIVES } from './parser';

const VALUES: Record<string, string[]> = {
  padding: ['same', 'valid'],
  bias: ['true', 'false'],
  fixed: ['true', 'false'],
  shared: ['true', 'false'],
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
  /** The directive the cursor's line starts with, if any. */
  directive?: string;
}

function cursorAt(text: string, offset: number): Cursor {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const line = lexLine(text, start, offset);
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
  const directive = i === 0 && DIRECTIVES.has(head.text) ? head.text : undefined;
  return { op: head.text, positional, atChainStart: false, atLineStart: false, ...(directive ? { directive } : {}) };
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

/** Layer names declared by statements that start before `offset` (repeat bodies included). */
function namesAbove(parsed: LayersParsed, offset: number): string[] {
  const names = new Set<string>();
  const walk = (stmts: Stmt[]) => {
    for (const s of stmts) {
      if (s.span.start >= offset) continue;
      if (s.kind === 'layer' && s.name) names.add(s.name.text);
      if (s.kind === 'repeat') walk(s.body ?? (s.chain ? [s.chain] : []));
    }
  };
  walk(parsed.ast.statements);
  return [...names];
}

export function layersCompletions(
  parsed: LayersParsed,
  text: string,
  offset: number,
  targets: readonly TargetChoice[],
): CompletionEntry[] {
  const c = cursorAt(text, offset);
  if (c.key) return valueCompletions(parsed, c.key, offset);
  if (c.directive === 'target' && c.positional === 0)
    return targets.map((t) => ({ label: t.id, kind: 'value', detail: t.summary }));
  if (c.atChainStart) return chainStartCompletions(parsed, c.atLineStart);
  const spec = c.op ? own(OPS, c.op) : undefined;
  if (!spec) return [];
  const items: CompletionEntry[] = [];
  if (takesLayerNames(c.op!))
    for (const n of ['in', ...namesAbove(parsed, offset)]) items.push({ label: n, kind: 'layer' });
  for (const o of Object.values(spec.options))
    items.push({ label: `${o.name}=`, kind: 'option', documentation: o.doc, retrigger: true });
  return items;
}

/** After `key=`: layer names for `from=`, fixed values for the options that have them. */
function valueCompletions(parsed: LayersParsed, key: string, offset: number): CompletionEntry[] {
  const items: CompletionEntry[] = [];
  if (key === 'from') for (const n of namesAbove(parsed, offset)) items.push({ label: n, kind: 'layer' });
  for (const v of VALUES[key] ?? []) items.push({ label: v, kind: 'value' });
  return items;
}

/** Ops and blocks; at the start of a line also directives and the repeat and block snippets. */
function chainStartCompletions(parsed: LayersParsed, atLineStart: boolean): CompletionEntry[] {
  const items: CompletionEntry[] = [];
  for (const [name, spec] of Object.entries(OPS))
    items.push({ label: name, kind: 'op', detail: spec.doc, markdown: opDoc(name, spec) });
  for (const [name, b] of parsed.blocks)
    items.push({ label: name, kind: 'block', detail: `block ${name} ${b.params.map((p) => p.name.text).join(' ')}` });
  if (atLineStart) {
    for (const d of DIRECTIVES) items.push({ label: d, kind: 'directive' });
    items.push({ label: 'repeat', kind: 'snippet', snippet: 'repeat ${1:2} {\n\t$0\n}' });
    items.push({ label: 'block', kind: 'snippet', snippet: 'block ${1:name} ${2:out} {\n\t$0\n}' });
  }
  return items;
}

export function layersSignatureHelp(_parsed: LayersParsed, text: string, offset: number): SignatureEntry | undefined {
  const c = cursorAt(text, offset);
  const spec = c.op ? own(OPS, c.op) : undefined;
  if (!spec || c.atChainStart) return undefined;
  const parameters = [
    ...spec.positional.map((p) => ({
      label: p.optional ? `[${p.name.toUpperCase()}]` : p.name.toUpperCase(),
      documentation: p.doc,
    })),
    ...Object.values(spec.options).map((o) => ({ label: `${o.name}=`, documentation: o.doc })),
  ];
  const label = `${c.op} ${parameters.map((p) => p.label).join(' ')}`;
  const keyIndex = c.key ? spec.positional.length + Object.keys(spec.options).indexOf(c.key) : -1;
  return {
    label,
    documentation: spec.doc,
    parameters,
    activeParameter: keyIndex >= 0 ? keyIndex : Math.min(c.positional, Math.max(0, spec.positional.length - 1)),
  };
}
