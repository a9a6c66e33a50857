// The IR every front-end produces: a flat, topologically ordered list of layers whose
// inputs point only at earlier layers, each carrying the source span it came from.
// Nothing here knows about LSP, VS Code or any particular file format.
import type { Activation } from './activations';
import type { OP_KINDS } from './opKinds';
import type { TargetProfile } from './targets';

export { ACTIVATIONS, type Activation } from './activations';

/** Half-open range of UTF-16 code-unit offsets into the source text. */
export interface Span {
  start: number;
  end: number;
}

export type Padding = { kind: 'same' } | { kind: 'valid' } | { kind: 'explicit'; h: number; w: number };

export type LayerOp =
  | {
      kind: 'conv';
      out: number;
      kh: number;
      kw: number;
      sh: number;
      sw: number;
      padding: Padding;
      dh: number;
      dw: number;
      groups: number;
      bias: boolean;
      fixed: boolean /** Weights shared with an earlier layer (darknet share_index, the Ultralytics DFL per level): no parameters of its own. */;
      shared?: boolean;
      /** XNOR-net binary weights and inputs (darknet `xnor=1`): the same MACs, which darknet's BFLOPS divide by 32. */
      xnor?: boolean;
    }
  | {
      kind: 'dwconv';
      kh: number;
      kw: number;
      sh: number;
      sw: number;
      padding: Padding;
      dh: number;
      dw: number;
      multiplier: number;
      bias: boolean;
    }
  | {
      kind: 'deconv';
      out: number;
      kh: number;
      kw: number;
      sh: number;
      sw: number;
      padding: Padding;
      dh: number;
      dw: number;
      groups: number;
      bias: boolean;
      fixed: boolean;
    }
  | {
      kind: 'pool';
      mode: 'max' | 'avg';
      global: boolean;
      kh: number;
      kw: number;
      sh: number;
      sw: number;
      padding: Padding;
      ceil: boolean;
    }
  | { kind: 'fc'; out: number; bias: boolean }
  /** `affine: false`: normalisation only, no learnable scale/shift (a Caffe BatchNorm; its Scale layer holds them). */
  | { kind: 'bn'; affine?: boolean }
  | { kind: 'scale'; bias: boolean }
  | { kind: 'lrn'; size: number }
  /** `slopes`: a PReLU's learned negative slopes (fn `leaky`), one per channel or one shared. */
  | { kind: 'act'; fn: Activation; slopes?: 'channel' | 'shared' }
  | { kind: 'dropout'; p: number }
  | { kind: 'flatten' }
  | {
      kind: 'upsample';
      factor: number;
      /** Caffe SegNet's Upsample: the width factor when it differs from the height's (`factor`). */
      factorW?: number;
      /** Rows and columns dropped from the end of the upsampled map (SegNet's `pad_out_h` / `pad_out_w`). */
      trim?: [number, number];
      /** A fixed output H and W whatever the input (SegNet's `upsample_h` / `upsample_w`). */
      size?: [number, number];
    }
  /** `axis` (concat only): join along H or W instead of channels (Caffe Concat axis 2 or 3). */
  | { kind: 'merge'; mode: 'add' | 'concat' | 'mul'; axis?: 'h' | 'w' }
  /**
   * Darknet's [shortcut]: input 0's shape; in darknet's C x H x W memory order, input 0 plus
   * the first min(N_0, N_i) elements of every other input (N = elements per image: the first
   * min(C_0, C_i) channels when H x W agree). `weights` scales each input by a learned weight
   * per input (`per_feature`) or per input and output channel (`per_channel`).
   */
  | { kind: 'shortcut'; weights: 'none' | 'per_feature' | 'per_channel' }
  /** The centred h x w window of every channel (darknet [crop] at inference): no cost. */
  | { kind: 'crop'; h: number; w: number }
  /** Space-to-depth by `stride` (H/s x W/s x C·s²), or depth-to-space when `reverse` (darknet [reorg], [reorg3d]): no cost. */
  | { kind: 'reorg'; stride: number; reverse: boolean }
  | { kind: 'identity' }
  /** Channel chunk `index` of `parts` equal chunks (torch.chunk, darknet route groups): no cost. */
  | { kind: 'split'; parts: number; index: number }
  /** A view of the same elements as h x (the rest) x c (torch view/transpose): no cost. */
  | { kind: 'reshape'; h: number; c: number }
  /** Part `index` of `count` of a tensor cut along one axis: at `points` when given, else in equal parts. */
  | { kind: 'slice'; axis: 'h' | 'w' | 'c'; index: number; count: number; points: number[] }
  /**
   * Zero padding of the spatial sides (nn.ZeroPad2d, F.pad) and, with `channels`, that many zero
   * channels after the input's (a TensorFlow Pad of the last axis, BlazeFace's channel padding): no cost.
   */
  | { kind: 'pad'; top: number; bottom: number; left: number; right: number; channels?: number }
  /**
   * Multi-head self-attention over the H x W positions of an input that holds, per head, the
   * query, key and value channels (keyDim, keyDim, headDim in that order): softmax(QᵀK)·V per
   * head; output heads x headDim channels. The projections around it are separate conv layers.
   */
  | { kind: 'attention'; heads: number; keyDim: number; headDim: number }
  /** x·W along C at every H x W position (a Linear on [..., F], ONNX MatMul of a sequence by a constant): [H, W, out]. */
  | { kind: 'linear'; out: number; bias: boolean }
  /**
   * Batched product of two computed tensors (attention's Q·Kᵀ and A·V): [B, M, K] · [B, K, N]
   * → [B, M, N], H being the batch of products; with `transB` the second is [B, N, K] (an
   * Einsum `...id,...jd->...ij`). B·M·K·N MACs, no parameters.
   */
  | { kind: 'matmul'; transB?: boolean }
  /**
   * Mean or max over the channels at every H x W position (a layer norm's statistics): [H, W, 1];
   * `k`: the k largest (Caffe ArgMax's top_k, their indices or values): [H, W, k]. `over`:
   * instead the trailing axes of Caffe's Reduction — W ([H, 1, C]), H and W ([1, 1, C]) or
   * C, H and W ([1, 1, 1]) — summed (also of absolute values or squares) or averaged.
   */
  | { kind: 'reduce'; mode: 'avg' | 'max' | 'sum'; k?: number; over?: 'w' | 'hw' | 'chw' }
  /**
   * A learned tensor of the model, [h, w, c] per item (a class token, a position embedding):
   * added to the input (equal shapes) or joined to it along `axis`. Its elements are parameters.
   */
  | { kind: 'learned'; mode: 'add' | 'concat'; axis: 'h' | 'w' | 'c'; h: number; w: number; c: number }
  /**
   * The first input cut to the second input's size along every axis from `axis` on (1 = C,
   * 2 = H, 3 = W), starting at `offsets` (C, H, W; 0 on uncut axes): Caffe Crop. No cost.
   */
  | { kind: 'cropto'; axis: 1 | 2 | 3; offsets: [number, number, number] }
  /**
   * Bilinear resize (Caffe Interp, align-corners): to a fixed size, by integer shrink then zoom
   * factors of the input cut by `trim` (≥ 0) pixels at the start and `trimEnd` at the end, or
   * to the second input's H x W. No MACs.
   */
  | {
      kind: 'interp';
      target:
        | { kind: 'size'; h: number; w: number }
        | { kind: 'factors'; zoom: number; shrink: number }
        | { kind: 'like' };
      trim: number;
      trimEnd: number;
    }
  /** The non-batch axes reordered: output axis i (C, H, W order) is input axis order[i] (1 = C, 2 = H, 3 = W). No cost. */
  | { kind: 'permute'; order: [number, number, number] }
  /**
   * The same elements as N x dims (Caffe Reshape, torch reshape), 1 to 3 dims after the batch:
   * 0 copies the input's axis at that place, one -1 takes the rest. A shape of fewer than 3
   * dims is padded with 1s (N x A x B is [B, 1, A]). No cost.
   */
  | { kind: 'view'; dims: number[] }
  /** SSD PriorBox: `priors` boxes per position of the input map, 4 coordinates and 4 variances each: [H·W·priors·4, 1, 2]. No cost. */
  | { kind: 'priorbox'; priors: number }
  /** SSD DetectionOutput: at most `keep` detections of 7 values (image, label, score, box): [keep, 7, 1]. No cost. */
  | { kind: 'detections'; keep: number }
  /** SSD Normalize: L2 norm over channels (and H x W with `acrossSpatial`), then a learned scale per channel, or one `shared`. */
  | { kind: 'normalize'; shared: boolean; acrossSpatial: boolean }
  /** Fast R-CNN ROIPooling: each region of the first input max-pooled to h x w, so [h, w, C] per region; the layers after it run once per region. */
  | {
      kind: 'roipool';
      h: number;
      w: number;
      /** R-FCN's PSROIPooling: position-sensitive, `channels` out of an input of channels x h x w (bin (i, j) of channel k reads input channel (k·h + i)·w + j). */
      channels?: number;
    }
  /**
   * A layer type the front-end cannot shape or cost: never counted, always diagnosed. Its output
   * shape is unknown, and so is every shape downstream of it (no pass-through is invented).
   */
  | { kind: 'unknown'; type: string };

