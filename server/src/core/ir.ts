// The IR every front-end produces: a flat, topologically ordered list of layers whose
// inputs point only at earlier layers, each carrying the source span it came from.
// Nothing here knows about LSP, VS Code or any particular file format.

/** Half-open range of UTF-16 code-unit offsets into the source text. */
export interface Span {
  start: number;
  end: number;
}

export type Padding = { kind: 'same' } | { kind: 'valid' } | { kind: 'explicit'; h: number; w: number };

/** Activation functions the engine knows; `softmax` is treated as an activation over channels. */
export const ACTIVATIONS = [
  'relu',
  'relu6',
  'leaky',
  'sigmoid',
  'tanh',
  'silu',
  'hswish',
  'gelu',
  'softmax',
  'mish',
  'linear',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

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
  | { kind: 'act'; fn: Activation }
  | { kind: 'dropout'; p: number }
  | { kind: 'flatten' }
  | { kind: 'upsample'; factor: number }
  | { kind: 'merge'; mode: 'add' | 'concat' | 'mul' }
  | { kind: 'identity' }
  /** Channel chunk `index` of `parts` equal chunks (torch.chunk, darknet route groups): no cost. */
  | { kind: 'split'; parts: number; index: number }
  /** A view of the same elements as h x (the rest) x c (torch view/transpose): no cost. */
  | { kind: 'reshape'; h: number; c: number }
  /** Part `index` of `count` of a tensor cut along one axis: at `points` when given, else in equal parts. */
  | { kind: 'slice'; axis: 'h' | 'w' | 'c'; index: number; count: number; points: number[] }
  /**
   * A layer type the front-end cannot shape or cost: never counted, always diagnosed. Its output
   * shape is unknown, and so is every shape downstream of it (no pass-through is invented).
   */
  | { kind: 'unknown'; type: string };

export type OpKind = LayerOp['kind'];

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
  layers: Layer[];
  /** Where each top-level directive or block invocation sits, for lenses on the network line. */
  headerSpan: Span;
}

export type FormatId = 'layers' | 'caffe' | 'darknet' | 'ultralytics' | 'onnx';

/** Input shape convention: [H, W, C] of one batch item. */
export type Shape = [number, number, number];
