// `layerlint calibrate`'s fit and profile files (docs/latency.md#calibrate): the fit recovers
// known figures from synthetic kernel times made with the estimate's own roofline (exact
// and with noise), a profile round-trips through JSON and is used by the analysis, a bad
// profile gets one message per bad field, and a profile file is read from layerlint.json
// `targets` and --target FILE with a clear error when it is not a profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitFigures, type ChainSample, type KernelSample } from '../../server/src/core/calibration';
import { kernelLatency } from '../../server/src/core/latency';
import { parseTargetProfile, type RateKind, type TargetProfile } from '../../server/src/core/targets';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { parseConfig } from '../../server/src/engine/config';
import { clearConfigCache, loadConfigFor } from '../../server/src/engine/configLoad';
import { targetOption } from '../../server/src/cli/args';
import { UsageError } from '../../server/src/cli/io';

const KNOWN: TargetProfile = {
  id: 'known-1t',
  summary: 'a made-up machine',
  precision: 'fp32',
  bytesPerElement: 4,
  rates: { dense: 90e6, pointwise: 80e6, depthwise: 25e6, elementwise: 3e6 },
  bytesPerMs: 40e6,
  kernelMs: 0.005,
  stridedDepthwise: 1.8,
  fuses: ['bn', 'scale', 'act'],
  fusedActivations: ['relu', 'relu6'],
  channelGranularity: 16,
  sources: ['test'],
};

/** Kernel samples timed by the roofline of `t` (compute- and memory-bound ones of each kind), times `noise(i)`. */
function samples(t: TargetProfile, noise: (i: number) => number = () => 1): KernelSample[] {
  const out: KernelSample[] = [];
  const add = (kind: RateKind, work: number, bytes: number, strided = false) => {
    const k = kernelLatency(t, kind, work * (strided ? t.stridedDepthwise! : 1), bytes);
    out.push({ kind, work, bytes, ms: Math.max(k.computeMs, k.memoryMs) * noise(out.length), strided });
  };
  for (const scale of [1, 2, 4, 8, 16]) {
    add('dense', 1e8 * scale, 4e6 * scale);
    add('pointwise', 2e7 * scale, 2e6 * scale);
    add('depthwise', 1e6 * scale, 1e6 * scale);
    add('depthwise', 4e6 * scale, 1e6 * scale);
    add('depthwise', 1e6 * scale, 1e6 * scale, true);
    add('elementwise', 1e6 * scale, 8e6 * scale);
    add('elementwise', 4e6 * scale, 1e5 * scale);
    add('elementwise', 0, 4e6 * scale);
    add('elementwise', 0, 2.5e5 * scale);
  }
  return out;
}
const chains = (t: TargetProfile): ChainSample[] =>
  [20, 80, 160].map((n) => ({ kernels: n, ms: 0.03 + n * t.kernelMs }));

test('fit: exact roofline timings give back every rate, the bandwidth and the kernel overhead', () => {
  const fit = fitFigures(samples(KNOWN), chains(KNOWN));
  for (const k of Object.keys(KNOWN.rates) as RateKind[])
    assert.ok(Math.abs(fit.rates[k] / KNOWN.rates[k] - 1) < 1e-9, `${k}: ${fit.rates[k]}`);
  assert.ok(Math.abs(fit.bytesPerMs / KNOWN.bytesPerMs - 1) < 1e-9);
  assert.ok(Math.abs(fit.kernelMs - KNOWN.kernelMs) < 1e-12);
  assert.ok(Math.abs(fit.stridedDepthwise - 1.8) < 1e-9);
});

/** KNOWN with a 2 MiB cache three times as fast as main memory. */
const CACHED: TargetProfile = { ...KNOWN, id: 'cached-1t', cacheBytes: 2 ** 21, cacheBytesPerMs: 120e6 };

test('fit: with the cache size, copies within and beyond it give back both bandwidths, and the rates with them', () => {
  const fit = fitFigures(samples(CACHED), chains(CACHED), [], CACHED.cacheBytes);
  assert.ok(Math.abs(fit.cacheBytesPerMs! / CACHED.cacheBytesPerMs! - 1) < 1e-9, String(fit.cacheBytesPerMs));
  assert.ok(Math.abs(fit.bytesPerMs / CACHED.bytesPerMs - 1) < 1e-9, String(fit.bytesPerMs));
  for (const k of Object.keys(CACHED.rates) as RateKind[])
    assert.ok(Math.abs(fit.rates[k] / CACHED.rates[k] - 1) < 1e-9, `${k}: ${fit.rates[k]}`);
  // Without the cache size, one bandwidth for all copies (the larger ones' here) times the
  // cache-resident copies three times too slow.
  const single = fitFigures(samples(CACHED), chains(CACHED));
  assert.equal(single.cacheBytesPerMs, undefined);
  assert.ok(single.bytesPerMs < CACHED.cacheBytesPerMs! / 2, String(single.bytesPerMs));
  // No copy beyond the cache: main memory's bandwidth cannot be fitted.
  assert.throws(() => fitFigures(samples(CACHED), chains(CACHED), [], 1e9), /both within and beyond/);
});

