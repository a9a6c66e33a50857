// Fitting a target profile's figures (./targets.ts) to measured kernel times (`layerlint
// calibrate`, docs/latency.md#calibrate-a-profile-for-this-machine). Pure: samples in, figures out; nothing here runs
// anything. Contract: the fitted figures are the ones the estimate (./latency.ts) reads, fitted
// to the same roofline it computes, t = max(work / (rate[kind] × efficiency), bytes / bandwidth)
// (efficiency: a conv's, from its GEMM shape and the kind's half-rate points), with the
// cache's bandwidth for a working set that fits the given cache size and main memory's for a
// larger one, on each
// kernel's own (fastest profiled) time, scaled to a typical run (the whole-run CPU time of the
// same micro-benchmarks), and the per-kernel overhead is the slope of whole-run time over
// kernel count; each fit minimises the sum of absolute log errors (a relative error that
// one slow, disturbed sample cannot dominate), over candidate values the samples themselves give.
import type { GemmShape } from './latency';
import type { GemmKind, HalfRate, RateKind } from './targets';

/**
 * One measured kernel: its kind, work and bytes as the estimate counts them (a strided
 * depthwise conv's work before the strided factor), and its time.
 */
export interface KernelSample {
  kind: RateKind;
  work: number;
  bytes: number;
  ms: number;
  /** A depthwise conv with stride > 1. */
  strided?: boolean;
  /** A conv's GEMM shape (output pixels per image, depth), for the kind's efficiency. */
  gemm?: GemmShape;
}

/** One run of a chain of `kernels` tiny kernels: its whole-run time. */
export interface ChainSample {
  kernels: number;
  ms: number;
}

/**
 * One micro-benchmark as a whole: its typical (median) whole-run CPU time, the sum of its
 * kernels' fastest profiled times, and how many kernels it runs.
 */
export interface RunSample {
  ms: number;
  kernelSumMs: number;
  kernels: number;
}

export interface FittedFigures {
  rates: Record<RateKind, number>;
  /**
   * Per conv kind with GEMM shapes among its samples: where it runs at half its rate (0 for a
   * dimension its samples do not vary).
   */
  efficiency: Partial<Record<GemmKind, HalfRate>>;
  /** Bandwidth of main memory (beyond the cache, with a cache size), else of every copy. */
  bytesPerMs: number;
  /** With a cache size: the bandwidth of working sets that fit it. */
  cacheBytesPerMs?: number;
  kernelMs: number;
  /** Work factor of strided depthwise convs (1 without strided samples). */
  stridedDepthwise: number;
  /**
   * How much longer a typical run's kernels take than their fastest profiled times (cache
   * and memory traffic of a run in full, the profiler's own cost): the median over the
   * given runs (networks of many kernels, whose input and output are small beside their
   * work) of (run time − fixed run cost − kernels · overhead) / kernel sum. Rates
   * and bandwidth are already divided by it.
   */
  typicalFactor: number;
}

const KINDS: readonly RateKind[] = ['dense', 'pointwise', 'depthwise', 'elementwise'];

/** Σ |log(predicted / measured)| over the samples. */
function logError(samples: readonly KernelSample[], predict: (s: KernelSample) => number): number {
  let e = 0;
  for (const s of samples) e += Math.abs(Math.log(predict(s) / s.ms));
  return e;
}

/** The candidate that gives the smallest log error (the smallest of equals). */
function best(candidates: readonly number[], error: (c: number) => number): number {
  let pick = candidates[0]!;
  let least = Number.POSITIVE_INFINITY;
  for (const c of [...candidates].sort((a, b) => a - b)) {
    const e = error(c);
    if (e < least) {
      least = e;
      pick = c;
    }
  }
  return pick;
}

/** Half-rate candidates: 0 (no loss) and 1 to 16384 in steps of √2. */
const HALF_RATES = [0, ...Array.from({ length: 29 }, (_, i) => 2 ** (i / 2))];

/** The fraction of the rate a sample runs at with half-rate points `half`. */
function efficiencyOf(s: KernelSample, half: HalfRate): number {
  return s.gemm ? (s.gemm.pixels / (s.gemm.pixels + half.pixels)) * (s.gemm.depth / (s.gemm.depth + half.depth)) : 1;
}

/**
 * A kind's rate and, where its samples have GEMM shapes, its half-rate points: for each pair
 * of candidates (a dimension the samples do not vary stays 0), the rate that fits best; the
 * pair whose best fit has the least log error.
 */
function fitKind(
  samples: readonly KernelSample[],
  moveMs: (bytes: number) => number,
): { rate: number; half?: HalfRate } {
  const shaped = samples.filter((s) => s.gemm);
  const varies = (dim: keyof GemmShape) => new Set(shaped.map((s) => s.gemm![dim])).size > 1;
  const pixelCandidates = varies('pixels') ? HALF_RATES : [0];
  const depthCandidates = varies('depth') ? HALF_RATES : [0];
  let fit = { rate: 0, half: { pixels: 0, depth: 0 }, error: Number.POSITIVE_INFINITY };
  for (const pixels of pixelCandidates)
    for (const depth of depthCandidates) {
      const half = { pixels, depth };
      const predict = (rate: number) => (s: KernelSample) =>
        Math.max(s.work / (rate * efficiencyOf(s, half)), moveMs(s.bytes));
      const rate = best(
        samples.map((s) => s.work / (s.ms * efficiencyOf(s, half))),
        (r) => logError(samples, predict(r)),
      );
      const error = logError(samples, predict(rate));
      if (error < fit.error) fit = { rate, half, error };
    }
  return shaped.length ? { rate: fit.rate, half: fit.half } : { rate: fit.rate };
}

