// What the Caffe front-end's parse keeps: the parsed text-proto document and the lowering (graph, layer definitions).
import type { Parsed } from '../types';
import type { Lowered } from './lower';
import type { Document } from './parser';

export interface CaffeParsed extends Parsed, Lowered {
  doc: Document;
}
