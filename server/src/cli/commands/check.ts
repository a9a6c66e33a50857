// `layerlint check [PATHS...]`: lint files and folders (default: the working folder) in
// every supported format, honouring layerlint.json (severities, thresholds, budget,
// ignore), suppression comments and command-line budgets.
//
// Exit: 0 when nothing reaches the failing severity (`--fail-on`, default error) and the
// warnings are within `--max-warnings`; 1 otherwise; 2 on usage, I/O or config errors. A
// file that cannot be read or analysed is reported on stderr and the others are still
// checked and printed (then the exit is 2).
// stdout carries only the chosen format; a progress line goes to stderr on a TTY when
// more than PROGRESS_MIN files are checked.
import { SEVERITIES } from '../../core/diagnostics';
import { ANALYSIS_HELP, ANALYSIS_OPTIONS, analysisOptions, nonNegativeInteger, oneOf, parseCommandArgs } from '../args';
import { checkFiles, workerCount } from '../checkPool';
import { collectFiles, displayPath, supportedExtensions } from '../files';
import { colorEnabled, EXIT, painter, UsageError } from '../io';
import { githubAnnotations } from '../output/github';
import { checkMarkdown } from '../output/markdown';
import { sarifLog } from '../output/sarif';
import { checkFileText, checkSummaryText } from '../output/text';
import { countSeverities, plural, type CheckFile, type CheckResult } from '../output/types';
import type { Command } from './types';

const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'] as const;
export const PROGRESS_MIN = 10;

const HELP = `Usage: layerlint check [PATHS...] [options]

Lints layer specs: files, and folders searched recursively for ${supportedExtensions().join(' ')}
(skipping node_modules, dot folders, what .gitignore and the 'ignore' patterns of
layerlint.json exclude, and files that are no model by their content: a setup.cfg that is
no Darknet network, a YAML file that is no Ultralytics model, a Caffe solver).
A file named that is no model is skipped with a note on stderr.
Default PATHS: the working folder.

Options:
  --format FORMAT        text (default), json, sarif (SARIF 2.1.0), github (workflow
                         annotations), markdown (a summary for a PR comment)
  --fail-on SEVERITY     error (default), warning, info or hint: exit 1 when a finding
                         is at least this severe
  --max-warnings N       also exit 1 when there are more than N warnings
  --ignore-pattern PAT   skip files and folders matching PAT (gitignore syntax, relative
                         to the working folder); repeatable
  --no-gitignore         also check files that .gitignore excludes
${ANALYSIS_HELP}
  -h, --help             this help

Exit codes: 0 no failing findings, 1 failing findings, 2 usage, I/O or configuration error.
`;

export const check: Command = {
  name: 'check',
  summary: 'lint files and folders; exit 1 on errors, --fail-on warning for more (text, json, sarif, ...)',
  help: HELP,
  run(argv, io, version) {
    const { values, positionals } = parseCommandArgs('check', argv, {
      ...ANALYSIS_OPTIONS,
      format: { type: 'string' },
      'fail-on': { type: 'string' },
      'max-warnings': { type: 'string' },
      'ignore-pattern': { type: 'string', multiple: true },
      'no-gitignore': { type: 'boolean' },
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const format = oneOf(values.format, FORMATS, '--format', 'text');
    const failOn = oneOf(values['fail-on'], SEVERITIES, '--fail-on', 'error');
    const maxWarnings = nonNegativeInteger(values['max-warnings'], 'max-warnings');
    const cli = analysisOptions(values, io);
    const notModels: string[] = [];
    const paths = collectFiles(positionals.length ? positionals : ['.'], {
      cwd: io.cwd,
      ignorePatterns: values['ignore-pattern'] ?? [],
      gitignore: !values['no-gitignore'],
      onNotModel: (path, reason) => notModels.push(`${path}: skipped, ${reason}`),
      ...(cli.configPath !== undefined ? { configPath: cli.configPath } : {}),
    });
    if (!paths.length && notModels.length) throw new UsageError(notModels.join('\nlayerlint: '));
    for (const line of notModels) io.err(`layerlint: ${line}\n`);
    if (!paths.length)
      throw new UsageError(
        `no files to check in ${positionals.join(' ') || '.'} (extensions: ${supportedExtensions().join(', ')})`,
      );
    const progress = io.stderrIsTTY && paths.length > PROGRESS_MIN;
    const workers = workerCount(paths.length, io.env, cli, io.workerScript);
    // Text findings stream out file by file; the other formats are one document, written at the end.
    const paint = painter(colorEnabled(io));
    const files: CheckFile[] = [];
    let unchecked = 0;
    try {
      checkFiles(paths, io.cwd, cli, workers, io.workerScript, (outcome, i) => {
        if (progress) io.err(`\r\u001b[2K[${i + 1}/${paths.length}] ${displayPath(paths[i]!, io.cwd)}`);
        if ('failed' in outcome) {
          unchecked++;
          io.err(`${progress ? '\r\u001b[2K' : ''}layerlint: ${outcome.failed}\n`);
          return;
        }
        files.push(outcome.file);
        if (format === 'text' && outcome.file.diagnostics.length) {
          if (progress) io.err('\r\u001b[2K');
          io.out(checkFileText(outcome.file, paint));
        }
      });
    } finally {
      if (progress) io.err('\r\u001b[2K');
    }
    const all = files.flatMap((f) => f.diagnostics);
    const counts = countSeverities(all);
    const failed =
      all.some((d) => SEVERITIES.indexOf(d.severity) <= SEVERITIES.indexOf(failOn)) ||
      (maxWarnings !== undefined && counts.warning > maxWarnings);
    const result: CheckResult = {
      tool: { name: 'layerlint', version },
      files,
      summary: {
        ...counts,
        files: files.length,
        filesWithProblems: files.filter((f) => f.diagnostics.length).length,
        failed,
      },
    };
    io.out(format === 'text' ? checkSummaryText(result, paint) : render(format, result));
    if (unchecked) io.err(`layerlint: ${plural(unchecked, 'file')} could not be checked (see above)\n`);
    return unchecked ? EXIT.usage : failed ? EXIT.findings : EXIT.ok;
  },
};

/** The whole output of the formats that are one document (text streams, see above). */
function render(format: Exclude<(typeof FORMATS)[number], 'text'>, r: CheckResult): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(r, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(sarifLog(r), null, 2)}\n`;
    case 'github':
      return githubAnnotations(r);
    case 'markdown':
      return checkMarkdown(r);
  }
}
