// Estimated latency (docs/latency.md): the figures follow the documented roofline with the
// profile's constants, fusion and views cost nothing, the target comes from the command line,
// the file or the configuration, the advice changes with the target, latency budgets, and the
// estimate's rank correlation with the measured per-layer latencies of MobileNet v1
// (shared/latency/mobilenet_v1_layers.tsv, read at run time) above the documented floor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource, type EngineOptions } from '../../server/src/engine/analyzeSource';
import { buildReport } from '../../server/src/report/model';
import { latencyAt, ms } from '../../server/src/core/latency';
import {
  bandwidth,
  TARGETS,
  TARGET_IDS,
  targetProfile,
  targetRidge,
  type TargetProfile,
} from '../../server/src/core/targets';
import { parseConfig, configToEngineOptions } from '../../server/src/engine/config';
import { makeFeatureDoc } from '../../server/src/lsp/features/context';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/lsp/settings';
import { hover } from '../../server/src/lsp/features/hover';
import { renderReportBody, RIDGE_MACS_PER_BYTE } from '../../server/src/report/html';
import { reportExtras } from '../../server/src/report/extras';
import { codeLenses, LineLensSets, resolveCodeLens } from '../../server/src/lsp/features/codeLens';
import { spearman } from '../../bench/stats';

const report = (text: string, options: EngineOptions = {}) =>
  buildReport(analyzeSource(text, 'n.layers', options), 'n');
const profile = (id: string) => targetProfile(id) as TargetProfile;
const roofline = (t: TargetProfile, kind: keyof TargetProfile['rates'], work: number, bytes: number) =>
  Math.max(work / t.rates[kind], bytes / bandwidth(t, bytes)) + t.kernelMs;

test('a conv layer: max(MACs / dense rate, bytes / bandwidth) + kernel overhead, with the profile’s own figures', () => {
  for (const t of TARGETS) {
    const r = report(`input 56x56x64\nc: conv 128 3x3\n`, { target: t.id });
    const c = r.layers[0]!;
    const batch = t.batch ?? 1;
    const g = t.channelGranularity;
    const pad = (x: number) => (Math.ceil(x / g) * g) / x;
    const work = c.macs * pad(128) * pad(64 * 9) * batch;
    const bytes = (batch * (56 * 56 * 64 + 56 * 56 * 128) + c.params) * t.bytesPerElement;
    assert.equal(c.latencyMs, roofline(t, 'dense', work, bytes), t.id);
    assert.equal(r.totals.latencyMs, c.latencyMs);
    assert.deepEqual(r.target, {
      id: t.id,
      summary: t.summary,
      batch,
      complete: true,
      ridgeMacsPerByte: targetRidge(t),
    });
  }
});

test('channel counts round up to the granularity: 20 output channels cost as 32 on a 16-wide target', () => {
  const t = profile('xeon-1t');
  const r = report(`input 8x8x32\nc: conv 20 1x1\n`, { target: 'xeon-1t' });
  const c = r.layers[0]!;
  const bytes = (8 * 8 * 32 + 8 * 8 * 20 + c.params) * 4;
  assert.equal(c.latencyMs, roofline(t, 'pointwise', (c.macs * 32) / 20, bytes));
});

test('fusion: BN and activation after a conv run in its kernel where the target fuses them, as kernels of their own where not', () => {
  const text = `input 32x32x16\nc: conv 32 3x3 | bn | relu\np: avgpool global\nf: flatten\n`;
  const cpu = report(text, { target: 'xeon-1t' });
  assert.deepEqual(
    cpu.layers.map((l) => l.latencyBound),
    [cpu.layers[0]!.latencyBound, 'fused', 'fused', cpu.layers[3]!.latencyBound, 'view'],
  );
  assert.deepEqual(
    cpu.layers.slice(1, 3).map((l) => l.latencyMs),
    [0, 0],
  );
  const gpu = report(text, { target: 'h200-fp16-b1' });
  const t = profile('h200-fp16-b1');
  const bn = gpu.layers[1]!;
  const n = 32 * 32 * 32;
  assert.equal(bn.latencyMs, roofline(t, 'elementwise', 2 * n, 2 * n * 2 + bn.params * 2));
  const sum = gpu.layers.reduce((s, l) => s + (l.latencyMs ?? 0), 0);
  assert.equal(gpu.totals.latencyMs, sum);
  assert.equal(gpu.layers[2]!.latencyBound, 'overhead');
});

