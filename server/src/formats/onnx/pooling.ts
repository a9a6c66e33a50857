// Pooling: MaxPool / AveragePool windows (1-D or 2-D, no dilation, symmetric pads, ceil mode)
// and global pooling over H x W (GlobalAveragePool, GlobalMaxPool, ReduceMean/Max over H, W).
// Output sizes come from core's poolOutSize, the same rule core shape inference applies.
import type { LayerOp } from '../../core/ir';
import { poolOutSize } from '../../core/shapes';
import { padding, window } from './convs';
import { intAttr, intsAttr, type NodeProto } from './decode';
import type { Lowering, Out, Tensor } from './values';

/** Pooling over all of H x W of [N, C, H, W]: [N, C, 1, 1], or [N, C] without `keep`. */
export function globalPool(d: number[], mode: 'max' | 'avg', keep: boolean): Out[] {
  const op: LayerOp = {
    kind: 'pool',
    mode,
    global: true,
    kh: d[2]!,
    kw: d[3]!,
    sh: 1,
    sw: 1,
    padding: { kind: 'valid' },
    ceil: false,
  };
  return [{ op, dims: keep ? [d[0]!, d[1]!, 1, 1] : [d[0]!, d[1]!] }];
}

export function pool(node: NodeProto, x: Tensor, mode: 'max' | 'avg'): Lowering {
  const d = x.dims;
  const spatial = d.length - 2;
  if (spatial !== 1 && spatial !== 2) return `${spatial}-D pooling`;
  const kernel = intsAttr(node, 'kernel_shape');
  if (!kernel) return 'no kernel_shape';
  const { k, s, dil } = window(node, kernel, spatial);
  if (dil[0] !== 1 || dil[1] !== 1) return 'dilated pooling';
  const pad = padding(node, x);
  if (pad === 'asymmetric') return 'asymmetric padding';
  const ceil = intAttr(node, 'ceil_mode', 0) === 1;
  const oh = poolOutSize(d[2]!, k[0], s[0], pad, 'h', ceil);
  const dims = spatial === 1 ? [d[0]!, d[1]!, oh] : [d[0]!, d[1]!, oh, poolOutSize(d[3]!, k[1], s[1], pad, 'w', ceil)];
  return [
    { op: { kind: 'pool', mode, global: false, kh: k[0], kw: k[1], sh: s[0], sw: s[1], padding: pad, ceil }, dims },
  ];
}
