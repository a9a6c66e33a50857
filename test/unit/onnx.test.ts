// ONNX front-end: small models built here with the generated encoder (test/helpers/onnxModel.ts)
// and figures worked out by hand: convolutions (groups, pads, auto_pad), Gemm and MatMul,
// shape subgraphs folded to constants, broadcasting merges, Split/Slice/Resize, and the
// honest side: an op LayerLint cannot cost is unknown (named, not counted, shapes after it
// unknown), a file that is not ONNX is one diagnostic, and no finding lacks its node's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeBytes, analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { exportLayers } from '../../server/src/export/layers';
import { OnnxBuilder } from '../helpers/onnxModel';

const analyze = (b: OnnxBuilder, opset?: number) => analyzeBytes(b.encode(opset), 'model.onnx');
const codes = (d: DocumentAnalysis) => d.diagnostics.map((x) => x.code);
const layer = (d: DocumentAnalysis, name: string) => d.analysis.layers.find((l) => l.layer.name === name)!;

/** input 1x3x32x32 → conv 3x3/2 (bias) → BN → ReLU → depthwise 3x3 → pointwise 1x1 → GAP → Flatten → Gemm. */
function smallNet(): OnnxBuilder {
  return new OnnxBuilder()
    .input('x', [1, 3, 32, 32])
    .weight('w1', [16, 3, 3, 3])
    .weight('b1', [16])
    .weight('g', [16])
    .weight('beta', [16])
    .weight('mean', [16])
    .weight('var', [16])
    .weight('wd', [16, 1, 3, 3])
    .weight('wp', [32, 16, 1, 1])
    .weight('bp', [32])
    .weight('wfc', [10, 32])
    .weight('bfc', [10])
    .node({
      op: 'Conv',
      name: 'stem',
      inputs: ['x', 'w1', 'b1'],
      outputs: ['c1'],
      attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] },
    })
    .node({ op: 'BatchNormalization', name: 'bn', inputs: ['c1', 'g', 'beta', 'mean', 'var'], outputs: ['n1'] })
    .node({ op: 'Relu', name: 'relu', inputs: ['n1'], outputs: ['r1'] })
    .node({
      op: 'Conv',
      name: 'dw',
      inputs: ['r1', 'wd'],
      outputs: ['d1'],
      attrs: { group: 16, auto_pad: 'SAME_UPPER' },
    })
    .node({ op: 'Conv', name: 'pw', inputs: ['d1', 'wp', 'bp'], outputs: ['p1'] })
    .node({ op: 'GlobalAveragePool', name: 'gap', inputs: ['p1'], outputs: ['g1'] })
    .node({ op: 'Flatten', name: 'flat', inputs: ['g1'], outputs: ['f1'] })
    .node({ op: 'Gemm', name: 'fc', inputs: ['f1', 'wfc', 'bfc'], outputs: ['y'], attrs: { transB: 1 } });
}

test('a small convnet: every layer shaped, MACs and parameters exact', () => {
  const doc = analyze(smallNet());
  const a = doc.analysis;
  assert.equal(a.complete, true);
  assert.deepEqual(a.input, [32, 32, 3]);
  assert.deepEqual(
    a.layers.map((l) => [l.layer.name, l.output?.join('x'), l.macs, l.params]),
    [
      ['stem', '16x16x16', 16 * 16 * 16 * 3 * 9, 16 * 3 * 9 + 16],
      ['bn', '16x16x16', 0, 32],
      ['relu', '16x16x16', 0, 0],
      ['dw', '16x16x16', 16 * 16 * 16 * 9, 16 * 9],
      ['pw', '16x16x32', 16 * 16 * 32 * 16, 32 * 16 + 32],
      ['gap', '1x1x32', 0, 0],
      ['flat', '1x1x32', 0, 0],
      ['fc', '1x1x10', 320, 330],
    ],
  );
  assert.equal(a.totals.macs, 110592 + 36864 + 131072 + 320);
  assert.equal(a.totals.params, 448 + 32 + 144 + 544 + 330);
  assert.equal(a.byKind.depthwise.macs, 36864);
  assert.ok(!codes(doc).includes('unknown-layer'));
});

