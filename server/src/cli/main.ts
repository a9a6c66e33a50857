// `layerlint` command line: report and fix. Exit codes: 0 success, 1 the file has errors,
// 2 usage or I/O error. Output goes to stdout; messages about usage to stderr.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeSource } from '../engine';
import { applyEdits } from '../formats/types';
import { buildReport } from '../report';
import { separableFixEdits } from './fixes';
import { textReport } from './text';
import { htmlReport } from './html';

const VERSION = '0.1.0';
const HELP = `layerlint ${VERSION}: per-layer MACs, parameters and shapes of neural-network layer specs.

Usage:
  layerlint report FILE [--format text|json|html] [--width A] [--resolution R]
  layerlint fix FILE            print FILE with every depthwise-separable rewrite applied
  layerlint --version | --help
`;

class UsageError extends Error {}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function positiveNumber(v: string | undefined, name: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0 && n <= max)) throw new UsageError(`--${name} must be a number in (0, ${max}], not '${v}'`);
  return n;
}

export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        width: { type: 'string' },
        resolution: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    if (values.version) { out(`${VERSION}\n`); return 0; }
    const [command, file, ...extra] = positionals;
    if (values.help || !command) { out(HELP); return command || values.help ? 0 : 2; }
    if (!file) throw new UsageError(`${command}: missing FILE`);
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const text = read(file);
    if (command === 'report') {
      if (!['text', 'json', 'html'].includes(values.format!)) throw new UsageError(`unknown --format '${values.format}' (text, json, html)`);
      const alpha = positiveNumber(values.width, 'width', 4);
      const side = positiveNumber(values.resolution, 'resolution', 1_000_000);
      const doc = analyzeSource(text, file, { alpha, side });
      const report = buildReport(doc, file);
      out(values.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : values.format === 'html' ? htmlReport(doc, report) : textReport(report));
      return report.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
    }
    if (command === 'fix') {
      const doc = analyzeSource(text, file);
      const fixed = applyEdits(text, separableFixEdits(doc));
      out(fixed);
      const errors = analyzeSource(fixed, file).diagnostics.filter((d) => d.severity === 'error');
      for (const d of errors) err(`${file}: error [${d.code}] ${d.message}\n`);
      return errors.length ? 1 : 0;
    }
    throw new UsageError(`unknown command '${command}' (report, fix)`);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`layerlint: ${(e as Error).message}\n`);
      return 2;
    }
    err(`layerlint: internal error: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
