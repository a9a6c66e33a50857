// `layerlint export --pytorch FILE [--width A] [--resolution R]`: prints the network as a
// self-contained PyTorch nn.Module (server/src/export/pytorch.ts). Exit codes as for every
// command: 0 printed, 1 the file cannot be exported (errors or unknown layers), 2 usage or I/O.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeSource } from '../engine';
import { exportPyTorch } from '../export/pytorch';

const USAGE = 'usage: layerlint export --pytorch FILE [--width A] [--resolution R]\n';

export function exportCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  let values: { pytorch?: boolean; width?: string; resolution?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { pytorch: { type: 'boolean' }, width: { type: 'string' }, resolution: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    err(`layerlint: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) { out(USAGE); return 0; }
  const [file, ...extra] = positionals;
  if (!values.pytorch || !file || extra.length) { err(`layerlint: export needs --pytorch and one FILE\n${USAGE}`); return 2; }
  const alpha = values.width === undefined ? undefined : Number(values.width);
  const side = values.resolution === undefined ? undefined : Number(values.resolution);
  if (alpha !== undefined && !(alpha > 0 && alpha <= 4)) { err(`layerlint: --width must be a number in (0, 4], not '${values.width}'\n`); return 2; }
  if (side !== undefined && !(Number.isInteger(side) && side >= 1 && side <= 1_000_000)) { err(`layerlint: --resolution must be an integer in [1, 1000000], not '${values.resolution}'\n`); return 2; }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err(`layerlint: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 2;
  }
  const doc = analyzeSource(text, file, { alpha, side });
  const errors = doc.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) err(`${file}: error [${d.code}] ${d.message}\n`);
  const result = exportPyTorch(doc.analysis, file);
  for (const p of result.problems) err(`${file}: cannot export: ${p}\n`);
  if (errors.length || result.problems.length) return 1;
  out(result.source);
  return 0;
}
