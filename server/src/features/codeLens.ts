// Code lenses: on each line with weighted layers, their MACs and share of the total and,
// for a depthwise-separable candidate, what the separable form would cost (clicking
// applies it); on the network line, totals and the α and ρ estimates (clicking applies
// that α or ρ to the file) and, with a budget, which α or ρ fits it.
import type { CodeLens } from 'vscode-languageserver';
import type { LayerResult } from '../core/costs';
import { fitBudget } from '../core/estimates';
import { compact, percent } from '../core/format';
import { COMMANDS } from '../protocol';
import { toRange, type FeatureDoc } from './context';

const WEIGHTED = new Set(['conv', 'dwconv', 'deconv', 'fc']);

export function codeLenses(doc: FeatureDoc): CodeLens[] {
  if (!doc.settings.codeLens.enable) return [];
  return doc.cached('codeLens', () => computeLenses(doc));
}

function computeLenses(doc: FeatureDoc): CodeLens[] {
  const lenses: CodeLens[] = [];
  const total = doc.analysis.totals.macs;
  const separable = new Map<number, { macs: number; separableMacs: number; layer: number }>();
  for (const d of doc.diagnostics) if (d.data?.kind === 'separable') separable.set(d.span.start, d.data);

  // One lens per source line, summing the weighted layers whose op sits on it.
  const byLine = new Map<number, LayerResult[]>();
  for (const [, layers] of doc.layersBySpan()) {
    const l = layers[0]!;
    if (!WEIGHTED.has(l.layer.op.kind)) continue;
    const line = doc.lines.lineAt(l.layer.span.start);
    const list = byLine.get(line);
    if (list) list.push(...layers);
    else byLine.set(line, [...layers]);
  }
  for (const [line, layers] of [...byLine].sort((a, b) => a[0] - b[0])) {
    const macs = layers.reduce((a, l) => a + l.macs, 0);
    const params = layers.reduce((a, l) => a + l.params, 0);
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    const times = new Set(layers.map((l) => l.layer.span.start)).size < layers.length ? ` (×${layers.length / new Set(layers.map((l) => l.layer.span.start)).size})` : '';
    let title = `${compact(macs)} MACs (${percent(macs, total)})${times} · ${compact(params)} params`;
    const cand = layers.map((l) => separable.get(l.layer.span.start)).find((s) => s);
    if (cand) title += ` · separable: ${compact(cand.separableMacs)}, ${percent(cand.separableMacs - cand.macs, cand.macs)}`;
    lenses.push({ range, command: { title, command: '' } });
    if (cand) lenses.push({ range, command: { title: 'Make depthwise-separable', command: COMMANDS.applySeparable, arguments: [doc.uri, doc.version, cand.layer] } });
  }

  const g = doc.analysis.graph;
  const anchor = g.nameSpan ?? g.input.span;
  if (!anchor || !doc.analysis.input) return lenses;
  const range = toRange(doc.lines, { start: anchor.start, end: anchor.start });
  const t = doc.analysis.totals;
  lenses.unshift({ range, command: { title: `Total ${compact(t.macs)} MACs · ${compact(t.params)} params · ${compact(t.activations)} activations`, command: '' } });
  if (!doc.settings.codeLens.estimates) return lenses;
  const est = doc.estimates();
  const extra: CodeLens[] = [];
  for (const w of est.width.filter((w) => w.alpha !== g.width.alpha)) {
    extra.push({ range, command: { title: `α ${w.alpha}: ${compact(w.macs)} / ${compact(w.params)}`, command: COMMANDS.setWidth, arguments: [doc.uri, w.alpha] } });
  }
  const side = doc.analysis.input[0];
  for (const r of est.resolution.filter((r) => r.input !== side)) {
    extra.push({ range, command: { title: `ρ ${r.input}: ${compact(r.macs)}`, command: COMMANDS.setResolution, arguments: [doc.uri, r.input] } });
  }
  const budget = g.budget;
  if (budget) {
    const over = (budget.macs !== undefined && t.macs > budget.macs) || (budget.params !== undefined && t.params > budget.params);
    if (!over) extra.push({ range, command: { title: `✓ within budget`, command: '' } });
    else {
      const fit = fitBudget(g, budget);
      if (fit.alpha !== undefined) extra.push({ range, command: { title: `budget fits at α ${fit.alpha}`, command: COMMANDS.setWidth, arguments: [doc.uri, fit.alpha] } });
      if (fit.side !== undefined) extra.push({ range, command: { title: `budget fits at input ${fit.side}`, command: COMMANDS.setResolution, arguments: [doc.uri, fit.side] } });
      if (fit.alpha === undefined && fit.side === undefined) extra.push({ range, command: { title: 'no α or ρ fits the budget', command: '' } });
    }
  }
  lenses.splice(1, 0, ...extra);
  return lenses;
}