test('estimate: a kernel whose working set fits the cache moves it at the cache bandwidth, a larger one at main memory', () => {
  const small = kernelLatency(CACHED, 'elementwise', 0, 2 ** 21);
  const large = kernelLatency(CACHED, 'elementwise', 0, 2 ** 21 + 4);
  assert.equal(small.memoryMs, 2 ** 21 / 120e6);
  assert.equal(large.memoryMs, (2 ** 21 + 4) / 40e6);
  assert.equal(kernelLatency(KNOWN, 'elementwise', 0, 2 ** 21).memoryMs, 2 ** 21 / 40e6);
});

test('fit: ±10% noise and one sample 5x slower (a disturbed run) move no figure by more than 10%', () => {
  const noise = (i: number) => (i === 3 ? 5 : 1 + 0.1 * Math.sin(i * 2.7));
  const fit = fitFigures(samples(KNOWN, noise), chains(KNOWN));
  for (const k of Object.keys(KNOWN.rates) as RateKind[])
    assert.ok(Math.abs(fit.rates[k] / KNOWN.rates[k] - 1) <= 0.1, `${k}: ${fit.rates[k]}`);
  assert.ok(Math.abs(fit.bytesPerMs / KNOWN.bytesPerMs - 1) <= 0.1);
  assert.ok(Math.abs(fit.stridedDepthwise / 1.8 - 1) <= 0.2);
});

test('fit: runs whose typical CPU time is 1.25x their fastest kernels divide every rate and the bandwidth by 1.25', () => {
  const c = chains(KNOWN);
  const runs = [0.5, 1.5, 2, 8].map((kernelSumMs) => ({
    kernelSumMs,
    kernels: 3,
    ms: 0.03 + 3 * KNOWN.kernelMs + 1.25 * kernelSumMs,
  }));
  const fit = fitFigures(samples(KNOWN), c, runs);
  assert.ok(Math.abs(fit.typicalFactor - 1.25) < 1e-9, String(fit.typicalFactor));
  for (const k of Object.keys(KNOWN.rates) as RateKind[])
    assert.ok(Math.abs((fit.rates[k] * 1.25) / KNOWN.rates[k] - 1) < 1e-9, k);
  assert.ok(Math.abs((fit.bytesPerMs * 1.25) / KNOWN.bytesPerMs - 1) < 1e-9);
  assert.equal(fitFigures(samples(KNOWN), c).typicalFactor, 1);
});

/** KNOWN with convs that lose rate on small GEMMs (half-rate points on the fit's grid of powers of √2). */
const SHAPED: TargetProfile = {
  ...KNOWN,
  id: 'shaped-1t',
  efficiency: {
    dense: { pixels: 64, depth: 32 },
    pointwise: { pixels: 16, depth: 8 },
    depthwise: { pixels: 128, depth: 0 },
  },
};

/** A sweep of conv GEMM shapes per kind (as calibrate runs it), timed by the roofline of `t`. */
function sweep(t: TargetProfile): KernelSample[] {
  const out: KernelSample[] = [];
  const add = (kind: RateKind, pixels: number, depth: number) => {
    const work = pixels * depth * 64;
    const gemm = { pixels, depth };
    const k = kernelLatency(t, kind, work, work / 1000, gemm);
    out.push({ kind, work, bytes: work / 1000, ms: Math.max(k.computeMs, k.memoryMs), gemm });
  };
  for (const pixels of [49, 196, 784, 3136, 12544]) {
    for (const depth of [27, 144, 576, 2304]) add('dense', pixels, depth);
    for (const depth of [16, 32, 64, 128, 256, 512]) add('pointwise', pixels, depth);
    add('depthwise', pixels, 9);
  }
  return out;
}

