// Darknet section names: the aliases darknet's string_to_layer_type accepts, the short
// prefix of the IR layer names, and the sections that carry no cost. Pure tables.
import type { CfgSection } from './parser';

const ALIASES = new Map(
  Object.entries({
    conv: 'convolutional',
    conn: 'connected',
    max: 'maxpool',
    avg: 'avgpool',
    local_avg: 'local_avgpool',
    soft: 'softmax',
    lrn: 'normalization',
    network: 'net',
  }),
);

/** Prefix of the IR layer names of a section type (`conv5`, `fc7`); others use the type itself. */
export const SHORT_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    convolutional: 'conv',
    connected: 'fc',
    maxpool: 'maxpool',
    avgpool: 'avgpool',
    scale_channels: 'scale',
    normalization: 'lrn',
  }),
);

/** Sections that end in a detection head: the conv right before them keeps its filters under α. */
export const HEAD_SECTIONS = new Set(['yolo', 'region', 'detection', 'gaussian_yolo']);
/** Sections with no cost and no shape change (detection heads, losses, no-ops). */
export const PASS_SECTIONS = new Set([...HEAD_SECTIONS, 'cost', 'contrastive', 'empty', 'silence']);

/** The section's darknet layer type, lower case, aliases resolved (`[conv]` → `convolutional`). */
export function sectionType(section: CfgSection): string {
  const n = section.name.toLowerCase();
  return ALIASES.get(n) ?? n;
}
