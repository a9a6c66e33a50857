// Passes over the lowered Caffe graph that need input channels, hence shapes: convolutions
// that are depthwise (group = C_in) and the multiplier of depthwise fork types; and the
// classifier convolution, which the width multiplier α does not scale.
import type { Diag } from './fields';
import type { Graph } from '../../core/ir';
import { inferShapes } from '../../core/shapes';

/**
 * A Convolution whose `group` equals its input channels is a depthwise convolution: it
 * becomes a `dwconv` (multiplier = num_output / C_in), so the width multiplier α scales it
 * as a depthwise layer. DepthwiseConvolution layers get their multiplier the same way.
 * `dwOut` holds the num_output of each depthwise fork layer. A conv becoming a `dwconv` keeps
 * its output shape (C_in x num_output / C_in channels), so only a changed multiplier changes
 * shapes further on: passes repeat until none does. Without grouped convolutions or fork
 * layers there is nothing to settle and no shapes are inferred.
 */
export function settleDepthwise(graph: Graph, dwOut: Map<number, number>, diag: Diag): void {
  if (dwOut.size === 0 && !graph.layers.some((l) => l.op.kind === 'conv' && l.op.groups > 1)) return;
  const reported = new Set<number>();
  for (let pass = 0; pass < 16; pass++) {
    const { shapes, input } = inferShapes(graph);
    let changed = false;
    for (const l of graph.layers) {
      const src = l.inputs[0];
      const inShape = src === undefined ? null : src < 0 ? input : shapes[src];
      if (!inShape) continue;
      const c = inShape[2];
      const op = l.op;
      if (op.kind === 'conv' && op.groups > 1 && op.groups === c && op.out % c === 0) {
        l.op = {
          kind: 'dwconv',
          kh: op.kh,
          kw: op.kw,
          sh: op.sh,
          sw: op.sw,
          dh: op.dh,
          dw: op.dw,
          padding: op.padding,
          bias: op.bias,
          multiplier: op.out / c,
        };
      } else if (op.kind === 'dwconv' && dwOut.has(l.index)) {
        const want = dwOut.get(l.index);
        const m = want !== undefined && want % c === 0 ? want / c : 1;
        if (want !== undefined && want % c !== 0 && !reported.has(l.index)) {
          reported.add(l.index);
          diag(
            'channel-mismatch',
            l.span,
            `A depthwise convolution on ${c} channels cannot have num_output ${want}: it must be a multiple of ${c}.`,
          );
        }
        if (m !== op.multiplier) {
          op.multiplier = m;
          changed = true;
        }
      }
    }
    if (!changed) return;
  }
}

/** A conv with no weighted layer after it is the classifier: α does not scale its outputs. */
export function markClassifiers(graph: Graph): void {
  const n = graph.layers.length;
  // A plain array: a typed array this long would live outside the heap, costlier to make.
  const weightedAfter: boolean[] = new Array(n).fill(false);
  for (let i = n - 1; i >= 0; i--) {
    const l = graph.layers[i]!;
    const op = l.op;
    const kind = op.kind;
    const weighted = kind === 'conv' || kind === 'dwconv' || kind === 'deconv' || kind === 'fc';
    for (const j of l.inputs) if (j >= 0 && (weighted || weightedAfter[i])) weightedAfter[j] = true;
    if ((op.kind === 'conv' || op.kind === 'deconv') && !weightedAfter[i]) op.fixed = true;
  }
}
