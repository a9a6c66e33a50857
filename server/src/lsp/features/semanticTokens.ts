// Semantic tokens: what a TextMate grammar cannot know — which words are block
// invocations, layer-name references and block parameters — from the name occurrences
// the document's front-end reports (navigation.ts).
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { NameOccurrence } from '../../formats/types';
import type { FeatureDoc } from './context';
import { nameOccurrences } from './navigation';

export const SEMANTIC_LEGEND: SemanticTokensLegend = {
  tokenTypes: ['function', 'variable', 'parameter'],
  tokenModifiers: ['declaration'],
};

const TOKEN_TYPE: Record<NameOccurrence['kind'], number> = { block: 0, layer: 1, parameter: 2 };

export function semanticTokens(doc: FeatureDoc): SemanticTokens {
  const occ = [...nameOccurrences(doc)].sort((a, b) => a.span.start - b.span.start);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const o of occ) {
    const p = doc.lines.positionAt(o.span.start);
    const deltaLine = p.line - prevLine;
    data.push(
      deltaLine,
      deltaLine === 0 ? p.character - prevChar : p.character,
      o.span.end - o.span.start,
      TOKEN_TYPE[o.kind],
      o.def ? 1 : 0,
    );
    prevLine = p.line;
    prevChar = p.character;
  }
  return { data };
}
