// Darknet `.cfg` front-end: reference totals of the corpus files (AlexeyAB "Total BFLOPS"
// and exact conv MACs), parser error tolerance, route/shortcut index resolution, unknown
// sections, and the depthwise-separable fix with its layer renumbering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { conventionTotals } from '../../server/src/core/conventions';
import { separableFixEdits } from '../../server/src/engine/fixes';
import { applyEdits } from '../../server/src/formats/types';
import { detectFrontEnd } from '../../server/src/formats';
import type { DarknetParsed } from '../../server/src/formats/darknet';

const corpus = (name: string) => readFileSync(`test/data/corpus/${name}`, 'utf8');
const parsedOf = (d: DocumentAnalysis) => d.parsed as DarknetParsed;
/** Output shape of every darknet section, by darknet layer index. */
const sectionShapes = (d: DocumentAnalysis) =>
  parsedOf(d).outputs.map((i) => (i === undefined ? null : d.analysis.layers[i]!.output));
const errors = (d: DocumentAnalysis) => d.diagnostics.filter((x) => x.severity === 'error');

const CASES: [file: string, macs: number, bflops: string][] = [
  ['pjreddie__darknet__yolov3.cfg', 70_345_950_208, '140.723'],
  ['pjreddie__darknet__yolov3-tiny.cfg', 2_782_480_896, '5.571'],
  ['AlexeyAB__darknet__yolov3.cfg', 32_932_037_632, '65.879'],
  ['AlexeyAB__darknet__efficientnet_b0.cfg', 457_458_752, '0.915'],
];

for (const [file, macs, bflops] of CASES) {
  test(`${file}: ${macs} conv MACs, darknet "Total BFLOPS ${bflops}"`, () => {
    const d = analyzeSource(corpus(file), file);
    assert.equal(d.frontEnd.id, 'darknet');
    assert.deepEqual(errors(d), []);
    assert.equal(d.analysis.complete, true);
    assert.equal(d.analysis.totals.macs, macs);
    const t = conventionTotals('darknet', d.analysis);
    assert.equal(t.display, `Total BFLOPS ${bflops}`);
    assert.ok(
      d.analysis.layers.every(
        (l) => Number.isFinite(l.macs) && Number.isFinite(l.params) && Number.isFinite(l.otherOps),
      ),
    );
  });
}

test('yolov3.cfg: conv weights without bias/BN are 61,895,776; PyTorch-style parameters add BN and biases', () => {
  const d = analyzeSource(corpus('pjreddie__darknet__yolov3.cfg'), 'yolov3.cfg');
  assert.ok(conventionTotals('darknet', d.analysis).notes.some((n) => n.includes('61,895,776')));
  assert.equal(d.analysis.totals.params, 61_949_149);
});

test('batch=64 in [net] is a training setting: the analysis is per image', () => {
  const d = analyzeSource(corpus('pjreddie__darknet__yolov3.cfg'), 'yolov3.cfg');
  assert.equal(d.analysis.graph.input.batch, 1);
  assert.deepEqual(d.analysis.input, [608, 608, 3]);
});

test('efficientnet_b0.cfg: groups=C convs lower to depthwise, scale_channels to a broadcast multiply', () => {
  const d = analyzeSource(corpus('AlexeyAB__darknet__efficientnet_b0.cfg'), 'efficientnet_b0.cfg');
  assert.ok(d.analysis.layers.some((l) => l.layer.op.kind === 'dwconv'));
  assert.ok(d.analysis.layers.some((l) => l.layer.op.kind === 'merge' && l.layer.op.mode === 'mul'));
  assert.ok(d.analysis.byKind.depthwise.macs > 0);
});

test('detection: .cfg by extension, [net] by content', () => {
  assert.equal(detectFrontEnd('x.cfg', '').id, 'darknet');
  assert.equal(detectFrontEnd('x.txt', '[net]\nwidth=32\n').id, 'darknet');
});

const SMALL = `[net]
width=32
height=32
channels=3

[convolutional]
filters=8
size=3
stride=1
pad=1
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
batch_normalize=1
filters=8
size=1
activation=linear

[shortcut]
from=-2
activation=linear

[route]
layers=-1,1

[route]
layers=0
`;

