// Lowers the sections with weights: [convolutional] (conv + BN + activation, as darknet's
// parse_convolutional and make_convolutional_layer read it) and [connected] (fc + BN +
// activation). Darknet's own rules: `pad=1` means padding size/2; the output size ignores
// dilation, (in + 2·padding − size)/stride + 1, so a dilated conv gets the padding that
// gives that size; `xnor=1` forces groups=1; `share_index` reuses an earlier conv's weights
// (and BN); `antialiasing` (a blur conv after it that darknet does not count) is not supported.
import type { SectionContext } from './context';
import { HEAD_SECTIONS } from './sections';

export function lowerConvolutional(s: SectionContext, nextType: string | undefined): number | undefined {
  const o = s.options;
  const filters = o.int('filters', 1);
  const size = o.int('size', 1);
  const stride = o.int('stride', 1);
  const sx = o.int('stride_x', stride),
    sy = o.int('stride_y', stride);
  const dil = size === 1 ? 1 : o.int('dilation', 1);
  const pad = o.int('pad', 0, 0);
  const padding = pad ? Math.floor(size / 2) : o.int('padding', 0, 0);
  const xnor = o.int('xnor', 0, 0) !== 0;
  const groups = xnor ? 1 : o.int('groups', 1);
  const bn = o.int('batch_normalize', 0, 0) !== 0 || o.int('cbn', 0, 0) !== 0;
  const shared = sharesWeights(s);
  if (shared === undefined) return undefined;
  if (o.int('antialiasing', 0, 0) !== 0)
    return s.add('', s.section.name, { kind: 'unknown', type: `[${s.section.name}] antialiasing` }, [s.prev]);
  // Same output size as darknet's formula: the dilated kernel spans dil·(size−1)+1 pixels.
  const dilatedPadding = padding + ((dil - 1) * (size - 1)) / 2;
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
      padding: { kind: 'explicit', h: dilatedPadding, w: dilatedPadding },
      dh: dil,
      dw: dil,
      groups,
      bias: !bn,
      fixed: HEAD_SECTIONS.has(nextType ?? ''),
      ...(shared && { shared }),
      ...(xnor && { xnor }),
    },
    [s.prev],
  );
  if (bn) x = s.add('/bn', 'batch_normalize', shared ? { kind: 'bn', affine: false } : { kind: 'bn' }, [x]);
  return s.activation(x, 'logistic');
}

/** `share_index=`: whether the conv uses an earlier conv's weights; undefined (diagnosed) when the index is invalid. */
function sharesWeights(s: SectionContext): boolean | undefined {
  const e = s.options.entry('share_index');
  if (!e) return false;
  const index = s.sectionIndex(e.value, e);
  if (index === undefined) return undefined;
  if (s.typeOf(index) !== 'convolutional') {
    s.report('invalid-value', e.valueSpan, `share_index=${e.value} must point at a [convolutional] layer.`);
    return undefined;
  }
  return true;
}

export function lowerConnected(s: SectionContext): number {
  const output = s.options.int('output', 1);
  const bn = s.options.int('batch_normalize', 0, 0) !== 0;
  let x = s.add('', s.section.name, { kind: 'fc', out: output, bias: !bn }, [s.prev]);
  if (bn) x = s.add('/bn', 'batch_normalize', { kind: 'bn' }, [x]);
  return s.activation(x, 'logistic');
}
