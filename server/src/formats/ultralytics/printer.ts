// Prints IR-level rewrites as Ultralytics YAML edits. Depthwise-separable: a flow-style
// `Conv` row with k > 1 (and repeats 1, args [c2, k, s]) becomes two rows, `DWConv` with
// the same k and s whose channel argument maps to the row's input channels at the selected
// scale, then a 1x1 `Conv` to the original c2. The inserted row shifts every later row's
// index, so absolute `from` indexes at or after it, and negative ones that cross it, are
// renumbered in the same edit. Width α: scales the selected scale's width (or
// `width_multiple`); none in the file → no edit.
import type { Analysis } from '../../core/analysis';
import { shiftReferenceText, shiftedReference } from '../indexShift';
import { eolOf, type TextEdit } from '../types';
import { makeDivisible } from './lower';
import type { UltralyticsParsed } from './parsed';
import type { RowSpec } from './model';

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The yaml-level channel count that the selected scale turns into `c` (exact when one exists). */
function yamlChannels(parsed: UltralyticsParsed, c: number): number {
  const s = parsed.scale;
  const width = s?.width ?? parsed.spec.widthMultiple;
  const max = s?.maxChannels ?? Infinity;
  const guess = Math.round(c / width);
  for (const v of [guess, guess - 1, guess + 1])
    if (v > 0 && makeDivisible(Math.min(v, max) * width, 8) === c) return v;
  return guess;
}

function candidate(
  parsed: UltralyticsParsed,
  analysis: Analysis,
  layerIndex: number,
  text: string,
): { row: RowSpec; prefix: string; cin: number } | undefined {
  const l = analysis.layers[layerIndex];
  const op = l?.layer.op;
  if (!l || !op || op.kind !== 'conv' || op.groups !== 1 || op.kh * op.kw <= 1 || !l.inputs?.[0]) return undefined;
  const row = parsed.spec.rows.find((r) => r && r.span.start === l.layer.span.start);
  if (row?.module !== 'Conv' || row.repeats !== 1 || row.args.length > 3) return undefined;
  const prefix = text.slice(lineStartOf(text, row.span.start), row.span.start);
  if (!/^\s*-\s*$/.test(prefix) || text[row.span.start] !== '[') return undefined;
  return { row, prefix, cin: l.inputs[0][2] };
}

export function ultralyticsSeparableEditsAll(
  parsed: UltralyticsParsed,
  analysis: Analysis,
  layerIndexes: number[],
  text: string,
): TextEdit[] {
  const eol = eolOf(text);
  const chosen = new Map<number, NonNullable<ReturnType<typeof candidate>>>();
  for (const li of layerIndexes) {
    const c = candidate(parsed, analysis, li, text);
    if (c) chosen.set(c.row.index, c);
  }
  if (chosen.size === 0) return [];
  const inserted = [...chosen.keys()].sort((a, b) => a - b);
  const edits: TextEdit[] = [];
  for (const row of parsed.spec.rows) {
    if (!row) continue;
    const fromText = text.slice(row.fromSpan.start, row.fromSpan.end);
    const c = chosen.get(row.index);
    if (!c) {
      const shifted = shiftReferenceText(fromText, row.index, inserted);
      if (shifted !== fromText) edits.push({ span: row.fromSpan, newText: shifted });
      continue;
    }
    // The DWConv row sits one before the original row's new place: relative `from`s gain 1.
    const dwFrom = fromText.replace(/[+-]?\d+/g, (m) => {
      const r = Number(m);
      return String(shiftedReference(r, row.index, inserted) + (r < 0 ? 1 : 0));
    });
    const argText = (k: number) => {
      const a = row.args[k];
      return typeof a === 'number' ? String(a) : '1';
    };
    const c2 = text
      .slice(row.argsSpan.start, row.argsSpan.end)
      .replace(/^\[\s*/, '')
      .split(',')[0]!
      .trim();
    const dw = `[${dwFrom}, 1, DWConv, [${yamlChannels(parsed, c.cin)}, ${argText(1)}, ${argText(2)}]]`;
    const pw = `[-1, 1, Conv, [${c2}, 1, 1]]`;
    edits.push({ span: row.span, newText: `${dw}${eol}${c.prefix}${pw}` });
  }
  return edits;
}

export function ultralyticsSeparableEdits(
  parsed: UltralyticsParsed,
  analysis: Analysis,
  layerIndex: number,
  text: string,
): TextEdit[] | undefined {
  if (!candidate(parsed, analysis, layerIndex, text)) return undefined;
  return ultralyticsSeparableEditsAll(parsed, analysis, [layerIndex], text);
}

export function ultralyticsWidthEdits(parsed: UltralyticsParsed, text: string, alpha: number): TextEdit[] {
  if (alpha === 1) return [];
  const round = (x: number) => String(Math.round(x * 10000) / 10000);
  if (parsed.scale) return [{ span: parsed.scale.widthSpan, newText: round(parsed.scale.width * alpha) }];
  const m = /^width_multiple\s*:\s*([0-9.eE+-]+)/m.exec(text);
  if (!m) return [];
  const start = m.index + m[0].length - m[1]!.length;
  return [{ span: { start, end: start + m[1]!.length }, newText: round(parsed.spec.widthMultiple * alpha) }];
}
