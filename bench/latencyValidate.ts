// `node --expose-gc out/bench/validate.js`: the latency estimate against `layerlint bench` measurements
// on this machine (issue #14 item 6, docs/latency.md#validation-against-bench): every
// example, every corpus network the ONNX writer can write, and the torchvision ONNX exports,
// each analysed, written as ONNX and run by ONNX Runtime exactly as `bench` does. Prints per
// network the measured whole-run CPU time (median, min: process.cpuUsage, immune to waiting for a
// core on a loaded machine) and wall time (median, min, max), the estimate on the
// profile and on xeon-1t, and the error of each; then Spearman rank correlation and median
// absolute % error over all networks, and the separable rewrite's predicted and measured
// speedup. Networks are measured at their declared input size; only those over --max-gmacs
// (default 20: the whole corpus then runs in about 7 minutes of one thread) are measured at a
// smaller input side (said in the table: the largest multiple of 32 under the budget at which
// the network has no error); files that cannot be measured are listed with the reason.
//
// Options: --profile FILE (default: the built-in ort-cpu-1t), --repeats N (most per network,
// default 9; at least 5), --max-gmacs G (default 20), --only SUBSTRING, --json FILE (every row
// and measurement), --sample N (N corpus files, evenly spaced, instead of all), --measured FILE (a --json file: its measurements again, estimates recomputed
// with the current model and profile, nothing run).
// Environment: LAYERLINT_CORPUS (default /work/shared/corpus), LAYERLINT_TORCHVISION (a folder
// of torchvision .onnx files; default /tmp/layerlint-torchvision, exported there with
// test/oracle/onnx_oracle.py and /usr/bin/python3 when missing).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveTarget, targetProfile, parseTargetProfile, type TargetProfile } from '../server/src/core/targets';
import { analyzeBytes, analyzeSource, type DocumentAnalysis } from '../server/src/engine/analyzeSource';
import { exportOnnx } from '../server/src/export/onnx';
import { collectGarbage, loadRuntime, measure, type BenchResult } from '../server/src/cli/bench/measure';
import { separableRewrite } from '../server/src/cli/commands/bench';
import { spearman } from './stats';

const { values } = parseArgs({
  options: {
    profile: { type: 'string' },
    repeats: { type: 'string' },
    'max-gmacs': { type: 'string' },
    only: { type: 'string' },
    json: { type: 'string' },
    measured: { type: 'string' },
    sample: { type: 'string' },
  },
});
const CORPUS = process.env.LAYERLINT_CORPUS ?? '/work/shared/corpus';
const TORCHVISION = process.env.LAYERLINT_TORCHVISION ?? '/tmp/layerlint-torchvision';
const TORCHVISION_MODELS = [
  'resnet18',
  'resnet50',
  'mobilenet_v2',
  'mobilenet_v3_small',
  'mobilenet_v3_large',
  'squeezenet1_1',
  'shufflenet_v2_x1_0',
  'efficientnet_b0',
  'regnet_x_400mf',
  'mnasnet1_0',
];
const MAX_REPEATS = Number(values.repeats ?? 9);
const MAX_MACS = Number(values['max-gmacs'] ?? 20) * 1e9;

function loadProfile(): TargetProfile {
  if (!values.profile) return targetProfile('ort-cpu-1t') ?? fail('no built-in ort-cpu-1t: pass --profile FILE');
  const { profile, errors } = parseTargetProfile(JSON.parse(readFileSync(values.profile, 'utf8')));
  return profile ?? fail(`${values.profile}: ${errors.join('; ')}`);
}
function fail(message: string): never {
  console.error(`validate: ${message}`);
  process.exit(2);
}

