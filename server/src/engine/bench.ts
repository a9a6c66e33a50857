// What `layerlint bench --format json` prints (BenchReport), and the messages between the
// language server and the bench child process that produces it for an editor
// (cli/bench/child.ts runs the CLI's bench machinery; lsp/benchRunner.ts starts it). Types only.
import type { EngineOptions } from './analyzeSource';

export interface BenchLayerRow {
  /** Layer index in the analysis of the measured text. */
  index: number;
  name: string;
  /** 1-based line of the layer's op. */
  line: number;
  macs: number;
  /** Median over the repeats of the kernels timed on this layer (with what ONNX Runtime fused into it), ms. */
  measuredMs: number;
  /** The fastest of the repeats, ms (`layerlint bench` always writes it). */
  measuredMinMs?: number;
  /** With a target: the estimate of the same kernel, ms. */
  estimatedMs?: number;
}

/** How a bench run went as a whole: runtime, settings and the whole-network times. */
export interface BenchTimes {
  runtime: string;
  threads: number;
  warmup: number;
  repeats: number;
  /** Whole-network wall-clock time per run: median, min and max of the repeats, ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /**
   * Whole-network CPU time per run (every thread of the process, user and system): median and
   * min, ms. What the run costs the machine, without the time it waited for a core while
   * other processes ran.
   */
  cpuMedianMs: number;
  cpuMinMs: number;
  /** Median time per run of kernels of no layer (layout conversions), ms. */
  otherMs: number;
  /** Kernels ONNX Runtime ran per run (after its fusions), layout conversions included. */
  kernelsPerRun: number;
}

export interface BenchReport extends BenchTimes {
  file: string;
  network: string;
  layers: BenchLayerRow[];
  target?: string;
  estimatedMs?: number;
  compare?: {
    rewrite: 'separable';
    convs: number;
    macs: number;
    separableMacs: number;
    medianMs: number;
    separableMedianMs: number;
    estimatedMs?: number;
    separableEstimatedMs?: number;
  };
}

/** Server → bench child (once): the text to measure, analysed with the editor's options. */
export interface BenchRequest {
  text: string;
  fileName: string;
  /** The document's URI: a `file:` one gives the child the model's folder for companion files (weight shards). */
  uri: string;
  /** Plain data only (structured clone): the child makes its own `companions` reader. */
  options: Omit<EngineOptions, 'companions'>;
  threads: number;
  warmup: number;
  repeats: number;
}

/** Bench child → server: progress after each run, then one outcome. */
export type BenchMessage =
  | { progress: { done: number; total: number } }
  | { report: BenchReport }
  | { refused: string }
  | { unavailable: string }
  /** ONNX Runtime failed on the written model (its message). */
  | { failed: string };
