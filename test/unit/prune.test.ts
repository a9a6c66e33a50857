// `layerlint import --prune-dead` (export/prune.ts): the channels of dead depthwise kernels
// leave the depthwise conv and the conv that makes its input, and the pruned spec's figures
// are those of the smaller network; a chain whose channels something else reads is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeBytes, analyzeSource } from '../../server/src/engine/analyzeSource';
import { exportLayers } from '../../server/src/export/layers';
import { deadChannelPruning } from '../../server/src/export/prune';
import { OnnxBuilder } from '../helpers/onnxModel';

const kernel = (v: number) => new Array(9).fill(v);

/** x 1x3x8x8 → conv 3→4 3x3 → BN → ReLU → depthwise 3x3 (kernels 1 and 2 all zero) → pointwise 4→8 [and a second 1x1 conv reading the ReLU]. */
function net(branch: boolean) {
  const b = new OnnxBuilder()
    .input('x', [1, 3, 8, 8])
    .weight('w1', [4, 3, 3, 3])
    .weight('g', [4])
    .weight('beta', [4])
    .weight('mean', [4])
    .weight('var', [4])
    .floats('wd', [...kernel(0.5), ...kernel(0), ...kernel(0), ...kernel(0.3)], [4, 1, 3, 3])
    .weight('wp', [8, 4, 1, 1])
    .node({ op: 'Conv', name: 'stem', inputs: ['x', 'w1'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } })
    .node({ op: 'BatchNormalization', name: 'bn', inputs: ['c', 'g', 'beta', 'mean', 'var'], outputs: ['n'] })
    .node({ op: 'Relu', name: 'relu', inputs: ['n'], outputs: ['r'] })
    .node({ op: 'Conv', name: 'dw', inputs: ['r', 'wd'], outputs: ['d'], attrs: { group: 4, pads: [1, 1, 1, 1] } })
    .node({ op: 'Conv', name: 'pw', inputs: ['d', 'wp'], outputs: ['p'] });
  if (branch) b.weight('ws', [8, 4, 1, 1]).node({ op: 'Conv', name: 'side', inputs: ['r', 'ws'], outputs: ['s'] });
  return analyzeBytes(b.encode(), 'net.onnx');
}

/** The same without BN, and the depthwise output also feeds an Add. */
function netWithSecondReader() {
  const b = new OnnxBuilder()
    .input('x', [1, 3, 8, 8])
    .weight('w1', [4, 3, 3, 3])
    .floats('wd', [...kernel(0.5), ...kernel(0), ...kernel(0), ...kernel(0.3)], [4, 1, 3, 3])
    .weight('wp', [8, 4, 1, 1])
    .node({ op: 'Conv', name: 'stem', inputs: ['x', 'w1'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } })
    .node({ op: 'Conv', name: 'dw', inputs: ['c', 'wd'], outputs: ['d'], attrs: { group: 4, pads: [1, 1, 1, 1] } })
    .node({ op: 'Conv', name: 'pw', inputs: ['d', 'wp'], outputs: ['p'] })
    .node({ op: 'Add', name: 'sum', inputs: ['d', 'd'], outputs: ['s'] });
  return analyzeBytes(b.encode(), 'net.onnx');
}

test('the dead channels leave the depthwise conv and the conv before it; the spec has the smaller figures', () => {
  const doc = net(false);
  const pruning = deadChannelPruning(doc.analysis, doc.diagnostics);
  assert.deepEqual(pruning.pruned, [{ layer: 'dw', dead: 2, total: 4, producer: 'stem' }]);
  assert.deepEqual(pruning.kept, []);
  const spec = exportLayers(doc.analysis, 'net.onnx', pruning.ops);
  assert.equal(spec.expressible, true);
  const pruned = analyzeSource(spec.text, 'pruned.layers').analysis;
  // stem 8·8·2·27, dw 8·8·2·9, pw 8·8·8·2.
  assert.equal(pruned.totals.macs, 8 * 8 * 2 * 27 + 8 * 8 * 2 * 9 + 8 * 8 * 8 * 2);
  assert.equal(
    pruned.layers.map((l) => l.output?.join('x')).join(' '),
    doc.analysis.layers
      .map((l) => `${l.output?.[0]}x${l.output?.[1]}x${l.output?.[2] === 4 ? 2 : l.output?.[2]}`)
      .join(' '),
  );
  // Without the pruning the spec has the model's own figures.
  const whole = analyzeSource(exportLayers(doc.analysis, 'net.onnx').text, 'whole.layers').analysis;
  assert.equal(whole.totals.macs, doc.analysis.totals.macs);
});

test('channels that another layer also reads are kept, with the reason', () => {
  const doc = net(true);
  const pruning = deadChannelPruning(doc.analysis, doc.diagnostics);
  assert.deepEqual(pruning.pruned, []);
  assert.equal(pruning.kept.length, 1);
  assert.match(pruning.kept[0]!.why, /another layer/);
  assert.equal(pruning.ops.size, 0);
});

test('a depthwise output that reaches a merge keeps its channels', () => {
  const doc = netWithSecondReader();
  const pruning = deadChannelPruning(doc.analysis, doc.diagnostics);
  assert.deepEqual(pruning.pruned, []);
  assert.match(pruning.kept[0]!.why, /a merge/);
});
