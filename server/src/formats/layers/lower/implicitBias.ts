// Implicit conv biases: a conv-like layer without `bias=` has a bias unless its only
// consumer is a batch norm, which is known only once the whole graph is lowered.
import { soleConsumers } from '../../../core/costs';
import type { Layer, LayerOp } from '../../../core/ir';
import type { SharedOp } from './sharedOps';

/** Whether a conv-like layer's implicit bias stays: it does unless its only consumer is a batch norm. */
export function implicitBiasOf(layers: readonly Layer[], sole: Int32Array, index: number): boolean {
  const c = sole[index]!;
  return !(c >= 0 && layers[c]!.op.kind === 'bn');
}

/** Conv-like layers without `bias=`, and the shared op each uses, if any, until their biases are decided. */
export class ImplicitBiases {
  private readonly indices: number[] = [];
  private readonly shared: (SharedOp | undefined)[] = [];

  add(index: number, shared: SharedOp | undefined): void {
    this.indices.push(index);
    this.shared.push(shared);
  }
  /** Sets every recorded layer's bias; a shared op gets one copy with and one without a bias. */
  decide(layers: Layer[]): void {
    const sole = soleConsumers(layers);
    for (let k = 0; k < this.indices.length; k++) {
      const i = this.indices[k]!;
      const bias = implicitBiasOf(layers, sole, i);
      const shared = this.shared[k];
      if (shared)
        layers[i]!.op = bias
          ? (shared.withBias ??= { ...shared.op, bias } as LayerOp)
          : (shared.withoutBias ??= { ...shared.op, bias } as LayerOp);
      else (layers[i]!.op as { bias: boolean }).bias = bias;
    }
  }
}
