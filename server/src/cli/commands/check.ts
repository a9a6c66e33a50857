// `layerlint check [PATHS...]`: lint files and folders (default: the working folder) in
// every supported format, honouring layerlint.json (severities, thresholds, budget,
// ignore), suppression comments and command-line budgets.
//
// Exit: 0 when nothing reaches the failing severity (`--fail-on`, default error) and the
// warnings are within `--max-warnings`; 1 otherwise; 2 on usage, I/O or config errors.
// stdout carries only the chosen format; a progress line goes to stderr on a TTY when
// more than PROGRESS_MIN files are checked.
import { SEVERITIES } from '../../core/diagnostics';
import { reportDiagnostics } from '../../report/model';
import { ANALYSIS_HELP, ANALYSIS_OPTIONS, analysisOptions, nonNegativeInteger, oneOf, parseCommandArgs } from '../args';
import { analyzeFile } from '../document';
import { collectFiles, displayPath, supportedExtensions } from '../files';
import { colorEnabled, EXIT, painter, UsageError, type Io } from '../io';
import { githubAnnotations } from '../output/github';
import { checkMarkdown } from '../output/markdown';
import { sarifLog } from '../output/sarif';
import { checkText } from '../output/text';
import { countSeverities, type CheckFile, type CheckResult } from '../output/types';
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
    const files: CheckFile[] = [];
    try {
      paths.forEach((path, i) => {
        const file = displayPath(path, io.cwd);
        if (progress) io.err(`\r\u001b[2K[${i + 1}/${paths.length}] ${file}`);
        const { doc } = analyzeFile(path, file, cli);
        const a = doc.analysis;
        files.push({
          file,
          format: doc.frontEnd.id,
          macs: a.totals.macs,
          params: a.totals.params,
          complete: a.complete,
          diagnostics: reportDiagnostics(doc),
        });
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
    io.out(render(format, result, io));
    return failed ? EXIT.findings : EXIT.ok;
  },
};

function render(format: (typeof FORMATS)[number], r: CheckResult, io: Io): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(r, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(sarifLog(r), null, 2)}\n`;
    case 'github':
      return githubAnnotations(r);
    case 'markdown':
      return checkMarkdown(r);
    default:
      return checkText(r, painter(colorEnabled(io)));
  }
}
