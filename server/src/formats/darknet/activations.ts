// Darknet activation names (get_activation) → IR activations. `null` is darknet's `linear`:
// no layer at all. The rarer ones map to the IR activation of the same cost (one op per element).
import type { Activation } from '../../core/ir';

export const ACTIVATION_MAP: Record<string, Activation | null> = {
  linear: null,
  leaky: 'leaky',
  relu: 'relu',
  relu6: 'relu6',
  mish: 'mish',
  hard_mish: 'mish',
  swish: 'silu',
  silu: 'silu',
  logistic: 'sigmoid',
  tanh: 'tanh',
  gelu: 'gelu',
  elu: 'relu',
  selu: 'relu',
  relie: 'relu',
  ramp: 'relu',
  revleaky: 'leaky',
  loggy: 'tanh',
  plse: 'sigmoid',
  hardtan: 'tanh',
  lhtan: 'tanh',
  stair: 'linear',
  normalize_channels: 'linear',
  normalize_channels_softmax: 'softmax',
  normalize_channels_softmax_maxval: 'softmax',
};
