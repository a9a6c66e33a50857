// What the `.layers` front-end's parse keeps: the syntax tree and the lowering (graph,
// blocks, naming), read by the printer, incremental updates and editor support.
import type { Parsed } from '../types';
import type { FileAst } from './ast';
import type { Lowered } from './lower';

export interface LayersParsed extends Parsed, Lowered {
  ast: FileAst;
}
