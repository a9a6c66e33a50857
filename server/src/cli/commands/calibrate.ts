// `layerlint calibrate`: a target profile for this machine, fitted to micro-benchmarks run
// through the bench machinery (docs/latency.md#calibrate-a-profile-for-this-machine). Each micro-benchmark is a small
// `.layers` network analysed, written as ONNX (export/onnx.ts) and measured by ONNX Runtime
// (./bench/measure.ts) like any `bench` file; its kernels' kinds, work and bytes are the ones
// the estimate counts (core/latency.ts), so the fit (core/calibration.ts) is of the estimate's
// own formula. The cache size is the largest data cache of one core that no other core shares
// (Linux sysfs); copies of working sets within and beyond it give the two bandwidths. Fusion is read from the kernels the runtime runs; the per-kernel overhead from
// whole-run CPU times of chains of tiny kernels of three lengths.
//
// Exit: 0 written; 2 usage, I/O, or ONNX Runtime not installed.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fitFigures, type ChainSample, type KernelSample, type RunSample } from '../../core/calibration';
import { ACTIVATIONS, type Activation } from '../../core/ir';
import { ms } from '../../core/latency';
import { bandwidth, gemmEfficiency, parseTargetProfile, type TargetProfile, type WorkOp } from '../../core/targets';
import { analyzeSource } from '../../engine/analyzeSource';
import { exportOnnx } from '../../export/onnx';
import { oneOf, parseCommandArgs, positiveInteger } from '../args';
import { collectGarbage, loadRuntime, measure, type BenchOptions, type BenchResult } from '../bench/measure';
import { EXIT, UsageError, type Io } from '../io';
import type { Command } from './types';

const HELP = `Usage: layerlint calibrate [options]

Fits a latency target profile for this machine: runs micro-benchmarks (dense 3x3 convs,
pointwise 1x1 convs and fc, depthwise 3x3 convs at stride 1 and 2, a sweep of conv output
sizes and depths, element-wise ops, copies, chains of tiny kernels) through ONNX Runtime as
'layerlint bench' does, fits the profile's peak rate and GEMM-shape efficiency per op
kind, bandwidth, per-kernel overhead and fusion to the estimate's roofline, and writes the
profile as JSON (for --target FILE or the "targets" of layerlint.json;
docs/latency.md#calibrate-a-profile-for-this-machine). Takes under a minute; other work on
the machine slows the figures down, so the load average is written into the profile. Run
it as NODE_OPTIONS=--expose-gc layerlint calibrate: V8's garbage is then collected before
each micro-benchmark, so that its background collector adds no CPU time to them.

Options:
  --threads N        intra-op threads (default 1)
  --id NAME          the profile's id (default calibrated-Nt)
  --out FILE         write the profile there (default: stdout)
  --warmup N         runs before timing, per micro-benchmark (default 5)
  --repeats N        timed runs, per micro-benchmark (default 30)
  --format FORMAT    text summary on stderr (default) or json (the fit's samples on stdout
                     after the profile, for --out FILE)
  -h, --help         this help
`;

/** A micro-benchmark: a `.layers` network whose kernels are samples of the figures. */
interface Micro {
  name: string;
  text: string;
  /** A network of many kernels whose whole-run CPU time gives the typical-run factor. */
  typical?: boolean;
}

const CHANNEL_GRANULARITY = 16;

/** Dense 3x3 convs (input side, input channels, output channels, stride): stems and body layers. */
const DENSE: [number, number, number, number][] = [
  [224, 3, 32, 2],
  [112, 3, 16, 1],
  [112, 32, 64, 1],
  [56, 64, 64, 1],
  [28, 128, 128, 1],
  [14, 256, 256, 1],
  [7, 512, 512, 1],
  [56, 64, 128, 2],
];
const POINTWISE: [number, number, number][] = [
  [112, 32, 64],
  [56, 64, 128],
  [28, 128, 256],
  [14, 256, 512],
  [7, 512, 1024],
  [7, 1024, 1024],
];
const DEPTHWISE: [number, number, number][] = [
  [112, 32, 1],
  [56, 128, 1],
  [28, 256, 1],
  [14, 512, 1],
  [7, 1024, 1],
  [112, 64, 2],
  [56, 128, 2],
  [28, 256, 2],
  [14, 512, 2],
];
const TENSORS: [number, number][] = [
  [112, 64],
  [56, 128],
  [28, 256],
  [14, 512],
];
/** Copies (a concat of a tensor with itself; working set 16 bytes per element): 0.2 to 25.6 MB. */
const COPIES: [number, number][] = [
  [7, 256],
  [14, 256],
  [28, 128],
  [14, 512],
  [28, 256],
  [56, 128],
  [112, 64],
  [112, 128],
];
/**
 * The GEMM-shape sweep (for each conv kind's efficiency): output sides, and the input
 * channels of dense 3x3 convs (to 64), of pointwise 1x1 convs (to 128) and of depthwise 3x3
 * convs; dense convs over a GMAC are left out (time).
 */
