// Latency targets: one profile per kind of hardware and runtime, with the figures the latency
// estimate (./latency.ts) reads and the sources they come from. Contract: every figure of a
// profile is a constant written here with its source; nothing is measured at run time.
// Units: MACs (or element operations) per millisecond, bytes per millisecond, milliseconds.

/** The op kinds a profile gives a peak rate for (docs/latency.md#op-kinds). */
export type RateKind = 'dense' | 'pointwise' | 'depthwise' | 'elementwise';

/** Ops that run inside the preceding convolution's kernel when the runtime fuses them. */
export type FusedOp = 'bn' | 'scale' | 'act';

export interface TargetProfile {
  id: string;
  /** One line for `layerlint targets`. */
  summary: string;
  precision: 'fp32' | 'fp16' | 'int8';
  bytesPerElement: number;
  /** The batch the estimate is for, when the profile fixes one (otherwise the file's batch). */
  batch?: number;
  /** Peak rate per op kind: MACs per ms (element operations per ms for `elementwise`). */
  rates: Record<RateKind, number>;
  /** Memory bandwidth in bytes per ms. */
  bytesPerMs: number;
  /** Launch / dispatch overhead of one kernel, in ms. */
  kernelMs: number;
  /** Ops fused into the convolution (or fc) they follow: no kernel and no memory traffic of their own. */
  fuses: readonly FusedOp[];
  /** Channel counts are rounded up to a multiple of this (SIMD width, tensor-core tile). */
  channelGranularity: number;
  /** Where the figures come from, and how well they are known. */
  sources: readonly string[];
}

const CPU_SOURCE =
  'Calibrated on /work/shared/latency/mobilenet_v1_layers.tsv (cpu_1t_ms: PyTorch 2.11 eager, 1 thread, Intel Xeon server core with AVX-512, fp32, batch 1): pointwise 1x1 convs run at 52-80 M MACs/ms, stride-1 depthwise 3x3 at 5-7 M MACs/ms, stride-2 depthwise layers are bound by moving their input (about 6 GB/s as a rate per byte).';

const H200_B1: TargetProfile = {
  id: 'h200-fp16-b1',
  summary: 'NVIDIA H200, fp16, batch 1, PyTorch eager + cuDNN (launch overhead dominates)',
  precision: 'fp16',
  bytesPerElement: 2,
  batch: 1,
  rates: { dense: 100e9, pointwise: 150e9, depthwise: 4e9, elementwise: 50e9 },
  bytesPerMs: 4e9,
  kernelMs: 0.025,
  fuses: [],
  channelGranularity: 8,
  sources: [
    'Calibrated on /work/shared/latency/mobilenet_v1_layers.tsv (gpu_fp16_b1_ms: PyTorch 2.11 eager + cuDNN, H200, fp16, channels_last): every conv costs 22-35 µs whatever its MACs, the launch and framework overhead.',
    'NVIDIA H200: 4.8 TB/s HBM3e, about 990 TFLOPS dense fp16 peak; rates here are about a fifth of peak (what cuDNN reaches on small MobileNet layers). Eager PyTorch runs BN and activations as kernels of their own.',
    'Channel granularity 8: fp16 tensor-core tiles.',
  ],
};

export const TARGETS: readonly TargetProfile[] = [
  {
    id: 'xeon-1t',
    summary: 'Intel Xeon server core (AVX-512), 1 thread, fp32, batch 1 (this machine class)',
    precision: 'fp32',
    bytesPerElement: 4,
    rates: { dense: 60e6, pointwise: 70e6, depthwise: 7e6, elementwise: 20e6 },
    bytesPerMs: 12e6,
    kernelMs: 0.01,
    fuses: ['bn', 'scale', 'act'],
    channelGranularity: 16,
    sources: [
      CPU_SOURCE,
      'Fusion of conv + BN + activation: ONNX Runtime and oneDNN fold BN into the conv weights and run the activation as a post-op.',
      'Channel granularity 16: one AVX-512 register holds 16 fp32 values.',
    ],
  },
  {
    id: 'xeon-16t',
    summary: 'Intel Xeon server, 16 threads, fp32, batch 1 (this machine class, all threads)',
    precision: 'fp32',
    bytesPerElement: 4,
    rates: { dense: 720e6, pointwise: 840e6, depthwise: 42e6, elementwise: 160e6 },
    bytesPerMs: 48e6,
    kernelMs: 0.03,
    fuses: ['bn', 'scale', 'act'],
    channelGranularity: 16,
    sources: [
      `xeon-1t scaled, not measured here (this machine has fewer cores): GEMM-like convs x12 on 16 threads, depthwise x6 and memory x4 (shared caches and DRAM), 30 µs of thread-pool dispatch per kernel. Issue #14's whole-network figures (MobileNet separable vs standard: 2.6-2.8x faster on 16 threads, 6.1-6.9x on one) are what the scaling reproduces. Uncertainty: about ±50% per layer.`,
    ],
  },
  {
    id: 'phone-big-core',
    summary: 'Current phone big CPU core (Arm Cortex-X4 class, NEON), 1 thread, fp32, batch 1',
    precision: 'fp32',
    bytesPerElement: 4,
    rates: { dense: 30e6, pointwise: 32e6, depthwise: 5e6, elementwise: 10e6 },
    bytesPerMs: 15e6,
    kernelMs: 0.005,
    fuses: ['bn', 'scale', 'act'],
    channelGranularity: 4,
    sources: [
      'Arm Cortex-X4: four 128-bit NEON FMA pipes at about 3.3 GHz, 53 G fp32 MACs/s peak; XNNPACK/TFLite reach about 60% of it on GEMM-like convs and about a tenth on depthwise (nn-Meter, MobiSys 2021, kernel-level measurements on mobile CPUs).',
      'Single-core memory bandwidth about 15 GB/s (LPDDR5X); 5 µs per operator (TFLite interpreter dispatch). Not measured here: uncertainty about ±50% per layer.',
      'Channel granularity 4: one NEON register holds 4 fp32 values.',
    ],
  },
  H200_B1,
  {
    ...H200_B1,
    id: 'h200-fp16-b64',
    summary: 'NVIDIA H200, fp16, batch 64, PyTorch eager + cuDNN (throughput)',
    batch: 64,
    sources: [
      'The h200-fp16-b1 figures at batch 64; checked against gpu_fp16_b64_ms of /work/shared/latency/mobilenet_v1_layers.tsv (batch 64: 24-77 µs per conv).',
    ],
  },
];

const BY_ID = new Map(TARGETS.map((t) => [t.id, t] as const));

/** The profile named `id`, or undefined. */
export function targetProfile(id: string): TargetProfile | undefined {
  return BY_ID.get(id);
}

export const TARGET_IDS: readonly string[] = TARGETS.map((t) => t.id);
