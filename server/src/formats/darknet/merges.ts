// Lowers the sections that read other layers by index: [shortcut], [scale_channels], [sam]
// (`from=`) and [route] (`layers=`, with `groups`/`group_id`). Undefined: the section failed
// (an index was diagnosed), so its output is unknown.
import { own } from '../tables';
import type { SectionContext } from './context';

const SHORTCUT_WEIGHTS: Record<string, 'none' | 'per_feature' | 'per_channel'> = {
  none: 'none',
  per_feature: 'per_feature',
  per_layer: 'per_feature',
  per_channel: 'per_channel',
};
const WEIGHTS_NORMALIZATIONS = ['none', 'relu', 'avg_relu', 'softmax'];

/**
 * [shortcut]: the previous layer plus every `from=` layer (darknet adds the first
 * min(C, C_from) channels and keeps the previous layer's shape), `weights_type` learned
 * weights per input or per input and channel.
 */
export function lowerShortcut(s: SectionContext): number | undefined {
  const from = s.resolveList('from');
  if (!from) return undefined;
  const type = s.options.str('weights_type', 'none');
  const weights = own(SHORTCUT_WEIGHTS, type.value);
  if (!weights) {
    s.report(
      'invalid-value',
      type.entry!.valueSpan,
      `weights_type must be none, per_feature or per_channel, not '${type.value}'.`,
    );
    return undefined;
  }
  // Like darknet, the normalization is only checked when there are weights to normalize.
  const normalization = s.options.str('weights_normalization', 'none');
  if (weights !== 'none' && !WEIGHTS_NORMALIZATIONS.includes(normalization.value)) {
    s.report(
      'invalid-value',
      normalization.entry!.valueSpan,
      `weights_normalization must be none, relu or softmax, not '${normalization.value}'.`,
    );
    return undefined;
  }
  return s.activation(s.add('', s.section.name, { kind: 'shortcut', weights }, [s.prev, ...from]), 'linear');
}

/** [scale_channels] and [sam]: the `from=` layer times the previous layer's output. */
export function lowerScale(s: SectionContext): number | undefined {
  const from = s.resolveList('from');
  if (!from) return undefined;
  return s.activation(s.add('', s.section.name, { kind: 'merge', mode: 'mul' }, [from[0]!, s.prev]), 'linear');
}

export function lowerRoute(s: SectionContext): number | undefined {
  const from = s.resolveList('layers');
  if (!from) return undefined;
  const groups = s.options.int('groups', 1);
  const groupId = s.options.int('group_id', 0, 0);
  const x =
    from.length === 1
      ? s.add('', s.section.name, { kind: 'identity' }, from)
      : s.add('', s.section.name, { kind: 'merge', mode: 'concat' }, from);
  if (groups === 1) return x;
  if (groupId >= groups) {
    s.report('invalid-value', s.options.entry('group_id')!.valueSpan, `group_id must be below groups (${groups}).`);
    return undefined;
  }
  return s.add('/group', 'group_id', { kind: 'split', parts: groups, index: groupId }, [x]);
}
