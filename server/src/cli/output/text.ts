// The human-readable outputs: the report (a per-layer table as torchinfo and Netscope
// print it, totals, the per-kind breakdown, α/ρ estimates, budget, convention and
// diagnostics), the check listing (`file:line:col: severity [code] message` and a summary
// line) and the estimate grid. Colour only through `paint` (the caller decides whether it
// is on: TTY, NO_COLOR, FORCE_COLOR).
import { KIND_LABELS, type CostKind } from '../../core/costs';
import type { Severity } from '../../core/diagnostics';
import { compact, exact } from '../../core/format';
import type { Report, ReportDiagnostic } from '../../report';
import type { EstimateGrid } from '../commands/estimate';
import { painter, type Paint } from '../io';
import { type CheckResult, plural } from './types';

export function table(rows: string[][], right: boolean[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

const SEVERITY_STYLE: Record<Severity, 'red' | 'yellow' | 'blue' | 'gray'> = { error: 'red', warning: 'yellow', info: 'blue', hint: 'gray' };

export function diagnosticLine(file: string, d: ReportDiagnostic, paint: Paint): string {
  return `${paint('bold', `${file}:${d.line}:${d.column}`)}: ${paint(SEVERITY_STYLE[d.severity], d.severity)} [${d.code}] ${d.message}`;
}

/** `note` says which layers the table shows when --sort/--top chose them. */
export function textReport(r: Report, paint: Paint = painter(false), note?: string): string {
  const out: string[] = [];
  out.push(`${r.file}: ${r.network} (${r.format}), input ${r.input ? r.input.join('x') : '?'}${r.batch > 1 ? `, batch ${r.batch}` : ''}${r.width !== 1 ? `, width ${r.width}` : ''}`);
  out.push('');
  const rows = [['layer', 'op', 'output', 'MACs', 'params', '% MACs']];
  for (const l of r.layers) rows.push([l.name, l.op, l.output ? l.output.join('x') : '?', exact(l.macs), exact(l.params), l.macs ? `${l.share.toFixed(2)}%` : '']);
  out.push(table(rows, [false, false, false, true, true, true]));
  if (note) out.push(paint('gray', `(${note})`));
  out.push('');
  out.push(`Total MACs:   ${exact(r.totals.macs)} (${compact(r.totals.macs)}; FLOPs = 2 x MACs = ${compact(r.totals.flops)})${r.complete ? '' : ' (incomplete: some shapes are unknown)'}`);
  out.push(`Total params: ${exact(r.totals.params)} (${compact(r.totals.params)})`);
  out.push(`Other ops:    ${exact(r.totals.otherOps)} (BN, activations, pooling, merges)`);
  out.push('');
  const kinds = [['kind', 'MACs', '% MACs', 'params']];
  for (const [k, v] of Object.entries(r.byKind)) kinds.push([KIND_LABELS[k as CostKind], exact(v.macs), `${v.share.toFixed(2)}%`, exact(v.params)]);
  out.push(table(kinds, [false, true, true, true]));
  if (r.estimates.width.length) {
    out.push('');
    out.push(`Width multiplier:   ${r.estimates.width.map((w) => `α ${w.alpha}: ${compact(w.macs)} MACs, ${compact(w.params)} params`).join(' · ')}`);
    out.push(`Input resolution:   ${r.estimates.resolution.map((e) => `${e.input}: ${compact(e.macs)} MACs`).join(' · ')}`);
  }
  if (r.budget) out.push(`Budget:             ${budgetLine(r.budget)}`);
  if (r.convention) out.push(`Convention:         ${conventionLine(r.convention)}`);
  if (r.diagnostics.length) {
    out.push('');
    for (const d of r.diagnostics) out.push(diagnosticLine(r.file, d, paint));
  }
  return out.join('\n') + '\n';
}

export function budgetLine(b: NonNullable<Report['budget']>): string {
  const parts = [b.macs !== undefined ? `MACs ${compact(b.macs)}` : '', b.params !== undefined ? `params ${compact(b.params)}` : ''].filter(Boolean);
  const fit = [b.fit.alpha !== undefined ? `width ${b.fit.alpha}` : '', b.fit.side !== undefined ? `input ${b.fit.side}` : ''].filter(Boolean);
  return `${parts.join(', ')}; largest that fits: ${fit.join(', ') || 'none'}`;
}

export function conventionLine(c: NonNullable<Report['convention']>): string {
  if (!c.available) return `${c.convention}: not available (this convention is not implemented yet)`;
  return `${c.convention}: ${c.display}${c.notes.length ? ` (${c.notes.join(' ')})` : ''}`;
}

export function checkText(r: CheckResult, paint: Paint): string {
  const out: string[] = [];
  for (const f of r.files) for (const d of f.diagnostics) out.push(diagnosticLine(f.file, d, paint));
  const s = r.summary;
  const total = s.error + s.warning + s.info + s.hint;
  if (out.length) out.push('');
  out.push(total
    ? paint(s.failed ? 'red' : 'yellow', `${plural(total, 'problem')} (${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info, ${plural(s.hint, 'hint')}) in ${s.filesWithProblems} of ${plural(s.files, 'file')}`)
    : paint('green', `No problems in ${plural(s.files, 'file')}`));
  return out.join('\n') + '\n';
}

/** Rows α, columns input side; each cell `MACs / params`. */
export function estimateText(g: EstimateGrid): string {
  const rows = [['α \\ input', ...g.sides.map(String)]];
  for (const a of g.widths) rows.push([String(a), ...g.sides.map((s) => estimateCell(g, a, s))]);
  return `${g.file}: ${g.network}, MACs / params at width α and input side (file: α ${g.base.alpha}, input ${g.base.side})\n\n${table(rows, rows[0]!.map((_, i) => i > 0))}\n`;
}

export function estimateCell(g: EstimateGrid, alpha: number, side: number): string {
  const c = g.cells.find((x) => x.alpha === alpha && x.side === side)!;
  return `${compact(c.macs)} / ${compact(c.params)}${c.complete ? '' : '?'}`;
}
