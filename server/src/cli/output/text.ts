// The human-readable outputs: the report (a per-layer table as torchinfo and Netscope
// print it, totals, the per-kind breakdown, α/ρ estimates, budget, convention and
// diagnostics), the check listing (`file:line:col: severity [code] message` and a summary
// line) and the estimate grid. Colour only through `paint` (the caller decides whether it
// is on: TTY, NO_COLOR, FORCE_COLOR).
import { KIND_LABELS, type CostKind } from '../../core/costs';
import type { Severity } from '../../core/diagnostics';
import { compact, exact } from '../../core/format';
import { ms } from '../../core/latency';
import { lineStart, singleLine } from '../../core/safeText';
import type { Report, ReportDiagnostic } from '../../report/model';
import type { EstimateGrid } from '../model';
import { painter, type Paint } from '../io';
import { type CheckFile, type CheckResult, plural } from './types';

/** A table cell shows at most this many characters (a longer one ends in `…`), so a table grows linearly with its rows. */
export const MAX_CELL_LENGTH = 64;

/** A cell's text on one line, not a workflow command at a line's start (core/safeText.ts), at most MAX_CELL_LENGTH long. */
export function cellText(s: string): string {
  const line = lineStart(s);
  return line.length > MAX_CELL_LENGTH ? `${line.slice(0, MAX_CELL_LENGTH - 1)}…` : line;
}

