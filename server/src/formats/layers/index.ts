// The `.layers` front-end: parse → lower to IR, and print rewrites back as `.layers` text.
import { makeDiagnostic } from '../../core/diagnostics';
import type { FrontEnd } from '../types';
import { layersEditor } from './editor';
import { keepFormatting } from './editorFormat';
import { updateLayers } from './incremental';
import { lowerLayers } from './lower';
import type { LayersParsed } from './parsed';
import { parseLayers } from './parser';
import { separableEdits, setDirectiveEdits } from './printer';

export const layersFrontEnd: FrontEnd<LayersParsed> = {
  id: 'layers',
  extensions: ['.layers'],
  languageId: 'layerspec',
  parse(text, _fileName, companions) {
    const ast = parseLayers(text);
    const lowered = lowerLayers(ast, text, companions);
    return {
      ...lowered,
      ast,
      diagnostics: [...ast.errors.map((e) => makeDiagnostic(e.code, e.span, e.message)), ...lowered.diagnostics],
    };
  },
  update: updateLayers,
  // The rewrite keeps a formatted file formatted (the new names aligned with their group).
  separableEdits: (parsed, analysis, layerIndex, text) => {
    const edits = separableEdits(parsed, analysis, layerIndex, text);
    return edits && keepFormatting(text, edits);
  },
  // All rewrites at once, then one realignment: single edits realigned one by one would overlap.
  separableEditsAll: (parsed, analysis, layerIndexes, text) =>
    keepFormatting(
      text,
      layerIndexes.flatMap((i) => separableEdits(parsed, analysis, i, text) ?? []),
    ),
  // With a divisor, α = 1 still rounds channel counts, so the line stays.
  widthEdits: (parsed, text, alpha) => {
    const divisor = parsed.graph.width.divisor;
    return setDirectiveEdits(
      parsed,
      text,
      'width',
      alpha === 1 && !divisor ? undefined : `width ${alpha}${divisor ? ` divisor=${divisor}` : ''}`,
    );
  },
  resolutionEdits: (parsed, text, side) =>
    setDirectiveEdits(parsed, text, 'resolution', side === parsed.graph.input.h ? undefined : `resolution ${side}`),
  editor: layersEditor,
};
