// The golden form of a report: readable, diffable, and stable when the report grows. Every
// top-level field but the layers and diagnostics on one line each (objects one line per
// member), then one line per layer with its exact figures (line, name, op, kind, output,
// MACs, params, other ops, the MACs formula), then one line per diagnostic. A new report
// field adds a line per file, not one per layer; per-layer fields beyond these columns
// (activations, bytes, share) follow from them and are tested where they are computed.
import type { Report, ReportLayer } from '../../server/src/report/model';

const LAYER_COLUMNS = 'line | name | op | kind | output | macs | params | otherOps | formula';

function layerRow(l: ReportLayer): string {
  const figure = (n: number) => (l.counted === false ? '?' : String(n));
  return [
    l.line,
    l.name,
    l.op,
    l.kind,
    l.output ? l.output.join('x') : '?',
    figure(l.macs),
    figure(l.params),
    figure(l.otherOps),
    l.formula ?? '',
  ]
    .join(' | ')
    .trimEnd();
}

export function compactReport(report: Report): string {
  const { layers, diagnostics, ...header } = report;
  const out: string[] = [];
  for (const [key, value] of Object.entries(header)) {
    if (value && typeof value === 'object' && !Array.isArray(value))
      for (const [member, v] of Object.entries(value)) out.push(`${key}.${member}: ${JSON.stringify(v)}`);
    else out.push(`${key}: ${JSON.stringify(value)}`);
  }
  out.push('', `layers (${layers.length}): ${LAYER_COLUMNS}`, ...layers.map(layerRow));
  out.push(
    '',
    `diagnostics (${diagnostics.length}):`,
    ...diagnostics.map(
      (d) => `${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.severity} ${d.code}: ${d.message}`,
    ),
  );
  return `${out.join('\n')}\n`;
}
