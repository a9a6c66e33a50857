// Caffe layer types beyond convolution and pooling (docs/formats/caffe.md, docs/counting.md):
// Crop, Interp, Permute, Reshape, Flatten axes, Concat along H/W, SSD Normalize, PriorBox and
// DetectionOutput, ROIPooling, Python, squeeze-and-excitation (two-bottom Scale, Axpy), SegNet's
// BN, Upsample (pad_out, scale_h/_w, upsample_h/_w) and DenseImageData, ImageData's is_color,
// PReLU; their PyTorch export; and an unknown layer dropped into
// the middle of a real network, after which no figure may be presented as exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { conventionTotals } from '../../server/src/core/conventions';
import { analyzeBytes, analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { exportLayers } from '../../server/src/export/layers';
import { exportOnnx } from '../../server/src/export/onnx';
import { exportPyTorch } from '../../server/src/export/pytorch';
import { buildReport } from '../../server/src/report/model';

const run = (text: string) => analyzeSource(text, 'net.prototxt');
const layer = (d: DocumentAnalysis, name: string) => {
  const l = d.analysis.layers.find((x) => x.layer.name === name);
  assert.ok(l, `no layer ${name}`);
  return l;
};
const problems = (d: DocumentAnalysis) =>
  d.diagnostics.filter((x) => x.severity === 'error' || x.severity === 'warning');

/** A 3 x 8 x 4 (C, H, W) input, a 16-channel 3x3 conv (8 x 4 x 16) and a 2x2 max pooling (4 x 2 x 16), then `rest`. */
const net = (rest: string) => `name: "t"
input: "data"
input_shape { dim: 1 dim: 3 dim: 8 dim: 4 }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
  convolution_param { num_output: 16 kernel_size: 3 pad: 1 } }
layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool"
  pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
${rest}`;

test('Crop: the second bottom size from axis 2 at the offset; an offset that does not fit is a shape-mismatch', () => {
  const d = run(
    net('layer { name: "crop" type: "Crop" bottom: "conv" bottom: "pool" top: "crop" crop_param { offset: 2 } }'),
  );
  assert.deepEqual(problems(d), []);
  assert.deepEqual(layer(d, 'crop').output, [4, 2, 16]);
  assert.equal(layer(d, 'crop').macs, 0);
  const v1 = run(net('layers { name: "crop" type: CROP bottom: "conv" bottom: "pool" top: "crop" }'));
  assert.deepEqual(layer(v1, 'crop').output, [4, 2, 16]);
  const tooFar = net(
    'layer { name: "crop" type: "Crop" bottom: "conv" bottom: "pool" top: "crop" crop_param { offset: 3 } }',
  );
  const bad = run(tooFar);
  assert.deepEqual(
    bad.diagnostics.filter((x) => x.code === 'shape-mismatch').map((x) => x.span.start),
    [tooFar.indexOf('name: "crop"')],
  );
  assert.equal(layer(bad, 'crop').output, null);
});

test('Interp: zoom, shrink, both, a fixed size, trimming and the second bottom size', () => {
  const interp = (param: string, bottoms = 'bottom: "pool"') =>
    layer(run(net(`layer { name: "up" type: "Interp" ${bottoms} top: "up" interp_param { ${param} } }`)), 'up').output;
  // pool is 4 x 2: zoom 2 gives I + (I - 1)(2 - 1).
  assert.deepEqual(interp('zoom_factor: 2'), [7, 3, 16]);
  assert.deepEqual(interp('shrink_factor: 2'), [2, 1, 16]);
  assert.deepEqual(interp('shrink_factor: 2 zoom_factor: 3'), [4, 1, 16]);
  assert.deepEqual(interp('height: 10 width: 6'), [10, 6, 16]);
  // conv is 8 x 4: one pixel trimmed at each end, then zoom 2.
  assert.deepEqual(interp('zoom_factor: 2 pad_beg: -1 pad_end: -1', 'bottom: "conv"'), [11, 3, 16]);
  assert.deepEqual(
    layer(run(net('layer { name: "up" type: "Interp" bottom: "pool" bottom: "conv" top: "up" }')), 'up').output,
    [8, 4, 16],
  );
  const none = net('layer { name: "up" type: "Interp" bottom: "pool" top: "up" }');
  const d = run(none);
  assert.deepEqual(
    d.diagnostics.filter((x) => x.code === 'invalid-value').map((x) => x.span.start),
    [none.indexOf('type: "Interp"')],
  );
  const positive = net(
    'layer { name: "up" type: "Interp" bottom: "pool" top: "up" interp_param { zoom_factor: 2 pad_beg: 1 } }',
  );
  assert.deepEqual(
    run(positive)
      .diagnostics.filter((x) => x.code === 'invalid-value')
      .map((x) => x.span.start),
    [positive.indexOf('pad_beg: 1') + 'pad_beg: '.length],
  );
});

test('Permute, Reshape and Flatten move no data: shapes as Caffe gives them, unsupported forms unknown', () => {
  const d = run(
    net(`layer { name: "perm" type: "Permute" bottom: "conv" top: "perm" permute_param { order: 0 order: 2 order: 3 order: 1 } }
layer { name: "flat" type: "Flatten" bottom: "perm" top: "flat" }
layer { name: "resh" type: "Reshape" bottom: "flat" top: "resh" reshape_param { shape { dim: 0 dim: -1 dim: 16 } } }
layer { name: "soft" type: "Softmax" bottom: "resh" top: "soft" softmax_param { axis: 2 } }
layer { name: "flat2" type: "Flatten" bottom: "conv" top: "flat2" flatten_param { axis: 2 } }`),
  );
  assert.deepEqual(problems(d), []);
  // conv is C x H x W = 16 x 8 x 4; permuted to 8 x 4 x 16, i.e. [H, W, C] = [4, 16, 8].
  assert.deepEqual(layer(d, 'perm').output, [4, 16, 8]);
  assert.deepEqual(layer(d, 'flat').output, [1, 1, 512]);
  // N x 32 x 16 is [16, 1, 32].
  assert.deepEqual(layer(d, 'resh').output, [16, 1, 32]);
  assert.deepEqual(layer(d, 'soft').output, [16, 1, 32]);
  // Flatten from axis 2: N x 16 x 32.
  assert.deepEqual(layer(d, 'flat2').output, [32, 1, 16]);
  const batchFolded = run(
    net(
      'layer { name: "resh" type: "Reshape" bottom: "conv" top: "resh" reshape_param { shape { dim: -1 dim: 16 } } }',
    ),
  );
  assert.deepEqual(
    batchFolded.diagnostics.filter((x) => x.code === 'unknown-layer').length,
    1,
    'a Reshape that folds the batch is not costed on a guess',
  );
  assert.equal(batchFolded.analysis.complete, false);
  const wrongCount = run(
    net(
      'layer { name: "resh" type: "Reshape" bottom: "conv" top: "resh" reshape_param { shape { dim: 0 dim: -1 dim: 15 } } }',
    ),
  );
  assert.equal(wrongCount.diagnostics.filter((x) => x.code === 'shape-mismatch').length, 1);
});

test('Concat along H; SSD Normalize parameters; PriorBox priors; DetectionOutput rows', () => {
  const d = run(
    net(`layer { name: "cat" type: "Concat" bottom: "conv" bottom: "conv" top: "cat" concat_param { axis: 2 } }
layer { name: "norm" type: "Normalize" bottom: "conv" top: "norm" norm_param { channel_shared: false } }
layer { name: "norm1" type: "Normalize" bottom: "conv" top: "norm1" }
layer { name: "prior" type: "PriorBox" bottom: "pool" bottom: "data" top: "prior"
  prior_box_param { min_size: 60 max_size: 90 aspect_ratio: 2 aspect_ratio: 3 aspect_ratio: 2 flip: true } }
layer { name: "det" type: "DetectionOutput" bottom: "pool" bottom: "prior" top: "det"
  detection_output_param { num_classes: 2 keep_top_k: 100 } }`),
  );
  assert.deepEqual(problems(d), []);
  assert.deepEqual(layer(d, 'cat').output, [16, 4, 16]);
  assert.equal(layer(d, 'norm').params, 16);
  assert.equal(layer(d, 'norm').otherOps, 3 * 8 * 4 * 16);
  assert.equal(layer(d, 'norm1').params, 1);
  // Ratios 1, 2, 1/2, 3, 1/3 (the repeated 2 once) for one min size, plus one max size: 6 priors.
  assert.deepEqual(layer(d, 'prior').output, [4 * 2 * 6 * 4, 1, 2]);
  assert.deepEqual(layer(d, 'det').output, [100, 7, 1]);
  for (const name of ['cat', 'prior', 'det']) assert.equal(layer(d, name).macs + layer(d, name).params, 0);
  // Netscope counts Normalize as an LRN of size 1: 1 macc per element and 2 parameters.
  const ns = conventionTotals('netscope', d.analysis);
  assert.equal(ns.macs, d.analysis.totals.macs + 2 * 8 * 4 * 16);
  const noKeep = run(net('layer { name: "det" type: "DetectionOutput" bottom: "pool" top: "det" }'));
  assert.equal(noKeep.analysis.complete, false);
});

test('ROIPooling: per region from the pooled size, a per-region note, the head costed once; Python is unknown', () => {
  const text = net(`layer { name: "rois" type: "Python" bottom: "pool" top: "rois"
  python_param { module: "rpn.proposal_layer" layer: "ProposalLayer" } }
layer { name: "roi" type: "ROIPooling" bottom: "conv" bottom: "rois" top: "roi"
  roi_pooling_param { pooled_h: 3 pooled_w: 3 spatial_scale: 0.0625 } }
layer { name: "fc6" type: "InnerProduct" bottom: "roi" top: "fc6" inner_product_param { num_output: 10 } }`);
  const d = run(text);
  const note = d.diagnostics.filter((x) => x.code === 'per-region');
  assert.equal(note.length, 1);
  assert.equal(note[0]!.severity, 'info');
  assert.equal(note[0]!.span.start, text.indexOf('type: "ROIPooling"'));
  assert.deepEqual(layer(d, 'roi').output, [3, 3, 16]);
  assert.equal(layer(d, 'fc6').params, 3 * 3 * 16 * 10 + 10);
  assert.equal(layer(d, 'fc6').macs, 3 * 3 * 16 * 10);
  // The proposal layer cannot be costed: the analysis says so, naming it with its module.
  assert.equal(d.analysis.complete, false);
  assert.match(d.diagnostics.find((x) => x.code === 'unknown-layer')!.message, /rpn\.proposal_layer/);
  assert.deepEqual(
    buildReport(d, 'net.prototxt').missing.map((m) => m.name),
    ['rois'],
  );
});

test('PyTorch export: ceil_mode false pooling, crop, interp, permute and reshape give the analysed shapes', () => {
  const d = run(
    net(`layer { name: "pool3" type: "Pooling" bottom: "conv" top: "pool3" pooling_param { pool: MAX kernel_size: 3 stride: 2 ceil_mode: false } }
layer { name: "crop" type: "Crop" bottom: "conv" bottom: "pool" top: "crop" crop_param { offset: 1 } }
layer { name: "up" type: "Interp" bottom: "pool" top: "up" interp_param { zoom_factor: 2 } }
layer { name: "perm" type: "Permute" bottom: "conv" top: "perm" permute_param { order: 0 order: 2 order: 3 order: 1 } }
layer { name: "resh" type: "Reshape" bottom: "perm" top: "resh" reshape_param { shape { dim: 0 dim: -1 dim: 16 } } }`),
  );
  assert.deepEqual(layer(d, 'pool3').output, [3, 1, 16]);
  const out = exportPyTorch(d.analysis);
  assert.deepEqual(out.problems, []);
  assert.match(out.source, /nn\.MaxPool2d\(kernel_size=\(3, 3\), stride=\(2, 2\), padding=\(0, 0\), ceil_mode=False\)/);
  assert.match(out.source, /\[:, 0:16, 1:5, 1:3\]/);
  assert.match(out.source, /F\.interpolate\([^)]*size=\(7, 3\), mode='bilinear', align_corners=True\)/);
  assert.match(out.source, /\.permute\(0, 2, 3, 1\)/);
  // N x 32 x 16 as N x C x H x W = N x 32 x 16 x 1.
  assert.match(out.source, /\.reshape\([^)]*, 32, 16, 1\)/);
  const ssd = run(net('layer { name: "norm" type: "Normalize" bottom: "conv" top: "norm" }'));
  assert.match(exportPyTorch(ssd.analysis).problems.join(), /norm.*not exportable/);
});

