// The int8 and NPU targets (docs/latency.md, issue #14): channel counts round up to 16 on the
// int8 CPU core and to 32, with at least 32, on the Edge TPU, in the estimate and in
// channels-not-multiple-of-8; int8 counts one byte per element in memory figures; a profile
// file's minChannels is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { bandwidth, parseTargetProfile, targetProfile, type TargetProfile } from '../../server/src/core/targets';

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
