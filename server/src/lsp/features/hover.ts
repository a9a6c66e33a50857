// Hover, the same in every format. On a layer: its name, op and shapes, its MACs and
// parameters, and for a depthwise-separable candidate the alternative, all in the first
// lines; the formula filled in below. On a module that lowers to several layers (a Darknet
// section with its BN and activation, an Ultralytics Conv or C2f row, a `.layers` block
// invocation): the module's input, output and totals, its main layer's details when it has
// one costed layer, else its parts, one row each. On an op that `repeat` runs several
// times: the iterations' sum and each iteration. On the network or input line: totals and
// the per-kind breakdown. With a target, the estimated latency (labelled estimated); after
// `layerlint.bench`, the measured time (labelled measured, where and how; features/measured.ts).
import type { Hover, Position } from 'vscode-languageserver';
import { BYTES_PER_VALUE, KIND_LABELS, macsFormula, type CostKind, type LayerResult } from '../../core/costs';
import { compact, exact, percent } from '../../core/format';
import { dscSavings, isSeparableCandidate } from '../../core/rules';
import { ms } from '../../core/latency';
import type { PeakMemory } from '../../core/memory';
import { fmt } from '../../core/shapes';
import { markdownCode, markdownText } from '../../core/safeText';
import { layersAt, toRange, type FeatureDoc } from './context';
import { layersMeasuredMs, measuredWhere, networkMeasured } from './measured';

/** Parts listed in a module hover before the rest is summed into one row. */
const MAX_PARTS = 12;

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
  const oneSpan = found.every(
    (l) => l.layer.span.start === first.layer.span.start && l.layer.span.end === first.layer.span.end,
  );
  const value =
    found.length === 1
      ? layerHover(doc, first)
      : oneSpan && found.every((l) => l.layer.opText === first.layer.opText && l.layer.op.kind === first.layer.op.kind)
        ? repeatHover(doc, found)
        : moduleHover(doc, found, oneSpan);
  return {
    contents: { kind: 'markdown', value },
    range: toRange(doc.lines, oneSpan ? first.layer.span : first.layer.site),
  };
}

const shapes = (l: LayerResult): string =>
  `${l.inputs ? l.inputs.map(fmt).join(' + ') : 'unknown'} → ${l.output ? fmt(l.output) : 'unknown'}`;

/** `4,718,592 MACs (81.8% of 5.77M)`. */
function macsOf(doc: FeatureDoc, macs: number): string {
  const total = doc.analysis.totals.macs;
  return `**${exact(macs)} MACs** (${percent(macs, total)} of ${compact(total)})`;
}

/** The separable alternative in one line, when the layer is a KxK conv with known shapes. */
function separableLine(doc: FeatureDoc, l: LayerResult): string | undefined {
  if (!isSeparableCandidate(l, -1)) return undefined;
  const s = dscSavings(l, false, doc.analysis.graph.input.batch)!;
  const op = l.layer.op as { kh: number; kw: number };
  return `**Separable** (dwconv ${op.kh}x${op.kw} + conv ${l.output![2]} 1x1): ${exact(s.separableMacs)} MACs (${percent(s.separableMacs - s.macs, s.macs)}) · ${exact(s.separableParams)} params (with two BNs)`;
}

export function layerHover(
  doc: FeatureDoc,
  l: LayerResult,
  title = `**${markdownText(l.layer.name)}** · ${markdownCode(l.layer.opText)}`,
): string {
  const batch = doc.analysis.graph.input.batch;
  const costed = l.macs || l.layer.op.kind === 'conv' || l.layer.op.kind === 'fc';
  const lines = [
    `${title}${l.macs ? ` · ${KIND_LABELS[l.kind]}` : ''}`,
    '',
    `${shapes(l)}${costed ? ` · ${macsOf(doc, l.macs)}` : ''} · ${exact(l.params)} params`,
  ];
  const sep = separableLine(doc, l);
  if (sep) lines.push('', sep);
  const f = l.inputs && l.output ? macsFormula(l.layer, l.inputs, l.output, batch) : undefined;
  if (f) lines.push('', `MACs = ${f.symbolic}`, `= ${f.filled}`);
  if (sep) {
    const s = dscSavings(l, false, batch)!;
    const op = l.layer.op as { kh: number; kw: number };
    lines.push(
      '',
      `separable / standard = 1/N + 1/K² = 1/${l.output![2]} + 1/${op.kh * op.kw} = ${s.ratio.toFixed(4)}`,
    );
  }
  lines.push(
    '',
    `activations ${exact(l.activations)} (${compact(l.activations * BYTES_PER_VALUE)}B fp32)${l.otherOps ? ` · other ops ${exact(l.otherOps)}` : ''} · ${liveText(doc.analysis.memory(), l.layer.index)}`,
  );
  const measured = measuredLine(doc, [l]);
  if (measured) lines.push('', measured);
  const latency = latencyLines(doc, l);
  if (latency.length) lines.push('', ...latency);
  return lines.join('\n');
}

