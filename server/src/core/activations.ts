// The activation functions the engine knows, in a module of their own so that the IR
// (./ir.ts) and the target profiles (./targets.ts), which name them, need not import each other.

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