const SWEEP_SIDES = [7, 14, 28, 56, 112];
const SWEEP_DENSE = [3, 16, 64, 256];
const SWEEP_POINTWISE = [16, 32, 64, 128, 256, 512];
const SWEEP_DEPTHWISE = [32, 256];
/** The tensor each activation is timed on: 56 x 56 x 128. */
const ACT_ELEMENTS = 56 * 56 * 128;
const ACT_INPUT = 'input 56x56x128\n';
/**
 * Element-wise ops timed alone for their work per counted operation (opWork): Caffe's LRN
 * (the .layers language has none) and max and average pooling.
 */
const WORK_MICROS: { op: WorkOp; name: string; file: string; text: string }[] = [
  {
    op: 'lrn',
    name: 'lrn 5 on 27x27x96',
    file: 'calibrate.prototxt',
    text: 'input: "data"\ninput_shape { dim: 1 dim: 96 dim: 27 dim: 27 }\nlayer { name: "n" type: "LRN" bottom: "data" top: "n" lrn_param { local_size: 5 } }\n',
  },
  {
    op: 'pool',
    name: 'maxpool 3 stride 2 on 56x56x64',
    file: 'calibrate.layers',
    text: 'input 56x56x64\np: maxpool 3 stride=2\n',
  },
  { op: 'pool', name: 'avgpool 2 on 56x56x64', file: 'calibrate.layers', text: 'input 56x56x64\np: avgpool 2\n' },
];
/** Tiny-kernel chain lengths: the overhead is the slope of run time over them. */
const CHAINS = [20, 80, 160];

function micros(): Micro[] {
  const list: Micro[] = [];
  for (const [h, ci, co, s] of DENSE)
    list.push({
      name: `dense ${h}x${h}x${ci}→${co} s${s}`,
      text: `input ${h}x${h}x${ci}\nc: conv ${co} 3x3 stride=${s}\n`,
    });
  for (const [h, ci, co] of POINTWISE)
    list.push({ name: `pointwise ${h}x${h}x${ci}→${co}`, text: `input ${h}x${h}x${ci}\nc: conv ${co} 1x1\n` });
  list.push({ name: 'fc 4096→1000', text: 'input 1x1x4096\nf: fc 1000\n' });
  list.push({ name: 'fc 1024→1000', text: 'input 1x1x1024\nf: fc 1000\n' });
  list.push({ name: 'fc 512→1000', text: 'input 1x1x512\nf: fc 1000\n' });
  for (const [h, c, s] of DEPTHWISE)
    list.push({ name: `depthwise ${h}x${h}x${c} s${s}`, text: `input ${h}x${h}x${c}\nd: dwconv 3x3 stride=${s}\n` });
  for (const h of SWEEP_SIDES) {
    for (const ci of SWEEP_DENSE)
      if (h * h * ci * 64 * 9 <= 1e9)
        list.push({ name: `dense sweep ${h}x${h}x${ci}→64`, text: `input ${h}x${h}x${ci}\nc: conv 64 3x3\n` });
    for (const ci of SWEEP_POINTWISE)
      list.push({ name: `pointwise sweep ${h}x${h}x${ci}→128`, text: `input ${h}x${h}x${ci}\nc: conv 128 1x1\n` });
    for (const c of SWEEP_DEPTHWISE)
      list.push({ name: `depthwise sweep ${h}x${h}x${c}`, text: `input ${h}x${h}x${c}\nd: dwconv 3x3\n` });
  }
  for (const [h, c] of TENSORS)
    list.push({
      name: `element-wise ${h}x${h}x${c}`,
      text: `input ${h}x${h}x${c}\na: sigmoid\nb: tanh\ns: add a b\nm: mul s a\n`,
    });
  for (const [h, c] of COPIES)
    list.push({ name: `copy ${h}x${h}x${c}`, text: `input ${h}x${h}x${c}\na: relu\nc: concat a a\n` });
  const repeat = (n: number, line: string) => Array.from({ length: n }, () => line).join('');
  list.push({
    name: 'network of 6 dense convs',
    text: `input 28x28x128\n${repeat(6, 'conv 128 3x3 | bn | relu\n')}`,
    typical: true,
  });
  list.push({
    name: 'network of 8 separable blocks',
    text: `input 28x28x256\n${repeat(8, 'dwconv 3x3 | bn | relu | conv 256 1x1 | bn | relu\n')}`,
    typical: true,
  });
  return list;
}

