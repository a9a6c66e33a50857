// TensorFlow.js graph models and weight shards (docs/formats/tfjs.md): small model.json
// files built here (test/helpers/tfjsModel.ts) with their shard served from memory or from a
// temporary folder; the dead-bn-channel rule on TF.js, Keras layers and ONNX models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { analyzeBytes, analyzeSource } from '../../server/src/engine/analyzeSource';
import { companionsNextTo } from '../../server/src/engine/companionsLoad';
import { exportOnnx } from '../../server/src/export/onnx';
import { onnx } from '../../server/src/formats/onnx/proto/onnx.js';
import { halfToFloat, unsafeShardPath, WeightShards } from '../../server/src/formats/tfjs/weights';
import type { Companions } from '../../server/src/formats/types';
import { OnnxBuilder } from '../helpers/onnxModel';
import { fused, list, memoryFiles, s, TfjsBuilder } from '../helpers/tfjsModel';

const SHARD = 'group1-shard1of1.bin';
const kernel3x3 = (channels: number, value: (c: number) => number) =>
  Array.from({ length: 9 * channels }, (_, i) => value(i % channels));

/** x [-1, 8, 8, 3] → conv 3x3 (bias, relu6) → depthwise 3x3 (channel 1 all zero) + BiasAdd → Mean → fc 4→2 → softmax. */
function small(): TfjsBuilder {
  return new TfjsBuilder()
    .placeholder('x', [-1, 8, 8, 3])
    .weight(
      'w1',
      [3, 3, 3, 4],
      Array.from({ length: 108 }, (_, i) => (i % 7) / 8 - 0.25),
    )
    .weight('b1', [4], [0.5, 0.25, 0, 1])
    .node('conv1', '_FusedConv2D', ['x', 'w1', 'b1'], {
      padding: s('SAME'),
      strides: list(1, 1, 1, 1),
      fused_ops: fused('BiasAdd', 'Relu6'),
      data_format: s('NHWC'),
    })
    .weight(
      'dwf',
      [3, 3, 4, 1],
      kernel3x3(4, (c) => (c === 1 ? 0 : 0.5)),
    )
    .node('dw', 'DepthwiseConv2dNative', ['conv1', 'dwf'], { padding: s('SAME'), strides: list(1, 1, 1, 1) })
    .weight('dwb', [4], [1, 2, 3, 4])
    .node('dw/BiasAdd', 'BiasAdd', ['dw', 'dwb'])
    .ints('axes', [1, 2])
    .node('mean', 'Mean', ['dw/BiasAdd', 'axes'], { keep_dims: { b: false } })
    .weight('fcw', [4, 2], [1, -1, 0.5, 0.25, 2, 0, 1, 1])
    .weight('fcb', [2], [0, 1])
    .node('fc', '_FusedMatMul', ['mean', 'fcw', 'fcb'], { fused_ops: fused('BiasAdd') })
    .node('sm', 'Softmax', ['fc'])
    .node('out', 'Identity', ['sm']);
}

const analyze = (b: TfjsBuilder, companions?: Companions, paths?: string[]) =>
  analyzeSource(b.json(paths), 'model.json', companions ? { companions } : {});
const withShard = (b: TfjsBuilder) => memoryFiles({ [SHARD]: b.shard() });
const codes = (d: ReturnType<typeof analyze>) => d.diagnostics.map((x) => x.code);

