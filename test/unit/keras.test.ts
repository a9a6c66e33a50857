// Keras configs (model.to_json(), Keras 2 and 3) and TensorFlow.js layers models: layers,
// fused activations, SeparableConv2D, functional merges, spans at each layer's name, exact
// figures worked out by hand; what is not costed is named; other JSON is not a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strToU8, zipSync } from 'fflate';
import { analyzeBytes, analyzeSource } from '../../server/src/engine/analyzeSource';
import { detectFrontEnd } from '../../server/src/formats';
import { modelFormat } from '../../server/src/formats/sniff';

const layer = (className: string, config: Record<string, unknown>, inbound?: string[]) => ({
  class_name: className,
  config,
  name: config.name,
  ...(inbound ? { inbound_nodes: [inbound.map((n) => [n, 0, 0, {}])] } : {}),
});

/** Functional (Keras 2): input 32x32x3 → Conv2D 16 3x3/2 same relu → SeparableConv2D 32 → BN → add with a 1x1 projection → GAP → Dense 10 softmax. */
const functional = {
  class_name: 'Functional',
  config: {
    name: 'tiny',
    layers: [
      layer('InputLayer', { name: 'input_1', batch_input_shape: [null, 32, 32, 3] }, []),
      layer(
        'Conv2D',
        {
          name: 'stem',
          filters: 16,
          kernel_size: [3, 3],
          strides: [2, 2],
          padding: 'same',
          activation: 'relu',
          use_bias: true,
        },
        ['input_1'],
      ),
      layer(
        'SeparableConv2D',
        { name: 'sep', filters: 32, kernel_size: [3, 3], padding: 'same', activation: 'linear', use_bias: false },
        ['stem'],
      ),
      layer('BatchNormalization', { name: 'bn', axis: -1, center: true, scale: true }, ['sep']),
      layer('Conv2D', { name: 'proj', filters: 32, kernel_size: [1, 1], padding: 'valid', use_bias: false }, ['stem']),
      layer('Add', { name: 'add' }, ['bn', 'proj']),
      layer('GlobalAveragePooling2D', { name: 'gap' }, ['add']),
      layer('Dense', { name: 'fc', units: 10, activation: 'softmax' }, ['gap']),
    ],
    input_layers: [['input_1', 0, 0]],
    output_layers: [['fc', 0, 0]],
  },
  keras_version: '2.15.0',
  backend: 'tensorflow',
};

const MACS = 16 * 16 * 16 * 27 + 16 * 16 * 16 * 9 + 16 * 16 * 32 * 16 + 16 * 16 * 32 * 16 + 320;
const PARAMS = 16 * 27 + 16 + 16 * 9 + 16 * 32 + 64 + 16 * 32 + 330;

test('a functional Keras config: every layer shaped, figures exact, spans at the layer names', () => {
  const text = JSON.stringify(functional, null, 2);
  const doc = analyzeSource(text, 'tiny.json');
  assert.equal(doc.frontEnd.id, 'keras');
  const a = doc.analysis;
  assert.equal(a.complete, true, JSON.stringify(doc.diagnostics));
  assert.deepEqual(
    a.layers.map((l) => [l.layer.name, l.output?.join('x')]),
    [
      ['stem', '16x16x16'],
      ['stem/relu', '16x16x16'],
      ['sep', '16x16x16'],
      ['sep/pointwise', '16x16x32'],
      ['bn', '16x16x32'],
      ['proj', '16x16x32'],
      ['add', '16x16x32'],
      ['gap', '1x1x32'],
      ['fc', '1x1x10'],
      ['fc/softmax', '1x1x10'],
    ],
  );
  assert.equal(a.totals.macs, MACS);
  assert.equal(a.totals.params, PARAMS);
  const stem = a.layers[0]!.layer;
  assert.equal(text.slice(stem.span.start, stem.span.end), '"stem"');
});

test('a TensorFlow.js layers model wraps the same config; a Sequential model chains its layers', () => {
  const tfjs = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    modelTopology: { model_config: functional },
    weightsManifest: [],
  };
  const doc = analyzeSource(JSON.stringify(tfjs), 'model.json');
  assert.equal(doc.analysis.totals.macs, MACS);
  const sequential = {
    class_name: 'Sequential',
    config: {
      name: 'seq',
      layers: [
        layer('InputLayer', { name: 'in', batch_shape: [null, 28, 28, 1] }),
        layer('Conv2D', { name: 'c', filters: 8, kernel_size: [3, 3], padding: 'valid', activation: 'relu' }),
        layer('MaxPooling2D', { name: 'p', pool_size: [2, 2], strides: null, padding: 'valid' }),
        layer('Flatten', { name: 'f' }),
        layer('Dropout', { name: 'd', rate: 0.25 }),
        layer('Dense', { name: 'out', units: 10 }),
      ],
    },
  };
  const seq = analyzeSource(JSON.stringify(sequential), 'seq.json').analysis;
  assert.equal(seq.complete, true);
  assert.deepEqual(seq.layers.find((l) => l.layer.name === 'p')!.output, [13, 13, 8]);
  assert.equal(seq.totals.macs, 26 * 26 * 8 * 9 + 13 * 13 * 8 * 10);
  assert.equal(seq.totals.params, 80 + 13 * 13 * 8 * 10 + 10);
});

