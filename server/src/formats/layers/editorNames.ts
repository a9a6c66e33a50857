// Names in `.layers` text for editors: layer names (scoped to the file or to one block
// body), block names and block parameters, each definition and use with its span; and the
// rules a new name must follow to replace one.
import { own } from '../tables';
import type { NameOccurrence } from '../types';
import type { Stmt } from './ast';
import type { LayersParsed } from './parsed';
import { OPS, takesLayerNames } from './ops';
import { isValidName } from './parser';

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

/** Every name occurrence, in text order within each statement. */
export function layersNames(parsed: LayersParsed): NameOccurrence[] {
  const out: NameOccurrence[] = [];
  walkNames(parsed, parsed.ast.statements, 'top', new Set(), '', out);
  return out;
}

/**
 * `scope`: 'top', or 'block:NAME' inside a block body; `params`, `paramScope`: the
 * parameters of the enclosing block and their scope 'param:NAME'.
 */
function walkNames(
  parsed: LayersParsed,
  stmts: Stmt[],
  scope: string,
  params: Set<string>,
  paramScope: string,
  out: NameOccurrence[],
): void {
  for (const s of stmts) {
    if (s.kind === 'block') {
      out.push({ text: s.name.text, span: s.name.span, scope: 'blocks', kind: 'block', def: true });
      const ps = new Set(s.params.map((p) => p.name.text));
      for (const p of s.params)
        out.push({ text: p.name.text, span: p.name.span, scope: `param:${s.name.text}`, kind: 'parameter', def: true });
      walkNames(parsed, s.body, `block:${s.name.text}`, ps, `param:${s.name.text}`, out);
    } else if (s.kind === 'repeat') {
      walkNames(parsed, s.body ?? (s.chain ? [s.chain] : []), scope, params, paramScope, out);
    } else if (s.kind === 'layer') {
      if (s.name) out.push({ text: s.name.text, span: s.name.span, scope, kind: 'layer', def: true });
      for (const op of s.chain) {
        if (parsed.blocks.has(op.keyword.text) && !own(OPS, op.keyword.text))
          out.push({ text: op.keyword.text, span: op.keyword.span, scope: 'blocks', kind: 'block', def: false });
        for (const a of op.args) {
          if (a.key?.text === 'from' || (!a.key && takesLayerNames(op.keyword.text))) {
            if (a.value.text !== 'in')
              out.push({ text: a.value.text, span: a.value.span, scope, kind: 'layer', def: false });
            continue;
          }
          for (const m of a.value.text.matchAll(IDENTIFIER)) {
            if (params.has(m[0])) {
              const start = a.value.span.start + m.index!;
              out.push({
                text: m[0],
                span: { start, end: start + m[0].length },
                scope: paramScope,
                kind: 'parameter',
                def: false,
              });
            }
          }
        }
      }
    }
  }
}

/** Why `newName` cannot rename `of`: not a name (parameters: an identifier), `in`, a built-in op for a block, or taken. */
export function layersRenameError(parsed: LayersParsed, of: NameOccurrence, newName: string): string | undefined {
  const isParam = of.scope.startsWith('param:');
  if (!isValidName(newName) || newName === 'in' || (isParam && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)))
    return `'${newName}' is not a valid name.`;
  if (of.scope === 'blocks' && own(OPS, newName)) return `'${newName}' is a built-in op.`;
  if (layersNames(parsed).some((o) => o.def && o.text === newName && o.scope === of.scope))
    return `'${newName}' is already defined here.`;
  return undefined;
}
