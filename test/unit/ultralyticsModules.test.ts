// Ultralytics modules and heads one row at a time: output shape, parameters and MACs against
// figures worked out by hand from the PyTorch modules (ultralytics/nn/modules), the heads'
// reg_max / end2end / kpt_shape variants, every invalid-value case (diagnosed at the value,
// the row not costed), and an unknown module in the middle of a real network (nothing after
// it presented as exact).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { conventionTotals } from '../../server/src/core/conventions';
import { buildReport } from '../../server/src/report/model';
import type { UltralyticsParsed } from '../../server/src/formats/ultralytics';

const YOLOV8 = readFileSync('test/data/corpus/ultralytics__ultralytics__yolov8.yaml', 'utf8');

/** A model with these backbone rows (one per line) and a head of one nn.Identity row. */
function model(rows: string[], header = 'nc: 80', head = ['[-1, 1, nn.Identity, []]']): string {
  return `${header}\nbackbone:\n${rows.map((r) => `  - ${r}`).join('\n')}\nhead:\n${head.map((r) => `  - ${r}`).join('\n')}\n`;
}

const analyse = (text: string, file = 'm.yaml') => analyzeSource(text, file, { format: 'ultralytics' });

/** Parameters, MACs and output shape of row `i`: the sum over the layers its row made. */
function row(d: DocumentAnalysis, i: number) {
  const p = d.parsed as UltralyticsParsed;
  const span = p.spec.rows[i]!.span;
  const layers = d.analysis.layers.filter((l) => l.layer.span.start === span.start);
  const out = p.rowOutputs[i];
  return {
    params: layers.reduce((s, l) => s + l.params, 0),
    macs: layers.reduce((s, l) => s + l.macs, 0),
    shape: out === undefined ? undefined : d.analysis.layers[out]!.output,
  };
}

const STEM64 = '[-1, 1, Conv, [64, 3, 2]]'; // 320x320x64, 3·64·9 + 2·64 = 1,856 parameters

test('stem: Conv [64, 3, 2] is conv (no bias) + BN + SiLU', () => {
  const d = analyse(model([STEM64]));
  assert.deepEqual(row(d, 0), { params: 1856, macs: 320 * 320 * 64 * 3 * 9, shape: [320, 320, 64] });
  assert.equal(d.analysis.complete, true);
});

test('SCDown [128, 3, 2]: Conv 1x1 to 128, 3x3/2 depthwise Conv without activation', () => {
  const d = analyse(model([STEM64, '[-1, 1, SCDown, [128, 3, 2]]']));
  assert.deepEqual(row(d, 1), {
    params: 64 * 128 + 256 + 128 * 9 + 256,
    macs: 320 * 320 * 128 * 64 + 160 * 160 * 128 * 9,
    shape: [160, 160, 128],
  });
});

test('ADown and AConv [128]: avg pool 2/1, then the 3x3/2 convs (ADown on each half)', () => {
  const d = analyse(model([STEM64, '[-1, 1, ADown, [128]]', '[-2, 1, AConv, [128]]']));
  // ADown: Conv(32, 64, 3, 2, 1) + Conv(32, 64, 1) on the max-pooled half.
  assert.deepEqual(row(d, 1).params, 32 * 64 * 9 + 128 + 32 * 64 + 128);
  assert.deepEqual(row(d, 1).shape, [160, 160, 128]);
  assert.deepEqual(row(d, 2).params, 64 * 128 * 9 + 256);
  assert.deepEqual(row(d, 2).shape, [160, 160, 128]);
});

test('ELAN1 [64, 64, 32] and SPPELAN [64, 32]', () => {
  const d = analyse(model([STEM64, '[-1, 1, ELAN1, [64, 64, 32]]', '[-1, 1, SPPELAN, [64, 32]]']));
  // cv1 64→64, cv2 32→32 3x3, cv3 32→32 3x3, cv4 128→64.
  assert.equal(row(d, 1).params, 4096 + 128 + 2 * (9216 + 64) + 8192 + 128);
  assert.deepEqual(row(d, 1).shape, [320, 320, 64]);
  // cv1 64→32, three max pools, cv5 128→64.
  assert.equal(row(d, 2).params, 2048 + 64 + 8192 + 128);
  assert.deepEqual(row(d, 2).shape, [320, 320, 64]);
});

