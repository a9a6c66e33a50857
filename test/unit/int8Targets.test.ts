// The int8 and NPU targets (docs/latency.md, issue #14): channel counts round up to 16 on the
// int8 CPU core and to 32, with at least 32, on the Edge TPU, in the estimate and in
// channels-not-multiple-of-8; int8 counts one byte per element in memory figures; a profile
// file's minChannels is checked; weights past an accelerator's parameter memory stream from the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { bandwidth, parseTargetProfile, targetProfile, type TargetProfile } from '../../server/src/core/targets';
import { makeFeatureDoc } from '../../server/src/lsp/features/context';
import { hover } from '../../server/src/lsp/features/hover';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';

const profile = (id: string) => targetProfile(id) as TargetProfile;
const analyse = (text: string, target?: string) => analyzeSource(text, 'n.layers', target ? { target } : {});
const alignment = (text: string, target?: string) =>
  analyse(text, target).diagnostics.filter((d) => d.code === 'channels-not-multiple-of-8');

test('edgetpu-int8: 16 output channels cost as 32 (the minimum) and are reported; 48 run as 64; 64 are silent', () => {
  const t = profile('edgetpu-int8');
  const doc = analyse('input 16x16x32\nc: conv 16 1x1\n', t.id);
  const c = doc.analysis.layers[0]!;
  const bytes = 16 * 16 * 32 + 16 * 16 * 16 + c.params;
  const expected = Math.max((c.macs * 32) / 16 / t.rates.pointwise, bytes / bandwidth(t, bytes)) + t.kernelMs;
  assert.equal(doc.analysis.latency()!.layers[0]!.ms, expected);
  const below = alignment('input 16x16x32\nc: conv 16 1x1\n', t.id);
  assert.equal(below.length, 1);
  assert.match(
    below[0]!.message,
    /16 output channels is below 32, the fewest channels edgetpu-int8 runs a kernel with: it runs as 32/,
  );
  assert.match(alignment('input 16x16x32\nc: conv 48 1x1\n', t.id)[0]!.message, /not a multiple of 32.*runs as 64/);
  assert.equal(alignment('input 16x16x32\nc: conv 64 1x1\n', t.id).length, 0);
  // Without a target 16 channels are a multiple of 8: nothing to report.
  assert.equal(alignment('input 16x16x32\nc: conv 16 1x1\n').length, 0);
});

test('edgetpu-int8: a depthwise conv over 16 channels costs as 32 channels', () => {
  const t = profile('edgetpu-int8');
  const doc = analyse('input 16x16x16\nd: dwconv 3x3\n', t.id);
  const d = doc.analysis.layers[0]!;
  const bytes = 2 * 16 * 16 * 16 + d.params;
  const expected = Math.max((d.macs * 2) / t.rates.depthwise, bytes / bandwidth(t, bytes)) + t.kernelMs;
  assert.equal(doc.analysis.latency()!.layers[0]!.ms, expected);
});

test('phone-big-core-int8: channels in multiples of 16 (24 runs as 32, 16 is silent), where fp32 NEON takes 4', () => {
  const t = 'phone-big-core-int8';
  assert.match(
    alignment('input 16x16x16\nc: conv 24 3x3\n', t)[0]!.message,
    /not a multiple of 16, the channel granularity of phone-big-core-int8: it runs as 32/,
  );
  assert.equal(alignment('input 16x16x16\nc: conv 16 3x3\n', t).length, 0);
  assert.equal(alignment('input 16x16x16\nc: conv 24 3x3\n', 'phone-big-core').length, 0);
});

test('int8 targets count one byte per element: peak activation memory is a quarter of fp32 and budgets compare with it', () => {
  const text = 'input 32x32x16\nc: conv 32 3x3\nd: conv 32 3x3\n';
  const fp32 = analyse(text).analysis.memory().peakBytes;
  for (const id of ['phone-big-core-int8', 'edgetpu-int8']) {
    const m = analyse(text, id).analysis.memory();
    assert.equal(m.bytesPerElement, 1, id);
    assert.equal(m.peakBytes * 4, fp32, id);
  }
  const budget = `budget activations=${fp32 / 2}B\n${text}`;
  assert.ok(analyse(budget).diagnostics.some((d) => d.code === 'over-budget'));
  assert.ok(!analyse(budget, 'edgetpu-int8').diagnostics.some((d) => d.code === 'over-budget'));
});

test('a profile file’s minChannels: a whole multiple of channelGranularity, kept through JSON', () => {
  const base = { ...profile('edgetpu-int8'), id: 'my-npu' };
  assert.deepEqual(parseTargetProfile(JSON.parse(JSON.stringify(base))).profile, base);
  assert.deepEqual(parseTargetProfile({ ...base, minChannels: 48.5 }).errors, [
    'minChannels: expected a positive whole number of channels',
  ]);
  assert.deepEqual(parseTargetProfile({ ...base, minChannels: 40 }).errors, [
    'minChannels: expected a multiple of channelGranularity',
  ]);
  const { minChannels: _, ...without } = base;
  assert.equal(parseTargetProfile(without).profile!.minChannels, undefined);
});

