// Darknet sections as darknet computes them, one small network per rule: [shortcut] between
// different channel counts and sizes, multi-input and weighted; [reorg]/[reorg3d]; [crop];
// dilated and shared (share_index) convs; XNOR convs; [connected] outside darknet's BFLOPS;
// an unknown section inside a real network, after which no figure reads as exact; and the
// PyTorch export of the new ops. Figures are worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { conventionTotals } from '../../server/src/core/conventions';
import { buildReport } from '../../server/src/report/model';
import { exportPyTorch } from '../../server/src/export/pytorch';
import type { DarknetParsed } from '../../server/src/formats/darknet';
import { applyEdits } from '../../server/src/formats/types';

const net = (h: number, w: number, c: number, sections: string) =>
  `[net]\nheight=${h}\nwidth=${w}\nchannels=${c}\n\n${sections}`;
const conv = (filters: number, size: number, extra = '') =>
  `[convolutional]\nfilters=${filters}\nsize=${size}\npad=${size > 1 ? 1 : 0}\nactivation=linear\n${extra}\n`;
const analyze = (text: string) => analyzeSource(text, 'n.cfg');
/** The IR layer holding each darknet section's output. */
const sectionLayers = (d: DocumentAnalysis) =>
  (d.parsed as DarknetParsed).outputs.map((i) => (i === undefined ? undefined : d.analysis.layers[i]));
const shapes = (d: DocumentAnalysis) => sectionLayers(d).map((l) => l?.output ?? null);
const errorCodes = (d: DocumentAnalysis) => d.diagnostics.filter((x) => x.severity === 'error').map((x) => x.code);
const bflops = (d: DocumentAnalysis) => conventionTotals('darknet', d.analysis).display;

test('[shortcut] from a layer with fewer channels: previous shape kept, the first min(C) channels added', () => {
  // conv 3→8 3x3 on 1000x1000: 2·1e6·8·27 = 0.432 BF; conv 8→16 1x1: 2·1e6·16·8 = 0.256 BF;
  // shortcut: 1e6·16 output elements x 1 from layer = 0.016 BF. Total 0.704.
  const d = analyze(net(1000, 1000, 3, `${conv(8, 3)}${conv(16, 1)}[shortcut]\nfrom=-2\n`));
  assert.deepEqual(errorCodes(d), []);
  assert.equal(d.analysis.complete, true);
  const shortcut = sectionLayers(d)[2]!;
  assert.equal(shortcut.layer.op.kind, 'shortcut');
  assert.deepEqual(shortcut.output, [1000, 1000, 16]);
  assert.equal(shortcut.otherOps, 8_000_000); // 8 channels of the from layer added
  assert.equal(shortcut.params, 0);
  assert.equal(bflops(d), 'Total BFLOPS 0.704');
});

test("[shortcut] from a layer with more channels adds only the previous layer's channel count", () => {
  const d = analyze(net(100, 100, 3, `${conv(16, 3)}${conv(4, 1)}[shortcut]\nfrom=-2\n`));
  assert.deepEqual(shapes(d)[2], [100, 100, 4]);
  assert.equal(sectionLayers(d)[2]!.otherOps, 100 * 100 * 4);
});

test('[shortcut] from=-2,-3: every from layer added, BFLOPS count each', () => {
  // 0.432 + 2 x 0.128 (8→8 1x1) + 1e6·8·2 = 0.016 → 0.704
  const d = analyze(net(1000, 1000, 3, `${conv(8, 3)}${conv(8, 1)}${conv(8, 1)}[shortcut]\nfrom=-2,-3\n`));
  const p = d.parsed as DarknetParsed;
  const shortcut = sectionLayers(d)[3]!;
  assert.deepEqual(shortcut.layer.inputs, [p.outputs[2], p.outputs[1], p.outputs[0]]);
  assert.equal(shortcut.otherOps, 2 * 8_000_000);
  assert.equal(bflops(d), 'Total BFLOPS 0.704');
});

