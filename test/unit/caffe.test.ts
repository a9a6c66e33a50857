// The Caffe front-end: reference totals of the corpus (docs/formats/caffe.md,
// test/data/corpus/SOURCES.md), the parser's error tolerance, in-place layers, phases,
// pooling rounding, unknown layers, and the prototxt rewrites (separable, α, ρ).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { conventionTotals } from '../../server/src/core/conventions';
import { estimates } from '../../server/src/core/estimates';
import { separableFixEdits } from '../../server/src/engine/fixes';
import { applyEdits } from '../../server/src/formats/types';
import { buildReport } from '../../server/src/report/model';

const corpus = (name: string) => readFileSync(`test/data/corpus/${name}`, 'utf8');
const run = (text: string) => analyzeSource(text, 'net.prototxt');
const errors = (d: DocumentAnalysis) => d.diagnostics.filter((x) => x.severity === 'error');
/** Asserts exactly one diagnostic of `code`, covering `text` from `start` for `length` characters. */
function single(d: DocumentAnalysis, code: string, start: number, length: number) {
  const e = d.diagnostics.filter((x) => x.code === code);
  assert.equal(e.length, 1, `${code}: ${e.map((x) => x.message).join(' | ')}`);
  assert.deepEqual(e[0]!.span, { start, end: start + length });
}
const layer = (d: DocumentAnalysis, name: string) => {
  const l = d.analysis.layers.find((x) => x.layer.name === name);
  assert.ok(l, `no layer ${name}`);
  return l;
};

const CORPUS: [string, { macs: number; params: number; netscopeMacs: number; netscopeParams: number }][] = [
  [
    'shicai__MobileNet-Caffe__mobilenet_deploy.prototxt',
    { macs: 568_740_352, params: 4_231_976, netscopeMacs: 573_783_040, netscopeParams: 4_231_976 },
  ],
  [
    'shicai__MobileNet-Caffe__mobilenet_v2_deploy.prototxt',
    { macs: 429_111_936, params: 3_505_960, netscopeMacs: 438_035_424, netscopeParams: 3_505_960 },
  ],
  [
    'dgschwend__netscope__squeezenet.prototxt',
    { macs: 861_339_936, params: 1_248_424, netscopeMacs: 861_339_936, netscopeParams: 1_248_424 },
  ],
  [
    'dgschwend__netscope__squeezenet_v11.prototxt',
    { macs: 387_747_520, params: 1_235_496, netscopeMacs: 387_747_520, netscopeParams: 1_235_496 },
  ],
  [
    'dgschwend__netscope__vgg-16.prototxt',
    { macs: 10 * 15_470_264_320, params: 138_357_544, netscopeMacs: 10 * 15_470_264_320, netscopeParams: 138_357_544 },
  ],
  [
    'dgschwend__netscope__resnet-50.prototxt',
    { macs: 3_857_973_248, params: 25_557_096, netscopeMacs: 3_868_560_384, netscopeParams: 25_557_096 },
  ],
  [
    'dgschwend__netscope__alexnet.prototxt',
    { macs: 724_406_816, params: 60_965_224, netscopeMacs: 726_791_936, netscopeParams: 60_965_228 },
  ],
];

for (const [file, want] of CORPUS) {
  test(`corpus ${file}: conv+fc MACs, params and Netscope totals`, () => {
    const d = analyzeSource(corpus(file), file);
    assert.equal(d.frontEnd.id, 'caffe');
    assert.deepEqual(errors(d), []);
    assert.equal(d.analysis.complete, true);
    assert.equal(d.analysis.totals.macs, want.macs);
    assert.equal(d.analysis.totals.params, want.params);
    const ns = conventionTotals('netscope', d.analysis);
    assert.equal(ns.macs, want.netscopeMacs);
    assert.equal(ns.params, want.netscopeParams);
    assert.ok(!JSON.stringify(buildReport(d, file)).includes('NaN'));
    assert.ok(!d.diagnostics.some((x) => x.code === 'unknown-layer' || x.code === 'unknown-name'));
  });
}