/** A chain of `n` tiny element-wise kernels (no fusion possible: none follows a conv). */
const chain = (n: number) =>
  `input 4x4x16\n${Array.from({ length: n }, (_, i) => `t${i}: ${i % 2 ? 'tanh' : 'sigmoid'}\n`).join('')}`;

/** Bytes of a sysfs cache size: `2048K`, `48K`, `1M`. */
function sizeBytes(text: string): number | undefined {
  const m = /^(\d+)([KMG]?)$/.exec(text.trim());
  return m ? Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as '' | 'K' | 'M' | 'G'] : undefined;
}

/**
 * The largest data (or unified) cache of CPU 0 that no other CPU shares, in bytes, read from
 * Linux sysfs; undefined where sysfs does not say (one bandwidth is fitted then).
 */
function privateCacheBytes(): number | undefined {
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  if (!existsSync(dir)) return undefined;
  let largest: number | undefined;
  for (const index of readdirSync(dir).filter((d) => /^index\d+$/.test(d))) {
    const read = (f: string) => {
      try {
        return readFileSync(join(dir, index, f), 'utf8').trim();
      } catch {
        return '';
      }
    };
    if (read('type') === 'Instruction' || read('shared_cpu_list') !== '0') continue;
    const bytes = sizeBytes(read('size'));
    if (bytes !== undefined && (largest === undefined || bytes > largest)) largest = bytes;
  }
  return largest;
}

/** The profile every micro-benchmark is analysed with: its rates are not read, only kinds, work and bytes. */
function provisional(fusesBn: boolean, fused: Activation[]): TargetProfile {
  return {
    id: 'calibrating',
    summary: 'provisional',
    precision: 'fp32',
    bytesPerElement: 4,
    rates: { dense: 1, pointwise: 1, depthwise: 1, elementwise: 1 },
    bytesPerMs: 1,
    kernelMs: 0,
    fuses: [...(fusesBn ? (['bn', 'scale'] as const) : []), ...(fused.length ? (['act'] as const) : [])],
    fusedActivations: fused,
    channelGranularity: CHANNEL_GRANULARITY,
    sources: ['provisional'],
  };
}

type Ort = Exclude<ReturnType<typeof loadRuntime>, string>;

async function run(ort: Ort, text: string, profile: TargetProfile, o: BenchOptions, file = 'calibrate.layers') {
  const doc = analyzeSource(text, file, { profiles: [profile], target: profile.id });
  const written = exportOnnx(doc.analysis);
  if (!written.bytes) throw new Error(`calibrate: a micro-benchmark cannot be written: ${written.problems.join('; ')}`);
  const result: BenchResult = await measure(ort, written.bytes, written.layerOf, doc.analysis, o);
  return { doc, result };
}