test("[shortcut] weights_type: learned weights are parameters and double darknet's BFLOPS", () => {
  const base = `${conv(8, 3)}${conv(16, 1)}[shortcut]\nfrom=-2\n`;
  const perChannel = analyze(net(1000, 1000, 3, `${base}weights_type=per_channel\nweights_normalization=softmax\n`));
  assert.deepEqual(errorCodes(perChannel), []);
  const s = sectionLayers(perChannel)[2]!;
  assert.equal(s.params, 2 * 16); // (n + 1) x C
  assert.equal(s.otherOps, 2 * 8_000_000 + 16_000_000); // adds and multiplies
  assert.equal(bflops(perChannel), 'Total BFLOPS 0.720'); // 0.432 + 0.256 + 2 x 0.016
  const perFeature = analyze(net(1000, 1000, 3, `${base}weights_type=per_feature\n`));
  assert.equal(sectionLayers(perFeature)[2]!.params, 2);
  // darknet exits on an unknown weights_type; here the section has no output, so nor does what follows.
  const bad = analyze(net(8, 8, 3, `${base}weights_type=per_pixel\n\n${conv(8, 1)}`));
  assert.deepEqual(errorCodes(bad).slice(0, 1), ['invalid-value']);
  assert.deepEqual(shapes(bad).slice(2), [null, null]);
  assert.equal(bad.analysis.complete, false);
});

test("[shortcut] across a downsample (ResNet-50): darknet's flat-index sum, no mismatch", () => {
  const stride2 = `[convolutional]\nfilters=16\nsize=3\nstride=2\npad=1\nactivation=linear\n\n`;
  const d = analyze(net(1000, 1000, 3, `${conv(8, 3)}${stride2}[shortcut]\nfrom=-2\n`));
  assert.deepEqual(errorCodes(d), []);
  assert.deepEqual(shapes(d)[2], [500, 500, 16]);
  assert.equal(sectionLayers(d)[2]!.otherOps, 500 * 500 * 16); // min(4e6, 8e6) elements added
});

test('a section that fails (bad from=) leaves the analysis incomplete, even as the last section', () => {
  const d = analyze(net(1000, 1000, 3, `${conv(8, 3)}${conv(16, 1)}[shortcut]\nfrom=-9\n`));
  assert.deepEqual(errorCodes(d), ['unknown-name']);
  assert.equal(d.analysis.complete, false);
  assert.match(bflops(d), /^at least Total BFLOPS 0\.688 /); // the shortcut's 0.016 is missing
});

test('[reorg3d] and [reorg]: space to depth and back; sizes that do not divide are an error', () => {
  const d = analyze(
    net(26, 26, 64, '[reorg3d]\nstride=2\n\n[reorg]\nstride=2\nreverse=1\n\n[reorg]\nstride=4\nreverse=1\n'),
  );
  assert.deepEqual(errorCodes(d), []);
  assert.deepEqual(shapes(d), [
    [13, 13, 256],
    [26, 26, 64],
    [104, 104, 4],
  ]);
  assert.equal(d.analysis.totals.otherOps + d.analysis.totals.macs, 0);
  const odd = analyze(net(27, 27, 64, `[reorg]\nstride=2\n\n${conv(8, 1)}`));
  assert.deepEqual(errorCodes(odd).slice(0, 1), ['shape-mismatch']);
  assert.deepEqual(shapes(odd), [null, null]);
});

test('[crop]: the crop_height x crop_width window; larger than the input is an error', () => {
  const d = analyze(net(32, 32, 3, `[crop]\ncrop_height=28\ncrop_width=24\nflip=1\n\n${conv(8, 3)}`));
  assert.deepEqual(errorCodes(d), []);
  assert.deepEqual(shapes(d), [
    [28, 24, 3],
    [28, 24, 8],
  ]);
  const big = analyze(net(32, 32, 3, '[crop]\ncrop_height=40\ncrop_width=24\n'));
  assert.deepEqual(errorCodes(big).slice(0, 1), ['shape-mismatch']);
});