test('fit: a sweep of GEMM shapes gives back each conv kind’s half-rate points and its rate; a dimension the sweep does not vary stays 0', () => {
  const fit = fitFigures([...samples(SHAPED), ...sweep(SHAPED)], chains(SHAPED));
  assert.deepEqual(fit.efficiency, SHAPED.efficiency);
  for (const k of Object.keys(SHAPED.rates) as RateKind[])
    assert.ok(Math.abs(fit.rates[k] / SHAPED.rates[k] - 1) < 1e-9, `${k}: ${fit.rates[k]}`);
  assert.ok(Math.abs(fit.stridedDepthwise - 1.8) < 1e-9, String(fit.stridedDepthwise));
  // The same kernels timed at the full rate whatever their shape: no loss is fitted.
  const flat = fitFigures([...samples(KNOWN), ...sweep(KNOWN)], chains(KNOWN));
  assert.deepEqual(flat.efficiency, {
    dense: { pixels: 0, depth: 0 },
    pointwise: { pixels: 0, depth: 0 },
    depthwise: { pixels: 0, depth: 0 },
  });
  // Without shaped samples (the plain micro-benchmarks only) there is no efficiency to fit.
  assert.deepEqual(fitFigures(samples(KNOWN), chains(KNOWN)).efficiency, {});
});

test('fit: a kind without samples, or chains of one length, is an error (no figure is invented)', () => {
  const noDepthwise = samples(KNOWN).filter((s) => s.kind !== 'depthwise');
  assert.throws(() => fitFigures(noDepthwise, chains(KNOWN)), /no depthwise samples/);
  assert.throws(
    () =>
      fitFigures(samples(KNOWN), [
        { kernels: 20, ms: 1 },
        { kernels: 20, ms: 2 },
      ]),
    /two lengths/,
  );
});

test('a profile round-trips through JSON and sets the analysis target; fusedActivations decides which activations fuse', () => {
  const back = parseTargetProfile(JSON.parse(JSON.stringify(KNOWN)));
  assert.deepEqual(back.errors, []);
  assert.deepEqual(back.profile, KNOWN);
  assert.deepEqual(parseTargetProfile(JSON.parse(JSON.stringify(CACHED))).profile, CACHED);
  assert.deepEqual(parseTargetProfile(JSON.parse(JSON.stringify(SHAPED))).profile, SHAPED);
  assert.deepEqual(parseTargetProfile({ ...CACHED, cacheBytesPerMs: undefined }).errors, [
    'cacheBytes and cacheBytesPerMs: expected both or neither',
  ]);
  const text = 'input 28x28x32\nc: conv 32 3x3 | bn | relu\nd: conv 32 3x3 | bn | silu\n';
  const doc = analyzeSource(text, 'n.layers', { profiles: [back.profile!], target: 'known-1t' });
  const est = doc.analysis.latency()!;
  assert.equal(est.target.id, 'known-1t');
  const runs = doc.analysis.layers.map((l, i) => [l.layer.opText, est.layers[i]!.runs]);
  assert.deepEqual(runs, [
    ['conv', 'kernel'],
    ['bn', 'fused'],
    ['relu', 'fused'],
    ['conv', 'kernel'],
    ['bn', 'fused'],
    ['silu', 'kernel'],
  ]);
});

test('a bad profile: one message per bad field, no profile', () => {
  const bad = parseTargetProfile({
    ...KNOWN,
    id: 'xeon-1t',
    rates: { dense: 0, pointwise: 1, elementwise: 1, tensor: 5 },
    kernelMs: -1,
    fuses: ['conv'],
    fusedActivations: ['softmax'],
    sources: [],
    extra: 1,
  });
  assert.equal(bad.profile, undefined);
  assert.deepEqual(bad.errors, [
    "unknown field 'extra' (id, summary, precision, bytesPerElement, batch, rates, bytesPerMs, cacheBytes, cacheBytesPerMs, paramCacheBytes, efficiency, kernelMs, stridedDepthwise, fuses, fusedActivations, activationKernels, activationWork, opWork, channelGranularity, minChannels, acceleratorOps, sources)",
    "id: 'xeon-1t' is a built-in target; give the profile a name of its own",
    'rates.dense: expected a positive number per ms',
    'rates.depthwise: expected a positive number per ms',
    "rates: unknown kind 'tensor' (dense, pointwise, depthwise, elementwise)",
    'kernelMs: expected a non-negative number of ms',
    'fuses: expected an array of bn, scale, act',
    'fusedActivations: expected an array of relu, relu6, leaky, sigmoid, tanh, silu, hswish, gelu, mish, linear',
    'sources: expected a non-empty array of strings (where the figures come from)',
  ]);
  assert.deepEqual(parseTargetProfile([]).errors, ['a target profile must be a JSON object']);
  assert.deepEqual(
    parseTargetProfile({
      ...KNOWN,
      efficiency: {
        dense: { pixels: -1, depth: 'deep' },
        pointwise: 5,
        depthwise: { pixels: 1, depth: 2, width: 3 },
        elementwise: { pixels: 1, depth: 1 },
      },
    }).errors,
    [
      'efficiency.dense.pixels: expected a non-negative number of output pixels',
      'efficiency.dense.depth: expected a non-negative GEMM depth',
      'efficiency.pointwise: expected {pixels, depth} (where the kind runs at half its rate)',
      "efficiency.depthwise: unknown field 'width' (pixels, depth)",
      "efficiency: unknown kind 'elementwise' (dense, pointwise, depthwise)",
    ],
  );
  assert.deepEqual(parseTargetProfile({ ...KNOWN, opWork: { lrn: 0, conv: 2 } }).errors, [
    'opWork: expected an object of lrn, pool → positive number of operations per operation',
  ]);
  assert.deepEqual(parseTargetProfile({ ...KNOWN, opWork: { lrn: 15.5, pool: 0.12 } }).profile?.opWork, {
    lrn: 15.5,
    pool: 0.12,
  });
  assert.deepEqual(parseTargetProfile({ ...KNOWN, efficiency: [] }).errors, [
    'efficiency: expected an object of dense, pointwise, depthwise → {pixels, depth}',
  ]);
  assert.deepEqual(parseTargetProfile({ ...KNOWN, efficiency: { dense: { pixels: 12 } } }).errors, [
    'efficiency.dense.depth: expected a non-negative GEMM depth',
  ]);
});

