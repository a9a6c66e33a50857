// What the Darknet front-end's parse keeps: the parsed .cfg sections and the lowering.
import type { Parsed } from '../types';
import type { DarknetLowered } from './lower';
import type { CfgFile } from './parser';

export interface DarknetParsed extends Parsed, DarknetLowered {
  cfg: CfgFile;
}
