// The ONNX front-end (docs/formats/onnx.md): a binary format, so it parses bytes
// (`parseBytes`), not text. Its `text` is a listing of the graph, one line per node in file
// order (line N is node N, counted from 1), which the layers' spans point into: locations
// name nodes, and every finding on a node line names it. A model cannot be rewritten in
// place, so there are no fix edits.
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import { emptyGraph } from '../../core/ir';
import type { Companions, FrontEnd, Parsed } from '../types';
import { decodeModel, type GraphProto } from './decode';
import { lowerOnnx } from './lower';

export interface OnnxParsed extends Parsed {
  /** The node listing the spans point into. */
  text: string;
  /** Per layer: the ONNX node it came from. */
  nodeOf: number[];
  /** Per layer: the N-D dims of the tensor it makes (undefined when unknown). */
  tensorDims: (number[] | undefined)[];
  /** IR version, producer and opset of the model, for reports. */
  producer: string;
  opset: number;
}

const NOWHERE = { start: 0, end: 0 };

function baseName(fileName: string | undefined): string {
  return (fileName ?? 'model.onnx').replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '');
}

function failed(fileName: string | undefined, message: string): OnnxParsed {
  return {
    graph: emptyGraph('onnx', baseName(fileName)),
    diagnostics: [makeDiagnostic('syntax-error', NOWHERE, message)],
    text: '',
    nodeOf: [],
    tensorDims: [],
    producer: '',
    opset: 0,
  };
}

/** One line per node: `#index OpType 'name' (inputs) -> (outputs)`. */
function listing(g: GraphProto): { text: string; lineStarts: number[] } {
  const lines: string[] = [];
  const lineStarts: number[] = [];
  let at = 0;
  (g.node ?? []).forEach((n, i) => {
    // Names come from the file: no control character may break the one-line-per-node layout.
    const line =
      `#${i + 1} ${n.opType} '${n.name ?? ''}' (${(n.input ?? []).join(', ')}) -> (${(n.output ?? []).join(', ')})`.replace(
        /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
        '?',
      );
    lineStarts.push(at);
    lines.push(line);
    at += line.length + 1;
  });
  lineStarts.push(at);
  return { text: lines.join('\n'), lineStarts };
}

export function parseOnnx(bytes: Uint8Array, fileName?: string, companions?: Companions): OnnxParsed {
  const { model, error } = decodeModel(bytes);
  if (!model) return failed(fileName, `${baseName(fileName)}.onnx cannot be read: ${error}.`);
  const opset = Number((model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
  const lowered = lowerOnnx(model.graph!, baseName(fileName), opset, companions);
  const { text, lineStarts } = listing(model.graph!);
  lowered.graph.layers.forEach((layer, i) => {
    const node = lowered.nodeOf[i]!;
    const span = { start: lineStarts[node]!, end: lineStarts[node + 1]! - 1 };
    layer.span = span;
    layer.site = span;
    layer.statement = span;
  });
  const diagnostics: EngineDiagnostic[] = lowered.diagnostics;
  return {
    graph: lowered.graph,
    diagnostics,
    text,
    nodeOf: lowered.nodeOf,
    tensorDims: lowered.tensorDims,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opset,
  };
}

export const onnxFrontEnd: FrontEnd<OnnxParsed> = {
  id: 'onnx',
  extensions: ['.onnx'],
  languageId: 'onnx',
  binary: true,
  parse(text, fileName) {
    return text === ''
      ? { ...failed(fileName, ''), diagnostics: [] }
      : failed(
          fileName,
          'An ONNX model is binary: LayerLint reads it from the file (e.g. `layerlint report model.onnx`).',
        );
  },
  parseBytes: parseOnnx,
  separableEdits: () => undefined,
  widthEdits: () => [],
  resolutionEdits: () => [],
};
