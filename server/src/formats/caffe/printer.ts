// Prints IR-level rewrites as prototxt text edits, in the file's own style (indentation,
// quotes, `layer` or legacy `layers`, its BatchNorm/Scale/activation blocks):
// the depthwise-separable split of a Convolution, the width multiplier α (scales
// num_output of every convolution but the classifier) and the input side ρ.
import type { Analysis } from '../../core/analysis';
import type { Layer, OpKind } from '../../core/ir';
import { applyWidthMultiplier, inferShapes } from '../../core/shapes';
import { uniqueNamer } from '../names';
import { eolOf, type TextEdit } from '../types';
import type { LayerDef } from './layerDefs';
import { WINDOW_GROUPS } from './ops';
import type { CaffeParsed } from './parsed';
import type { Document } from './parser';

/** Geometry fields copied from the original convolution to its depthwise part: kernel, pad, stride and dilation (not `dilation_h` / `_w`). */
const GEOMETRY = new Set<string>(WINDOW_GROUPS.slice(0, 10));

interface Style {
  eol: string;
  /** Indentation of the layer block, and one level more. */
  indent: string;
  unit: string;
  quote: string;
  legacy: boolean;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function styleOf(doc: Document, text: string, def: LayerDef): Style {
  const at = doc.start(def.field);
  const start = lineStart(text, at);
  const indent = /^[ \t]*/.exec(text.slice(start, at))![0];
  const first = doc.fields(def.field)[0];
  const firstAt = first === undefined ? 0 : doc.start(first);
  const inner = first === undefined ? '' : /^[ \t]*/.exec(text.slice(lineStart(text, firstAt), firstAt))![0];
  const unit = inner.length > indent.length && inner.startsWith(indent) ? inner.slice(indent.length) : '  ';
  const quote = def.name && text[doc.valueSpan(def.name).start] === "'" ? "'" : '"';
  return { eol: eolOf(text), indent, unit, quote, legacy: def.legacy };
}

function quoted(s: Style, value: string): string {
  return s.quote + value.replace(/\\/g, '\\\\').split(s.quote).join(`\\${s.quote}`) + s.quote;
}

/** A block of `name: value` lines and verbatim field texts, at the layer's indentation. */
function block(s: Style, keyword: string, lines: string[]): string {
  const body = lines.map((l) => `${s.indent}${s.unit}${l}`).join(s.eol);
  return `${keyword} {${s.eol}${body}${s.eol}${s.indent}}`;
}

function verbatim(doc: Document, text: string, f: number): string {
  return text.slice(doc.start(f), doc.end(f));
}

/** The layers that read `index` and only it, while they are of the given kinds, in order. */
function followers(analysis: Analysis, index: number, kinds: OpKind[]): Layer[] {
  const consumers = new Map<number, Layer[]>();
  for (const l of analysis.graph.layers)
    for (const i of l.inputs) if (i >= 0) (consumers.get(i) ?? consumers.set(i, []).get(i)!).push(l);
  const out: Layer[] = [];
  const left = [...kinds];
  for (let cur = index; ; ) {
    const next = consumers.get(cur);
    if (next?.length !== 1) return out;
    const k = left.indexOf(next[0]!.op.kind);
    if (k < 0 || next[0]!.inputs.length !== 1) return out;
    left.splice(0, k + 1);
    out.push(next[0]!);
    cur = next[0]!.index;
  }
}

/**
 * Convolution (group 1, KxK) → a depthwise Convolution (group = num_output = C_in, the
 * original kernel/stride/pad/dilation, no bias) + the BatchNorm/Scale/activation blocks
 * the file puts after its convolutions, then a 1x1 Convolution with the original name,
 * top and num_output, so every `bottom:` that read it still holds. The layers that
 * followed the original convolution now follow the pointwise one.
 */
export function separableEdits(
  parsed: CaffeParsed,
  analysis: Analysis,
  layerIndex: number,
  text: string,
): TextEdit[] | undefined {
  const layer = analysis.graph.layers[layerIndex];
  const def = parsed.layerDefs[layerIndex];
  const { doc } = parsed;
  if (
    !layer ||
    !def ||
    layer.op.kind !== 'conv' ||
    layer.op.groups !== 1 ||
    def.bottoms.length !== 1 ||
    def.tops.length !== 1
  )
    return undefined;
  const src = layer.inputs[0]!;
  const shapes = inferShapes(parsed.graph);
  const inShape = src < 0 ? shapes.input : shapes.shapes[src];
  if (!inShape) return undefined;
  const cIn = inShape[2];
  const s = styleOf(doc, text, def);
  const p = doc.sub(def.field, 'convolution_param');
  const pFields = doc.fields(p);
  const params = doc.fields(def.field, 'param');

  const taken = new Set<string>();
  for (const d of parsed.defs) {
    if (d.nameText !== undefined) taken.add(d.nameText);
    for (const t of d.tops) taken.add(doc.value(t));
  }
  const fresh = uniqueNamer(taken);
  const name = def.nameText ?? layer.name;
  const dwName = fresh(`${name}/dw`);

  const typeText = (modern: string, legacy: string) => (s.legacy ? legacy : quoted(s, modern));
  const head = (n: string, type: string, bottom: string, top: string) => [
    `name: ${quoted(s, n)}`,
    `type: ${type}`,
    `bottom: ${quoted(s, bottom)}`,
    `top: ${quoted(s, top)}`,
  ];
  const convParam = (lines: string[]) =>
    `convolution_param {${s.eol}${lines.map((l) => `${s.indent}${s.unit}${s.unit}${l}`).join(s.eol)}${s.eol}${s.indent}${s.unit}}`;
  const copied = (names: (n: string) => boolean) =>
    pFields.filter((f) => names(doc.name(f))).map((f) => verbatim(doc, text, f));
  const keyword = doc.name(def.field);

  const dw = block(s, keyword, [
    ...head(dwName, typeText('Convolution', 'CONVOLUTION'), doc.value(def.bottoms[0]!), dwName),
    ...params.slice(0, 1).map((f) => verbatim(doc, text, f)),
    convParam([
      `num_output: ${cIn}`,
      'bias_term: false',
      ...copied((n) => GEOMETRY.has(n)),
      `group: ${cIn}`,
      ...copied((n) => n === 'weight_filler'),
    ]),
  ]);

  // The normalisation and activation blocks: those after this convolution, else the file's first ones.
  const own = followers(analysis, layerIndex, ['bn', 'scale', 'act']);
  const ofKind = (k: OpKind) => own.find((l) => l.op.kind === k) ?? templateOf(analysis, k);
  const bn = ofKind('bn');
  const scale = bn
    ? (followers(analysis, bn.index, ['scale'])[0] ?? own.find((l) => l.op.kind === 'scale'))
    : undefined;
  const act = own.find((l) => l.op.kind === 'act' && l.op.fn !== 'softmax') ?? templateOf(analysis, 'act');
  const extra: string[] = [];
  for (const [l, suffix] of [
    [bn, 'bn'],
    [scale, 'scale'],
    [act, 'relu'],
  ] as const) {
    if (!l) continue;
    const t = parsed.layerDefs[l.index]!;
    extra.push(retarget(doc, text, t, quoted(s, fresh(`${dwName}/${suffix}`)), quoted(s, dwName)));
  }
  if (!act) extra.push(block(s, keyword, head(fresh(`${dwName}/relu`), typeText('ReLU', 'RELU'), dwName, dwName)));

  const bias = layer.op.bias && !own.some((l) => l.op.kind === 'bn');
  const pw = block(s, keyword, [
    ...head(name, text.slice(doc.valueSpan(def.type).start, doc.end(def.type)), dwName, doc.value(def.tops[0]!)),
    ...params.slice(0, bias ? params.length : 1).map((f) => verbatim(doc, text, f)),
    convParam([
      `num_output: ${doc.value(doc.last(p, 'num_output'))}`,
      ...(bias ? [] : ['bias_term: false']),
      'kernel_size: 1',
      ...copied((n) => n === 'weight_filler' || (bias && n === 'bias_filler')),
    ]),
  ]);
  const sep = `${s.eol}${s.indent}`;
  return [{ span: doc.span(def.field), newText: [dw, ...extra, pw].join(sep) }];
}

/** The file's first layer of a kind that follows a convolution-like layer, as a style template. */
function templateOf(analysis: Analysis, kind: OpKind): Layer | undefined {
  return analysis.graph.layers.find(
    (l) =>
      l.op.kind === kind && (kind !== 'act' || (l.op.kind === 'act' && l.op.fn !== 'softmax')) && l.inputs.length === 1,
  );
}

/** A copy of a layer block with its name, bottoms and tops replaced. */
function retarget(doc: Document, text: string, t: LayerDef, name: string, blob: string): string {
  const edits: TextEdit[] = [];
  if (t.name) edits.push({ span: doc.valueSpan(t.name), newText: name });
  for (const b of [...t.bottoms, ...t.tops]) edits.push({ span: doc.valueSpan(b), newText: blob });
  edits.sort((a, b) => b.span.start - a.span.start);
  const start = doc.start(t.field);
  let out = text.slice(start, doc.end(t.field));
  for (const e of edits) out = out.slice(0, e.span.start - start) + e.newText + out.slice(e.span.end - start);
  return out;
}

/** num_output (and a depthwise `group`) of every convolution but the classifier, times α. */
export function widthEdits(parsed: CaffeParsed, _text: string, alpha: number): TextEdit[] {
  if (alpha === 1) return [];
  const edits: TextEdit[] = [];
  const { doc } = parsed;
  parsed.graph.layers.forEach((l, i) => {
    const op = l.op;
    if (!(op.kind === 'conv' || op.kind === 'deconv' || op.kind === 'dwconv') || (op.kind !== 'dwconv' && op.fixed))
      return;
    const p = doc.sub(parsed.layerDefs[i]!.field, 'convolution_param');
    const out = doc.last(p, 'num_output');
    const group = doc.last(p, 'group');
    if (!out) return;
    const outText = doc.value(out);
    const scaled = String(applyWidthMultiplier(Number(outText), alpha));
    edits.push({ span: doc.valueSpan(out), newText: scaled });
    if (group && doc.value(group) === outText && outText !== '1')
      edits.push({ span: doc.valueSpan(group), newText: scaled });
  });
  return edits;
}

/** The input height and width (input_dim, dim of input_shape / Input layer, crop_size) set to `side`. */
export function resolutionEdits(parsed: CaffeParsed, _text: string, side: number): TextEdit[] {
  const { doc } = parsed;
  return parsed.inputSize
    .filter((v) => doc.value(v) !== String(side))
    .map((v) => ({ span: doc.valueSpan(v), newText: String(side) }));
}