test('route/shortcut: negative and absolute indexes resolve to the right sections', () => {
  const d = analyzeSource(SMALL, 'small.cfg');
  assert.deepEqual(errors(d), []);
  const p = parsedOf(d);
  const layers = d.analysis.graph.layers;
  const shortcut = layers[p.outputs[3]!]!;
  assert.equal(shortcut.op.kind, 'shortcut');
  assert.deepEqual(shortcut.inputs, [p.outputs[2], p.outputs[1]]);
  const concat = layers[p.outputs[4]!]!;
  assert.deepEqual(concat.inputs, [p.outputs[3], p.outputs[1]]);
  assert.deepEqual(sectionShapes(d), [
    [32, 32, 8],
    [16, 16, 8],
    [16, 16, 8],
    [16, 16, 8],
    [16, 16, 16],
    [32, 32, 8],
  ]);
  // A single-index route passes that layer's output through.
  assert.deepEqual(layers[p.outputs[5]!]!.inputs, [p.outputs[0]]);
  assert.equal(layers[p.outputs[5]!]!.op.kind, 'identity');
});

test('route groups/group_id takes one channel group', () => {
  const d = analyzeSource(SMALL.replace('layers=-1,1', 'layers=-1,1\ngroups=2\ngroup_id=1'), 'g.cfg');
  assert.deepEqual(errors(d), []);
  assert.deepEqual(sectionShapes(d)[4], [16, 16, 8]);
});

test('darknet maxpool padding: size=2 stride=1 keeps the size (padding = size-1)', () => {
  const d = analyzeSource(SMALL.replace('size=2\nstride=2', 'size=2\nstride=1'), 'm.cfg');
  assert.deepEqual(sectionShapes(d)[1], [32, 32, 8]);
});

test('a forward or out-of-range index is an error at the value; the rest is analysed', () => {
  const text = SMALL.replace('layers=0', 'layers=9');
  const d = analyzeSource(text, 'bad.cfg');
  const e = errors(d);
  assert.equal(e.length, 1);
  assert.equal(e[0]!.code, 'forward-reference');
  assert.equal(text.slice(e[0]!.span.start, e[0]!.span.end), '9');
  assert.equal(d.analysis.totals.macs, analyzeSource(SMALL, 'small.cfg').analysis.totals.macs);
  const before = analyzeSource(SMALL.replace('from=-2', 'from=-9'), 'b.cfg');
  assert.equal(errors(before)[0]!.code, 'unknown-name');
});

test('parser tolerance: a bad line is a syntax error at its exact range and the rest is analysed', () => {
  const text = SMALL.replace('size=3\n', 'size=3\nthis is not an option\n');
  const d = analyzeSource(text, 'bad.cfg');
  const e = errors(d);
  assert.equal(e.length, 1);
  assert.equal(e[0]!.code, 'syntax-error');
  assert.equal(text.slice(e[0]!.span.start, e[0]!.span.end), 'this is not an option');
  assert.equal(d.analysis.totals.macs, analyzeSource(SMALL, 'small.cfg').analysis.totals.macs);
  const badValue = SMALL.replace('filters=8\nsize=3', 'filters=eight\nsize=3');
  const v = errors(analyzeSource(badValue, 'v.cfg'));
  assert.equal(v[0]!.code, 'invalid-value');
  assert.equal(badValue.slice(v[0]!.span.start, v[0]!.span.end), 'eight');
});

test('never crashes or yields NaN on odd input', () => {
  for (const text of [
    '',
    '[',
    '[net]',
    '[net]\nwidth=0',
    '=\n[conv]\n',
    '[net]\nwidth=8\nheight=8\nchannels=1\n[route]\nlayers=\n[shortcut]\n[upsample]\nstride=-2\n[convolutional]\nsize=99\n',
  ]) {
    const d = analyzeSource(text, 'x.cfg');
    assert.ok(Number.isFinite(d.analysis.totals.macs) && Number.isFinite(d.analysis.totals.params));
    assert.ok(!conventionTotals('darknet', d.analysis).display.includes('NaN'));
  }
});

test('an unknown section is an unknown-layer warning; every shape after it is unknown, the analysis incomplete', () => {
  const text = SMALL.replace('[maxpool]', '[frobnicate]\nfoo=1\n\n[maxpool]');
  const d = analyzeSource(text, 'u.cfg');
  const u = d.diagnostics.filter((x) => x.code === 'unknown-layer');
  assert.equal(u.length, 1);
  assert.equal(text.slice(u[0]!.span.start, u[0]!.span.end), '[frobnicate]');
  assert.deepEqual(
    errors(d).map((x) => x.code),
    ['incomplete-analysis'],
  );
  assert.equal(d.analysis.complete, false);
  const at = d.analysis.layers.findIndex((l) => l.layer.op.kind === 'unknown');
  assert.ok(at > 0 && d.analysis.layers.slice(0, at).every((l) => l.output));
  // [frobnicate] and the [maxpool] and [convolutional] that read it have no shape and no figures.
  for (const l of d.analysis.layers.slice(at, at + 3)) assert.equal(l.output, null, l.layer.name);
});