test('GhostConv [64, 3, 2]: Conv to 32, then a 5x5 depthwise Conv of it, concatenated', () => {
  const d = analyse(model([STEM64, '[-1, 1, GhostConv, [64, 3, 2]]']));
  assert.deepEqual(row(d, 1), {
    params: 64 * 32 * 9 + 64 + 32 * 25 + 64,
    macs: 160 * 160 * 32 * 64 * 9 + 160 * 160 * 32 * 25,
    shape: [160, 160, 64],
  });
});

test('C2PSA [128] on 20x20x128: one PSA block with one head; attention products in the MACs', () => {
  const d = analyse(model(['[-1, 1, Conv, [128, 3, 32]]', '[-1, 1, C2PSA, [128]]']));
  // c = 64, 1 head: head_dim 64, key_dim 32; qkv 64→128, pe 3x3 dw, proj, ffn 64→128→64, cv1/cv2 128→128.
  const params = 2 * (16384 + 256) + (8192 + 256) + (576 + 128) + (4096 + 128) + (8192 + 256) + (8192 + 128);
  const n = 20 * 20;
  const attention = n * n * (32 + 64);
  const convs = n * (2 * 128 * 128 + 64 * 128 + 64 * 9 + 64 * 64 + 64 * 128 + 128 * 64);
  assert.deepEqual(row(d, 1), { params, macs: convs + attention, shape: [20, 20, 128] });
  // Ultralytics' GFLOPs (thop) do not count the attention products.
  const t = conventionTotals('ultralytics', d.analysis);
  const thop = d.analysis.totals.macs - attention;
  assert.ok(Math.abs(t.flops! - 2 * thop - 8 * bnElements(d)) < 1e-6);
});

function bnElements(d: DocumentAnalysis): number {
  return d.analysis.layers.filter((l) => l.layer.op.kind === 'bn').reduce((s, l) => s + l.activations, 0);
}

test('C2PSA with fewer than 64 hidden channels has no attention head: invalid-value, not costed', () => {
  const d = analyse(model([STEM64, '[-1, 1, C2PSA, [64]]']));
  assert.ok(d.diagnostics.some((x) => x.code === 'invalid-value' && /attention heads/.test(x.message)));
  assert.equal(d.analysis.complete, false);
  // None of the row's layers built before the failure (its cv1) is kept: the row is one unknown layer.
  assert.deepEqual(
    d.analysis.layers.filter((l) => l.layer.name.startsWith('model.1')).map((l) => l.layer.op.kind),
    ['unknown'],
  );
});

test('nn.ZeroPad2d [[0, 1, 0, 1]] then nn.MaxPool2d [2, 1, 0] keeps the size (yolov3-tiny)', () => {
  const d = analyse(model([STEM64, '[-1, 1, nn.ZeroPad2d, [[0, 1, 0, 1]]]', '[-1, 1, nn.MaxPool2d, [2, 1, 0]]']));
  assert.deepEqual(row(d, 1), { params: 0, macs: 0, shape: [321, 321, 64] });
  assert.deepEqual(row(d, 2).shape, [320, 320, 64]);
});

test('nn.ConvTranspose2d [32, 2, 2, 0] (bias) and nn.Upsample [None, 2, "nearest"]', () => {
  const d = analyse(
    model([STEM64, '[-1, 1, nn.ConvTranspose2d, [32, 2, 2, 0]]', '[-2, 1, nn.Upsample, [None, 2, "nearest"]]']),
  );
  assert.deepEqual(row(d, 1), { params: 64 * 32 * 4 + 32, macs: 320 * 320 * 64 * 32 * 4, shape: [640, 640, 32] });
  assert.deepEqual(row(d, 2), { params: 0, macs: 0, shape: [640, 640, 64] });
});

test('nn.ReLU, nn.SiLU, nn.Dropout and nn.BatchNorm2d keep the shape; only the BN has parameters', () => {
  const d = analyse(
    model([
      STEM64,
      '[-1, 1, nn.ReLU, []]',
      '[-1, 1, nn.SiLU, []]',
      '[-1, 1, nn.Dropout, [0.1]]',
      '[-1, 1, nn.BatchNorm2d, []]',
    ]),
  );
  for (const r of [1, 2, 3]) assert.deepEqual(row(d, r), { params: 0, macs: 0, shape: [320, 320, 64] });
  assert.deepEqual(row(d, 4), { params: 128, macs: 0, shape: [320, 320, 64] });
  assertInvalid(model([STEM64, '[-1, 1, nn.Dropout, [2]]']), '2', /probability/);
});

