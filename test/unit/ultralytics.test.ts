// Ultralytics model `.yaml` front-end: yolov8.yaml totals per scale (exact MACs and
// parameters, model.info() GFLOPs), scale selection, detection of model YAML vs generic YAML,
// error tolerance, unknown modules, and the DWConv + Conv separable fix with renumbering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { conventionTotals } from '../../server/src/core/conventions';
import { separableFixEdits } from '../../server/src/engine/fixes';
import { applyEdits } from '../../server/src/formats/types';
import { detectFrontEnd } from '../../server/src/formats';
import { buildReport } from '../../server/src/report/model';
import type { UltralyticsParsed } from '../../server/src/formats/ultralytics';

const YAML = readFileSync('test/data/corpus/ultralytics__ultralytics__yolov8.yaml', 'utf8');
const errors = (d: DocumentAnalysis) => d.diagnostics.filter((x) => x.severity === 'error');
const rowShapes = (d: DocumentAnalysis) =>
  (d.parsed as UltralyticsParsed).rowOutputs.map((i) => (i === undefined ? null : d.analysis.layers[i]!.output));

test('yolov8n.yaml: 4,371,993,600 MACs, 3,157,200 parameters, "8.9 GFLOPs" (fused 8.7)', () => {
  const d = analyzeSource(YAML, 'yolov8n.yaml');
  assert.equal(d.frontEnd.id, 'ultralytics');
  assert.deepEqual(errors(d), []);
  assert.equal(d.analysis.complete, true);
  assert.equal(d.analysis.totals.macs, 4_371_993_600);
  assert.equal(d.analysis.totals.params, 3_157_200);
  const t = conventionTotals('ultralytics', d.analysis);
  assert.equal(t.display, '3157200 parameters, 8.9 GFLOPs');
  assert.ok(t.notes.some((n) => n.includes('3151904 parameters, 8.7 GFLOPs')));
});

test('yolov8s.yaml: 14,301,312,000 MACs, 11,166,560 parameters, "28.8 GFLOPs" (fused 28.6)', () => {
  const d = analyzeSource(YAML, 'yolov8s.yaml');
  assert.equal(d.analysis.totals.macs, 14_301_312_000);
  assert.equal(d.analysis.totals.params, 11_166_560);
  const t = conventionTotals('ultralytics', d.analysis);
  assert.equal(t.display, '11166560 parameters, 28.8 GFLOPs');
  assert.ok(t.notes.some((n) => n.includes('11156544 parameters, 28.6 GFLOPs')));
});

test('every scale matches the model.info() summary in the file', () => {
  const expected: Record<string, [number, string]> = {
    n: [3_157_200, '8.9'],
    s: [11_166_560, '28.8'],
    m: [25_902_640, '79.3'],
    l: [43_691_520, '165.7'],
    x: [68_229_648, '258.5'],
  };
  for (const [scale, [params, gflops]] of Object.entries(expected)) {
    const d = analyzeSource(YAML, `yolov8${scale}.yaml`);
    assert.equal(conventionTotals('ultralytics', d.analysis).display, `${params} parameters, ${gflops} GFLOPs`, scale);
  }
});

test('scale: from the file name as ultralytics guesses, else the first; all scales in the report', () => {
  assert.match(analyzeSource(YAML, 'yolov8s.yaml').analysis.graph.name, /scale s/);
  assert.match(analyzeSource(YAML, 'yolov8.yaml').analysis.graph.name, /scale n/);
  const report = buildReport(analyzeSource(YAML, 'yolov8.yaml'), 'yolov8.yaml');
  assert.deepEqual(
    report.estimates.scales?.map((s) => [s.scale, s.params]),
    [
      ['n', 3_157_200],
      ['s', 11_166_560],
      ['m', 25_902_640],
      ['l', 43_691_520],
      ['x', 68_229_648],
    ],
  );
  assert.equal(report.estimates.scales?.[1]?.macs, 14_301_312_000);
  assert.equal(report.estimates.width.length, 4);
});

test('detection: .yaml is Ultralytics only with top-level backbone: and head:', () => {
  assert.equal(detectFrontEnd('m.yaml', YAML).id, 'ultralytics');
  assert.equal(detectFrontEnd('m.yml', YAML).id, 'ultralytics');
  assert.notEqual(detectFrontEnd('ci.yaml', 'on: push\njobs:\n  build: {}\n').id, 'ultralytics');
  assert.equal(detectFrontEnd('model.txt', YAML).id, 'ultralytics');
});

test('a malformed row is a diagnostic at its range; other rows keep their indexes; the rest is not counted', () => {
  const text = YAML.replace('- [-1, 3, C2f, [128, True]]', '- [-1, 3, C2f]');
  const d = analyzeSource(text, 'yolov8n.yaml');
  const syntax = errors(d).filter((x) => x.code === 'syntax-error');
  assert.equal(syntax.length, 1);
  assert.equal(text.slice(syntax[0]!.span.start, syntax[0]!.span.end), '[-1, 3, C2f]');
  const shapes = rowShapes(d);
  assert.equal(shapes[2], null);
  assert.equal(shapes[3], null);
  assert.deepEqual(shapes[1], [160, 160, 32]);
  // Every row after it reads it (directly or not): the analysis says it is incomplete.
  assert.equal(d.analysis.complete, false);
  assert.ok(errors(d).some((x) => x.code === 'incomplete-analysis'));
});

