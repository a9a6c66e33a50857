// Every Darknet cfg of the real-world corpus (AlexeyAB darknet's `cfg/`, in
// /work/shared/corpus/real/darknet or $LAYERLINT_CORPUS/real/darknet) against the "Total
// BFLOPS" darknet prints for it (REFERENCE.tsv), read at run time. A file is exact when the
// analysis is complete and the darknet convention prints darknet's figure to the digit;
// honestly incomplete when it holds a section LayerLint documents as unsupported (the
// recurrent ones), the analysis says incomplete and no figure reads as exact; anything else
// is wrong, and one wrong file fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { conventionTotals } from '../../server/src/core/conventions';
import { corpusDir } from '../helpers/corpus';

/** Sections docs/formats/darknet.md lists as not supported: the only acceptable reason to be incomplete. */
const UNSUPPORTED = /^\[(rnn|lstm|gru|crnn|conv_lstm|history|local|implicit|deconvolutional)\]$/i;

function references(dir: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'REFERENCE.tsv'), 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('cfg\t')) continue;
    const [file, bflops] = line.split('\t');
    // An empty figure: darknet counts nothing for that network.
    rows.set(file!, bflops?.trim() || '0.000');
  }
  return rows;
}

type Verdict = { kind: 'exact' } | { kind: 'incomplete' } | { kind: 'wrong'; why: string };

function judge(text: string, file: string, expected: string): Verdict {
  const d = analyzeSource(text, file);
  const totals = conventionTotals('darknet', d.analysis);
  if (d.analysis.complete) {
    if (!totals.complete) return { kind: 'wrong', why: 'complete analysis, incomplete convention totals' };
    return totals.display === `Total BFLOPS ${expected}`
      ? { kind: 'exact' }
      : { kind: 'wrong', why: `${totals.display}, darknet prints ${expected}` };
  }
  const unknown = d.diagnostics
    .filter((x) => x.code === 'unknown-layer')
    .map((x) => text.slice(x.span.start, x.span.end));
  const unsupported = unknown.length > 0 && unknown.every((s) => UNSUPPORTED.test(s));
  const flagged = d.diagnostics.some((x) => x.code === 'incomplete-analysis');
  if (!unsupported) return { kind: 'wrong', why: `incomplete without an unsupported section (${unknown.join(', ')})` };
  if (!flagged || totals.complete || !totals.display.startsWith('at least '))
    return { kind: 'wrong', why: `incomplete but presented as exact: ${totals.display}` };
  return { kind: 'incomplete' };
}

test('darknet: every corpus cfg gives darknet\'s "Total BFLOPS" or is honestly incomplete', () => {
  const corpus = corpusDir('real/darknet/REFERENCE.tsv');
  const dir = corpus && join(corpus, 'real', 'darknet');
  assert.ok(dir, 'the real-world corpus is missing: set LAYERLINT_CORPUS to the folder holding real/darknet/');
  const refs = references(dir);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cfg'))
    .sort();
  assert.deepEqual(files, [...refs.keys()].sort(), 'REFERENCE.tsv and the folder list the same files');
  let exact = 0,
    incomplete = 0;
  const wrong: string[] = [];
  for (const file of files) {
    const verdict = judge(readFileSync(join(dir, file), 'utf8'), file, refs.get(file)!);
    if (verdict.kind === 'exact') exact++;
    else if (verdict.kind === 'incomplete') incomplete++;
    else wrong.push(`${file}: ${verdict.why}`);
  }
  console.log(
    `darknet: ${exact} of ${files.length} files exact, ${incomplete} honestly incomplete, ${wrong.length} wrong`,
  );
  assert.deepEqual(wrong, []);
});
