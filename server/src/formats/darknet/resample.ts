// Lowers the sections that change H x W without weights: [upsample] (a negative stride,
// darknet's downsampling, is not supported: unknown), [reorg] and [reorg3d] (space to depth,
// or back with `reverse=1`; both give darknet's shapes, they differ only in element order)
// and [crop] (the centred crop_height x crop_width window darknet takes at inference).
import type { SectionContext } from './context';

export function lowerUpsample(s: SectionContext): number {
  const e = s.options.entry('stride');
  const stride = e && /^-\d+$/.test(e.value) ? Number(e.value) : s.options.int('stride', 2);
  return stride > 0
    ? s.add('', s.section.name, { kind: 'upsample', factor: stride }, [s.prev])
    : s.add('', s.section.name, { kind: 'unknown', type: `upsample stride=${stride}` }, [s.prev]);
}

export function lowerReorg(s: SectionContext): number {
  const stride = s.options.int('stride', 1);
  const reverse = s.options.int('reverse', 0, 0) !== 0;
  return s.add('', s.section.name, { kind: 'reorg', stride, reverse }, [s.prev]);
}

export function lowerCrop(s: SectionContext): number {
  const h = s.options.int('crop_height', 1);
  const w = s.options.int('crop_width', 1);
  return s.add('', s.section.name, { kind: 'crop', h, w }, [s.prev]);
}
