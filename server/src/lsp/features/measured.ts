// Measured latency as the features show it (the `layerlint.bench` command, docs/latency.md#in-the-editor):
// one measurement per document, tied to the text it measured. While the document still holds
// that text (analysed into the same layers) its figures are current: the network line shows the whole-network median and
// each layer its own kernel time. After an edit the measurement is stale: only the
// whole-network median is shown, marked "before your last edit"; per-layer times are dropped,
// since the layers and lines they belonged to may have moved (a time beside the wrong layer
// would be a wrong number shown as exact). Undoing back to the measured text makes it current again.
import type { LayerResult } from '../../core/costs';
import { ms } from '../../core/latency';
import type { BenchReport } from '../../engine/bench';

/** A finished measurement of one document: the text it measured and what bench reported. */
export interface Measurement {
  /** Distinct per measurement (lenses computed for one are not reused for another). */
  id: number;
  text: string;
  report: BenchReport;
}

/** A measurement as one analysed version sees it. */
export interface Measured {
  id: number;
  report: BenchReport;
  /** The document still holds the measured text. */
  current: boolean;
}

/**
 * Current when the document holds the measured text and its analysis has the measured layers
 * (same index, name and MACs: options from settings or layerlint.json that change the
 * network, such as a width, make it stale too).
 */
export function measuredAs(m: Measurement, text: string, layers: readonly LayerResult[]): Measured {
  const current =
    m.text === text &&
    m.report.layers.every((row) => layers[row.index]?.layer.name === row.name && layers[row.index]!.macs === row.macs);
  return { id: m.id, report: m.report, current };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Where and how: `this machine, 1 thread, median of 10`. */
export function measuredWhere(r: BenchReport): string {
  return `this machine, ${plural(r.threads, 'thread')}, median of ${r.repeats}`;
}

/** The whole network, for the network lens: `measured 1.84 ms on this machine, …` or its stale form. */
export function networkMeasured(m: Measured): string {
  return m.current
    ? `measured ${ms(m.report.medianMs)} on ${measuredWhere(m.report)} (spread ${ms(m.report.minMs)} – ${ms(m.report.maxMs)})`
    : `measured ${ms(m.report.medianMs)} before your last edit (${plural(m.report.threads, 'thread')})`;
}

/** Measured ms per 0-based line (the sum of the kernels timed on layers whose op starts there); none when stale. */
export function measuredByLine(m: Measured): Map<number, number> {
  const byLine = new Map<number, number>();
  if (!m.current) return byLine;
  for (const row of m.report.layers) byLine.set(row.line - 1, (byLine.get(row.line - 1) ?? 0) + row.measuredMs);
  return byLine;
}

/** The measured kernel time of some layers (by index), when current and one of them had a kernel of its own. */
export function layersMeasuredMs(m: Measured, indices: readonly number[]): number | undefined {
  if (!m.current) return undefined;
  const wanted = new Set(indices);
  const rows = m.report.layers.filter((row) => wanted.has(row.index));
  return rows.length ? rows.reduce((a, row) => a + row.measuredMs, 0) : undefined;
}
