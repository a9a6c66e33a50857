// The outline and folding regions of `.layers` text, from the syntax tree: the network
// and input directives, named statements (with their chain and output shape), repeats and
// blocks with their statements inside; blocks and braced repeats fold.
import type { Span } from '../../core/ir';
import type { FoldSpan, OutlineEntry } from '../types';
import type { Stmt } from './ast';
import type { LayersParsed } from './parsed';

export function layersOutline(
  parsed: LayersParsed,
  text: string,
  outputOf: (statement: Span) => string | undefined,
): OutlineEntry[] {
  return parsed.ast.statements.flatMap((s) => outlineOf(s, text, outputOf));
}

function outlineOf(s: Stmt, text: string, outputOf: (statement: Span) => string | undefined): OutlineEntry[] {
  switch (s.kind) {
    case 'directive':
      return s.keyword.text === 'network' || s.keyword.text === 'input'
        ? [{ name: text.slice(s.span.start, s.span.end), kind: 'header', span: s.span, selection: s.keyword.span }]
        : [];
    case 'layer': {
      if (!s.name) return [];
      const out = outputOf(s.span);
      return [
        {
          name: s.name.text,
          detail: `${s.chain.map((o) => o.keyword.text).join(' | ')}${out ? ` → ${out}` : ''}`,
          kind: 'layer',
          span: s.span,
          selection: s.name.span,
        },
      ];
    }
    case 'repeat': {
      const children = (s.body ?? (s.chain ? [s.chain] : [])).flatMap((c) => outlineOf(c, text, outputOf));
      return [{ name: `repeat ${s.count.text}`, kind: 'repeat', span: s.span, selection: s.keyword.span, children }];
    }
    case 'block':
      return [
        {
          name: s.name.text,
          detail: `block(${s.params.map((p) => p.name.text).join(', ')})`,
          kind: 'block',
          span: s.span,
          selection: s.name.span,
          children: s.body.flatMap((c) => outlineOf(c, text, outputOf)),
        },
      ];
  }
}

/** Blocks and braced repeats, nested ones included; the closing brace's line stays visible. */
export function layersFolds(parsed: LayersParsed): FoldSpan[] {
  const out: FoldSpan[] = [];
  const walk = (stmts: Stmt[]) => {
    for (const s of stmts) {
      if (s.kind === 'block' || (s.kind === 'repeat' && s.body)) {
        out.push({ span: s.span, keepLastLine: true });
        walk(s.kind === 'block' ? s.body : s.body!);
      }
    }
  };
  walk(parsed.ast.statements);
  return out;
}