/** After `layerlint.bench`: the measured kernel time of a layer (or the sum of several), where and how (features/measured.ts). */
function measuredLine(doc: FeatureDoc, layers: LayerResult[]): string | undefined {
  const m = doc.measured?.();
  if (!m) return undefined;
  if (!m.current) return '_Measured before your last edit: measure again for per-layer times._';
  const one = layers.length === 1;
  const t = layersMeasuredMs(
    m,
    layers.map((l) => l.layer.index),
  );
  return t === undefined
    ? `**Measured** on this machine: no kernel of ${one ? 'its' : 'their'} own (fused into a neighbour by ONNX Runtime, or a view)`
    : `**Measured** ${ms(t)} on ${measuredWhere(m.report)}, ${markdownText(m.report.runtime)} (${one ? 'with what ONNX Runtime fused into its kernel' : `the kernels of these ${layers.length} layers`})`;
}

/** With a target: the layer's estimated latency, the roofline filled in and what dominates (docs/latency.md). */
function latencyLines(doc: FeatureDoc, l: LayerResult): string[] {
  const est = doc.analysis.latency();
  if (!est) return [];
  const id = markdownCode(est.target.id);
  const e = est.layers[l.layer.index];
  if (!e && est.hostFrom !== undefined && l.layer.index >= est.hostFrom) {
    const first = doc.analysis.layers[est.hostFrom]!.layer.name;
    return [
      `**Latency** on ${id}: not estimated: runs on the host CPU (${markdownText(first)} is the first layer ${id} does not run; it and every layer after it run on the host)`,
    ];
  }
  if (!e) return [`**Latency** on ${id}: not estimated (no shape, or work that depends on the data)`];
  if (e.runs === 'fused')
    return [
      `**Latency** on ${id}: fused into ${markdownText(doc.analysis.layers[e.into]!.layer.name)}'s kernel (0 ms)`,
    ];
  if (e.runs === 'view') return [`**Latency** on ${id}: a view of its input, no kernel (0 ms)`];
  const t = est.target;
  // The efficiency at the conv's GEMM shape, shown where the profile lowers the rate for it.
  const slower = e.efficiency < 1 ? e.gemm : undefined;
  const rate = slower
    ? `(${compact(t.rates[e.kind])}/ms × ${e.efficiency.toPrecision(2)})`
    : `${compact(t.rates[e.kind])}/ms`;
  // Weights past the accelerator's parameter memory stream from the host on every inference.
  const s = e.streamed;
  const stream = s ? ' + streamed weights / host bandwidth' : '';
  return [
    `**Latency** on ${id}: ~${ms(e.ms)} (estimated, ${e.dominant} dominates)`,
    slower
      ? `t = max(work / (rate_${e.kind} × efficiency), bytes / bandwidth) + overhead${stream}; efficiency at ${compact(slower.pixels)} output pixels, GEMM depth ${compact(slower.depth)}`
      : `t = max(work / rate_${e.kind}, bytes / bandwidth) + overhead${stream}`,
    `= max(${compact(e.work)} / ${rate}, ${compact(e.bytes)}B / ${compact(e.bytesPerMs)}B/ms) + ${ms(e.overheadMs)}${s ? ` + ${compact(s.bytes)}B / ${compact(t.bytesPerMs)}B/ms` : ''}`,
    `= max(${ms(e.computeMs)}, ${ms(e.memoryMs)}) + ${ms(e.overheadMs)}${s ? ` + ${ms(s.ms)}` : ''} = ${ms(e.ms)}`,
    ...(s
      ? [
          `${compact(s.bytes)}B of its weights do not fit ${id}'s ${compact(t.paramCacheBytes!)}B of parameter memory (filled in the order layers run) and stream from the host on every inference`,
        ]
      : []),
  ];
}

