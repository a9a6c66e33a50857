// The Darknet `.cfg` front-end: parse (parser.ts) → lower to IR (lower.ts), and print
// rewrites back as `.cfg` text (printer.ts). Analysis is per image (darknet's `batch=` is a
// training setting); see docs/formats/darknet.md.
import { makeDiagnostic } from '../../core/diagnostics';
import type { FrontEnd, Parsed } from '../types';
import { lowerDarknet, type DarknetLowered } from './lower';
import { parseCfg, type CfgFile } from './parser';
import { darknetResolutionEdits, darknetSeparableEdits, darknetSeparableEditsAll, darknetWidthEdits } from './printer';

export interface DarknetParsed extends Parsed, DarknetLowered {
  cfg: CfgFile;
}

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