test('corpus VGG-16: batch 10 multiplies MACs, not parameters; 15,470,264,320 per image', () => {
  const d = run(corpus('dgschwend__netscope__vgg-16.prototxt'));
  assert.equal(d.analysis.graph.input.batch, 10);
  assert.equal(d.analysis.totals.macs / 10, 15_470_264_320);
  assert.equal(conventionTotals('netscope', d.analysis).display, 'macc 154.7G, param 138.36M');
});

test('corpus MobileNet v1: Netscope display, kind shares, α and ρ estimates as the .layers example', () => {
  const d = run(corpus('shicai__MobileNet-Caffe__mobilenet_deploy.prototxt'));
  assert.equal(conventionTotals('netscope', d.analysis).display, 'macc 573.78M, param 4.23M');
  assert.equal(d.analysis.byKind.depthwise.macs, 17_385_984);
  assert.equal(d.analysis.byKind.standard.macs, 10_838_016);
  const e = estimates(d.analysis.graph);
  assert.deepEqual(
    e.width.map((w) => w.macs),
    [568_740_352, 325_400_448, 149_497_088, 41_030_272],
  );
  assert.deepEqual(
    e.resolution.map((r) => r.macs),
    [568_740_352, 418_121_728, 290_675_200, 186_400_768],
  );
});

test('corpus AlexNet: TEST Data twin kept, per-image batch, loss/accuracy heads not reported, no NaN', () => {
  const d = run(corpus('dgschwend__netscope__alexnet.prototxt'));
  const g = d.analysis.graph;
  assert.deepEqual([g.input.h, g.input.w, g.input.c, g.input.batch], [227, 227, 3, 1]);
  assert.ok(!g.layers.some((l) => /loss|accuracy/i.test(l.name)));
  assert.equal(layer(d, 'conv2').output?.join('x'), '27x27x256');
  assert.equal(layer(d, 'pool5').output?.join('x'), '6x6x256');
});

const NET = `name: "t"
input: "data"
input_shape { dim: 1 dim: 3 dim: 32 dim: 32 }
layer {
  name: "conv1"
  type: "Convolution"
  bottom: "data"
  top: "conv1"
  convolution_param { num_output: 16 kernel_size: 3 pad: 1 }
}
layer {
  name: "relu1"
  type: "ReLU"
  bottom: "conv1"
  top: "conv1"
}
layer {
  name: "pool1"
  type: "Pooling"
  bottom: "conv1"
  top: "pool1"
  pooling_param { pool: MAX kernel_size: 3 stride: 2 }
}
layer {
  name: "fc"
  type: "InnerProduct"
  bottom: "pool1"
  top: "fc"
  inner_product_param { num_output: 10 }
}
`;

test('clean small net: no diagnostics but hints, in-place ReLU chains to the pooling', () => {
  const d = run(NET);
  assert.deepEqual(errors(d), []);
  const relu = layer(d, 'relu1');
  const pool = layer(d, 'pool1');
  assert.deepEqual(pool.layer.inputs, [relu.layer.index]);
  assert.deepEqual(relu.layer.inputs, [layer(d, 'conv1').layer.index]);
  // Caffe rounds pooling up: (32 - 3) / 2 + 1 = 15.5 -> 16 (floor would give 15).
  assert.deepEqual(pool.output, [16, 16, 16]);
  assert.equal(layer(d, 'fc').macs, 16 * 16 * 16 * 10);
});

test('pooling: round_mode FLOOR and global pooling', () => {
  const d = run(NET.replace('kernel_size: 3 stride: 2 }', 'kernel_size: 3 stride: 2 round_mode: FLOOR }'));
  assert.deepEqual(layer(d, 'pool1').output, [15, 15, 16]);
  const g = run(NET.replace('pool: MAX kernel_size: 3 stride: 2', 'pool: AVE global_pooling: true'));
  assert.deepEqual(layer(g, 'pool1').output, [1, 1, 16]);
});

