// The Caffe `.prototxt` front-end: protobuf text format → IR graph, and rewrites printed
// back as prototxt text (depthwise-separable split, width α via num_output, input side ρ).
import { makeDiagnostic } from '../../core/diagnostics';
import type { FrontEnd } from '../types';
import { lowerCaffe } from './lower';
import { parseTextProto } from './parser';
import type { CaffeParsed } from './parsed';
import { resolutionEdits, separableEdits, widthEdits } from './printer';

export type { CaffeParsed } from './parsed';

export const caffeFrontEnd: FrontEnd<CaffeParsed> = {
  id: 'caffe',
  extensions: ['.prototxt'],
  languageId: 'prototxt',
  parse(text) {
    const doc = parseTextProto(text);
    const lowered = lowerCaffe(doc);
    return {
      ...lowered,
      doc,
      diagnostics: [
        ...doc.errors.map((e) => makeDiagnostic('syntax-error', e.span, e.message)),
        ...lowered.diagnostics,
      ],
    };
  },
  separableEdits,
  widthEdits,
  resolutionEdits,
};
