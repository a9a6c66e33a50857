// `layerlint estimate FILE --width 0.5,0.75 --resolution 160,192`: the what-if grid, total
// MACs and parameters for every (α, input side) pair, each an exact shape + cost pass
// (core/estimates.ts estimateAt). Defaults: α 1, 0.75, 0.5, 0.25 and the input sides at
// ρ = 1, 6/7, 5/7, 4/7 of the file's. With a latency target, each cell also has its
// estimated latency (core/latency.ts latencyAt).
//
// Exit: 0; 1 when the file has errors that leave shapes unknown (the diagnostics go to
// stderr, nothing to stdout); 2 on usage or I/O errors.
import { baseSide, estimateAt, resolutionSides, WIDTH_STEPS } from '../../core/estimates';
import { reportDiagnostics } from '../../report/model';
import { ANALYSIS_OPTIONS, analysisOptions, integerList, numberList, oneOf, parseCommandArgs } from '../args';
import { EXIT, painter, colorEnabled } from '../io';
import { estimateCsv } from '../output/csv';
import { estimateMarkdown } from '../output/markdown';
import { diagnosticLine, estimateText } from '../output/text';
import { analyzeOne } from '../oneFile';
import type { EstimateGrid, EstimateGridCell } from '../model';
import { latencyAt } from '../../core/latency';
import type { Command } from './types';

const FORMATS = ['text', 'json', 'csv', 'markdown'] as const;

const HELP = `Usage: layerlint estimate FILE [--width A,A...] [--resolution R,R...] [options]

The what-if grid: total MACs and parameters of the network at every width multiplier α
(rows) and input side (columns). Each cell is an exact shape and cost pass.

Options:
  --width LIST           α values in (0, 4], comma-separated (default 1,0.75,0.5,0.25)
  --resolution LIST      input sides, comma-separated (default the file's side x 1, 6/7,
                         5/7, 4/7)
  --format FORMAT        text (default), json, csv, markdown
  --target NAME          also the estimated latency on this target in every cell
                         (default: the file's target line, then layerlint.json's)
  --config PATH          use this configuration instead of the nearest layerlint.json
  --verbose              say on stderr which configuration the file gets
  -h, --help             this help

Exit codes: 0, 1 the file has errors that leave shapes unknown, 2 usage or I/O error.
`;

export const estimate: Command = {
  name: 'estimate',
  summary: 'MACs/params grid over width multipliers and input sides',
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseCommandArgs('estimate', argv, {
      format: { type: 'string' },
      width: { type: 'string' },
      resolution: { type: 'string' },
      target: ANALYSIS_OPTIONS.target,
      config: ANALYSIS_OPTIONS.config,
      verbose: ANALYSIS_OPTIONS.verbose,
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const format = oneOf(values.format, FORMATS, '--format', 'text');
    const widths = numberList(values.width, 'width', 4) ?? [...WIDTH_STEPS];
    const sidesArg = integerList(values.resolution, 'resolution', 1_000_000);
    const fa = analyzeOne(
      'estimate',
      positionals,
      io,
      analysisOptions({ target: values.target, config: values.config, verbose: values.verbose }, io),
    );
    const { analysis } = fa.doc;
    if (!analysis.input || !analysis.complete) {
      const paint = painter(colorEnabled(io, 'err'));
      for (const d of reportDiagnostics(fa.doc).filter((x) => x.severity === 'error'))
        io.err(`${diagnosticLine(fa.file, d, paint)}\n`);
      io.err(`layerlint: estimate: ${fa.file}: shapes cannot be inferred, so there is nothing to estimate\n`);
      return EXIT.findings;
    }
    const graph = analysis.graph;
    const target = analysis.target;
    const side = baseSide(graph);
    const sides = sidesArg ?? resolutionSides(graph);
    const grid: EstimateGrid = {
      file: fa.file,
      network: graph.name,
      base: { alpha: graph.width.alpha, side },
      widths,
      sides,
      cells: widths.flatMap((alpha) =>
        sides.map((s) => {
          const cell: EstimateGridCell = { alpha, side: s, ...estimateAt(graph, alpha, s) };
          if (target) cell.latencyMs = latencyAt(target, graph, alpha, s).ms;
          return cell;
        }),
      ),
      ...(target ? { target: target.id } : {}),
    };
    switch (format) {
      case 'json':
        io.out(`${JSON.stringify(grid, null, 2)}\n`);
        break;
      case 'csv':
        io.out(estimateCsv(grid));
        break;
      case 'markdown':
        io.out(estimateMarkdown(grid));
        break;
      default:
        io.out(estimateText(grid));
    }
    return EXIT.ok;
  },
};