export type OpKind = LayerOp['kind'];

/** Compiles only while OP_KINDS (./opKinds.ts) lists every op kind, and nothing else. */
type Exhaustive<T extends never> = T;
export type OpKindsListed = Exhaustive<
  Exclude<OpKind, (typeof OP_KINDS)[number]> | Exclude<(typeof OP_KINDS)[number], OpKind>
>;

/** A graph with no layers and no input yet: what every front-end starts from (and returns when the file cannot be read). */
export function emptyGraph(
  format: FormatId,
  name: string,
  headerSpan: Span = { start: 0, end: 0 },
  layers: Layer[] = [],
): Graph {
  return { format, name, input: { h: 0, w: 0, c: 0, batch: 1 }, width: { alpha: 1 }, layers, headerSpan };
}

/** A pooling over the whole of H x W (`global`; its window fields are not read): [1, 1, C]. */
export function globalPool(mode: 'max' | 'avg', ceil = false): LayerOp {
  return { kind: 'pool', mode, global: true, kh: 0, kw: 0, sh: 1, sw: 1, padding: { kind: 'valid' }, ceil };
}

export interface Layer {
  /** Position in `Graph.layers`; inputs only reference smaller indexes. */
  index: number;
  /** Unique, human-readable name used in reports. */
  name: string;
  /** The op keyword as written in the source (`conv`, `relu`, `Convolution`, ...). */
  opText: string;
  op: LayerOp;
  /** Indexes of input layers; -1 stands for the network input. */
  inputs: number[];
  /** The op's own text in the source (inside a block body for block-expanded layers). */
  span: Span;
  /** The outermost statement or block invocation that produced this layer. */
  site: Span;
  /** Line-level span of the statement that holds the op (for lenses and fixes). */
  statement: Span;
  /**
   * Depthwise kernels whose weights are all negligible (after folding a following batch
   * norm), when the file holds the weights: `dead` of `total`, `byGamma` of them dead only
   * through the norm's scale γ ≈ 0 (the dead-depthwise-kernel rule).
   */
  deadKernels?: { dead: number; total: number; byGamma: number };
  /** Batch-norm channels whose scale γ is negligible, when the file holds γ: `dead` of `total` (the dead-bn-channel rule). */
  deadChannels?: { dead: number; total: number };
}