test('pooling: ceil_mode false rounds down (and wins over round_mode); Netscope still rounds up', () => {
  const floor = run(NET.replace('kernel_size: 3 stride: 2 }', 'kernel_size: 3 stride: 2 ceil_mode: false }'));
  assert.deepEqual(layer(floor, 'pool1').output, [15, 15, 16]);
  assert.equal(layer(floor, 'fc').macs, 15 * 15 * 16 * 10);
  assert.equal(conventionTotals('netscope', floor.analysis).macs, 16 * 16 * 16 * 10 + 32 * 32 * 16 * 3 * 9);
  const both = run(
    NET.replace('kernel_size: 3 stride: 2 }', 'kernel_size: 3 stride: 2 round_mode: FLOOR ceil_mode: true }'),
  );
  assert.deepEqual(layer(both, 'pool1').output, [16, 16, 16]);
  const bad = NET.replace('kernel_size: 3 stride: 2 }', 'kernel_size: 3 stride: 2 ceil_mode: maybe }');
  single(run(bad), 'invalid-value', bad.indexOf('maybe'), 'maybe'.length);
});

test('unknown fields: unknown-field warning at the field name, in the param block and in the layer', () => {
  const inParam = NET.replace('kernel_size: 3 stride: 2 }', 'kernel_size: 3 stride: 2 bogus_field: 7 }');
  const d = run(inParam);
  single(d, 'unknown-field', inParam.indexOf('bogus_field'), 'bogus_field'.length);
  assert.equal(d.diagnostics.find((x) => x.code === 'unknown-field')?.severity, 'warning');
  assert.deepEqual(layer(d, 'pool1').output, [16, 16, 16]);
  const wrongParam = NET.replace('top: "pool1"\n', 'top: "pool1"\n  convolution_param { num_output: 3 }\n');
  single(run(wrongParam), 'unknown-field', wrongParam.lastIndexOf('convolution_param'), 'convolution_param'.length);
  const inLayer = NET.replace('top: "fc"\n', 'top: "fc"\n  colour: "red"\n');
  single(run(inLayer), 'unknown-field', inLayer.indexOf('colour'), 'colour'.length);
  // Fields that do not change costs (fillers, engine, lr_mult) are understood and quiet.
  const quiet = NET.replace(
    'num_output: 16 kernel_size: 3 pad: 1 }',
    'num_output: 16 kernel_size: 3 pad: 1 engine: CAFFE weight_filler { type: "xavier" } }\n  param { lr_mult: 1 }',
  );
  assert.deepEqual(
    run(quiet).diagnostics.filter((x) => x.code === 'unknown-field'),
    [],
  );
});

test("field names past the reader's table of names (a bounded trie) are still read by their own text", () => {
  const withFields = (names: string[]) =>
    NET.replace('top: "fc"\n', `top: "fc"\n  ${names.map((n) => `${n}: 1`).join('\n  ')}\n`);
  const unknownFields = (text: string) =>
    run(text)
      .findings.filter((x) => x.code === 'unknown-field')
      .map((x) => [text.slice(x.span.start, x.span.end), x.message.split("'")[1]]);
  // Every name of 1 to 3 letters of 12, then some of 4: the table fills with a name at each node.
  const letters = 'bcdghjkmqvwx';
  const names: string[] = [...letters];
  for (let k = 0; names.length < 3000; k++) for (const c of letters) names.push(names[k] + c);
  // The parse after a full table starts an empty one: new names take nodes that held names of
  // before, and their prefixes (no names now) must not be read as those.
  const long = Array.from({ length: 40 }, (_, k) => `zq${k}_${'abcdefghijklmnop'.slice(k % 7)}`);
  const prefixes = long.map((n, k) => n.slice(0, 3 + (k % 9)));
  for (let round = 0; round < 2; round++) {
    const many = withFields(names);
    assert.deepEqual(
      unknownFields(many),
      names.map((n) => [n, n]),
    );
    assert.deepEqual(layer(run(many), 'pool1').output, [16, 16, 16]);
    for (const list of [long, prefixes])
      assert.deepEqual(
        unknownFields(withFields(list)),
        list.map((n) => [n, n]),
      );
  }
});

