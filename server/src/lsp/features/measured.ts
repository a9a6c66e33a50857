// Measured latency as the features show it (the `layerlint.bench` command, docs/latency.md#in-the-editor):
// one measurement per document, tied to the text it measured. While the document still holds
// that text its figures are current: the network line shows the whole-network median and
// each layer its own kernel time. After an edit the measurement is stale: only the
// whole-network median is shown, marked "before your last edit"; per-layer times are dropped,
// since the layers and lines they belonged to may have moved (a time beside the wrong layer
// would be a wrong number shown as exact). Undoing back to the measured text makes it current again.
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

export function measuredAs(m: Measurement, text: string): Measured {
  return { id: m.id, report: m.report, current: m.text === text };
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

/** The measured kernel time of one layer (by index), when current and the layer had a kernel of its own. */
export function layerMeasuredMs(m: Measured, index: number): number | undefined {
  return m.current ? m.report.layers.find((row) => row.index === index)?.measuredMs : undefined;
}