test('an unknown layer in the middle of a real network: nothing after it that depends on it is presented as exact', () => {
  const real = readFileSync('test/data/corpus/dgschwend__netscope__resnet-50.prototxt', 'utf8');
  const whole = run(real);
  assert.equal(whole.analysis.complete, true);
  // In place on res3a's output: everything from res3a on depends on it.
  const at = real.indexOf('layer {', real.indexOf('name: "res3a_relu"'));
  const text = `${real.slice(0, at)}layer {\n  name: "mystery"\n  type: "FancyAttention"\n  bottom: "res3a"\n  top: "res3a"\n}\n${real.slice(at)}`;
  const d = run(text);
  const a = d.analysis;
  assert.equal(a.complete, false);
  const index = layer(d, 'mystery').layer.index;
  assert.equal(layer(d, 'mystery').output, null);
  const after = a.layers.slice(index + 1);
  assert.ok(after.length > 100);
  for (const l of after) {
    assert.equal(l.output, null, `${l.layer.name} has a shape after the unknown layer`);
    assert.equal(l.macs + l.params, 0, `${l.layer.name} is counted after the unknown layer`);
  }
  const before = a.layers.slice(0, index);
  assert.equal(
    a.totals.macs,
    before.reduce((s, l) => s + l.macs, 0),
  );
  assert.ok(a.totals.macs < whole.analysis.totals.macs);
  const report = buildReport(d, 'net.prototxt');
  assert.equal(report.complete, false);
  assert.deepEqual(
    report.missing.map((m) => m.name),
    ['mystery'],
  );
  assert.ok(report.layers.slice(index).every((l) => l.counted === false));
  assert.equal(d.diagnostics.filter((x) => x.code === 'incomplete-analysis').length, 1);
  assert.equal(conventionTotals('netscope', a).complete, false);
});