test('a graph model: fused convs, a depthwise conv taking its BiasAdd, Mean, a fused matmul; exact totals, spans on node names', () => {
  const b = small();
  const doc = analyze(b, withShard(b));
  const a = doc.analysis;
  assert.equal(doc.parsed.graph.format, 'tfjs');
  assert.equal(a.complete, true, doc.diagnostics.map((d) => d.message).join('\n'));
  assert.deepEqual(
    a.layers.map((l) => `${l.layer.name} ${l.output?.join('x')}`),
    ['conv1 8x8x4', 'conv1/Relu6 8x8x4', 'dw 8x8x4', 'mean 1x1x4', 'fc 1x1x2', 'sm 1x1x2'],
  );
  // conv 8·8·4·27 + depthwise 8·8·4·9 + fc 4·2; params 108 + 4, 36 + 4 (the BiasAdd), 8 + 2.
  assert.equal(a.totals.macs, 6912 + 2304 + 8);
  assert.equal(a.totals.params, 112 + 40 + 10);
  const conv = a.layers[0]!.layer;
  assert.equal(doc.text.slice(conv.span.start, conv.span.end), '"conv1"');
  assert.ok(doc.text.slice(conv.statement.start, conv.statement.end).includes('_FusedConv2D'));
  const batch = doc.diagnostics.find((d) => d.code === 'assumed-dimension');
  assert.match(batch!.message, /batch size of x .* counted as 1/);
  const dead = doc.diagnostics.filter((d) => d.code === 'dead-depthwise-kernel');
  assert.deepEqual(
    dead.map((d) => d.data),
    [{ kind: 'dead-kernels', layer: 'dw', dead: 1, total: 4 }],
  );
});

test('weights: float16 and uint8 / uint16 quantization decode; half floats exactly', () => {
  assert.deepEqual([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000].map(halfToFloat), [1, -2, 65504, 2 ** -24, -0]);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  const b = new TfjsBuilder()
    .weight('h', [4], [1, -0.5, 0, 2], 'float16')
    .weight('u8', [3], [0, 1.27, 2.55], 'uint8')
    .weight('u16', [2], [-1, 1], 'uint16')
    .ints('i', [7, -3]);
  const manifest = JSON.parse(b.json()).weightsManifest;
  const w = new WeightShards(manifest, [], { start: 0, end: 0 }, withShard(b));
  assert.deepEqual(Array.from(w.values('h')!), [1, -0.5, 0, 2]);
  assert.deepEqual(
    Array.from(w.values('u8')!).map((v) => Math.round(v * 1e6) / 1e6),
    [0, 1.27, 2.55],
  );
  assert.deepEqual(Array.from(w.values('u16')!), [-1, 1]);
  assert.deepEqual(Array.from(w.values('i')!), [7, -3]);
  assert.equal(w.values('absent'), undefined);
  assert.deepEqual(w.diagnostics, []);
  // The group's bytes cut into three shards, one weight straddling two of them: the same values.
  const bytes = b.shard();
  const paths = ['a.bin', 'b.bin', 'c.bin'];
  const split = new WeightShards(
    JSON.parse(b.json(paths)).weightsManifest,
    [],
    { start: 0, end: 0 },
    memoryFiles({ 'a.bin': bytes.slice(0, 3), 'b.bin': bytes.slice(3, 10), 'c.bin': bytes.slice(10) }),
  );
  for (const name of ['h', 'u8', 'u16', 'i']) assert.deepEqual(split.values(name), w.values(name), name);
});

