// The memory-access rules (docs/rules.md): unbalanced-pointwise (ShuffleNet v2 G1) and
// heavy-group-conv (G2) with their memory access costs worked by hand, activation-heavy
// (RegNet) from the target's roofline; each fires where it should and stays silent elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource, type EngineOptions } from '../../server/src/engine/analyzeSource';
import { targetProfile } from '../../server/src/core/targets';

const root = join(__dirname, '..', '..', '..');
const findings = (text: string, code: string, options: EngineOptions = {}) =>
  analyzeSource(text, 'n.layers', options).diagnostics.filter((d) => d.code === code);

test('unbalanced-pointwise: a 1:6 expansion on 56x56, its memory access cost and the balanced bound worked by hand', () => {
  const [d, ...rest] = findings(`input 56x56x24\ne: conv 144 1x1\n`, 'unbalanced-pointwise');
  assert.equal(rest.length, 0);
  // hw = 3136; B = 3136 · 24 · 144; MAC = 3136 · (24 + 144) + 24 · 144.
  const macs = 10_838_016;
  const mac = 526_848 + 3_456;
  // Bound 2√(hw·B) + B/hw = 2 · 56 · √(24 · 144 · 3136)... = MAC − hw(√24 − √144)².
  const bound = Math.round(mac - 3136 * (Math.sqrt(24) - 12) ** 2);
  assert.equal(bound, Math.round(2 * Math.sqrt(3136 * macs) + macs / 3136));
  assert.deepEqual(d!.data, { kind: 'memory-access', layer: 0, macs, mac, lowerMac: bound, bytesPerElement: 4 });
  assert.equal(bound, 372_173);
  assert.match(
    d!.message,
    /^e: 1x1 conv from 24 to 144 channels \(1:6\) on 56x56: memory access 530,304 elements \(2\.12MB fp32\) for 10,838,016 MACs per image; with equal channel counts \(√\(24·144\) ≈ 59\) the same MACs need 372,173 \(1\.49MB\), 30% less/,
  );
  // The reduce direction too, and bytes at the target's precision.
  const fp16 = findings(`input 56x56x144\nr: conv 24 1x1\n`, 'unbalanced-pointwise', { target: 'h200-fp16-b1' });
  assert.equal(fp16.length, 1);
  assert.equal(fp16[0]!.data?.kind === 'memory-access' && fp16[0]!.data.bytesPerElement, 2);
  assert.match(fp16[0]!.message, /\(1\.06MB fp16\)/);
});

test('unbalanced-pointwise is silent on ResNet’s 1:4, on a 1x1 map (weights dominate), on KxK, strided, grouped and fixed convs', () => {
  for (const text of [
    `input 56x56x64\nc: conv 256 1x1\n`,
    `input 1x1x64\nc: conv 1000 1x1\n`,
    `input 56x56x24\nc: conv 144 3x3\n`,
    `input 56x56x24\nc: conv 144 1x1 stride=2\n`,
    `input 56x56x24\nc: conv 144 1x1 groups=2\n`,
    `input 56x56x24\nc: conv 144 1x1 fixed=true\n`,
  ])
    assert.equal(findings(text, 'unbalanced-pointwise').length, 0, text);
  assert.equal(
    findings(readFileSync(join(root, 'examples', 'resnet18.layers'), 'utf8'), 'unbalanced-pointwise').length,
    0,
  );
});

test('heavy-group-conv: ResNeXt’s 32 groups of 4 channels, against the ungrouped conv with the same MACs, worked by hand', () => {
  const [d, ...rest] = findings(`input 56x56x128\ng: conv 128 3x3 groups=32\n`, 'heavy-group-conv');
  assert.equal(rest.length, 0);
  // MAC_32 = 3136·128 in + 3136·128 out + 9·128·128/32 weights; MAC_1: 128/32 = 4 outputs.
  const mac = 401_408 + 401_408 + 4_608;
  const lowerMac = 401_408 + 12_544 + 4_608;
  assert.deepEqual(d!.data, {
    kind: 'memory-access',
    layer: 0,
    macs: 3136 * 128 * 4 * 9,
    mac,
    lowerMac,
    bytesPerElement: 4,
  });
  assert.match(d!.message, /^g: 32 groups of 4 channels: memory access 807,424 elements .* 1\.93x the 418,560 /);
  assert.doesNotMatch(d!.message, /depthwise rate/);
  // On a 16-wide target, 4 channels per group run at the depthwise rate in the estimate.
  const cpu = findings(`input 56x56x128\ng: conv 128 3x3 groups=32\n`, 'heavy-group-conv', { target: 'xeon-1t' });
  assert.match(
    cpu[0]!.message,
    /On xeon-1t \(16 channels per vector\) 4 channels per group run at the depthwise rate\.$/,
  );
});

