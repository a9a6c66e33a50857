// Deep nesting in every format (issue 16, item 1): thousands of nested `repeat` or Caffe
// blocks, YAML lists nested thousands deep, and long chains of blocks invoking one another,
// through the analysis and everything that walks its results (report, HTML, export, the
// editor features, fixes). Nothing may run out of stack: a depth beyond the limits is one
// `limit-exceeded` finding at the right place; a failure in one file never costs another
// file its results. NESTING_RUNS scales the generated documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { LIMITS } from '../../server/src/core/limits';
import { buildReport, reportDiagnostics } from '../../server/src/report/model';
import { reportExtras } from '../../server/src/report/extras';
import { renderHtmlReport } from '../../server/src/report/html';
import { exportPyTorch } from '../../server/src/export/pytorch';
import { separableFixEdits } from '../../server/src/engine/fixes';
import { makeFeatureDoc } from '../../server/src/lsp/features/context';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { documentSymbols, foldingRanges } from '../../server/src/lsp/features/symbols';
import { formatDocument } from '../../server/src/lsp/features/formatting';
import { nameOccurrences } from '../../server/src/lsp/features/navigation';
import { codeLenses, LineLensSets } from '../../server/src/lsp/features/codeLens';
import { inlayHints } from '../../server/src/lsp/features/inlayHints';
import { semanticTokens } from '../../server/src/lsp/features/semanticTokens';
import { diagnostics } from '../../server/src/lsp/features/diagnostics';
import { layersFrontEnd } from '../../server/src/formats/layers';
import type { Io } from '../../server/src/cli/io';
import { main } from '../../server/src/cli/main';

const RUNS = Number(process.env.NESTING_RUNS ?? 12);

const nestedRepeats = (n: number) =>
  `network n\ninput 8x8x8\n${'repeat 1 {\n'.repeat(n)}c: conv 8 3x3 | relu\n${'}\n'.repeat(n)}`;
const blockChain = (n: number) => {
  const lines = ['network n', 'input 8x8x8'];
  for (let i = 0; i < n; i++) lines.push(`block b${i} c {`, i < n - 1 ? `  b${i + 1} c` : '  conv c 3x3', '}');
  lines.push('x: b0 8');
  return `${lines.join('\n')}\n`;
};
const nestedCaffe = (n: number) =>
  `name: "n"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n${'layer {\n'.repeat(n)}${'}\n'.repeat(n)}`;
const nestedYaml = (n: number) => `nc: 80\nbackbone:\n  - ${'['.repeat(n)}${']'.repeat(n)}\nhead: []\n`;

/** Everything that walks an analysis, run once. */
function walkEverything(doc: DocumentAnalysis, file: string) {
  const report = buildReport(doc, file);
  reportDiagnostics(doc);
  renderHtmlReport(report, reportExtras(doc), { mode: 'standalone' });
  if (doc.analysis.input) exportPyTorch(doc.analysis, file);
  separableFixEdits(doc);
  const fd = makeFeatureDoc(doc, `file:///${file}`, 1, DEFAULT_SETTINGS);
  diagnostics(fd);
  documentSymbols(fd);
  foldingRanges(fd);
  codeLenses(fd, new LineLensSets());
  inlayHints(fd, { start: { line: 0, character: 0 }, end: { line: 1e6, character: 0 } });
  formatDocument(fd);
  nameOccurrences(fd);
  semanticTokens(fd);
}

test('2,000 nested repeats: one limit-exceeded at the repeat past the limit, the rest analysed', () => {
  const text = nestedRepeats(2_000);
  const doc = analyzeSource(text, 'n.layers');
  const limit = doc.diagnostics.filter((d) => d.code === 'limit-exceeded');
  assert.equal(limit.length, 1);
  const at = text
    .split('repeat')
    .slice(0, LIMITS.maxNesting + 1)
    .join('repeat').length;
  assert.deepEqual(limit[0]!.span, { start: at, end: at + 'repeat'.length });
  assert.match(limit[0]!.message, /nested more than 100 deep/);
  walkEverything(doc, 'n.layers');
});

test('100 nested repeats are within the limit and analysed in full', () => {
  const doc = analyzeSource(nestedRepeats(LIMITS.maxNesting), 'n.layers');
  assert.ok(!doc.diagnostics.some((d) => d.code === 'limit-exceeded'));
  assert.equal(doc.analysis.totals.macs, 8 * 8 * 8 * 8 * 9);
});

test('a chain of 3,000 blocks each invoking the next: one limit-exceeded at the link past the limit', () => {
  const text = blockChain(3_000);
  const doc = analyzeSource(text, 'c.layers');
  const limit = doc.diagnostics.filter((d) => d.code === 'limit-exceeded');
  assert.equal(limit.length, 1);
  const at = text.indexOf(`  b${LIMITS.maxNesting} c`) + 2;
  assert.deepEqual(limit[0]!.span, { start: at, end: at + `b${LIMITS.maxNesting}`.length });
  assert.match(limit[0]!.message, /nested more than 100 deep here \(blocks b0 → … → b99\)/);
  walkEverything(doc, 'c.layers');
  // 100 links are within the limit.
  assert.ok(
    !analyzeSource(blockChain(LIMITS.maxNesting), 'c.layers').diagnostics.some((d) => d.code === 'limit-exceeded'),
  );
});

