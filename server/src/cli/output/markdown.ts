// Markdown outputs, for PR comments and job summaries: `check --format markdown` (a
// summary table per file and a table of findings), `report --format markdown` and
// `estimate --format markdown`. Text from files (names, ops, messages, file names) is
// escaped (core/safeText.ts): it renders literally, never as markup; rule codes link to
// docs/rules.md.
import { ruleDocUrl } from '../../core/diagnostics';
import { compact, exact } from '../../core/format';
import { markdownCode, markdownText } from '../../core/safeText';
import type { Report } from '../../report/model';
import type { EstimateGrid } from '../model';
import {
  incompleteLine,
  budgetLine,
  cellText,
  conventionLine,
  estimateRows,
  KIND_RIGHT,
  kindRows,
  LAYER_RIGHT,
  latencyLine,
  layerRows,
  memoryLine,
  resolutionLine,
  scalesLine,
  widthLine,
} from './text';
import { type CheckResult, countSeverities, plural } from './types';

/** Cells are Markdown already: file text in them went through markdownText or markdownCode. */
export function mdTable(rows: string[][], right: boolean[]): string {
  const [head, ...body] = rows;
  const sep = head!.map((_, i) => (right[i] ? '---:' : '---'));
  return [head!, sep, ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** At most this many findings are listed; the rest are counted. */
export const MAX_MARKDOWN_FINDINGS = 100;

export function checkMarkdown(r: CheckResult): string {
  const s = r.summary;
  const out: string[] = ['### LayerLint', ''];
  const total = s.error + s.warning + s.info + s.hint;
  out.push(
    total
      ? `${s.failed ? ':x:' : ':warning:'} ${plural(total, 'finding')} in ${s.filesWithProblems} of ${plural(s.files, 'file')}: ${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info, ${plural(s.hint, 'hint')}.`
      : `:white_check_mark: No findings in ${plural(s.files, 'file')}.`,
  );
  out.push('');
  const rows = [['File', 'Format', 'MACs', 'Params', 'Errors', 'Warnings', 'Info']];
  for (const f of r.files) {
    const c = countSeverities(f.diagnostics);
    rows.push([
      markdownCode(f.file),
      f.format,
      `${compact(f.macs)}${f.complete ? '' : ' (incomplete)'}`,
      compact(f.params),
      String(c.error),
      String(c.warning),
      String(c.info + c.hint),
    ]);
  }
  out.push(mdTable(rows, [false, false, true, true, true, true, true]));
  const findings = r.files.flatMap((f) => f.diagnostics.map((d) => ({ f, d })));
  if (findings.length) {
    out.push('', '<details><summary>Findings</summary>', '');
    const frows = [['Location', 'Severity', 'Rule', 'Message']];
    for (const { f, d } of findings.slice(0, MAX_MARKDOWN_FINDINGS))
      frows.push([
        markdownCode(`${f.file}:${d.line}:${d.column}`),
        d.severity,
        `[${d.code}](${ruleDocUrl(d.code)})`,
        markdownText(d.message),
      ]);
    out.push(mdTable(frows, [false, false, false, false]));
    if (findings.length > MAX_MARKDOWN_FINDINGS) out.push('', `…and ${findings.length - MAX_MARKDOWN_FINDINGS} more.`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}

export function reportMarkdown(r: Report, note?: string): string {
  const out: string[] = [`### ${markdownText(r.network)} (${markdownCode(r.file)})`, ''];
  out.push(
    `Format ${r.format}, input ${r.input ? r.input.join('x') : '?'}${r.batch > 1 ? `, batch ${r.batch}` : ''}${r.width !== 1 ? `, width ${r.width}` : ''}.`,
    '',
  );
  out.push(
    `**${exact(r.totals.macs)} MACs** (${compact(r.totals.macs)}; FLOPs ${compact(r.totals.flops)}), **${exact(r.totals.params)} params** (${compact(r.totals.params)})${r.complete ? '' : ` — **incomplete**: ${incompleteLine(r, markdownText)}`}; memory: ${memoryLine(r, (name) => markdownText(cellText(name)))}.`,
    '',
  );
  out.push(
    mdTable(
      layerRows(r, ['Layer', 'Op', 'Output', 'MACs', 'Params', '% MACs'], (op) => markdownCode(cellText(op))).map(
        (row, i) => (i ? [markdownText(cellText(row[0]!)), ...row.slice(1)] : row),
      ),
      LAYER_RIGHT,
    ),
  );
  if (note) out.push('', `_${note}_`);
  const latency = latencyLine(r);
  if (latency) out.push('', `Latency: ${markdownText(latency)}`);
  out.push('');
  out.push(mdTable(kindRows(r, ['Kind', 'MACs', '% MACs', 'Params']), KIND_RIGHT));
  if (r.estimates.width.length) {
    out.push('', `Width multiplier: ${widthLine(r)}`, '', `Input resolution: ${resolutionLine(r)}`);
  }
  if (r.estimates.scales?.length) out.push('', `Scales: ${scalesLine(r)}`);
  if (r.budget) out.push('', `Budget: ${budgetLine(r.budget)}`);
  if (r.convention) out.push('', `Convention: ${conventionLine(r.convention)}`);
  if (r.diagnostics.length) {
    out.push(
      '',
      mdTable(
        [
          ['Line', 'Severity', 'Rule', 'Message'],
          ...r.diagnostics.map((d) => [
            String(d.line),
            d.severity,
            `[${d.code}](${ruleDocUrl(d.code)})`,
            markdownText(d.message),
          ]),
        ],
        [true, false, false, false],
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

export function estimateMarkdown(g: EstimateGrid): string {
  const rows = estimateRows(g);
  return `### ${markdownText(g.network)}: MACs / params${g.target ? ` / estimated ms on ${markdownText(g.target)}` : ''} at width α and input side\n\n${mdTable(
    rows,
    rows[0]!.map((_, i) => i > 0),
  )}\n`;
}
