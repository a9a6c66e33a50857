// dead-depthwise-kernel: a depthwise convolution some of whose kernels are all zero or
// negligible (the front-end read the weights and folded a following batch norm into them:
// Layer.deadKernels). Such a channel outputs a constant (its bias), so it can be folded into
// the next layer's bias and removed. Silent when the file holds no weights.
import { exact } from '../format';
import { makeDiagnostic, type EngineDiagnostic } from '../diagnostics';
import type { Rule } from './types';

export const deadDepthwiseKernel: Rule = (analysis) => {
  const out: EngineDiagnostic[] = [];
  for (const l of analysis.weightedLayers()) {
    const dead = l.layer.deadKernels;
    if (!dead || dead.dead === 0 || !l.output || !l.inputs) continue;
    const op = l.layer.op;
    if (op.kind !== 'dwconv' && op.kind !== 'conv') continue;
    const perKernelMacs = dead.total > 0 ? l.macs / dead.total : 0;
    const perKernelParams = op.kh * op.kw;
    const cause =
      dead.byGamma === dead.dead
        ? 'the batch norm after it has γ ≈ 0 on those channels (pruned or collapsed in training)'
        : dead.byGamma > 0
          ? `${dead.dead - dead.byGamma} have all-zero weights and ${dead.byGamma} a batch-norm γ ≈ 0 after them (pruned or collapsed channels)`
          : 'their weights are all zero (pruned, or channels that never trained)';
    out.push(
      makeDiagnostic(
        'dead-depthwise-kernel',
        l.layer.span,
        `${exact(dead.dead)} of ${exact(dead.total)} depthwise kernels are all zero or negligible: each of those channels is a constant; removing them saves ${exact(perKernelMacs * dead.dead)} MACs and ${exact(perKernelParams * dead.dead)} weights here (and their input channels in the next layer). Likely cause: ${cause}.`,
        { kind: 'dead-kernels', layer: l.layer.name, dead: dead.dead, total: dead.total },
      ),
    );
  }
  return out;
};
