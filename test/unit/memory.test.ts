// Peak live activation memory (core/memory.ts, docs/counting.md#peak-activation-memory): the
// figures worked out by hand in the docs for MobileNet v1, residual connections that keep a
// tensor live, in-place and view layers that share a buffer, outputs that stay live to the end,
// the target's precision and batch, and a lower bound (never a guess) when a layer has no shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource, type EngineOptions } from '../../server/src/engine/analyzeSource';
import { buildReport } from '../../server/src/report/model';
import { reportExtras } from '../../server/src/report/extras';
import { renderReportBody } from '../../server/src/report/html';
import { textReport } from '../../server/src/cli/output/text';
import { makeFeatureDoc } from '../../server/src/lsp/features/context';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { layerHover, networkHover } from '../../server/src/lsp/features/hover';
import { parseConfig, configToEngineOptions } from '../../server/src/engine/config';
import { analysisOptions } from '../../server/src/cli/args';
import fc from 'fast-check';
import { printNet, validNet } from '../helpers/netgen';
import type { LayerResult } from '../../server/src/core/costs';
import type { Shape } from '../../server/src/core/ir';

const root = join(__dirname, '..', '..', '..');
const memory = (text: string, options: EngineOptions = {}) => analyzeSource(text, 'n.layers', options).analysis;

test('MobileNet v1 at 224, fp32: the peak is conv2 reading 112×112×32 and writing 112×112×64 (docs/counting.md)', () => {
  const a = memory(readFileSync(join(root, 'examples', 'mobilenet_v1.layers'), 'utf8'));
  const m = a.memory();
  // conv2_dw's output (BN and ReLU write into it in place) and conv2's output, nothing else.
  const dwOut = 112 * 112 * 32;
  const pwOut = 112 * 112 * 64;
  assert.equal(m.peakElements, dwOut + pwOut);
  assert.equal(m.peakElements, 1_204_224);
  assert.equal(m.peakBytes, 4 * 1_204_224);
  assert.equal(m.peakBytes, 4_816_896);
  assert.equal(a.layers[m.at]!.layer.name, 'conv2');
  assert.deepEqual(
    m.live.map((t) => [t.name, t.shape, t.bytes]),
    [
      ['conv2_dw', [112, 112, 32], 4 * dwOut],
      ['conv2', [112, 112, 64], 4 * pwOut],
    ],
  );
  assert.equal(m.complete, true);
  // Computed once per analysis, on first use.
  assert.equal(a.memory(), m);
  // The old figure, the sum of every layer's output, is far larger than what is live at once.
  assert.equal(a.totals.activations, 15_131_088);
  assert.ok(a.totals.activations > 12 * m.peakElements);
});

test('the target’s precision and batch: fp16 halves the bytes, a batch-64 target multiplies the elements', () => {
  const text = readFileSync(join(root, 'examples', 'mobilenet_v1.layers'), 'utf8');
  const b1 = memory(text, { target: 'h200-fp16-b1' }).memory();
  assert.deepEqual([b1.precision, b1.bytesPerElement, b1.batch, b1.peakBytes], ['fp16', 2, 1, 2 * 1_204_224]);
  const b64 = memory(text, { target: 'h200-fp16-b64' }).memory();
  assert.deepEqual([b64.batch, b64.peakBytes], [64, 2 * 64 * 1_204_224]);
  const cpu = memory(text, { target: 'xeon-1t' }).memory();
  assert.equal(cpu.peakBytes, 4 * 1_204_224);
});

test('a residual add keeps its shortcut operand live: worked by hand', () => {
  // input 256; a 512 (ReLU in place); b 512 (ReLU in place); the add writes 512 while a and b are live.
  const a = memory(`input 8x8x4\na: conv 8 3x3 | relu\nb: conv 8 3x3 | relu\nc: add a\n`);
  const m = a.memory();
  assert.equal(a.layers[m.at]!.layer.op.kind, 'merge');
  assert.equal(m.peakElements, 3 * 512);
  assert.deepEqual(
    m.live.map((t) => t.layer),
    [0, 2, 4],
  );
});