export interface NetworkInput {
  h: number;
  w: number;
  c: number;
  batch: number;
  span?: Span;
}

export interface Budget {
  macs?: number;
  params?: number;
  /** Estimated latency on the target, in ms (docs/latency.md). */
  latencyMs?: number;
  /** Peak live activation memory in bytes (docs/counting.md#peak-activation-memory). */
  activationBytes?: number;
  span: Span;
}

export interface Graph {
  format: FormatId;
  name: string;
  nameSpan?: Span;
  input: NetworkInput;
  /** Width multiplier α from the file (1 when absent) and its channel divisor. */
  width: { alpha: number; divisor?: number; span?: Span };
  /** Input side that overrides H and W (ρ), when the file sets one. */
  resolution?: { side: number; span?: Span };
  budget?: Budget;
  /**
   * The latency target the file names (`target NAME`: a built-in id or one of the
   * configuration's profiles, resolved by the analysis, which reports an unknown one at
   * `word`), or the profile file it names (`target FILE`, read and checked by the front-end;
   * `unusable` when it could not be used: the file then has no target).
   */
  target?: { id: string; span: Span; word: Span; profile?: TargetProfile; unusable?: true };
  layers: Layer[];
  /** Where each top-level directive or block invocation sits, for lenses on the network line. */
  headerSpan: Span;
}

export type FormatId = 'layers' | 'caffe' | 'darknet' | 'ultralytics' | 'onnx' | 'keras' | 'tfjs';

/** Input shape convention: [H, W, C] of one batch item. */
export type Shape = [number, number, number];
