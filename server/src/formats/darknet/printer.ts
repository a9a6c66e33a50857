// Prints IR-level rewrites as `.cfg` text edits. Depthwise-separable: a [convolutional]
// with size > 1 and groups = 1 gets a depthwise [convolutional] (groups = filters = C_in,
// size/stride/pad/dilation kept, batch_normalize=1, the original activation) inserted
// before it, and becomes the 1x1 pointwise conv itself (filters kept, batch_normalize=1,
// activation kept). The inserted section shifts darknet's layer numbering, so every
// `layers=`/`from=`/`share_index=` index that crosses an insertion point is renumbered in the
// same edit. Convs on either side of a `share_index` and XNOR convs are not split.
// Width: scales `filters=` of every conv but the detection-head ones (before [yolo] etc.).
// Resolution: sets `width=`/`height=` in [net].
import type { Analysis } from '../../core/analysis';
import { inferShapes } from '../../core/shapes';
import { eolOf, type TextEdit } from '../types';
import { shiftReferenceText } from '../indexShift';
import { own } from '../tables';
import type { DarknetParsed } from './parsed';
import type { CfgSection } from './parser';
import { sectionType } from './sections';

const DW_KEYS = ['stride', 'stride_x', 'stride_y', 'pad', 'padding', 'dilation'];
/** Options that hold darknet layer indexes, per section type. */
const REFERENCE_KEYS: Record<string, string> = {
  route: 'layers',
  shortcut: 'from',
  scale_channels: 'from',
  sam: 'from',
  convolutional: 'share_index',
};

/** Darknet indexes of the convs whose weights another conv shares (`share_index`). */
function sharedTargets(parsed: DarknetParsed): Set<number> {
  const targets = new Set<number>();
  parsed.layerSections.forEach((sec, own) => {
    const e = sec.entries.find((x) => x.key === 'share_index');
    const n = e && /^[+-]?\d+$/.test(e.value) ? Number(e.value) : NaN;
    if (Number.isSafeInteger(n)) targets.add(n < 0 ? own + n : n);
  });
  return targets;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function entryLine(text: string, section: CfgSection, key: string): string | undefined {
  const e = section.entries.find((x) => x.key === key);
  return e && text.slice(e.span.start, e.span.end);
}

/** The darknet layer index of a conv section that can be split, with its input channels. */
function candidate(
  parsed: DarknetParsed,
  analysis: Analysis,
  layerIndex: number,
): { index: number; cin: number } | undefined {
  const l = analysis.layers[layerIndex];
  const op = l?.layer.op;
  if (!l || !op || op.kind !== 'conv' || op.groups !== 1 || op.kh * op.kw <= 1 || !l.inputs?.[0]) return undefined;
  // Weights shared with another conv must keep their shape; an XNOR conv is not a float conv.
  if (op.shared || op.xnor) return undefined;
  const index = parsed.layerSections.findIndex((s) => s.header.start === l.layer.span.start);
  if (index < 0 || sectionType(parsed.layerSections[index]!) !== 'convolutional') return undefined;
  if (sharedTargets(parsed).has(index)) return undefined;
  return { index, cin: l.inputs[0][2] };
}

export function darknetSeparableEditsAll(
  parsed: DarknetParsed,
  analysis: Analysis,
  layerIndexes: number[],
  text: string,
): TextEdit[] {
  const eol = eolOf(text);
  const chosen = new Map<number, number>();
  for (const li of layerIndexes) {
    const c = candidate(parsed, analysis, li);
    if (c) chosen.set(c.index, c.cin);
  }
  if (chosen.size === 0) return [];
  const inserted = [...chosen.keys()].sort((a, b) => a - b);
  const edits: TextEdit[] = [];
  for (const [index, cin] of chosen) {
    const sec = parsed.layerSections[index]!;
    const keep = DW_KEYS.map((k) => entryLine(text, sec, k)).filter((x): x is string => x !== undefined);
    const act = entryLine(text, sec, 'activation');
    const dw = [
      `[${sec.name}]`,
      'batch_normalize=1',
      `filters=${cin}`,
      `groups=${cin}`,
      `size=${entryLine(text, sec, 'size')?.split('=')[1]?.trim() ?? '1'}`,
      ...keep,
      ...(act ? [act] : []),
    ];
    const start = lineStartOf(text, sec.header.start);
    edits.push({ span: { start, end: start }, newText: `${dw.join(eol)}${eol}${eol}` });
    // The original section becomes the pointwise conv.
    for (const e of sec.entries) {
      if (e.key === 'size' || e.key === 'stride' || e.key === 'stride_x' || e.key === 'stride_y')
        edits.push({ span: e.valueSpan, newText: '1' });
      else if (e.key === 'padding' || e.key === 'dilation')
        edits.push({ span: e.valueSpan, newText: e.key === 'padding' ? '0' : '1' });
    }
    const bn = sec.entries.find((e) => e.key === 'batch_normalize');
    if (bn) edits.push({ span: bn.valueSpan, newText: '1' });
    else edits.push({ span: { start: sec.header.end, end: sec.header.end }, newText: `${eol}batch_normalize=1` });
  }
  parsed.layerSections.forEach((sec, index) => {
    const key = own(REFERENCE_KEYS, sectionType(sec));
    const e = key && sec.entries.find((x) => x.key === key);
    if (!e) return;
    const old = text.slice(e.valueSpan.start, e.valueSpan.end);
    const shifted = shiftReferenceText(old, index, inserted);
    if (shifted !== old) edits.push({ span: e.valueSpan, newText: shifted });
  });
  return edits;
}

export function darknetSeparableEdits(
  parsed: DarknetParsed,
  analysis: Analysis,
  layerIndex: number,
  text: string,
): TextEdit[] | undefined {
  if (!candidate(parsed, analysis, layerIndex)) return undefined;
  return darknetSeparableEditsAll(parsed, analysis, [layerIndex], text);
}

/** Bakes α into `filters=` (and `groups=` of depthwise convs); head convs keep theirs. */
export function darknetWidthEdits(parsed: DarknetParsed, _text: string, alpha: number): TextEdit[] {
  if (alpha === 1) return [];
  const { shapes } = inferShapes(parsed.graph, { alpha });
  const edits: TextEdit[] = [];
  parsed.layerSections.forEach((sec) => {
    if (sectionType(sec) !== 'convolutional') return;
    const irIndex = parsed.graph.layers.findIndex((l) => l.span.start === sec.header.start);
    const layer = parsed.graph.layers[irIndex];
    const shape = shapes[irIndex];
    if (!layer || !shape || (layer.op.kind === 'conv' && layer.op.fixed)) return;
    const filters = sec.entries.find((e) => e.key === 'filters');
    if (filters && filters.value !== String(shape[2]))
      edits.push({ span: filters.valueSpan, newText: String(shape[2]) });
    const groups = sec.entries.find((e) => e.key === 'groups');
    if (groups && layer.op.kind === 'dwconv' && groups.value !== String(shape[2]))
      edits.push({ span: groups.valueSpan, newText: String(shape[2]) });
  });
  return edits;
}

export function darknetResolutionEdits(parsed: DarknetParsed, text: string, side: number): TextEdit[] {
  const net = parsed.net;
  if (!net) return [];
  const eol = eolOf(text);
  const edits: TextEdit[] = [];
  for (const key of ['width', 'height']) {
    const e = net.entries.find((x) => x.key === key);
    if (e) {
      if (e.value !== String(side)) edits.push({ span: e.valueSpan, newText: String(side) });
    } else edits.push({ span: { start: net.header.end, end: net.header.end }, newText: `${eol}${key}=${side}` });
  }
  return edits;
}
