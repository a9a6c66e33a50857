// unbalanced-pointwise: a 1x1 conv (stride 1, one group) whose larger channel count is more
// than the pointwiseRatio threshold times its smaller one, where that costs memory traffic. ShuffleNet v2's
// guideline G1: a 1x1 conv from c1 to c2 channels on an h×w map does B = hw·c1·c2 MACs and has
// a memory access cost (elements read and written: input, output, weights) of
//   MAC = hw·(c1 + c2) + c1·c2 ≥ 2·√(hw·B) + B/hw,
// with equality when c1 = c2. The finding gives the layer's MAC, the balanced bound for the same
// MACs and the excess, hw·(√c1 − √c2)², in elements and in bytes at the target's precision (fp32
// without one); it fires only when the excess is at least pointwiseExcess of the layer's MAC
// (on a 1x1 map the weights dominate and the channel ratio does not matter). Convs marked
// `fixed` (heads whose channel counts are prescribed) are skipped.
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import { compact, exact } from '../format';
import type { Rule } from './types';

export const unbalancedPointwise: Rule = (analysis, options) => {
  const out: EngineDiagnostic[] = [];
  const seen = new Set<number>();
  const bytesPerElement = analysis.target?.bytesPerElement ?? 4;
  const precision = analysis.target?.precision ?? 'fp32';
  for (const l of analysis.weightedLayers()) {
    const op = l.layer.op;
    if (op.kind !== 'conv' || op.fixed || op.groups !== 1 || op.kh * op.kw !== 1 || op.sh * op.sw !== 1) continue;
    if (!l.inputs || !l.output || seen.has(l.layer.span.start)) continue;
    const [h, w, c2] = l.output;
    const c1 = l.inputs[0]![2];
    const ratio = Math.max(c1, c2) / Math.min(c1, c2);
    if (ratio <= options.pointwiseRatio) continue;
    const hw = h * w;
    const macs = hw * c1 * c2;
    const mac = hw * (c1 + c2) + c1 * c2;
    const balanced = 2 * Math.sqrt(hw * macs) + macs / hw;
    if (mac - balanced < options.pointwiseExcess * mac) continue;
    seen.add(l.layer.span.start);
    const bound = Math.round(balanced);
    const bytes = (n: number) => `${compact(n * bytesPerElement)}B`;
    out.push(
      makeDiagnostic(
        'unbalanced-pointwise',
        l.layer.span,
        `${l.layer.name}: 1x1 conv from ${c1} to ${c2} channels (1:${Number(ratio.toFixed(1))}) on ${h}x${w}: memory access ${exact(mac)} elements (${bytes(mac)} ${precision}) for ${exact(macs)} MACs per image; with equal channel counts (√(${c1}·${c2}) ≈ ${Math.round(Math.sqrt(c1 * c2))}) the same MACs need ${exact(bound)} (${bytes(bound)}), ${(((mac - balanced) / mac) * 100).toFixed(0)}% less (ShuffleNet v2 G1: MAC ≥ 2√(hw·B) + B/hw).`,
        {
          kind: 'memory-access',
          layer: l.layer.index,
          macs,
          mac,
          lowerMac: bound,
          bytesPerElement,
        },
      ),
    );
  }
  return out;
};