test('in place only where nothing else reads the buffer; views share it; concat copies', () => {
  // x has two readers: neither activation may overwrite it, so each writes a buffer of its own.
  const shared = memory(`input 4x4x8\nx: conv 8 1x1\nr: relu from=x\ns: sigmoid from=x\nc: concat r s\n`).memory();
  // While the concat runs: r, s (128 each) and its own 256; x was last read by s.
  assert.equal(shared.peakElements, 128 + 128 + 256);
  const alone = memory(`input 4x4x8\nx: conv 8 1x1 | relu | dropout | flatten\nf: fc 10\n`).memory();
  // The conv's buffer (128) is the relu's, the dropout's and the flatten's; the peak is the conv itself.
  assert.equal(alone.peakElements, 128 + 128);
  assert.equal(alone.live.length, 2);
  // softmax is not written in place.
  const soft = memory(`input 4x4x2\nx: conv 8 1x1 | softmax\n`).memory();
  assert.equal(soft.peakElements, 128 + 128);
  assert.equal(soft.at, 1);
});

test('a tensor no layer reads is an output: it stays live to the end', () => {
  // `head` (64) is never read: it is still live while the later, larger layers run.
  const m = memory(
    `input 4x4x8\nx: conv 8 1x1\nhead: conv 4 1x1 from=x\ny: conv 16 1x1 from=x\nz: conv 16 1x1\n`,
  ).memory();
  // At z: head 64, y 256, z 256 (x was last read by y).
  assert.equal(m.peakElements, 64 + 256 + 256);
  assert.deepEqual(
    m.live.map((t) => t.name),
    ['head', 'y', 'z'],
  );
});

test('a layer without a shape: the peak is a lower bound over the known buffers and names it', () => {
  const text = `layer {\n name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } }\n}\nlayer {\n name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 1 }\n}\nlayer {\n name: "odd" type: "Mystery" bottom: "c" top: "odd"\n}\n`;
  const a = analyzeSource(text, 'n.prototxt').analysis;
  const m = a.memory();
  assert.equal(m.complete, false);
  assert.deepEqual(m.unknown, ['odd']);
  assert.equal(m.peakElements, 8 * 8 * 3 + 8 * 8 * 4);
  assert.ok(Number.isFinite(m.peakBytes));
});

test('where it shows: JSON totals and where, the text report, the HTML totals, the network hover; the sum keeps its name', () => {
  const text = readFileSync(join(root, 'examples', 'mobilenet_v1.layers'), 'utf8');
  const doc = analyzeSource(text, 'm.layers', { target: 'h200-fp16-b1' });
  const r = buildReport(doc, 'm');
  assert.equal(r.totals.peakActivationBytes, 2 * 1_204_224);
  assert.equal(r.totals.activationBytes, 4 * 15_131_088);
  assert.deepEqual(
    { layer: r.peakActivation.layer, line: r.peakActivation.line, precision: r.peakActivation.precision },
    { layer: 'conv2', line: 10, precision: 'fp16' },
  );
  assert.deepEqual(
    r.peakActivation.live.map((t) => [t.name, t.line, t.bytes]),
    [
      ['conv2_dw', 9, 2 * 112 * 112 * 32],
      ['conv2', 10, 2 * 112 * 112 * 64],
    ],
  );
  const out = textReport(r);
  assert.match(out, /^Memory: +peak activations 2\.41MB at conv2 \(line 10\), fp16; all activations \(sum\) 60\.5MB/m);
  assert.match(out, /^Live at peak: conv2 112x112x64 1\.61MB, conv2_dw 112x112x32 802\.8KB$/m);
  const html = renderReportBody(r, reportExtras(doc), { mode: 'standalone' });
  assert.ok(html.includes(`data-total="peakActivationBytes" data-value="${2 * 1_204_224}"`));
  assert.ok(html.includes('Peak at conv2 (line 10)'));
  const hover = networkHover(makeFeatureDoc(doc, 'file:///m.layers', 1, DEFAULT_SETTINGS));
  assert.match(hover, /\| peak memory \| 2\.41MB fp16 at conv2 \(2 tensors live\) \|/);
  assert.match(hover, /\| activations \(sum\) \| 15,131,088 /);
});