/** One op that `repeat` runs several times: the sum, then each iteration. */
function repeatHover(doc: FeatureDoc, layers: LayerResult[]): string {
  const first = layers[0]!;
  const macs = layers.reduce((a, l) => a + l.macs, 0);
  const params = layers.reduce((a, l) => a + l.params, 0);
  const last = layers[layers.length - 1]!;
  const lines = [
    `**${markdownCode(first.layer.opText)}** × ${layers.length} (repeated)`,
    '',
    `${first.inputs ? first.inputs.map(fmt).join(' + ') : 'unknown'} → ${last.output ? fmt(last.output) : 'unknown'} · ${macsOf(doc, macs)} · ${exact(params)} params`,
  ];
  const sep = separableLine(doc, first);
  if (sep) lines.push('', `${sep}, each`);
  const measured = measuredLine(doc, layers);
  if (measured) lines.push('', measured);
  lines.push('', '| iteration | shapes | MACs | params |', '|---|---|---:|---:|');
  for (const l of layers.slice(0, MAX_PARTS))
    lines.push(`| ${markdownText(l.layer.name)} | ${shapes(l)} | ${exact(l.macs)} | ${exact(l.params)} |`);
  if (layers.length > MAX_PARTS) lines.push(`| … ${layers.length - MAX_PARTS} more | | | |`);
  const f =
    first.inputs && first.output
      ? macsFormula(first.layer, first.inputs, first.output, doc.analysis.graph.input.batch)
      : undefined;
  if (f) lines.push('', `first: MACs = ${f.symbolic} = ${f.filled}`);
  return lines.join('\n');
}

/** The longest name prefix the layers share, cut at a `.` or `/` (`model.2` for `model.2.cv1.conv`, `model.2.cat`). */
function commonName(layers: LayerResult[]): string {
  let prefix = layers[0]!.layer.name;
  for (const l of layers)
    while (prefix && !`${l.layer.name}.`.startsWith(`${prefix}.`) && !`${l.layer.name}/`.startsWith(`${prefix}/`))
      prefix = prefix.replace(/[./]?[^./]*$/, '');
  return prefix;
}

/**
 * Layers of one module, grouped into its parts by the name after the module's own: `cv1`,
 * `m.0`, `cv2` in a C2f (an index stays with its list), one part per layer otherwise.
 */
function partsOf(layers: LayerResult[], prefix: string): { name: string; layers: LayerResult[] }[] {
  const parts: { name: string; layers: LayerResult[] }[] = [];
  for (const l of layers) {
    const rest = prefix ? l.layer.name.slice(prefix.length).replace(/^[./]/, '') : l.layer.name;
    const name = /^[^./]+[./]\d+(?=[./]|$)/.exec(rest)?.[0] ?? (/^[^./]+/.exec(rest)?.[0] || l.layer.name);
    const prev = parts[parts.length - 1];
    if (prev?.name === name) prev.layers.push(l);
    else parts.push({ name, layers: [l] });
  }
  return parts;
}