test('a symbolic batch counts one item, with a note; a fixed batch multiplies MACs', () => {
  const sym = new OnnxBuilder()
    .input('x', ['N', 8, 10, 10])
    .weight('w', [8, 8, 1, 1])
    .node({ op: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['y'] });
  const doc = analyze(sym);
  assert.equal(doc.analysis.totals.macs, 10 * 10 * 8 * 8);
  assert.deepEqual(codes(doc), ['assumed-dimension']);
  const batch4 = new OnnxBuilder()
    .input('x', [4, 8, 10, 10])
    .weight('w', [8, 8, 1, 1])
    .node({ op: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['y'] });
  assert.equal(analyze(batch4).analysis.totals.macs, 4 * 10 * 10 * 8 * 8);
});

test('shape arithmetic (Shape, Gather, Unsqueeze, Concat) folds to the Reshape target', () => {
  const b = new OnnxBuilder()
    .input('x', ['batch', 4, 6, 6])
    .ints('zero', [0], [])
    .ints('minus1', [-1])
    .weight('w', [144, 5])
    .node({ op: 'Shape', inputs: ['x'], outputs: ['s'] })
    .node({ op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: 0 } })
    .node({ op: 'Unsqueeze', inputs: ['n'], outputs: ['n1'], attrs: { axes: [0] } })
    .node({ op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['target'], attrs: { axis: 0 } })
    .node({ op: 'Reshape', name: 'view', inputs: ['x', 'target'], outputs: ['flat'] })
    .node({ op: 'MatMul', name: 'fc', inputs: ['flat', 'w'], outputs: ['y'] });
  const doc = analyze(b, 11);
  assert.equal(doc.analysis.complete, true);
  assert.deepEqual(layer(doc, 'view').output, [1, 1, 144]);
  assert.equal(layer(doc, 'fc').macs, 144 * 5);
  assert.equal(doc.analysis.layers.length, 2, 'shape arithmetic makes no layers');
});

test('squeeze-and-excitation: ReduceMean, 1x1 convs, HardSigmoid and a broadcast Mul', () => {
  const b = new OnnxBuilder()
    .input('x', [1, 16, 8, 8])
    .weight('w1', [4, 16, 1, 1])
    .weight('w2', [16, 4, 1, 1])
    .node({ op: 'ReduceMean', name: 'squeeze', inputs: ['x'], outputs: ['m'], attrs: { axes: [2, 3], keepdims: 1 } })
    .node({ op: 'Conv', name: 'reduce', inputs: ['m', 'w1'], outputs: ['r'] })
    .node({ op: 'Relu', inputs: ['r'], outputs: ['rr'] })
    .node({ op: 'Conv', name: 'expand', inputs: ['rr', 'w2'], outputs: ['e'] })
    .node({ op: 'HardSigmoid', name: 'gate', inputs: ['e'], outputs: ['s'] })
    .node({ op: 'Mul', name: 'excite', inputs: ['x', 's'], outputs: ['y'] });
  const doc = analyze(b);
  assert.equal(doc.analysis.complete, true);
  assert.deepEqual(layer(doc, 'excite').output, [8, 8, 16]);
  assert.equal(layer(doc, 'excite').otherOps, 8 * 8 * 16);
  assert.equal(layer(doc, 'gate').otherOps, 16);
  assert.equal(doc.analysis.totals.macs, 64 + 64);
});

test('channel shuffle (Reshape → Transpose → Reshape) and a Split keep shapes and cost nothing', () => {
  const b = new OnnxBuilder()
    .input('x', [1, 8, 4, 4])
    .ints('s5', [1, 2, 4, 4, 4])
    .ints('s4', [1, 8, 4, 4])
    .ints('parts', [4, 4])
    .node({ op: 'Reshape', name: 'r1', inputs: ['x', 's5'], outputs: ['a'] })
    .node({ op: 'Transpose', name: 't', inputs: ['a'], outputs: ['b'], attrs: { perm: [0, 2, 1, 3, 4] } })
    .node({ op: 'Reshape', name: 'r2', inputs: ['b', 's4'], outputs: ['c'] })
    .node({ op: 'Split', name: 'sp', inputs: ['c', 'parts'], outputs: ['left', 'right'], attrs: { axis: 1 } })
    .node({ op: 'Concat', name: 'cat', inputs: ['right', 'left'], outputs: ['y'], attrs: { axis: 1 } });
  const doc = analyze(b);
  assert.equal(doc.analysis.complete, true);
  assert.deepEqual(layer(doc, 'r2').output, [4, 4, 8]);
  assert.deepEqual(layer(doc, 'sp:1').output, [4, 4, 4]);
  assert.deepEqual(layer(doc, 'cat').output, [4, 4, 8]);
  assert.equal(doc.analysis.totals.macs, 0);
});