test("blob and layer names past the reader's cache of strings are read by their own text", () => {
  // 20,000 names of one length, more than the cache has slots: names share slots, a slot's
  // string is replaced, and a name read again must never come back as another of its length.
  const chain = (prefix: string) => {
    const names = Array.from({ length: 10000 }, (_, k) => `${prefix}${String(k).padStart(5, '0')}`);
    const top = (k: number) => (k < 0 ? 'data' : `t${names[k]!.slice(1)}`);
    const blocks = names.map((n, k) => `layer { name: "${n}" type: "ReLU" bottom: "${top(k - 1)}" top: "${top(k)}" }`);
    return { names, text: `input: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n${blocks.join('\n')}\n` };
  };
  for (const prefix of ['b', 'c', 'b']) {
    const { names, text } = chain(prefix);
    const d = run(text);
    assert.deepEqual(errors(d), []);
    assert.deepEqual(
      d.analysis.layers.map((l) => l.layer.name),
      names,
    );
    assert.ok(d.analysis.layers.every((l, k) => l.layer.inputs[0] === k - 1));
  }
});

test("layer types past the reader's table of type keys are still read by their own text", () => {
  // 1,500 distinct types, more than the table keeps (it starts afresh when full); read twice.
  const types = Array.from({ length: 1500 }, (_, k) => `Frob_${k}`);
  const blocks = types.map((t, k) => `layer { name: "l${k}" type: "${t}" bottom: "data" top: "l${k}" }`);
  const text = `input: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n${blocks.join('\n')}\nlayer { name: "r" type: "ReLU" bottom: "data" top: "r" }\n`;
  for (let round = 0; round < 2; round++) {
    const d = run(text);
    assert.deepEqual(
      d.analysis.layers.map((l) => l.layer.opText),
      [...types, 'ReLU'],
    );
    assert.deepEqual(
      d.analysis.layers.map((l) => l.layer.op.kind),
      [...types.map(() => 'unknown'), 'act'],
    );
  }
});

test('training-only layers (losses, OHEM, SegAccuracy) are skipped without a word', () => {
  const text = `${NET}layer { name: "acc" type: "SegAccuracy" bottom: "fc" bottom: "label" top: "acc" }
layer { name: "ohem" type: "BoxAnnotatorOHEM" bottom: "fc" bottom: "label" top: "w" }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc" bottom: "w" top: "loss" }
`;
  const d = run(text);
  assert.deepEqual(
    d.diagnostics.filter((x) => x.severity === 'error' || x.severity === 'warning'),
    [],
  );
  assert.equal(d.analysis.layers.at(-1)?.layer.name, 'fc');
});

test('syntax error: a stray token is reported at its exact range and the rest is analysed', () => {
  const text = NET.replace(
    '  top: "conv1"\n}\nlayer {\n  name: "pool1"',
    '  top: "conv1" @@@\n}\nlayer {\n  name: "pool1"',
  );
  const d = run(text);
  single(d, 'syntax-error', text.indexOf('@@@'), 3);
  assert.equal(d.analysis.complete, true);
  assert.deepEqual(layer(d, 'pool1').output, [16, 16, 16]);
  assert.equal(layer(d, 'fc').macs, 40_960);
});

test('syntax error: a missing colon and a missing value point at the field name', () => {
  const t1 = NET.replace('num_output: 10', 'num_output 10');
  const d1 = run(t1);
  single(d1, 'syntax-error', t1.indexOf('num_output 10'), 'num_output'.length);
  assert.equal(layer(d1, 'fc').output?.[2], 10, 'the value is still read');
  const t2 = NET.replace('  top: "pool1"\n', '  top:\n');
  single(run(t2), 'syntax-error', t2.indexOf('top:\n  pooling_param'), 4);
});

test('syntax error: an unclosed layer block is cut at the next layer, which is still analysed', () => {
  const text = NET.replace('  top: "conv1"\n}\nlayer {\n  name: "pool1"', '  top: "conv1"\nlayer {\n  name: "pool1"');
  const d = run(text);
  single(d, 'syntax-error', text.indexOf('{', text.indexOf('layer {\n  name: "relu1"')), 1);
  assert.deepEqual(layer(d, 'pool1').output, [16, 16, 16]);
  assert.ok(d.analysis.layers.some((l) => l.layer.name === 'relu1'));
});

