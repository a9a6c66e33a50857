// Lowers the sections with weights: [convolutional] (conv + BN + activation, as darknet's
// parse_convolutional reads it) and [connected] (fc + BN + activation).
import type { SectionContext } from './context';
import { HEAD_SECTIONS } from './sections';

export function lowerConvolutional(s: SectionContext, nextType: string | undefined): number {
  const o = s.options;
  const filters = o.int('filters', 1);
  const size = o.int('size', 1);
  const stride = o.int('stride', 1);
  const sx = o.int('stride_x', stride),
    sy = o.int('stride_y', stride);
  const dil = size === 1 ? 1 : o.int('dilation', 1);
  const pad = o.int('pad', 0, 0);
  const padding = pad ? Math.floor(size / 2) : o.int('padding', 0, 0);
  const groups = o.int('groups', 1);
  const bn = o.int('batch_normalize', 0, 0) !== 0;
  const fixed = HEAD_SECTIONS.has(nextType ?? '');
  let x = s.add(
    '',
    s.section.name,
    {
      kind: 'conv',
      out: filters,
      kh: size,
      kw: size,
      sh: sy,
      sw: sx,
      padding: { kind: 'explicit', h: padding, w: padding },
      dh: dil,
      dw: dil,
      groups,
      bias: !bn,
      fixed,
    },
    [s.prev],
  );
  if (bn) x = s.add('/bn', 'batch_normalize', { kind: 'bn' }, [x]);
  return s.activation(x, 'logistic');
}

export function lowerConnected(s: SectionContext): number {
  const output = s.options.int('output', 1);
  const bn = s.options.int('batch_normalize', 0, 0) !== 0;
  let x = s.add('', s.section.name, { kind: 'fc', out: output, bias: !bn }, [s.prev]);
  if (bn) x = s.add('/bn', 'batch_normalize', { kind: 'bn' }, [x]);
  return s.activation(x, 'logistic');
}
