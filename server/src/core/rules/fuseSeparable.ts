// fuse-separable: with a latency target, a depthwise KxK conv whose output goes (through its
// BN and activation only) to a pointwise 1x1 conv, where one standard KxK conv from the
// depthwise input to the pointwise output (EfficientNetV2's Fused-MBConv) is estimated faster
// on the target than the pair (core/latency.ts). The reverse of separable-conv; a finding,
// with no automatic fix.
import type { LayerResult } from '../costs';
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import { compact } from '../format';
import { fusedConvLatency, ms, signedPercent } from '../latency';
import type { Rule } from './types';

/** A depthwise conv with a kernel larger than 1x1, as its kernel area, or undefined. */
function depthwiseArea(l: LayerResult): number | undefined {
  const op = l.layer.op;
  if (op.kind === 'dwconv' && op.multiplier === 1) return op.kh * op.kw > 1 ? op.kh * op.kw : undefined;
  if (op.kind === 'conv' && l.kind === 'depthwise' && l.output && l.inputs && l.output[2] === l.inputs[0]![2])
    return op.kh * op.kw > 1 ? op.kh * op.kw : undefined;
  return undefined;
}

const isPointwise = (l: LayerResult) => {
  const op = l.layer.op;
  return op.kind === 'conv' && op.groups === 1 && op.kh === 1 && op.kw === 1 && op.sh === 1 && op.sw === 1;
};

export const fuseSeparable: Rule = (analysis) => {
  const est = analysis.latency();
  if (!est) return [];
  const t = est.target;
  const next = analysis.soleConsumers();
  const layers = analysis.layers;
  const batch = analysis.graph.input.batch;
  const bySpan = new Map<
    number,
    { d: LayerResult; p: LayerResult; count: number; ms: number; fusedMs: number; fusedMacs: number; macs: number }
  >();
  for (const d of analysis.weightedLayers()) {
    const k2 = depthwiseArea(d);
    if (k2 === undefined || !d.inputs || !d.output) continue;
    // Follow the single consumer through BN, scale and activation layers to a pointwise conv.
    let pairMs = est.layers[d.layer.index]?.ms ?? Number.NaN;
    let i = next[d.layer.index]!;
    while (i >= 0 && ['bn', 'scale', 'act'].includes(layers[i]!.layer.op.kind)) {
      pairMs += est.layers[i]?.ms ?? Number.NaN;
      i = next[i]!;
    }
    const p = i >= 0 ? layers[i]! : undefined;
    if (!p?.output || !isPointwise(p) || p.layer.inputs.length !== 1) continue;
    pairMs += est.layers[p.layer.index]?.ms ?? Number.NaN;
    if (!Number.isFinite(pairMs)) continue;
    const f = fusedConvLatency(t, d.inputs[0]!, p.output, k2, batch);
    if (f.fusedMs >= pairMs) continue;
    const prev = bySpan.get(d.layer.span.start);
    if (prev) {
      prev.count++;
      prev.ms += pairMs;
      prev.fusedMs += f.fusedMs;
      prev.fusedMacs += f.fusedMacs;
      prev.macs += d.macs + p.macs;
    } else
      bySpan.set(d.layer.span.start, {
        d,
        p,
        count: 1,
        ms: pairMs,
        fusedMs: f.fusedMs,
        fusedMacs: f.fusedMacs,
        macs: d.macs + p.macs,
      });
  }
  const out: EngineDiagnostic[] = [];
  for (const { d, p, count, ms: pairMs, fusedMs, fusedMacs, macs } of bySpan.values()) {
    const op = d.layer.op as { kh: number; kw: number };
    out.push(
      makeDiagnostic(
        'fuse-separable',
        d.layer.span,
        `${d.layer.name} + ${p.layer.name}: one ${op.kh}x${op.kw} conv would be faster on ${t.id}: estimated ${ms(pairMs)} → ${ms(fusedMs)} (${signedPercent(fusedMs, pairMs)})${count > 1 ? ` over ${count} instances` : ''}, for ${compact(macs)} → ${compact(fusedMacs)} MACs (Fused-MBConv).`,
        {
          kind: 'fuse',
          depthwise: d.layer.index,
          pointwise: p.layer.index,
          target: t.id,
          ms: pairMs,
          fusedMs,
          macs,
          fusedMacs,
        },
      ),
    );
  }
  return out;
};