test('SSD AnnotatedData: transform_param resize_param gives the input size, except FIT_SMALL_SIZE', () => {
  const data = (mode: string) => `name: "t"
layer { name: "data" type: "AnnotatedData" top: "data" top: "label"
  transform_param { resize_param { ${mode} height: 30 width: 20 } } data_param { batch_size: 8 } }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 4 kernel_size: 1 } }
`;
  const warp = run(data('resize_mode: WARP'));
  assert.deepEqual(warp.analysis.input, [30, 20, 3]);
  assert.equal(warp.analysis.graph.input.batch, 1);
  assert.deepEqual(layer(warp, 'conv').output, [30, 20, 4]);
  const fit = run(data('resize_mode: FIT_SMALL_SIZE'));
  assert.equal(fit.analysis.input, null);
  assert.equal(fit.diagnostics.filter((x) => x.code === 'missing-input').length, 1);
});

/** py-faster-rcnn's VGG16 end-to-end test net, written out: VGG16 convs, the RPN, the proposal layer, the ROI head. */
function fasterRcnnVgg16(): string {
  const conv = (name: string, bottom: string, out: number, k = 3, pad = 1) =>
    `layer { name: "${name}" type: "Convolution" bottom: "${bottom}" top: "${name}" convolution_param { num_output: ${out} kernel_size: ${k} pad: ${pad} stride: 1 } }
layer { name: "relu_${name}" type: "ReLU" bottom: "${name}" top: "${name}" }\n`;
  const pool = (name: string, bottom: string) =>
    `layer { name: "${name}" type: "Pooling" bottom: "${bottom}" top: "${name}" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }\n`;
  const blocks: [number, number][] = [
    [2, 64],
    [2, 128],
    [3, 256],
    [3, 512],
    [3, 512],
  ];
  let text = `name: "VGG_ILSVRC_16_layers"
input: "data"
input_shape { dim: 1 dim: 3 dim: 224 dim: 224 }
input: "im_info"
input_shape { dim: 1 dim: 3 }
`;
  let last = 'data';
  blocks.forEach(([n, c], b) => {
    for (let i = 1; i <= n; i++) {
      const name = `conv${b + 1}_${i}`;
      text += conv(name, last, c);
      last = name;
    }
    if (b < 4) {
      text += pool(`pool${b + 1}`, last);
      last = `pool${b + 1}`;
    }
  });
  text += conv('rpn_conv', 'conv5_3', 512);
  text += `layer { name: "rpn_cls_score" type: "Convolution" bottom: "rpn_conv" top: "rpn_cls_score" convolution_param { num_output: 18 kernel_size: 1 pad: 0 stride: 1 } }
layer { name: "rpn_bbox_pred" type: "Convolution" bottom: "rpn_conv" top: "rpn_bbox_pred" convolution_param { num_output: 36 kernel_size: 1 pad: 0 stride: 1 } }
layer { bottom: "rpn_cls_score" top: "rpn_cls_score_reshape" name: "rpn_cls_score_reshape" type: "Reshape" reshape_param { shape { dim: 0 dim: 2 dim: -1 dim: 0 } } }
layer { name: "rpn_cls_prob" type: "Softmax" bottom: "rpn_cls_score_reshape" top: "rpn_cls_prob" }
layer { name: "rpn_cls_prob_reshape" type: "Reshape" bottom: "rpn_cls_prob" top: "rpn_cls_prob_reshape" reshape_param { shape { dim: 0 dim: 18 dim: -1 dim: 0 } } }
layer { name: "proposal" type: "Python" bottom: "rpn_cls_prob_reshape" bottom: "rpn_bbox_pred" bottom: "im_info" top: "rois"
  python_param { module: "rpn.proposal_layer" layer: "ProposalLayer" param_str: "'feat_stride': 16" } }
layer { name: "roi_pool5" type: "ROIPooling" bottom: "conv5_3" bottom: "rois" top: "pool5" roi_pooling_param { pooled_w: 7 pooled_h: 7 spatial_scale: 0.0625 } }
layer { name: "fc6" type: "InnerProduct" bottom: "pool5" top: "fc6" inner_product_param { num_output: 4096 } }
layer { name: "relu6" type: "ReLU" bottom: "fc6" top: "fc6" }
layer { name: "fc7" type: "InnerProduct" bottom: "fc6" top: "fc7" inner_product_param { num_output: 4096 } }
layer { name: "relu7" type: "ReLU" bottom: "fc7" top: "fc7" }
layer { name: "cls_score" type: "InnerProduct" bottom: "fc7" top: "cls_score" inner_product_param { num_output: 21 } }
layer { name: "bbox_pred" type: "InnerProduct" bottom: "fc7" top: "bbox_pred" inner_product_param { num_output: 84 } }
layer { name: "cls_prob" type: "Softmax" bottom: "cls_score" top: "cls_prob" }
`;
  return text;
}

