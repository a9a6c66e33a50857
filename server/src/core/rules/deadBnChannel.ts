// dead-bn-channel: a batch norm some of whose channels have a scale γ that is negligible
// against the layer's largest |γ| (the front-end read γ from the file: Layer.deadChannels).
// Such a channel outputs its shift β whatever its input, so it can be removed with the
// channels that feed it (the conv before it, when the norm is its only reader) and the
// matching input channels of the next weighted layer (reached through activations), β
// folded into that layer's bias. Silent when the file holds no γ.
import { exact } from '../format';
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import type { LayerResult } from '../costs';
import type { Rule } from './types';

/** Layers a channel passes through unchanged in count (one input, one output per channel). */
const CHANNELWISE = new Set(['act', 'identity', 'dropout', 'bn', 'scale']);

/** MACs and parameters per channel of `l` along its output (`out`) or input channels, when they divide exactly. */
function perChannel(l: LayerResult | undefined, side: 'out' | 'in'): { macs: number; params: number } | undefined {
  const op = l?.layer.op;
  if (!l || !op || !l.output || !l.inputs?.[0]) return undefined;
  const c = side === 'out' ? l.output[2] : l.inputs[0][2];
  const weighted = op.kind === 'conv' || op.kind === 'dwconv' || op.kind === 'fc';
  if (!weighted || (op.kind === 'conv' && op.groups !== 1 && side === 'in')) return undefined;
  // A bias belongs to output channels: an input channel removes only weights.
  const bias = side === 'in' && (op.kind === 'conv' || op.kind === 'fc') && op.bias ? l.output[2] : 0;
  const macs = l.macs / c;
  const params = (l.params - bias) / c;
  return Number.isInteger(macs) && Number.isInteger(params) ? { macs, params } : undefined;
}

export const deadBnChannel: Rule = (analysis) => {
  const out: EngineDiagnostic[] = [];
  const next = analysis.soleConsumers();
  for (const l of analysis.layers) {
    const dead = l.layer.deadChannels;
    if (!dead || dead.dead === 0 || l.layer.op.kind !== 'bn') continue;
    let macs = 0;
    let params = 2 * dead.dead;
    const parts = [`${exact(2 * dead.dead)} of this norm's parameters`];
    const before = l.layer.inputs[0] ?? -1;
    const producer = before >= 0 && next[before] === l.layer.index ? analysis.layers[before] : undefined;
    const made = perChannel(producer, 'out');
    if (made && producer) {
      macs += made.macs * dead.dead;
      params += made.params * dead.dead;
      parts.push(`those output channels of ${producer.layer.name}`);
    }
    let k = next[l.layer.index]!;
    for (let steps = 0; k >= 0 && steps < 100 && CHANNELWISE.has(analysis.layers[k]!.layer.op.kind); steps++)
      k = next[k]!;
    const consumer = k >= 0 ? analysis.layers[k] : undefined;
    const read = perChannel(consumer, 'in');
    if (read && consumer) {
      macs += read.macs * dead.dead;
      params += read.params * dead.dead;
      parts.push(`the matching input channels of ${consumer.layer.name}`);
    }
    out.push(
      makeDiagnostic(
        'dead-bn-channel',
        l.layer.span,
        `${exact(dead.dead)} of ${exact(dead.total)} channels of this batch norm have a scale γ ≈ 0: each outputs its shift β whatever its input, a constant the next layer's bias can absorb. Removing them saves ${exact(macs)} MACs and ${exact(params)} parameters (${parts.join(', ')}). Likely cause: channels pruned or collapsed in training (L1 on γ, weight decay).`,
        { kind: 'dead-channels', layer: l.layer.name, dead: dead.dead, total: dead.total },
      ),
    );
  }
  return out;
};
