// Lowers the sections that change H x W without weights: [upsample] (a negative stride,
// darknet's downsampling, is not supported: unknown).
import type { SectionContext } from './context';

export function lowerUpsample(s: SectionContext): number {
  const e = s.options.entry('stride');
  const stride = e && /^-\d+$/.test(e.value) ? Number(e.value) : s.options.int('stride', 2);
  return stride > 0
    ? s.add('', s.section.name, { kind: 'upsample', factor: stride }, [s.prev])
    : s.add('', s.section.name, { kind: 'unknown', type: `upsample stride=${stride}` }, [s.prev]);
}