test('an incomplete network says "at least" wherever the peak shows', () => {
  const text = `layer {\n name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } }\n}\nlayer {\n name: "odd" type: "Mystery" bottom: "data" top: "odd"\n}\n`;
  const doc = analyzeSource(text, 'n.prototxt');
  const r = buildReport(doc, 'n');
  assert.equal(r.peakActivation.complete, false);
  assert.match(textReport(r), /peak activations at least /);
  assert.match(
    networkHover(makeFeatureDoc(doc, 'file:///n.prototxt', 1, DEFAULT_SETTINGS)),
    /peak memory \| at least /,
  );
});

test('budget activations=…: over-budget with the peak and where, at the target’s precision; the command line and layerlint.json; bad values at their range', () => {
  const text = (budget: string) => `input 8x8x4\n${budget}\na: conv 8 3x3 | relu\nb: conv 8 3x3 | relu\nc: add a\n`;
  // The peak is 3 × 512 elements at the add: 6,144 bytes in fp32, 3,072 in fp16.
  const over = analyzeSource(text('budget activations=6KB'), 'n.layers');
  const d = over.diagnostics.find((x) => x.code === 'over-budget')!;
  assert.deepEqual(d.data, { kind: 'budget', metric: 'activations', limit: 6000, actual: 6144 });
  assert.match(
    d.message,
    /^Peak activation memory 6\.14KB \(6,144 bytes, fp32, at c\) is over the budget of 6\.00KB by 144B/,
  );
  assert.equal(over.text.slice(d.span.start, d.span.end), 'budget activations=6KB');
  const fp16 = analyzeSource(text('budget activations=6KB'), 'n.layers', { target: 'h200-fp16-b1' });
  assert.equal(fp16.diagnostics.filter((x) => x.code === 'over-budget').length, 0);
  const cli = analysisOptions({ 'max-activations': '3000B' }, { out: () => {}, err: () => {} } as never);
  assert.deepEqual(cli.budget, { activationBytes: 3000 });
  const byCli = analyzeSource(text('budget activations=6KB'), 'n.layers', {
    target: 'h200-fp16-b1',
    budget: cli.budget,
  });
  assert.equal(byCli.diagnostics.find((x) => x.code === 'over-budget')?.data?.kind, 'budget');
  const config = parseConfig({ budget: { activations: '6KB' } });
  assert.deepEqual(config.errors, []);
  const byConfig = analyzeSource(text(''), 'n.layers', configToEngineOptions(config.config));
  assert.equal(byConfig.diagnostics.filter((x) => x.code === 'over-budget').length, 1);
  assert.equal(parseConfig({ budget: { activations: '6K' } }).errors.length, 1);
  assert.throws(() => analysisOptions({ 'max-activations': 'lots' }, { out: () => {}, err: () => {} } as never));
  for (const v of ['6', '6K', '0B', '1.5B', '-1MB']) {
    const bad = analyzeSource(text(`budget activations=${v}`), 'n.layers');
    const e = bad.diagnostics.find((x) => x.code === 'invalid-value')!;
    assert.equal(bad.text.slice(e.span.start, e.span.end), v, v);
  }
  const r = buildReport(over, 'n');
  assert.equal(r.budget?.activationBytes, 6000);
  assert.match(textReport(r), /^Budget: +peak activations 6\.00KB$/m);
});

/**
 * The peak straight from the convention in docs/counting.md, step by step and buffer by buffer
 * (quadratic, no difference array): a reference for the one-pass computation.
 */