test('deep Caffe blocks and deep YAML lists are findings, not crashes', () => {
  for (const [file, text] of [
    ['n.prototxt', nestedCaffe(5_000)],
    ['n.yaml', nestedYaml(5_000)],
  ] as const) {
    const doc = analyzeSource(text, file);
    assert.ok(
      doc.diagnostics.some((d) => d.severity === 'error'),
      file,
    );
    walkEverything(doc, file);
  }
});

test('an analysis that runs out of stack anyway is one limit-exceeded finding', () => {
  const parse = layersFrontEnd.parse;
  const recurse = (n: number): number => recurse(n + 1) + 1;
  // Runs out of stack on any text but the empty one (which a document not analysed gets).
  layersFrontEnd.parse = (text, fileName) =>
    text ? { ...parse(text, fileName), x: recurse(0) } : parse(text, fileName);
  try {
    const doc = analyzeSource('input 8x8x8\n', 'r.layers');
    assert.deepEqual(
      doc.diagnostics.map((d) => [d.code, d.message]),
      [
        [
          'limit-exceeded',
          'The document is nested too deeply to analyse (the analysis ran out of stack); nest fewer blocks or repeats.',
        ],
      ],
    );
    assert.equal(doc.analysis.complete, false);
  } finally {
    layersFrontEnd.parse = parse;
  }
});

test('check DIR: a file that breaks the engine costs only itself; the others are reported (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-nesting-'));
  writeFileSync(join(dir, 'a.layers'), 'network a\ninput 8x8x8\nc: conv 8 3x3 | relu\n');
  writeFileSync(join(dir, 'boom.layers'), 'network boom\ninput 8x8x8\n');
  writeFileSync(join(dir, 'z.layers'), 'network z\ninput 8x8x8\nc: conv 8 3x3 | relu\n');
  const parse = layersFrontEnd.parse;
  layersFrontEnd.parse = (text, fileName) => {
    if (text.includes('boom')) throw new TypeError('engine bug');
    return parse(text, fileName);
  };
  try {
    let out = '',
      err = '';
    const io: Io = {
      out: (s) => (out += s),
      err: (s) => (err += s),
      stdoutIsTTY: false,
      stderrIsTTY: false,
      env: {},
      cwd: dir,
    };
    assert.equal(main(['check', '.', '--format', 'json'], io), 2);
    assert.deepEqual(
      JSON.parse(out).files.map((f: { file: string }) => f.file),
      ['a.layers', 'z.layers'],
    );
    assert.match(err, /internal error in boom\.layers: TypeError: engine bug/);
    assert.match(err, /1 file could not be checked/);
  } finally {
    layersFrontEnd.parse = parse;
  }
});

test('fuzz: nesting of every kind and depth, in every format, is analysed and walked without a crash', () => {
  let runs = 0;
  fc.assert(
    fc.property(
      fc.constantFrom('repeats', 'blocks', 'caffe', 'yaml'),
      fc.integer({ min: 1, max: 4_000 }),
      (kind, depth) => {
        runs++;
        const [file, text] =
          kind === 'repeats'
            ? ['g.layers', nestedRepeats(Math.min(depth, 1_500))]
            : kind === 'blocks'
              ? ['g.layers', blockChain(Math.min(depth, 1_500))]
              : kind === 'caffe'
                ? ['g.prototxt', nestedCaffe(depth)]
                : ['g.yaml', nestedYaml(depth)];
        const doc = analyzeSource(text, file);
        if (kind === 'repeats')
          assert.equal(
            doc.diagnostics.some((d) => d.code === 'limit-exceeded'),
            depth > LIMITS.maxNesting,
            `${depth}`,
          );
        walkEverything(doc, file);
      },
    ),
    { seed: 20240611, numRuns: RUNS },
  );
  assert.equal(runs, RUNS);
});

test('YAML nested past what its parser can read is one limit-exceeded, not a syntax error about the stack', () => {
  const text = `nc: 80\nbackbone:\n  - [-1, 1, Conv, ${'[\n    '.repeat(60_000)}${']'.repeat(60_000)}]\nhead: []\n`;
  const doc = analyzeSource(text, 'deep.yaml');
  const limit = doc.diagnostics.filter((d) => d.code === 'limit-exceeded');
  assert.equal(limit.length, 1);
  assert.match(limit[0]!.message, /YAML nested too deeply/);
  assert.ok(!doc.diagnostics.some((d) => /call stack/.test(d.message)));
  walkEverything(doc, 'deep.yaml');
});