test('ResNetLayer [3, 64, 1, True, 1]: the 7x7/2 stem and a 3x3/2 max pool', () => {
  const d = analyse(
    model(['[-1, 1, ResNetLayer, [3, 64, 1, True, 1]]', '[-1, 1, ResNetLayer, [64, 16, 1, False, 1]]']),
  );
  assert.deepEqual(row(d, 0), { params: 3 * 64 * 49 + 128, macs: 320 * 320 * 64 * 3 * 49, shape: [160, 160, 64] });
  // One block: 1x1 64→16, 3x3 16→16, 1x1 16→64 (no act), no projection (64 = 4 x 16), ReLU.
  assert.equal(row(d, 1).params, 64 * 16 + 32 + 16 * 16 * 9 + 32 + 16 * 64 + 128);
  assert.deepEqual(row(d, 1).shape, [160, 160, 64]);
});

test('CBLinear splits its conv; CBFuse resizes a part (nearest) and sums it with its last input', () => {
  const d = analyse(
    model([
      STEM64,
      '[-1, 1, Conv, [64, 3, 2]]',
      '[-1, 1, CBLinear, [[16, 32]]]',
      '[0, 1, Conv, [32, 3, 1]]',
      '[[2, -1], 1, CBFuse, [[1]]]',
    ]),
  );
  assert.deepEqual(row(d, 2), { params: 64 * 48 + 48, macs: 160 * 160 * 48 * 64, shape: [160, 160, 48] });
  assert.deepEqual(row(d, 4), { params: 0, macs: 0, shape: [320, 320, 32] });
  assert.equal(d.analysis.complete, true);
});

test('Classify [c2]: c2 equal to nc is kept; another is rounded up to a multiple of 8 as parse_model does', () => {
  const conv = 64 * 1280 + 2560;
  const d10 = analyse(model([STEM64], 'nc: 10', ['[-1, 1, Classify, [nc]]']));
  assert.equal(row(d10, 1).params, conv + 1280 * 10 + 10);
  assert.deepEqual(row(d10, 1).shape, [1, 1, 10]);
  const d80 = analyse(model([STEM64], 'nc: 80', ['[-1, 1, Classify, [10]]']));
  assert.equal(row(d80, 1).params, conv + 1280 * 16 + 16);
});

// One 64-channel level into each head; nc = 80, legacy (no C3k2 row): c2 = 64, c3 = 80.
const BOX = 2 * (64 * 64 * 9 + 128) + 64 * 64 + 64; // cv2: Conv 3x3, Conv 3x3, Conv2d 1x1 to 4 x 16
const CLS = 64 * 80 * 9 + 160 + 80 * 80 * 9 + 160 + 80 * 80 + 80; // cv3 (legacy)
const DFL = 16;

function headParams(head: string, header = 'nc: 80'): number {
  const d = analyse(model([STEM64], header, [head]));
  assert.equal(d.analysis.complete, true, head);
  return row(d, 1).params;
}

test('Detect: box and class branches and the DFL; reg_max and end2end from the file', () => {
  assert.equal(headParams('[[0], 1, Detect, [nc]]'), BOX + CLS + DFL);
  // reg_max 1: c2 = max(16, 64 // 4, 4) = 16, box conv to 4, no DFL.
  const box1 = 64 * 16 * 9 + 32 + 16 * 16 * 9 + 32 + 16 * 4 + 4;
  assert.equal(headParams('[[0], 1, Detect, [nc]]', 'nc: 80\nreg_max: 1'), box1 + CLS);
  assert.equal(headParams('[[0], 1, Detect, [nc]]', 'nc: 80\nend2end: true'), 2 * (BOX + CLS) + DFL);
});

test('v10Detect: depthwise class branch and the one-to-one copies', () => {
  const cls = 64 * 9 + 128 + 64 * 80 + 160 + 80 * 9 + 160 + 80 * 80 + 160 + 80 * 80 + 80;
  assert.equal(headParams('[[0], 1, v10Detect, [nc]]'), 2 * (BOX + cls) + DFL);
});

test('Segment, Pose and OBB add their cv4 branch (and Segment the Proto)', () => {
  const protoParams = 64 * 256 * 9 + 512 + 256 * 256 * 4 + 256 + 256 * 256 * 9 + 512 + 256 * 32 + 64;
  const masks = 64 * 32 * 9 + 64 + 32 * 32 * 9 + 64 + 32 * 32 + 32;
  assert.equal(headParams('[[0], 1, Segment, [nc, 32, 256]]'), BOX + CLS + DFL + protoParams + masks);
  const kpts = 64 * 51 * 9 + 102 + 51 * 51 * 9 + 102 + 51 * 51 + 51;
  assert.equal(headParams('[[0], 1, Pose, [nc, kpt_shape]]', 'nc: 80\nkpt_shape: [17, 3]'), BOX + CLS + DFL + kpts);
  const angle = 64 * 16 * 9 + 32 + 16 * 16 * 9 + 32 + 16 + 1;
  assert.equal(headParams('[[0], 1, OBB, [nc, 1]]'), BOX + CLS + DFL + angle);
});

