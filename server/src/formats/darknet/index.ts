// The Darknet `.cfg` front-end: parse (parser.ts) → lower to IR (lower.ts), and print
// rewrites back as `.cfg` text (printer.ts). Analysis is per image (darknet's `batch=` is a
// training setting); see docs/formats/darknet.md.
import { makeDiagnostic } from '../../core/diagnostics';
import type { FrontEnd } from '../types';
import { lowerDarknet } from './lower';
import { parseCfg } from './parser';
import type { DarknetParsed } from './parsed';
import { darknetResolutionEdits, darknetSeparableEdits, darknetSeparableEditsAll, darknetWidthEdits } from './printer';

export type { DarknetParsed } from './parsed';

export const darknetFrontEnd: FrontEnd<DarknetParsed> = {
  id: 'darknet',
  extensions: ['.cfg'],
  languageId: 'darknet-cfg',
  parse(text, fileName) {
    const cfg = parseCfg(text);
    const lowered = lowerDarknet(cfg, fileName);
    return {
      ...lowered,
      cfg,
      diagnostics: [
        ...cfg.errors.map((e) => makeDiagnostic('syntax-error', e.span, e.message)),
        ...lowered.diagnostics,
      ],
    };
  },
  separableEdits: darknetSeparableEdits,
  separableEditsAll: darknetSeparableEditsAll,
  widthEdits: darknetWidthEdits,
  resolutionEdits: darknetResolutionEdits,
};