test("dilation: darknet sizes the output as if undilated; the MACs are the kernel's", () => {
  // (in + 2·padding − size)/stride + 1 whatever the dilation.
  const sizes = (extra: string) =>
    shapes(analyze(net(100, 100, 8, `[convolutional]\nfilters=8\nsize=3\nactivation=linear\n${extra}\n`)))[0];
  assert.deepEqual(sizes('pad=1\ndilation=2'), [100, 100, 8]);
  assert.deepEqual(sizes('padding=0\ndilation=2'), [98, 98, 8]);
  assert.deepEqual(sizes('pad=1\nstride=2\ndilation=3'), [50, 50, 8]);
  const d = analyze(net(100, 100, 8, `${conv(8, 3, 'dilation=3')}`));
  assert.equal(d.analysis.totals.macs, 100 * 100 * 8 * 8 * 9);
  const even = shapes(analyze(net(100, 100, 8, '[convolutional]\nfilters=8\nsize=4\npadding=1\ndilation=2\n')))[0];
  assert.deepEqual(even, [99, 99, 8]); // (100 + 2 − 4)/1 + 1
});

test('share_index: the weights and BN of an earlier conv, so no parameters of its own', () => {
  const bnConv = conv(8, 3, 'batch_normalize=1');
  const d = analyze(net(16, 16, 8, `${bnConv}${bnConv}share_index=-1\n${bnConv}share_index=0\n`));
  assert.deepEqual(errorCodes(d), []);
  // One conv's weights (3·3·8·8 = 576) and BN (2·8), counted once.
  assert.equal(d.analysis.totals.params, 576 + 16);
  assert.equal(d.analysis.totals.macs, 3 * 16 * 16 * 8 * 8 * 9);
  const forward = analyze(net(16, 16, 8, `${bnConv}share_index=3\n`));
  assert.deepEqual(errorCodes(forward), ['forward-reference']);
  const notConv = analyze(net(16, 16, 8, `[maxpool]\nsize=2\nstride=1\n\n${bnConv}share_index=0\n`));
  assert.deepEqual(errorCodes(notConv), ['invalid-value']);
});

test('rules: a [shortcut] is a residual for plain-deep-stack; shared and XNOR convs are not separable candidates', () => {
  const stack = conv(8, 3).repeat(12);
  const codes = (text: string) => analyze(text).diagnostics.map((x) => x.code);
  assert.ok(codes(net(16, 16, 8, stack)).includes('plain-deep-stack'));
  assert.ok(!codes(net(16, 16, 8, `${stack}[shortcut]\nfrom=-3\n`)).includes('plain-deep-stack'));
  const separable = (extra: string) =>
    analyze(net(16, 16, 8, `${conv(8, 3)}${conv(8, 3, extra)}`)).diagnostics.filter((x) => x.code === 'separable-conv')
      .length;
  assert.equal(separable(''), 2);
  assert.equal(separable('share_index=0'), 1);
  assert.equal(separable('xnor=1'), 1);
});

test('separable fix: share_index is renumbered; shared, shared-from and XNOR convs are not split', () => {
  const text = net(16, 16, 8, `${conv(8, 3)}${conv(8, 3)}${conv(8, 3, 'share_index=1')}${conv(8, 3, 'xnor=1')}`);
  const d = analyze(text);
  const layerOf = (i: number) => sectionLayers(d)[i]!.layer.index;
  const split = (i: number) => d.frontEnd.separableEdits(d.parsed, d.analysis, layerOf(i), d.text);
  assert.equal(split(1), undefined); // its weights are shared by section 2
  assert.equal(split(2), undefined); // shares section 1's weights
  assert.equal(split(3), undefined); // XNOR
  const fixed = applyEdits(text, split(0)!);
  assert.match(fixed, /share_index=2\n/);
  const f = analyze(fixed);
  assert.deepEqual(errorCodes(f), []);
  assert.deepEqual(shapes(f).slice(1), shapes(d));
});

test("xnor=1: groups forced to 1, full MACs for LayerLint, darknet's BFLOPS / 32", () => {
  // 2·1e6·8·8·9 = 1.152 BF / 32 = 0.036
  const d = analyze(net(1000, 1000, 8, conv(8, 3, 'xnor=1\ngroups=2')));
  const layer = d.analysis.layers[0]!.layer;
  assert.equal(layer.op.kind === 'conv' && layer.op.groups, 1);
  assert.equal(d.analysis.totals.macs, 576_000_000);
  assert.equal(bflops(d), 'Total BFLOPS 0.036');
});

