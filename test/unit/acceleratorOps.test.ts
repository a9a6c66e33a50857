// An accelerator that runs only some ops (targets.ts `acceleratorOps`, docs/latency.md): on
// edgetpu-int8 the first layer whose op Coral's compiler does not map, and every layer after
// it, run on the host CPU and get no estimate (null, never 0); the total is then a lower bound
// and the hover says why. Profile files are checked for the field's names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import {
  parseTargetProfile,
  runsOnAccelerator,
  targetProfile,
  type TargetProfile,
} from '../../server/src/core/targets';
import { hover } from '../../server/src/lsp/features/hover';
import { makeFeatureDoc } from '../../server/src/lsp/features/context';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';

const EDGE_TPU = targetProfile('edgetpu-int8') as TargetProfile;
const YOLO_BLOCK = `network n
target edgetpu-int8
input 64x64x32
a: conv 32 3x3 | bn | relu
b: conv 64 3x3 | bn | mish
c: conv 64 1x1 | bn | relu
`;

test('edgetpu-int8: from the first op it does not run (mish), every layer is on the host and not estimated', () => {
  const doc = analyzeSource(YOLO_BLOCK, 'n.layers');
  const est = doc.analysis.latency()!;
  const names = doc.analysis.layers.map((l) => l.layer.name);
  const mish = names.findIndex((_, i) => doc.analysis.layers[i]!.layer.op.kind === 'act' && i > 3);
  assert.equal(est.hostFrom, mish);
  assert.equal(doc.analysis.layers[mish]!.layer.op.kind, 'act');
  for (let i = 0; i < names.length; i++)
    if (i < mish) assert.notEqual(est.layers[i], null, names[i]);
    else assert.equal(est.layers[i], null, names[i]);
  assert.equal(est.complete, false);
  // The total is the sum of the layers before it: a lower bound, never a figure for the host layers.
  const before = est.layers.slice(0, mish).reduce((n, l) => n + l!.ms, 0);
  assert.equal(est.totalMs, before);
  assert.ok(before > 0);
});

test('edgetpu-int8: a network of supported ops is estimated whole; other targets run every op', () => {
  const relu = YOLO_BLOCK.replace('mish', 'relu');
  const est = analyzeSource(relu, 'n.layers').analysis.latency()!;
  assert.equal(est.hostFrom, undefined);
  assert.equal(est.complete, true);
  assert.ok(est.layers.every((l) => l !== null));
  const cpu = analyzeSource(YOLO_BLOCK.replace('edgetpu-int8', 'xeon-1t'), 'n.layers').analysis.latency()!;
  assert.equal(cpu.hostFrom, undefined);
  assert.equal(cpu.complete, true);
  const lrn = { kind: 'lrn', size: 5 } as const;
  assert.equal(runsOnAccelerator(EDGE_TPU, lrn), false);
  assert.equal(runsOnAccelerator(targetProfile('xeon-1t')!, lrn), true);
  assert.equal(runsOnAccelerator(EDGE_TPU, { kind: 'act', fn: 'hswish' }), true);
  assert.equal(runsOnAccelerator(EDGE_TPU, { kind: 'act', fn: 'gelu' }), false);
});

test('the hover of a host layer names the first layer the accelerator does not run', () => {
  const doc = makeFeatureDoc(analyzeSource(YOLO_BLOCK, 'n.layers'), 'file:///n.layers', 1, DEFAULT_SETTINGS);
  const lines = YOLO_BLOCK.split('\n');
  const md = (line: number, word: string) =>
    (hover(doc, { line, character: lines[line]!.indexOf(word) + 1 })!.contents as { value: string }).value;
  const host = /not estimated: runs on the host CPU \(.+ is the first layer `edgetpu-int8` does not run/;
  assert.match(md(4, 'mish'), host);
  assert.match(md(5, 'conv'), host);
  assert.match(md(3, 'conv'), /\*\*Latency\*\* on `edgetpu-int8`: ~/);
  assert.match(md(4, 'conv'), /\*\*Latency\*\* on `edgetpu-int8`: ~/);
});

test('a profile file’s acceleratorOps must name op kinds and act:FN activations', () => {
  const base = { ...EDGE_TPU, id: 'my-npu' };
  assert.deepEqual(parseTargetProfile({ ...base, acceleratorOps: ['conv', 'act:relu'] }).errors, []);
  assert.deepEqual(parseTargetProfile({ ...base, acceleratorOps: ['conv', 'act:relu'] }).profile?.acceleratorOps, [
    'conv',
    'act:relu',
  ]);
  for (const bad of [['convolution'], ['act'], ['act:swishy'], [3], 'conv'])
    assert.match(parseTargetProfile({ ...base, acceleratorOps: bad }).errors.join('\n'), /^acceleratorOps: expected/m);
});
