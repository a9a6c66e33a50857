// What every feature provider receives: one analysed document version plus its line
// index, with offset ↔ LSP conversions done here and only here (UTF-16 columns).
import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../../core/ir';
import { LineIndex } from '../../core/lineIndex';
import type { DocumentAnalysis } from '../../engine/analyzeSource';
import type { Estimates } from '../../core/estimates';
import { estimates as computeEstimates } from '../../core/estimates';
import type { LayerResult } from '../../core/costs';
import type { Settings } from '../settings';
import { measuredAs, type Measured, type Measurement } from './measured';

export interface FeatureDoc extends DocumentAnalysis {
  uri: string;
  version: number;
  lines: LineIndex;
  settings: Settings;
  /** Computed on first use, then kept with this version. */
  estimates(): Estimates;
  /** A feature's whole-document result for this version, computed on its first request. */
  cached<T>(key: string, compute: () => T): T;
  /**
   * Present when the server can measure documents (`layerlint.bench`; not in the browser):
   * the document's last measurement as this version sees it, if there is one.
   */
  measured?: () => Measured | undefined;
}

export function toRange(lines: LineIndex, span: Span): Range {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

export function toOffset(lines: LineIndex, pos: Position): number {
  return lines.offsetAt(pos);
}

export function makeFeatureDoc(
  doc: DocumentAnalysis,
  uri: string,
  version: number,
  settings: Settings,
  /** The document's last measurement, when the server can measure. */
  measurement?: () => Measurement | undefined,
): FeatureDoc {
  let est: Estimates | undefined;
  const results = new Map<string, unknown>();
  return {
    ...(measurement
      ? {
          measured: () => {
            const m = measurement();
            return m && measuredAs(m, doc.text, doc.analysis.layers);
          },
        }
      : {}),
    ...doc,
    uri,
    version,
    settings,
    lines: new LineIndex(doc.text),
    estimates: () =>
      (est ??= doc.analysis.input
        ? computeEstimates(doc.analysis.graph, undefined, undefined, ownTotals(doc.analysis))
        : { width: [], resolution: [] }),
    cached: <T>(key: string, compute: () => T): T => {
      if (!results.has(key)) results.set(key, compute());
      return results.get(key) as T;
    },
  };
}

/** The analysis totals when they are those of the file as written (no α, ρ or divisor override in the options). */
function ownTotals(a: DocumentAnalysis['analysis']): { macs: number; params: number; complete: boolean } | undefined {
  const o = a.options;
  return o.alpha === undefined && o.side === undefined && o.divisor === undefined
    ? { macs: a.totals.macs, params: a.totals.params, complete: a.complete }
    : undefined;
}

/** Layers whose op span or block-invocation site contains the offset (innermost first). */
export function layersAt(doc: FeatureDoc, offset: number): LayerResult[] {
  const direct: LayerResult[] = [];
  const viaSite: LayerResult[] = [];
  for (const l of doc.analysis.layers) {
    const s = l.layer.span;
    if (s.start <= offset && offset <= s.end) direct.push(l);
    else if (l.layer.site !== s && l.layer.site.start <= offset && offset <= l.layer.site.end) viaSite.push(l);
  }
  return direct.length ? direct : viaSite;
}
