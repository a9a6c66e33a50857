// `layerlint fix PATHS...`: apply the automatic fixes in place. Per file: analyse (with
// layerlint.json severities and suppression comments, so a disabled or suppressed finding
// is not fixed), collect the chosen rules' edits, apply them, re-analyse the result, and
// write it atomically (a temp file in the same folder, then rename) only when it still
// parses and has no more errors than before. --dry-run prints a unified diff instead;
// --stdout prints the fixed text of a single file (the first CLI's `fix`).
//
// Fixable rules: separable-conv (default: depthwise + pointwise rewrite) and over-budget
// (only with --rule over-budget: sets the width multiplier to the largest α that fits).
// Exit: 0 (fixed, or nothing to fix); with --dry-run, 1 when a file would change (as
// `prettier --check`, so it can gate CI); 2 on usage or I/O errors, or when a fix was refused
// because its result would not parse (that file is left untouched; the others are fixed).
import { randomBytes } from 'node:crypto';
import { renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { CODES, stageOf, type Code } from '../../core/diagnostics';
import { analyzeSource, type DocumentAnalysis } from '../../engine/analyzeSource';
import { applyEdits, type TextEdit } from '../../formats/types';
import { LineIndex } from '../../core/lineIndex';
import { ANALYSIS_HELP, ANALYSIS_OPTIONS, analysisOptions, parseCommandArgs } from '../args';
import { analyzeFile, configFor, engineOptions, readText } from '../document';
import { collectFiles, displayPath } from '../files';
import { separableFixEdits } from '../../engine/fixes';
import { EXIT, UsageError } from '../io';
import { plural } from '../output/types';
import type { Command } from './types';

/** Each fixable code and the edits that fix its findings in a document. */
export const FIXERS: Partial<Record<Code, (doc: DocumentAnalysis) => TextEdit[]>> = {
  'separable-conv': separableFixEdits,
  'over-budget': (doc) => {
    const alphas = doc.diagnostics.flatMap((d) =>
      d.code === 'over-budget' && d.data?.kind === 'budget' && d.data.alpha !== undefined ? [d.data.alpha] : [],
    );
    return alphas.length ? doc.frontEnd.widthEdits(doc.parsed, doc.text, Math.min(...alphas)) : [];
  },
};
export const DEFAULT_FIX_RULES: Code[] = ['separable-conv'];

const HELP = `Usage: layerlint fix PATHS... [options]

Applies automatic fixes in place, writing each file atomically and only when the fixed
text still parses. By default: every separable-conv finding is rewritten as a depthwise
KxK + pointwise 1x1 convolution (same output shapes, fewer MACs).

Options:
  --rule CODE            fix only this rule's findings; repeatable. Fixable:
                         separable-conv (default), over-budget (sets the width
                         multiplier to the largest α that fits the budget)
  --dry-run              write nothing; print a unified diff of what would change
  --stdout               write nothing; print the fixed text of the one FILE
  --ignore-pattern PAT   skip files and folders matching PAT; repeatable
${ANALYSIS_HELP}
  -h, --help             this help

Exit codes: 0 fixed or nothing to fix; with --dry-run, 1 when a file would change;
2 usage or I/O error, or a fix refused because the result would not parse (the file is
left as it was).
`;

export const fix: Command = {
  name: 'fix',
  summary: 'apply fixes in place (--dry-run for a diff, --stdout for one file)',
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseCommandArgs('fix', argv, {
      ...ANALYSIS_OPTIONS,
      rule: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      stdout: { type: 'boolean' },
      'ignore-pattern': { type: 'string', multiple: true },
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    if (!positionals.length) throw new UsageError(`fix: missing PATHS (see 'layerlint fix --help')`);
    if (values['dry-run'] && values.stdout) throw new UsageError('fix: --dry-run and --stdout exclude each other');
    const rules = (values.rule ?? DEFAULT_FIX_RULES).map((r) => {
      if (!(r in CODES)) throw new UsageError(`fix: unknown rule '${r}'`);
      if (!FIXERS[r as Code])
        throw new UsageError(`fix: rule '${r}' has no automatic fix (fixable: ${Object.keys(FIXERS).join(', ')})`);
      return r as Code;
    });
    const cli = analysisOptions(values);
    const paths = collectFiles(positionals, {
      cwd: io.cwd,
      ignorePatterns: values['ignore-pattern'] ?? [],
      ...(cli.configPath !== undefined ? { configPath: cli.configPath } : {}),
    });
    if (values.stdout && paths.length !== 1)
      throw new UsageError(`fix --stdout: takes exactly one file, got ${paths.length}`);
    let changed = 0,
      edits = 0,
      refused = 0;
    for (const path of paths) {
      const file = displayPath(path, io.cwd);
      const text = readText(path, file);
      const { doc } = analyzeFile(path, file, cli, text);
      const fileEdits = rules.flatMap((r) => FIXERS[r]!(doc));
      const fixed = fileEdits.length ? applyEdits(text, fileEdits) : text;
      if (fixed !== text) {
        const problem = checkFixed(doc, fixed, path, engineOptions(configFor(path, cli.configPath).config, cli));
        if (problem) {
          io.err(`layerlint: fix: refusing to change ${file}: ${problem}\n`);
          refused++;
          if (values.stdout) return EXIT.usage;
          continue;
        }
        changed++;
        edits += doc.diagnostics.filter((d) => rules.includes(d.code)).length;
      }
      if (values.stdout) io.out(fixed);
      else if (fixed !== text) {
        if (values['dry-run']) io.out(unifiedDiff(file, text, fixed));
        else writeAtomically(path, fixed);
      }
    }
    if (!values.stdout)
      io.err(
        `layerlint: ${values['dry-run'] ? 'would fix' : 'fixed'} ${plural(changed, 'file')} (${plural(edits, 'finding')})${refused ? `, refused ${refused}` : ''}, ${paths.length - changed - refused} unchanged\n`,
      );
    return refused ? EXIT.usage : values['dry-run'] && changed ? EXIT.findings : EXIT.ok;
  },
};

/** A git-style unified diff (`a/` and `b/` prefixes on relative paths), 3 lines of context. */
export function unifiedDiff(file: string, before: string, after: string): string {
  const rel = !isAbsolute(file);
  return createTwoFilesPatch(rel ? `a/${file}` : file, rel ? `b/${file}` : file, before, after, '', '', {
    context: 3,
  }).replace(/^(Index: [^\n]*\n)?=+\n/, '');
}

/** Why the fixed text must not be written, or undefined when it may. */
function checkFixed(
  before: DocumentAnalysis,
  fixed: string,
  path: string,
  options: ReturnType<typeof engineOptions>,
): string | undefined {
  const after = analyzeSource(fixed, path, options);
  const syntax = after.analysis.diagnostics.find((d) => stageOf(d.code) === 'syntax');
  if (syntax) {
    const p = new LineIndex(fixed).positionAt(syntax.span.start);
    return `the fixed text would not parse (line ${p.line + 1}:${p.character + 1}: ${syntax.message})`;
  }
  const errors = (d: DocumentAnalysis) =>
    d.analysis.diagnostics.filter((x) => x.severity === 'error' && x.code !== 'over-budget').length;
  if (errors(after) > errors(before))
    return `the fixed text would have ${errors(after) - errors(before)} more error(s)`;
  return undefined;
}

/** Write via a temp file in the same folder and a rename, keeping the file's mode. */
export function writeAtomically(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: statSync(path).mode & 0o7777 });
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
