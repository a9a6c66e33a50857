// separable-conv: a standard KxK convolution (K > 1, groups = 1) that a depthwise KxK plus a
// pointwise 1x1 could replace. MACs ratio of the separable form: 1/N + 1/K^2. With a latency
// target, the message adds the estimated latency change (core/latency.ts), and a rewrite that
// would not be faster on the target says so at severity info.
import type { LayerResult } from '../costs';
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import { compact, exact } from '../format';
import { ms, separableLatency, signedPercent } from '../latency';
import type { Rule } from './types';

export interface SeparableSavings {
  macs: number;
  separableMacs: number;
  params: number;
  separableParams: number;
  ratio: number;
}

/**
 * What the depthwise-separable rewrite of one conv costs: a depthwise KxK (stride, padding
 * and dilation of the original), BN, activation, a pointwise 1x1 conv without bias, BN.
 * `params` counts the original conv plus the BN that follows it, if any.
 */
export function dscSavings(l: LayerResult, followedByBn: boolean, batch: number): SeparableSavings | undefined {
  const op = l.layer.op;
  if (op.kind !== 'conv' || !l.inputs || !l.output) return undefined;
  const [ho, wo, n] = l.output;
  const m = l.inputs[0]![2];
  const k2 = op.kh * op.kw;
  const separableMacs = (ho * wo * m * k2 + ho * wo * m * n) * batch;
  const separableParams = k2 * m + 2 * m + m * n + 2 * n;
  return {
    macs: l.macs,
    separableMacs,
    params: l.params + (followedByBn ? 2 * n : 0),
    separableParams,
    ratio: 1 / n + 1 / k2,
  };
}

export function isSeparableCandidate(l: LayerResult, minInputChannels: number): boolean {
  const op = l.layer.op;
  return (
    op.kind === 'conv' &&
    op.groups === 1 &&
    // Shared weights (darknet share_index) must keep their shape; XNOR convs are not float convs.
    !op.shared &&
    !op.xnor &&
    op.kh * op.kw > 1 &&
    !!l.inputs &&
    !!l.output &&
    l.inputs[0]![2] > minInputChannels
  );
}

/** Layers with one key are instances of one op: same place in the text, same conv settings. */
function instanceKey(l: LayerResult): string {
  const op = l.layer.op as Extract<LayerResult['layer']['op'], { kind: 'conv' }>;
  const p = op.padding;
  return `${l.layer.span.start}:${op.out}:${op.kh}:${op.kw}:${op.sh}:${op.sw}:${op.dh}:${op.dw}:${op.groups}:${p.kind === 'explicit' ? `${p.h}x${p.w}` : p.kind}`;
}

export const separableConv: Rule = (analysis, options) => {
  const out: EngineDiagnostic[] = [];
  const bySpan = new Map<
    number,
    { first: LayerResult; count: number; s: SeparableSavings; lat?: { ms: number; separableMs: number } }
  >();
  const target = analysis.target;
  const batch = analysis.graph.input.batch;
  const next = analysis.soleConsumers();
  // The rewrite is textual: it changes every instance of the op (repeat iterations, block
  // uses), so once one instance qualifies, the savings count every instance of the same op at
  // that place, including those below the thresholds (a repeated conv whose first iteration
  // reads the RGB input). Other ops at the same place (a module line of another format
  // expands to several convs) are not rewritten with it and not counted.
  const qualifying = new Set<string>();
  const candidates = analysis.weightedLayers().filter((l) => isSeparableCandidate(l, -1));
  const keys = candidates.map(instanceKey);
  candidates.forEach((l, k) => {
    if (isSeparableCandidate(l, options.separableMinInputChannels) && l.macs >= options.separableMinMacs)
      qualifying.add(keys[k]!);
  });
  for (let k = 0; k < candidates.length; k++) {
    const l = candidates[k]!;
    if (!qualifying.has(keys[k]!)) continue;
    const c = next[l.layer.index]!;
    const followedByBn = c >= 0 && analysis.layers[c]!.layer.op.kind === 'bn';
    const s = dscSavings(l, followedByBn, batch);
    if (!s) continue;
    const lat = target && separableLatency(target, l, batch);
    const prev = bySpan.get(l.layer.span.start);
    if (prev) {
      // The message describes (and the fix targets) a qualifying instance.
      if (!isSeparableCandidate(prev.first, options.separableMinInputChannels)) {
        prev.first = l;
        prev.s.ratio = s.ratio;
      }
      prev.count++;
      prev.s.macs += s.macs;
      prev.s.separableMacs += s.separableMacs;
      prev.s.params += s.params;
      prev.s.separableParams += s.separableParams;
      if (prev.lat && lat) {
        prev.lat.ms += lat.ms;
        prev.lat.separableMs += lat.separableMs;
      }
    } else bySpan.set(l.layer.span.start, lat ? { first: l, count: 1, s, lat } : { first: l, count: 1, s });
  }
  for (const { first, count, s, lat } of bySpan.values()) {
    const op = first.layer.op as { kh: number; kw: number };
    const n = first.output![2];
    const k2 = op.kh * op.kw;
    const times = count > 1 ? ` (${count} instances)` : '';
    const saved = s.macs - s.separableMacs;
    const pays = !lat || lat.separableMs < lat.ms;
    const change = lat && signedPercent(lat.separableMs, lat.ms);
    const onTarget = lat
      ? pays
        ? `; estimated on ${target!.id}: ${ms(lat.ms)} → ${ms(lat.separableMs)} (${change})`
        : `; but on ${target!.id} it would not be faster: estimated ${ms(lat.ms)} → ${ms(lat.separableMs)} (${change})`
      : '';
    const d = makeDiagnostic(
      'separable-conv',
      first.layer.span,
      // The layer and the saving first: Problems panel rows are cut at the right.
      `${first.layer.name}: depthwise-separable saves ${exact(saved)} MACs (-${((100 * saved) / s.macs).toFixed(1)}%)${onTarget}: ` +
        `${compact(s.macs)} → ${compact(s.separableMacs)} MACs (standard ${op.kh}x${op.kw} conv${times}, ratio 1/${n} + 1/${k2} = ${s.ratio.toFixed(3)}).`,
      {
        kind: 'separable',
        layer: first.layer.index,
        macs: s.macs,
        separableMacs: s.separableMacs,
        params: s.params,
        separableParams: s.separableParams,
        ratio: s.ratio,
        ...(lat ? { latency: { target: target!.id, ms: lat.ms, separableMs: lat.separableMs } } : {}),
      },
    );
    // A rewrite that does not pay on the target is advice against it: shown, but not as a warning.
    out.push(pays ? d : { ...d, severity: 'info' });
  }
  return out;
};