test('a layer LayerLint cannot cost has no latency (null, not 0) and the total is a lower bound', () => {
  const r = buildReport(
    analyzeSource(
      readFileSync('examples/yolov3-tiny.cfg', 'utf8').replace('[maxpool]', '[frobnicate]\n\n[maxpool]'),
      'n.cfg',
      {
        target: 'xeon-1t',
      },
    ),
    'n.cfg',
  );
  assert.equal(r.target!.complete, false);
  const unknown = r.layers.find((l) => l.counted === false)!;
  assert.equal(unknown.latencyMs, null);
  assert.ok(Number.isFinite(r.totals.latencyMs));
});

test('no target, no latency figures: the report is unchanged', () => {
  const r = report(`input 8x8x3\nc: conv 8 3x3\n`);
  assert.equal(r.target, undefined);
  assert.equal(r.totals.latencyMs, undefined);
  assert.equal('latencyMs' in r.layers[0]!, false);
});

test('the target: the command line over the file’s `target` line over the configuration; an unknown name is invalid-value on it', () => {
  const text = `target phone-big-core\ninput 8x8x3\nc: conv 8 3x3\n`;
  assert.equal(report(text).target!.id, 'phone-big-core');
  assert.equal(report(text, { target: 'xeon-16t', defaultTarget: 'xeon-1t' }).target!.id, 'xeon-16t');
  assert.equal(report(text, { defaultTarget: 'xeon-1t' }).target!.id, 'phone-big-core');
  assert.equal(report(`input 8x8x3\nc: conv 8 3x3\n`, { defaultTarget: 'xeon-1t' }).target!.id, 'xeon-1t');
  const bad = analyzeSource(`target tpu-v9\ninput 8x8x3\n`, 'n.layers');
  const d = bad.diagnostics.find((x) => x.code === 'invalid-value')!;
  assert.equal(bad.text.slice(d.span.start, d.span.end), 'tpu-v9');
  assert.match(d.message, /xeon-1t/);
  assert.equal(bad.analysis.target, undefined);
});

test('layerlint.json: target and budget.latency, checked', () => {
  const ok = parseConfig({ target: 'h200-fp16-b1', budget: { latency: '800us' } });
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(configToEngineOptions(ok.config), {
    defaultBudget: { latencyMs: 0.8 },
    defaultTarget: 'h200-fp16-b1',
  });
  const bad = parseConfig({ target: 'abacus', budget: { latency: '5' } });
  assert.equal(bad.errors.length, 2);
  const schema = JSON.parse(readFileSync('schemas/layerlint.schema.json', 'utf8'));
  assert.deepEqual(schema.properties.target.examples, TARGET_IDS);
});

test('budget latency=…: over-budget on the target with the estimate, unchecked without a target, bad values at their range', () => {
  const text = (budget: string) => `input 56x56x64\n${budget}\nc: conv 128 3x3\n`;
  const over = analyzeSource(text('budget latency=0.01ms'), 'n.layers', { target: 'xeon-1t' });
  const d = over.diagnostics.find((x) => x.code === 'over-budget')!;
  assert.equal(d.data?.kind === 'budget' && d.data.metric, 'latency');
  assert.equal(d.data?.kind === 'budget' && d.data.actual, over.analysis.latency()!.totalMs);
  assert.match(d.message, /on xeon-1t/);
  const fits = analyzeSource(text('budget latency=5000ms'), 'n.layers', { target: 'xeon-1t' });
  assert.equal(fits.diagnostics.filter((x) => x.code === 'over-budget').length, 0);
  const unchecked = analyzeSource(text('budget latency=5ms'), 'n.layers');
  const u = unchecked.diagnostics.find((x) => x.code === 'latency-budget-unchecked')!;
  assert.match(u.message, /no target/);
  assert.equal(unchecked.diagnostics.filter((x) => x.code === 'over-budget').length, 0);
  for (const v of ['5', '-1ms', '0ms', 'fast']) {
    const bad = analyzeSource(text(`budget latency=${v}`), 'n.layers');
    const e = bad.diagnostics.find((x) => x.code === 'invalid-value')!;
    assert.equal(bad.text.slice(e.span.start, e.span.end), v);
  }
});

