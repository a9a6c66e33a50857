// Names that every JavaScript object inherits (`constructor`, `toString`, `__proto__`), used
// as layer types, modules, activations, section and block names: each reader treats them as
// the unknown names they are (formats/tables.ts), never as table entries, and never crashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine/analyzeSource';

const codes = (text: string, file: string) => analyzeSource(text, file).diagnostics.map((d) => d.code);

test('caffe: a layer type named like an Object member is an unknown type', () => {
  const types = ['constructor', '__proto__', 'toString'];
  const text = `input: "data"\ninput_dim: 1\ninput_dim: 3\ninput_dim: 8\ninput_dim: 8\n${types
    .map((t, i) => `layer { name: "l${i}" type: "${t}" bottom: "${i ? `l${i - 1}` : 'data'}" top: "l${i}" }\n`)
    .join('')}`;
  const d = analyzeSource(text, 'net.prototxt');
  assert.deepEqual(
    d.diagnostics.filter((x) => x.code === 'unknown-layer').map((x) => text.slice(x.span.start, x.span.end)),
    ['name: "l0"', 'name: "l1"', 'name: "l2"'],
  );
  assert.deepEqual(
    d.analysis.layers.map((l) => l.layer.op),
    types.map((type) => ({ kind: 'unknown', type })),
  );
});

test('darknet: [constructor] is an unknown section named constructor0; activation= and weights_type= values are checked', () => {
  const net = '[net]\nwidth=8\nheight=8\nchannels=3\n';
  const d = analyzeSource(`${net}[constructor]\nfilters=3\n`, 'net.cfg');
  assert.deepEqual(
    d.analysis.layers.map((l) => l.layer.name),
    ['constructor0'],
  );
  assert.ok(codes(`${net}[constructor]\n`, 'net.cfg').includes('unknown-layer'));
  const act = analyzeSource(`${net}[convolutional]\nfilters=8\nsize=3\nactivation=constructor\n`, 'net.cfg');
  assert.deepEqual(
    act.diagnostics.filter((x) => x.code === 'invalid-value').map((x) => x.message),
    ["Darknet has no activation 'constructor': it falls back to relu."],
  );
  assert.deepEqual(
    act.analysis.layers.map((l) => l.layer.op.kind === 'act' && l.layer.op.fn),
    [false, 'relu'],
  );
  const shortcut = `${net}[convolutional]\nfilters=3\nsize=1\nactivation=linear\n[shortcut]\nfrom=-1\nweights_type=constructor\nactivation=linear\n`;
  assert.ok(
    analyzeSource(shortcut, 'net.cfg').diagnostics.some(
      (x) => x.code === 'invalid-value' && x.message.includes("'constructor'"),
    ),
  );
});

test('ultralytics: a module named like an Object member is an unknown module', () => {
  const text = 'nc: 80\nbackbone:\n  - [-1, 1, constructor, [64, 3, 2]]\nhead:\n  - [-1, 1, toString, []]\n';
  const d = analyzeSource(text, 'model.yaml');
  assert.deepEqual(
    d.analysis.layers.filter((l) => l.layer.op.kind === 'unknown').map((l) => l.layer.opText),
    ['constructor'],
  );
  assert.ok(!d.analysis.complete);
});

test('.layers: a block may be named like an Object member (it is no built-in op)', () => {
  const text = 'block constructor c {\n  conv c 3x3\n}\nnetwork t\ninput 8x8x8\nconstructor 16\n';
  const d = analyzeSource(text, 'net.layers');
  assert.deepEqual(
    d.diagnostics.filter((x) => x.severity === 'error'),
    [],
  );
  assert.equal(d.analysis.layers.length, 1);
});
