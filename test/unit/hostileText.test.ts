// Text from a file that tries to take over where it is printed: fuzzed layer names and
// Caffe type strings made of line breaks, escape sequences, bidi overrides, workflow
// commands (`::set-env`), Markdown images and links, and HTML (`</details>`, `<img>`), run
// through every output (check: text, github, markdown; report: text, markdown; the hover).
// No output may carry a control character from the file, a line the file started, or markup
// the file wrote. HOSTILE_RUNS scales the runs (docs/reliability.md reports the figures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { reportDiagnostics, buildReport } from '../../server/src/report/model';
import { checkText, textReport } from '../../server/src/cli/output/text';
import { githubAnnotations } from '../../server/src/cli/output/github';
import { checkMarkdown, reportMarkdown } from '../../server/src/cli/output/markdown';
import type { CheckResult } from '../../server/src/cli/output/types';
import { painter } from '../../server/src/cli/io';
import { displayPath } from '../../server/src/cli/files';
import { layerHover, networkHover } from '../../server/src/lsp/features/hover';
import { makeFeatureDoc } from '../../server/src/lsp/features/context';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { markdownCode, markdownText, singleLine } from '../../server/src/core/safeText';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 150);
const SEED = Number(process.env.PROPS_SEED ?? 20240611);

/** Pieces an attacker would combine. */
const PIECES = [
  '\n',
  '\r\n',
  '\r',
  '\u001b[31m',
  '\u001b]8;;https://e.example/\u0007',
  '\u0007',
  '\u0000',
  '\u009b',
  '\u2028',
  '\u202e',
  '\u2066',
  '::set-env name=PATH::/tmp',
  '::add-mask::x',
  '::warning file=a,line=1::pwned',
  '![x](https://e.example/x.png)',
  '[link](https://e.example/)',
  '<img src=https://e.example/y.png>',
  '</details><h1>spoof</h1>',
  '`',
  '``',
  '|',
  '*',
  '_',
  '\\',
  '&amp;',
  '$x$',
  'conv',
  'a',
  ' ',
];
const hostile = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((a) => a.join(''));
/** A prototxt string literal: line breaks as escapes (the lexer decodes them), other characters raw. */
const quoted = (s: string) =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;

function caffeNet(name: string, type: string, net: string): string {
  return `name: ${quoted(net)}
input: "data"
input_shape { dim: 1 dim: 3 dim: 16 dim: 16 }
layer { name: ${quoted(name)} type: "Convolution" bottom: "data" top: "c1" convolution_param { num_output: 16 kernel_size: 3 pad: 1 } }
layer { name: "odd" type: ${quoted(type)} bottom: "c1" top: "c2" }
`;
}

