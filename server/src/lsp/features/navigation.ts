// Go to definition, find references and rename for `.layers` names: layer names (scoped
// to the file or to one block body), block names and block parameters.
import type { Location, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { Span } from '../../core/ir';
import type { LayersParsed } from '../../formats/layers';
import type { Stmt } from '../../formats/layers/ast';
import { isValidName } from '../../formats/layers/parser';
import { OPS } from '../../formats/layers/ops';
import { toRange, type FeatureDoc } from './context';

interface Occurrence {
  text: string;
  span: Span;
  /** 'top', 'block:NAME' for names inside a block body, 'blocks' for block names, 'param:NAME' for parameters. */
  scope: string;
  def: boolean;
}

const MERGES = new Set(['add', 'concat', 'mul']);

export function occurrences(parsed: LayersParsed): Occurrence[] {
  const out: Occurrence[] = [];
  const blocks = parsed.blocks;
  const walk = (stmts: Stmt[], scope: string, params: Set<string>, paramScope: string) => {
    for (const s of stmts) {
      if (s.kind === 'block') {
        out.push({ text: s.name.text, span: s.name.span, scope: 'blocks', def: true });
        const ps = new Set(s.params.map((p) => p.name.text));
        for (const p of s.params)
          out.push({ text: p.name.text, span: p.name.span, scope: `param:${s.name.text}`, def: true });
        walk(s.body, `block:${s.name.text}`, ps, `param:${s.name.text}`);
      } else if (s.kind === 'repeat') {
        walk(s.body ?? (s.chain ? [s.chain] : []), scope, params, paramScope);
      } else if (s.kind === 'layer') {
        if (s.name) out.push({ text: s.name.text, span: s.name.span, scope, def: true });
        for (const op of s.chain) {
          if (blocks.has(op.keyword.text) && !OPS[op.keyword.text])
            out.push({ text: op.keyword.text, span: op.keyword.span, scope: 'blocks', def: false });
          for (const a of op.args) {
            if (a.key?.text === 'from' || (!a.key && MERGES.has(op.keyword.text))) {
              if (a.value.text !== 'in') out.push({ text: a.value.text, span: a.value.span, scope, def: false });
              continue;
            }
            for (const m of a.value.text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
              if (params.has(m[0]))
                out.push({
                  text: m[0],
                  span: { start: a.value.span.start + m.index!, end: a.value.span.start + m.index! + m[0].length },
                  scope: paramScope,
                  def: false,
                });
            }
          }
        }
      }
    }
  };
  walk(parsed.ast.statements, 'top', new Set(), '');
  return out;
}

function at(doc: FeatureDoc, pos: Position): { occ: Occurrence; all: Occurrence[] } | undefined {
  if (doc.frontEnd.id !== 'layers') return undefined;
  const offset = doc.lines.offsetAt(pos);
  const all = occurrences(doc.parsed as LayersParsed);
  const occ = all.find((o) => o.span.start <= offset && offset <= o.span.end);
  return occ ? { occ, all } : undefined;
}

const same = (a: Occurrence, b: Occurrence) => a.text === b.text && a.scope === b.scope;

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
  const isParam = hit.occ.scope.startsWith('param:');
  if (!isValidName(newName) || newName === 'in' || (isParam && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)))
    return { error: `'${newName}' is not a valid name.` };
  if (hit.occ.scope === 'blocks' && OPS[newName]) return { error: `'${newName}' is a built-in op.` };
  if (hit.all.some((o) => o.def && o.text === newName && o.scope === hit.occ.scope))
    return { error: `'${newName}' is already defined here.` };
  const edits: TextEdit[] = hit.all
    .filter((o) => same(o, hit.occ))
    .map((o) => ({ range: toRange(doc.lines, o.span), newText: newName }));
  return { edit: { changes: { [doc.uri]: edits } } };
}