/** Each invalid value: an invalid-value diagnostic exactly at the value, the model incomplete, no exact figure. */
function assertInvalid(text: string, value: string, pattern: RegExp) {
  const d = analyse(text);
  const at = d.diagnostics.filter((x) => x.code === 'invalid-value');
  assert.ok(
    at.some((x) => text.slice(x.span.start, x.span.end) === value && pattern.test(x.message)),
    `${value}: ${JSON.stringify(at.map((x) => [text.slice(x.span.start, x.span.end), x.message]))}`,
  );
  assert.equal(d.analysis.complete, false, value);
  assert.match(conventionTotals('ultralytics', d.analysis).display, /^at least /);
  assert.ok(Number.isFinite(d.analysis.totals.macs) && Number.isFinite(d.analysis.totals.params));
}

test('invalid arguments: stride 0, kernel -3 or 3.5, padding -1 or 2.5, Upsample 0.5, channels past the bound', () => {
  assertInvalid(model(['[-1, 1, Conv, [16, 3, 0]]']), '0', /stride must be an integer from 1/);
  assertInvalid(model(['[-1, 1, Conv, [16, -3]]']), '-3', /kernel must be an integer from 1/);
  assertInvalid(model(['[-1, 1, Conv, [16, 3.5]]']), '3.5', /kernel/);
  assertInvalid(model(['[-1, 1, Conv, [16, 3, 1, -1]]']), '-1', /padding must be an integer from 0/);
  assertInvalid(model(['[-1, 1, Conv, [16, 3, 1, 2.5]]']), '2.5', /padding/);
  assertInvalid(model([STEM64, '[-1, 1, nn.Upsample, [None, 0.5, "nearest"]]']), '0.5', /scale_factor/);
  assertInvalid(model(['[-1, 1, Conv, [1e300, 3]]']), '1e300', /output channels must be an integer/);
  assertInvalid(model(['[-1, 1, Conv, [Infinity, 3]]']), 'Infinity', /output channels/);
  assertInvalid(model(['[-1, 1, Conv, [.inf, 3]]']), '.inf', /output channels/);
  assertInvalid(model(['[-1, 1, Conv, [16, 3, 1, None, 1, 1, maybe]]']), 'maybe', /act must be True or False/);
  assertInvalid(model(['[-1, 1, Conv, []]']), '[]', /output channels \(argument 1\) is missing/);
});

test('invalid model settings: ch 1e300, nc 0, a scale out of range; nothing is counted, no 300-digit total', () => {
  assertInvalid(model([STEM64], 'nc: 80\nch: 1e300'), '1e300', /ch must be a positive integer of at most 1,000,000/);
  assertInvalid(model([STEM64], 'nc: 0'), '0', /nc must be a positive integer/);
  assertInvalid(model([STEM64], 'nc: 80\nreg_max: 2.5'), '2.5', /reg_max must be a positive integer/);
  assertInvalid(model([STEM64], 'nc: 80\nend2end: maybe'), 'maybe', /end2end must be true or false/);
  assertInvalid(model([STEM64], 'nc: 80\nkpt_shape: [17]'), '[17]', /kpt_shape must be \[keypoints, dims\]/);
  assertInvalid(
    model([STEM64], 'nc: 80\ndepth_multiple: 1e9'),
    '1e9',
    /depth_multiple must be a positive number of at most 100/,
  );
  const scaled = model([STEM64], 'nc: 80\nscales:\n  n: [0.33, 1e300, 1024]\n  s: [0.33, 0.5, 1024]');
  assertInvalid(scaled, '[0.33, 1e300, 1024]', /Scale 'n'/);
  // Another scale of the same file is still costed.
  assert.equal(analyzeSource(scaled, 'yolov8s.yaml').analysis.complete, true);
  const d = analyse(model([STEM64], 'nc: 80\nch: 1e300'));
  assert.ok(!buildReport(d, 'm.yaml').totals.macs.toString().includes('e+'));
});

