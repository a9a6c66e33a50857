// Measured latency on this machine (`layerlint bench`, docs/latency.md#measured): the network
// written as ONNX with random weights (export/onnx.ts) and run by ONNX Runtime for Node, an
// optional dependency loaded only here. Whole-network times are wall-clock and CPU time per run after
// warm-up runs (median, min, max); CPU time is every thread's (process.cpuUsage), and where
// the process exposes V8's gc, the garbage of the analysis and the ONNX writing is collected
// before the warm-up, so that V8's background collector threads, which the process's CPU
// time counts, do not work during the timed runs. Per-layer times come from ONNX Runtime's profiler, its
// kernels mapped back to layers: a kernel named after a layer, or after a layer's output
// tensor (what ONNX Runtime calls a fused Conv + BN + activation), belongs to that layer, and
// one that ends a fused chain belongs to the chain's first layer (the conv). Kernels of no
// layer (layout reorders) are summed apart. Node-only.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '../../core/analysis';
import type { BenchTimes } from '../../engine/bench';

export interface BenchOptions {
  threads: number;
  warmup: number;
  repeats: number;
  /** Called after each run (warm-up runs included): `done` of `total`. */
  onRun?: (done: number, total: number) => void;
}

export interface LayerTiming {
  /** Layer index. */
  layer: number;
  /** Median over the repeats of the layer's kernels' time per run, in ms. */
  ms: number;
  /** The fastest of the repeats, in ms (least disturbed by other work on the machine). */
  minMs: number;
}

export interface BenchResult extends BenchTimes {
  /** Per layer with kernels of its own (fused layers are timed with the layer they fuse into). */
  layers: LayerTiming[];
}

interface OrtModule {
  InferenceSession: {
    create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  env: { versions: { node?: string } };
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<unknown>;
  endProfiling(): void;
  release(): Promise<void>;
}

/** ONNX Runtime for Node, or a message saying how to get it. */
export function loadRuntime(): OrtModule | string {
  try {
    return require('onnxruntime-node') as OrtModule;
  } catch (e) {
    return `ONNX Runtime for Node is not installed (an optional dependency): npm install onnxruntime-node (${(e as Error).message.split('\n')[0]})`;
  }
}

/**
 * A full garbage collection now, where the process was started with `--expose-gc` (node
 * --expose-gc, NODE_OPTIONS=--expose-gc; the editor's bench process is), so that V8's
 * background threads have no marking or sweeping of earlier garbage left to do during the
 * timed runs, where the process's CPU time would count them (3.9 ms per 2.9 ms run of
 * MobileNet v3 small measured after five other networks in one process). True when it ran.
 */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return gc !== undefined;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The layer a profiled kernel belongs to: by node name, else by output tensor (`t12`, `t12_nchwc`). */
function kernelLayer(node: string, layerOf: ReadonlyMap<string, number>, count: number): number | undefined {
  const own = layerOf.get(node);
  if (own !== undefined) return own;
  const m = /^t(\d+)(?:_|$)/.exec(node);
  const i = m ? Number(m[1]) : Number.NaN;
  return i >= 0 && i < count ? i : undefined;
}

const CONVS = new Set(['conv', 'dwconv', 'deconv', 'fc']);

/**
 * The conv (or fc) that starts the fused chain `i` ends (BN, scale and activation layers that
 * each only read the one before), or `i` itself when no conv starts it (an activation after
 * an add runs on its own).
 */
function chainStart(analysis: Analysis, i: number): number {
  const next = analysis.soleConsumers();
  let j = i;
  for (;;) {
    const l = analysis.layers[j]!.layer;
    const k = l.op.kind;
    if (CONVS.has(k)) return j;
    const fusable = k === 'bn' || k === 'scale' || (k === 'act' && l.op.fn !== 'softmax');
    if (!fusable || l.inputs.length !== 1) return i;
    const before = l.inputs[0]!;
    if (before < 0 || next[before] !== j) return i;
    j = before;
  }
}

export async function measure(
  ort: OrtModule,
  bytes: Uint8Array,
  layerOf: ReadonlyMap<string, number>,
  analysis: Analysis,
  o: BenchOptions,
): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-bench-'));
  try {
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: o.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableProfiling: true,
      profileFilePrefix: join(dir, 'profile'),
    });
    const [h, w, c] = analysis.input!;
    const batch = analysis.graph.input.batch;
    const data = new Float32Array(batch * c * h * w);
    for (let i = 0; i < data.length; i++) data[i] = Math.random();
    const feeds = { input: new ort.Tensor('float32', data, [batch, c, h, w]) };
    const times: number[] = [];
    const cpuTimes: number[] = [];
    collectGarbage();
    for (let r = 0; r < o.warmup + o.repeats; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await session.run(feeds);
      const c = process.cpuUsage(c0);
      if (r >= o.warmup) {
        times.push(performance.now() - t0);
        cpuTimes.push((c.user + c.system) / 1000);
      }
      o.onRun?.(r + 1, o.warmup + o.repeats);
    }
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    const events = file
      ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cat?: string; name?: string; dur?: number }[])
      : [];
    // Per layer (or -1: no layer), the kernel time of each run, in run order.
    const runs = o.warmup + o.repeats;
    const perRun = new Map<number, number[]>();
    const seen = new Map<string, number>();
    let kernels = 0;
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time')) continue;
      const node = e.name.slice(0, -'_kernel_time'.length);
      const k = seen.get(node) ?? 0;
      seen.set(node, k + 1);
      if (k < o.warmup || k >= runs) continue;
      kernels++;
      const i = kernelLayer(node, layerOf, analysis.layers.length);
      const key = i === undefined ? -1 : chainStart(analysis, i);
      const row = perRun.get(key) ?? new Array<number>(o.repeats).fill(0);
      row[k - o.warmup]! += (e.dur ?? 0) / 1000;
      perRun.set(key, row);
    }
    const layers = [...perRun.entries()]
      .filter(([i]) => i >= 0)
      .map(([layer, row]) => ({ layer, ms: median(row), minMs: Math.min(...row) }))
      .sort((a, b) => a.layer - b.layer);
    return {
      runtime: `onnxruntime-node ${ort.env.versions.node ?? ''}`.trim(),
      threads: o.threads,
      warmup: o.warmup,
      repeats: o.repeats,
      medianMs: median(times),
      minMs: Math.min(...times),
      maxMs: Math.max(...times),
      cpuMedianMs: median(cpuTimes),
      cpuMinMs: Math.min(...cpuTimes),
      layers,
      otherMs: perRun.has(-1) ? median(perRun.get(-1)!) : 0,
      kernelsPerRun: kernels / o.repeats,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