test('Slice, Resize by an integer factor, MaxPool with ceil_mode', () => {
  const b = new OnnxBuilder()
    .input('x', [1, 6, 9, 9])
    .ints('st', [2])
    .ints('en', [5])
    .ints('ax', [1])
    .floats('scales', [1, 1, 2, 2])
    .node({ op: 'Slice', name: 'sl', inputs: ['x', 'st', 'en', 'ax'], outputs: ['a'] })
    .node({
      op: 'MaxPool',
      name: 'mp',
      inputs: ['a'],
      outputs: ['p'],
      attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 },
    })
    .node({ op: 'Resize', name: 'up', inputs: ['p', '', 'scales'], outputs: ['y'], attrs: { mode: 'nearest' } });
  const doc = analyze(b);
  assert.equal(doc.analysis.complete, true);
  assert.deepEqual(layer(doc, 'sl').output, [9, 9, 3]);
  assert.deepEqual(layer(doc, 'mp').output, [5, 5, 3]);
  assert.deepEqual(layer(doc, 'up').output, [10, 10, 3]);
});

test('an op LayerLint cannot cost is unknown: named, not counted, and nothing after it is invented', () => {
  const b = new OnnxBuilder()
    .input('x', [1, 4, 8, 8])
    .weight('w', [4, 4, 3, 3])
    .weight('w2', [4, 4, 1, 1])
    .node({ op: 'Conv', name: 'c1', inputs: ['x', 'w'], outputs: ['a'], attrs: { pads: [1, 1, 1, 1] } })
    .node({ op: 'DeformConv', name: 'mystery', inputs: ['a'], outputs: ['b'] })
    .node({ op: 'Conv', name: 'c2', inputs: ['b', 'w2'], outputs: ['y'] });
  const doc = analyze(b);
  const a = doc.analysis;
  assert.equal(a.complete, false);
  assert.equal(layer(doc, 'mystery').output, null);
  assert.equal(layer(doc, 'c2').output, null);
  assert.equal(layer(doc, 'c2').macs, 0);
  assert.equal(a.totals.macs, 8 * 8 * 4 * 4 * 9);
  const unknown = doc.diagnostics.filter((d) => d.code === 'unknown-layer');
  assert.equal(unknown.length, 1);
  assert.match(unknown[0]!.message, /^mystery: .*DeformConv/);
  const incomplete = doc.diagnostics.find((d) => d.code === 'incomplete-analysis')!;
  assert.deepEqual(incomplete.data, { kind: 'incomplete', missing: ['mystery'], counted: 1, total: 3 });
});

test('a product of two computed tensors (attention scores) is unknown, not a zero', () => {
  const b = new OnnxBuilder()
    .input('x', [1, 6, 8])
    .node({ op: 'Transpose', name: 'kt', inputs: ['x'], outputs: ['k'], attrs: { perm: [0, 2, 1] } })
    .node({ op: 'MatMul', name: 'scores', inputs: ['x', 'k'], outputs: ['s'] })
    .node({ op: 'Softmax', name: 'attn', inputs: ['s'], outputs: ['p'], attrs: { axis: -1 } });
  const doc = analyze(b);
  assert.deepEqual(layer(doc, 'kt').output, [6, 1, 8]);
  assert.equal(layer(doc, 'scores').layer.op.kind, 'unknown');
  assert.equal(layer(doc, 'attn').output, null);
  assert.match(doc.diagnostics.find((d) => d.code === 'unknown-layer')!.message, /^scores: .*two computed tensors/);
  assert.equal(doc.analysis.complete, false);
});