test('shards: missing, short or outside the folder are one warning on the paths; the topology figures stand', () => {
  const b = small();
  const missing = analyze(b, memoryFiles({}));
  const warning = missing.diagnostics.find((d) => d.code === 'weight-shard-unreadable')!;
  assert.match(warning.message, /group1-shard1of1\.bin.* cannot be read \(no such file\)/);
  assert.equal(missing.text.slice(warning.span.start, warning.span.end).replace(/\s/g, ''), '["group1-shard1of1.bin"]');
  // The convs still count; the Mean's axes are a stored constant that was not read.
  assert.equal(missing.analysis.layers[0]!.macs, 6912);
  assert.ok(
    missing.diagnostics.some(
      (d) => d.code === 'unknown-layer' && /Mean \(axes in weights that were not read\)/.test(d.message),
    ),
  );
  assert.ok(!codes(missing).includes('dead-depthwise-kernel'));

  const short = analyze(b, memoryFiles({ [SHARD]: b.shard().slice(0, 100) }));
  assert.match(
    short.diagnostics.find((d) => d.code === 'weight-shard-unreadable')!.message,
    /100 bytes .* needs \d+ \(short/,
  );

  for (const path of ['../w.bin', '/etc/passwd', 'https://example.com/w.bin', 'C:\\w.bin', 'a/../../w.bin']) {
    const files = memoryFiles({ [path]: b.shard() });
    const refused = analyze(b, files, [path]);
    assert.deepEqual(files.asked, [], `${path} is never asked for`);
    assert.match(refused.diagnostics.find((d) => d.code === 'weight-shard-unreadable')!.message, /is an? /);
  }
  assert.equal(unsafeShardPath('sub/w.bin'), undefined);

  const noAccess = analyze(b);
  assert.equal(codes(noAccess).filter((c) => c === 'weights-not-read').length, 1);
  assert.ok(!codes(noAccess).includes('weight-shard-unreadable'));
});

test('shards from disk: read next to the model; links and paths out of its folder refused', () => {
  const root = mkdtempSync(join(tmpdir(), 'layerlint-tfjs-'));
  try {
    const dir = join(root, 'model');
    mkdirSync(dir);
    writeFileSync(join(root, 'secret.bin'), 'outside');
    writeFileSync(join(dir, 'w.bin'), new Uint8Array([1, 2, 3]));
    symlinkSync(join(root, 'secret.bin'), join(dir, 'link.bin'));
    const files = companionsNextTo(join(dir, 'model.json'));
    assert.deepEqual(Array.from(files.read('w.bin') as Uint8Array), [1, 2, 3]);
    assert.match((files.read('link.bin') as { error: string }).error, /links outside/);
    assert.match((files.read('../secret.bin') as { error: string }).error, /leaves the model/);
    assert.match((files.read('absent.bin') as { error: string }).error, /no such file/);
    assert.match((files.read('.') as { error: string }).error, /leaves the model|not a regular file/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('unknown ops, loops and unplaceable nodes are unknown layers named with the op and why', () => {
  const b = new TfjsBuilder()
    .placeholder('x', [1, 4, 4, 8])
    .node('top', 'TopKV2', ['x'])
    .node('a', 'AddV2', ['x', 'b'])
    .node('b', 'Relu', ['a'])
    .node('dangling', 'Relu', ['nowhere'])
    .node('second', 'Relu', ['top:1']);
  const doc = analyze(b, withShard(b));
  // Another output of an unknown op reads that op, not the network input.
  const top = doc.analysis.layers.find((l) => l.layer.name === 'top')!.layer.index;
  assert.deepEqual(doc.analysis.layers.find((l) => l.layer.name === 'second')!.layer.inputs, [top]);
  const unknown = doc.diagnostics.filter((d) => d.code === 'unknown-layer').map((d) => d.message);
  assert.ok(unknown.some((m) => /'TopKV2 \(an op LayerLint does not cost\)'/.test(m)));
  assert.ok(unknown.some((m) => /'AddV2 \(inside a loop/.test(m)));
  assert.ok(doc.diagnostics.some((d) => d.code === 'unknown-name' && /reads 'nowhere'/.test(d.message)));
  assert.equal(doc.analysis.complete, false);
  const free = analyze(new TfjsBuilder().placeholder('x', [1, -1, -1, 3]));
  assert.match(free.diagnostics.find((d) => d.code === 'missing-input')!.message, /not fixed \(\[1, -1, -1, 3\]\)/);
});

test('hostile attributes and shapes: never a throw, a NaN or an invented window; each node a layer or a named unknown', () => {
  const base = JSON.parse(small().json());
  const shard = small().shard();
  const strange = [null, -1, 2.5, 'x', [], {}, { list: { i: ['0', '0', '0', '0'] } }, { list: { i: ['1', '1e9'] } }];
  let runs = 0;
  for (const [k, node] of (base.modelTopology.node as { attr?: Record<string, unknown> }[]).entries())
    for (const key of [...Object.keys(node.attr ?? {}), 'strides', 'ksize'])
      for (const value of strange) {
        const model = structuredClone(base);
        model.modelTopology.node[k].attr = { ...model.modelTopology.node[k].attr, [key]: value };
        const doc = analyzeSource(JSON.stringify(model), 'model.json', {
          companions: memoryFiles({ [SHARD]: shard }),
        });
        const t = doc.analysis.totals;
        assert.ok(Number.isSafeInteger(t.macs) && Number.isSafeInteger(t.params), `${key}=${JSON.stringify(value)}`);
        runs++;
      }
  const shapes = [
    [1, 8, 8, 2.5],
    [1, 0, 8, 3],
    [1, 'x', 8, 3],
    [-1, -1, 8, 3],
  ];
  for (const dims of shapes) {
    const model = structuredClone(base);
    model.modelTopology.node[0].attr.shape.shape.dim = dims.map((d) => ({ size: String(d) }));
    const doc = analyzeSource(JSON.stringify(model), 'model.json', { companions: memoryFiles({ [SHARD]: shard }) });
    assert.ok(
      doc.diagnostics.some((d) => d.code === 'missing-input'),
      JSON.stringify(dims),
    );
    assert.equal(doc.analysis.totals.macs, 0);
  }
  const noStrides = new TfjsBuilder()
    .placeholder('x', [1, 4, 4, 1])
    .node('p', 'MaxPool', ['x'], { ksize: list(1, 2, 2, 1), padding: s('VALID') });
  assert.match(
    analyze(noStrides).diagnostics.find((d) => d.code === 'unknown-layer')!.message,
    /MaxPool \(strides \[\]\)/,
  );
  assert.ok(runs > 100);
});

test('a Pad of the channels (BlazeFace) adds zero channels, and the ONNX writer keeps them', () => {
  const b = new TfjsBuilder()
    .placeholder('x', [1, 8, 8, 4])
    .ints('p', [0, 0, 1, 1, 0, 0, 0, 4], [4, 2])
    .node('pad', 'Pad', ['x', 'p'])
    .weight('w', [1, 1, 8, 2], new Array(16).fill(1))
    .node('conv', 'Conv2D', ['pad', 'w'], { padding: s('VALID'), strides: list(1, 1, 1, 1) });
  const doc = analyze(b, withShard(b));
  assert.deepEqual(doc.analysis.layers[0]!.output, [10, 8, 8]);
  assert.equal(doc.analysis.totals.macs, 10 * 8 * 2 * 8);
  const out = exportOnnx(doc.analysis);
  assert.deepEqual(out.problems, []);
  // The written Pad pads (NCHW begins, then ends): H by 1 on top and bottom, 4 channels at the end.
  const model = onnx.ModelProto.decode(out.bytes!);
  const padNode = model.graph!.node!.find((n) => n.opType === 'Pad')!;
  const pads = model.graph!.initializer!.find((t) => t.name === padNode.input![1]);
  const raw = pads!.rawData!;
  const values = new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  assert.deepEqual(Array.from(values, Number), [0, 0, 1, 0, 0, 4, 1, 0]);
});

test('Squeeze: given axes of size 1 make a view; without squeeze_dims the batch would go, so it is unknown', () => {
  const b = new TfjsBuilder()
    .placeholder('x', [1, 1, 1, 16])
    .node('given', 'Squeeze', ['x'], { squeeze_dims: list(1, 2) })
    .node('all', 'Squeeze', ['x'])
    .node('wide', 'Squeeze', ['x'], { squeeze_dims: list(3) });
  const doc = analyze(b, withShard(b));
  assert.deepEqual(doc.analysis.layers[0]!.output, [1, 1, 16]);
  const unknown = doc.diagnostics.filter((d) => d.code === 'unknown-layer').map((d) => d.message);
  assert.equal(unknown.length, 2);
  assert.match(unknown[0]!, /'Squeeze \(squeeze of axes \[0, 1, 2\] \(the batch/);
  assert.match(unknown[1]!, /'Squeeze \(squeeze of axes \[3\]/);
});

test('dead-depthwise-kernel folds a per-channel Mul that only reads the depthwise conv', () => {
  const b = new TfjsBuilder()
    .placeholder('x', [1, 6, 6, 4])
    .weight(
      'dwf',
      [3, 3, 4, 1],
      kernel3x3(4, (c) => (c === 3 ? 0 : 1)),
    )
    .node('dw', 'DepthwiseConv2dNative', ['x', 'dwf'], { padding: s('VALID'), strides: list(1, 1, 1, 1) })
    .weight('g', [4], [1, 0, 1, 1])
    .node('scale', 'Mul', ['dw', 'g']);
  const doc = analyze(b, withShard(b));
  const dead = doc.diagnostics.find((d) => d.code === 'dead-depthwise-kernel')!;
  assert.deepEqual(dead.data, { kind: 'dead-kernels', layer: 'dw', dead: 2, total: 4 });
  assert.match(dead.message, /1 have all-zero weights and 1 a batch-norm γ ≈ 0/);
  assert.equal(doc.analysis.layers[1]!.params, 4);
});

test('dead-bn-channel: a FusedBatchNorm with γ ≈ 0 on one channel; savings in the conv before and the conv after', () => {
  const b = new TfjsBuilder()
    .placeholder('x', [1, 8, 8, 3])
    .weight('w1', [3, 3, 3, 4], new Array(108).fill(0.1))
    .node('conv', 'Conv2D', ['x', 'w1'], { padding: s('SAME'), strides: list(1, 1, 1, 1) })
    .weight('gamma', [4], [1, 1e-9, -2, 0.5])
    .weight('beta', [4], [0, 0, 0, 0])
    .weight('mean', [4], [0, 0, 0, 0])
    .weight('var', [4], [1, 1, 1, 1])
    .node('bn', 'FusedBatchNormV3', ['conv', 'gamma', 'beta', 'mean', 'var'], { epsilon: { f: 0.001 } })
    .node('relu', 'Relu', ['bn'])
    .weight('w2', [1, 1, 4, 2], new Array(8).fill(1))
    .node('conv2', 'Conv2D', ['relu', 'w2'], { padding: s('VALID'), strides: list(1, 1, 1, 1) });
  const doc = analyze(b, withShard(b));
  const found = doc.diagnostics.find((d) => d.code === 'dead-bn-channel')!;
  assert.deepEqual(found.data, { kind: 'dead-channels', layer: 'bn', dead: 1, total: 4 });
  // conv: 8·8·27 MACs and 27 weights per output channel; conv2: 8·8·2 MACs and 2 weights per input channel; bn: 2.
  assert.match(
    found.message,
    /1 of 4 channels .* saves 1,856 MACs and 31 parameters \(2 of this norm's parameters, those output channels of conv, the matching input channels of conv2\)/,
  );
  const healthy = new TfjsBuilder()
    .placeholder('x', [1, 8, 8, 3])
    .weight('gamma', [3], [1, 0.5, 0.25])
    .weight('beta', [3], [0, 0, 0])
    .weight('mean', [3], [0, 0, 0])
    .weight('var', [3], [1, 1, 1])
    .node('bn', 'FusedBatchNormV3', ['x', 'gamma', 'beta', 'mean', 'var']);
  assert.ok(!codes(analyze(healthy, withShard(healthy))).includes('dead-bn-channel'));
  // An infinite γ leaves no scale to judge the others against: nothing is called dead.
  const broken = new TfjsBuilder()
    .placeholder('x', [1, 8, 8, 3])
    .weight('gamma', [3], [Number.POSITIVE_INFINITY, 0.5, 0])
    .weight('beta', [3], [0, 0, 0])
    .weight('mean', [3], [0, 0, 0])
    .weight('var', [3], [1, 1, 1])
    .node('bn', 'FusedBatchNormV3', ['x', 'gamma', 'beta', 'mean', 'var']);
  assert.ok(!codes(analyze(broken, withShard(broken))).includes('dead-bn-channel'));
});

test('a layers model reads its shards: depthwise kernels folded with the BatchNormalization γ, dead BN channels', () => {
  const weights = [
    { name: 'dw/depthwise_kernel', shape: [3, 3, 4, 1], values: kernel3x3(4, (c) => (c === 0 ? 0 : 1)) },
    { name: 'bn/gamma', shape: [4], values: [1, 1, 0, 1] },
    { name: 'bn/beta', shape: [4], values: [0, 0, 0, 0] },
    { name: 'bn/moving_mean', shape: [4], values: [0, 0, 0, 0] },
    { name: 'bn/moving_variance', shape: [4], values: [1, 1, 1, 1] },
  ];
  const model = {
    format: 'layers-model',
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'm',
        layers: [
          {
            class_name: 'DepthwiseConv2D',
            config: {
              name: 'dw',
              kernel_size: [3, 3],
              padding: 'same',
              use_bias: false,
              batch_input_shape: [null, 8, 8, 4],
            },
          },
          { class_name: 'BatchNormalization', config: { name: 'bn', epsilon: 0.001 } },
        ],
      },
    },
    weightsManifest: [
      { paths: [SHARD], weights: weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' })) },
    ],
  };
  const shard = new Uint8Array(new Float32Array(weights.flatMap((w) => w.values)).buffer);
  const doc = analyzeSource(JSON.stringify(model), 'model.json', { companions: memoryFiles({ [SHARD]: shard }) });
  const data = doc.diagnostics.filter((d) => d.data?.kind === 'dead-kernels' || d.data?.kind === 'dead-channels');
  assert.deepEqual(
    data.map((d) => d.data),
    [
      { kind: 'dead-kernels', layer: 'dw', dead: 2, total: 4 },
      { kind: 'dead-channels', layer: 'bn', dead: 1, total: 4 },
    ],
  );
});

test('dead-bn-channel on an ONNX BatchNormalization whose γ the file holds', () => {
  const b = new OnnxBuilder()
    .input('x', [1, 3, 8, 8])
    .weight('w', [6, 3, 3, 3])
    .floats('gamma', [1, 0, 0, 1, 1, 1])
    .floats('beta', [0, 0, 0, 0, 0, 0])
    .floats('mean', [0, 0, 0, 0, 0, 0])
    .floats('var', [1, 1, 1, 1, 1, 1])
    .node({ op: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['a'], attrs: { pads: [1, 1, 1, 1] } })
    .node({ op: 'BatchNormalization', name: 'bn', inputs: ['a', 'gamma', 'beta', 'mean', 'var'], outputs: ['y'] });
  const doc = analyzeBytes(b.encode(), 'm.onnx');
  const found = doc.diagnostics.find((d) => d.code === 'dead-bn-channel')!;
  assert.deepEqual(found.data, { kind: 'dead-channels', layer: 'bn', dead: 2, total: 6 });
  // Two output channels of c: 8·8·27 MACs and 27 weights each; 2 × 2 norm parameters.
  assert.match(found.message, /saves 3,456 MACs and 58 parameters/);
});

test('a .keras archive notes that its HDF5 weights are not read', () => {
  const config = JSON.stringify({
    class_name: 'Sequential',
    config: {
      name: 'm',
      layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }],
    },
  });
  const zip = zipSync({ 'config.json': strToU8(config), 'model.weights.h5': new Uint8Array(64) });
  const doc = analyzeBytes(zip, 'tiny.keras');
  assert.match(
    doc.diagnostics.find((d) => d.code === 'weights-not-read')!.message,
    /model\.weights\.h5, HDF5\) are not read/,
  );
  assert.equal(doc.analysis.totals.params, 8);
});

test('Max and Sum reductions: a global max pool over H and W, a channel Sum kept as [.., 1] (L2 normalisation); a BiasAdd of one unit is a parameter', () => {
  const b = new TfjsBuilder()
    .placeholder('x', [1, 4, 4, 3])
    .ints('hw', [1, 2])
    .node('gmax', 'Max', ['x', 'hw'], { keep_dims: { b: false } })
    .weight('fcw', [3, 1], [1, 2, 3])
    .node('fc', 'MatMul', ['gmax', 'fcw'])
    .weight('fcb', [1], [0.5])
    .node('fc/BiasAdd', 'BiasAdd', ['fc', 'fcb'])
    .node('sq', 'Square', ['x'])
    .ints('last', [-1])
    .node('sum', 'Sum', ['sq', 'last'], { keep_dims: { b: true } })
    .node('norm', 'Rsqrt', ['sum'])
    .node('scaled', 'Mul', ['x', 'norm'])
    .node('gsum', 'Sum', ['scaled', 'hw'], { keep_dims: { b: false } })
    .node('out', 'AddV2', ['gsum', 'fc/BiasAdd']);
  const doc = analyze(b, withShard(b));
  const a = doc.analysis;
  assert.equal(a.complete, true, doc.diagnostics.map((d) => d.message).join('\n'));
  const shape = (name: string) => a.layers.find((l) => l.layer.name === name)?.output?.join('x');
  assert.deepEqual(['gmax', 'sum', 'scaled', 'gsum'].map(shape), ['1x1x3', '4x4x1', '4x4x3', '1x1x3']);
  // fc 3 weights + the one-unit bias: every float the shard stores is a parameter.
  assert.equal(a.totals.params, 4);
  const kept = new TfjsBuilder()
    .placeholder('x', [1, 4, 4, 3])
    .ints('c', [3])
    .node('s', 'Sum', ['x', 'c'], { keep_dims: { b: false } });
  const unknown = analyze(kept, withShard(kept)).diagnostics.find((d) => d.code === 'unknown-layer');
  assert.match(unknown!.message, /Sum over axes \[3\] of a rank-4 tensor/);
});

test('Conv2DBackpropInput: a transposed conv (SAME: H x stride) whose stored output sizes agree, taking the BiasAdd after it', () => {
  const deconv = (sizes: number[]) => {
    const b = new TfjsBuilder()
      .placeholder('x', [1, 4, 4, 8])
      .ints('sizes', sizes)
      .weight(
        'f',
        [2, 2, 4, 8],
        Array.from({ length: 128 }, (_, i) => (i % 5) / 4),
      )
      .node('up', 'Conv2DBackpropInput', ['sizes', 'f', 'x'], { padding: s('SAME'), strides: list(1, 2, 2, 1) })
      .weight('bias', [4], [0, 1, 2, 3])
      .node('up/BiasAdd', 'BiasAdd', ['up', 'bias']);
    return analyze(b, withShard(b));
  };
  const a = deconv([1, 8, 8, 4]).analysis;
  assert.equal(a.complete, true);
  assert.deepEqual(a.layers[0]!.output, [8, 8, 4]);
  // 4·4 input positions x 8 in x 4 out x 2·2; 128 weights + 4 biases.
  assert.equal(a.totals.macs, 16 * 8 * 4 * 4);
  assert.equal(a.totals.params, 132);
  const other = deconv([1, 7, 7, 4]).diagnostics.find((d) => d.code === 'unknown-layer');
  assert.match(other!.message, /output sizes \[1, 7, 7, 4\] other than \[1, 8, 8, 4\]/);
});

test('Prelu: learned slopes are parameters, one per channel or one shared, as the shard stores them', () => {
  const b = new TfjsBuilder()
    .placeholder('x', [1, 4, 4, 3])
    .weight('a3', [3], [0.1, 0.2, 0.3])
    .node('p3', 'Prelu', ['x', 'a3'])
    .weight('a1', [1], [0.25])
    .node('p1', 'Prelu', ['p3', 'a1']);
  const a = analyze(b, withShard(b)).analysis;
  assert.equal(a.complete, true);
  assert.deepEqual(
    a.layers.map((l) => [l.layer.name, l.params, l.otherOps]),
    [
      ['p3', 3, 48],
      ['p1', 1, 48],
    ],
  );
  assert.equal(a.totals.params, 4);
});
