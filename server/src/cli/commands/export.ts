// `layerlint export --pytorch FILE [--width A] [--resolution R]`: prints the analysed network
// as a self-contained PyTorch nn.Module (server/src/export/pytorch.ts).
//
// Exit: 0 printed; 1 the file cannot be exported (errors, unknown shapes or layer types;
// the reasons go to stderr, nothing to stdout); 2 usage or I/O error.
import { exportPyTorch } from '../../export/pytorch';
import { ANALYSIS_HELP, ANALYSIS_OPTIONS, analysisOptions, parseCommandArgs } from '../args';
import { analyzeOne } from '../oneFile';
import type { Command } from './types';
import { EXIT, UsageError } from '../io';

const HELP = `Usage: layerlint export --pytorch FILE [options]

Prints the network as a self-contained PyTorch nn.Module (Python source): every layer's
output shape, MACs and parameters in PyTorch equal LayerLint's.

Options:
  --pytorch              PyTorch (the only target so far)
${ANALYSIS_HELP}
  -h, --help             this help

Exit codes: 0, 1 the file cannot be exported, 2 usage or I/O error.
`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'the network as a PyTorch nn.Module (Python source)',
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseCommandArgs('export', argv, {
      ...ANALYSIS_OPTIONS,
      pytorch: { type: 'boolean' },
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    if (!values.pytorch) throw new UsageError('export: choose a target: --pytorch');
    const fa = analyzeOne('export', positionals, io, analysisOptions(values, io));
    const errors = fa.doc.diagnostics.filter((d) => d.severity === 'error');
    for (const d of errors) io.err(`${fa.file}: error [${d.code}] ${d.message}\n`);
    const result = exportPyTorch(fa.doc.analysis, fa.file);
    for (const p of result.problems) io.err(`${fa.file}: cannot export: ${p}\n`);
    if (errors.length || result.problems.length) return EXIT.findings;
    io.out(result.source);
    return EXIT.ok;
  },
};
