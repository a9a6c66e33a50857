// ONNX front-end: small models built here with the generated encoder (test/helpers/onnxModel.ts)
// and figures worked out by hand: convolutions (groups, pads, auto_pad), Gemm and MatMul,
// shape subgraphs folded to constants, broadcasting merges, Split/Slice/Resize, and the
// honest side: an op LayerLint cannot cost is unknown (named, not counted, shapes after it
// unknown), a file that is not ONNX is one diagnostic, and no finding lacks its node's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeBytes, analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { exportLayers } from '../../server/src/export/layers';
import { reportExtras } from '../../server/src/report/extras';
import { renderHtmlReport } from '../../server/src/report/html';
import { buildReport } from '../../server/src/report/model';
import { readFileSync } from 'node:fs';
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

test('a product of a channels-first and a channels-last tensor is unknown, not a zero', () => {
  const b = new OnnxBuilder()
    .input('x', [1, 6, 8])
    .node({ op: 'Transpose', name: 'kt', inputs: ['x'], outputs: ['k'], attrs: { perm: [0, 2, 1] } })
    .node({ op: 'MatMul', name: 'scores', inputs: ['x', 'k'], outputs: ['s'] })
    .node({ op: 'Softmax', name: 'attn', inputs: ['s'], outputs: ['p'], attrs: { axis: -1 } });
  const doc = analyze(b);
  // [N, C, L] = [1, 6, 8] is channels-first ([8, 1, 6]); its transpose [1, 8, 6] channels-last ([1, 8, 6]).
  assert.deepEqual(layer(doc, 'kt').output, [1, 8, 6]);
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

test('truncated and mutated models: a diagnostic or figures, never a throw, a NaN or a fraction', () => {
  const good = smallNet().encode();
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const variants: Uint8Array[] = [];
  for (let cut = 0; cut < good.length; cut += 7) variants.push(good.slice(0, cut));
  for (let k = 0; k < 300; k++) {
    const bytes = good.slice();
    for (let m = 0; m < 3; m++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    variants.push(bytes);
  }
  for (const bytes of variants) {
    const doc = analyzeBytes(bytes, 'fuzz.onnx');
    for (const l of doc.analysis.layers) {
      assert.ok(
        Number.isSafeInteger(l.macs) && Number.isSafeInteger(l.params),
        `${l.layer.name}: ${l.macs} ${l.params}`,
      );
      if (l.output)
        assert.ok(
          l.output.every((d) => Number.isSafeInteger(d) && d > 0),
          l.output.join('x'),
        );
    }
  }
});

test('dead-depthwise-kernel: zero kernels and a following BN with γ = 0, counted, named and costed; silent without weights', () => {
  const kernel = (v: number) => new Array(9).fill(v);
  const b = new OnnxBuilder()
    .input('x', [1, 4, 8, 8])
    .floats('wd', [...kernel(0.5), ...kernel(0), ...kernel(-0.2), ...kernel(0.3)], [4, 1, 3, 3])
    .floats('gamma', [1, 1, 0, 1])
    .floats('beta', [0, 0, 0, 0])
    .floats('mean', [0, 0, 0, 0])
    .floats('var', [1, 1, 1, 1])
    .node({ op: 'Conv', name: 'dw', inputs: ['x', 'wd'], outputs: ['a'], attrs: { group: 4, pads: [1, 1, 1, 1] } })
    .node({ op: 'BatchNormalization', name: 'bn', inputs: ['a', 'gamma', 'beta', 'mean', 'var'], outputs: ['y'] });
  const doc = analyze(b);
  const found = doc.diagnostics.filter((d) => d.code === 'dead-depthwise-kernel');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0]!.data, { kind: 'dead-kernels', layer: 'dw', dead: 2, total: 4 });
  assert.match(found[0]!.message, /^dw: 2 of 4 depthwise kernels .* saves 1,152 MACs and 18 weights/);
  assert.match(found[0]!.message, /1 have all-zero weights and 1 a batch-norm γ ≈ 0/);
  const noWeights = new OnnxBuilder()
    .input('x', [1, 4, 8, 8])
    .weight('wd', [4, 1, 3, 3])
    .node({ op: 'Conv', name: 'dw', inputs: ['x', 'wd'], outputs: ['a'], attrs: { group: 4 } });
  assert.ok(!codes(analyze(noWeights)).includes('dead-depthwise-kernel'));
});

test('instance and group norms with a per-channel scale cost as a batch norm; a layer norm over a map is unknown', () => {
  const norm = (op: string, scaleDims: number[], x: number[], attrs = {}) =>
    analyze(
      new OnnxBuilder()
        .input('x', x)
        .weight('s', scaleDims)
        .weight('b', scaleDims)
        .node({ op, name: 'n', inputs: ['x', 's', 'b'], outputs: ['y'], attrs }),
      21,
    ).analysis.layers[0]!;
  const inst = norm('InstanceNormalization', [8], [1, 8, 4, 4]);
  assert.deepEqual([inst.params, inst.otherOps, inst.layer.op.kind], [16, 2 * 128, 'bn']);
  assert.equal(norm('GroupNormalization', [8], [1, 8, 4, 4], { num_groups: 2 }).params, 16);
  assert.equal(norm('GroupNormalization', [2], [1, 8, 4, 4], { num_groups: 2 }).layer.op.kind, 'unknown');
  assert.equal(norm('LayerNormalization', [10], [1, 10], { axis: -1 }).params, 20);
  assert.equal(norm('LayerNormalization', [8, 4, 4], [1, 8, 4, 4], { axis: 1 }).layer.op.kind, 'unknown');
});

test('the read-only model editor page: the standalone HTML report of a .onnx, totals and node names, no script', () => {
  const doc = analyze(smallNet());
  const html = renderHtmlReport(buildReport(doc, 'model.onnx'), reportExtras(doc), { mode: 'standalone' });
  assert.match(html, /278,848/);
  assert.match(html, /stem/);
  assert.doesNotMatch(html, /<script/);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.deepEqual(
    pkg.contributes.customEditors.map((e: { viewType: string; selector: { filenamePattern: string }[] }) => [
      e.viewType,
      e.selector.map((s) => s.filenamePattern),
    ]),
    [['layerlint.modelReport', ['*.onnx', '*.keras']]],
  );
  assert.ok(pkg.activationEvents.includes('onCustomEditor:layerlint.modelReport'));
});

test('Einsum: a matrix product by a constant ("bi,ij->bj") is an fc; any other equation is unknown with it', () => {
  const einsum = (equation: string) =>
    analyze(
      new OnnxBuilder()
        .input('x', [1, 6])
        .weight('w', [6, 4])
        .node({ op: 'Einsum', name: 'e', inputs: ['x', 'w'], outputs: ['y'], attrs: { equation } }),
    ).analysis.layers[0]!;
  const fc = einsum('bi, ij -> bj');
  assert.deepEqual([fc.layer.op.kind, fc.macs, fc.params], ['fc', 24, 24]);
  const other = einsum('bi,ij->bij');
  assert.equal(other.layer.op.kind, 'unknown');
  assert.match((other.layer.op as { type: string }).type, /equation 'bi,ij->bij'/);
});

test('Shape and ConstantOfShape/Expand of constants fold to shapes; a computed constant LayerLint cannot fold is named', () => {
  const b = new OnnxBuilder()
    .input('x', [1, 4, 6, 6])
    .weight('token', [1, 4, 1, 1])
    .ints('idx', [2, 3])
    .node({ op: 'Shape', inputs: ['x'], outputs: ['s'] })
    .node({ op: 'Gather', inputs: ['s', 'idx'], outputs: ['hw'], attrs: { axis: 0 } })
    .node({ op: 'Shape', inputs: ['token'], outputs: ['ts'] })
    .node({ op: 'Expand', name: 'grid', inputs: ['token', 's'], outputs: ['t'] })
    .node({ op: 'Add', name: 'pos', inputs: ['x', 't'], outputs: ['y'] })
    .node({ op: 'Sin', inputs: ['hw'], outputs: ['weird'] })
    .node({ op: 'Reshape', name: 'r', inputs: ['x', 'weird'], outputs: ['z'] });
  const doc = analyze(b);
  const pos = layer(doc, 'pos').layer.op;
  assert.equal(pos.kind, 'unknown');
  assert.match(
    (pos as { type: string }).type,
    /neither a scalar, one value per channel nor a learned tensor of the input shape/,
    'Expand gave [1, 4, 6, 6]',
  );
  const r = layer(doc, 'r').layer.op;
  assert.match((r as { type: string }).type, /^Reshape \(it reads a Sin of constants that LayerLint does not fold\)$/);
});

/**
 * A one-block vision transformer as torch.onnx.export writes it at opset 13: patch conv, tokens
 * transposed channels-last, a class token (Expand + Concat) and a position embedding, a layer
 * norm as ReduceMean arithmetic, the qkv projection, two heads (Q·Kᵀ, softmax, ·V), the output
 * projection, x[:, 0] and the head.
 */
function tinyVit(): OnnxBuilder {
  const node = (op: string, name: string, inputs: string[], attrs?: Record<string, number | number[]>) => ({
    op,
    name,
    inputs,
    outputs: [name],
    attrs,
  });
  return new OnnxBuilder()
    .input('x', ['batch', 3, 8, 8])
    .weight('wp', [16, 3, 4, 4])
    .weight('bp', [16])
    .weight('cls', [1, 1, 16])
    .weight('pos', [1, 5, 16])
    .weight('gamma', [16])
    .weight('beta', [16])
    .weight('wqkv', [16, 48])
    .weight('bqkv', [48])
    .weight('wo', [16, 16])
    .weight('wh', [10, 16])
    .weight('bh', [10])
    .ints('tokens', [1, 16, 4])
    .ints('expand', [1, 1, 16])
    .ints('heads', [1, 5, 2, 8])
    .ints('merged', [1, 5, 16])
    .ints('zero', [0], [])
    .ints('q0', [0])
    .ints('k0', [16])
    .ints('v0', [32])
    .ints('v1', [48])
    .ints('lastAxis', [-1])
    .floats('two', [2], [])
    .floats('eps', [1e-6], [])
    .node(node('Conv', 'patch', ['x', 'wp', 'bp'], { kernel_shape: [4, 4], strides: [4, 4] }))
    .node(node('Reshape', 'flat', ['patch', 'tokens']))
    .node(node('Transpose', 'seq', ['flat'], { perm: [0, 2, 1] }))
    .node(node('Expand', 'token', ['cls', 'expand']))
    .node(node('Concat', 'join', ['token', 'seq'], { axis: 1 }))
    .node(node('Add', 'embed', ['join', 'pos']))
    .node(node('ReduceMean', 'mean', ['embed'], { axes: [-1] }))
    .node(node('Sub', 'centred', ['embed', 'mean']))
    .node(node('Pow', 'square', ['centred', 'two']))
    .node(node('ReduceMean', 'var', ['square'], { axes: [-1] }))
    .node(node('Add', 'varEps', ['var', 'eps']))
    .node(node('Sqrt', 'std', ['varEps']))
    .node(node('Div', 'normed', ['centred', 'std']))
    .node(node('Mul', 'scaled', ['normed', 'gamma']))
    .node(node('Add', 'ln', ['scaled', 'beta']))
    .node(node('MatMul', 'qkvNoBias', ['ln', 'wqkv']))
    .node(node('Add', 'qkv', ['bqkv', 'qkvNoBias']))
    .node(node('Slice', 'q', ['qkv', 'q0', 'k0', 'lastAxis']))
    .node(node('Slice', 'k', ['qkv', 'k0', 'v0', 'lastAxis']))
    .node(node('Slice', 'v', ['qkv', 'v0', 'v1', 'lastAxis']))
    .node(node('Reshape', 'qh', ['q', 'heads']))
    .node(node('Reshape', 'kh', ['k', 'heads']))
    .node(node('Reshape', 'vh', ['v', 'heads']))
    .node(node('Transpose', 'qt', ['qh'], { perm: [0, 2, 1, 3] }))
    .node(node('Transpose', 'kt', ['kh'], { perm: [0, 2, 3, 1] }))
    .node(node('Transpose', 'vt', ['vh'], { perm: [0, 2, 1, 3] }))
    .node(node('MatMul', 'scores', ['qt', 'kt']))
    .node(node('Softmax', 'attn', ['scores'], { axis: -1 }))
    .node(node('MatMul', 'context', ['attn', 'vt']))
    .node(node('Transpose', 'back', ['context'], { perm: [0, 2, 1, 3] }))
    .node(node('Reshape', 'joined', ['back', 'merged']))
    .node(node('MatMul', 'out', ['joined', 'wo']))
    .node(node('Add', 'residual', ['out', 'embed']))
    .node(node('Gather', 'first', ['residual', 'zero'], { axis: 1 }))
    .node(node('Gemm', 'head', ['first', 'wh', 'bh'], { transB: 1 }));
}

test('a vision transformer: projections, Q·Kᵀ and ·V, class token, position embedding, layer norm as arithmetic', () => {
  const doc = analyze(tinyVit());
  assert.deepEqual(
    doc.diagnostics.filter((d) => d.code === 'unknown-layer').map((d) => d.message),
    [],
  );
  const a = doc.analysis;
  assert.equal(a.complete, true);
  const macs = (name: string) => layer(doc, name).macs;
  assert.equal(macs('patch'), 2 * 2 * 16 * 3 * 16);
  assert.equal(macs('qkvNoBias'), 5 * 16 * 48);
  assert.equal(macs('scores'), 2 * 5 * 8 * 5, 'two heads of Q [5, 8] · Kᵀ [8, 5]');
  assert.equal(macs('context'), 2 * 5 * 5 * 8, 'two heads of A [5, 5] · V [5, 8]');
  assert.equal(macs('out'), 5 * 16 * 16);
  assert.equal(macs('head'), 16 * 10);
  assert.equal(a.totals.macs, 3072 + 3840 + 400 + 400 + 1280 + 160);
  const params = (name: string) => layer(doc, name).params;
  assert.deepEqual(
    ['join', 'embed', 'scaled', 'ln', 'qkv', 'out'].map(params),
    [16, 5 * 16, 16, 16, 48, 16 * 16],
    'class token, position embedding, γ, β, the qkv bias, the output projection',
  );
  assert.equal(a.totals.params, 784 + 16 + 80 + 32 + 816 + 256 + 170);
  assert.deepEqual(layer(doc, 'scores').output, [2, 5, 5]);
  assert.deepEqual(layer(doc, 'mean').output, [1, 5, 1]);
  assert.deepEqual(layer(doc, 'first').output, [1, 1, 16]);
  assert.equal(layer(doc, 'mean').layer.op.kind, 'reduce');
});

test('transformer ops outside what the IR expresses are unknown with the op and why, never a shape', () => {
  const base = () =>
    new OnnxBuilder()
      .input('x', [1, 4, 6])
      .node({ op: 'Transpose', name: 't', inputs: ['x'], outputs: ['s'], attrs: { perm: [0, 2, 1] } });
  const reason = (b: OnnxBuilder, name: string) => {
    const l = layer(analyze(b), name).layer.op;
    return l.kind === 'unknown' ? l.type : l.kind;
  };
  // Q·K of [1, 6, 4] by [1, 6, 4]: K's axis 2 is not Q's last.
  assert.match(
    reason(base().node({ op: 'MatMul', name: 'm', inputs: ['s', 's'], outputs: ['y'] }), 'm'),
    /^MatMul \(a product of \[1, 6, 4\] and \[1, 6, 4\]\)$/,
  );
  // A mean over the tokens (axis 1 of [N, T, D]) is neither H and W nor C.
  assert.match(
    reason(base().node({ op: 'ReduceMean', name: 'r', inputs: ['s'], outputs: ['y'], attrs: { axes: [1] } }), 'r'),
    /reduces other axes/,
  );
  // A channels-last tensor is not a convolution's input.
  assert.match(
    reason(
      base()
        .weight('w', [4, 6, 1, 1])
        .node({ op: 'Unsqueeze', name: 'u', inputs: ['s'], outputs: ['u'], attrs: { axes: [3] } })
        .node({ op: 'Conv', name: 'c', inputs: ['u', 'w'], outputs: ['y'] }),
      'c',
    ),
    /channels-last input/,
  );
  // A learned constant that is not the whole per-item shape (one value per token) is not a position embedding.
  assert.match(
    reason(
      base()
        .weight('p', [1, 6, 1])
        .node({ op: 'Add', name: 'a', inputs: ['s', 'p'], outputs: ['y'] }),
      'a',
    ),
    /learned tensor of the input shape/,
  );
  // Two tensors broadcast across different view axes.
  assert.match(
    reason(
      base()
        .node({ op: 'ReduceMean', name: 'r', inputs: ['s'], outputs: ['m'], attrs: { axes: [-1] } })
        .node({ op: 'Transpose', name: 'mt', inputs: ['m'], outputs: ['mt'], attrs: { perm: [0, 2, 1] } })
        .node({ op: 'Add', name: 'a', inputs: ['s', 'mt'], outputs: ['y'] }),
      'a',
    ),
    /broadcast of \[1, 6, 4\] and \[1, 1, 6\]/,
  );
});

test('external data: depthwise weights read through the host’s companion files, only inside the model folder; refused, missing or short files are named', () => {
  const kernel = (v: number) => new Array(9).fill(v);
  const values = new Float32Array([...kernel(0.5), ...kernel(0), ...kernel(0), ...kernel(0.3)]);
  const file = new Uint8Array(16 + values.byteLength);
  file.set(new Uint8Array(values.buffer), 16);
  const model = (location: string) =>
    new OnnxBuilder()
      .input('x', [1, 4, 8, 8])
      .external('wd', [4, 1, 3, 3], location, 16, values.byteLength)
      .node({ op: 'Conv', name: 'dw', inputs: ['x', 'wd'], outputs: ['y'], attrs: { group: 4, pads: [1, 1, 1, 1] } })
      .encode();
  const asked: string[] = [];
  const companions = (bytes: Uint8Array | string) => ({
    read: (path: string) => {
      asked.push(path);
      return typeof bytes === 'string' ? { error: bytes } : bytes;
    },
  });
  const run = (location: string, bytes: Uint8Array | string | undefined) => {
    const options = bytes === undefined ? {} : { companions: companions(bytes) };
    const doc = analyzeBytes(model(location), 'model.onnx', options);
    assert.equal(doc.analysis.totals.macs, 8 * 8 * 4 * 9, 'shapes and costs never need the data');
    return {
      dead: doc.diagnostics.find((d) => d.code === 'dead-depthwise-kernel')?.data,
      external: doc.diagnostics.filter((d) => d.code === 'external-data').map((d) => d.message),
    };
  };
  assert.deepEqual(run('weights/model.data', file), {
    dead: { kind: 'dead-kernels', layer: 'dw', dead: 2, total: 4 },
    external: [],
  });
  assert.deepEqual(asked, ['weights/model.data']);
  for (const [location, why] of [
    ['../secret.data', /leaves the model’s folder/],
    ['a/../../secret.data', /leaves the model’s folder/],
    ['/etc/passwd', /absolute path/],
    ['C:\\weights.data', /absolute path/],
  ] as const) {
    const r = run(location, file);
    assert.equal(r.dead, undefined);
    assert.equal(r.external.length, 1);
    assert.match(r.external[0]!, why);
    assert.match(r.external[0]!, /initializer 'wd'/);
  }
  assert.deepEqual(asked, ['weights/model.data'], 'a refused location is never read');
  assert.match(
    run('model.data', file.subarray(0, 40)).external[0]!,
    /the file is short \(40 bytes, the tensor ends at 160\)/,
  );
  assert.match(run('model.data', 'no such file').external[0]!, /'model.data'\) is not read: no such file/);
  assert.match(run('model.data', undefined).external[0]!, /reads no files next to a model/);
});

