// Latency targets: one profile per kind of hardware and runtime, with the figures the latency
// estimate (./latency.ts) reads and the sources they come from. Contract: every figure of a
// built-in profile is a constant written here with its source; nothing is measured at run
// time. A profile file (`layerlint calibrate --out`, `--target FILE`, layerlint.json
// `targets`) is the same object as JSON, checked field by field by parseTargetProfile.
// Units: MACs (or element operations) per millisecond, bytes per millisecond, milliseconds.

import { ACTIVATIONS, type Activation } from './activations';
import { OP_KINDS } from './opKinds';

/** The op kinds a profile gives a peak rate for (docs/latency.md#op-kinds). */
export type RateKind = 'dense' | 'pointwise' | 'depthwise' | 'elementwise';

/** The conv kinds whose rate falls on small GEMMs (TargetProfile.efficiency). */
export type GemmKind = 'dense' | 'pointwise' | 'depthwise';

/**
 * Where a conv kind runs at half its rate, once for each dimension of its GEMM: its output
 * pixels (per image) and its depth (input channels per group × kernel area). The kind's rate
 * is multiplied by pixels / (pixels + `pixels`) × depth / (depth + `depth`); 0 leaves that
 * dimension out.
 */
export interface HalfRate {
  pixels: number;
  depth: number;
}

/** Element-wise ops whose kernels do other than one element operation per counted one (TargetProfile.opWork). */
export type WorkOp = 'lrn' | 'pool';

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
  /**
   * Memory bandwidth in bytes per ms: of main memory (beyond the cache) when the profile has
   * `cacheBytes`, else the only one.
   */
  bytesPerMs: number;
  /**
   * The per-core cache a layer's working set (inputs, output and weights) fits in, in bytes
   * (set together with cacheBytesPerMs): a layer whose bytes fit moves them at
   * cacheBytesPerMs, a larger one at bytesPerMs.
   */
  cacheBytes?: number;
  /** Bandwidth of a cache-resident working set, in bytes per ms (with cacheBytes). */
  cacheBytesPerMs?: number;
  /**
   * An accelerator's on-chip memory for parameters, in bytes (the Edge TPU's 8 MB): filled
   * with the weights of the weighted layers in the order they run; the weights of every layer
   * past it stream from the host at bytesPerMs on every inference, after the layer's own
   * roofline time. Without it, weights are bytes of each layer's working set like any other.
   */
  paramCacheBytes?: number;
  /**
   * Per conv kind, the GEMM shape at which it runs at half its rate (small maps, shallow
   * GEMMs); without it, or for a kind it leaves out, every conv of that kind runs at the rate.
   */
  efficiency?: Partial<Record<GemmKind, HalfRate>>;
  /** Launch / dispatch overhead of one kernel, in ms. */
  kernelMs: number;
  /**
   * Work factor of a depthwise conv with stride > 1 (default 1): its MACs count this many
   * times (ONNX Runtime's strided depthwise kernel does about half the MACs per ms of its
   * stride-1 one).
   */
  stridedDepthwise?: number;
  /** Ops fused into the convolution (or fc) they follow: no kernel and no memory traffic of their own. */
  fuses: readonly FusedOp[];
  /** With `act` fused: the activation functions that fuse (all but softmax when absent). */
  fusedActivations?: readonly Activation[];
  /** Kernels the runtime runs for one unfused activation, where more than one (ONNX Runtime: silu 2, mish 3). */
  activationKernels?: Partial<Record<Activation, number>>;
  /**
   * Element operations per element of each of an activation's kernels, where more than one
   * (transcendental functions the runtime does not vectorise: ONNX Runtime's Softplus).
   */
  activationWork?: Partial<Record<Activation, number>>;
  /**
   * Element operations per counted operation of LRN and pooling kernels (1 where absent):
   * ONNX Runtime's LRN takes a power per element, far above one operation; its pooling is
   * vectorised, below it.
   */
  opWork?: Partial<Record<WorkOp, number>>;
  /** Channel counts are rounded up to a multiple of this (SIMD width, tensor-core tile). */
  channelGranularity: number;
  /**
   * The fewest channels a kernel runs with (an NPU's array width): a channel count below it
   * costs as this many. Absent: no minimum beyond the granularity.
   */
  minChannels?: number;
  /**
   * For an accelerator that runs only some ops: the ops it runs, as op kinds (`conv`, `pool`,
   * core/ir.ts OP_KINDS) and `act:FN` for activations. The first layer whose op is not among
   * them, and every layer after it, run on the host CPU (one partition, as the Edge TPU
   * compiler makes): those layers get no estimate, and the total is a lower bound. Absent:
   * every op runs on the target.
   */
  acceleratorOps?: readonly string[];
  /** Where the figures come from, and how well they are known. */
  sources: readonly string[];
}