test('Faster R-CNN VGG16: the ROI head is counted (137,078,239 parameters, not 17.1M), the proposal layer is named as missing', () => {
  const d = run(fasterRcnnVgg16());
  const a = d.analysis;
  // VGG16 convs 14,714,688 + RPN 2,387,510 + fc6 102,764,544 + fc7 16,781,312 + cls 86,037 + bbox 344,148.
  assert.equal(a.totals.params, 137_078_239);
  assert.deepEqual(layer(d, 'rpn_cls_score_reshape').output, [14 * 9, 14, 2]);
  assert.deepEqual(layer(d, 'roi_pool5').output, [7, 7, 512]);
  assert.equal(layer(d, 'fc6').macs, 7 * 7 * 512 * 4096);
  assert.equal(a.complete, false);
  assert.deepEqual(
    buildReport(d, 'net.prototxt').missing.map((m) => m.name),
    ['proposal'],
  );
  // Besides the rule findings on VGG16 itself, exactly what the ROI head and the proposal layer call for.
  const rules = new Set(['separable-conv', 'fc-heavy', 'plain-deep-stack']);
  assert.deepEqual(
    d.diagnostics
      .filter((x) => !rules.has(x.code))
      .map((x) => x.code)
      .sort(),
    ['incomplete-analysis', 'per-region', 'unknown-layer'],
  );
});

test('Input layer fields are checked like any known type', () => {
  const text = `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } mean: 3 } }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 4 kernel_size: 1 } }
`;
  const d = run(text);
  assert.deepEqual(
    d.diagnostics.filter((x) => x.code === 'unknown-field').map((x) => x.span.start),
    [text.indexOf('mean')],
  );
  assert.deepEqual(layer(d, 'conv').output, [8, 8, 4]);
});

test('axis other than the channels: Convolution, InnerProduct and Scale are unknown, not costed on a guess; -3 is the channels', () => {
  const conv = (axis: string) =>
    run(
      net(
        `layer { name: "c2" type: "Convolution" bottom: "pool" top: "c2" convolution_param { num_output: 4 kernel_size: 1 axis: ${axis} } }`,
      ),
    );
  assert.deepEqual(layer(conv('-3'), 'c2').output, [4, 2, 4]);
  const off = conv('2');
  assert.equal(layer(off, 'c2').output, null);
  assert.match(off.diagnostics.find((x) => x.code === 'unknown-layer')!.message, /axis 2/);
  const fc = run(
    net(
      'layer { name: "fc" type: "InnerProduct" bottom: "pool" top: "fc" inner_product_param { num_output: 4 axis: 2 } }',
    ),
  );
  assert.equal(fc.analysis.complete, false);
  const scale = run(net('layer { name: "s" type: "Scale" bottom: "pool" top: "s" scale_param { num_axes: 3 } }'));
  assert.equal(layer(scale, 's').output, null);
  const bad = net(
    'layer { name: "fc" type: "InnerProduct" bottom: "pool" top: "fc" inner_product_param { num_output: 4 axis: -7 } }',
  );
  assert.deepEqual(
    run(bad)
      .diagnostics.filter((x) => x.code === 'invalid-value')
      .map((x) => x.span.start),
    [bad.indexOf('-7 }')],
  );
});