test('the layerlint.json schema’s target profile has exactly the fields a profile file may have', () => {
  const schema = JSON.parse(readFileSync('schemas/layerlint.schema.json', 'utf8'));
  const profile = schema.properties.targets.items.anyOf[1];
  const unknown = parseTargetProfile({ ...SHAPED, extra: 1 }).errors[0]!;
  const fields = /\(([^)]*)\)$/.exec(unknown)![1]!.split(', ');
  assert.deepEqual(Object.keys(profile.properties), fields);
  assert.equal(profile.additionalProperties, false);
  assert.deepEqual(Object.keys(profile.properties.efficiency.properties), ['dense', 'pointwise', 'depthwise']);
});

test('layerlint.json targets: a profile file (relative to the config) or an inline profile, named by target; errors name the entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-calib-'));
  writeFileSync(join(dir, 'mine.json'), JSON.stringify(KNOWN));
  writeFileSync(join(dir, 'layerlint.json'), JSON.stringify({ targets: ['mine.json'], target: 'known-1t' }));
  writeFileSync(join(dir, 'n.layers'), 'input 8x8x3\nc: conv 8 3x3\n');
  clearConfigCache();
  const loaded = loadConfigFor(join(dir, 'n.layers'));
  assert.deepEqual(loaded.errors, []);
  assert.equal(loaded.config.targets![0]!.id, 'known-1t');
  assert.equal(loaded.config.target, 'known-1t');
  const inline = parseConfig({ targets: [{ ...KNOWN, id: 'inline-1t' }], target: 'inline-1t' });
  assert.deepEqual(inline.errors, []);
  const bad = parseConfig({ targets: [{ ...KNOWN, kernelMs: 'fast' }, 'missing.json'], target: 'known-1t' }, () =>
    Error('cannot read: ENOENT'),
  );
  assert.deepEqual(bad.errors, [
    'targets[0]: kernelMs: expected a non-negative number of ms',
    'targets[1] (missing.json): cannot read: ENOENT',
    "target: 'known-1t' is not one of xeon-1t, ort-cpu-1t, xeon-16t, phone-big-core, phone-big-core-int8, edgetpu-int8, h200-fp16-b1, h200-fp16-b64",
  ]);
});

test('--target FILE: a profile file is read and checked; a file that is no profile is a usage error naming the fields', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-calib-'));
  writeFileSync(join(dir, 'p.json'), JSON.stringify(KNOWN));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...KNOWN, bytesPerMs: 0 }));
  const ok = targetOption(join(dir, 'p.json'));
  assert.equal(ok.target, 'known-1t');
  assert.deepEqual(ok.profiles, [KNOWN]);
  assert.deepEqual(targetOption('xeon-1t'), { target: 'xeon-1t' });
  assert.throws(
    () => targetOption(join(dir, 'bad.json')),
    (e: Error) =>
      e instanceof UsageError && /not a target profile:\n {2}bytesPerMs: expected a positive/.test(e.message),
  );
  assert.throws(() => targetOption(join(dir, 'none.json')), /cannot read: ENOENT/);
});