/** Control characters no output line may hold (tab allowed). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertPlainLines(out: string, allowedStart: RegExp, what: string) {
  assert.doesNotMatch(out, CONTROL, `${what}: control character`);
  for (const line of out.split('\n')) assert.match(line, allowedStart, `${what}: line ${JSON.stringify(line)}`);
}

/** Markup an output may hold is ours: rule links, the findings' <details>, bold. */
function assertNoForeignMarkup(markdown: string, what: string) {
  assert.doesNotMatch(markdown, CONTROL, `${what}: control character`);
  // Code spans are literal text: what they hold is not markup.
  const md = markdown.replace(/(?<![\\`])(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, '');
  const tags = md.match(/<\/?[a-z][^>]*>?/gi) ?? [];
  for (const t of tags) assert.match(t, /^<\/?(details|summary)>$/, `${what}: tag ${t}`);
  assert.doesNotMatch(md, /(^|[^\\])!\[/, `${what}: image`);
  for (const [, url] of md.matchAll(/[^\\]\]\(([^)]*)\)/g))
    assert.match(url!, /^https:\/\/github\.com\/layerlint\/layerlint\/blob\/main\/docs\/rules\.md#/, `${what}: link`);
  for (const line of md.split('\n')) assert.doesNotMatch(line, /^::/, `${what}: workflow command`);
}

test('fuzz: names and type strings with control characters and markup are inert in every output', () => {
  let runs = 0;
  fc.assert(
    fc.property(hostile, hostile, hostile, (name, type, net) => {
      runs++;
      const file = 'gen.prototxt';
      const doc = analyzeSource(caffeNet(name, type, net), file);
      const diagnostics = reportDiagnostics(doc);
      assert.ok(diagnostics.length > 0);
      const a = doc.analysis;
      const result: CheckResult = {
        tool: { name: 'layerlint', version: '0' },
        files: [
          { file, format: 'caffe', macs: a.totals.macs, params: a.totals.params, complete: a.complete, diagnostics },
        ],
        summary: { error: 0, warning: 0, info: 0, hint: 0, files: 1, filesWithProblems: 1, failed: false },
      };
      assertPlainLines(
        checkText(result, painter(false)),
        /^(gen\.prototxt:\d+:\d+: |$|\d+ problems?|No problems)/,
        'check',
      );
      assertPlainLines(
        githubAnnotations(result),
        /^(::(error|warning|notice) file=gen\.prototxt,line=\d+,|$)/,
        'github',
      );
      assertNoForeignMarkup(checkMarkdown(result), 'check markdown');
      const report = buildReport(doc, file);
      assert.doesNotMatch(textReport(report), CONTROL, 'report text');
      for (const line of textReport(report).split('\n')) assert.doesNotMatch(line, /^::/, 'report text');
      assertNoForeignMarkup(reportMarkdown(report), 'report markdown');
      const fd = makeFeatureDoc(doc, 'file:///gen.prototxt', 1, DEFAULT_SETTINGS);
      assertNoForeignMarkup(networkHover(fd), 'network hover');
      for (const l of a.layers) assertNoForeignMarkup(layerHover(fd, l), `hover ${l.layer.name}`);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  assert.equal(runs, RUNS);
});

test('singleLine, markdownText and markdownCode: examples', () => {
  assert.equal(singleLine('a\nb\r\u001b[31m\u202e\tc'), 'a\\nb\\r\\x1b[31m\\u202e\tc');
  assert.equal(markdownText('![x](u) <img> a|b'), '\\!\\[x\\](u) &lt;img&gt; a\\|b');
  assert.equal(markdownCode('a`b'), '``a`b``');
  assert.equal(markdownCode('`x|'), '`` `x\\| ``');
  assert.equal(displayPath('/w/evil\n::set-env x::1.layers', '/w'), 'evil\\n::set-env x::1.layers');
});

test('a Caffe type with a line break cannot start a workflow command in `check` text output', () => {
  const doc = analyzeSource(caffeNet('c', 'X\n::set-env name=A::1\n', 'n'), 'n.prototxt');
  const unknown = doc.diagnostics.find((d) => d.code === 'unknown-layer');
  assert.ok(unknown);
  assert.match(unknown.message, /X\\n::set-env name=A::1\\n/);
});

test('fuzz: no output grows faster than its input (long names, many layers)', () => {
  let runs = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60_000 }),
      fc.integer({ min: 1, max: 300 }),
      hostile,
      (longest, layers, piece) => {
        runs++;
        const lines = [`name: "n"`, `input: "data"`, `input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }`];
        let bottom = 'data';
        for (let i = 0; i < layers; i++) {
          const name = i === 0 ? piece.repeat(Math.ceil(longest / piece.length)).slice(0, longest) : `l${i}`;
          lines.push(`layer { name: ${quoted(name)} type: "ReLU" bottom: "${bottom}" top: "t${i}" }`);
          bottom = `t${i}`;
        }
        const text = `${lines.join('\n')}\n`;
        const doc = analyzeSource(text, 'long.prototxt');
        const report = buildReport(doc, 'long.prototxt');
        for (const [what, out] of [
          ['report text', textReport(report)],
          ['report markdown', reportMarkdown(report)],
        ] as const)
          assert.ok(
            out.length <= 2 * text.length + 200 * layers + 20_000,
            `${what}: ${out.length} from ${text.length}`,
          );
      },
    ),
    { seed: SEED, numRuns: Math.max(5, Math.round(RUNS / 10)) },
  );
  assert.ok(runs >= 5);
});

test('one long name does not widen every row of the report table', () => {
  const long = 'x'.repeat(100_000);
  const text = `name: "n"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\nlayer { name: "${long}" type: "ReLU" bottom: "data" top: "a" }\n${Array.from({ length: 1000 }, (_, i) => `layer { name: "r${i}" type: "ReLU" bottom: "a" top: "a" }`).join('\n')}\n`;
  const out = textReport(buildReport(analyzeSource(text, 'l.prototxt'), 'l.prototxt'));
  assert.ok(out.length < text.length, `${out.length} characters from ${text.length}`);
  assert.match(out, /^x{63}… /m);
});
