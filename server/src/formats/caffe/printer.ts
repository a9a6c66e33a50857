import type { Analysis } from '../../core/analyze';
import type { TextEdit } from '../types';
import type { CaffeParsed } from './index';
export function separableEdits(_p: CaffeParsed, _a: Analysis, _i: number, _t: string): TextEdit[] | undefined { return undefined; }
export function widthEdits(_p: CaffeParsed, _t: string, _a: number): TextEdit[] { return []; }
export function resolutionEdits(_p: CaffeParsed, _t: string, _s: number): TextEdit[] { return []; }
