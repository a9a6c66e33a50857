// Which channels `layerlint import --prune-dead` removes: for each dead-depthwise-kernel
// finding, the dead channels leave the depthwise conv and the conv that produces its input
// (through batch norms, per-channel scales, activations, dropouts and identities that only it reads), so the
// next layer's input channels go too. Pure: analysis and findings in, new channel counts out.
//
// Contract: a layer is pruned only when every channel count that changes belongs to a chain
// that nothing else reads (no merge, no second reader); otherwise the finding is listed as
// `kept` with the reason, and nothing is changed for it.
import type { Analysis } from '../core/analysis';
import type { EngineDiagnostic } from '../core/diagnostics';
import type { LayerOp } from '../core/ir';

export interface Pruning {
  /** Layer index → its op with the dead channels removed. */
  ops: Map<number, LayerOp>;
  /** Per pruned depthwise layer: its name, how many channels went, of how many. */
  pruned: { layer: string; dead: number; total: number; producer: string }[];
  /** Findings left alone, and why. */
  kept: { layer: string; why: string }[];
}

/** Ops whose output has as many channels as their input, and which can lose channels with it. */
const FOLLOWS_CHANNELS = new Set<LayerOp['kind']>(['bn', 'scale', 'act', 'dropout', 'identity']);

export function deadChannelPruning(analysis: Analysis, findings: readonly EngineDiagnostic[]): Pruning {
  const layers = analysis.graph.layers;
  const readers = new Array<number>(layers.length).fill(0);
  const readBy: number[][] = layers.map(() => []);
  for (const l of layers)
    for (const i of l.inputs)
      if (i >= 0) {
        readers[i]!++;
        readBy[i]!.push(l.index);
      }
  /** Whether every path from layer `i`'s output reaches a conv or fc (which takes fewer input channels) through channel-following layers only. */
  const endsInWeights = (i: number): boolean =>
    readBy[i]!.length > 0 &&
    readBy[i]!.every((r) => {
      const op = layers[r]!.op;
      if (op.kind === 'conv' || op.kind === 'fc') return op.kind === 'fc' || op.groups === 1;
      return FOLLOWS_CHANNELS.has(op.kind) && layers[r]!.inputs.length === 1 && endsInWeights(r);
    });
  const byName = new Map(layers.map((l) => [l.name, l.index]));
  const result: Pruning = { ops: new Map(), pruned: [], kept: [] };
  for (const f of findings) {
    const data = f.data as { kind?: string; layer?: string; dead?: number; total?: number } | undefined;
    if (f.code !== 'dead-depthwise-kernel' || data?.kind !== 'dead-kernels' || !data.layer) continue;
    const { layer: name, dead = 0, total = 0 } = data;
    const keep = (why: string) => result.kept.push({ layer: name, why });
    const dw = layers[byName.get(name) ?? -1];
    if (!dw || dead <= 0 || dead >= total) {
      keep('the finding does not name a depthwise layer with live channels');
      continue;
    }
    const dwOp = dw.op;
    const depthwise =
      (dwOp.kind === 'conv' && dwOp.groups === dwOp.out && dwOp.out === total) ||
      (dwOp.kind === 'dwconv' && dwOp.multiplier === 1);
    if (!depthwise || dw.inputs.length !== 1) {
      keep('not a one-input depthwise convolution with one kernel per channel');
      continue;
    }
    if (!endsInWeights(dw.index)) {
      keep('its output reaches a layer other than a plain conv or fc (a merge, a grouped conv, the output)');
      continue;
    }
    // Walk up to the conv that makes these channels, through layers only this chain reads.
    let at = dw.inputs[0]!;
    let producer: number | undefined;
    while (at >= 0 && readers[at] === 1 && !result.ops.has(at)) {
      const op = layers[at]!.op;
      if (op.kind === 'conv' && op.groups === 1) {
        producer = at;
        break;
      }
      if (!FOLLOWS_CHANNELS.has(op.kind) || layers[at]!.inputs.length !== 1) break;
      at = layers[at]!.inputs[0]!;
    }
    if (producer === undefined) {
      keep('its input channels also reach another layer, or do not come from a plain conv');
      continue;
    }
    const made = layers[producer]!.op as Extract<LayerOp, { kind: 'conv' }>;
    result.ops.set(producer, { ...made, out: made.out - dead });
    if (dwOp.kind === 'conv') result.ops.set(dw.index, { ...dwOp, out: dwOp.out - dead, groups: dwOp.groups - dead });
    result.pruned.push({ layer: name, dead, total, producer: layers[producer]!.name });
  }
  return result;
}
