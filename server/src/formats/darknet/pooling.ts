// Lowers darknet's pooling sections: [maxpool] and [local_avgpool] (make_maxpool_layer, with
// darknet's total padding) and [avgpool] (always global). `maxpool_depth` (pooling across
// channels) and `antialiasing` are not supported: unknown.
import type { SectionContext } from './context';
import { globalPool } from '../../core/ir';

export function lowerWindowPool(s: SectionContext, mode: 'max' | 'avg'): number {
  const o = s.options;
  const stride = o.int('stride', 1);
  const sx = o.int('stride_x', stride),
    sy = o.int('stride_y', stride);
  const size = o.int('size', stride);
  // Darknet pads `padding` in total (default size-1): out = (in + padding - size)/stride + 1.
  // The IR pads both sides, so half of it goes on each (exact, also for odd totals).
  const padding = o.int('padding', size - 1, 0);
  // Pooling over channels and the blur after an antialiased pool change what darknet computes.
  for (const key of ['maxpool_depth', 'antialiasing'])
    if (mode === 'max' && o.int(key, 0, 0) !== 0)
      return s.add('', s.section.name, { kind: 'unknown', type: `[${s.section.name}] ${key}` }, [s.prev]);
  return s.add(
    '',
    s.section.name,
    {
      kind: 'pool',
      mode,
      global: false,
      kh: size,
      kw: size,
      sh: sy,
      sw: sx,
      padding: { kind: 'explicit', h: padding / 2, w: padding / 2 },
      ceil: false,
    },
    [s.prev],
  );
}

export function lowerGlobalAvgpool(s: SectionContext): number {
  return s.add('', s.section.name, globalPool('avg'), [s.prev]);
}
