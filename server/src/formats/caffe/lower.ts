// Lowers a parsed Caffe net (NetParameter in text format) to the IR graph: reads the network
// input (inputs.ts), keeps the TEST (deploy) path (layerDefs.ts), follows blob names so that
// in-place layers chain (blobs.ts), lowers each layer through the type table (layerTypes.ts,
// ops.ts) after checking its fields (validate.ts), skips training-only heads quietly, and
// settles depthwise convolutions and the classifier (settle.ts). A type LayerLint does not
// know becomes an `unknown` op. Bad values become diagnostics and the layer loses its
// shape; nothing here throws. docs/formats/caffe.md describes what is supported.
import { makeDiagnostic, type Code, type EngineDiagnostic } from '../../core/diagnostics';
import { emptyGraph, type Graph, type Layer, type LayerOp, type Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { uniqueNamer } from '../names';
import { own } from '../tables';
import { BlobTable } from './blobs';
import { Reader } from './fields';
import { InputReader } from './inputs';
import { droppedTwins, isSolver, type LayerDef, layerDefs, NET_FIELDS } from './layerDefs';
import {
  ALIAS_TYPES,
  type FieldSpec,
  INPUT_LAYER,
  INPUT_TYPES,
  isTrainingOnly,
  LAYER_TYPES,
  type LayerType,
} from './layerTypes';
import { AXES } from './ops';
import { markClassifiers, settleDepthwise } from './settle';
import { type Document, NONE, ROOT } from './parser';
import { checkLayerFields } from './validate';

export interface Lowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  /** Every layer block of the file, in order (including dropped TRAIN twins). */
  defs: LayerDef[];
  /** The block each IR layer came from, by IR layer index. */
  layerDefs: LayerDef[];
  /** The fields that hold the input height and width (`input_dim`, `dim`, `crop_size`), for ρ edits. */
  inputSize: number[];
}

/** How lowering treats a layer type: the input, a training-only head, a known type (or alias), or unknown. */
interface TypeRole {
  input: boolean;
  trainingOnly: boolean;
  type: LayerType | undefined;
  /** The fields the type's block may hold (its own, or an alias type's); none for an unknown type. */
  spec: FieldSpec | undefined;
}

function roleOf(key: string): TypeRole {
  const input = INPUT_TYPES.has(key);
  const trainingOnly = !input && isTrainingOnly(key);
  const type = own(LAYER_TYPES, key);
  return { input, trainingOnly, type, spec: type ?? own(ALIAS_TYPES, key) };
}

/** The op of a layer type LayerLint does not know: named after the type (and a Python layer's module). */
function unknownOp(doc: Document, d: LayerDef): LayerOp {
  const type = d.typeText ?? '?';
  if (d.key === 'python') {
    const p = doc.sub(d.field, 'python_param');
    const valueOf = (f: number) => (!f ? undefined : doc.value(f));
    const module = [valueOf(doc.last(p, 'module')), valueOf(doc.last(p, 'layer'))].filter(Boolean).join('.');
    return { kind: 'unknown', type: module ? `${type} (${module})` : type };
  }
  // Unknown type: its output shape is unknown (a num_output alone does not give the shape).
  return { kind: 'unknown', type };
}