test('separable-conv knows the target: a warning with the saving on a CPU core, info saying it would not be faster on a GPU at batch 1', () => {
  const text = readFileSync('examples/mobilenet_v1_conv.layers', 'utf8');
  const find = (target: string) =>
    analyzeSource(text, 'm.layers', { target }).diagnostics.filter((d) => d.code === 'separable-conv');
  const cpu = find('xeon-1t');
  assert.ok(cpu.length > 0);
  for (const d of cpu) {
    assert.equal(d.severity, 'warning');
    const lat = d.data?.kind === 'separable' ? d.data.latency! : undefined;
    assert.ok(lat && lat.separableMs < lat.ms && lat.target === 'xeon-1t');
    assert.match(d.message, /estimated on xeon-1t: .* ms → .* ms \(-\d+%\)/);
  }
  const gpu = find('h200-fp16-b1');
  assert.equal(gpu.length, cpu.length);
  for (const d of gpu) {
    assert.equal(d.severity, 'info');
    assert.match(d.message, /on h200-fp16-b1 it would not be faster/);
  }
  // Without a target the message and severity are what they always were.
  const none = analyzeSource(text, 'm.layers').diagnostics.filter((d) => d.code === 'separable-conv');
  assert.ok(none.every((d) => d.severity === 'warning' && !/estimated/.test(d.message)));
});

test('fuse-separable: the depthwise + pointwise pairs of MobileNet fuse on a GPU at batch 1, not on a CPU core', () => {
  const text = readFileSync('examples/mobilenet_v1.layers', 'utf8');
  const find = (target?: string) =>
    analyzeSource(text, 'm.layers', target ? { target } : {}).diagnostics.filter((d) => d.code === 'fuse-separable');
  assert.equal(find('xeon-1t').length, 0);
  assert.equal(find().length, 0);
  const gpu = find('h200-fp16-b1');
  assert.equal(gpu.length, 9); // 8 named pairs and the repeated one
  for (const d of gpu) {
    assert.ok(d.data?.kind === 'fuse' && d.data.fusedMs < d.data.ms && d.data.fusedMacs > d.data.macs);
    assert.equal(text.slice(d.span.start, d.span.end).startsWith('dwconv'), true);
  }
});

function latencyDir(): string {
  const dir = [process.env.LAYERLINT_LATENCY, '../shared/latency', '/work/shared/latency'].find(
    (d) => d && existsSync(join(d, 'mobilenet_v1_layers.tsv')),
  );
  assert.ok(dir, 'shared/latency/mobilenet_v1_layers.tsv is not found: set LAYERLINT_LATENCY to its folder');
  return dir;
}

/** Floors documented in docs/latency.md#validation. */
const FLOORS = { 'xeon-1t': { column: 'cpu_1t_ms', spearman: 0.9, medianError: 0.2 } } as const;