/** Whether target `t` runs `op` itself (`acceleratorOps`), rather than its host CPU. */
export function runsOnAccelerator(t: TargetProfile, op: { kind: string; fn?: string }): boolean {
  const ops = t.acceleratorOps;
  return !ops || ops.includes(op.kind === 'act' ? `act:${op.fn}` : op.kind);
}

/** The names `acceleratorOps` may hold: every op kind but `act`, and `act:FN` per activation. */
const ACCELERATOR_OP_NAMES: readonly string[] = [
  ...OP_KINDS.filter((k) => k !== 'act'),
  ...ACTIVATIONS.map((fn) => `act:${fn}`),
];

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
    id: 'ort-cpu-1t',
    summary:
      'This machine class (Intel Xeon, AVX-512), ONNX Runtime CPU, 1 thread, fp32, batch 1 (fitted by layerlint calibrate)',
    precision: 'fp32',
    bytesPerElement: 4,
    rates: { dense: 78.5e6, pointwise: 79.49e6, depthwise: 36.67e6, elementwise: 2.791e6 },
    bytesPerMs: 25.07e6,
    cacheBytes: 2097152,
    cacheBytesPerMs: 46.1e6,
    efficiency: {
      dense: { pixels: 11.3, depth: 8 },
      pointwise: { pixels: 16, depth: 5.66 },
      depthwise: { pixels: 128, depth: 0 },
    },
    kernelMs: 0.01,
    stridedDepthwise: 1,
    fuses: ['bn', 'scale', 'act'],
    fusedActivations: ['relu', 'relu6', 'leaky', 'sigmoid', 'tanh'],
    activationKernels: { hswish: 2, mish: 3 },
    activationWork: { sigmoid: 1.21, tanh: 1.12, softmax: 27.38, mish: 14.75 },
    opWork: { lrn: 17.261, pool: 0.21 },
    channelGranularity: 16,
    sources: [
      'Fitted by layerlint calibrate on 2026-11-30T19:45:01.529Z: Intel(R) Xeon(R) Processor, 2 logical cores, load average 0.00 at the start; onnxruntime-node 1.30.0, 1 intra-op thread, all graph optimisations, sequential.',
      "139 kernels of 99 micro-benchmarks (dense 3x3, pointwise 1x1 and fc, depthwise 3x3 at stride 1 and 2, element-wise, copies of 0.2, 0.8, 1.6, 1.6, 3.2, 6.4, 12.8, 25.7 MB working sets): the fastest of 30 profiled runs after 5 warm-up each (the least disturbed by other work), fitted to t = max(work / (rate[kind] × efficiency), bytes / bandwidth) by least absolute log error, efficiency = pixels / (pixels + P) × depth / (depth + D) for a conv (output pixels per image, GEMM depth C_in/groups × K_h × K_w), each conv kind's half-rate points P and D fitted with its rate on a sweep of output sides 7, 14, 28, 56, 112 and input channels (dense 3x3: 3, 16, 64, 256; pointwise 1x1: 16, 32, 64, 128, 256, 512; depthwise 3x3: 32, 256; a dimension a kind's samples do not vary stays 0): dense P 11.3, D 8.0; pointwise P 16.0, D 5.7; depthwise P 128.0, D 0.0, with the bandwidth of copies whose working set fits the 2048 KiB cache (the largest cache of one core not shared with another, from /sys/devices/system/cpu/cpu0/cache) for kernels whose inputs, output and weights fit it and the bandwidth of larger copies for the rest, then rates and bandwidth divided by 1.124, the median ratio of the whole-run CPU time (median, less the fixed run cost and kernel overheads) of 2 networks of many kernels to their kernels' fastest times; kernel overhead: the slope of the median whole-run CPU time over chains of 20, 80, 160 tiny kernels.",
      "Fusion as the runtime ran it: conv + BN as one kernel; activations fused into the conv: relu, relu6, leaky, sigmoid, tanh; activations' work per element above 1 (each timed alone on 56x56x128): sigmoid 1.21, tanh 1.12, softmax 27.38, mish 14.75; LRN and pooling, element operations per counted one (each timed alone: lrn 5 on 27x27x96; maxpool 3 stride 2 on 56x56x64; avgpool 2 on 56x56x64): lrn 17.261, pool 0.21; activations run as more than one kernel: hswish 2, mish 3. Channel granularity 16: one AVX-512 register of fp32 values.",
      'Validated against layerlint bench on the examples, the corpus and torchvision exports at their declared input sizes with bench/latencyValidate.ts (docs/latency.md#validation-against-bench); the efficiency comes from the micro-benchmarks only, never from those networks.',
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
  {
    id: 'phone-big-core-int8',
    summary:
      'Current phone big CPU core (Arm Cortex-X4 class, NEON dot product), 1 thread, int8 (XNNPACK / ONNX Runtime QDQ), batch 1',
    precision: 'int8',
    bytesPerElement: 1,
    rates: { dense: 75e6, pointwise: 80e6, depthwise: 8e6, elementwise: 20e6 },
    bytesPerMs: 15e6,
    kernelMs: 0.005,
    fuses: ['bn', 'scale', 'act'],
    fusedActivations: ['relu', 'relu6'],
    channelGranularity: 16,
    sources: [
      'Arm Cortex-X4: four 128-bit NEON pipes at about 3.3 GHz; one SDOT (Armv8.2 dot product) does 16 int8 multiply-adds where an fp32 FMA does 4, about 210 G int8 MACs/s peak (twice that with I8MM). Rates here are about 2.5x those of phone-big-core on GEMM-like convs (a third of the SDOT peak: requantization and packing), 1.6x on depthwise convs, which gain least from int8 (MNN, "Performance Optimization of Depthwise Conv Int8 on ARM CPUs", 2023: int8 depthwise slower than fp16 before a C16 layout and SDOT), 2x on element-wise ops.',
      'XNNPACK runs TensorFlow Lite int8 models (TensorFlow blog, "Faster Quantized Inference with XNNPACK", 2021-09-09: per-channel symmetric int8, 30% faster than TFLite\'s own int8 kernels on Arm64 phones); ONNX Runtime runs QDQ models with MLAS int8 kernels of the same dot-product instructions. BN is folded into the weights at conversion; only ReLU and ReLU6 fuse into the conv as its output clamp, other activations are operators of their own.',
      'Memory and dispatch as phone-big-core (about 15 GB/s single-core LPDDR5X bandwidth, 5 µs per operator), at 1 byte per element. Channel granularity 16: one NEON register holds 16 int8 values (XNNPACK\'s int8 GEMM kernels tile output channels by 16; the issue\'s "multiples of 8 for fp16, 16 for int8"). Not measured here: uncertainty about ±50% per layer.',
    ],
  },
  {
    id: 'edgetpu-int8',
    summary:
      'Google Edge TPU (Coral USB Accelerator / Dev Board class NPU), int8, batch 1, TensorFlow Lite + libedgetpu',
    precision: 'int8',
    bytesPerElement: 1,
    batch: 1,
    rates: { dense: 800e6, pointwise: 600e6, depthwise: 60e6, elementwise: 400e6 },
    bytesPerMs: 0.5e6,
    cacheBytes: 8388608,
    cacheBytesPerMs: 40e6,
    paramCacheBytes: 8388608,
    kernelMs: 0.03,
    fuses: ['bn', 'scale', 'act'],
    fusedActivations: ['relu', 'relu6'],
    channelGranularity: 32,
    minChannels: 32,
    // Coral's supported-operations list in LayerLint's ops: BN and scale fold into the weights
    // (or run as Mul/Add), views are Reshape, pooling and global pooling AveragePool2d,
    // MaxPool2d and Mean, resizing ResizeNearestNeighbor and ResizeBilinear, reorg SpaceToDepth,
    // slices Slice/StridedSlice/Split, permute Transpose, normalize L2Normalization, deconv
    // TransposeConv; silu is Logistic then Mul. Not there: LRN, Mish (softplus), GELU, ELU-like
    // and leaky activations, attention and batched matmul, detection post-processing.
    acceleratorOps: [
      'conv',
      'dwconv',
      'deconv',
      'pool',
      'fc',
      'bn',
      'scale',
      'dropout',
      'flatten',
      'identity',
      'reshape',
      'view',
      'upsample',
      'interp',
      'merge',
      'shortcut',
      'crop',
      'cropto',
      'reorg',
      'split',
      'slice',
      'pad',
      'permute',
      'reduce',
      'normalize',
      'act:relu',
      'act:relu6',
      'act:sigmoid',
      'act:tanh',
      'act:silu',
      'act:hswish',
      'act:softmax',
      'act:linear',
    ],
    sources: [
      'Coral Edge TPU datasheet and benchmarks (coral.ai/docs/edgetpu/benchmarks): 4 TOPS int8 peak (2 T MACs/s), 8 MB of on-chip SRAM for parameters, USB 3.0 (about 0.5 GB/s in practice) or PCIe Gen2 x1 to the host. Time per inference on the USB Accelerator: MobileNet v1 224 2.4 ms, MobileNet v2 2.6 ms, Inception v1 3.4 ms, SqueezeNet 2.1 ms; ResNet-50 (299) 49 ms and VGG16 296 ms, whose parameters do not fit the 8 MB and stream from the host each inference.',
      'Rates fitted by hand to those times: GEMM-like convs at 30-40% of peak, depthwise convs at 3% (a systolic array maps one channel per column poorly; Seshadri et al., "An Evaluation of Edge TPU Accelerators for Convolutional Neural Networks", IISWC 2022), 30 µs per layer (the time not explained by MACs in the small networks). Parameters fill the 8 MB in the order layers run (paramCacheBytes); those of later layers stream from the host at USB speed on every inference, which is what makes ResNet-50 (estimated 48.7 ms at 299x299) and VGG16 (280 ms) slow; activations that fit the 8 MB move at on-chip speed. Ops outside Coral\'s supported-operations list (coral.ai/docs/edgetpu/models-intro: LRN, Mish\'s softplus, GELU, leaky ReLU, batched matmul, detection post-processing) are not estimated: the compiler maps the graph up to the first of them, which and every op after it run on the host CPU (acceleratorOps). Uncertainty: a factor of 2 per network.',
      "Only fully int8-quantized TensorFlow Lite models run on it; BN folds into the weights, ReLU and ReLU6 fuse into the conv, logistic, tanh and hard-swish run as ops of their own. Channel granularity 32 with at least 32 channels (issue #14: NPUs want channels in multiples of 32 and at least 32; Google does not publish the array's tile width).",
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

/** The bandwidth in bytes per ms at which one kernel moves its `bytes` on the target: the cache's when they fit. */
export function bandwidth(t: TargetProfile, bytes: number): number {
  return t.cacheBytes !== undefined && t.cacheBytesPerMs !== undefined && bytes <= t.cacheBytes
    ? t.cacheBytesPerMs
    : t.bytesPerMs;
}

/**
 * The fraction of its kind's rate a conv with `pixels` output pixels (per image) and GEMM
 * depth `depth` runs at on the target: 1 without the profile's efficiency for the kind.
 */
export function gemmEfficiency(t: TargetProfile, kind: RateKind, pixels: number, depth: number): number {
  const half = kind === 'elementwise' ? undefined : t.efficiency?.[kind];
  return half ? (pixels / (pixels + half.pixels)) * (depth / (depth + half.depth)) : 1;
}

/** How many channels a kernel with `channels` of them runs as on the target: rounded up to its granularity, and at least its minimum. */
export function channelsAsRun(t: TargetProfile, channels: number): number {
  return Math.max(Math.ceil(channels / t.channelGranularity) * t.channelGranularity, t.minChannels ?? 0);
}

/** The profile named `id`, or undefined. */
/**
 * A target's own ridge point in fp32 MACs per byte (the report's roofline chart counts 4 bytes
 * per element): its dense MAC rate over its bandwidth, scaled by its precision (an fp16 layer
 * moves half the chart's bytes).
 */
export function targetRidge(t: TargetProfile): number {
  return Number(((t.rates.dense / t.bytesPerMs) * (t.bytesPerElement / 4)).toPrecision(3));
}

export function targetProfile(id: string): TargetProfile | undefined {
  return BY_ID.get(id);
}

export const TARGET_IDS: readonly string[] = TARGETS.map((t) => t.id);

const RATE_KINDS: readonly RateKind[] = ['dense', 'pointwise', 'depthwise', 'elementwise'];
const FUSED_OPS: readonly FusedOp[] = ['bn', 'scale', 'act'];
const PRECISIONS: readonly TargetProfile['precision'][] = ['fp32', 'fp16', 'int8'];
const PROFILE_KEYS = [
  'id',
  'summary',
  'precision',
  'bytesPerElement',
  'batch',
  'rates',
  'bytesPerMs',
  'cacheBytes',
  'cacheBytesPerMs',
  'paramCacheBytes',
  'efficiency',
  'kernelMs',
  'stridedDepthwise',
  'fuses',
  'fusedActivations',
  'activationKernels',
  'activationWork',
  'opWork',
  'channelGranularity',
  'minChannels',
  'acceleratorOps',
  'sources',
];

const GEMM_KINDS: readonly GemmKind[] = ['dense', 'pointwise', 'depthwise'];
const WORK_OPS: readonly WorkOp[] = ['lrn', 'pool'];
const HALF_RATE_KEYS: readonly (keyof HalfRate)[] = ['pixels', 'depth'];
const nonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a profile's `efficiency` (absent is fine), one message per field. */
function efficiencyErrors(v: unknown): string[] {
  if (v === undefined) return [];
  if (!isObject(v)) return [`efficiency: expected an object of ${GEMM_KINDS.join(', ')} → {pixels, depth}`];
  const errors: string[] = [];
  for (const [kind, half] of Object.entries(v)) {
    if (!GEMM_KINDS.includes(kind as GemmKind)) {
      errors.push(`efficiency: unknown kind '${kind}' (${GEMM_KINDS.join(', ')})`);
      continue;
    }
    if (!isObject(half)) {
      errors.push(`efficiency.${kind}: expected {pixels, depth} (where the kind runs at half its rate)`);
      continue;
    }
    for (const key of Object.keys(half))
      if (!HALF_RATE_KEYS.includes(key as keyof HalfRate))
        errors.push(`efficiency.${kind}: unknown field '${key}' (${HALF_RATE_KEYS.join(', ')})`);
    if (!nonNegative(half.pixels))
      errors.push(`efficiency.${kind}.pixels: expected a non-negative number of output pixels`);
    if (!nonNegative(half.depth)) errors.push(`efficiency.${kind}.depth: expected a non-negative GEMM depth`);
  }
  return errors;
}

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const wholePositive = (v: unknown): v is number => positive(v) && Number.isInteger(v);
/** Absent, or an object of known activation → a value `valid` accepts. */
const perActivation = (v: unknown, valid: (x: unknown) => boolean) =>
  v === undefined ||
  (typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.entries(v).every(([fn, x]) => ACTIVATIONS.includes(fn as Activation) && valid(x)));

/**
 * A target profile read from JSON (a profile file or a layerlint.json `targets` entry), or
 * every problem with it, each naming the field: never throws. Built-in ids are refused, so
 * a file cannot silently change what `xeon-1t` means.
 */
export function parseTargetProfile(json: unknown): { profile?: TargetProfile; errors: string[] } {
  const errors: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { errors: ['a target profile must be a JSON object'] };
  const o = json as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!PROFILE_KEYS.includes(key)) errors.push(`unknown field '${key}' (${PROFILE_KEYS.join(', ')})`);
  if (typeof o.id !== 'string' || !isProfileId(o.id))
    errors.push(`id: expected a name of lower-case letters, digits, '.', '_' or '-' (at most 64)`);
  else if (BY_ID.has(o.id)) errors.push(`id: '${o.id}' is a built-in target; give the profile a name of its own`);
  if (typeof o.summary !== 'string' || !o.summary.trim()) errors.push('summary: expected a one-line description');
  if (!PRECISIONS.includes(o.precision as TargetProfile['precision']))
    errors.push(`precision: expected one of ${PRECISIONS.join(', ')}`);
  if (!positive(o.bytesPerElement)) errors.push('bytesPerElement: expected a positive number');
  if (o.batch !== undefined && !wholePositive(o.batch)) errors.push('batch: expected a positive whole number');
  const rates = o.rates as Record<string, unknown> | undefined;
  if (typeof rates !== 'object' || rates === null || Array.isArray(rates))
    errors.push(`rates: expected an object with ${RATE_KINDS.join(', ')} (per ms)`);
  else {
    for (const k of RATE_KINDS) if (!positive(rates[k])) errors.push(`rates.${k}: expected a positive number per ms`);
    for (const k of Object.keys(rates))
      if (!RATE_KINDS.includes(k as RateKind)) errors.push(`rates: unknown kind '${k}' (${RATE_KINDS.join(', ')})`);
  }
  if (!positive(o.bytesPerMs)) errors.push('bytesPerMs: expected a positive number of bytes per ms');
  if (o.cacheBytes !== undefined && !wholePositive(o.cacheBytes))
    errors.push('cacheBytes: expected a positive whole number of bytes');
  if (o.cacheBytesPerMs !== undefined && !positive(o.cacheBytesPerMs))
    errors.push('cacheBytesPerMs: expected a positive number of bytes per ms');
  if ((o.cacheBytes === undefined) !== (o.cacheBytesPerMs === undefined))
    errors.push('cacheBytes and cacheBytesPerMs: expected both or neither');
  if (o.paramCacheBytes !== undefined && !wholePositive(o.paramCacheBytes))
    errors.push('paramCacheBytes: expected a positive whole number of bytes');
  errors.push(...efficiencyErrors(o.efficiency));
  if (typeof o.kernelMs !== 'number' || !Number.isFinite(o.kernelMs) || o.kernelMs < 0)
    errors.push('kernelMs: expected a non-negative number of ms');
  if (o.stridedDepthwise !== undefined && !positive(o.stridedDepthwise))
    errors.push('stridedDepthwise: expected a positive number (a work factor)');
  if (!Array.isArray(o.fuses) || o.fuses.some((f) => !FUSED_OPS.includes(f as FusedOp)))
    errors.push(`fuses: expected an array of ${FUSED_OPS.join(', ')}`);
  if (
    o.fusedActivations !== undefined &&
    (!Array.isArray(o.fusedActivations) ||
      o.fusedActivations.some((f) => !ACTIVATIONS.includes(f as Activation) || f === 'softmax'))
  )
    errors.push(`fusedActivations: expected an array of ${ACTIVATIONS.filter((a) => a !== 'softmax').join(', ')}`);
  const ak = o.activationKernels as Record<string, unknown> | undefined;
  if (!perActivation(ak, wholePositive))
    errors.push('activationKernels: expected an object of activation → whole number of kernels');
  const aw = o.activationWork as Record<string, unknown> | undefined;
  if (!perActivation(aw, positive))
    errors.push('activationWork: expected an object of activation → positive number of operations per element');
  const ow = o.opWork;
  if (
    ow !== undefined &&
    (!isObject(ow) || Object.entries(ow).some(([op, x]) => !WORK_OPS.includes(op as WorkOp) || !positive(x)))
  )
    errors.push(`opWork: expected an object of ${WORK_OPS.join(', ')} → positive number of operations per operation`);
  if (!wholePositive(o.channelGranularity)) errors.push('channelGranularity: expected a positive whole number');
  if (o.minChannels !== undefined && !wholePositive(o.minChannels))
    errors.push('minChannels: expected a positive whole number of channels');
  else if (
    o.minChannels !== undefined &&
    wholePositive(o.channelGranularity) &&
    (o.minChannels as number) % o.channelGranularity !== 0
  )
    errors.push('minChannels: expected a multiple of channelGranularity');
  if (
    o.acceleratorOps !== undefined &&
    (!Array.isArray(o.acceleratorOps) ||
      o.acceleratorOps.some((x) => typeof x !== 'string' || !ACCELERATOR_OP_NAMES.includes(x)))
  )
    errors.push(`acceleratorOps: expected an array of op kinds and act:FN names (${ACCELERATOR_OP_NAMES.join(', ')})`);
  if (!Array.isArray(o.sources) || !o.sources.length || o.sources.some((x) => typeof x !== 'string' || !x.trim()))
    errors.push('sources: expected a non-empty array of strings (where the figures come from)');
  if (errors.length) return { errors };
  const profile: TargetProfile = {
    id: o.id as string,
    summary: o.summary as string,
    precision: o.precision as TargetProfile['precision'],
    bytesPerElement: o.bytesPerElement as number,
    ...(o.batch !== undefined ? { batch: o.batch as number } : {}),
    rates: {
      dense: rates!.dense as number,
      pointwise: rates!.pointwise as number,
      depthwise: rates!.depthwise as number,
      elementwise: rates!.elementwise as number,
    },
    bytesPerMs: o.bytesPerMs as number,
    ...(o.cacheBytes !== undefined
      ? { cacheBytes: o.cacheBytes as number, cacheBytesPerMs: o.cacheBytesPerMs as number }
      : {}),
    ...(o.paramCacheBytes !== undefined ? { paramCacheBytes: o.paramCacheBytes as number } : {}),
    ...(o.efficiency !== undefined ? { efficiency: o.efficiency as Partial<Record<GemmKind, HalfRate>> } : {}),
    kernelMs: o.kernelMs as number,
    ...(o.stridedDepthwise !== undefined ? { stridedDepthwise: o.stridedDepthwise as number } : {}),
    fuses: o.fuses as FusedOp[],
    ...(o.fusedActivations !== undefined ? { fusedActivations: o.fusedActivations as Activation[] } : {}),
    ...(ak !== undefined ? { activationKernels: ak as Partial<Record<Activation, number>> } : {}),
    ...(aw !== undefined ? { activationWork: aw as Partial<Record<Activation, number>> } : {}),
    ...(ow !== undefined ? { opWork: ow as Partial<Record<WorkOp, number>> } : {}),
    channelGranularity: o.channelGranularity as number,
    ...(o.minChannels !== undefined ? { minChannels: o.minChannels as number } : {}),
    ...(o.acceleratorOps !== undefined ? { acceleratorOps: o.acceleratorOps as string[] } : {}),
    sources: o.sources as string[],
  };
  return { profile, errors };
}

/** The profile named `id`: one of `extra` (profile files, layerlint.json), else a built-in. */
export function resolveTarget(id: string, extra: readonly TargetProfile[] | undefined): TargetProfile | undefined {
  return extra?.find((t) => t.id === id) ?? BY_ID.get(id);
}

/** Whether `value` has the form of a profile id: lower-case letters, digits, '.', '_' or '-', at most 64. */
export function isProfileId(value: string): boolean {
  return /^[a-z0-9][a-z0-9._-]{0,63}$/.test(value);
}

/**
 * Whether a target value names a profile file rather than a profile: not a built-in id, and
 * a path (it holds a `/` or `\`) or a `.json` name. The same rule for `--target`, the
 * `target` directive and the `layerlint.target` setting.
 */
export function isProfilePath(value: string): boolean {
  return !BY_ID.has(value) && /[/\\]|\.json$/i.test(value);
}

/** A profile file's bytes as a checked profile, or one line saying why they are none. Never throws. */
export function profileFromBytes(bytes: Uint8Array): { profile: TargetProfile } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    return { error: `invalid JSON: ${(e as Error).message}` };
  }
  const { profile, errors } = parseTargetProfile(json);
  return profile ? { profile } : { error: `not a target profile: ${errors.join('; ')}` };
}
