// The depthwise-separable rewrite and the α/ρ edits, checked by re-analysing the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { separableFixEdits } from '../../server/src/engine/fixes';
import { formatLayersText } from '../../server/src/formats/layers/editorFormat';
import { applyEdits } from '../../server/src/formats/types';

const layersExamples = readdirSync('examples').filter((f) => f.endsWith('.layers'));

function predictedDrop(doc: ReturnType<typeof analyzeSource>): number {
  return doc.diagnostics.reduce(
    (a, d) => a + (d.data?.kind === 'separable' ? d.data.macs - d.data.separableMacs : 0),
    0,
  );
}

for (const file of layersExamples) {
  test(`fix-all on ${file}: parses, keeps the network output, drops MACs by exactly the prediction`, () => {
    const text = readFileSync(`examples/${file}`, 'utf8');
    const before = analyzeSource(text, file);
    const fixed = applyEdits(text, separableFixEdits(before));
    const after = analyzeSource(fixed, file);
    assert.deepEqual(
      after.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.equal(after.diagnostics.filter((d) => d.code === 'separable-conv').length, 0);
    assert.equal(before.analysis.totals.macs - after.analysis.totals.macs, predictedDrop(before));
    assert.deepEqual(after.analysis.layers.at(-1)!.output, before.analysis.layers.at(-1)!.output);
  });
}

test('mobilenet_v1_conv.layers fixed is MobileNet v1: 568,740,352 MACs, 4,231,976 params, every layer keeps its shape', () => {
  const text = readFileSync('examples/mobilenet_v1_conv.layers', 'utf8');
  const before = analyzeSource(text, 'a.layers');
  const fixed = applyEdits(text, separableFixEdits(before));
  const after = analyzeSource(fixed, 'a.layers');
  assert.equal(after.analysis.totals.macs, 568_740_352);
  assert.equal(after.analysis.totals.params, 4_231_976);
  const shapes = new Map(after.analysis.layers.map((l) => [l.layer.name, l.output?.join('x')]));
  for (const l of before.analysis.layers) assert.equal(shapes.get(l.layer.name), l.output?.join('x'), l.layer.name);
});

test('a conv inside a chain is rewritten in place, keeping from= and strides', () => {
  const text = 'input 16x16x8\nx: conv 8 1x1\ny: maxpool 2 | conv 32 3x3 stride=2 padding=1 from=x | relu | fc 10\n';
  const before = analyzeSource(text, 'a.layers');
  assert.equal(
    before.diagnostics.filter((d) => d.code === 'unknown-option' || d.code === 'invalid-value').length,
    1,
    'from= on a later op is rejected',
  );
  const ok = 'input 16x16x8\nx: conv 8 1x1\ny: conv 32 3x3 stride=2 padding=1 from=x | relu | fc 10\n';
  const doc = analyzeSource(ok, 'a.layers');
  const fixed = applyEdits(ok, separableFixEdits(doc));
  assert.equal(
    fixed,
    // The file was formatted, so the new name is aligned with its group (x and y move too).
    'input 16x16x8\nx:    conv 8 1x1\ny_dw: dwconv 3x3 stride=2 padding=1 from=x | bn | relu\ny:    conv 32 1x1 | bn | relu | fc 10\n',
  );
  const after = analyzeSource(fixed, 'a.layers');
  assert.deepEqual(after.analysis.layers.at(-1)!.output, [1, 1, 10]);
  assert.equal(after.analysis.layers.find((l) => l.layer.name === 'y')!.output!.join('x'), '8x8x32');
});

test('width and resolution edits insert, replace and remove directives', () => {
  const text = 'network n\ninput 224x224x3\nc: conv 32 3x3 stride=2\n';
  const doc = analyzeSource(text, 'a.layers');
  const fe = doc.frontEnd;
  const w = applyEdits(text, fe.widthEdits(doc.parsed, text, 0.5));
  assert.equal(w, 'network n\ninput 224x224x3\nwidth 0.5\nc: conv 32 3x3 stride=2\n');
  const doc2 = analyzeSource(w, 'a.layers');
  assert.equal(doc2.analysis.layers[0]!.output!.join('x'), '112x112x16');
  assert.equal(
    applyEdits(w, fe.widthEdits(doc2.parsed, w, 0.75)),
    'network n\ninput 224x224x3\nwidth 0.75\nc: conv 32 3x3 stride=2\n',
  );
  assert.equal(applyEdits(w, fe.widthEdits(doc2.parsed, w, 1)), text);
  const r = applyEdits(text, fe.resolutionEdits(doc.parsed, text, 160));
  assert.equal(analyzeSource(r, 'a.layers').analysis.layers[0]!.output!.join('x'), '80x80x32');
});

test('a repeated conv whose first iteration reads the RGB input: the prediction counts every instance the rewrite changes', () => {
  // Found by the property tests: iteration 1 (1 input channel) is below the threshold, but
  // the textual rewrite changes it too, so the predicted saving must include it.
  const text = 'input 6x6x1\nrepeat 2 {\n  s2: conv 4 3\n  s3: deconv 4 1\n}\n';
  const before = analyzeSource(text, 'a.layers');
  const d = before.diagnostics.filter((x) => x.code === 'separable-conv');
  assert.equal(d.length, 1);
  assert.match(d[0]!.message, /\(2 instances\)/);
  const after = analyzeSource(applyEdits(text, separableFixEdits(before)), 'a.layers');
  assert.equal(before.analysis.totals.macs - after.analysis.totals.macs, predictedDrop(before));
  assert.equal(predictedDrop(before), 4140);
});

test('the separable rewrite keeps the activation placement: a residual branch stays linear', () => {
  const text =
    'input 16x16x16\np: conv 16 1x1 | relu\na: conv 16 3x3 from=p | bn\nb: conv 16 3x3 from=p\nc: conv 16 3x3 from=p | relu6\nd: conv 16 3x3 from=p | bn | silu\nm: add a b c d\n';
  const doc = analyzeSource(text, 'r.layers');
  const fixed = applyEdits(text, separableFixEdits(doc));
  assert.equal(
    fixed,
    'input 16x16x16\np:    conv 16 1x1 | relu\n' +
      'a_dw: dwconv 3x3 from=p | bn | relu\na:    conv 16 1x1 | bn\n' +
      'b_dw: dwconv 3x3 from=p | bn | relu\nb:    conv 16 1x1 | bn\n' +
      'c_dw: dwconv 3x3 from=p | bn | relu6\nc:    conv 16 1x1 | bn | relu6\n' +
      'd_dw: dwconv 3x3 from=p | bn | silu\nd:    conv 16 1x1 | bn | silu\nm:    add a b c d\n',
  );
  assert.deepEqual(analyzeSource(fixed, 'r.layers').analysis.layers.at(-1)!.output, [16, 16, 16]);
});

test('the separable rewrite keeps a formatted file formatted, and leaves a hand-laid-out one as it was', () => {
  const formatted = 'input 32x32x3\nstem:  conv 16 3x3\nconv2: conv 32 3x3\nhead:  fc 10\n';
  assert.equal(formatLayersText(formatted), formatted);
  const doc = analyzeSource(formatted, 'f.layers');
  const layer = doc.analysis.layers.find((l) => l.layer.name === 'conv2')!.layer.index;
  const fixed = applyEdits(formatted, doc.frontEnd.separableEdits(doc.parsed, doc.analysis, layer, formatted)!);
  assert.equal(
    fixed,
    'input 32x32x3\nstem:     conv 16 3x3\nconv2_dw: dwconv 3x3 | bn | relu\nconv2:    conv 32 1x1 | bn\nhead:     fc 10\n',
  );
  const byHand = 'input 32x32x3\nstem:   conv 16 3x3\nconv2: conv 32 3x3\nhead: fc 10\n';
  const hand = analyzeSource(byHand, 'h.layers');
  const edits = hand.frontEnd.separableEdits(hand.parsed, hand.analysis, layer, byHand)!;
  // Only conv2's statement changes: the other lines keep their spacing.
  assert.equal(
    applyEdits(byHand, edits),
    'input 32x32x3\nstem:   conv 16 3x3\nconv2_dw: dwconv 3x3 | bn | relu\nconv2: conv 32 1x1 | bn\nhead: fc 10\n',
  );
  // Whether a text is formatted is remembered for the last text only: asking for each again gives the same edits.
  assert.equal(applyEdits(formatted, doc.frontEnd.separableEdits(doc.parsed, doc.analysis, layer, formatted)!), fixed);
  assert.deepEqual(hand.frontEnd.separableEdits(hand.parsed, hand.analysis, layer, byHand), edits);
});