test('paramCacheBytes: weights fill the parameter memory in the order layers run; the rest stream from the host', () => {
  // a: 10 × 50 + 50 = 550 weights; b: 50 × 20 + 20 = 1,020; c: 20 × 5 + 5 = 105. At 1 byte each
  // in 1,000 bytes: a fits, 450 of b's fit and 570 stream, all of c streams.
  const npu: TargetProfile = { ...profile('edgetpu-int8'), id: 'npu', paramCacheBytes: 1000 };
  const text = 'input 1x1x10\na: fc 50\nb: fc 20\nc: fc 5\n';
  const run = (p: TargetProfile) =>
    analyzeSource(text, 'n.layers', { profiles: [p], target: 'npu' }).analysis.latency()!;
  const est = run(npu);
  const kernel = (i: number) => {
    const k = est.layers[i];
    assert.ok(k?.runs === 'kernel');
    return k;
  };
  assert.equal(kernel(0).streamed, undefined);
  assert.deepEqual(kernel(1).streamed, { bytes: 570, ms: 570 / npu.bytesPerMs });
  assert.deepEqual(kernel(2).streamed, { bytes: 105, ms: 105 / npu.bytesPerMs });
  // Streamed weights leave the working set and add their transfer after the roofline.
  const { paramCacheBytes: _, ...unbounded } = npu;
  const all = run(unbounded);
  const b = all.layers[1]!;
  assert.ok(b.runs === 'kernel');
  assert.equal(b.streamed, undefined);
  assert.equal(kernel(1).bytes, b.bytes - 570);
  assert.ok(
    Math.abs(kernel(1).ms - (Math.max(kernel(1).computeMs, kernel(1).memoryMs) + npu.kernelMs + 570 / npu.bytesPerMs)) <
      1e-12,
  );
  assert.ok(est.totalMs > all.totalMs);
  // Checked in a profile file.
  assert.deepEqual(parseTargetProfile({ ...npu, paramCacheBytes: 0.5 }).errors, [
    'paramCacheBytes: expected a positive whole number of bytes',
  ]);
  assert.equal(parseTargetProfile(JSON.parse(JSON.stringify(npu))).profile!.paramCacheBytes, 1000);
});

test('edgetpu-int8: a network whose weights exceed the 8 MB streams the rest, and the hover says how much', () => {
  // 3,000 × 3,000 weights (9 MB at int8) in one fc: 8,388,608 bytes fit, the rest streams.
  const text = 'target edgetpu-int8\ninput 1x1x3000\na: fc 3000 bias=false\n';
  const est = analyse(text).analysis.latency()!;
  const k = est.layers[0]!;
  assert.ok(k.runs === 'kernel');
  assert.equal(k.streamed!.bytes, 9_000_000 - 8_388_608);
  assert.equal(k.dominant, 'memory');
  const doc = makeFeatureDoc(analyse(text), 'file:///n.layers', 1, DEFAULT_SETTINGS);
  const md = (hover(doc, { line: 2, character: 4 })!.contents as { value: string }).value;
  assert.match(md, /\+ overhead \+ streamed weights \/ host bandwidth/);
  assert.match(md, /\+ 0\.0300 ms \+ 611\.4KB \/ 500\.0KB\/ms/);
  assert.match(md, /611\.4KB of its weights do not fit `edgetpu-int8`'s 8\.39MB of parameter memory/);
});

test('weights-streamed: once per network, with the bytes, the first layer and the share; silent when the weights fit', () => {
  const text =
    'target edgetpu-int8\ninput 1x1x3000\na: fc 1000 bias=false\nb: fc 3000 bias=false\nc: fc 3000 bias=false\n';
  const doc = analyse(text);
  const found = doc.diagnostics.filter((d) => d.code === 'weights-streamed');
  assert.equal(found.length, 1);
  const est = doc.analysis.latency()!;
  // a (3 MB) and b (3 MB) fit the 8,388,608 bytes; 2,388,608 of c's 9 MB fit, the rest streams.
  const streamed = 9_000_000 - 2_388_608;
  assert.deepEqual(found[0]!.data, {
    kind: 'streamed',
    target: 'edgetpu-int8',
    bytes: streamed,
    ms: streamed / profile('edgetpu-int8').bytesPerMs,
    share: streamed / profile('edgetpu-int8').bytesPerMs / est.totalMs,
    layers: 1,
    first: 2,
  });
  assert.match(
    found[0]!.message,
    /6\.61MB of weights do not fit its 8\.39MB of parameter memory .* 1 layer from c on, ~13\.2 ms/,
  );
  // The streamed layer is not reported as moving activations.
  assert.ok(!doc.diagnostics.some((d) => d.code === 'activation-heavy'));
  // Weights that fit, or a target without a parameter memory: nothing.
  assert.ok(
    !analyse(text.replace('c: fc 3000 bias=false\n', '')).diagnostics.some((d) => d.code === 'weights-streamed'),
  );
  assert.ok(!analyse(text, 'xeon-1t').diagnostics.some((d) => d.code === 'weights-streamed'));
});
