// Code lenses: on each line with weighted layers, their MACs and share of the total (and with a
// latency target their estimated ms, docs/latency.md) and,
// for a depthwise-separable candidate, what the separable form would cost (clicking
// applies it); on the network line, kept short enough to read beside the code (about 90
// characters): totals, the two nearest α and the two nearest smaller input sides with their
// MACs (clicking applies that α or ρ to the file; the full grid is in the cost report and
// `layerlint estimate`) and, with a budget, which α or ρ fits it; where the server can measure
// (not in the browser), a lens that runs `layerlint.bench`, and after a run the measured times
// (features/measured.ts: the network's median, each line's kernels; only the median, marked, after an edit).
// The estimate lenses come unresolved: their figures need extra shape-and-cost passes, so
// they are computed on codeLens/resolve, i.e. only when the network line is on screen.
import type { CodeLens } from 'vscode-languageserver';
import { fitBudget, RESOLUTION_STEPS, WIDTH_STEPS } from '../../core/estimates';
import { compact, percent } from '../../core/format';
import { ms } from '../../core/latency';
import { COMMANDS } from '../protocol';
import { toRange, type FeatureDoc } from './context';
import { measuredByLine, networkMeasured, type Measured } from './measured';

/** How many α and how many ρ estimates the network line shows. */
const NETWORK_LINE_STEPS = 2;

export function codeLenses(doc: FeatureDoc): CodeLens[] {
  if (!doc.settings.codeLens.enable) return [];
  const measured = doc.measured?.();
  const key = measured ? `codeLens:${measured.id}:${measured.current}` : 'codeLens';
  return doc.cached(key, () => computeLenses(doc, measured));
}

function computeLenses(doc: FeatureDoc, measured: Measured | undefined): CodeLens[] {
  const lenses: CodeLens[] = [];
  const measuredOf = measured ? measuredByLine(measured) : undefined;
  const total = doc.analysis.totals.macs;
  const separable = new Map<number, { macs: number; separableMacs: number; layer: number }>();
  const latency = doc.analysis.latency();
  for (const d of doc.diagnostics) if (d.data?.kind === 'separable') separable.set(d.span.start, d.data);

  // One lens per source line, summing the weighted layers whose op sits on it: per-line sums
  // in typed arrays, so a new version's lenses cost one pass and no per-layer objects.
  const lineCount = doc.lines.lineCount;
  const macsOf = new Float64Array(lineCount);
  const paramsOf = new Float64Array(lineCount);
  const layersOf = new Int32Array(lineCount);
  /** Estimated ms per line with a target (the weighted layers and what is fused into them). */
  const msOf = new Float64Array(lineCount);
  /** Distinct ops (span starts) per line: more layers than ops means repeated instances. */
  const opsOf = new Int32Array(lineCount);
  /** Lines whose layers differ in MACs: a module of several layers (a C2f row), not instances of one op. */
  const mixed = new Uint8Array(lineCount);
  const firstMacs = new Float64Array(lineCount).fill(-1);
  const candidateOf = new Map<number, { macs: number; separableMacs: number; layer: number }>();
  const seenOps = new Set<number>();
  for (const l of doc.analysis.weightedLayers()) {
    const start = l.layer.span.start;
    const line = doc.lines.lineAt(start);
    macsOf[line] += l.macs;
    paramsOf[line] += l.params;
    if (latency) msOf[line] += latency.layers[l.layer.index]?.ms ?? Number.NaN;
    layersOf[line]++;
    if (firstMacs[line]! < 0) firstMacs[line] = l.macs;
    else if (firstMacs[line] !== l.macs) mixed[line] = 1;
    if (seenOps.has(start)) continue;
    seenOps.add(start);
    opsOf[line]++;
    const cand = separable.get(start);
    if (cand && !candidateOf.has(line)) candidateOf.set(line, cand);
  }
  for (let line = 0; line < lineCount; line++) {
    if (!layersOf[line]) continue;
    const macs = macsOf[line]!;
    const params = paramsOf[line]!;
    // One position object for both ends: the range is empty and never mutated.
    const at = { line, character: 0 };
    const range = { start: at, end: at };
    const times = opsOf[line]! < layersOf[line]! && !mixed[line] ? ` (×${layersOf[line]! / opsOf[line]!})` : '';
    let title = `${compact(macs)} MACs (${percent(macs, total)})${times} · ${compact(params)} params`;
    const measuredMs = measuredOf?.get(line);
    if (measuredMs !== undefined) title += ` · measured ${ms(measuredMs)}`;
    if (latency) {
      const estimated = Number.isNaN(msOf[line]) ? '? ms' : `~${ms(msOf[line]!)}`;
      title += measuredMs !== undefined ? ` · estimated ${estimated} on ${latency.target.id}` : ` · ${estimated}`;
    }
    const cand = candidateOf.get(line);
    if (cand)
      title += ` · separable: ${compact(cand.separableMacs)}, ${percent(cand.separableMacs - cand.macs, cand.macs)}`;
    lenses.push({ range, command: { title, command: '' } });
    if (cand)
      lenses.push({
        range,
        command: {
          title: 'Make depthwise-separable',
          command: COMMANDS.applySeparable,
          arguments: [doc.uri, doc.version, cand.layer],
        },
      });
  }

  const g = doc.analysis.graph;
  const anchor = g.nameSpan ?? g.input.span;
  if (!anchor || !doc.analysis.input) return lenses;
  const range = toRange(doc.lines, { start: anchor.start, end: anchor.start });
  const t = doc.analysis.totals;
  lenses.unshift({
    range,
    command: {
      title:
        (doc.analysis.complete
          ? `Total ${compact(t.macs)} MACs · ${compact(t.params)} params`
          : `Incomplete: at least ${compact(t.macs)} MACs · ${compact(t.params)} params`) +
        (latency ? ` · ${latency.complete ? '~' : '≥'}${ms(latency.totalMs)} on ${latency.target.id}` : ''),
      command: '',
    },
  });
  // The bench lens comes last on the network line: the totals and estimates read first.
  const benchLens: CodeLens[] = doc.measured
    ? [
        {
          range,
          command: {
            title: measured ? networkMeasured(measured) : 'Measure latency on this machine',
            command: COMMANDS.bench,
            arguments: [doc.uri],
          },
        },
      ]
    : [];
  // Estimates of a network that is not fully costed would be partial figures: none are shown.
  if (!doc.settings.codeLens.estimates || !doc.analysis.complete) {
    lenses.splice(1, 0, ...benchLens);
    return lenses;
  }
  const extra: CodeLens[] = [];
  const slot = (s: EstimateSlot) =>
    extra.push({ range, data: { uri: doc.uri, version: doc.version, slot: s } satisfies EstimateLensData });
  const current = g.width.alpha;
  const nearest = WIDTH_STEPS.filter((a) => a !== current)
    .sort((a, b) => Math.abs(a - current) - Math.abs(b - current) || b - a)
    .slice(0, NETWORK_LINE_STEPS);
  for (const alpha of nearest) slot({ kind: 'width', alpha });
  for (let i = 1; i <= NETWORK_LINE_STEPS && i < RESOLUTION_STEPS.length; i++) slot({ kind: 'resolution', index: i });
  const budget = g.budget;
  if (budget) {
    const over =
      (budget.macs !== undefined && t.macs > budget.macs) || (budget.params !== undefined && t.params > budget.params);
    if (!over) extra.push({ range, command: { title: `✓ within budget`, command: '' } });
    else {
      slot({ kind: 'budget-alpha' });
      if (budget.params === undefined) slot({ kind: 'budget-side' });
    }
  }
  lenses.splice(1, 0, ...extra, ...benchLens);
  return lenses;
}