test('syntax errors: unterminated string, unmatched brace, garbage; never throws', () => {
  for (const text of [
    'layer { name: "x',
    '}}}',
    'layer { type: "ReLU" bottom: [ }',
    '\u0000\uffff',
    'input_dim: -1',
    'layer: 3',
    'a { '.repeat(20000),
    'layer { '.repeat(2000),
    '',
  ]) {
    const d = run(text);
    assert.ok(d.diagnostics.length > 0, text);
    for (const x of d.diagnostics)
      assert.ok(x.span.start >= 0 && x.span.end <= text.length && x.span.start <= x.span.end, text);
  }
});

test('every truncation of the corpus analyses without throwing or NaN', () => {
  for (const file of [
    'shicai__MobileNet-Caffe__mobilenet_deploy.prototxt',
    'dgschwend__netscope__alexnet.prototxt',
    'dgschwend__netscope__vgg-16.prototxt',
  ]) {
    const full = corpus(file);
    for (let cut = 0; cut < full.length; cut += 211) {
      const text = full.slice(0, cut);
      const d = run(text);
      const r = buildReport(d, file);
      assert.ok(!JSON.stringify(r).includes('NaN'), `${file} cut at ${cut}`);
      for (const x of d.diagnostics) assert.ok(x.span.end <= text.length);
    }
  }
});

test('unknown bottom: unknown-name at the blob name; the layer has no shape, the rest stays quiet', () => {
  const text = NET.replace('bottom: "pool1"', 'bottom: "pool9"');
  const d = run(text);
  single(d, 'unknown-name', text.indexOf('"pool9"'), 7);
  assert.equal(layer(d, 'fc').output, null);
  assert.equal(d.diagnostics.filter((x) => x.severity === 'error').length, 1);
});

test('unknown layer type: unknown-layer warning; no shape is invented after it (num_output alone is no shape); incomplete', () => {
  const text = NET.replace('type: "ReLU"', 'type: "FancyAttention"\n  fancy_param { num_output: 8 }');
  const d = run(text);
  single(d, 'unknown-layer', text.indexOf('name: "relu1"'), 'name: "relu1"'.length);
  assert.equal(layer(d, 'pool1').output, null);
  assert.equal(layer(d, 'fc').output, null);
  assert.equal(d.analysis.complete, false);
  const inc = d.diagnostics.filter((x) => x.code === 'incomplete-analysis');
  assert.equal(inc.length, 1);
  assert.equal(inc[0]!.severity, 'error');
  assert.deepEqual(inc[0]!.data, { kind: 'incomplete', missing: ['relu1'], counted: 1, total: 4 });
  const r = buildReport(d, 'net.prototxt');
  assert.deepEqual(r.missing, [
    { name: 'relu1', op: 'FancyAttention', line: r.layers.find((l) => l.name === 'relu1')!.line },
  ]);
  assert.equal(r.layers.find((l) => l.name === 'fc')!.counted, false);
});

test('phases: a TRAIN-only layer with a TEST twin is dropped; without a twin it stays', () => {
  const twin = NET.replace(
    'layer {\n  name: "pool1"',
    'layer {\n  name: "drop"\n  type: "Dropout"\n  bottom: "conv1"\n  top: "conv1"\n  include { phase: TRAIN }\n}\nlayer {\n  name: "pool1"\n  include { phase: TRAIN }\n  type: "Pooling"\n  bottom: "conv1"\n  top: "pool1"\n  pooling_param { pool: AVE kernel_size: 2 stride: 2 }\n}\nlayer {\n  name: "pool1"',
  );
  const d = run(twin);
  assert.deepEqual(errors(d), []);
  const pools = d.analysis.layers.filter((l) => l.layer.opText === 'Pooling');
  assert.equal(pools.length, 1);
  assert.deepEqual(pools[0]!.output, [16, 16, 16]);
  assert.ok(d.analysis.layers.some((l) => l.layer.name === 'drop'));
});