test("[connected] is counted by LayerLint but not by darknet's BFLOPS", () => {
  const d = analyze(net(10, 10, 10, '[connected]\noutput=1000\nactivation=leaky\n'));
  assert.equal(d.analysis.totals.macs, 1_000_000);
  assert.equal(bflops(d), 'Total BFLOPS 0.000');
});

test('an unknown section inside yolov3.cfg: everything after it has no figure and nothing reads as exact', () => {
  const text = readFileSync('test/data/corpus/AlexeyAB__darknet__yolov3.cfg', 'utf8');
  const full = analyzeSource(text, 'yolov3.cfg');
  // The 20th [convolutional] becomes a section LayerLint does not know (numbering unchanged).
  let n = 0;
  const broken = text.replace(/^\[convolutional\]$/gm, (m) => (++n === 20 ? '[frobnicate]' : m));
  const d = analyzeSource(broken, 'yolov3.cfg');
  const at = d.analysis.layers.findIndex((l) => l.layer.op.kind === 'unknown');
  assert.ok(at > 0);
  for (const l of d.analysis.layers.slice(0, at))
    assert.deepEqual(
      [l.output, l.macs, l.params],
      [
        full.analysis.layers[l.layer.index]!.output,
        full.analysis.layers[l.layer.index]!.macs,
        full.analysis.layers[l.layer.index]!.params,
      ],
    );
  for (const l of d.analysis.layers.slice(at)) {
    assert.equal(l.output, null, l.layer.name);
    assert.equal(l.macs + l.params + l.otherOps, 0, l.layer.name);
  }
  assert.equal(d.analysis.complete, false);
  assert.ok(d.diagnostics.some((x) => x.code === 'incomplete-analysis' && x.severity === 'error'));
  const totals = conventionTotals('darknet', d.analysis);
  assert.equal(totals.complete, false);
  assert.match(totals.display, /^at least Total BFLOPS \d+\.\d{3} \(incomplete/);
  const report = buildReport(d, 'yolov3.cfg');
  assert.equal(report.complete, false);
  assert.deepEqual(
    report.missing.map((m) => m.name),
    [d.analysis.layers[at]!.layer.name],
  );
});

test('PyTorch export: shortcut, reorg and crop become modules with the same shapes and parameters', () => {
  const text = net(
    32,
    32,
    3,
    `[crop]\ncrop_height=28\ncrop_width=28\n\n${conv(8, 3)}${conv(16, 1)}[shortcut]\nfrom=-2\nweights_type=per_channel\n\n[reorg3d]\nstride=2\n\n[reorg]\nstride=2\nreverse=1\n`,
  );
  const { source, problems } = exportPyTorch(analyze(text).analysis);
  assert.deepEqual(problems, []);
  assert.match(source, /y\[0\] = x\[:, :, 2:30, 2:30\]/);
  assert.match(source, /self\.l3 = DarknetShortcut\(2, 16, "per_channel"\)/);
  assert.match(source, /y\[3\] = self\.l3\(y\[2\], y\[1\]\)/);
  assert.match(source, /class DarknetShortcut\(nn\.Module\)/);
  assert.match(source, /F\.pixel_unshuffle\(y\[3\], 2\)/);
  assert.match(source, /F\.pixel_shuffle\(y\[4\], 2\)/);
});

test('layer names stay unique when a section type ends in a digit or contains a slash', () => {
  // [conv1] at index 2 is named conv1 + 2 = conv12, like the [convolutional] at index 12 would be.
  const plain = `${conv(8, 1)}`;
  const sections = `${plain.repeat(2)}[conv1]\n\n${plain.repeat(9)}${conv(8, 1)}[a/b]\n\n[a]\n\n`;
  const names = analyze(net(8, 8, 8, sections)).analysis.layers.map((l) => l.layer.name);
  assert.equal(new Set(names).size, names.length);
  assert.equal(names[2], 'conv12');
  assert.ok(names.includes('conv12_2'));
  assert.deepEqual(names.slice(-2), ['a/b13', 'a14']);
});