export function lowerCaffe(doc: Document): Lowered {
  const diagnostics: EngineDiagnostic[] = [];
  const diag = (code: Code, span: Span, message: string) => diagnostics.push(makeDiagnostic(code, span, message));
  const r = new Reader(doc, diag);
  const layers: Layer[] = [];
  const layerDefsOut: LayerDef[] = [];
  const graph = emptyGraph('caffe', 'network', undefined, layers);
  const blobs = new BlobTable(diag);
  const inputs = new InputReader(graph, blobs, r, diag);
  if (isSolver(doc)) return { graph, diagnostics, defs: [], layerDefs: layerDefsOut, inputSize: inputs.sizeValues };
  const inputFields: number[] = [];
  const inputDims: number[] = [];
  const inputShapes: number[] = [];
  for (let f = ROOT + 1, end = doc.after(ROOT); f < end; f = doc.after(f)) {
    const name = doc.name(f);
    if (name === 'layer' || name === 'layers') continue;
    if (!NET_FIELDS.has(name))
      diag('unknown-option', doc.nameSpan(f), `'${name}' is not a field of a Caffe net (NetParameter).`);
    else if (name === 'name' && !doc.isMessage(f)) {
      graph.name = doc.value(f) || 'network';
      graph.nameSpan = doc.span(f);
      graph.headerSpan = doc.span(f);
    } else if (name === 'input') inputFields.push(f);
    else if (name === 'input_dim') {
      if (!doc.isMessage(f)) inputDims.push(f);
    } else if (name === 'input_shape') inputShapes.push(f);
  }
  inputs.readTopLevel(inputFields, inputDims, inputShapes);

  const defs = layerDefs(doc);
  const dropped = droppedTwins(doc, defs);
  const uniqueName = uniqueNamer();
  const add = (d: LayerDef, name: string, op: LayerOp, inputs: number[]): number | undefined => {
    if (layers.length >= LIMITS.maxLayers) return undefined;
    const index = layers.length;
    const span = d.name ? doc.span(d.name) : d.type ? doc.span(d.type) : doc.nameSpan(d.field);
    const site = doc.span(d.field);
    layers.push({
      index,
      name: uniqueName(name),
      opText: d.typeText ?? '?',
      op,
      inputs,
      span,
      site,
      statement: site,
    });
    layerDefsOut.push(d);
    return index;
  };

  /** One IR layer per top of a Slice layer, named `NAME:TOP`. */
  const lowerSlice = (d: LayerDef, base: string, inputs: number[]) => {
    const p = doc.sub(d.field, 'slice_param');
    const axisText = String(doc.last(p, 'axis') ? r.intField(p, 'axis', 1, -4) : r.intField(p, 'slice_dim', 1, -4));
    const axis = AXES[axisText];
    const points = r.ints(p, 'slice_point', 1);
    d.tops.forEach((t, index) => {
      const op: LayerOp = axis
        ? { kind: 'slice', axis, index, count: d.tops.length, points }
        : { kind: 'unknown', type: `${d.typeText!} (axis ${axisText})` };
      const top = doc.value(t);
      const i = add(d, d.tops.length > 1 ? `${base}:${top}` : base, op, inputs);
      if (i !== undefined) blobs.write(top, i);
    });
    if (points.length && points.length !== d.tops.length - 1)
      diag(
        'invalid-value',
        doc.valueSpan(doc.last(p, 'slice_point')),
        `Slice with ${d.tops.length} tops needs ${d.tops.length - 1} slice_point values, not ${points.length}.`,
      );
  };

  /**
   * SENet-caffe's Axpy, top = a · x + y (bottoms a: N x C x 1 x 1, x and y: N x C x H x W), as
   * two layers: the channel-wise product `NAME:ax`, then the sum `NAME`, which writes the top.
   */
  const lowerAxpy = (d: LayerDef, base: string, inputs: number[]) => {
    const [a, x, y] = inputs;
    let out: number | undefined;
    if (inputs.length === 3) {
      const product = add(d, `${base}:ax`, { kind: 'merge', mode: 'mul' }, [a!, x!]);
      if (product !== undefined) out = add(d, base, { kind: 'merge', mode: 'add' }, [product, y!]);
    } else {
      if (d.bottoms.length !== 3)
        diag('invalid-value', doc.nameSpan(d.field), `Axpy takes three bottoms (a, x, y), not ${d.bottoms.length}.`);
      out = add(d, base, { kind: 'identity' }, []);
    }
    for (const t of d.tops) {
      if (out !== undefined) blobs.write(doc.value(t), out);
      else blobs.markAux(doc.value(t));
    }
  };

  /** Each type key's role, found once per parse. */
  const roles = new Map<string, TypeRole>();
  /** num_output of DepthwiseConvolution layers, whose multiplier needs the input channels. */
  const dwOut = new Map<number, number>();
  for (const d of defs) {
    if (dropped.size && dropped.has(d)) continue;
    if (layers.length >= LIMITS.maxLayers) {
      diag(
        'limit-exceeded',
        doc.span(d.field),
        `The net has more than ${LIMITS.maxLayers.toLocaleString('en-US')} layers; analysis stops here.`,
      );
      break;
    }
    if (!d.type) {
      diag('invalid-value', doc.nameSpan(d.field), "This layer has no 'type'.");
      for (const t of d.tops) blobs.markAux(doc.value(t));
      continue;
    }
    const key = d.key;
    let role = roles.get(key);
    if (role === undefined) roles.set(key, (role = roleOf(key)));
    if (role.input) {
      if (key === 'input') checkLayerFields(doc, d, INPUT_LAYER, diag);
      inputs.readLayer(d);
      continue;
    }
    if (role.trainingOnly) {
      for (const t of d.tops) blobs.markAux(doc.value(t));
      continue;
    }
    const { type, spec } = role;
    if (spec) checkLayerFields(doc, d, spec, diag);
    // Every bottom is resolved (an unknown one is reported); the inputs are the tensor bottoms, when all are known.
    const nTensors = type?.tensorInputs ?? d.bottoms.length;
    const inputIds: number[] = [];
    let known = true;
    /** A second network input this layer computes on: LayerLint follows one input only. */
    let extraInput: string | undefined;
    for (let k = 0; k < d.bottoms.length; k++) {
      const id = blobs.resolve(doc, d.bottoms[k]!);
      if (k >= nTensors) continue;
      if (id === undefined) {
        known = false;
        const name = doc.value(d.bottoms[k]!);
        if (blobs.isExtraInput(name)) extraInput ??= name;
      } else inputIds.push(id);
    }
    if (!known) inputIds.length = 0;
    if (key === 'split') {
      for (const t of d.tops) {
        if (inputIds.length) blobs.write(doc.value(t), inputIds[0]!);
        else blobs.markAux(doc.value(t));
      }
      continue;
    }
    const base = d.nameText || `${d.typeText}${layers.length}`;
    if (key === 'slice') {
      lowerSlice(d, base, inputIds);
      continue;
    }
    if (key === 'axpy') {
      lowerAxpy(d, base, inputIds);
      continue;
    }
    const p = type?.param ? doc.sub(d.field, type.param) : NONE;
    const built: LayerOp | undefined =
      extraInput !== undefined
        ? {
            kind: 'unknown',
            type: `${d.typeText} (reads '${extraInput}', a second network input: LayerLint costs the first only)`,
          }
        : type
          ? type.build({ d, doc, p, r, diag, nInputs: inputIds.length })
          : unknownOp(doc, d);
    const i = add(d, base, built ?? { kind: 'identity' }, built ? inputIds : []);
    if (i === undefined) continue;
    if (built?.kind === 'dwconv') dwOut.set(i, Number(doc.value(doc.last(p, 'num_output'))));
    if (d.tops.length === 0 && !d.bottoms.length)
      diag('invalid-value', doc.nameSpan(d.field), 'This layer has neither bottom nor top.');
    for (const t of d.tops) blobs.write(doc.value(t), i);
  }
  if (!inputs.found && !diagnostics.some((x) => x.code === 'missing-input')) {
    diag(
      'missing-input',
      { start: 0, end: 0 },
      'No input size: add input: "data" with four input_dim lines (N, C, H, W), or an Input layer with input_param { shape { dim: ... } }.',
    );
  }
  settleDepthwise(graph, dwOut, diag);
  markClassifiers(graph);
  return { graph, diagnostics, defs, layerDefs: layerDefsOut, inputSize: inputs.sizeValues };
}
