// Lowers the sections that read other layers by index: [shortcut], [scale_channels], [sam]
// (`from=`) and [route] (`layers=`, with `groups`/`group_id`). Undefined: the section failed
// (an index was diagnosed), so its output is unknown.
import type { SectionContext } from './context';

export function lowerShortcut(s: SectionContext): number | undefined {
  const from = s.resolveList('from');
  if (!from) return undefined;
  return s.activation(s.add('', s.section.name, { kind: 'merge', mode: 'add' }, [s.prev, ...from]), 'linear');
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
