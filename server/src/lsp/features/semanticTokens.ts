// Semantic tokens for `.layers`: what the TextMate grammar cannot know — which words are
// block invocations, layer-name references and block parameters — from the name index.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { LayersParsed } from '../../formats/layers';
import type { FeatureDoc } from './context';
import { occurrences } from './navigation';

export const SEMANTIC_LEGEND: SemanticTokensLegend = {
  tokenTypes: ['function', 'variable', 'parameter'],
  tokenModifiers: ['declaration'],
};

export function semanticTokens(doc: FeatureDoc): SemanticTokens {
  if (doc.frontEnd.id !== 'layers') return { data: [] };
  const occ = occurrences(doc.parsed as LayersParsed).sort((a, b) => a.span.start - b.span.start);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const o of occ) {
    const p = doc.lines.positionAt(o.span.start);
    const type = o.scope === 'blocks' ? 0 : o.scope.startsWith('param:') ? 2 : 1;
    const deltaLine = p.line - prevLine;
    data.push(
      deltaLine,
      deltaLine === 0 ? p.character - prevChar : p.character,
      o.span.end - o.span.start,
      type,
      o.def ? 1 : 0,
    );
    prevLine = p.line;
    prevChar = p.character;
  }
  return { data };
}
