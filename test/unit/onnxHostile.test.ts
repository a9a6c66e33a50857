// ONNX graphs that break the rules of the format (issue #13 item 8): a cycle, a node that reads
// a tensor produced later, two nodes writing one tensor, a very deep chain. Each gives
// diagnostics or figures, never a throw or a hang, and nothing is costed from a tensor whose
// producer has not run (the honesty contract: no invented shape).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeBytes, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { LIMITS } from '../../server/src/core/limits';
import { OnnxBuilder } from '../helpers/onnxModel';

const analyze = (b: OnnxBuilder) => analyzeBytes(b.encode(), 'hostile.onnx');
const counted = (d: DocumentAnalysis) => d.analysis.layers.filter((l) => l.output).map((l) => l.layer.name);

test('a cycle: two nodes that read each other are not shaped, and the totals say so', () => {
  const doc = analyze(
    new OnnxBuilder()
      .input('x', [1, 8, 16, 16])
      .node({ op: 'Relu', name: 'first', inputs: ['x'], outputs: ['a'] })
      .node({ op: 'Add', name: 'loop1', inputs: ['a', 'c'], outputs: ['b'] })
      .node({ op: 'Relu', name: 'loop2', inputs: ['b'], outputs: ['c'] }),
  );
  assert.deepEqual(counted(doc), ['first']);
  assert.equal(doc.analysis.complete, false);
  assert.ok(doc.diagnostics.some((d) => d.code === 'incomplete-analysis'));
});

test('a node listed before the producer of its input is not shaped from it', () => {
  const doc = analyze(
    new OnnxBuilder()
      .input('x', [1, 8, 16, 16])
      .weight('w', [8, 8, 1, 1])
      .node({ op: 'Conv', name: 'early', inputs: ['late_out', 'w'], outputs: ['y'] })
      .node({ op: 'Relu', name: 'late', inputs: ['x'], outputs: ['late_out'] }),
  );
  assert.ok(!counted(doc).includes('early'), 'the conv reads a tensor not yet produced');
  assert.ok(doc.diagnostics.some((d) => d.code === 'incomplete-analysis'));
  for (const l of doc.analysis.layers) assert.ok(Number.isSafeInteger(l.macs));
});

test('a chain deeper than the engine analyses stops at the layer limit with a diagnostic', () => {
  const b = new OnnxBuilder().input('x', [1, 4, 4, 4]);
  const n = LIMITS.maxLayers + 10;
  for (let i = 0; i < n; i++)
    b.node({ op: 'Relu', name: `r${i}`, inputs: [i ? `t${i - 1}` : 'x'], outputs: [`t${i}`] });
  const doc = analyze(b);
  assert.ok(doc.analysis.layers.length <= LIMITS.maxLayers);
  assert.ok(
    doc.diagnostics.some((d) => d.code === 'limit-exceeded'),
    doc.diagnostics.map((d) => d.code).join(),
  );
});