/** The bandwidth that fits copies of `bytes` per ms best. */
function fitBandwidth(copies: readonly KernelSample[]): number {
  return best(
    copies.map((s) => s.bytes / s.ms),
    (bw) => logError(copies, (s) => s.bytes / bw),
  );
}

/**
 * Bandwidth from pure copies (work 0): with `cacheBytes`, one from the copies whose working
 * set fits it (the cache's) and one from the larger ones (main memory's). Then each kind's peak rate with that bandwidth fixed:
 * the rate that fits its samples best (depthwise: the stride-1 ones), with, for a conv kind,
 * the half-rate points of its GEMM shape fitted with it (over the shapes its samples sweep); a kind whose samples are
 * all memory-bound gets the lowest rate that keeps them so. Then the work factor of strided
 * depthwise convs (at least 1) at that rate. Last, with `runs`, rates and bandwidth are
 * (both) divided by the typical-run factor (at least 1), so that the profile estimates a typical
 * run, not the fastest kernels. Kernel overhead: the least-squares slope of
 * whole-run time over kernel count (at least 0). Throws when a kind or the copies or the
 * chains have no samples: every figure must come from a measurement.
 */
export function fitFigures(
  kernels: readonly KernelSample[],
  chains: readonly ChainSample[],
  runs: readonly RunSample[] = [],
  cacheBytes?: number,
): FittedFigures {
  const copies = kernels.filter((s) => s.work === 0);
  if (!copies.length) throw new Error('no copy samples: the bandwidth cannot be fitted');
  const resident = cacheBytes === undefined ? [] : copies.filter((s) => s.bytes <= cacheBytes);
  const beyond = cacheBytes === undefined ? copies : copies.filter((s) => s.bytes > cacheBytes);
  if (cacheBytes !== undefined && (!resident.length || !beyond.length))
    throw new Error(`the cache bandwidth needs copies of working sets both within and beyond ${cacheBytes} bytes`);
  const bytesPerMs = fitBandwidth(beyond);
  const cacheBytesPerMs = resident.length ? fitBandwidth(resident) : undefined;
  const moveMs = (bytes: number) =>
    cacheBytesPerMs !== undefined && bytes <= cacheBytes! ? bytes / cacheBytesPerMs : bytes / bytesPerMs;
  const rates = {} as Record<RateKind, number>;
  const efficiency: Partial<Record<GemmKind, HalfRate>> = {};
  for (const kind of KINDS) {
    const samples = kernels.filter((s) => s.kind === kind && s.work > 0 && !s.strided);
    if (!samples.length) throw new Error(`no ${kind} samples: its rate cannot be fitted`);
    const fit = fitKind(samples, moveMs);
    rates[kind] = fit.rate;
    if (fit.half && kind !== 'elementwise') efficiency[kind] = fit.half;
  }
  // Strided depthwise convs: the work factor that fits them best at the stride-1 rate and efficiency.
  const strided = kernels.filter((s) => s.kind === 'depthwise' && s.work > 0 && s.strided);
  const dwHalf = efficiency.depthwise ?? { pixels: 0, depth: 0 };
  const dwMs = (s: KernelSample, f: number) => (s.work * f) / (rates.depthwise * efficiencyOf(s, dwHalf));
  const stridedDepthwise = strided.length
    ? best(
        strided.map((s) => Math.max(1, s.ms / dwMs(s, 1))),
        (f) => logError(strided, (s) => Math.max(dwMs(s, f), moveMs(s.bytes))),
      )
    : 1;
  if (chains.length < 2 || chains.every((c) => c.kernels === chains[0]!.kernels))
    throw new Error('the kernel overhead needs chains of at least two lengths');
  const n = chains.length;
  const mx = chains.reduce((a, c) => a + c.kernels, 0) / n;
  const my = chains.reduce((a, c) => a + c.ms, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const c of chains) {
    sxy += (c.kernels - mx) * (c.ms - my);
    sxx += (c.kernels - mx) ** 2;
  }
  const kernelMs = Math.max(0, sxy / sxx);
  const runMs = my - kernelMs * mx;
  const ratios = runs
    .filter((r) => r.kernelSumMs > 0)
    .map((r) => (r.ms - runMs - r.kernels * kernelMs) / r.kernelSumMs)
    .sort((a, b) => a - b);
  const typicalFactor = ratios.length ? Math.max(1, ratios[ratios.length >> 1]!) : 1;
  for (const kind of KINDS) rates[kind] /= typicalFactor;
  return {
    rates,
    efficiency,
    bytesPerMs: bytesPerMs / typicalFactor,
    ...(cacheBytesPerMs !== undefined ? { cacheBytesPerMs: cacheBytesPerMs / typicalFactor } : {}),
    kernelMs,
    stridedDepthwise,
    typicalFactor,
  };
}