test('a layer class LayerLint cannot cost is unknown and named; a Dense on a map is not an fc', () => {
  const model = structuredClone(functional);
  model.config.layers[3] = layer('LayerNormalization', { name: 'bn', axis: -1 }, ['sep']);
  const doc = analyzeSource(JSON.stringify(model), 'm.json');
  assert.equal(doc.analysis.complete, false);
  assert.match(doc.diagnostics.find((d) => d.code === 'unknown-layer')!.message, /LayerNormalization/);
  const onMap = structuredClone(functional);
  onMap.config.layers[7] = layer('Dense', { name: 'fc', units: 10 }, ['add']);
  const dense = analyzeSource(JSON.stringify(onMap), 'm.json');
  assert.match(dense.diagnostics.find((d) => d.code === 'unknown-layer')!.message, /along the last axis/);
});

test('other JSON is not a model; an empty TensorFlow.js graph model has no input', () => {
  assert.equal(modelFormat('package.json', '{"name": "x", "version": "1.0.0"}'), undefined);
  assert.equal(modelFormat('m.json', JSON.stringify(functional)), 'keras');
  assert.notEqual(detectFrontEnd('package.json', '{"name": "x"}').id, 'keras');
  const graph = analyzeSource('{"format": "graph-model", "modelTopology": {"node": []}}', 'model.json');
  assert.equal(graph.parsed.graph.format, 'tfjs');
  assert.ok(graph.diagnostics.some((d) => d.code === 'missing-input' && /no Placeholder/.test(d.message)));
  const broken = analyzeSource('{"class_name": "Functional", "config": {', 'm.json');
  assert.ok(broken.diagnostics.some((d) => d.code === 'syntax-error'));
});

test('a .keras archive: its config.json is read (spans into it); a zip bomb or a broken zip is one diagnostic', () => {
  const config = JSON.stringify(functional, null, 1);
  const zip = zipSync({
    'metadata.json': strToU8('{}'),
    'config.json': strToU8(config),
    'model.weights.h5': new Uint8Array(64),
  });
  const doc = analyzeBytes(zip, 'tiny.keras');
  assert.equal(doc.analysis.totals.macs, MACS);
  assert.equal(doc.text, config);
  const stem = doc.analysis.layers[0]!.layer;
  assert.equal(doc.text.slice(stem.span.start, stem.span.end), '"stem"');
  const bomb = zipSync({ 'config.json': new Uint8Array(3_000_000) }, { level: 9 });
  assert.match(analyzeBytes(bomb, 'bomb.keras').diagnostics[0]!.message, /would inflate to 3000000 bytes/);
  assert.match(analyzeBytes(strToU8('PK nope'), 'x.keras').diagnostics[0]!.message, /cannot be read/);
  assert.match(analyzeBytes(zipSync({ 'a.txt': strToU8('x') }), 'x.keras').diagnostics[0]!.message, /no config\.json/);
});

test('BatchNormalization with only center (Keras InceptionV3: scale=False) or only scale: the normalisation plus C learned values', () => {
  const model = (extra: Record<string, unknown>) =>
    JSON.stringify({
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          layer('Conv2D', {
            name: 'c',
            filters: 8,
            kernel_size: [3, 3],
            use_bias: false,
            batch_input_shape: [null, 6, 6, 3],
          }),
          layer('BatchNormalization', { name: 'bn', axis: 3, ...extra }),
        ],
      },
    });
  for (const [extra, params, tail] of [
    [{ scale: false }, 8, 'bn/beta'],
    [{ center: false }, 8, 'bn/gamma'],
    [{}, 16, 'bn'],
  ] as const) {
    const a = analyzeSource(model(extra), 'm.json').analysis;
    assert.equal(a.complete, true, JSON.stringify(extra));
    assert.equal(a.totals.params - 8 * 27, params, JSON.stringify(extra));
    assert.equal(a.layers.at(-1)!.layer.name, tail);
    assert.deepEqual(a.layers.at(-1)!.output, [4, 4, 8]);
  }
});