test('YAML syntax errors do not crash; no NaN', () => {
  for (const text of [
    'backbone:\nhead:\n',
    'backbone: [\nhead: x',
    'nc: -1\nbackbone:\n  - [0, 1, Conv, [16, 3, 2]]\nhead:\n  - [-1, 1, Detect, [nc]]\n',
    'backbone:\n  - [5, 1, Conv, [16]]\nhead: []\n',
    '',
  ]) {
    const d = analyzeSource(text, 'm.yaml', { format: 'ultralytics' });
    assert.ok(Number.isFinite(d.analysis.totals.macs) && Number.isFinite(d.analysis.totals.params));
    assert.ok(!conventionTotals('ultralytics', d.analysis).display.includes('NaN'));
  }
});

test('an unknown module is an unknown-layer warning at its row; nothing after it is counted; incomplete', () => {
  const text = YAML.replace('- [-1, 1, SPPF, [1024, 5]]', '- [-1, 1, FancyBlock, [1024, 5]]');
  const d = analyzeSource(text, 'yolov8n.yaml');
  const u = d.diagnostics.filter((x) => x.code === 'unknown-layer');
  assert.equal(u.length, 1);
  assert.equal(text.slice(u[0]!.span.start, u[0]!.span.end), '[-1, 1, FancyBlock, [1024, 5]]');
  assert.deepEqual(
    errors(d).map((x) => x.code),
    ['incomplete-analysis'],
  );
  assert.equal(d.analysis.complete, false);
  // The Detect head reads the unknown row's descendants: no figure of it is presented.
  const last = d.analysis.layers[d.analysis.layers.length - 1]!;
  assert.equal(last.output, null);
});

test('from: negative and absolute indexes (Concat, Detect) resolve to the right rows', () => {
  const d = analyzeSource(YAML, 'yolov8n.yaml');
  const p = d.parsed as UltralyticsParsed;
  const concat = d.analysis.graph.layers[p.rowOutputs[11]!]!;
  assert.deepEqual(concat.inputs, [p.rowOutputs[10], p.rowOutputs[6]]);
  assert.deepEqual(rowShapes(d)[11], [40, 40, 384]);
});

test('separable fix: Conv rows → DWConv + 1x1 Conv, from indexes renumbered, shapes kept, exact MACs drop', () => {
  const d = analyzeSource(YAML, 'yolov8n.yaml');
  const edits = separableFixEdits(d);
  const fixed = applyEdits(YAML, edits);
  const f = analyzeSource(fixed, 'yolov8n.yaml');
  assert.deepEqual(errors(f), []);
  // The fixable rows are the stand-alone 3x3 Conv rows: 1, 3, 5, 7, 16, 19.
  const rows = [1, 3, 5, 7, 16, 19];
  const newIndex = (i: number) => i + rows.filter((r) => r <= i).length;
  const before = rowShapes(d),
    after = rowShapes(f);
  before.forEach((s, i) => assert.deepEqual(after[newIndex(i)], s, `row ${i}`));
  assert.match(fixed, /\[\[-1, 9\], 1, Concat/);
  assert.match(fixed, /\[\[19, 23, 27\], 1, Detect/);
  assert.match(fixed, /\[-1, 1, DWConv, \[64, 3, 2\]\]/);
  const predicted = d.diagnostics
    .filter(
      (x) =>
        x.code === 'separable-conv' &&
        x.data?.kind === 'separable' &&
        d.analysis.layers[x.data.layer]!.layer.opText === 'Conv2d',
    )
    .filter((x) => rows.some((r) => (d.parsed as UltralyticsParsed).spec.rows[r]!.span.start === x.span.start))
    .reduce((a, x) => a + (x.data?.kind === 'separable' ? x.data.macs - x.data.separableMacs : 0), 0);
  assert.equal(d.analysis.totals.macs - f.analysis.totals.macs, predicted);
});

test("width edit scales the selected scale's width", () => {
  const d = analyzeSource(YAML, 'yolov8s.yaml');
  const fixed = applyEdits(YAML, d.frontEnd.widthEdits(d.parsed, YAML, 0.5));
  assert.match(fixed, /s: \[0\.33, 0\.25, 1024\]/);
  assert.equal(analyzeSource(fixed, 'yolov8s.yaml').analysis.totals.params, 3_157_200);
  assert.deepEqual(d.frontEnd.resolutionEdits(d.parsed, YAML, 320), []);
});

test('a YAML error at the very end of a truncated file has its span inside the document', () => {
  // Found by the fuzz test in properties.test.ts: the parser reports [length, length + 1].
  const full = readFileSync('examples/yolov8n.yaml', 'utf8');
  const text = full.slice(0, full.indexOf('- [', full.indexOf('cat backbone P4')) + 3);
  const d = analyzeSource(text, 'cut.yaml');
  assert.equal(d.frontEnd.id, 'ultralytics');
  assert.ok(d.diagnostics.some((x) => x.code === 'syntax-error' && x.message.startsWith('YAML:')));
  for (const x of d.diagnostics)
    assert.ok(x.span.start <= x.span.end && x.span.end <= text.length, `${x.code} ${x.span.start}-${x.span.end}`);
});
