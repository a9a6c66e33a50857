// The width multiplier α: MobileNetV2 channel rounding, monotone in α (found by the
// property tests in properties.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyWidthMultiplier } from '../../server/src/core/shapes';
import { estimateAt } from '../../server/src/core/estimates';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { applyEdits } from '../../server/src/formats/types';

test('with a divisor, channels are rounded at α = 1 too, so α 0.75 never costs more than α 1', () => {
  assert.equal(applyWidthMultiplier(6, 1, 4), 8); // MobileNetV2 _make_divisible(6, 4) = 8
  assert.equal(applyWidthMultiplier(6, 0.75, 4), 8);
  assert.equal(applyWidthMultiplier(6, 1), 6);
  const text = 'input 6x6x1\nwidth 0.25 divisor=4\ns1: deconv 6 1 | conv 4 1\n';
  const { graph } = analyzeSource(text, 'a.layers').analysis;
  const macs = [0.25, 0.5, 0.75, 1, 1.5].map((a) => estimateAt(graph, a).macs);
  for (let i = 1; i < macs.length; i++) assert.ok(macs[i]! >= macs[i - 1]!, macs.join(' '));
});

test('setting α = 1 keeps the width line when it has a divisor', () => {
  const text = 'input 8x8x3\nwidth 0.5 divisor=4\nc: conv 6 3x3\n';
  const doc = analyzeSource(text, 'a.layers');
  assert.equal(
    applyEdits(text, doc.frontEnd.widthEdits(doc.parsed, text, 1)),
    'input 8x8x3\nwidth 1 divisor=4\nc: conv 6 3x3\n',
  );
});

test('width estimates keep a non-square input non-square', () => {
  const { graph } = analyzeSource('input 6x7x1\nc: dwconv 1\n', 'a.layers').analysis;
  assert.equal(estimateAt(graph, 0.25).macs, 42);
});