export const calibrate: Command = {
  name: 'calibrate',
  summary: 'fit a latency target profile for this machine from micro-benchmarks (ONNX Runtime)',
  help: HELP,
  async run(argv, io) {
    const { values } = parseCommandArgs('calibrate', argv, {
      threads: { type: 'string' },
      id: { type: 'string' },
      out: { type: 'string' },
      warmup: { type: 'string' },
      repeats: { type: 'string' },
      format: { type: 'string' },
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', 'text');
    const threads = positiveInteger(values.threads, 'threads', 1024) ?? 1;
    const o: BenchOptions = {
      threads,
      warmup: values.warmup === undefined ? 5 : positiveInteger(values.warmup, 'warmup', 1000)!,
      repeats: positiveInteger(values.repeats, 'repeats', 10_000) ?? 30,
    };
    const id = values.id ?? `calibrated-${threads}t`;
    const ort = loadRuntime();
    if (typeof ort === 'string') throw new UsageError(ort);
    const load = loadavg()[0]!;
    const started = new Date();
    const progress = (line: string) => io.err(`layerlint calibrate: ${line}\n`);
    if (!collectGarbage())
      progress(
        "V8's gc is not exposed: the CPU times of the chains and networks can include V8's background collector (NODE_OPTIONS=--expose-gc layerlint calibrate collects before each micro-benchmark)",
      );

    // Fusion: a conv + BN (+ activation) that runs as many kernels as the conv alone (layout
    // conversions included) fuses them.
    const kernelsOf = async (tail: string) =>
      (await run(ort, `input 28x28x32\nc: conv 32 3x3${tail}\n`, provisional(false, []), o)).result.kernelsPerRun;
    const alone = await kernelsOf('');
    const probe = async (tail: string) => (await kernelsOf(` | bn${tail}`)) === alone;
    const fusesBn = await probe('');
    const fused: Activation[] = [];
    for (const fn of ACTIVATIONS) if (fn !== 'softmax' && fn !== 'linear' && (await probe(` | ${fn}`))) fused.push(fn);
    progress(`fusion: BN ${fusesBn ? 'fused' : 'not fused'}; activations fused: ${fused.join(', ') || 'none'}`);
    // Each activation on its own (after an add, nothing to fuse into): its kernels, against the
    // add alone, and its fastest time, for its work per element once the rates are fitted.
    const plain = (await run(ort, `${ACT_INPUT}r: relu\ns: add r r\n`, provisional(false, []), o)).result;
    const activationKernels: Partial<Record<Activation, number>> = {};
    const activationTimes: { fn: Activation; ms: number; kernels: number }[] = [];
    for (const fn of ACTIVATIONS) {
      if (fn === 'linear') continue;
      const r = (await run(ort, `${ACT_INPUT}r: relu\ns: add r r\na: ${fn}\n`, provisional(false, []), o)).result;
      const n = Math.max(1, Math.round(r.kernelsPerRun - plain.kernelsPerRun));
      if (n > 1) activationKernels[fn] = n;
      const own = r.layers.find((t) => t.layer === 2);
      if (own) activationTimes.push({ fn, ms: own.minMs, kernels: n });
    }
    progress(
      `activations of more than one kernel: ${
        Object.entries(activationKernels)
          .map(([fn, n]) => `${fn} ${n}`)
          .join(', ') || 'none'
      }`,
    );

    const profile0 = provisional(fusesBn, fused);
    // LRN and pooling alone: their kernel's fastest time, counted operations and bytes.
    const workTimes: { op: WorkOp; ms: number; work: number; bytes: number }[] = [];
    for (const m of WORK_MICROS) {
      const { doc, result } = await run(ort, m.text, profile0, o, m.file);
      const i = doc.analysis.layers.findIndex((l) => l.layer.op.kind === m.op);
      const k = doc.analysis.latency()?.layers[i];
      const own = result.layers.find((t) => t.layer === i);
      if (own && k?.runs === 'kernel') workTimes.push({ op: m.op, ms: own.minMs, work: k.work, bytes: k.bytes });
      progress(`${m.name}: ${own ? ms(own.minMs) : 'no kernel of its own'} (fastest run)`);
    }
    const kernels: (KernelSample & { micro: string })[] = [];
    const runs: RunSample[] = [];
    for (const m of micros()) {
      const { doc, result } = await run(ort, m.text, profile0, o);
      if (m.typical)
        runs.push({
          ms: result.cpuMedianMs,
          kernelSumMs: result.layers.reduce((s, t) => s + t.minMs, result.otherMs),
          kernels: result.kernelsPerRun,
        });
      const est = doc.analysis.latency()!;
      for (const t of result.layers) {
        const k = est.layers[t.layer];
        const op = doc.analysis.layers[t.layer]!.layer.op;
        const strided = op.kind === 'dwconv' && op.sh * op.sw > 1;
        if (k?.runs === 'kernel')
          kernels.push({
            micro: m.name,
            kind: k.kind,
            work: k.work,
            bytes: k.bytes,
            ms: t.minMs,
            strided,
            ...(k.gemm ? { gemm: k.gemm } : {}),
          });
      }
      progress(`${m.name}: ${ms(result.minMs)} (fastest run)`);
    }
    const chains: ChainSample[] = [];
    for (const n of CHAINS) {
      const { result } = await run(ort, chain(n), profile0, o);
      chains.push({ kernels: n, ms: result.cpuMedianMs });
      progress(`chain of ${n} tiny kernels: ${ms(result.cpuMedianMs)} CPU time per run (median)`);
    }
    const cacheBytes = privateCacheBytes();
    const fit = fitFigures(kernels, chains, runs, cacheBytes);
    // Work per element of each activation: its typical time over what one element operation
    // per element takes at the fitted rate (1 when it is memory-bound or faster).
    const fitted = { ...profile0, bytesPerMs: fit.bytesPerMs, cacheBytes, cacheBytesPerMs: fit.cacheBytesPerMs };
    const activationWork: Partial<Record<Activation, number>> = {};
    for (const a of activationTimes) {
      const typical = a.ms * fit.typicalFactor;
      const memory = (a.kernels * 2 * ACT_ELEMENTS * 4) / bandwidth(fitted, a.kernels * 2 * ACT_ELEMENTS * 4);
      const work = (typical * fit.rates.elementwise) / (a.kernels * ACT_ELEMENTS);
      if (typical > memory && work > 1.05) activationWork[a.fn] = Math.round(work * 100) / 100;
    }
    // Work per counted operation of LRN and pooling: the factor at which the kernel's compute
    // time at the fitted rate is its typical time, the median over the op's micro-benchmarks
    // (a kernel faster than its bytes allow gets a factor that leaves it memory-bound).
    const opWork: Partial<Record<WorkOp, number>> = {};
    for (const op of new Set(workTimes.map((w) => w.op))) {
      const factors = workTimes
        .filter((w) => w.op === op)
        .map((w) => (w.ms * fit.typicalFactor * fit.rates.elementwise) / w.work)
        .sort((a, b) => a - b);
      const m = factors.length >> 1;
      const median = factors.length % 2 ? factors[m]! : (factors[m - 1]! + factors[m]!) / 2;
      opWork[op] = Math.round(median * 1000) / 1000;
    }
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    const profile = {
      id,
      summary: `This machine (${cpu}), ONNX Runtime CPU, ${threads} thread${threads > 1 ? 's' : ''}, fp32 (fitted by layerlint calibrate)`,
      precision: 'fp32',
      bytesPerElement: 4,
      rates: fit.rates,
      bytesPerMs: fit.bytesPerMs,
      ...(cacheBytes !== undefined ? { cacheBytes, cacheBytesPerMs: fit.cacheBytesPerMs } : {}),
      efficiency: fit.efficiency,
      kernelMs: fit.kernelMs,
      stridedDepthwise: fit.stridedDepthwise,
      fuses: profile0.fuses,
      fusedActivations: fused,
      activationKernels,
      activationWork,
      opWork,
      channelGranularity: CHANNEL_GRANULARITY,
      sources: [
        `Fitted by layerlint calibrate on ${started.toISOString()}: ${cpu}, ${cpus().length} logical cores, load average ${load.toFixed(2)} at the start; ${ort.env.versions.node ? `onnxruntime-node ${ort.env.versions.node}` : 'onnxruntime-node'}, ${threads} intra-op thread${threads > 1 ? 's' : ''}, all graph optimisations, sequential.`,
        `${kernels.length} kernels of ${micros().length} micro-benchmarks (dense 3x3, pointwise 1x1 and fc, depthwise 3x3 at stride 1 and 2, element-wise, copies of ${COPIES.map(([h, c]) => `${((16 * h * h * c) / 1e6).toFixed(1)}`).join(', ')} MB working sets): the fastest of ${o.repeats} profiled runs after ${o.warmup} warm-up each (the least disturbed by other work), fitted to t = max(work / (rate[kind] × efficiency), bytes / bandwidth) by least absolute log error, efficiency = pixels / (pixels + P) × depth / (depth + D) for a conv (output pixels per image, GEMM depth C_in/groups × K_h × K_w), each conv kind's half-rate points P and D fitted with its rate on a sweep of output sides ${SWEEP_SIDES.join(', ')} and input channels (dense 3x3: ${SWEEP_DENSE.join(', ')}; pointwise 1x1: ${SWEEP_POINTWISE.join(', ')}; depthwise 3x3: ${SWEEP_DEPTHWISE.join(', ')}; a dimension a kind's samples do not vary stays 0): ${Object.entries(
          fit.efficiency,
        )
          .map(([k, h]) => `${k} P ${h.pixels.toFixed(1)}, D ${h.depth.toFixed(1)}`)
          .join(
            '; ',
          )}${cacheBytes !== undefined ? `, with the bandwidth of copies whose working set fits the ${cacheBytes / 1024} KiB cache (the largest cache of one core not shared with another, from /sys/devices/system/cpu/cpu0/cache) for kernels whose inputs, output and weights fit it and the bandwidth of larger copies for the rest` : ''}, then rates and bandwidth divided by ${fit.typicalFactor.toFixed(3)}, the median ratio of the whole-run CPU time (median, less the fixed run cost and kernel overheads) of ${runs.length} networks of many kernels to their kernels' fastest times; kernel overhead: the slope of the median whole-run CPU time over chains of ${CHAINS.join(', ')} tiny kernels.`,
        `Fusion as the runtime ran it: conv + BN as ${fusesBn ? 'one kernel' : 'two'}; activations fused into the conv: ${fused.join(', ') || 'none'}; activations' work per element above 1 (each timed alone on 56x56x128): ${
          Object.entries(activationWork)
            .map(([fn, n]) => `${fn} ${n}`)
            .join(', ') || 'none'
        }; LRN and pooling, element operations per counted one (each timed alone: ${WORK_MICROS.map((m) => m.name).join('; ')}): ${
          Object.entries(opWork)
            .map(([op, n]) => `${op} ${n}`)
            .join(', ') || 'none fitted'
        }; activations run as more than one kernel: ${
          Object.entries(activationKernels)
            .map(([fn, n]) => `${fn} ${n}`)
            .join(', ') || 'none'
        }. Channel granularity ${CHANNEL_GRANULARITY}: one AVX-512 register of fp32 values.`,
      ],
    };
    const checked = parseTargetProfile(profile);
    if (!checked.profile) throw new Error(`calibrate: the fitted profile is invalid: ${checked.errors.join('; ')}`);
    const json = `${JSON.stringify(profile, null, 2)}\n`;
    if (values.out !== undefined) {
      try {
        writeFileSync(resolve(io.cwd, values.out), json);
      } catch (e) {
        throw new UsageError(`cannot write ${values.out}: ${(e as Error).message}`);
      }
    } else io.out(json);
    if (format === 'json' && values.out !== undefined)
      io.out(`${JSON.stringify({ profile, kernels, chains }, null, 2)}\n`);
    summarize(io, fit, fitted, kernels, values.out);
    return EXIT.ok;
  },
};

/** The fitted figures and how well each kind's samples fit them, on stderr. */
function summarize(
  io: Io,
  fit: ReturnType<typeof fitFigures>,
  fitted: TargetProfile,
  kernels: readonly (KernelSample & { micro: string })[],
  out: string | undefined,
): void {
  const lines = [
    `rates (M per ms)  ${Object.entries(fit.rates)
      .map(([k, v]) => `${k} ${(v / 1e6).toFixed(2)}`)
      .join(', ')}`,
  ];
  lines.push(
    `bandwidth         ${(fit.bytesPerMs / 1e6).toFixed(2)} MB/ms${fitted.cacheBytes !== undefined ? ` (within the ${fitted.cacheBytes / 1024} KiB cache: ${(fit.cacheBytesPerMs! / 1e6).toFixed(2)} MB/ms)` : ''}; kernel overhead ${ms(fit.kernelMs)}; strided depthwise work x${fit.stridedDepthwise.toFixed(2)}; typical run x${fit.typicalFactor.toFixed(3)} (rates and bandwidth divided by it; the fit below is before)`,
  );
  lines.push(
    `efficiency        half rate at ${Object.entries(fit.efficiency)
      .map(([k, h]) => `${k}: ${h.pixels.toFixed(1)} pixels, depth ${h.depth.toFixed(1)}`)
      .join('; ')}`,
  );
  const withEfficiency = { ...fitted, efficiency: fit.efficiency };
  for (const s of kernels) {
    const work = s.work * (s.strided ? fit.stridedDepthwise : 1);
    const efficiency = s.gemm ? gemmEfficiency(withEfficiency, s.kind, s.gemm.pixels, s.gemm.depth) : 1;
    const est =
      Math.max(work / (fit.rates[s.kind] * efficiency), s.bytes / bandwidth(fitted, s.bytes)) / fit.typicalFactor;
    lines.push(
      `  ${s.micro.padEnd(32)} ${s.kind.padEnd(11)} measured ${ms(s.ms).padStart(10)}  fit ${ms(est).padStart(10)}`,
    );
  }
  if (out !== undefined) lines.push(`written to ${out}`);
  io.err(`${lines.join('\n')}\n`);
}
