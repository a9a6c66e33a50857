// The `.json` front-end (docs/formats/keras.md, tfjs.md): a Keras model config as JSON text
// (`model.to_json()`, Sequential or Functional, Keras 2 or 3), a TensorFlow.js layers model
// (`model.json` with `"format": "layers-model"`, whose modelTopology is such a config, and
// whose weight shards give the weight-aware rules their figures) or a TensorFlow.js graph
// model (handed to ../tfjs). JSON is read with source ranges (../jsonText.ts): each layer's
// span is its `"name"` value, its statement the whole layer object. A `.keras` archive is
// read as bytes (./archive.ts) and its config.json is the document; its HDF5 weights are not
// read (a `weights-not-read` note says so). A model is not rewritten in place: there are no
// fix edits.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import { emptyGraph, type Span } from '../../core/ir';
import { member as get, parseJsonText, spanOf } from '../jsonText';
import { applyLayersWeights, manifestOf, parseGraphModel } from '../tfjs';
import type { Companions, FrontEnd, Parsed } from '../types';
import { archiveConfig } from './archive';
import { lowerKeras, type KerasLayer } from './lower';

export type KerasParsed = Parsed;

const emptyKeras = (name: string, at: Span) => emptyGraph('keras', name, at);

export function parseKeras(text: string, fileName?: string, companions?: Companions): KerasParsed {
  const diagnostics: EngineDiagnostic[] = [];
  const whole = { start: 0, end: Math.min(text.length, Math.max(0, text.indexOf('\n')) || text.length) };
  const base = (fileName ?? 'model.json').replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
  const fail = (message: string, at: Span = whole): KerasParsed => {
    diagnostics.push(makeDiagnostic('syntax-error', at, message));
    return { graph: emptyKeras(base, whole), diagnostics };
  };
  const json = parseJsonText(text);
  diagnostics.push(...json.diagnostics);
  if (json.diagnostics.length) return { graph: emptyKeras(base, whole), diagnostics };
  const modelJson = json.root;
  let root = modelJson;
  if (!isMap(root)) return fail('A Keras model is a JSON object with class_name and config.');
  const format = get(root, 'format');
  if (isScalar(format) && format.value === 'graph-model') return parseGraphModel(root, base, whole, companions);
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
  if (!isMap(modelJson) || !get(modelJson, 'weightsManifest'))
    return { graph: lowered.graph, diagnostics: [...diagnostics, ...lowered.diagnostics] };
  const weights = manifestOf(modelJson, companions, spanOf(get(modelJson, 'weightsManifest'), whole));
  const epsilon = new Map(layers.map((l) => [l.name, typeof l.config.epsilon === 'number' ? l.config.epsilon : 1e-3]));
  applyLayersWeights(lowered.graph, weights, (name) => epsilon.get(name) ?? 1e-3);
  return { graph: lowered.graph, diagnostics: [...diagnostics, ...lowered.diagnostics, ...weights.diagnostics] };
}

/** A `.keras` archive: its config.json is the document (spans point into it). */
export function parseKerasArchive(bytes: Uint8Array, fileName?: string): KerasParsed & { text: string } {
  const { text, error } = archiveConfig(bytes);
  if (text !== undefined) {
    const parsed = parseKeras(text, fileName);
    const at = parsed.graph.headerSpan;
    const note = makeDiagnostic(
      'weights-not-read',
      at,
      'The weights (model.weights.h5, HDF5) are not read: LayerLint has no HDF5 reader, so the weight-aware rules are silent. Figures come from config.json.',
    );
    return { ...parsed, diagnostics: [...parsed.diagnostics, note], text };
  }
  const name = (fileName ?? 'model.keras').replace(/^.*[\\/]/, '');
  const at = { start: 0, end: 0 };
  return {
    graph: emptyKeras(name, at),
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
  parse: (_text, fileName) => ({ graph: emptyKeras(fileName ?? 'model', { start: 0, end: 0 }), diagnostics: [] }),
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
