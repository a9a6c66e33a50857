// Output-size formulas of core/shapes.ts at the edge cases the PyTorch oracle found, and
// extendShapes (shapes of a graph that grows) against inferShapes of the whole graph.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { extendShapes, inferShapes, poolOutSize } from '../../server/src/core/shapes';
import type { Shape } from '../../server/src/core/ir';
import { analyzeSource } from '../../server/src/engine/analyzeSource';

test('ceil-mode pooling drops a last window that would start past an unpadded input (PyTorch ceil_mode)', () => {
  // 10 wide, window 1, stride 2: windows start at 0, 2, 4, 6, 8; a sixth would start at 10.
  assert.equal(poolOutSize(10, 1, 2, { kind: 'valid' }, 'h', true), 5);
  assert.equal(poolOutSize(10, 1, 2, { kind: 'explicit', h: 0, w: 0 }, 'h', true), 5);
  assert.equal(poolOutSize(3, 1, 3, { kind: 'valid' }, 'w', true), 1);
  // Still rounds up where the last window starts inside the input or the left padding.
  assert.equal(poolOutSize(112, 3, 2, { kind: 'valid' }, 'h', true), 56);
  assert.equal(poolOutSize(6, 3, 2, { kind: 'explicit', h: 1, w: 1 }, 'h', true), 4);
  const doc = analyzeSource('input 10x10x1\np: maxpool 1 stride=2 padding=valid ceil=true\n', 'a.layers');
  assert.deepEqual(doc.analysis.layers[0]!.output, [5, 5, 1]);
});

test('extendShapes, called as a graph grows, gives inferShapes of every prefix', () => {
  for (const file of ['yolov8n.yaml', 'yolov3-tiny.cfg', 'resnet18.layers', 'mobilenet_v1.prototxt']) {
    const graph = analyzeSource(readFileSync(`examples/${file}`, 'utf8'), file).analysis.graph;
    const all = graph.layers;
    const shapes: (Shape | null)[] = [];
    for (let n = 0; n <= all.length; n += 1 + (n % 7)) {
      const prefix = { ...graph, layers: all.slice(0, n) };
      assert.deepStrictEqual(extendShapes(prefix, shapes), inferShapes(prefix).shapes, `${file}, ${n} layers`);
    }
    assert.deepStrictEqual(extendShapes(graph, shapes), inferShapes(graph).shapes, file);
    assert.ok(shapes.filter(Boolean).length > all.length / 2, `${file}: shapes known`);
  }
});