test('per layer, the xeon-1t estimate ranks MobileNet v1’s convs as measured (Spearman above the documented floor, median error within it)', () => {
  const lines = readFileSync(join(latencyDir(), 'mobilenet_v1_layers.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  const header = lines[0]!.split('\t');
  const rows = lines.slice(1).map((l) => l.split('\t'));
  for (const [target, floor] of Object.entries(FLOORS)) {
    const r = report(readFileSync('examples/mobilenet_v1.layers', 'utf8'), { target });
    const col = header.indexOf(floor.column);
    // The TSV's rows are the example's 27 convolutions in order, each checked to have the same MACs.
    const convs = r.layers.filter((l) => l.op === 'conv' || l.op === 'dwconv');
    assert.equal(convs.length, rows.length);
    const estimated: number[] = [];
    const measured: number[] = [];
    rows.forEach((row, i) => {
      const layer = convs[i]!;
      assert.equal(layer.macs, Number(row[header.indexOf('macs')]), `${row[0]} is ${layer.name}`);
      estimated.push(layer.latencyMs!);
      measured.push(Number(row[col]));
    });
    const rho = spearman(estimated, measured);
    const errors = estimated.map((e, i) => Math.abs(e - measured[i]!) / measured[i]!).sort((a, b) => a - b);
    const median = errors[Math.floor(errors.length / 2)]!;
    assert.ok(rho >= floor.spearman, `${target}: Spearman ${rho.toFixed(3)} below ${floor.spearman}`);
    assert.ok(median <= floor.medianError, `${target}: median error ${median.toFixed(3)} above ${floor.medianError}`);
  }
});

test('whole network: the separable MobileNet is faster than its standard-conv twin on CPU targets and slower on the GPU at batch 1 (issue #14’s measurements)', () => {
  const ms = (file: string, target: string) =>
    report(readFileSync(`examples/${file}`, 'utf8'), { target }).totals.latencyMs!;
  const speedup = (target: string) => ms('mobilenet_v1_conv.layers', target) / ms('mobilenet_v1.layers', target);
  // Measured: 6.1-6.9x on one core, 2.6-2.8x on 16 threads, 0.6x (1.7x slower) on the GPU at batch 1.
  assert.ok(speedup('xeon-1t') > 4.5 && speedup('xeon-1t') < 9, `xeon-1t ${speedup('xeon-1t')}`);
  assert.ok(speedup('xeon-16t') > 2 && speedup('xeon-16t') < 4, `xeon-16t ${speedup('xeon-16t')}`);
  assert.ok(speedup('h200-fp16-b1') < 1, `h200-fp16-b1 ${speedup('h200-fp16-b1')}`);
});

test('every profile names its sources and has positive, finite figures', () => {
  for (const t of TARGETS) {
    assert.ok(t.sources.length > 0 && t.sources.every((s) => s.length > 20), t.id);
    for (const v of [...Object.values(t.rates), t.bytesPerMs, t.kernelMs, t.channelGranularity, t.bytesPerElement])
      assert.ok(Number.isFinite(v) && v > 0, `${t.id} ${v}`);
  }
});

test('editor: lenses carry each line’s estimated ms and the total, the hover fills in the roofline and says what dominates', () => {
  const text = `network n\ntarget xeon-1t\ninput 56x56x64\nc: conv 128 3x3 | bn | relu\n`;
  const doc = makeFeatureDoc(analyzeSource(text, 'n.layers'), 'file:///n.layers', 1, DEFAULT_SETTINGS);
  const est = doc.analysis.latency()!;
  const conv = est.layers[0]!;
  assert.equal(conv.runs, 'kernel');
  const sets = new LineLensSets();
  const titles = codeLenses(doc, sets).map((l) => resolveCodeLens(doc, l, sets).command?.title ?? '');
  assert.ok(
    titles.some((t) => t.startsWith('Total') && t.includes(`on xeon-1t`)),
    titles.join(' | '),
  );
  assert.ok(
    titles.some((t) => t.includes(`MACs (100.0%) · 73.7K params · ~${ms(conv.ms)}`)),
    titles.join(' | '),
  );
  const h = hover(doc, { line: 3, character: 4 })!;
  const md = (h.contents as { value: string }).value;
  assert.match(md, /\*\*Latency\*\* on `xeon-1t`: ~.* ms \(estimated, (compute|memory|overhead) dominates\)/);
  assert.match(md, /t = max\(work \/ rate_dense, bytes \/ bandwidth\) \+ overhead/);
  const bn = hover(doc, { line: 3, character: 18 })!;
  assert.match((bn.contents as { value: string }).value, /fused into c's kernel/);
  // The setting names the target for files without a target line; a value that is neither an id
  // (built in, or layerlint.json's) nor a profile file path is dropped.
  assert.equal(normalizeSettings({ target: 'h200-fp16-b1' }).target, 'h200-fp16-b1');
  assert.equal(normalizeSettings({ target: 'Abacus 9' }).target, '');
});

test('the α × ρ grid in ms: the file’s own cell is the analysis’ total; on a CPU core it falls with α and side, at GPU batch 1 it barely moves', () => {
  const text = readFileSync('examples/mobilenet_v1.layers', 'utf8');
  for (const id of ['xeon-1t', 'h200-fp16-b1']) {
    const doc = analyzeSource(text, 'm.layers', { target: id });
    const g = doc.analysis.graph;
    assert.equal(latencyAt(profile(id), g, 1, 224).ms, doc.analysis.latency()!.totalMs);
  }
  const g = analyzeSource(text, 'm.layers').analysis.graph;
  const cpu = [1, 0.75, 0.5, 0.25].map((a) => latencyAt(profile('xeon-1t'), g, a, 224).ms);
  for (let i = 1; i < cpu.length; i++) assert.ok(cpu[i]! < cpu[i - 1]!, `${cpu}`);
  const gpu = [1, 0.25].map((a) => latencyAt(profile('h200-fp16-b1'), g, a, 128).ms);
  assert.ok(Math.abs(gpu[0]! - gpu[1]!) / gpu[0]! < 0.05, `${gpu}`);
});

test('channel alignment follows the target: 24 channels are fine at 8 (no target, fp16 GPU) and at 4 (NEON), not at 16 (AVX-512)', () => {
  const text = `input 16x16x16\nc: conv 24 3x3\n`;
  const codes = (target?: string) =>
    analyzeSource(text, 'n.layers', target ? { target } : {}).diagnostics.filter(
      (d) => d.code === 'channels-not-multiple-of-8',
    );
  assert.equal(codes().length, 0);
  assert.equal(codes('h200-fp16-b1').length, 0);
  assert.equal(codes('phone-big-core').length, 0);
  const cpu = codes('xeon-1t');
  assert.equal(cpu.length, 1);
  assert.match(cpu[0]!.message, /not a multiple of 16, the channel granularity of xeon-1t: it runs as 32/);
});

test('the HTML report’s roofline chart uses the target’s own ridge point and names it', () => {
  const text = readFileSync('examples/mobilenet_v1.layers', 'utf8');
  const html = (options: EngineOptions) => {
    const doc = analyzeSource(text, 'm.layers', options);
    return renderReportBody(buildReport(doc, 'm'), reportExtras(doc), { mode: 'standalone' });
  };
  for (const t of TARGETS) {
    const ridge = targetRidge(t);
    assert.equal(ridge, Number(((t.rates.dense / t.bytesPerMs) * (t.bytesPerElement / 4)).toPrecision(3)));
    assert.ok(html({ target: t.id }).includes(`(ridge ${ridge} MACs/byte on ${t.id})`), t.id);
  }
  assert.ok(html({}).includes(`(ridge ${RIDGE_MACS_PER_BYTE} MACs/byte)`));
  // A profile that is not built in (a calibrated file, layerlint.json's targets) gets its own ridge too.
  const own: TargetProfile = { ...profile('xeon-1t'), id: 'my-cpu', bytesPerMs: profile('xeon-1t').bytesPerMs / 4 };
  assert.equal(targetRidge(own), Number((targetRidge(profile('xeon-1t')) * 4).toPrecision(3)));
  assert.ok(html({ target: 'my-cpu', profiles: [own] }).includes(`(ridge ${targetRidge(own)} MACs/byte on my-cpu)`));
});

test('kernel-overhead and elementwise-share: where the estimate goes, on targets where it matters, silent where conv + BN + activation fuse', () => {
  const text = readFileSync('examples/mobilenet_v1.layers', 'utf8');
  const find = (target: string, code: string) =>
    analyzeSource(text, 'm.layers', { target }).diagnostics.filter((d) => d.code === code);
  for (const code of ['kernel-overhead', 'elementwise-share']) {
    assert.equal(find('xeon-1t', code).length, 0, code);
    assert.equal(find('phone-big-core', code).length, 0, code);
    assert.equal(analyzeSource(text, 'm.layers').diagnostics.filter((d) => d.code === code).length, 0);
  }
  const doc = analyzeSource(text, 'm.layers', { target: 'h200-fp16-b1' });
  const est = doc.analysis.latency()!;
  const kernels = est.layers.filter((l) => l?.runs === 'kernel');
  const overhead = doc.diagnostics.find((d) => d.code === 'kernel-overhead')!;
  const overheadMs = kernels.reduce((s, l) => s + (l!.runs === 'kernel' ? l!.overheadMs : 0), 0);
  // Small kernels (G3, fragmentation): the roofline term is at most the launch overhead.
  const small = kernels.filter((l) => l!.runs === 'kernel' && Math.max(l!.computeMs, l!.memoryMs) <= l!.overheadMs);
  assert.ok(small.length > kernels.length / 2);
  assert.deepEqual(overhead.data, {
    kind: 'share',
    target: 'h200-fp16-b1',
    share: overheadMs / est.totalMs,
    kernels: kernels.length,
    ms: overheadMs,
    small: small.length,
  });
  assert.ok(overhead.message.includes(`${small.length} of them do less work than their own overhead`));
  assert.ok(Math.abs(overheadMs - kernels.length * 0.025) < 1e-9);
  const ew = doc.diagnostics.find((d) => d.code === 'elementwise-share')!;
  const elementwise = kernels.filter((l) => l!.runs === 'kernel' && l!.kind === 'elementwise');
  assert.equal(ew.data?.kind === 'share' && ew.data.kernels, elementwise.length);
  assert.match(ew.message, /^On h200-fp16-b1, element-wise layers .* are \d+% of the estimated/);
});
