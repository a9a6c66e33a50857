// `layerlint fix PATHS...`: apply the automatic fixes in place. Per file: analyse (with
// layerlint.json severities and suppression comments, so a disabled or suppressed finding
// is not fixed), collect the chosen rules' edits, apply them, re-analyse the result, and
// write it (../safeWrite.ts: through links, atomically, keeping mode and owner, refusing a
// read-only file or one changed since it was read) only when it still parses and has no
// more errors than before; a file that is not valid UTF-8 is refused, dry run included.
// Every file is reported on its own stderr line, a refused one does not stop the others, and
// the counts are of findings the fixed text no longer has. --dry-run prints a unified diff instead;
// --stdout prints the fixed text of a single file (the first CLI's `fix`).
//
// Fixable rules: separable-conv (default: depthwise + pointwise rewrite) and over-budget
// (only with --rule over-budget: sets the width multiplier to the largest α that fits).
// Exit: 0 (fixed, or nothing to fix); with --dry-run, 1 when a file would change (as
// `prettier --check`, so it can gate CI); 2 on usage errors, or when a file was refused (that
// file is left untouched; the others are fixed).
import { isAbsolute } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { CODES, stageOf, type Code } from '../../core/diagnostics';
import { analyzeSource, type DocumentAnalysis } from '../../engine/analyzeSource';
import { applyEdits, type TextEdit } from '../../formats/types';
import { LineIndex } from '../../core/lineIndex';
import { ANALYSIS_HELP, ANALYSIS_OPTIONS, analysisOptions, parseCommandArgs } from '../args';
import { analyzeFile, configFor, engineOptions, type CommandLineOptions } from '../document';
import { collectFiles, displayPath } from '../files';
import { separableFixEdits } from '../../engine/fixes';
import { ConfigError, EXIT, UsageError } from '../io';
import { plural } from '../output/types';
import { rewriteFile } from '../safeWrite';
import { readSourceFile } from '../sourceFile';
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
      if (!Object.hasOwn(CODES, r)) throw new UsageError(`fix: unknown rule '${r}'`);
      if (!Object.hasOwn(FIXERS, r))
        throw new UsageError(`fix: rule '${r}' has no automatic fix (fixable: ${Object.keys(FIXERS).join(', ')})`);
      return r as Code;
    });
    const cli = analysisOptions(values, io);
    const paths = collectFiles(positionals, {
      cwd: io.cwd,
      ignorePatterns: values['ignore-pattern'] ?? [],
      ...(cli.configPath !== undefined ? { configPath: cli.configPath } : {}),
    });
    if (values.stdout && paths.length !== 1)
      throw new UsageError(`fix --stdout: takes exactly one file, got ${paths.length}`);
    const mode = values.stdout ? 'stdout' : values['dry-run'] ? 'dry-run' : 'write';
    let changed = 0,
      findings = 0,
      refused = 0;
    for (const path of paths) {
      const file = displayPath(path, io.cwd);
      let outcome: FileFix;
      try {
        outcome = fixFile(path, file, rules, cli, mode);
      } catch (e) {
        // A file that cannot be fixed is reported and the others go on; a bad configuration stops the run.
        if (e instanceof ConfigError) throw e;
        outcome = {
          problem: e instanceof UsageError ? e.message : `internal error: ${(e as Error).stack ?? String(e)}`,
        };
      }
      if ('problem' in outcome) {
        io.err(`layerlint: fix: refusing to change ${file}: ${outcome.problem}\n`);
        refused++;
        if (mode === 'stdout') return EXIT.usage;
        continue;
      }
      if (mode === 'stdout') io.out(outcome.fixed);
      if (outcome.fixed === outcome.text) continue;
      changed++;
      findings += outcome.fixedFindings;
      if (mode === 'dry-run') io.out(unifiedDiff(file, outcome.text, outcome.fixed));
      if (mode !== 'stdout') {
        const left = outcome.leftFindings ? `, ${outcome.leftFindings} left (no rewrite applies)` : '';
        io.err(
          `layerlint: ${file}: ${mode === 'dry-run' ? 'would fix' : 'fixed'} ${plural(outcome.fixedFindings, 'finding')}${left}\n`,
        );
      }
    }
    if (mode !== 'stdout')
      io.err(
        `layerlint: ${mode === 'dry-run' ? 'would fix' : 'fixed'} ${plural(changed, 'file')} (${plural(findings, 'finding')})${refused ? `, refused ${refused}` : ''}, ${paths.length - changed - refused} unchanged\n`,
      );
    return refused ? EXIT.usage : mode === 'dry-run' && changed ? EXIT.findings : EXIT.ok;
  },
};

type FileFix = { problem: string } | { text: string; fixed: string; fixedFindings: number; leftFindings: number };

/** One file: read, fix, check and (mode 'write') write it; a UsageError or `problem` says why it was left alone. */
function fixFile(
  path: string,
  file: string,
  rules: Code[],
  cli: CommandLineOptions,
  mode: 'write' | 'dry-run' | 'stdout',
): FileFix {
  const source = readSourceFile(path, file);
  if (source.oversized) return { problem: 'it is too large to analyse' };
  const { text } = source;
  const { doc } = analyzeFile(path, file, cli, source);
  const fileEdits = rules.flatMap((r) => FIXERS[r]!(doc));
  const fixed = fileEdits.length ? applyEdits(text, fileEdits) : text;
  if (fixed === text) return { text, fixed, fixedFindings: 0, leftFindings: 0 };
  // Checked before writing, and before a diff is shown, so a dry run tells the truth.
  if (!source.utf8) return { problem: 'it is not valid UTF-8 text; rewriting it would replace bytes' };
  const after = analyzeSource(fixed, path, engineOptions(configFor(path, cli.configPath).config, cli));
  const problem = checkFixed(doc, after);
  if (problem) return { problem };
  const count = (d: DocumentAnalysis) => d.findings.filter((x) => rules.includes(x.code)).length;
  const leftFindings = count(after);
  if (mode === 'write') rewriteFile(path, source, fixed);
  return { text, fixed, fixedFindings: count(doc) - leftFindings, leftFindings };
}

/** A git-style unified diff (`a/` and `b/` prefixes on relative paths), 3 lines of context. */
export function unifiedDiff(file: string, before: string, after: string): string {
  const rel = !isAbsolute(file);
  return createTwoFilesPatch(rel ? `a/${file}` : file, rel ? `b/${file}` : file, before, after, '', '', {
    context: 3,
  }).replace(/^(Index: [^\n]*\n)?=+\n/, '');
}

/** Why the fixed text must not be written, or undefined when it may. */
function checkFixed(before: DocumentAnalysis, after: DocumentAnalysis): string | undefined {
  const syntax = after.analysis.diagnostics.find((d) => stageOf(d.code) === 'syntax');
  if (syntax) {
    const p = new LineIndex(after.text).positionAt(syntax.span.start);
    return `the fixed text would not parse (line ${p.line + 1}:${p.character + 1}: ${syntax.message})`;
  }
  const errors = (d: DocumentAnalysis) =>
    d.analysis.diagnostics.filter((x) => x.severity === 'error' && x.code !== 'over-budget').length;
  if (errors(after) > errors(before))
    return `the fixed text would have ${errors(after) - errors(before)} more error(s)`;
  return undefined;
}
