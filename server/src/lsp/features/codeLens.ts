// Code lenses: on each line with weighted layers, their MACs and share of the total (and with a
// latency target their estimated ms, docs/latency.md) and,
// for a depthwise-separable candidate, what the separable form would cost (clicking
// applies it); on the network line, kept short enough to read beside the code (about 90
// characters): totals, the two nearest α and the two nearest smaller input sides with their
// MACs (clicking applies that α or ρ to the file; the full grid is in the cost report and
// `layerlint estimate`) and, with a budget, which α or ρ fits it; where the server can measure
// (not in the browser), a lens that runs `layerlint.bench`, and after a run the measured times
// (features/measured.ts: the network's median, each line's kernels; only the median, marked, after an edit).
// The per-line lenses come unresolved, as a range and a small integer `data` (LineLensSets): a
// 10,000-layer file has ~2,000 of them and their titles were most of the response; the
// title or the separable command is made on codeLens/resolve, which clients send for the
// lenses on screen (VS Code) or for every lens (Neovim, Emacs lsp-mode). A lens of an older
// version resolves from the current analysis when its layer is still there, else says it is
// stale. The estimate lenses come unresolved too: their figures need extra shape-and-cost
// passes, so they are computed only when the network line is on screen.
import type { CodeLens } from 'vscode-languageserver';
import { fitBudget, RESOLUTION_STEPS, WIDTH_STEPS } from '../../core/estimates';
import { compact, percent } from '../../core/format';
import { ms } from '../../core/latency';
import { COMMANDS } from '../protocol';
import { toRange, type FeatureDoc } from './context';
import { measuredByLine, networkMeasured, type Measured } from './measured';

/** How many α and how many ρ estimates the network line shows. */
const NETWORK_LINE_STEPS = 2;

/** The lenses of a version; `sets` numbers its per-line lenses (one LineLensSets per server). */
export function codeLenses(doc: FeatureDoc, sets: LineLensSets): CodeLens[] {
  if (!doc.settings.codeLens.enable) return [];
  const measured = doc.measured?.();
  const key = measured ? `codeLens:${measured.id}:${measured.current}` : 'codeLens';
  return doc.cached(key, () => computeLenses(doc, sets, measured));
}

/**
 * Per source line, the weighted layers whose op sits on it, summed: typed arrays filled in
 * one pass, so a version's lenses cost no per-layer objects; titles are made on resolve.
 */
interface LineCosts {
  /** The lines with weighted layers, in order. */
  lines: number[];
  macs: Float64Array;
  params: Float64Array;
  layers: Int32Array;
  /** Estimated ms per line with a target (the weighted layers and what is fused into them). */
  ms: Float64Array;
  /** Distinct ops (span starts) per line: more layers than ops means repeated instances. */
  ops: Int32Array;
  /** Lines whose layers differ in MACs: a module of several layers (a C2f row), not instances of one op. */
  mixed: Uint8Array;
  /** The name of each line's first weighted layer: what a lens of this line is resolved by. */
  firstName: Map<number, string>;
  candidates: Map<number, SeparableCandidate>;
  measured: Map<number, number> | undefined;
}

interface SeparableCandidate {
  macs: number;
  separableMacs: number;
  layer: number;
}

function lineCosts(doc: FeatureDoc): LineCosts {
  const measured = doc.measured?.();
  const key = measured ? `lineCosts:${measured.id}:${measured.current}` : 'lineCosts';
  return doc.cached(key, () => computeLineCosts(doc, measured));
}

function computeLineCosts(doc: FeatureDoc, measured: Measured | undefined): LineCosts {
  const separable = new Map<number, SeparableCandidate>();
  const latency = doc.analysis.latency();
  for (const d of doc.diagnostics) if (d.data?.kind === 'separable') separable.set(d.span.start, d.data);
  const lineCount = doc.lines.lineCount;
  const t: LineCosts = {
    lines: [],
    macs: new Float64Array(lineCount),
    params: new Float64Array(lineCount),
    layers: new Int32Array(lineCount),
    ms: new Float64Array(lineCount),
    ops: new Int32Array(lineCount),
    mixed: new Uint8Array(lineCount),
    firstName: new Map(),
    candidates: new Map(),
    measured: measured ? measuredByLine(measured) : undefined,
  };
  const firstMacs = new Float64Array(lineCount).fill(-1);
  const seenOps = new Set<number>();
  for (const l of doc.analysis.weightedLayers()) {
    const start = l.layer.span.start;
    const line = doc.lines.lineAt(start);
    t.macs[line] += l.macs;
    t.params[line] += l.params;
    if (latency) t.ms[line] += latency.layers[l.layer.index]?.ms ?? Number.NaN;
    if (t.layers[line]++ === 0) {
      t.lines.push(line);
      t.firstName.set(line, l.layer.name);
    }
    if (firstMacs[line]! < 0) firstMacs[line] = l.macs;
    else if (firstMacs[line] !== l.macs) t.mixed[line] = 1;
    if (seenOps.has(start)) continue;
    seenOps.add(start);
    t.ops[line]++;
    const cand = separable.get(start);
    if (cand && !t.candidates.has(line)) t.candidates.set(line, cand);
  }
  // A layer's ops sit on one line, but lines are visited in layer order: keep them in line order.
  t.lines.sort((a, b) => a - b);
  return t;
}

