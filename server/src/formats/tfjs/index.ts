// TensorFlow.js graph models (docs/formats/tfjs.md): `model.json` with `"format":
// "graph-model"`, whose `modelTopology.node` lists TensorFlow NodeDefs, and the
// `weightsManifest` shards of any model.json (./weights.ts). The `.json` front-end (../keras,
// which judges every JSON model by its content) hands graph models to `parseGraphModel` and
// takes a layers model's weights through `manifestOf` and `applyLayersWeights`. Spans: each
// layer's is its node's `"name"` value, its statement the node object (../jsonText.ts).
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import { emptyGraph, type Span } from '../../core/ir';
import { member, memberText, spanOf } from '../jsonText';
import type { Companions, Parsed } from '../types';
import { lowerGraphModel, type SourceNode } from './lower';
import { WeightShards } from './weights';

export { applyLayersWeights } from './layersWeights';

/** The model's weights (the `weightsManifest` of a model.json root), read through `companions` when asked. */
export function manifestOf(root: YAMLMap, companions: Companions | undefined, at: Span): WeightShards {
  const manifest = member(root, 'weightsManifest');
  const spans = isSeq(manifest)
    ? manifest.items.map((g) => (isMap(g) ? spanOf(member(g, 'paths'), spanOf(g, at)) : at))
    : [];
  return new WeightShards(manifest?.toJSON() as unknown, spans, spanOf(manifest, at), companions);
}

/** Sizes of a `{dim: [{size: "1"}, ...]}` shape (-1 where unknown). */
function dimsOfShape(shape: unknown): number[] | undefined {
  const dim = (shape as { dim?: unknown } | undefined)?.dim;
  if (!Array.isArray(dim)) return (shape as { unknownRank?: unknown })?.unknownRank ? undefined : [];
  return dim.map((d) => Number((d as { size?: unknown })?.size ?? -1));
}

function sourceNode(item: YAMLMap, fallback: Span): SourceNode | undefined {
  const nameNode = member(item, 'name');
  if (!isScalar(nameNode)) return undefined;
  const statement = spanOf(item, fallback);
  const input = member(item, 'input');
  const inputs = isSeq(input)
    ? input.items
        .filter(isScalar)
        .map((s) => String(s.value))
        .filter((s) => !s.startsWith('^'))
    : [];
  const attrNode = member(item, 'attr');
  const attr = (isMap(attrNode) ? attrNode.toJSON() : {}) as Record<string, unknown>;
  const value = attr.value as { tensor?: { tensorShape?: unknown } } | undefined;
  const shape = attr.shape as { shape?: unknown } | undefined;
  return {
    name: String(nameNode.value),
    op: memberText(item, 'op'),
    inputs,
    attr,
    span: spanOf(nameNode, statement),
    statement,
    constShape: value?.tensor?.tensorShape ? dimsOfShape(value.tensor.tensorShape) : undefined,
    placeholderShape: shape?.shape ? dimsOfShape(shape.shape) : undefined,
  };
}

/** A graph model from its parsed JSON root (`root.format` is graph-model). */
export function parseGraphModel(root: YAMLMap, base: string, whole: Span, companions?: Companions): Parsed {
  const diagnostics: EngineDiagnostic[] = [];
  const topology = member(root, 'modelTopology');
  const nodeList = isMap(topology) ? member(topology, 'node') : undefined;
  if (!isSeq(nodeList)) {
    diagnostics.push(
      makeDiagnostic(
        'syntax-error',
        spanOf(topology ?? root, whole),
        'A graph model’s modelTopology holds no node list.',
      ),
    );
    return { graph: emptyGraph('tfjs', base, whole), diagnostics };
  }
  const nodes: SourceNode[] = [];
  const seen = new Set<string>();
  for (const item of nodeList.items as Node[]) {
    const n = isMap(item) ? sourceNode(item, whole) : undefined;
    if (!n) {
      diagnostics.push(makeDiagnostic('syntax-error', spanOf(item, whole), 'A node without a name.'));
      continue;
    }
    if (seen.has(n.name)) {
      diagnostics.push(makeDiagnostic('duplicate-name', n.span, `A second node named '${n.name}': it is left out.`));
      continue;
    }
    seen.add(n.name);
    nodes.push(n);
  }
  const header = spanOf(member(root, 'format'), whole);
  const weights = manifestOf(root, companions, header);
  const lowered = lowerGraphModel(nodes, weights, { name: base, header });
  return { graph: lowered.graph, diagnostics: [...diagnostics, ...lowered.diagnostics, ...weights.diagnostics] };
}
