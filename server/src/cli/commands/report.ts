// `layerlint report FILE`: the per-layer cost table with totals, the per-kind breakdown,
// α/ρ estimates, budget fit and (with --convention or the config's `convention`) the
// totals as another tool counts them. --sort and --top choose which layer rows are shown;
// totals always cover the whole network. The JSON is server/src/report/model.ts's Report (fields
// the golden tests pin), with `layers` sorted/cut the same way and `convention` when asked.
//
// Exit: 0, or 1 when the file has error diagnostics (syntax, shapes, over budget); 2 on
// usage or I/O errors.
import { CONVENTIONS, conventionTotals, type ConventionId } from '../../core/conventions';
import { CONVENTION_IDS } from '../../engine/config';
import { buildReport, type Report } from '../../report/model';
import { ANALYSIS_HELP, ANALYSIS_OPTIONS, analysisOptions, nonNegativeInteger, oneOf, parseCommandArgs } from '../args';
import type { FileAnalysis } from '../document';
import { analyzeOne } from '../oneFile';
import { colorEnabled, EXIT, painter } from '../io';
import { reportCsv } from '../output/csv';
import { reportHtml } from '../output/html';
import { reportMarkdown } from '../output/markdown';
import { textReport } from '../output/text';
import type { Command } from './types';

const FORMATS = ['text', 'json', 'csv', 'markdown', 'html'] as const;
const SORTS = ['line', 'macs', 'params'] as const;

const HELP = `Usage: layerlint report FILE [options]

Prints the per-layer table (layer, op, output shape, MACs, params, share of MACs), the
totals, the breakdown by kind (standard, pointwise, depthwise, fc), α and input-side
estimates, the budget and the diagnostics.

Options:
  --format FORMAT        text (default), json, csv (one row per layer), markdown,
                         html (standalone visual report, docs/report.md)
  --sort KEY             line (default: file order), macs or params (largest first)
  --top N                show only the first N layers (after sorting)
  --convention ID        also print the totals as ${CONVENTION_IDS.join(', ')} count them
${ANALYSIS_HELP}
  -h, --help             this help

Exit codes: 0 no errors, 1 the file has errors (including over budget), 2 usage or I/O error.
`;

export function withConvention(report: Report, id: ConventionId, fa: FileAnalysis): Report {
  report.convention = CONVENTIONS[id]
    ? { ...conventionTotals(id, fa.doc.analysis), available: true }
    : { convention: id, available: false };
  return report;
}

export const report: Command = {
  name: 'report',
  summary: 'per-layer MACs/params table, totals, breakdown, estimates (text, json, csv, markdown, html)',
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseCommandArgs('report', argv, {
      ...ANALYSIS_OPTIONS,
      format: { type: 'string' },
      sort: { type: 'string' },
      top: { type: 'string' },
      convention: { type: 'string' },
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const format = oneOf(values.format, FORMATS, '--format', 'text');
    const sort = oneOf(values.sort, SORTS, '--sort', 'line');
    const top = nonNegativeInteger(values.top, 'top');
    const conventionArg =
      values.convention === undefined
        ? undefined
        : oneOf(values.convention, CONVENTION_IDS, '--convention', 'layerlint');
    const fa = analyzeOne('report', positionals, io, analysisOptions(values, io));
    const r = buildReport(fa.doc, fa.file);
    const convention = conventionArg ?? fa.config.convention;
    if (convention) withConvention(r, convention, fa);
    const all = r.layers.length;
    if (sort !== 'line') r.layers = [...r.layers].sort((a, b) => b[sort] - a[sort] || a.line - b.line);
    if (top !== undefined) r.layers = r.layers.slice(0, top);
    const note =
      r.layers.length < all || sort !== 'line'
        ? `${r.layers.length < all ? `top ${r.layers.length} of ${all} layers` : `${all} layers`}${sort !== 'line' ? ` by ${sort === 'macs' ? 'MACs' : 'params'}` : ''}`
        : undefined;
    switch (format) {
      case 'json':
        io.out(`${JSON.stringify(r, null, 2)}\n`);
        break;
      case 'csv':
        io.out(reportCsv(r));
        break;
      case 'markdown':
        io.out(reportMarkdown(r, note));
        break;
      case 'html':
        io.out(reportHtml(fa.doc, fa.file));
        break;
      default:
        io.out(textReport(r, painter(colorEnabled(io)), note));
    }
    return r.diagnostics.some((d) => d.severity === 'error') ? EXIT.findings : EXIT.ok;
  },
};