/** A module that lowers to several layers, or every layer of a block invocation (`oneSpan` false). */
function moduleHover(doc: FeatureDoc, layers: LayerResult[], oneSpan: boolean): string {
  const costed = layers.filter((l) => l.macs > 0);
  const prefix = commonName(layers);
  const first = layers[0]!;
  const last = layers[layers.length - 1]!;
  const macs = layers.reduce((a, l) => a + l.macs, 0);
  const params = layers.reduce((a, l) => a + l.params, 0);
  const written = doc.text.slice(first.layer.span.start, first.layer.span.end).split('\n')[0]!.trim();
  const what = oneSpan ? `\`${written.length > 40 ? `${written.slice(0, 39)}…` : written}\`` : 'block invocation';
  const title = `**${markdownText(prefix || first.layer.name)}** · ${what} · ${layers.length} layers`;
  if (costed.length === 1) {
    // One conv or fc with its BN and activation: that layer's hover, with the module's parameters.
    const main = costed[0]!;
    const extra = params - main.params;
    const others = layers
      .filter((l) => l !== main)
      .map((l) => (l.layer.op.kind === 'act' ? (l.layer.op as { fn: string }).fn : l.layer.op.kind));
    const withParams = layers.filter((l) => l !== main && l.params);
    const note = extra
      ? `\n\n${exact(params)} params with ${withParams.map((l) => `${markdownText(l.layer.name)} (${exact(l.params)})`).join(', ')}`
      : '';
    return `${layerHover(doc, main, `${title} (${markdownText(main.layer.name)} + ${others.map(markdownText).join(' + ')})`)}${note}`;
  }
  const lines = [
    title,
    '',
    `${first.inputs ? first.inputs.map(fmt).join(' + ') : 'unknown'} → ${last.output ? fmt(last.output) : 'unknown'} · ${macsOf(doc, macs)} · ${exact(params)} params`,
  ];
  const batch = doc.analysis.graph.input.batch;
  const candidates = costed.filter((l) => isSeparableCandidate(l, -1));
  if (candidates.length) {
    const saved = candidates.reduce((a, l) => {
      const s = dscSavings(l, false, batch)!;
      return a + s.macs - s.separableMacs;
    }, 0);
    lines.push(
      '',
      `**Separable**: ${candidates.length} KxK conv${candidates.length > 1 ? 's' : ''} here would save ${exact(saved)} MACs (${percent(-saved, macs)})`,
    );
  }
  const measured = measuredLine(doc, layers);
  if (measured) lines.push('', measured);
  const parts = partsOf(layers, prefix);
  lines.push('', '| part | output | MACs | params |', '|---|---|---:|---:|');
  for (const p of parts.slice(0, MAX_PARTS)) {
    const out = p.layers[p.layers.length - 1]!.output;
    const ops = [...new Set(p.layers.map((l) => l.layer.opText))].join(' ');
    lines.push(
      `| ${markdownText(p.name)} (${markdownText(ops)}) | ${out ? fmt(out) : 'unknown'} | ${exact(p.layers.reduce((a, l) => a + l.macs, 0))} | ${exact(p.layers.reduce((a, l) => a + l.params, 0))} |`,
    );
  }
  const rest = parts.slice(MAX_PARTS).flatMap((p) => p.layers);
  if (rest.length)
    lines.push(
      `| … ${parts.length - MAX_PARTS} more | | ${exact(rest.reduce((a, l) => a + l.macs, 0))} | ${exact(rest.reduce((a, l) => a + l.params, 0))} |`,
    );
  return lines.join('\n');
}

function row(label: string, value: string): string {
  return `| ${label} | ${value} |`;
}

/** The activation memory live while layer `i` runs, and whether it is the peak (docs/counting.md#peak-activation-memory). */
function liveText(m: PeakMemory, i: number): string {
  const bytes = `${m.complete ? '' : 'at least '}${compact(m.liveElements[i]! * m.bytesPerElement)}B ${m.precision}`;
  return `live while it runs ${bytes}${i === m.at ? ' (the peak)' : ''}`;
}

/** Peak live activation memory: bytes, where, at which precision (docs/counting.md#peak-activation-memory). */
function peakRow(m: PeakMemory, a: FeatureDoc['analysis']): string {
  const at = m.at >= 0 ? ` at ${markdownText(a.layers[m.at]!.layer.name)}` : '';
  return `${m.complete ? '' : 'at least '}${compact(m.peakBytes)}B ${m.precision}${at} (${m.live.length} tensors live)`;
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
    row('activations (sum)', `${exact(t.activations)} (${compact(t.activations * BYTES_PER_VALUE)}B fp32)`),
    row('peak memory', peakRow(a.memory(), a)),
    row('other ops', exact(t.otherOps)),
    '',
    '| kind | MACs | share | params |',
    '|---|---:|---:|---:|',
  ];
  for (const [k, v] of Object.entries(a.byKind))
    lines.push(
      `| ${KIND_LABELS[k as CostKind]} | ${exact(v.macs)} | ${percent(v.macs, t.macs, 2)} | ${exact(v.params)} |`,
    );
  const est = a.latency();
  if (est)
    lines.splice(
      9,
      0,
      row(
        'latency',
        `${est.complete ? '~' : 'at least '}${ms(est.totalMs)} estimated on ${markdownCode(est.target.id)}, batch ${est.batch}`,
      ),
    );
  const m = doc.measured?.();
  if (m)
    lines.splice(
      8,
      0,
      row('measured', `${networkMeasured(m)}${m.current ? `, ${markdownText(m.report.runtime)}` : ''}`),
    );
  if (!a.complete) lines.push('', '_Incomplete: some layers could not be costed, so these totals are a lower bound._');
  return lines.join('\n');
}