export type EstimateSlot =
  | { kind: 'width'; alpha: number }
  | { kind: 'resolution'; index: number }
  | { kind: 'budget-alpha' }
  | { kind: 'budget-side' };

/** What an unresolved estimate lens carries: the document version it was made for, and which figure it shows. */
export interface EstimateLensData {
  uri: string;
  version: number;
  slot: EstimateSlot;
}

/** Fills in an estimate lens for this document version (the caller checks the version). */
export function resolveCodeLens(doc: FeatureDoc, lens: CodeLens): CodeLens {
  const data = lens.data as EstimateLensData | undefined;
  if (!data?.slot || lens.command) return lens;
  const s = data.slot;
  const est = doc.estimates();
  let command: CodeLens['command'];
  if (s.kind === 'width') {
    const w = est.width.find((x) => x.alpha === s.alpha);
    command = w
      ? {
          title: `α ${w.alpha}: ${compact(w.macs)}`,
          command: COMMANDS.setWidth,
          arguments: [doc.uri, w.alpha],
        }
      : undefined;
  } else if (s.kind === 'resolution') {
    const r = est.resolution[s.index];
    command = r
      ? { title: `ρ ${r.input}: ${compact(r.macs)}`, command: COMMANDS.setResolution, arguments: [doc.uri, r.input] }
      : s.index === est.resolution.length
        ? { title: 'no smaller input side analyses', command: '' }
        : undefined;
  } else {
    const g = doc.analysis.graph;
    const fit = doc.cached('budgetFit', () => fitBudget(g, g.budget ?? {}));
    if (s.kind === 'budget-alpha')
      command =
        fit.alpha !== undefined
          ? { title: `budget fits at α ${fit.alpha}`, command: COMMANDS.setWidth, arguments: [doc.uri, fit.alpha] }
          : { title: 'no width multiplier fits the budget', command: '' };
    else
      command =
        fit.side !== undefined
          ? {
              title: `budget fits at input ${fit.side}`,
              command: COMMANDS.setResolution,
              arguments: [doc.uri, fit.side],
            }
          : { title: 'no input side fits the budget', command: '' };
  }
  return { ...lens, command: command ?? { title: '', command: '' } };
}
