// The `.layers` front-end: parse → lower to IR, and print rewrites back as `.layers` text.
import { makeDiagnostic } from '../../core/diagnostics';
import type { FrontEnd } from '../types';
import { layersEditor } from './editor';
import { updateLayers } from './incremental';
import { lowerLayers } from './lower';
import type { LayersParsed } from './parsed';
import { parseLayers } from './parser';
import { separableEdits, setDirectiveEdits } from './printer';

export const layersFrontEnd: FrontEnd<LayersParsed> = {
  id: 'layers',
  extensions: ['.layers'],
  languageId: 'layerspec',
  parse(text) {
    const ast = parseLayers(text);
    const lowered = lowerLayers(ast, text);
    return {
      ...lowered,
      ast,
      diagnostics: [...ast.errors.map((e) => makeDiagnostic(e.code, e.span, e.message)), ...lowered.diagnostics],
    };
  },
  update: updateLayers,
  separableEdits,
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
