// ONNX graph → IR: only orders the steps. Initializers become constants (values.ts), the
// network input sets the IR input and batch (input.ts), the nodes are walked in file order
// (walk.ts: constant folding, Pad folding, lowering by op family), then the checks run
// (checks.ts). At most LIMITS.maxLayers layers are made (then one `limit-exceeded`). A layer's [H, W, C] is its tensor's canonical view: [N, C, H, W] → [H, W, C],
// [N, C, L] → [L, 1, C], [N, F] → [1, 1, F], higher ranks → [1, elements, 1]. A node that
// cannot be shaped and costed exactly becomes `{ kind: 'unknown', type }` naming the op and
// why; every node fed by an unknown value is an identity that core shapes leave unknown.
//
// Contract: lowerOnnx never throws; after lowering, core shape inference is run and a layer
// whose IR shape differs from the tensor's canonical view is made unknown (so no figure from
// a mismatched lowering is ever shown as exact).
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import { exact } from '../../core/format';
import { emptyGraph, type Graph } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import type { Companions } from '../types';
import { checkAgainstCore, checkValueInfo } from './checks';
import type { GraphProto } from './decode';
import { readInput } from './input';
import { constOf, type Value } from './values';
import { GraphWalk } from './walk';

export interface OnnxLowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  /** The ONNX node each layer came from (index into graph.node), for findings that name it. */
  nodeOf: number[];
  /** Per layer: the N-D dims of the tensor it makes, as ONNX states them (undefined when unknown). */
  tensorDims: (number[] | undefined)[];
}

const NOWHERE = { start: 0, end: 0 };

export function lowerOnnx(g: GraphProto, name: string, opset: number, companions?: Companions): OnnxLowered {
  const diagnostics: EngineDiagnostic[] = [];
  const note = (
    code: 'assumed-dimension' | 'missing-input' | 'syntax-error' | 'limit-exceeded' | 'external-data',
    message: string,
  ) => diagnostics.push(makeDiagnostic(code, NOWHERE, message));
  const values = new Map<string, Value>();
  for (const t of g.initializer ?? []) values.set(t.name ?? '', constOf(t, true));
  const graph = emptyGraph('onnx', name || g.name || 'model');
  const batch = readInput(g, values, graph, note);
  const walk = new GraphWalk(graph, values, batch, opset, companions);
  const nodes = g.node ?? [];
  for (let i = 0; i < nodes.length; i++) {
    if (graph.layers.length >= LIMITS.maxLayers) {
      note(
        'limit-exceeded',
        `The model has more than ${exact(LIMITS.maxLayers)} layers; analysis stops at node ${i + 1} of ${exact(nodes.length)}.`,
      );
      break;
    }
    walk.visit(nodes[i]!, i);
  }
  for (const problem of walk.external.problems)
    note('external-data', `The weight-aware rules cannot check this tensor: ${problem}`);
  checkAgainstCore(graph, walk.expected);
  checkValueInfo(g, values, graph, batch);
  const tensorDims = graph.layers.map((l) => (l.op.kind === 'unknown' ? undefined : walk.dims[l.index]));
  return { graph, diagnostics, nodeOf: walk.nodeOf, tensorDims };
}
