// Hover: on a layer, its shapes, MACs with the formula filled in, parameters, activation
// memory, share of the total and, for a depthwise-separable candidate, the alternative
// side by side; on the network or input line, totals and the per-kind breakdown.
// Names and op text from the file are escaped (core/safeText.ts): they render literally.
import type { Hover, Position } from 'vscode-languageserver';
import { KIND_LABELS, macsFormula, type CostKind, type LayerResult } from '../../core/costs';
import { compact, exact, percent } from '../../core/format';
import { dscSavings, isSeparableCandidate } from '../../core/rules';
import { fmt } from '../../core/shapes';
import { markdownCode, markdownText } from '../../core/safeText';
import { layersAt, toRange, type FeatureDoc } from './context';
import { BYTES_PER_ELEMENT } from '../../report/model';

export function hover(doc: FeatureDoc, pos: Position): Hover | null {
  const offset = doc.lines.offsetAt(pos);
  const g = doc.analysis.graph;
  const header = [g.nameSpan, g.input.span, g.width.span, g.resolution?.span, g.budget?.span].find(
    (s) => s && s.start <= offset && offset <= s.end,
  );
  if (header) return { contents: { kind: 'markdown', value: networkHover(doc) }, range: toRange(doc.lines, header) };
  const found = layersAt(doc, offset);
  if (!found.length) return null;
  const first = found[0]!;
  // Several layers at one place: repeat iterations or a block invocation.
  const sameOp = found.every((l) => l.layer.span.start === first.layer.span.start);
  const value = sameOp && found.length === 1 ? layerHover(doc, first) : groupHover(doc, found, sameOp);
  const span = sameOp ? first.layer.span : first.layer.site;
  return { contents: { kind: 'markdown', value }, range: toRange(doc.lines, span) };
}

function row(label: string, value: string): string {
  return `| ${label} | ${value} |`;
}

export function layerHover(doc: FeatureDoc, l: LayerResult): string {
  const total = doc.analysis.totals.macs;
  const batch = doc.analysis.graph.input.batch;
  const lines = [
    `**${markdownText(l.layer.name)}** · ${markdownCode(l.layer.opText)}${l.macs ? ` · ${KIND_LABELS[l.kind]}` : ''}`,
    '',
    '| | |',
    '|---|---|',
  ];
  lines.push(row('input', l.inputs ? l.inputs.map(fmt).join(' + ') : 'unknown'));
  lines.push(row('output', l.output ? fmt(l.output) : 'unknown'));
  if (l.macs || l.layer.op.kind === 'conv' || l.layer.op.kind === 'fc')
    lines.push(row('MACs', `${exact(l.macs)} (${percent(l.macs, total)} of ${compact(total)})`));
  lines.push(row('params', exact(l.params)));
  lines.push(row('activations', `${exact(l.activations)} (${compact(l.activations * BYTES_PER_ELEMENT)}B fp32)`));
  if (l.otherOps) lines.push(row('other ops', exact(l.otherOps)));
  const f = l.inputs && l.output ? macsFormula(l.layer, l.inputs, l.output, batch) : undefined;
  if (f) lines.push('', `MACs = ${f.symbolic}`, '', `= ${f.filled}`);
  if (isSeparableCandidate(l, -1)) {
    const s = dscSavings(l, false, batch)!;
    const op = l.layer.op as { kh: number; kw: number };
    const n = l.output![2];
    lines.push(
      '',
      `**Depthwise-separable alternative** (dwconv ${op.kh}x${op.kw} + conv ${n} 1x1):`,
      '',
      '| | standard | separable |',
      '|---|---:|---:|',
      `| MACs | ${exact(s.macs)} | ${exact(s.separableMacs)} (${percent(s.separableMacs - s.macs, s.macs)}) |`,
      `| params | ${exact(l.params)} | ${exact(s.separableParams)} (with two BNs) |`,
      '',
      `ratio = 1/N + 1/K² = 1/${n} + 1/${op.kh * op.kw} = ${s.ratio.toFixed(4)}`,
    );
  }
  return lines.join('\n');
}

function groupHover(doc: FeatureDoc, layers: LayerResult[], sameOp: boolean): string {
  const macs = layers.reduce((a, l) => a + l.macs, 0);
  const params = layers.reduce((a, l) => a + l.params, 0);
  const last = layers[layers.length - 1]!;
  const title = sameOp
    ? `**${markdownText(layers[0]!.layer.opText)}** × ${layers.length} (repeated)`
    : `**${layers.length} layers** from this invocation`;
  const out = [
    title,
    '',
    '| | |',
    '|---|---|',
    row('output', last.output ? fmt(last.output) : 'unknown'),
    row('MACs', `${exact(macs)} (${percent(macs, doc.analysis.totals.macs)})`),
    row('params', exact(params)),
  ];
  if (sameOp && layers[0]!.macs) {
    const f =
      layers[0]!.inputs && layers[0]!.output
        ? macsFormula(layers[0]!.layer, layers[0]!.inputs, layers[0]!.output, doc.analysis.graph.input.batch)
        : undefined;
    if (f) out.push('', `each: ${f.symbolic} = ${f.filled}`);
  }
  return out.join('\n');
}

export function networkHover(doc: FeatureDoc): string {
  const a = doc.analysis;
  const t = a.totals;
  const lines = [
    `**${markdownText(a.graph.name)}** · input ${a.input ? fmt(a.input) : 'unknown'}${a.graph.input.batch > 1 ? ` · batch ${a.graph.input.batch}` : ''}${a.graph.width.alpha !== 1 ? ` · width ${a.graph.width.alpha}` : ''}`,
    '',
    '| | |',
    '|---|---|',
    row('MACs', `${exact(t.macs)} (${compact(t.macs)}; FLOPs ${compact(2 * t.macs)})`),
    row('params', `${exact(t.params)} (${compact(t.params)})`),
    row('activations', `${exact(t.activations)} (${compact(t.activations * BYTES_PER_ELEMENT)}B fp32)`),
    row('other ops', exact(t.otherOps)),
    '',
    '| kind | MACs | share | params |',
    '|---|---:|---:|---:|',
  ];
  for (const [k, v] of Object.entries(a.byKind))
    lines.push(
      `| ${KIND_LABELS[k as CostKind]} | ${exact(v.macs)} | ${percent(v.macs, t.macs, 2)} | ${exact(v.params)} |`,
    );
  if (!a.complete) lines.push('', '_Incomplete: some layers could not be costed, so these totals are a lower bound._');
  return lines.join('\n');
}
