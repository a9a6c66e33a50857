// The MobileNet v1 figures of issue #2, computed from the bundled examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { estimates } from '../../server/src/core/estimates';

const load = (name: string) => analyzeSource(readFileSync(`examples/${name}`, 'utf8'), name);

test('mobilenet_v1.layers: 568,740,352 MACs and 4,231,976 parameters', () => {
  const { analysis } = load('mobilenet_v1.layers');
  assert.equal(analysis.totals.macs, 568_740_352);
  assert.equal(analysis.totals.params, 4_231_976);
  assert.equal(analysis.complete, true);
});

test('mobilenet_v1.layers: MACs shares by kind match Table 2 of the paper', () => {
  const { analysis } = load('mobilenet_v1.layers');
  const share = (k: keyof typeof analysis.byKind) =>
    ((100 * analysis.byKind[k].macs) / analysis.totals.macs).toFixed(2);
  assert.equal(share('pointwise'), '94.86');
  assert.equal(share('depthwise'), '3.06');
  assert.equal(share('standard'), '1.91');
  assert.equal(share('fc'), '0.18');
});

test('mobilenet_v1.layers: width and resolution estimates', () => {
  const { analysis } = load('mobilenet_v1.layers');
  const e = estimates(analysis.graph);
  assert.deepEqual(
    e.width.map((w) => [w.alpha, w.macs]),
    [
      [1, 568_740_352],
      [0.75, 325_400_448],
      [0.5, 149_497_088],
      [0.25, 41_030_272],
    ],
  );
  assert.deepEqual(
    e.resolution.map((r) => [r.input, r.macs]),
    [
      [224, 568_740_352],
      [192, 418_121_728],
      [160, 290_675_200],
      [128, 186_400_768],
    ],
  );
});

test('resolution estimates of every example are complete analyses: parameters do not change with the input side', () => {
  const { readdirSync } = require('node:fs') as typeof import('node:fs');
  for (const file of readdirSync('examples')) {
    const { analysis } = load(file);
    const e = estimates(analysis.graph);
    for (const r of e.resolution) assert.equal(r.params, analysis.totals.params, `${file} at ${r.input}`);
  }
});

test('YOLO-style networks get input sides in multiples of 32', () => {
  const { analysis } = load('yolov8n.yaml');
  assert.deepEqual(
    estimates(analysis.graph).resolution.map((r) => r.input),
    [640, 544, 448, 352],
  );
});