test('Einsum of two computed tensors: batched A·B and A·Bᵀ with the same leading letters are matmuls; other equations are named', () => {
  const model = (equation: string) =>
    new OnnxBuilder()
      .input('x', [1, 8, 2, 5])
      .node({ op: 'Transpose', name: 'q', inputs: ['x'], outputs: ['q'], attrs: { perm: [0, 2, 3, 1] } })
      .node({ op: 'Einsum', name: 'scores', inputs: ['q', 'q'], outputs: ['s'], attrs: { equation } })
      .node({
        op: 'Einsum',
        name: 'context',
        inputs: ['s', 'q'],
        outputs: ['c'],
        attrs: { equation: 'BHIJ,BHJD->BHID' },
      });
  const doc = analyze(model('BHID,BHJD->BHIJ'));
  assert.equal(doc.analysis.complete, true);
  assert.deepEqual(layer(doc, 'scores').output, [2, 5, 5]);
  assert.equal(layer(doc, 'scores').macs, 2 * 5 * 8 * 5, 'Q [5, 8] · Kᵀ per head');
  assert.deepEqual(layer(doc, 'context').output, [2, 5, 8]);
  assert.equal(layer(doc, 'context').macs, 2 * 5 * 5 * 8, 'A [5, 5] · V [5, 8] per head');
  for (const equation of ['BHID,BHJD->BHJI', 'BHID,BHID->BHII', 'BHID,BGJD->BHIJ']) {
    const op = layer(analyze(model(equation)), 'scores').layer.op;
    assert.equal(op.kind, 'unknown', equation);
    assert.match((op as { type: string }).type, new RegExp(`equation '${equation}'`));
  }
});

