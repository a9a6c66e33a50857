// `npm run fuzz [-- SEED...]`: a long randomized comparison of incremental and full analysis,
// beyond what test/unit/incremental.test.ts runs every time. Each seed edits every example
// and two generated networks (one with CRLF line ends) 150 times, one to four edits at once:
// arguments and other numbers typed over, comment, blank and code lines inserted, characters
// inserted and deleted; after each step the incremental result must equal a full analysis in every
// diagnostic, figure, shape, span, name and syntax-tree node. On a mismatch it writes the two
// texts to /tmp/layerlint-fuzz-{old,new}.layers and exits 1.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { analyzeSource, reanalyzeSource, updateSource } from '../../server/src/engine/analyzeSource';
import { generateLayers } from '../../bench/generate';
import { analysisView } from '../helpers/analysisView';

const FILE = 'fuzz.layers';

/** A whole comment or blank line (with its line break). */
const BLANK_OR_COMMENT = /^[ \t\r]*(#[^\n]*)?\n/gm;

const SNIPPETS = [
  '# c\n',
  '\n',
  'relu\n',
  'x: conv 8 3x3\n',
  '  ',
  '}',
  '{',
  'repeat 2 {\n',
  'stride=2 ',
  '| bn',
  'dwconv 3x3 | ',
  'add ',
  '=',
];

function fuzz(seed: number): { steps: number; incremental: number } {
  let s = seed >>> 0;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0), s / 2 ** 32);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const files = readdirSync('examples')
    .filter((f) => f.endsWith('.layers'))
    .map((f) => readFileSync(`examples/${f}`, 'utf8'));
  files.push(generateLayers(300), generateLayers(2000).replace(/\n/g, '\r\n'));
  let steps = 0;
  let incremental = 0;
  for (const original of files) {
    let doc = analyzeSource(original, FILE);
    let clean = original;
    for (let k = 0; k < 150; k++) {
      const mild = k % 2 === 0;
      const broken = doc.diagnostics.some((d) => d.severity === 'error');
      if (!broken) clean = doc.text;
      let text = broken && rand() < 0.7 ? clean : doc.text;
      for (let e = text === clean && broken ? 0 : 1 + Math.floor(rand() * 4); e > 0; e--) {
        const at = Math.floor(rand() * text.length);
        const lineStart = text.lastIndexOf('\n', at - 1) + 1;
        const digits = /\d+/.exec(text.slice(at));
        const r = rand();
        // Mild edits (half of the steps): an argument typed over, a comment or blank line
        // added or removed, which keep the structure and so take the incremental path; the
        // rest also rename, break and restructure.
        if (mild) {
          const arg = / (\d+)/.exec(text.slice(at));
          BLANK_OR_COMMENT.lastIndex = lineStart;
          const spare = BLANK_OR_COMMENT.exec(text);
          if (r < 0.5 && arg)
            text =
              text.slice(0, at + arg.index + 1) +
              pick(['1', '2', '3', '8', '16', '32', '48', '64']) +
              text.slice(at + arg.index + 1 + arg[1]!.length);
          // the next comment or blank line removed: with one added elsewhere, the lines between move
          else if (r < 0.75 && spare) text = text.slice(0, spare.index) + text.slice(spare.index + spare[0].length);
          else
            text =
              text.slice(0, lineStart) +
              pick(['# c\n', '\n', '# layerlint-disable-next-line\n']) +
              text.slice(lineStart);
        } else if (r < 0.5 && digits)
          text =
            text.slice(0, at + digits.index) +
            pick(['1', '2', '3', '8', '16', '32', '48', '64', '0']) +
            text.slice(at + digits.index + digits[0].length);
        else if (r < 0.75) text = text.slice(0, lineStart) + pick(SNIPPETS) + text.slice(lineStart);
        else if (r < 0.9) text = text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
        else text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 5));
      }
      // Incremental updates change the previous analysis in place: each path gets its own.
      if (updateSource(analyzeSource(doc.text, FILE), text, FILE)) incremental++;
      const base = analyzeSource(doc.text, FILE);
      if (rand() < 0.5) base.analysis.graph.layers.forEach((l) => l.name);
      const result = reanalyzeSource(base, text, FILE);
      try {
        assert.deepEqual(analysisView(result), analysisView(analyzeSource(text, FILE)));
      } catch (err) {
        writeFileSync('/tmp/layerlint-fuzz-old.layers', doc.text);
        writeFileSync('/tmp/layerlint-fuzz-new.layers', text);
        console.error(
          `seed ${seed}, step ${k}: incremental and full analyses differ (texts in /tmp/layerlint-fuzz-{old,new}.layers)`,
        );
        throw err;
      }
      steps++;
      doc = result;
    }
  }
  return { steps, incremental };
}

const seeds = process.argv.slice(2).map(Number);
for (const seed of seeds.length ? seeds : [1, 2, 3]) {
  const { steps, incremental } = fuzz(seed);
  console.log(`seed ${seed}: ${steps} steps, ${incremental} incremental, all equal to full analyses`);
}