test('pads: odd asymmetric pads that match SAME are costed; others are unknown, not rounded', () => {
  const make = (pads: number[], stride: number) =>
    new OnnxBuilder()
      .input('x', [1, 2, 8, 8])
      .weight('w', [2, 2, 2, 2])
      .node({ op: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['y'], attrs: { pads, strides: [stride, stride] } });
  const same = analyze(make([0, 0, 1, 1], 2));
  assert.deepEqual(layer(same, 'c').output, [4, 4, 2]);
  assert.equal(layer(same, 'c').macs, 4 * 4 * 2 * 2 * 4);
  assert.equal(same.analysis.complete, true);
  // Stride 1: 9x8 would need padding on one side of H only, which no IR padding is.
  const odd = analyze(make([1, 0, 0, 0], 1));
  assert.equal(layer(odd, 'c').layer.op.kind, 'unknown');
});

test('a shape the file states that LayerLint does not infer makes the layer unknown', () => {
  const b = new OnnxBuilder()
    .input('x', [1, 2, 8, 8])
    .weight('w', [4, 2, 3, 3])
    .node({ op: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['y'] })
    .shape('y', [1, 4, 8, 8]);
  const doc = analyze(b);
  assert.equal(layer(doc, 'c').layer.op.kind, 'unknown');
  assert.match(doc.diagnostics.find((d) => d.code === 'unknown-layer')!.message, /the file says \[1, 4, 8, 8\]/);
});

test('bytes that are not an ONNX model give one diagnostic, never a throw', () => {
  for (const bytes of [new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]), new TextEncoder().encode('layers { }')]) {
    const doc = analyzeBytes(bytes, 'broken.onnx');
    assert.deepEqual(codes(doc), ['syntax-error']);
    assert.match(doc.diagnostics[0]!.message, /cannot be read/);
    assert.equal(doc.analysis.layers.length, 0);
  }
});

test('every finding on a node names it; locations are node lines of the listing', () => {
  const doc = analyze(smallNet());
  const stem = doc.diagnostics.filter((d) => d.message.startsWith('stem: '));
  assert.ok(stem.length > 0 || doc.diagnostics.every((d) => d.span.start === 0));
  const lines = doc.text.split('\n');
  assert.equal(lines.length, 8);
  assert.match(lines[0]!, /^#1 Conv 'stem'/);
});

test('import: the .layers spec of an expressible model has its exact figures; others say what is left out', () => {
  const doc = analyze(smallNet());
  const spec = exportLayers(doc.analysis, 'model.onnx');
  assert.equal(spec.expressible, true);
  const again = analyzeSource(spec.text, 'model.layers');
  assert.deepEqual(
    again.analysis.layers.map((l) => [l.output?.join('x'), l.macs, l.params]),
    doc.analysis.layers
      .filter((l) => l.layer.op.kind !== 'identity')
      .map((l) => [l.output?.join('x'), l.macs, l.params]),
  );
  assert.match(spec.text, /^# flat \(Flatten\): no op, left out\.$/m);
  const { macs, params, otherOps } = doc.analysis.totals;
  assert.deepEqual(again.analysis.totals, {
    macs,
    params,
    otherOps,
    activations: doc.analysis.totals.activations - 32,
  });
  const shuffled = new OnnxBuilder()
    .input('x', [1, 8, 4, 4])
    .ints('s5', [1, 2, 4, 4, 4])
    .weight('w', [8, 8, 1, 1])
    .node({ op: 'Reshape', name: 'r1', inputs: ['x', 's5'], outputs: ['a'] })
    .node({ op: 'Relu', name: 'act', inputs: ['a'], outputs: ['b'] });
  const partial = exportLayers(analyze(shuffled).analysis, 'shuffle.onnx');
  assert.equal(partial.expressible, false);
  assert.deepEqual(partial.leftOut, ['r1', 'act']);
  assert.match(partial.text, /# r1 \(Reshape\): not expressible in \.layers: a reshape\./);
  assert.match(partial.text, /# act \(Relu\): not expressible in \.layers: it depends on r1/);
});