export function table(rows: string[][], right: boolean[]): string {
  const cells = rows.map((r) => r.map(cellText));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const SEVERITY_STYLE: Record<Severity, 'red' | 'yellow' | 'blue' | 'gray'> = {
  error: 'red',
  warning: 'yellow',
  info: 'blue',
  hint: 'gray',
};

export function diagnosticLine(file: string, d: ReportDiagnostic, paint: Paint): string {
  return `${paint('bold', `${singleLine(file)}:${d.line}:${d.column}`)}: ${paint(SEVERITY_STYLE[d.severity], d.severity)} [${d.code}] ${singleLine(d.message)}`;
}

export const LAYER_RIGHT = [false, false, false, true, true, true, true];
export const KIND_RIGHT = [false, true, true, true];

/** The per-layer table: header, then name, op, output, MACs, params, % MACs per layer, and with a target its estimated ms. */
export function layerRows(r: Report, header: string[], op: (op: string) => string): string[][] {
  const latency = r.target !== undefined;
  return [
    latency ? [...header, `ms (${r.target!.id})`] : header,
    ...r.layers.map((l) => {
      const row = [
        l.name,
        op(l.op),
        l.output ? l.output.join('x') : '?',
        l.counted === false ? '?' : exact(l.macs),
        l.counted === false ? '?' : exact(l.params),
        l.macs ? `${l.share.toFixed(2)}%` : '',
      ];
      if (latency) row.push(latencyCell(l.latencyMs, l.latencyBound));
      return row;
    }),
  ];
}

/** A layer's estimated ms: `?` when it has none, `fused` or empty (a view) when it runs no kernel of its own. */
function latencyCell(ms: number | null | undefined, bound: Report['layers'][number]['latencyBound']): string {
  if (ms === null || ms === undefined) return '?';
  if (bound === 'fused') return 'fused';
  if (bound === 'view') return '';
  return ms.toFixed(4);
}

/** `12.3 ms on xeon-1t (batch 1)`, `at least …` when some layer has no estimate. */
export function latencyLine(r: Report): string | undefined {
  if (!r.target || r.totals.latencyMs === undefined) return undefined;
  const t = r.target;
  return `${t.complete ? '' : 'at least '}${ms(r.totals.latencyMs)} estimated on ${t.id}, batch ${t.batch} (${t.summary}; docs/latency.md)`;
}

/** The per-kind breakdown: header, then kind, MACs, % MACs, params. */
export function kindRows(r: Report, header: string[]): string[][] {
  return [
    header,
    ...Object.entries(r.byKind).map(([k, v]) => [
      KIND_LABELS[k as CostKind],
      exact(v.macs),
      `${v.share.toFixed(2)}%`,
      exact(v.params),
    ]),
  ];
}

/** `note` says which layers the table shows when --sort/--top chose them. */
export function textReport(r: Report, paint: Paint = painter(false), note?: string): string {
  const out: string[] = [];
  out.push(
    `${singleLine(r.file)}: ${singleLine(r.network)} (${r.format}), input ${r.input ? r.input.join('x') : '?'}${r.batch > 1 ? `, batch ${r.batch}` : ''}${r.width !== 1 ? `, width ${r.width}` : ''}`,
  );
  out.push('');
  out.push(
    table(
      layerRows(r, ['layer', 'op', 'output', 'MACs', 'params', '% MACs'], (op) => op),
      LAYER_RIGHT,
    ),
  );
  if (note) out.push(paint('gray', `(${note})`));
  out.push('');
  out.push(
    `Total MACs:   ${exact(r.totals.macs)} (${compact(r.totals.macs)}; FLOPs = 2 x MACs = ${compact(r.totals.flops)})${r.complete ? '' : ' (incomplete)'}`,
  );
  out.push(`Total params: ${exact(r.totals.params)} (${compact(r.totals.params)})${r.complete ? '' : ' (incomplete)'}`);
  if (!r.complete) out.push(paint('yellow', `Incomplete:   ${incompleteLine(r)}`));
  out.push(`Other ops:    ${exact(r.totals.otherOps)} (BN, activations, pooling, merges)`);
  out.push(`Memory:       ${memoryLine(r)}`);
  if (r.peakActivation.live.length) out.push(`Live at peak: ${liveLine(r)}`);
  const latency = latencyLine(r);
  if (latency) out.push(`Latency:      ${latency}`);
  out.push('');
  out.push(table(kindRows(r, ['kind', 'MACs', '% MACs', 'params']), KIND_RIGHT));
  if (r.estimates.width.length) {
    out.push('');
    out.push(`Width multiplier:   ${widthLine(r)}`);
    out.push(`Input resolution:   ${resolutionLine(r)}`);
  }
  if (r.estimates.scales?.length) out.push(`Scales:             ${scalesLine(r)}`);
  if (r.budget) out.push(`Budget:             ${budgetLine(r.budget)}`);
  if (r.convention) out.push(`Convention:         ${conventionLine(r.convention)}`);
  if (r.diagnostics.length) {
    out.push('');
    for (const d of r.diagnostics) out.push(diagnosticLine(r.file, d, paint));
  }
  return `${out.join('\n')}\n`;
}

export const widthLine = (r: Report) =>
  r.estimates.width.map((w) => `α ${w.alpha}: ${compact(w.macs)} MACs, ${compact(w.params)} params`).join(' · ');
export const resolutionLine = (r: Report) =>
  r.estimates.resolution.map((e) => `${e.input}: ${compact(e.macs)} MACs`).join(' · ');

/** Peak live activations (at the target's precision), then the sum of all activations and the weights (fp32). */
export function memoryLine(r: Report, inert: (s: string) => string = cellText): string {
  const p = r.peakActivation;
  const at = p.layer === undefined ? '' : ` at ${inert(p.layer)} (line ${p.line})`;
  return `peak activations ${p.complete ? '' : 'at least '}${compact(p.bytes)}B${at}, ${p.precision}${p.batch > 1 ? ` batch ${p.batch}` : ''}; all activations (sum) ${compact(r.totals.activationBytes)}B, weights ${compact(r.totals.weightBytes)}B (fp32)`;
}

/** How many live buffers the text report names at the peak. */
const LIVE_SHOWN = 4;

/** The buffers live at the peak, largest first. */
export function liveLine(r: Report): string {
  const live = [...r.peakActivation.live].sort((a, b) => b.bytes - a.bytes);
  const shown = live
    .slice(0, LIVE_SHOWN)
    .map((t) => `${cellText(t.name)} ${t.shape.join('x')} ${compact(t.bytes)}B`)
    .join(', ');
  return live.length > LIVE_SHOWN ? `${shown} and ${live.length - LIVE_SHOWN} more` : shown;
}
export const scalesLine = (r: Report) =>
  (r.estimates.scales ?? []).map((e) => `${e.scale}: ${compact(e.macs)} MACs, ${compact(e.params)} params`).join(' · ');

export function budgetLine(b: NonNullable<Report['budget']>): string {
  const parts = [
    b.macs !== undefined ? `MACs ${compact(b.macs)}` : '',
    b.params !== undefined ? `params ${compact(b.params)}` : '',
    b.latencyMs !== undefined ? `latency ${ms(b.latencyMs)}` : '',
    b.activationBytes !== undefined ? `peak activations ${compact(b.activationBytes)}B` : '',
  ].filter(Boolean);
  // α and ρ are solved for MACs and parameters only.
  if (b.macs === undefined && b.params === undefined) return parts.join(', ');
  const fit = [
    b.fit.alpha !== undefined ? `width ${b.fit.alpha}` : '',
    b.fit.side !== undefined ? `input ${b.fit.side}` : '',
  ].filter(Boolean);
  return `${parts.join(', ')}; largest that fits: ${fit.join(', ') || 'none'}`;
}

export function conventionLine(c: NonNullable<Report['convention']>): string {
  if (!c.available) return `${c.convention}: not available (this convention is not implemented yet)`;
  return `${c.convention}: ${c.display}${c.notes.length ? ` (${c.notes.join(' ')})` : ''}`;
}

export function checkText(r: CheckResult, paint: Paint): string {
  return r.files.map((f) => checkFileText(f, paint)).join('') + checkSummaryText(r, paint);
}

/** The lines of one file's findings (streamed by `check` as each file is done). */
export function checkFileText(f: CheckFile, paint: Paint): string {
  return f.diagnostics.map((d) => `${diagnosticLine(f.file, d, paint)}\n`).join('');
}

/** The summary line, after a blank line when any finding was printed before it. */
export function checkSummaryText(r: CheckResult, paint: Paint): string {
  const s = r.summary;
  const total = s.error + s.warning + s.info + s.hint;
  const line = total
    ? paint(
        s.failed ? 'red' : 'yellow',
        `${plural(total, 'problem')} (${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info, ${plural(s.hint, 'hint')}) in ${s.filesWithProblems} of ${plural(s.files, 'file')}`,
      )
    : paint('green', `No problems in ${plural(s.files, 'file')}`);
  return `${r.files.some((f) => f.diagnostics.length) ? '\n' : ''}${line}\n`;
}

/** Rows α, columns input side; each cell `MACs / params`. */
export function estimateText(g: EstimateGrid): string {
  const rows = estimateRows(g);
  return `${singleLine(g.file)}: ${singleLine(g.network)}, MACs / params${g.target ? ` / estimated ms on ${g.target}` : ''} at width α and input side (file: α ${g.base.alpha}, input ${g.base.side})\n\n${table(
    rows,
    rows[0]!.map((_, i) => i > 0),
  )}\n`;
}

/** The grid as rows: a header of input sides, then one row per α. Shared with markdown. */
export function estimateRows(g: EstimateGrid): string[][] {
  return [
    ['α \\ input', ...g.sides.map(String)],
    ...g.widths.map((a) => [String(a), ...g.sides.map((s) => estimateCell(g, a, s))]),
  ];
}

function estimateCell(g: EstimateGrid, alpha: number, side: number): string {
  const c = g.cells.find((x) => x.alpha === alpha && x.side === side)!;
  const latency = c.latencyMs === undefined ? '' : ` / ${c.latencyMs.toPrecision(3)}`;
  return `${compact(c.macs)} / ${compact(c.params)}${latency}${c.complete ? '' : '?'}`;
}

/**
 * What an incomplete report leaves out: the layers not costed and the share of layers with
 * figures. Names and op text from the file go through `inert` (one plain line by default).
 */
export function incompleteLine(r: Report, inert: (s: string) => string = singleLine): string {
  const { counted, total } = r.coverage;
  const names = r.missing.slice(0, 5).map((m) => `${inert(m.name)} (${inert(m.op)}, line ${m.line})`);
  const more = r.missing.length > names.length ? ` and ${r.missing.length - names.length} more` : '';
  const what = r.missing.length ? `not costed: ${names.join(', ')}${more}; ` : 'some shapes are unknown; ';
  return `${what}the totals cover ${counted} of ${total} layers and are a lower bound.`;
}
