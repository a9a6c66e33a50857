// channels-not-multiple-of-8: conv outputs whose channel count is not a multiple of 8 map
// poorly onto SIMD lanes and tensor cores. With a latency target the multiple is the target's
// channel granularity (16 for AVX-512 fp32 and NEON int8, 8 for fp16 tensor cores, 4 for NEON
// fp32, 32 for the Edge TPU), and a target with a minimum channel count (an NPU's array
// width) also reports counts below it: the channel count the estimate charges
// (core/targets.ts channelsAsRun, core/latency.ts). Convs marked `fixed` (detection heads) are skipped.
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import { channelsAsRun } from '../targets';
import type { Rule } from './types';

export const channelsMultipleOf8: Rule = (analysis) => {
  const out: EngineDiagnostic[] = [];
  const seen = new Set<number>();
  const target = analysis.target;
  const g = target?.channelGranularity ?? 8;
  for (const l of analysis.weightedLayers()) {
    const op = l.layer.op;
    if ((op.kind !== 'conv' && op.kind !== 'deconv') || op.fixed || !l.output || seen.has(l.layer.span.start)) continue;
    const c = l.output[2];
    const runs = target ? channelsAsRun(target, c) : Math.ceil(c / g) * g;
    if (runs === c) continue;
    seen.add(l.layer.span.start);
    const min = target?.minChannels;
    out.push(
      makeDiagnostic(
        'channels-not-multiple-of-8',
        l.layer.span,
        !target
          ? `${c} output channels is not a multiple of 8; ${runs} would use vector units fully.`
          : min !== undefined && c < min
            ? `${c} output channels is below ${min}, the fewest channels ${target.id} runs a kernel with: it runs as ${runs} (estimated at ${runs} channels' cost); ${runs} would use the array fully.`
            : `${c} output channels is not a multiple of ${g}, the channel granularity of ${target.id}: it runs as ${runs} (estimated at ${runs} channels' cost); ${runs} would use the vector units fully.`,
      ),
    );
  }
  return out;
};
