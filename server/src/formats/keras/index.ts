// The Keras front-end (docs/formats/keras.md): a Keras model config as JSON text
// (`model.to_json()`, Sequential or Functional, Keras 2 or 3), or a TensorFlow.js layers
// model (`model.json` with `"format": "layers-model"`, whose modelTopology is such a config).
// JSON is read with the `yaml` parser (JSON is YAML) for source ranges: each layer's span is
// its `"name"` value, its statement the whole layer object. A `.keras` archive is read as
// bytes (./archive.ts) and its config.json is the document. Weights are not read. A model
// is not rewritten in place: there are no fix edits.
import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import type { Graph, Span } from '../../core/ir';
import type { FrontEnd, Parsed } from '../types';
import { archiveConfig } from './archive';
import { lowerKeras, type KerasLayer } from './lower';

export type KerasParsed = Parsed;

const spanOf = (n: Node | null | undefined, fallback: Span): Span =>
  n?.range ? { start: n.range[0], end: n.range[1] } : fallback;

function get(map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.value ?? undefined) as Node | undefined;
}

function emptyGraph(name: string, at: Span): Graph {
  return {
    format: 'keras',
    name,
    input: { h: 0, w: 0, c: 0, batch: 1 },
    width: { alpha: 1 },
    layers: [],
    headerSpan: at,
  };
}

export function parseKeras(text: string, fileName?: string): KerasParsed {
  const diagnostics: EngineDiagnostic[] = [];
  const whole = { start: 0, end: Math.min(text.length, Math.max(0, text.indexOf('\n')) || text.length) };
  const base = (fileName ?? 'model.json').replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
  const fail = (message: string, at: Span = whole): KerasParsed => {
    diagnostics.push(makeDiagnostic('syntax-error', at, message));
    return { graph: emptyGraph(base, whole), diagnostics };
  };
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const clamp = (x: number) => Math.max(0, Math.min(x, text.length));
  for (const e of doc.errors)
    diagnostics.push(
      makeDiagnostic(
        'syntax-error',
        { start: clamp(e.pos[0]), end: clamp(Math.max(e.pos[1], e.pos[0])) },
        `JSON: ${e.message.split('\n')[0]}`,
      ),
    );
  if (doc.errors.length) return { graph: emptyGraph(base, whole), diagnostics };
  let root = doc.contents as Node | null;
  if (!isMap(root)) return fail('A Keras model is a JSON object with class_name and config.');
  const format = get(root, 'format');
  if (isScalar(format) && format.value === 'graph-model')
    return fail(
      'A TensorFlow.js graph model (a TensorFlow graph) is not read yet: only layers models (Keras configs).',
      spanOf(format, whole),
    );
  const topology = get(root, 'modelTopology');
  if (isMap(topology)) root = get(topology, 'model_config') ?? topology;
  if (!isMap(root)) return fail('The modelTopology holds no Keras model config.');
  const className = get(root, 'class_name');
  const config = get(root, 'config');
  const kind = isScalar(className) ? String(className.value) : '';
  const layersNode = isMap(config) ? get(config, 'layers') : isSeq(config) ? config : undefined;
  if (!['Sequential', 'Functional', 'Model'].includes(kind) || !isSeq(layersNode))
    return fail(
      `Not a Keras model config: class_name ${kind ? `'${kind}'` : 'missing'}, ${isSeq(layersNode) ? '' : 'no '}config.layers.`,
      spanOf(className ?? root, whole),
    );
  const layers: KerasLayer[] = [];
  for (const item of layersNode.items) {
    if (!isMap(item)) continue;
    const cfg = get(item, 'config');
    const nameNode = (isMap(cfg) ? get(cfg, 'name') : undefined) ?? get(item, 'name');
    const statement = spanOf(item, whole);
    layers.push({
      className: String((get(item, 'class_name') as { value?: unknown } | undefined)?.value ?? '?'),
      name: isScalar(nameNode) ? String(nameNode.value) : '',
      config: (isMap(cfg) ? cfg.toJSON() : {}) as Record<string, unknown>,
      inbound: (get(item, 'inbound_nodes') as Node | undefined)?.toJSON() as unknown,
      span: spanOf(nameNode, statement),
      statement,
    });
  }
  const modelName = isMap(config) ? get(config, 'name') : undefined;
  const inputs = isMap(config) ? (get(config, 'input_layers') as Node | undefined)?.toJSON() : undefined;
  const lowered = lowerKeras(layers, {
    sequential: kind === 'Sequential',
    name: isScalar(modelName) ? String(modelName.value) : base,
    inputLayers: inputs as unknown,
    header: spanOf(className, whole),
  });
  return { graph: lowered.graph, diagnostics: [...diagnostics, ...lowered.diagnostics] };
}

/** A `.keras` archive: its config.json is the document (spans point into it). */
export function parseKerasArchive(bytes: Uint8Array, fileName?: string): KerasParsed & { text: string } {
  const { text, error } = archiveConfig(bytes);
  if (text !== undefined) return { ...parseKeras(text, fileName), text };
  const name = (fileName ?? 'model.keras').replace(/^.*[\\/]/, '');
  const at = { start: 0, end: 0 };
  return {
    graph: emptyGraph(name, at),
    diagnostics: [makeDiagnostic('syntax-error', at, `${name} cannot be read: ${error}.`)],
    text: '',
  };
}

export const kerasArchiveFrontEnd: FrontEnd<KerasParsed> = {
  id: 'keras',
  extensions: ['.keras'],
  languageId: 'keras-archive',
  binary: true,
  // Read as bytes only (parseBytes); a text view of the zip holds nothing to analyse.
  parse: (_text, fileName) => ({ graph: emptyGraph(fileName ?? 'model', { start: 0, end: 0 }), diagnostics: [] }),
  parseBytes: parseKerasArchive,
  separableEdits: () => undefined,
  widthEdits: () => [],
  resolutionEdits: () => [],
};

export const kerasFrontEnd: FrontEnd<KerasParsed> = {
  id: 'keras',
  extensions: ['.json'],
  languageId: 'json',
  parse: parseKeras,
  separableEdits: () => undefined,
  widthEdits: () => [],
  resolutionEdits: () => [],
};