function referencePeak(layers: readonly LayerResult[], input: Shape): { elements: number; at: number } {
  const n = layers.length;
  const size = (s: Shape) => s[0] * s[1] * s[2];
  const readers: number[][] = layers.map(() => []);
  for (const l of layers) for (const j of l.layer.inputs) if (j >= 0) readers[j]!.push(l.layer.index);
  // The tensors of each buffer (by the layer that wrote it; -1: the network input).
  const bufferOf: number[] = [];
  const members = new Map<number, number[]>([[-1, []]]);
  for (const l of layers) {
    const i = l.layer.index;
    const j = l.layer.inputs[0]!;
    const kind = l.layer.op.kind;
    const same = l.layer.inputs.length === 1 && !!l.output && !!l.inputs && size(l.output) === size(l.inputs[0]!);
    const from = j < 0 ? -1 : bufferOf[j]!;
    const view = same && ['flatten', 'view', 'reshape', 'identity', 'dropout'].includes(kind);
    const inPlaceOp = kind === 'bn' || kind === 'scale' || (kind === 'act' && l.layer.op.fn !== 'softmax');
    // Nobody but i reads any tensor of the buffer, and each of them has one reader at most.
    const alone =
      j >= 0 &&
      members
        .get(from)!
        .every((t) => readers[t]!.length <= 1 && readers[t]!.every((r) => r === i || members.get(from)!.includes(r)));
    const b = view || (same && inPlaceOp && alone) ? from : i;
    bufferOf[i] = b;
    if (!members.has(b)) members.set(b, []);
    members.get(b)!.push(i);
  }
  const inputReaders = layers.filter((l) => l.layer.inputs.includes(-1)).map((l) => l.layer.index);
  let best = -1;
  let at = -1;
  for (let step = 0; step < n; step++) {
    let live = 0;
    for (const [b, tensors] of members) {
      const first = Math.max(b, 0);
      const reads = (b < 0 ? inputReaders : []).concat(...tensors.map((t) => readers[t]!));
      const output = tensors.some((t) => readers[t]!.length === 0);
      const last = output ? n - 1 : Math.max(-1, ...reads);
      const elements = b < 0 ? size(input) : layers[b]!.output ? size(layers[b]!.output!) : 0;
      if (first <= step && step <= last) live += elements;
    }
    if (live > best) {
      best = live;
      at = step;
    }
  }
  return { elements: best, at };
}

test('on generated networks the one-pass peak equals the step-by-step reference, and the live tensors add up to it', () => {
  fc.assert(
    fc.property(validNet, (spec) => {
      const { analysis } = analyzeSource(printNet(spec), 'gen.layers');
      if (!analysis.input || !analysis.complete || !analysis.layers.length) return;
      const m = analysis.memory();
      const batch = analysis.graph.input.batch;
      const ref = referencePeak(analysis.layers, analysis.input);
      assert.equal(m.peakElements, ref.elements * batch);
      assert.equal(m.at, ref.at);
      assert.equal(
        m.live.reduce((a, t) => a + t.elements, 0),
        m.peakElements,
      );
      assert.equal(m.peakBytes, 4 * m.peakElements);
      assert.ok(Number.isSafeInteger(m.peakBytes));
    }),
    { seed: 20240611, numRuns: Number(process.env.PROPS_RUNS ?? 60) },
  );
});

test('layer hover: the activation memory live while the layer runs, the peak marked', () => {
  const text = readFileSync(join(root, 'examples', 'mobilenet_v1.layers'), 'utf8');
  const doc = makeFeatureDoc(analyzeSource(text, 'm.layers'), 'file:///m.layers', 1, DEFAULT_SETTINGS);
  const layer = (name: string) => doc.analysis.layers.find((l) => l.layer.name === name)!;
  assert.match(layerHover(doc, layer('conv2')), / · live while it runs 4\.82MB fp32 \(the peak\)$/m);
  // conv3_dw reads conv2's 112×112×64 and writes 56×56×64: 1,003,520 elements.
  assert.match(layerHover(doc, layer('conv3_dw')), / · live while it runs 4\.01MB fp32$/m);
  assert.equal(doc.analysis.memory().liveElements[layer('conv3_dw').layer.index], 802_816 + 200_704);
});