/** The cost lens of a line: its MACs and share, params, measured and estimated ms, the separable saving. */
function lineTitle(doc: FeatureDoc, t: LineCosts, line: number): string {
  const macs = t.macs[line]!;
  const latency = doc.analysis.latency();
  const times = t.ops[line]! < t.layers[line]! && !t.mixed[line] ? ` (×${t.layers[line]! / t.ops[line]!})` : '';
  let title = `${compact(macs)} MACs (${percent(macs, doc.analysis.totals.macs)})${times} · ${compact(t.params[line]!)} params`;
  const measuredMs = t.measured?.get(line);
  if (measuredMs !== undefined) title += ` · measured ${ms(measuredMs)}`;
  if (latency) {
    const estimated = Number.isNaN(t.ms[line]) ? '? ms' : `~${ms(t.ms[line]!)}`;
    title += measuredMs !== undefined ? ` · estimated ${estimated} on ${latency.target.id}` : ` · ${estimated}`;
  }
  const cand = t.candidates.get(line);
  if (cand)
    title += ` · separable: ${compact(cand.separableMacs)}, ${percent(cand.separableMacs - cand.macs, cand.macs)}`;
  return title;
}

/** Which lens of a line an unresolved lens is. */
export const LINE_LENS = { cost: 0, separable: 1 } as const;
type LineLensKind = (typeof LINE_LENS)[keyof typeof LINE_LENS];

/** The per-line lenses of one version, as the server handed them out. */
interface LineLensSet {
  uri: string;
  version: number;
  /** The name of each lens line's first weighted layer, by line: what a lens of an older version is resolved by. */
  firstName: Map<number, string>;
}

/** How many versions' lens sets are kept per document: enough for the resolves of lenses still on screen. */
const SETS_KEPT = 4;

/**
 * The server's per-line lens sets. An unresolved per-line lens carries one small integer as its
 * `data`, `2 × set + kind`: a 10,000-layer file has ~2,000 of these lenses, and a URI, version
 * and layer name in each made the response larger and slower to write and read (an array per
 * lens ~0.7 ms more JSON work at 2,000 lenses). One instance per server: lenses are cached per
 * version with their set numbers.
 */
export class LineLensSets {
  private readonly sets = new Map<number, LineLensSet>();
  private readonly ofUri = new Map<string, number[]>();
  private next = 0;

  add(set: LineLensSet): number {
    const id = this.next++;
    this.sets.set(id, set);
    const ids = this.ofUri.get(set.uri) ?? [];
    ids.push(id);
    if (ids.length > SETS_KEPT) this.sets.delete(ids.shift()!);
    this.ofUri.set(set.uri, ids);
    return id;
  }

  /** The set and kind of a per-line lens; undefined for any other lens, or one whose set is no longer kept. */
  of(lens: CodeLens): { set: LineLensSet; kind: LineLensKind } | undefined {
    const d = lens.data as unknown;
    if (!Number.isSafeInteger(d) || (d as number) < 0) return undefined;
    const set = this.sets.get(Math.floor((d as number) / 2));
    return set && { set, kind: ((d as number) % 2) as LineLensKind };
  }
}

/** A per-line lens whose layer is gone, or whose set is no longer kept: said so, never a figure of another layer. */
export function staleLineLens(lens: CodeLens): CodeLens {
  return { range: lens.range, data: lens.data, command: { title: 'stale: the file has changed', command: '' } };
}

/** A per-line lens, by its `data`: a non-negative integer (estimate lenses carry objects). */
export function isLineLens(lens: CodeLens): boolean {
  return Number.isSafeInteger(lens.data) && (lens.data as number) >= 0;
}

function computeLenses(doc: FeatureDoc, sets: LineLensSets, measured: Measured | undefined): CodeLens[] {
  const lenses: CodeLens[] = [];
  const perLine = lineCosts(doc);
  const set = sets.add({ uri: doc.uri, version: doc.version, firstName: perLine.firstName });
  for (const line of perLine.lines) {
    // One position object for both ends: the range is empty and never mutated.
    const at = { line, character: 0 };
    const range = { start: at, end: at };
    lenses.push({ range, data: 2 * set + LINE_LENS.cost });
    if (perLine.candidates.has(line)) lenses.push({ range, data: 2 * set + LINE_LENS.separable });
  }

  const latency = doc.analysis.latency();
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

/**
 * Fills in a lens on this analysed version: a per-line lens of any version (one of an older
 * version by its layer's name, moved to that layer's line now, or stale when the layer is
 * gone), an estimate lens of this version (the caller checks the version).
 */
export function resolveCodeLens(doc: FeatureDoc, lens: CodeLens, sets: LineLensSets): CodeLens {
  if (lens.command) return lens;
  if (isLineLens(lens)) {
    const line = sets.of(lens);
    return line && line.set.uri === doc.uri ? resolveLineLens(doc, lens, line.set, line.kind) : staleLineLens(lens);
  }
  const data = lens.data as EstimateLensData | undefined;
  if (!data?.slot) return lens;
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

function resolveLineLens(doc: FeatureDoc, lens: CodeLens, set: LineLensSet, kind: LineLensKind): CodeLens {
  const t = lineCosts(doc);
  const asHandedOut = lens.range?.start?.line;
  const layer = set.firstName.get(asHandedOut);
  const line =
    set.version === doc.version || layer === undefined
      ? asHandedOut
      : doc.cached('lineOfLayer', () => new Map([...t.firstName].map(([l, name]) => [name, l]))).get(layer);
  if (line === undefined || layer === undefined || t.firstName.get(line) !== layer) return staleLineLens(lens);
  const at = { line, character: 0 };
  const range = { start: at, end: at };
  if (kind === LINE_LENS.cost)
    return { range, data: lens.data, command: { title: lineTitle(doc, t, line), command: '' } };
  const cand = t.candidates.get(line);
  if (!cand) return staleLineLens(lens);
  return {
    range,
    data: lens.data,
    command: {
      title: 'Make depthwise-separable',
      command: COMMANDS.applySeparable,
      arguments: [doc.uri, doc.version, cand.layer],
    },
  };
}
