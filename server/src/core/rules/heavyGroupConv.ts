// heavy-group-conv: a grouped conv (1 < groups < input channels, so not depthwise) whose groups
// raise its memory access cost by at least the heavyGroupRatio threshold against an ungrouped conv with the
// same input and the same MACs. ShuffleNet v2's guideline G2: with the input (hi·wi·c1) and the
// MACs B fixed, a conv with g groups has a memory access cost (elements read and written:
// input, output, weights)
//   MAC_g = hi·wi·c1 + ho·wo·c2 + K²·c1·c2/g,
// and the ungrouped conv with the same MACs (c2/g outputs) MAC_1 = hi·wi·c1 + ho·wo·c2/g +
// K²·c1·c2/g: more groups buy width with memory traffic. The finding gives both, in elements
// and in bytes at the target's precision (fp32 without one), and, with a target whose channel
// granularity exceeds the channels per group, that the estimate runs it at the depthwise rate.
// Convs marked `fixed` are skipped.
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import { compact, exact } from '../format';
import type { Rule } from './types';

export const heavyGroupConv: Rule = (analysis, options) => {
  const out: EngineDiagnostic[] = [];
  const seen = new Set<number>();
  const target = analysis.target;
  const bytesPerElement = target?.bytesPerElement ?? 4;
  const precision = target?.precision ?? 'fp32';
  for (const l of analysis.weightedLayers()) {
    const op = l.layer.op;
    if (op.kind !== 'conv' || op.fixed || op.groups <= 1 || !l.inputs || !l.output || seen.has(l.layer.span.start))
      continue;
    const [hi, wi, c1] = l.inputs[0]!;
    const [ho, wo, c2] = l.output;
    const g = op.groups;
    if (g >= c1) continue;
    const k2 = op.kh * op.kw;
    const weights = (k2 * c1 * c2) / g;
    const mac = hi * wi * c1 + ho * wo * c2 + weights;
    const ungrouped = hi * wi * c1 + (ho * wo * c2) / g + weights;
    const ratio = mac / ungrouped;
    if (ratio < options.heavyGroupRatio) continue;
    seen.add(l.layer.span.start);
    const perGroup = c1 / g;
    const macs = l.macs / analysis.graph.input.batch;
    const bytes = (n: number) => `${compact(n * bytesPerElement)}B`;
    const slow =
      target && perGroup < target.channelGranularity
        ? ` On ${target.id} (${target.channelGranularity} channels per vector) ${perGroup} channels per group run at the depthwise rate.`
        : '';
    out.push(
      makeDiagnostic(
        'heavy-group-conv',
        l.layer.span,
        `${l.layer.name}: ${g} groups of ${perGroup} channels: memory access ${exact(mac)} elements (${bytes(mac)} ${precision}) for ${exact(macs)} MACs per image, ${ratio.toFixed(2)}x the ${exact(ungrouped)} (${bytes(ungrouped)}) of an ungrouped conv with the same input and MACs (${c2 / g} outputs) (ShuffleNet v2 G2).${slow}`,
        { kind: 'memory-access', layer: l.layer.index, macs, mac, lowerMac: ungrouped, bytesPerElement },
      ),
    );
  }
  return out;
};