/** Every file to measure: examples, corpus files of the three text formats, torchvision exports. */
function files(): { group: string; path: string }[] {
  const list: { group: string; path: string }[] = [];
  for (const f of readdirSync('examples').sort()) list.push({ group: 'example', path: join('examples', f) });
  const corpus: string[] = [];
  for (const format of ['caffe', 'darknet', 'ultralytics']) {
    const dir = join(CORPUS, 'real', format);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (/\.(prototxt|cfg|ya?ml)$/.test(f)) corpus.push(join(dir, f));
  }
  const every = values.sample ? corpus.length / Number(values.sample) : 1;
  for (let i = 0; i < corpus.length; i += every) list.push({ group: 'corpus', path: corpus[Math.floor(i)]! });
  const missing = TORCHVISION_MODELS.filter((m) => !existsSync(join(TORCHVISION, `${m}.onnx`)));
  if (missing.length && existsSync('/usr/bin/python3')) {
    mkdirSync(TORCHVISION, { recursive: true });
    console.error(`validate: exporting ${missing.join(', ')} to ${TORCHVISION} (test/oracle/onnx_oracle.py)`);
    execFileSync('/usr/bin/python3', ['onnx_oracle.py', TORCHVISION], {
      cwd: 'test/oracle',
      input: `${missing.join('\n')}\n`,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
  }
  for (const m of TORCHVISION_MODELS)
    if (existsSync(join(TORCHVISION, `${m}.onnx`)))
      list.push({ group: 'torchvision', path: join(TORCHVISION, `${m}.onnx`) });
  return list.filter((f) => !values.only || f.path.includes(values.only));
}

function analyze(path: string, profile: TargetProfile, side?: number): DocumentAnalysis {
  const options = { profiles: [profile], target: profile.id, ...(side ? { side } : {}) };
  return path.endsWith('.onnx')
    ? analyzeBytes(new Uint8Array(readFileSync(path)), path, options)
    : analyzeSource(readFileSync(path, 'utf8'), path, options);
}

/** Why the document cannot be measured, or undefined. */
function blocker(doc: DocumentAnalysis): string | undefined {
  const error = doc.diagnostics.find((d) => d.severity === 'error' && d.code !== 'over-budget');
  if (error) return `${error.code}: ${error.message.slice(0, 90)}`;
  if (!doc.analysis.complete) return 'incomplete analysis';
  const w = exportOnnx(doc.analysis);
  return w.problems.length ? w.problems[0] : undefined;
}

/** The input side that brings the network under MAX_MACS (a multiple of 32, at least 64), or undefined when it fits. */
function smallerSide(doc: DocumentAnalysis): number | undefined {
  const macs = doc.analysis.totals.macs;
  const side = doc.analysis.input?.[0] ?? 0;
  if (macs <= MAX_MACS || !side) return undefined;
  return Math.max(64, Math.floor((side * Math.sqrt(MAX_MACS / macs)) / 32) * 32);
}

type Ort = Exclude<ReturnType<typeof loadRuntime>, string>;

/** The files whose separable rewrite is measured. */
const SEPARABLE_FILES = ['examples/mobilenet_v1_conv.layers', 'examples/resnet18.layers', 'examples/yolov3-tiny.cfg'];

/** One file and its separable rewrite, measured: CPU and wall median, before and after. */
interface RewriteMeasurement {
  file: string;
  convs: number;
  cpuMs: [number, number];
  wallMs: [number, number];
}

/** What --json writes and --measured reads back. */
interface Measured {
  profile: string;
  rows: Row[];
  skipped: string[];
  rewrites: RewriteMeasurement[];
  loads: number[][];
  seconds: number;
  /** The --max-gmacs the networks were measured under (absent in files from before it was kept: 2). */
  maxGmacs?: number;
}

async function bench(ort: Ort, doc: DocumentAnalysis, estimateMs: number): Promise<BenchResult> {
  const w = exportOnnx(doc.analysis);
  const repeats = Math.max(5, Math.min(MAX_REPEATS, Math.ceil(400 / Math.max(estimateMs, 1))));
  return measure(ort, w.bytes!, w.layerOf, doc.analysis, { threads: 1, warmup: 1, repeats });
}

interface Row {
  path: string;
  /** The input side it was measured at, when scaled down. */
  sideOption?: number;
  group: string;
  network: string;
  side: number;
  rescaled: boolean;
  macs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  cpuMs: number;
  cpuMinMs: number;
  estimateMs: number;
  xeonMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (est: number, measured: number) => (100 * (est - measured)) / measured;
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const signed = (p: number) => `${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(0)}%`;

function summary(label: string, rows: Row[], pick: (r: Row) => number, measured: (r: Row) => number): string {
  const errors = rows.map((r) => Math.abs(pct(pick(r), measured(r))));
  return `${label}: Spearman ${spearman(rows.map(pick), rows.map(measured)).toFixed(3)}, median abs. error ${median(errors).toFixed(1)}% over ${rows.length} networks`;
}

async function main(): Promise<void> {
  const ort = loadRuntime();
  if (typeof ort === 'string') fail(ort);
  // Many networks in one process: without a collection before each network's timed runs, V8's
  // background collector threads add CPU time to them (docs/latency.md#measured-layerlint-bench).
  if (!values.measured && !collectGarbage())
    fail('run with node --expose-gc (the garbage of earlier networks is collected before each timed run)');
  const profile = loadProfile();
  const xeon = resolveTarget('xeon-1t', undefined)!;
  const loadBefore = loadavg();
  const previous = values.measured ? (JSON.parse(readFileSync(values.measured, 'utf8')) as Measured) : undefined;
  const rows: Row[] = [];
  const skipped: string[] = previous?.skipped ?? [];
  const started = Date.now();
  // The separable rewrites first: an interrupted run keeps them.
  const rewrites: RewriteMeasurement[] = previous?.rewrites ?? [];
  for (const f of previous ? [] : SEPARABLE_FILES) {
    if (values.only && !f.includes(values.only)) continue;
    const doc = analyze(f, profile);
    const after = separableRewrite(doc, f);
    if (typeof after.written === 'string') continue;
    const before = await bench(ort, doc, doc.analysis.latency()!.totalMs);
    const rewritten = await bench(ort, after.doc, after.doc.analysis.latency()!.totalMs);
    rewrites.push({
      file: f,
      convs: after.convs,
      cpuMs: [before.cpuMedianMs, rewritten.cpuMedianMs],
      wallMs: [before.medianMs, rewritten.medianMs],
    });
  }
  for (const f of previous ? [] : files()) {
    let doc = analyze(f.path, profile);
    const why = blocker(doc);
    if (why) {
      skipped.push(`${basename(f.path)}: ${why}`);
      continue;
    }
    // Scaled down: the largest multiple of 32 at most the budget's side at which the network
    // has no error (a side some of its concats or crops cannot take is passed over).
    const largest = smallerSide(doc);
    let side = largest;
    if (largest) {
      const macs = doc.analysis.totals.macs;
      let at: string | undefined;
      for (side = largest; side >= 64; side -= 32) {
        doc = analyze(f.path, profile, side);
        at = blocker(doc);
        if (!at) break;
      }
      if (at) {
        skipped.push(`${basename(f.path)}: ${(macs / 1e9).toFixed(1)} GMACs; at sides ${largest} to 64: ${at}`);
        continue;
      }
    }
    const est = doc.analysis.latency()!.totalMs;
    const r = await bench(ort, doc, est);
    const xeonDoc = analyze(f.path, xeon, side);
    const row: Row = {
      path: f.path,
      ...(side ? { sideOption: side } : {}),
      group: f.group,
      network: basename(f.path),
      side: doc.analysis.input![0],
      rescaled: side !== undefined,
      macs: doc.analysis.totals.macs,
      medianMs: r.medianMs,
      minMs: r.minMs,
      maxMs: r.maxMs,
      cpuMs: r.cpuMedianMs,
      cpuMinMs: r.cpuMinMs,
      estimateMs: est,
      xeonMs: xeonDoc.analysis.latency()?.totalMs ?? Number.NaN,
    };
    rows.push(row);
    // Kept as it goes: an interrupted run still leaves its measurements (--measured reads them).
    if (values.json)
      writeFileSync(
        values.json,
        JSON.stringify(
          {
            profile: profile.id,
            rows,
            skipped,
            rewrites: [],
            loads: [loadBefore, loadavg()],
            seconds: (Date.now() - started) / 1000,
            maxGmacs: MAX_MACS / 1e9,
          } satisfies Measured,
          null,
          2,
        ),
      );
    console.error(
      `${row.network} (${row.side}): CPU ${fmt(r.cpuMedianMs)} ms, wall ${fmt(r.medianMs)} ms (min ${fmt(r.minMs)}), estimated ${fmt(est)} ms (${signed(pct(est, r.cpuMedianMs))})`,
    );
  }
  // Measurements taken before: their estimates again, with the current model and profile.
  for (const old of previous?.rows ?? []) {
    const doc = analyze(old.path, profile, old.sideOption);
    const xeonDoc = analyze(old.path, xeon, old.sideOption);
    rows.push({ ...old, estimateMs: doc.analysis.latency()!.totalMs, xeonMs: xeonDoc.analysis.latency()!.totalMs });
  }
  const separable = rewrites.map((m) => {
    const doc = analyze(m.file, profile);
    const after = separableRewrite(doc, m.file);
    const predicted = doc.analysis.latency()!.totalMs / after.doc.analysis.latency()!.totalMs;
    const byCpu = m.cpuMs[0] / m.cpuMs[1];
    const byWall = m.wallMs[0] / m.wallMs[1];
    return `| \`${basename(m.file)}\` (${m.convs} convs) | ${fmt(m.cpuMs[0])} → ${fmt(m.cpuMs[1])} ms: ${byCpu.toFixed(2)}x | ${fmt(m.wallMs[0])} → ${fmt(m.wallMs[1])} ms: ${byWall.toFixed(2)}x | ${predicted.toFixed(2)}x | ${signed(pct(predicted, byCpu))} / ${signed(pct(predicted, byWall))} |`;
  });
  const loads = previous?.loads ?? [loadBefore, loadavg()];
  const seconds = previous?.seconds ?? (Date.now() - started) / 1000;
  const maxGmacs = previous ? (previous.maxGmacs ?? 2) : MAX_MACS / 1e9;
  const out: string[] = [];
  out.push(
    `Profile ${profile.id}; ${rows.length} networks measured in ${seconds.toFixed(0)} s${previous ? ` (measurements of ${values.measured})` : ''}, those over ${maxGmacs} GMACs at a smaller input side; load average ${loads[0]!.map((x) => x.toFixed(1)).join(' ')} before, ${loads[1]!.map((x) => x.toFixed(1)).join(' ')} after; onnxruntime-node, 1 thread.`,
    '',
    `| network | source | input | MACs | CPU ms per run: median (min) | wall ms: median (min–max) | estimate ${profile.id} | error vs CPU | estimate xeon-1t | error vs CPU |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of rows)
    out.push(
      `| \`${r.network}\` | ${r.group} | ${r.side}${r.rescaled ? ' (scaled)' : ''} | ${(r.macs / 1e9).toFixed(2)}G | ${fmt(r.cpuMs)} (${fmt(r.cpuMinMs)}) | ${fmt(r.medianMs)} (${fmt(r.minMs)}–${fmt(r.maxMs)}) | ${fmt(r.estimateMs)} | ${signed(pct(r.estimateMs, r.cpuMs))} | ${fmt(r.xeonMs)} | ${signed(pct(r.xeonMs, r.cpuMs))} |`,
    );
  out.push('');
  out.push(
    `- ${summary(
      `${profile.id} vs CPU time (median)`,
      rows,
      (r) => r.estimateMs,
      (r) => r.cpuMs,
    )}`,
  );
  out.push(
    `- ${summary(
      `${profile.id} vs wall time (median)`,
      rows,
      (r) => r.estimateMs,
      (r) => r.medianMs,
    )}`,
  );
  out.push(
    `- ${summary(
      'xeon-1t vs CPU time (median)',
      rows,
      (r) => r.xeonMs,
      (r) => r.cpuMs,
    )}`,
  );
  out.push(
    `- ${summary(
      'MACs vs CPU time (rank only)',
      rows,
      (r) => r.macs,
      (r) => r.cpuMs,
    ).replace(/, median abs.*$/, '')}`,
  );
  if (separable.length) {
    out.push(
      '',
      `| separable rewrite | measured CPU time (median) | measured wall time (median) | predicted on ${profile.id} | predicted vs measured (CPU / wall) |`,
    );
    out.push('|---|---|---|---|---|', ...separable);
  }
  if (skipped.length) out.push('', `Not measured (${skipped.length}):`, ...skipped.map((s) => `- ${s}`));
  console.log(out.join('\n'));
  const measured: Measured = { profile: profile.id, rows, skipped, rewrites, loads, seconds, maxGmacs };
  if (values.json) writeFileSync(values.json, JSON.stringify(measured, null, 2));
}

main().catch((e) => fail((e as Error).stack ?? String(e)));
