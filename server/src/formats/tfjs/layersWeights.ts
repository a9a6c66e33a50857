// The weights of a TensorFlow.js layers model, for the weight-aware rules: the manifest names
// each weight `LAYER/VARIABLE` (sometimes after a model-name prefix). A DepthwiseConv2D or
// SeparableConv2D's `depthwise_kernel` [K_h, K_w, C, M] gives its dead kernels; a
// BatchNormalization's `gamma` its dead channels, and, when it reads that depthwise conv
// directly, γ / √(moving_variance + ε) folded into the kernels.
//
// Contract: never throws; layers whose weights cannot be found or read are left as they are.
import type { Graph } from '../../core/ir';
import { channelsLastMagnitudes, deadChannels, deadKernels, scaled } from '../weights';
import type { WeightShards } from './weights';

/** `epsilonOf(layer name)`: a BatchNormalization's ε from its config. */
export function applyLayersWeights(graph: Graph, weights: WeightShards, epsilonOf: (layer: string) => number): void {
  const find = (layer: string, variable: string): Float64Array | undefined =>
    weights.values(`${layer}/${variable}`) ?? weights.values(weights.suffixed(`/${layer}/${variable}`) ?? '');
  const raw = new Map<number, Float64Array>();
  for (const l of graph.layers) {
    const op = l.op;
    if (op.kind === 'dwconv') {
      const data = find(l.name, 'depthwise_kernel');
      const shape = weights.entry(`${l.name}/depthwise_kernel`)?.shape;
      const channels = shape?.[2] ?? (data ? data.length / (op.kh * op.kw * op.multiplier) : 0);
      const m = data ? channelsLastMagnitudes(data, channels, op.multiplier) : undefined;
      if (m) {
        raw.set(l.index, m);
        l.deadKernels = deadKernels(m, m);
      }
    } else if (op.kind === 'bn') {
      const gamma = find(l.name, 'gamma');
      if (!gamma || gamma.length === 0) continue;
      l.deadChannels = deadChannels(gamma);
      const conv = graph.layers[l.inputs[0] ?? -1];
      const m = conv ? raw.get(conv.index) : undefined;
      const variance = find(l.name, 'moving_variance');
      if (!conv || !m || !variance || variance.length !== gamma.length) continue;
      const eps = epsilonOf(l.name);
      const folded = scaled(
        m,
        gamma.map((g, k) => g / Math.sqrt(variance[k]! + eps)),
      );
      if (folded) conv.deadKernels = deadKernels(folded, m);
    }
  }
}
