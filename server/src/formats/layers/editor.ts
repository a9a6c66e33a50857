// The `.layers` front-end's editor support (formats/types.ts EditorSupport): names for
// navigation, rename and semantic tokens, completion, signature help, outline, folding
// and formatting, all in offsets and spans of the parsed text.
import type { EditorSupport } from '../types';
import { layersCompletions, layersSignatureHelp } from './editorCompletion';
import { layersFormatEdits } from './editorFormat';
import { layersNames, layersRenameError } from './editorNames';
import { layersFolds, layersOutline } from './editorOutline';
import type { LayersParsed } from './parsed';

export const layersEditor: EditorSupport<LayersParsed> = {
  names: layersNames,
  renameError: layersRenameError,
  completions: layersCompletions,
  signatureHelp: layersSignatureHelp,
  outline: layersOutline,
  folds: layersFolds,
  formatEdits: layersFormatEdits,
};