test('heavy-group-conv is silent below 1.5x (2 groups), on depthwise convs and without groups', () => {
  for (const text of [
    // MAC_2 / MAC_1 = (401,408 · 2 + 8,192) / (401,408 + 200,704 + 8,192) = 1.33.
    `input 56x56x128\nc: conv 128 1x1 groups=2\n`,
    `input 56x56x128\nc: conv 128 3x3 groups=128\n`,
    `input 56x56x128\nc: dwconv 3x3\n`,
    `input 56x56x128\nc: conv 128 3x3\n`,
  ])
    assert.equal(findings(text, 'heavy-group-conv').length, 0, text);
});

test('activation-heavy: a memory-bound pooling layer on xeon-1t, its figures from the roofline; the network when such layers dominate', () => {
  const text = `input 112x112x64\nc: conv 64 1x1\nd: conv 64 1x1\np: maxpool 2\n`;
  const t = targetProfile('xeon-1t')!;
  const a = analyzeSource(text, 'n.layers', { target: 'xeon-1t' });
  const est = a.analysis.latency()!;
  const pool = est.layers[2]!;
  assert.ok(pool.runs === 'kernel' && pool.dominant === 'memory');
  const bytes = (112 * 112 * 64 + 56 * 56 * 64) * t.bytesPerElement;
  const found = a.diagnostics.filter((d) => d.code === 'activation-heavy');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0]!.data, {
    kind: 'activations',
    target: 'xeon-1t',
    layer: 2,
    ms: pool.ms,
    share: pool.ms / est.totalMs,
    bytes,
  });
  assert.match(
    found[0]!.message,
    /^On xeon-1t, p is memory-bound: it moves 4\.01MB of activations \(112x112x64 → 56x56x64/,
  );
  // The convs are compute-bound: the pooling is over 5% of the estimate, under the network's 30%.
  assert.ok(pool.ms / est.totalMs > 0.05 && pool.ms / est.totalMs < 0.3);
  // Only copies and pooling: every kernel is memory-bound, and the network is reported on its header.
  const copies = analyzeSource(`network n\ninput 112x112x64\np: maxpool 2\nu: upsample 2\n`, 'n.layers', {
    target: 'xeon-1t',
  });
  const net = copies.diagnostics.filter((d) => d.code === 'activation-heavy' && d.data?.kind === 'activations');
  assert.equal(net.filter((d) => d.data?.kind === 'activations' && d.data.layer === null).length, 1);
  assert.match(net[0]!.message, /memory-bound layers moving activations are 100% of the estimated/);
});

test('activation-heavy is silent without a target, where overhead dominates, on weight-bound layers, and on MobileNet v1 on xeon-1t', () => {
  const text = `input 112x112x64\nc: conv 64 1x1\np: maxpool 2\n`;
  assert.equal(findings(text, 'activation-heavy').length, 0);
  assert.equal(findings(text, 'activation-heavy', { target: 'h200-fp16-b1' }).length, 0);
  // A big fc on a 1x1 input moves its weights, not activations.
  assert.equal(findings(`input 1x1x4096\nf: fc 4096\n`, 'activation-heavy', { target: 'xeon-1t' }).length, 0);
  const mobilenet = readFileSync(join(root, 'examples', 'mobilenet_v1.layers'), 'utf8');
  assert.equal(findings(mobilenet, 'activation-heavy', { target: 'xeon-1t' }).length, 0);
  // On 16 threads its widest stride-1 pointwise layer is memory-bound and over 5% of the estimate.
  const sixteen = findings(mobilenet, 'activation-heavy', { target: 'xeon-16t' });
  assert.deepEqual(
    sixteen.map((d) => d.message.split(' is memory-bound')[0]),
    ['On xeon-16t, conv2'],
  );
});