test('legacy layers {}, input_dim, grouped conv, Eltwise, Concat, Slice, Scale, BatchNorm, Deconvolution', () => {
  const text = `input: "data"
input_dim: 2
input_dim: 8
input_dim: 16
input_dim: 16
layers { name: "c1" type: CONVOLUTION bottom: "data" top: "c1" convolution_param { num_output: 8 kernel_h: 3 kernel_w: 1 pad_h: 1 pad_w: 0 group: 2 bias_term: false } }
layers { name: "s" type: SLICE bottom: "c1" top: "a" top: "b" slice_param { slice_point: 3 } }
layers { name: "cat" type: CONCAT bottom: "b" bottom: "a" top: "cat" }
layers { name: "sum" type: ELTWISE bottom: "cat" bottom: "c1" top: "sum" }
layers { name: "bn" type: "BatchNorm" bottom: "sum" top: "sum" }
layers { name: "sc" type: "Scale" bottom: "sum" top: "sum" }
layers { name: "up" type: "Deconvolution" bottom: "sum" top: "up" convolution_param { num_output: 4 kernel_size: 2 stride: 2 } }
layers { name: "dw" type: "DepthwiseConvolution" bottom: "up" top: "dw" convolution_param { num_output: 8 kernel_size: 3 pad: 1 dilation: 2 } }
`;
  const d = run(text);
  assert.deepEqual(errors(d), []);
  assert.equal(d.analysis.graph.input.batch, 2);
  assert.deepEqual(layer(d, 'c1').output, [16, 16, 8]);
  assert.equal(layer(d, 'c1').params, 3 * 1 * 4 * 8);
  assert.deepEqual(layer(d, 's:a').output, [16, 16, 3]);
  assert.deepEqual(layer(d, 's:b').output, [16, 16, 5]);
  assert.deepEqual(layer(d, 'cat').output, [16, 16, 8]);
  assert.deepEqual(layer(d, 'sum').layer.inputs, [layer(d, 'cat').layer.index, layer(d, 'c1').layer.index]);
  assert.equal(layer(d, 'bn').params, 0, 'a Caffe BatchNorm has no learnable parameters');
  assert.equal(layer(d, 'sc').params, 8, 'Scale without bias_term: gamma only');
  assert.deepEqual(layer(d, 'up').output, [32, 32, 4]);
  // Depthwise with multiplier 2 (num_output 8 on 4 channels), dilation 2, pad 1: 32 -> 30.
  assert.deepEqual(layer(d, 'dw').output, [30, 30, 8]);
  assert.equal(layer(d, 'dw').kind, 'depthwise');
});

const GOLDEN = readFileSync('test/golden/cases/caffe-mobilenet/input.prototxt', 'utf8');

function checkSeparableFix(text: string) {
  const d = run(text);
  const predicted = d.diagnostics
    .filter((x) => x.code === 'separable-conv')
    .reduce((a, x) => (x.data?.kind === 'separable' ? a + x.data.macs - x.data.separableMacs : a), 0);
  assert.ok(predicted > 0);
  const fixed = applyEdits(text, separableFixEdits(d));
  const after = run(fixed);
  assert.deepEqual(
    after.diagnostics.filter((x) => x.severity === 'error' || x.code === 'separable-conv'),
    [],
  );
  for (const l of d.analysis.layers) assert.deepEqual(layer(after, l.layer.name).output, l.output, l.layer.name);
  assert.equal(d.analysis.totals.macs - after.analysis.totals.macs, predicted);
  return fixed;
}

test('a file read before the table of names was reset still gives its fixes: it keeps the names its fields point to', () => {
  const d = run(GOLDEN);
  const edits = JSON.stringify(separableFixEdits(d));
  assert.notEqual(edits, '[]');
  // Fill the table with 3,000 new field names, then read a file again: that read starts a new
  // table, whose first names (other than the first file's) take the ids the first file's names had.
  const names = Array.from({ length: 3000 }, (_, k) => `w${k.toString(36)}`);
  run(NET.replace('top: "fc"\n', `top: "fc"\n  ${names.map((n) => `${n}: 1`).join('\n  ')}\n`));
  run(`${names.slice(0, 200).join(': 1\n')}: 1\n${NET}`);
  assert.equal(JSON.stringify(separableFixEdits(d)), edits);
});