test('ConvTranspose with output_padding (PyTorch k 3, s 2, p 1, output_padding 1) and PRelu with one slope per channel', () => {
  const net = (outputPadding: number[], slopes: number[]) =>
    new OnnxBuilder()
      .input('x', [1, 8, 5, 5])
      .weight('w', [8, 4, 3, 3])
      .weight('b', [4])
      .weight('slope', slopes)
      .node({
        op: 'ConvTranspose',
        name: 'up',
        inputs: ['x', 'w', 'b'],
        outputs: ['u'],
        attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2], output_padding: outputPadding },
      })
      .node({ op: 'PRelu', name: 'prelu', inputs: ['u', 'slope'], outputs: ['y'] });
  const doc = analyze(net([1, 1], [4, 1, 1]));
  assert.equal(doc.analysis.complete, true, JSON.stringify(doc.diagnostics));
  // (5 − 1)·2 − 2 + 3 + 1 = 10 = 5 x 2; MACs per input position: 8 in x 4 out x 3·3.
  assert.deepEqual(
    doc.analysis.layers.map((l) => [l.layer.name, l.output?.join('x'), l.macs, l.params]),
    [
      ['up', '10x10x4', 25 * 8 * 4 * 9, 8 * 4 * 9 + 4],
      ['prelu', '10x10x4', 0, 4],
    ],
  );
  // output_padding 0 here gives 9x9, not the input times the stride: unknown, with the size.
  const odd = analyze(net([0, 1], [4, 1, 1])).diagnostics.find((d) => d.code === 'unknown-layer');
  assert.match(odd!.message, /output_shape or output_padding giving 9x10, not the input times the stride/);
  const slopes = analyze(net([1, 1], [2, 2, 1])).diagnostics.find((d) => d.code === 'unknown-layer');
  assert.match(slopes!.message, /PRelu with slopes that are not one per channel/);
});
