// The human-readable report: a per-layer table (as torchinfo and Netscope print), totals,
// the per-kind breakdown, the α/ρ estimates and the diagnostics.
import { KIND_LABELS, type CostKind } from '../core/costs';
import { compact, exact } from '../core/format';
import type { Report } from '../report';

function table(rows: string[][], right: boolean[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export function textReport(r: Report): string {
  const out: string[] = [];
  out.push(`${r.file}: ${r.network} (${r.format}), input ${r.input ? r.input.join('x') : '?'}${r.batch > 1 ? `, batch ${r.batch}` : ''}${r.width !== 1 ? `, width ${r.width}` : ''}`);
  out.push('');
  const rows = [['layer', 'op', 'output', 'MACs', 'params', '% MACs']];
  for (const l of r.layers) rows.push([l.name, l.op, l.output ? l.output.join('x') : '?', exact(l.macs), exact(l.params), l.macs ? `${l.share.toFixed(2)}%` : '']);
  out.push(table(rows, [false, false, false, true, true, true]));
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
  if (r.budget) {
    const parts = [r.budget.macs !== undefined ? `MACs ${compact(r.budget.macs)}` : '', r.budget.params !== undefined ? `params ${compact(r.budget.params)}` : ''].filter(Boolean);
    const fit = [r.budget.fit.alpha !== undefined ? `width ${r.budget.fit.alpha}` : '', r.budget.fit.side !== undefined ? `input ${r.budget.fit.side}` : ''].filter(Boolean);
    out.push(`Budget:             ${parts.join(', ')}; largest that fits: ${fit.join(', ') || 'none'}`);
  }
  if (r.diagnostics.length) {
    out.push('');
    for (const d of r.diagnostics) out.push(`${r.file}:${d.line}:${d.column}: ${d.severity} [${d.code}] ${d.message}`);
  }
  return out.join('\n') + '\n';
}