test('an unknown module in the middle of yolov8: every row after it is uncounted; no figure is exact', () => {
  const text = YOLOV8.replace('- [-1, 6, C2f, [256, True]]', '- [-1, 6, FancyBlock, [256, True]]');
  const d = analyzeSource(text, 'yolov8n.yaml');
  const p = d.parsed as UltralyticsParsed;
  const unknown = d.diagnostics.filter((x) => x.code === 'unknown-layer');
  assert.equal(unknown.length, 1);
  assert.equal(text.slice(unknown[0]!.span.start, unknown[0]!.span.end), '[-1, 6, FancyBlock, [256, True]]');
  assert.ok(d.diagnostics.some((x) => x.code === 'incomplete-analysis' && x.severity === 'error'));
  assert.equal(d.analysis.complete, false);
  // Rows 0-3 are costed; row 4 (FancyBlock) and everything that reads it (rows 5-22) have no shape.
  const shapes = p.rowOutputs.map((i) => (i === undefined ? undefined : d.analysis.layers[i]!.output));
  assert.deepEqual(shapes[3], [80, 80, 64]);
  for (let r = 4; r < shapes.length; r++) assert.equal(shapes[r], null, `row ${r}`);
  const report = buildReport(d, 'yolov8n.yaml');
  assert.equal(report.complete, false);
  assert.match(conventionTotals('ultralytics', d.analysis).display, /^at least /);
  // The whole network would be 3,157,200 parameters: the partial sum is a strict lower bound.
  assert.ok(d.analysis.totals.params < 3_157_200);
});

test('width estimates: a width at which an attention block does not analyse is left out, not a partial sum', () => {
  const text = model(['[-1, 1, Conv, [128, 3, 32]]', '[-1, 1, C2PSA, [128]]']);
  const report = buildReport(analyse(text), 'm.yaml');
  assert.deepEqual(
    report.estimates.width.map((w) => w.alpha),
    [1],
  );
  assert.equal(report.estimates.width[0]!.macs, analyse(text).analysis.totals.macs);
});

/** A YOLOv5-repository model: top-level anchors, two stem Convs (320x320x16, 160x160x32), one head row. */
const V5_ANCHORS = 'anchors:\n  - [10, 13, 16, 30, 33, 23]\n  - [30, 61, 62, 45, 59, 119]';
const v5 = (headRow: string, settings = V5_ANCHORS, widthMultiple = '1.0') =>
  model(
    ['[-1, 1, Conv, [16, 3, 2]]', '[-1, 1, Conv, [32, 3, 2]]'],
    `nc: 2\ndepth_multiple: 1.0\nwidth_multiple: ${widthMultiple}\n${settings}`,
    [headRow],
  );

test('YOLOv5 Detect [nc, anchors]: one 1x1 conv with bias per level to anchors x (nc + 5), not the anchor-free head', () => {
  // no = 3 x (2 + 5) = 21 per level: 16·21 + 21 and 32·21 + 21 parameters.
  const d = analyse(v5('[[0, 1], 1, Detect, [nc, anchors]]'));
  assert.equal(d.analysis.complete, true);
  assert.deepEqual(row(d, 2), {
    params: 357 + 693,
    macs: 320 * 320 * 16 * 21 + 160 * 160 * 32 * 21,
    shape: [160, 160, 21],
  });
  // The anchors given as a count per level, or inline (one pair per level: no = 1 x 7).
  assert.equal(row(analyse(v5('[[0, 1], 1, Detect, [nc, anchors]]', 'anchors: 3')), 2).params, 357 + 693);
  assert.equal(row(analyse(v5('[[0, 1], 1, Detect, [nc, [[1, 2], [3, 4]]]]', '')), 2).params, 16 * 7 + 7 + 32 * 7 + 7);
});

test('YOLOv5 Segment [nc, anchors, nm, npr]: Proto with a nearest upsample, heads to anchors x (nc + 5 + nm)', () => {
  const d = analyse(v5('[[0, 1], 1, Segment, [nc, anchors, 4, 8]]'));
  // Proto on 320x320x16: Conv 3x3 to 8, upsample x2, Conv 3x3 8 → 8, Conv 1x1 to 4 masks; no = 3 x 11 = 33.
  const protoParams = 16 * 8 * 9 + 16 + 8 * 8 * 9 + 16 + 8 * 4 + 8;
  const protoMacs = 320 * 320 * 8 * 16 * 9 + 640 * 640 * 8 * 8 * 9 + 640 * 640 * 4 * 8;
  assert.deepEqual(row(d, 2), {
    params: protoParams + 16 * 33 + 33 + 32 * 33 + 33,
    macs: protoMacs + 320 * 320 * 16 * 33 + 160 * 160 * 32 * 33,
    shape: [160, 160, 33],
  });
});