test("an unused field gets darknet's warning, not an error", () => {
  const d = analyzeSource(SMALL.replace('filters=8\nsize=3', 'filter=8\nsize=3'), 'w.cfg');
  const w = d.diagnostics.filter((x) => x.code === 'unknown-option');
  assert.equal(w.length, 1);
  assert.equal(w[0]!.severity, 'warning');
});

test('separable fix on yolov3-tiny: renumbered routes, same shapes, MACs drop by exactly the predicted amount', () => {
  const text = corpus('pjreddie__darknet__yolov3-tiny.cfg');
  const d = analyzeSource(text, 'yolov3-tiny.cfg');
  const diags = d.diagnostics.filter((x) => x.code === 'separable-conv');
  const predicted = diags.reduce(
    (a, x) => a + (x.data?.kind === 'separable' ? x.data.macs - x.data.separableMacs : 0),
    0,
  );
  const fixed = applyEdits(text, separableFixEdits(d));
  const f = analyzeSource(fixed, 'yolov3-tiny.cfg');
  assert.deepEqual(errors(f), []);
  assert.equal(d.analysis.totals.macs - f.analysis.totals.macs, predicted);
  // Every pre-existing section keeps its output shape at its new index.
  const converted = diags.map((x) =>
    parsedOf(d).layerSections.findIndex(
      (s) => s.header.start === d.analysis.layers[(x.data as { layer: number }).layer]!.layer.span.start,
    ),
  );
  const newIndex = (i: number) => i + converted.filter((s) => s <= i).length;
  const before = sectionShapes(d),
    after = sectionShapes(f);
  before.forEach((s, i) => assert.deepEqual(after[newIndex(i)], s, `section ${i}`));
  // `layers = -1, 8`: 8 moves past the 4 insertions at or before it; `layers = -4` (17 → 13)
  // crosses the one inserted before the 3x3 conv at 14.
  assert.match(fixed, /layers = -1, 12\b/);
  assert.match(fixed, /layers = -5\b/);
});

test('one separable fix renumbers a negative index that crosses it', () => {
  const d = analyzeSource(corpus('pjreddie__darknet__yolov3-tiny.cfg'), 'yolov3-tiny.cfg');
  // The 3x3 conv at darknet index 14 sits between [route] layers=-4 (index 17 → 13) and its target.
  const layer = d.analysis.graph.layers.find((l) => l.span.start === parsedOf(d).layerSections[14]!.header.start)!;
  const edits = d.frontEnd.separableEdits(d.parsed, d.analysis, layer.index, d.text)!;
  const fixed = applyEdits(d.text, edits);
  assert.match(fixed, /layers = -5\b/);
  assert.match(fixed, /layers = -1, 8\b/);
  const f = analyzeSource(fixed, 'yolov3-tiny.cfg');
  assert.deepEqual(errors(f), []);
  assert.deepEqual(sectionShapes(f)[18], sectionShapes(d)[17]);
});

test('resolution and width edits', () => {
  const d = analyzeSource(corpus('pjreddie__darknet__yolov3-tiny.cfg'), 'yolov3-tiny.cfg');
  const r = analyzeSource(applyEdits(d.text, d.frontEnd.resolutionEdits(d.parsed, d.text, 320)), 'yolov3-tiny.cfg');
  assert.equal(conventionTotals('darknet', r.analysis).display, 'Total BFLOPS 3.296');
  const w = analyzeSource(applyEdits(d.text, d.frontEnd.widthEdits(d.parsed, d.text, 0.5)), 'yolov3-tiny.cfg');
  assert.deepEqual(errors(w), []);
  const heads = (x: DocumentAnalysis) =>
    x.analysis.layers.filter((l) => l.layer.op.kind === 'conv' && l.layer.op.fixed).map((l) => l.output);
  assert.deepEqual(heads(w), heads(d));
  assert.equal(
    w.analysis.totals.macs,
    d.analysis.graph.layers.length && analyzeSource(d.text, 'yolov3-tiny.cfg', { alpha: 0.5 }).analysis.totals.macs,
  );
});
