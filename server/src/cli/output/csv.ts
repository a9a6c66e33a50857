// CSV outputs (RFC 4180: comma-separated, CRLF-free `\n` lines, quoted when a field holds
// a comma, quote or newline): `report --format csv` has one row per shown layer with exact
// integers; `estimate --format csv` one row per (α, input side) cell.
import type { Report } from '../../report/model';
import type { EstimateGrid } from '../model';

const field = (v: string | number | boolean) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: (string | number | boolean)[][]) => `${rows.map((r) => r.map(field).join(',')).join('\n')}\n`;

export function reportCsv(r: Report): string {
  return csv([
    [
      'name',
      'op',
      'kind',
      'line',
      'out_h',
      'out_w',
      'out_c',
      'macs',
      'params',
      'activations',
      'activation_bytes',
      'weight_bytes',
      'share_macs_pct',
    ],
    ...r.layers.map((l) => [
      l.name,
      l.op,
      l.kind,
      l.line,
      l.output?.[0] ?? '',
      l.output?.[1] ?? '',
      l.output?.[2] ?? '',
      l.counted === false ? '' : l.macs,
      l.counted === false ? '' : l.params,
      l.activations,
      l.activationBytes,
      l.weightBytes,
      l.share,
    ]),
  ]);
}

export function estimateCsv(g: EstimateGrid): string {
  if (g.target)
    return csv([
      ['alpha', 'input', 'macs', 'params', 'complete', `latency_ms_${g.target}`],
      ...g.cells.map((c) => [c.alpha, c.side, c.macs, c.params, c.complete, c.latencyMs ?? '']),
    ]);
  return csv([
    ['alpha', 'input', 'macs', 'params', 'complete'],
    ...g.cells.map((c) => [c.alpha, c.side, c.macs, c.params, c.complete]),
  ]);
}