test('YOLOv5 files keep a base module with no = anchors x (nc + 5) channels unscaled, as models/yolo.py does', () => {
  const d = analyse(v5('[-1, 1, Conv, [21, 1, 1]]', V5_ANCHORS, '0.5'));
  assert.deepEqual(row(d, 2).shape, [160, 160, 21]);
  // Without anchors (an Ultralytics file) 21 is scaled: make_divisible(10.5, 8) = 16.
  assert.deepEqual(row(analyse(v5('[-1, 1, Conv, [21, 1, 1]]', '', '0.5')), 2).shape, [160, 160, 16]);
});

test('YOLOv5 anchors that cannot be read: invalid-value at the argument, the head not costed', () => {
  assertInvalid(v5('[[0, 1], 1, Detect, [nc, anchors]]', ''), 'anchors', /no top-level anchors/);
  assertInvalid(v5('[[0, 1], 1, Detect, [nc, anchors]]', 'anchors:\n  - [10, 13, 16]'), 'anchors', /w,h pairs/);
  assertInvalid(
    v5('[[0, 1], 1, Detect, [nc, anchors]]', 'anchors:\n  - [10, 13]\n  - [1, 2]\n  - [3, 4]'),
    'anchors',
    /3 levels of anchors for 2 inputs/,
  );
});

test('activation: sets every Conv activation (parse_model Conv.default_act); one LayerLint does not know is not costed', () => {
  const acts = (text: string) =>
    analyse(text)
      .analysis.layers.filter((l) => l.layer.op.kind === 'act')
      .map((l) => [l.layer.opText, l.layer.op.kind === 'act' ? l.layer.op.fn : '']);
  assert.deepEqual(acts(model([STEM64], 'nc: 80\nactivation: nn.LeakyReLU(0.1)')), [['LeakyReLU', 'leaky']]);
  assert.deepEqual(acts(model([STEM64], 'nc: 80\nactivation: torch.nn.ReLU() # yolov6')), [['ReLU', 'relu']]);
  assert.deepEqual(acts(model([STEM64])), [['SiLU', 'silu']]);
  assert.equal(row(analyse(model([STEM64], 'nc: 80\nactivation: nn.ReLU6()')), 0).params, 1856);
  assertInvalid(
    model([STEM64], 'nc: 80\nactivation: nn.PReLU()'),
    'nn.PReLU()',
    /activation must be one of nn\.SiLU\(\)/,
  );
});

test('Focus [16, 3]: the four pixel phases (320x320x12), then Conv 3x3 to 16', () => {
  assert.deepEqual(row(analyse(model(['[-1, 1, Focus, [16, 3]]'])), 0), {
    params: 12 * 16 * 9 + 32,
    macs: 320 * 320 * 16 * 12 * 9,
    shape: [320, 320, 16],
  });
});

test('BottleneckCSP, C3x, C1 and RepC3 on 320x320x64 (hidden 32; C1 and RepC3 64)', () => {
  const at = (r: string) => row(analyse(model([STEM64, r])), 1);
  const position = 320 * 320;
  // cv1 64→32, Bottleneck 1x1 + 3x3, cv3 and cv2 bare 1x1 convs, BN of 64, cv4 64→64.
  assert.deepEqual(at('[-1, 1, BottleneckCSP, [64]]'), {
    params: 2112 + 1088 + 9280 + 1024 + 2048 + 128 + 4224,
    macs: position * (2048 + 1024 + 9216 + 1024 + 2048 + 4096),
    shape: [320, 320, 64],
  });
  // CrossConv: 1x3 then 3x1 convs (the padding keeps 320x320).
  assert.deepEqual(at('[-1, 1, C3x, [64]]'), {
    params: 2112 + 3136 + 3136 + 2112 + 4224,
    macs: position * (2048 + 3072 + 3072 + 2048 + 4096),
    shape: [320, 320, 64],
  });
  assert.equal(at('[-1, 2, C1, [64]]').params, 4224 + 2 * (36864 + 128));
  // RepC3 e = 1: no cv3 (the hidden width is already 64); RepConv 3x3 + 1x1 with BNs.
  assert.equal(at('[-1, 1, RepC3, [64]]').params, 4224 + 36864 + 128 + 4096 + 128 + 4224);
});