test('separable quick fix: BatchNorm/Scale/ReLU style, original name keeps its top', () => {
  const fixed = checkSeparableFix(GOLDEN);
  assert.ok(
    fixed.includes(
      'layer {\n  name: "conv3/dw"\n  type: "Convolution"\n  bottom: "conv2"\n  top: "conv3/dw"\n  convolution_param {\n    num_output: 64\n    bias_term: false\n    kernel_size: 3\n    pad: 1\n    stride: 2\n    group: 64\n  }\n}',
    ),
  );
  assert.ok(fixed.includes('layer { name: "conv3/dw/bn" type: "BatchNorm" bottom: "conv3/dw" top: "conv3/dw" }'));
  assert.ok(
    fixed.includes(
      'layer { name: "conv3/dw/scale" type: "Scale" bottom: "conv3/dw" top: "conv3/dw" scale_param { bias_term: true } }',
    ),
  );
  assert.ok(
    fixed.includes(
      'layer {\n  name: "conv3"\n  type: "Convolution"\n  bottom: "conv3/dw"\n  top: "conv3"\n  convolution_param {\n    num_output: 128\n    bias_term: false\n    kernel_size: 1\n  }\n}',
    ),
  );
  const d = run(fixed);
  assert.equal(layer(d, 'conv3/dw').kind, 'depthwise');
  assert.equal(layer(d, 'conv3').kind, 'pointwise');
});

test('separable quick fix on real files: ResNet-50 (tabs, BN+Scale) and legacy VGG-16', () => {
  checkSeparableFix(corpus('dgschwend__netscope__resnet-50.prototxt'));
  const vgg = checkSeparableFix(corpus('dgschwend__netscope__vgg-16.prototxt'));
  assert.ok(
    vgg.includes('layers {\n  bottom: "conv1_2/dw"\n  top: "conv1_2/dw"\n  name: "conv1_2/dw/relu"\n  type: RELU\n}'),
  );
  assert.ok(!/layer \{\n {2}name: "conv/.test(vgg));
});

test('width and resolution edits reproduce the estimates', () => {
  const text = readFileSync('examples/mobilenet_v1.prototxt', 'utf8');
  const d = run(text);
  const e = estimates(d.analysis.graph, [0.5], [160]);
  const narrow = run(applyEdits(text, d.frontEnd.widthEdits(d.parsed, text, 0.5)));
  assert.deepEqual(errors(narrow), []);
  assert.equal(narrow.analysis.totals.macs, e.width[0]!.macs);
  assert.equal(narrow.analysis.totals.params, e.width[0]!.params);
  assert.deepEqual(layer(narrow, 'fc').output, [1, 1, 1000], 'the classifier keeps its classes');
  const small = run(applyEdits(text, d.frontEnd.resolutionEdits(d.parsed, text, 160)));
  assert.equal(small.analysis.totals.macs, e.resolution[0]!.macs);
  assert.deepEqual(d.frontEnd.widthEdits(d.parsed, text, 1), []);
  const crop = run(applyEdits(GOLDEN, run(GOLDEN).frontEnd.resolutionEdits(run(GOLDEN).parsed, GOLDEN, 128)));
  assert.deepEqual(crop.analysis.input, [128, 128, 3]);
});

test('format detection: .prototxt by extension, prototxt content by its look', () => {
  assert.equal(analyzeSource(NET, 'x.txt').frontEnd.id, 'caffe');
  assert.equal(analyzeSource(NET, 'x.prototxt').frontEnd.id, 'caffe');
});

test('bad values: invalid-value at the value; the layer loses its shape, nothing downstream is reported', () => {
  const text = NET.replace('num_output: 16', 'num_output: -3');
  const d = run(text);
  single(d, 'invalid-value', text.indexOf('-3'), 2);
  assert.equal(d.diagnostics.filter((x) => x.severity === 'error').length, 1);
  assert.equal(layer(d, 'conv1').output, null);
  const p = run(NET.replace('pool: MAX', 'pool: MEDIAN'));
  single(p, 'invalid-value', NET.indexOf('MAX'), 'MEDIAN'.length);
});

test('a solver definition is not a net: no layers, no diagnostics', () => {
  const d = run('net: "train_val.prototxt"\nbase_lr: 0.01\nmax_iter: 450000\nsolver_mode: GPU\n');
  assert.deepEqual(d.diagnostics, []);
  assert.equal(d.analysis.graph.layers.length, 0);
});