test('squeeze-and-excitation forms: a two-bottom Scale from axis 0, and Axpy as a product then a sum', () => {
  // pool (4 x 2 x 16) → global pooling → fc 16 → sigmoid: N x 16, the per-channel scale.
  const se = `layer { name: "gp" type: "Pooling" bottom: "pool" top: "gp" pooling_param { pool: AVE global_pooling: true } }
layer { name: "fc" type: "InnerProduct" bottom: "gp" top: "fc" inner_product_param { num_output: 16 } }
layer { name: "sig" type: "Sigmoid" bottom: "fc" top: "fc" }
`;
  const scaled = run(
    net(
      `${se}layer { name: "s" type: "Scale" bottom: "pool" bottom: "fc" top: "s" scale_param { axis: 0 bias_term: false } }`,
    ),
  );
  assert.deepEqual(problems(scaled), []);
  assert.equal(scaled.analysis.complete, true);
  assert.deepEqual(layer(scaled, 's').output, [4, 2, 16]);
  assert.equal(layer(scaled, 's').params, 0);
  assert.equal(layer(scaled, 's').otherOps, 4 * 2 * 16);
  // Axpy (SENet-caffe): top = a · x + y, as NAME:ax = a · x and NAME = that + y, which writes the top.
  const axpy = run(
    net(`${se}layer { name: "ax" type: "Axpy" bottom: "fc" bottom: "pool" bottom: "pool" top: "ax" }
layer { name: "after" type: "Convolution" bottom: "ax" top: "after" convolution_param { num_output: 8 kernel_size: 1 } }`),
  );
  assert.deepEqual(problems(axpy), []);
  assert.equal(axpy.analysis.complete, true);
  const product = layer(axpy, 'ax:ax');
  const sum = layer(axpy, 'ax');
  assert.deepEqual(
    [product.output, sum.output],
    [
      [4, 2, 16],
      [4, 2, 16],
    ],
  );
  assert.deepEqual([product.macs, sum.macs, product.params + sum.params], [0, 0, 0]);
  assert.deepEqual(sum.layer.inputs, [product.layer.index, layer(axpy, 'pool').layer.index]);
  assert.deepEqual(layer(axpy, 'after').layer.inputs, [sum.layer.index]);
  const source = exportPyTorch(axpy.analysis).source;
  assert.match(source, /y\[\d+\] = y\[\d+\] \* y\[\d+\] {2}# ax:ax\n/);
  assert.match(source, /y\[\d+\] = y\[\d+\] \+ y\[\d+\] {2}# ax\n/);
  // Two bottoms instead of three: said at the layer, and its top has no shape.
  const short = run(net('layer { name: "ax" type: "Axpy" bottom: "pool" bottom: "pool" top: "ax" }'));
  assert.match(
    short.diagnostics.find((x) => x.code === 'invalid-value')!.message,
    /Axpy takes three bottoms \(a, x, y\), not 2/,
  );
  assert.equal(layer(short, 'ax').output, null);
});

test("SegNet's BN layer: bn_mode is read without a warning", () => {
  const d = run(net('layer { name: "bn" type: "BN" bottom: "pool" top: "pool" bn_param { bn_mode: INFERENCE } }'));
  assert.deepEqual(problems(d), []);
  assert.equal(layer(d, 'bn').params, 32);
});

test('PReLU: its learned slopes are parameters (C, or 1 channel_shared), exported as PReLU and as .layers prelu', () => {
  const d = run(
    net(`layer { name: "p1" type: "PReLU" bottom: "pool" top: "pool" }
layer { name: "c2" type: "Convolution" bottom: "pool" top: "c2" convolution_param { num_output: 8 kernel_size: 1 } }
layer { name: "p2" type: "PReLU" bottom: "c2" top: "c2" prelu_param { channel_shared: true } }`),
  );
  assert.deepEqual(problems(d), []);
  assert.deepEqual([layer(d, 'p1').params, layer(d, 'p2').params], [16, 1]);
  assert.equal(layer(d, 'p1').otherOps, 4 * 2 * 16);
  const source = exportPyTorch(d.analysis).source;
  assert.match(source, /nn\.PReLU\(16\) {2}# p1/);
  assert.match(source, /nn\.PReLU\(1\) {2}# p2/);
  // Written as ONNX PRelu and read back: the same parameters.
  const onnx = exportOnnx(d.analysis);
  assert.deepEqual(onnx.problems, []);
  const back = analyzeBytes(onnx.bytes!, 'back.onnx');
  assert.equal(back.analysis.complete, true);
  assert.equal(back.analysis.totals.params, d.analysis.totals.params);
  // Imported as .layers `prelu`: the spec has the same parameters.
  const spec = exportLayers(d.analysis, 'net.prototxt');
  assert.equal(spec.expressible, true);
  assert.match(spec.text, /p1: prelu\n/);
  assert.match(spec.text, /p2: prelu shared=true\n/);
  assert.equal(analyzeSource(spec.text, 'net.layers').analysis.totals.params, d.analysis.totals.params);
});

/** SegNet's encoder step: a 3 x 9 x 7 input, a 4-channel conv, a 2x2 max pooling with its mask (5 x 4 x 4), then `rest`. */
const segnet = (rest: string) => `name: "t"
input: "data"
input_shape { dim: 1 dim: 3 dim: 9 dim: 7 }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
  convolution_param { num_output: 4 kernel_size: 3 pad: 1 } }
layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool" top: "pool_mask"
  pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
${rest}`;

const up = (param: string) =>
  segnet(`layer { name: "up" type: "Upsample" bottom: "pool" bottom: "pool_mask" top: "up" upsample_param { ${param} } }
layer { name: "dec" type: "Convolution" bottom: "up" top: "dec" convolution_param { num_output: 2 kernel_size: 1 } }`);

test("SegNet's Upsample: H x scale_h - pad_out_h, W x scale_w - pad_out_w, or upsample_h x upsample_w; the mask is not a tensor input", () => {
  const shape = (param: string) => {
    const d = run(up(param));
    assert.deepEqual(problems(d), [], param);
    assert.equal(d.analysis.complete, true);
    return layer(d, 'up').output;
  };
  // pool is 5 x 4 (ceil of 9 / 2, 7 / 2).
  assert.deepEqual(shape('scale: 2'), [10, 8, 4]);
  // The 9 x 7 map the mask indexes into: SegNet writes pad_out to undo the ceil.
  assert.deepEqual(shape('scale: 2 pad_out_h: true pad_out_w: true'), [9, 7, 4]);
  assert.deepEqual(shape('scale: 2 pad_out_h: true'), [9, 8, 4]);
  assert.deepEqual(shape('scale_h: 2 scale_w: 3'), [10, 12, 4]);
  assert.deepEqual(shape('upsample_h: 9 upsample_w: 7'), [9, 7, 4]);
  // The layer after it is costed on the trimmed size: 9 x 7 x 2 outputs of 4 MACs.
  const d = run(up('scale: 2 pad_out_h: true pad_out_w: true'));
  assert.equal(layer(d, 'dec').macs, 9 * 7 * 2 * 4);
  assert.equal(layer(d, 'up').macs, 0);
  // A misspelt field is still reported.
  const typo = run(up('scale: 2 pad_out: true'));
  assert.deepEqual(
    typo.diagnostics.filter((x) => x.code === 'unknown-field').map((x) => x.message.split("'")[1]),
    ['pad_out'],
  );
});

test("SegNet's Upsample exports at the analysed size: PyTorch and ONNX by size, .layers says it has no such op", () => {
  const d = run(up('scale: 2 pad_out_h: true'));
  const py = exportPyTorch(d.analysis);
  assert.deepEqual(py.problems, []);
  assert.match(py.source, /nn\.Upsample\(size=\(9, 8\), mode='nearest'\)/);
  const onnx = exportOnnx(d.analysis);
  assert.deepEqual(onnx.problems, []);
  // A nearest Resize to the output size (the ONNX reader costs only whole factors, so no round trip here).
  assert.ok(onnx.bytes && onnx.bytes.length > 0);
  const spec = exportLayers(d.analysis, 'net.prototxt');
  assert.equal(spec.expressible, false);
  assert.match(spec.text, /# up \(Upsample\): not expressible in \.layers: an upsampling to a size other than/);
  // The plain factor stays a .layers upsample.
  assert.match(exportLayers(run(up('scale: 2')).analysis, 'net.prototxt').text, /upsample 2/);
});

const imageInput = (type: string, param: string) => `name: "t"
layer { name: "data" type: "${type}" top: "data" top: "label" ${param} }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 8 kernel_size: 3 } }`;

test("SegNet's DenseImageData is a data layer: new_height x new_width, is_color; without a size it says so", () => {
  const d = run(
    imageInput(
      'DenseImageData',
      'dense_image_data_param { source: "x.txt" batch_size: 4 new_height: 12 new_width: 10 }',
    ),
  );
  assert.deepEqual(problems(d), []);
  assert.deepEqual(d.analysis.input, [12, 10, 3]);
  assert.equal(layer(d, 'conv').params, 8 * 3 * 9 + 8);
  const gray = run(
    imageInput('DenseImageData', 'dense_image_data_param { new_height: 12 new_width: 10 is_color: false }'),
  );
  assert.equal(layer(gray, 'conv').params, 8 * 9 + 8);
  // The image's own size: missing-input at the type, not an unknown layer.
  const text = imageInput('DenseImageData', 'dense_image_data_param { source: "x.txt" batch_size: 1 }');
  const sized = run(text);
  assert.deepEqual(
    sized.diagnostics.filter((x) => x.code === 'missing-input').map((x) => x.span.start),
    [text.indexOf('type: "DenseImageData"')],
  );
  assert.equal(sized.analysis.complete, false);
  assert.ok(!sized.diagnostics.some((x) => x.code === 'unknown-layer'));
});

test('ImageData with is_color: false reads one channel (Caffe opens the image as grey)', () => {
  const param = (color: string) => `image_data_param { source: "x.txt" new_height: 16 new_width: 16 ${color} }`;
  const grey = run(imageInput('ImageData', param('is_color: false')));
  assert.deepEqual(problems(grey), []);
  assert.deepEqual(grey.analysis.input, [16, 16, 1]);
  assert.equal(layer(grey, 'conv').macs, 14 * 14 * 8 * 9);
  assert.deepEqual(run(imageInput('ImageData', param(''))).analysis.input, [16, 16, 3]);
});

test('NVCaffe: BatchNorm with scale_bias (or a scale / bias filler) holds 2 x C learned blobs; precision fields are quiet', () => {
  const text = `name: "nv"
default_forward_type: FLOAT16
default_backward_type: FLOAT16
default_forward_math: FLOAT
default_backward_math: FLOAT
global_grad_scale: 256
input: "data"
input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" forward_type: FLOAT16 forward_math: FLOAT
  backward_type: FLOAT16 backward_math: FLOAT convolution_param { num_output: 4 kernel_size: 3 pad: 1 bias_term: false } }
layer { name: "bn" type: "BatchNorm" bottom: "conv" top: "conv" batch_norm_param { scale_bias: true } }
layer { name: "filled" type: "BatchNorm" bottom: "conv" top: "conv"
  batch_norm_param { scale_filler { type: "constant" value: 1 } bias_filler { type: "constant" value: 0 } } }
layer { name: "plain" type: "BatchNorm" bottom: "conv" top: "conv" batch_norm_param { eps: 0.001 } }
layer { name: "off" type: "BatchNorm" bottom: "conv" top: "conv" batch_norm_param { scale_bias: false } }`;
  const d = run(text);
  assert.deepEqual(problems(d), []);
  assert.deepEqual(
    ['bn', 'filled', 'plain', 'off'].map((n) => layer(d, n).params),
    [8, 8, 0, 0],
  );
  assert.equal(d.analysis.totals.params, 4 * 27 + 16);
});

test("The forks' BN layers (PSPNet's moving_average / decay / var_eps, yjxiong's slope_filler / momentum / frozen) are 2 x C without warnings; axis 2 is unknown", () => {
  const d = run(
    net(`layer { name: "psp" type: "BN" bottom: "pool" top: "pool"
  bn_param { scale_filler { type: "constant" value: 1 } shift_filler { type: "constant" value: 0 } moving_average: true decay: 0.05 var_eps: 1e-5 } }
layer { name: "tsn" type: "BN" bottom: "pool" top: "pool"
  bn_param { slope_filler { type: "constant" value: 1 } bias_filler { type: "constant" value: 0 } momentum: 0.9 eps: 1e-5 frozen: true } }`),
  );
  assert.deepEqual(problems(d), []);
  assert.deepEqual([layer(d, 'psp').params, layer(d, 'tsn').params], [32, 32]);
  const axis2 = run(net('layer { name: "bn" type: "BN" bottom: "pool" top: "pool" bn_param { axis: 2 } }'));
  assert.equal(layer(axis2, 'bn').layer.op.kind, 'unknown');
  assert.equal(axis2.analysis.complete, false);
});

test("R-FCN's PSROIPooling: group_size² bins of output_dim channels per region, from output_dim x group_size² channels", () => {
  const rfcn = (channels: number) =>
    net(`input: "rois"
input_shape { dim: 1 dim: 5 }
layer { name: "score" type: "Convolution" bottom: "pool" top: "score" convolution_param { num_output: ${channels} kernel_size: 1 } }
layer { name: "psroi" type: "PSROIPooling" bottom: "score" bottom: "rois" top: "psroi"
  psroi_pooling_param { spatial_scale: 0.0625 output_dim: 3 group_size: 2 } }
layer { name: "vote" type: "Pooling" bottom: "psroi" top: "vote" pooling_param { pool: AVE kernel_size: 2 stride: 2 } }`);
  const d = run(rfcn(12));
  assert.deepEqual(
    problems(d).map((x) => x.code),
    [],
  );
  assert.deepEqual(layer(d, 'psroi').output, [2, 2, 3]);
  assert.deepEqual(layer(d, 'vote').output, [1, 1, 3]);
  assert.equal(layer(d, 'psroi').params, 0);
  assert.equal(d.analysis.complete, true);
  assert.ok(d.diagnostics.some((x) => x.code === 'per-region'));
  // 13 channels are not 3 x 2 x 2: a channel-mismatch, not a guessed shape.
  const bad = run(rfcn(13));
  assert.deepEqual(bad.diagnostics.filter((x) => x.code === 'channel-mismatch').length, 1);
  assert.equal(layer(bad, 'psroi').output, null);
  const missing = run(
    net('layer { name: "p" type: "PSROIPooling" bottom: "pool" top: "p" psroi_pooling_param { output_dim: 3 } }'),
  );
  assert.match(missing.diagnostics.find((x) => x.code === 'invalid-value')!.message, /needs output_dim and group_size/);
});

test('ArgMax along the channels: [H, W, top_k], no parameters; without axis (over all of C x H x W) it is unknown', () => {
  const argmax = (param: string) =>
    run(net(`layer { name: "label" type: "ArgMax" bottom: "pool" top: "label" argmax_param { ${param} } }`));
  const d = argmax('axis: 1');
  assert.deepEqual(problems(d), []);
  assert.deepEqual(layer(d, 'label').output, [4, 2, 1]);
  assert.equal(layer(d, 'label').params, 0);
  assert.equal(layer(d, 'label').otherOps, 4 * 2 * 16);
  assert.deepEqual(layer(argmax('axis: 1 top_k: 3 out_max_val: true'), 'label').output, [4, 2, 3]);
  assert.equal(layer(argmax('axis: 1 top_k: 17'), 'label').output, null);
  const flat = argmax('top_k: 1');
  assert.equal(layer(flat, 'label').layer.op.kind, 'unknown');
  assert.equal(flat.analysis.complete, false);
  assert.equal(layer(argmax('axis: 2'), 'label').layer.op.kind, 'unknown');
});

test("The YOLOv2 ports' Reorg: space to depth by stride (2 by default), or back with reverse; H and W must divide", () => {
  const reorg = (param: string) =>
    run(
      net(
        `layer { name: "r" type: "Reorg" bottom: "conv" top: "r" ${param} }
layer { name: "cat" type: "Concat" bottom: "r" bottom: "pool" top: "cat" }`,
      ),
    );
  // conv is 8 x 4 x 16, pool 4 x 2 x 16.
  const d = reorg('reorg_param { stride: 2 }');
  assert.deepEqual(problems(d), []);
  assert.deepEqual(layer(d, 'r').output, [4, 2, 64]);
  assert.deepEqual(layer(d, 'cat').output, [4, 2, 80]);
  assert.deepEqual(layer(reorg(''), 'r').output, [4, 2, 64]);
  assert.deepEqual(layer(reorg('reorg_param { stride: 2 reverse: true }'), 'r').output, [16, 8, 4]);
  const odd = reorg('reorg_param { stride: 3 }');
  assert.equal(layer(odd, 'r').output, null);
  assert.ok(odd.diagnostics.some((x) => x.code === 'shape-mismatch'));
});

test("RefineDet's DetectionOutput: five bottoms and objectness_score, keep_top_k rows of 7 without warnings", () => {
  const d = run(
    net(`layer { name: "prior" type: "PriorBox" bottom: "pool" bottom: "data" top: "prior" prior_box_param { min_size: 32 } }
layer { name: "det" type: "DetectionOutput" bottom: "pool" bottom: "conv" bottom: "prior" bottom: "conv" bottom: "pool" top: "det"
  detection_output_param { num_classes: 21 keep_top_k: 300 confidence_threshold: 0.01 objectness_score: 0.01 } }`),
  );
  assert.deepEqual(problems(d), []);
  assert.deepEqual(layer(d, 'det').output, [300, 7, 1]);
});

test('A volumetric (5-d) input is said once at its dims, and the layers that read it raise no unknown-name', () => {
  const layers = `layer { name: "conv" type: "Convolution" bottom: "vol" top: "conv" convolution_param { num_output: 4 kernel_size: 3 } }
layer { name: "bn" type: "BatchNorm" bottom: "conv" top: "conv" }`;
  for (const text of [
    `input: "vol"\ninput_shape { dim: 1 dim: 1 dim: 40 dim: 40 dim: 40 }\n${layers}`,
    `layer { name: "vol" type: "Input" top: "vol" input_param { shape { dim: 1 dim: 1 dim: 40 dim: 40 dim: 40 } } }\n${layers}`,
  ]) {
    const d = run(text);
    assert.deepEqual(
      d.diagnostics.map((x) => [x.code, x.span.start]),
      [['missing-input', text.indexOf('1 dim: 1 dim: 40')]],
    );
    assert.match(d.diagnostics[0]!.message, /5 dims \(N, C, D, H, W/);
    assert.equal(d.analysis.complete, false);
  }
});

test("BVLC Reduction (MobileNetV3-Caffe's squeeze: MEAN over axis 3, then 2): the trailing axes reduced, the SE block costed", () => {
  const d = run(
    net(`layer { name: "mean1" type: "Reduction" bottom: "pool" top: "mean1" reduction_param { operation: MEAN axis: 3 } }
layer { name: "mean2" type: "Reduction" bottom: "mean1" top: "mean2" reduction_param { operation: MEAN axis: 2 } }
layer { name: "fc" type: "InnerProduct" bottom: "mean2" top: "fc" inner_product_param { num_output: 16 } }
layer { name: "view" type: "Reshape" bottom: "fc" top: "view" reshape_param { shape { dim: 0 dim: 16 dim: 1 dim: 1 } } }
layer { name: "mul" type: "Eltwise" bottom: "pool" bottom: "view" top: "mul" eltwise_param { operation: PROD } }
layer { name: "total" type: "Reduction" bottom: "mul" top: "total" reduction_param { operation: 2 axis: 1 } }`),
  );
  assert.deepEqual(problems(d), []);
  // pool is 4 x 2 x 16.
  assert.deepEqual(layer(d, 'mean1').output, [4, 1, 16]);
  assert.deepEqual(layer(d, 'mean2').output, [1, 1, 16]);
  assert.equal(layer(d, 'mean1').otherOps, 4 * 2 * 16);
  assert.equal(layer(d, 'fc').macs, 16 * 16);
  assert.deepEqual(layer(d, 'mul').output, [4, 2, 16]);
  assert.deepEqual(layer(d, 'total').output, [1, 1, 1]);
  assert.equal(d.analysis.complete, true);
  for (const param of ['', 'reduction_param { axis: 0 }', 'reduction_param { axis: -1 }']) {
    const bad = run(net(`layer { name: "r" type: "Reduction" bottom: "pool" top: "r" ${param} }`));
    assert.equal(layer(bad, 'r').layer.op.kind, 'unknown', param);
  }
});

test('A layer that computes on a second network input is named as not costed, not left without a word', () => {
  const text = `name: "two"
input: "a"
input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
input: "b"
input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
input: "im_info"
input_shape { dim: 1 dim: 3 }
layer { name: "ca" type: "Convolution" bottom: "a" top: "ca" convolution_param { num_output: 4 kernel_size: 1 } }
layer { name: "cb" type: "Convolution" bottom: "b" top: "cb" convolution_param { num_output: 4 kernel_size: 1 } }
layer { name: "sum" type: "Eltwise" bottom: "ca" bottom: "cb" top: "sum" }
layer { name: "prior" type: "PriorBox" bottom: "ca" bottom: "b" top: "prior" prior_box_param { min_size: 4 } }
layer { name: "prop" type: "Python" bottom: "ca" bottom: "im_info" top: "rois" python_param { module: "rpn.proposal_layer" layer: "ProposalLayer" } }`;
  const d = run(text);
  const unknown = d.diagnostics.filter((x) => x.code === 'unknown-layer');
  assert.deepEqual(
    unknown.map((x) => x.span.start),
    [text.indexOf('name: "cb"'), text.indexOf('name: "prop"')],
  );
  assert.match(unknown[0]!.message, /reads 'b', a second network input/);
  // A Python layer keeps its own name: it is unknown whatever it reads.
  assert.match(unknown[1]!.message, /rpn\.proposal_layer/);
  assert.match(d.diagnostics.find((x) => x.code === 'incomplete-analysis')!.message, /cb/);
  assert.equal(d.analysis.complete, false);
  // The first input's branch is costed; a second input read for its name only (PriorBox's image) is quiet.
  assert.equal(layer(d, 'ca').macs, 8 * 8 * 4 * 3);
  assert.deepEqual(layer(d, 'prior').output, [8 * 8 * 1 * 4, 1, 2]);
});

test('BVLC Tile (attention masks in RAS and Micro-Attention): tiles copies along axis, default the channels, costed as that concatenation', () => {
  const d = run(
    net(`layer { name: "one" type: "Convolution" bottom: "pool" top: "one" convolution_param { num_output: 1 kernel_size: 1 } }
layer { name: "sig" type: "Sigmoid" bottom: "one" top: "sig" }
layer { name: "tile" type: "Tile" bottom: "sig" top: "mask" tile_param { tiles: 16 } }
layer { name: "prod" type: "Eltwise" bottom: "pool" bottom: "mask" top: "prod" eltwise_param { operation: PROD } }
layer { name: "wide" type: "Tile" bottom: "pool" top: "wide" tile_param { axis: 3 tiles: 3 } }`),
  );
  assert.deepEqual(problems(d), []);
  assert.equal(d.analysis.complete, true);
  // pool is 4 x 2 x 16: the 1-channel mask tiled to 16 channels fits the product.
  assert.deepEqual(layer(d, 'tile').output, [4, 2, 16]);
  assert.deepEqual(layer(d, 'prod').output, [4, 2, 16]);
  assert.equal(layer(d, 'tile').params, 0);
  assert.deepEqual(layer(d, 'wide').output, [4, 6, 16]);
  const text = net('layer { name: "t" type: "Tile" bottom: "pool" top: "t" tile_param { axis: 1 } }');
  const missing = run(text);
  assert.deepEqual(
    missing.diagnostics.filter((x) => x.code === 'invalid-value').map((x) => x.span.start),
    [text.indexOf('type: "Tile"')],
  );
  const batch = run(net('layer { name: "t" type: "Tile" bottom: "pool" top: "t" tile_param { axis: 0 tiles: 2 } }'));
  assert.equal(layer(batch, 't').layer.op.kind, 'unknown');
});