test('C3TR [64]: C3 whose m is a TransformerBlock (position Linear, q/k/v, MultiheadAttention, fc1, fc2)', () => {
  const r = row(analyse(model([STEM64, '[-1, 1, C3TR, [64]]'])), 1);
  const n = 320 * 320;
  // Transformer on 32 channels: linear 32·32+32, q k v 3·1024, in_proj 3·1024+96, out_proj 1056, fc1 fc2 2048.
  assert.equal(r.params, 2112 + 2112 + 4224 + 1056 + 3072 + 3168 + 1056 + 2048);
  // Attention products: 4 heads x N² x (8 + 8).
  assert.equal(r.macs, n * (10240 + 8192) + 4 * n * n * 16);
  assert.deepEqual(r.shape, [320, 320, 64]);
});

test('Ultralytics 8.4 C3k2 [c2, c3k, e, attn]: a boolean fourth argument is attn (Bottleneck + PSABlock), not groups', () => {
  const d = analyse(model([STEM64, '[-1, 1, C3k2, [64, False, 0.5, True]]']));
  assert.equal(d.diagnostics.filter((x) => x.severity === 'error').length, 0);
  // c = 32: cv1 64→64, cv2 96→64, Bottleneck 3x3 32→16→32, PSABlock with max(32 // 64, 1) = 1 head:
  // qkv 32→64, pe 3x3 depthwise, proj, ffn 32→64→32.
  const psa = 2176 + 352 + 1088 + 2176 + 2112;
  assert.equal(row(d, 1).params, 4224 + 6272 + 4640 + 4672 + psa);
});

test('SPPF [c2, k, n, shortcut] (8.4): n chained pools widen cv2; the shortcut adds the input', () => {
  const d = analyse(model([STEM64, '[-1, 1, SPPF, [64, 5, 2, True]]']));
  assert.equal(row(d, 1).params, 2112 + 96 * 64 + 128);
  const last = d.analysis.layers.filter((l) => l.layer.name.startsWith('model.1.')).at(-1)!;
  assert.equal(last.layer.name, 'model.1.add');
});

/** Four stride-2 Convs: the next row reads 40x40x64 (N = 1,600 positions). */
const TO_40 = [
  '[-1, 1, Conv, [32, 3, 2]]',
  '[-1, 1, Conv, [32, 3, 2]]',
  '[-1, 1, Conv, [32, 3, 2]]',
  '[-1, 1, Conv, [64, 3, 2]]',
];

test('A2C2f [64, True, 4] (YOLO12): two ABlocks of area attention (4 areas of 400 positions), 7x7 positional conv, MLP x2', () => {
  const r = row(analyse(model([...TO_40, '[-1, 1, A2C2f, [64, True, 4]]'])), 4);
  // c_ = 32, one head: qkv 32→96, pe 7x7 depthwise, proj, mlp 32→64→32 (each with BN).
  const block = 3264 + 1632 + 1088 + 2176 + 2112;
  assert.equal(r.params, 2112 + 4224 + 2 * block);
  // Attention within each area: 4 areas x 400² x (32 + 32), not 1,600² x 64.
  const blockMacs = 1600 * (3072 + 1568 + 1024 + 4096) + 4 * 400 * 400 * 64;
  assert.equal(r.macs, 1600 * (2048 + 4096) + 2 * blockMacs);
  assert.deepEqual(r.shape, [40, 40, 64]);
  const global = row(analyse(model([...TO_40, '[-1, 1, A2C2f, [64, True, 1]]'])), 4);
  assert.equal(global.macs - r.macs, 2 * (1600 * 1600 * 64 - 4 * 400 * 400 * 64));
});

test('A2C2f residual and mlp_ratio (parse_model appends True, 1.2 for the l and x scales); a2 False is a C3k', () => {
  // gamma (64 scales) and an MLP hidden width of int(32 x 1.2) = 38.
  const residual = row(analyse(model([...TO_40, '[-1, 1, A2C2f, [64, True, 4, True, 1.2]]'])), 4);
  assert.equal(residual.params, 2112 + 4224 + 2 * (3264 + 1632 + 1088 + 1292 + 1280) + 64);
  const scaled = 'nc: 80\nscales:\n  l: [1.0, 1.0, 512]';
  const l = row(analyzeSource(model([...TO_40, '[-1, 1, A2C2f, [64, True, 4]]'], scaled), 'yolo12l.yaml'), 4);
  assert.equal(l.params, residual.params);
  // a2 False: C3k(32, 32, 2): cv1, cv2 to 16, two 3x3 Bottlenecks (e = 1), cv3 back to 32.
  const c3k = 544 + 544 + 2 * (2 * (16 * 16 * 9 + 32)) + 1088;
  assert.equal(row(analyse(model([...TO_40, '[-1, 1, A2C2f, [64, False, -1]]'])), 4).params, 2112 + 4224 + c3k);
});

test('A2C2f whose hidden channels are not a multiple of 32: invalid-value, not costed', () => {
  assertInvalid(model([...TO_40, '[-1, 1, A2C2f, [48, True, 1]]']), '[48, True, 1]', /multiple of 32/);
});

test('Silence (the YOLOv9 repository first row) passes its input on: a later row may read it by index', () => {
  const d = analyse(model(['[-1, 1, Silence, []]', '[0, 1, Conv, [16, 3, 2]]']));
  assert.equal(d.analysis.complete, true);
  assert.deepEqual(row(d, 0), { params: 0, macs: 0, shape: [640, 640, 3] });
  assert.deepEqual(row(d, 1), { params: 3 * 16 * 9 + 32, macs: 320 * 320 * 16 * 27, shape: [320, 320, 16] });
});

test('DDetect and DualDDetect (the YOLOv9 repository heads): grouped box branch, class branch to max(ch, min(2 nc, 128)), a DFL per set', () => {
  // One level on 320x320x64: c2 = 64, c3 = 128. Box: Conv 3x3, Conv 3x3 (groups 4), Conv2d 1x1 (groups 4, bias) to 64.
  const box = 36992 + (64 * 16 * 9 + 128) + (64 * 16 + 64);
  const cls = 73984 + 147712 + (128 * 80 + 80);
  assert.equal(row(analyse(model([STEM64], 'nc: 80', ['[[0], 1, DDetect, [nc]]'])), 1).params, box + cls + 16);
  assert.equal(
    row(analyse(model([STEM64], 'nc: 80', ['[[0, 0], 1, DualDDetect, [nc]]'])), 1).params,
    2 * (box + cls + 16),
  );
  assertInvalid(model([STEM64], 'nc: 80', ['[[0, 0, 0], 1, DualDDetect, [nc]]']), '[nc]', /two sets of levels/);
});

test('YOLOv7-repository rows (top-level anchors): Conv with an activation module, MP, SP, SPPCSPC, RepConv, IDetect', () => {
  const v7 = (rows: string[], head = '[-1, 1, nn.Identity, []]') =>
    model([STEM64, ...rows], `nc: 2\ndepth_multiple: 1.0\nwidth_multiple: 1.0\n${V5_ANCHORS}`, [head]);
  // Conv(c1, c2, k, s, p, g, act): the sixth argument is the activation, evaluated by YOLOv7's parse_model.
  const leaky = analyse(v7(['[-1, 1, Conv, [16, 3, 2, None, 1, nn.LeakyReLU(0.1)]]']));
  assert.equal(leaky.analysis.layers.find((l) => l.layer.name === 'model.1.act')!.layer.opText, 'LeakyReLU');
  assert.equal(row(leaky, 1).params, 64 * 16 * 9 + 32);
  assert.deepEqual(row(analyse(v7(['[-1, 1, MP, []]'])), 1).shape, [160, 160, 64]);
  assert.deepEqual(row(analyse(v7(['[-1, 1, SP, [5]]'])), 1).shape, [320, 320, 64]);
  // SPPCSPC [64]: c_ = 64; cv1, cv3 3x3, cv4, pools, cv5 from 256, cv6 3x3, cv2, cv7 from 128.
  assert.equal(
    row(analyse(v7(['[-1, 1, SPPCSPC, [64]]'])), 1).params,
    4224 + 36992 + 4224 + 16512 + 36992 + 4224 + 8320,
  );
  // RepConv (training form): 3x3 + BN, 1x1 + BN, and an identity BN when c1 = c2 and the stride is 1.
  assert.equal(row(analyse(v7(['[-1, 1, RepConv, [64, 3, 1]]'])), 1).params, 36992 + 4224 + 128);
  assert.equal(row(analyse(v7(['[-1, 1, RepConv, [32, 3, 2]]'])), 1).params, 18496 + 2112);
  // IDetect: ImplicitA (input channels), the 1x1 conv to 3 x (2 + 5), ImplicitM (21 per level).
  const idetect = analyse(v5('[[0, 1], 1, IDetect, [nc, anchors]]'));
  assert.equal(row(idetect, 2).params, 16 + 32 + (357 + 693) + 2 * 21);
  assertInvalid(model([STEM64, '[-1, 1, RepConv, [64, 3, 1]]']), '64', /YOLOv7-repository files/);
});
