// The table of Caffe layer types LayerLint understands: for each normalised type name, the
// `*_param` block it reads, every field of that block LayerLint understands (read, or known
// not to change shapes or costs: fillers, engines), and the function that lowers it. Also
// the input layer types, and the training-only types that are skipped without a word.
import { BUILDERS, type OpBuilder, WINDOW_GROUPS } from './ops';

export interface FieldSpec {
  /** The `*_param` block the type reads (none for parameterless types). */
  param?: string;
  /** Fields of `param` LayerLint understands; any other field gets `unknown-field`. */
  fields: readonly string[];
}

export interface LayerType extends FieldSpec {
  build: OpBuilder;
  /** How many of the bottoms are tensors the op reads (the rest are read for their names only); all when absent. */
  tensorInputs?: number;
}

/** Types whose tops are views of their bottom, lowered by the blob bookkeeping itself. */
export const ALIAS_TYPES: Record<string, FieldSpec> = {
  split: { fields: [] },
  slice: { param: 'slice_param', fields: ['axis', 'slice_point', 'slice_dim'] },
  /** SENet-caffe's a · x + y: a channel-wise product, then a sum (two IR layers). */
  axpy: { fields: [] },
};

/** The fields of an Input layer (the other input types carry loader settings of many forks, unchecked). */
export const INPUT_LAYER: FieldSpec = { param: 'input_param', fields: ['shape'] };

/** Layers that provide the network input (or labels). */
export const INPUT_TYPES = new Set([
  'input',
  'data',
  'imagedata',
  'imagesegdata',
  'denseimagedata',
  'hdf5data',
  'memorydata',
  'windowdata',
  'dummydata',
  'annotateddata',
  'videodata',
]);

const TRAINING_ONLY = new Set(['accuracy', 'segaccuracy', 'silence', 'hdf5output', 'detectionevaluate']);

/**
 * Loss, accuracy, evaluation and sink layers (`*Loss`, `*OHEM`, `Accuracy`, `SegAccuracy`, ...):
 * training-time heads that LayerLint neither counts nor reports.
 */
export function isTrainingOnly(key: string): boolean {
  return key.endsWith('loss') || key.endsWith('ohem') || TRAINING_ONLY.has(key);
}

/** The sliding-window fields shared by convolution_param and pooling_param: kernel, pad and stride. */
const WINDOW_FIELDS = WINDOW_GROUPS.slice(0, 9);
const CONV_FIELDS = [
  ...WINDOW_FIELDS,
  'num_output',
  'bias_term',
  'dilation',
  'group',
  'axis',
  'weight_filler',
  'bias_filler',
  'engine',
  'force_nd_im2col',
];
const convolution: LayerType = { param: 'convolution_param', fields: CONV_FIELDS, build: BUILDERS.convolution };

/** An element-wise type lowered as activation `fn`, with the fields of its param block. */
const act = (fn: Parameters<typeof BUILDERS.activation>[0], param?: string, ...fields: string[]): LayerType => ({
  param,
  fields,
  build: BUILDERS.activation(fn),
});

export const LAYER_TYPES: Record<string, LayerType> = {
  convolution,
  deconvolution: convolution,
  depthwiseconvolution: convolution,
  convolutiondepthwise: convolution,
  innerproduct: {
    param: 'inner_product_param',
    fields: ['num_output', 'bias_term', 'axis', 'transpose', 'weight_filler', 'bias_filler'],
    build: BUILDERS.innerProduct,
  },
  pooling: {
    param: 'pooling_param',
    fields: [...WINDOW_FIELDS, 'pool', 'global_pooling', 'round_mode', 'ceil_mode', 'engine'],
    build: BUILDERS.pooling,
  },
  batchnorm: {
    param: 'batch_norm_param',
    // scale_bias and the fillers are NVCaffe's: a BatchNorm that also scales and shifts.
    fields: ['use_global_stats', 'moving_average_fraction', 'eps', 'scale_filler', 'bias_filler', 'scale_bias'],
    build: BUILDERS.batchNorm,
  },
  bn: {
    param: 'bn_param',
    // How the statistics are kept or used, never the figures: bn_mode (SegNet's LEARN or
    // INFERENCE), moving_average / decay / var_eps (PSPNet's), momentum / eps / frozen
    // (yjxiong's and NVCaffe's, whose scale filler is slope_filler). axis is read.
    fields: [
      'scale_filler',
      'shift_filler',
      'slope_filler',
      'bias_filler',
      'engine',
      'bn_mode',
      'moving_average',
      'decay',
      'var_eps',
      'momentum',
      'eps',
      'frozen',
      'axis',
    ],
    build: BUILDERS.bn,
  },
  scale: {
    param: 'scale_param',
    fields: ['axis', 'num_axes', 'filler', 'bias_term', 'bias_filler'],
    build: BUILDERS.scale,
  },
  lrn: {
    param: 'lrn_param',
    fields: ['local_size', 'alpha', 'beta', 'norm_region', 'k', 'engine'],
    build: BUILDERS.lrn,
  },
  relu: { param: 'relu_param', fields: ['negative_slope', 'engine'], build: BUILDERS.relu },
  dropout: { param: 'dropout_param', fields: ['dropout_ratio', 'scale_train'], build: BUILDERS.dropout },
  flatten: { param: 'flatten_param', fields: ['axis', 'end_axis'], build: BUILDERS.flatten },
  eltwise: { param: 'eltwise_param', fields: ['operation', 'coeff', 'stable_prod_grad'], build: BUILDERS.eltwise },
  concat: { param: 'concat_param', fields: ['axis', 'concat_dim'], build: BUILDERS.concat },
  upsample: {
    param: 'upsample_param',
    fields: ['scale', 'scale_h', 'scale_w', 'pad_out_h', 'pad_out_w', 'upsample_h', 'upsample_w'],
    // SegNet's second bottom is the pooling mask: where each value goes, not a shape.
    tensorInputs: 1,
    build: BUILDERS.upsample,
  },
  shufflechannel: { param: 'shuffle_channel_param', fields: ['group'], build: BUILDERS.identity },
  reshape: { param: 'reshape_param', fields: ['shape', 'axis', 'num_axes'], build: BUILDERS.reshape },
  permute: { param: 'permute_param', fields: ['order'], build: BUILDERS.permute },
  crop: { param: 'crop_param', fields: ['axis', 'offset'], build: BUILDERS.crop },
  interp: {
    param: 'interp_param',
    fields: ['zoom_factor', 'shrink_factor', 'height', 'width', 'pad_beg', 'pad_end'],
    build: BUILDERS.interp,
  },
  normalize: {
    param: 'norm_param',
    fields: ['across_spatial', 'channel_shared', 'scale_filler', 'eps'],
    build: BUILDERS.normalize,
  },
  priorbox: {
    param: 'prior_box_param',
    fields: [
      'min_size',
      'max_size',
      'aspect_ratio',
      'flip',
      'clip',
      'variance',
      'img_size',
      'img_h',
      'img_w',
      'step',
      'step_h',
      'step_w',
      'offset',
    ],
    // The second bottom (the image) gives only the box scale, not the shape.
    tensorInputs: 1,
    build: BUILDERS.priorBox,
  },
  detectionoutput: {
    param: 'detection_output_param',
    fields: [
      'num_classes',
      'share_location',
      'background_label_id',
      'nms_param',
      'save_output_param',
      'code_type',
      'variance_encoded_in_target',
      'keep_top_k',
      'confidence_threshold',
      'visualize',
      'visualize_threshold',
      'save_file',
      // RefineDet's: anchors the ARM scores below it are dropped (its extra bottoms are read for their names).
      'objectness_score',
    ],
    tensorInputs: 1,
    build: BUILDERS.detectionOutput,
  },
  roipooling: {
    param: 'roi_pooling_param',
    fields: ['pooled_h', 'pooled_w', 'spatial_scale'],
    // The second bottom holds the regions (from a proposal layer): its count is not a shape.
    tensorInputs: 1,
    build: BUILDERS.roiPooling,
  },
  psroipooling: {
    param: 'psroi_pooling_param',
    fields: ['spatial_scale', 'output_dim', 'group_size'],
    // As ROIPooling: the second bottom holds the regions.
    tensorInputs: 1,
    build: BUILDERS.psroiPooling,
  },
  reduction: { param: 'reduction_param', fields: ['operation', 'axis', 'coeff'], build: BUILDERS.reduction },
  reorg: { param: 'reorg_param', fields: ['stride', 'reverse'], build: BUILDERS.reorg },
  argmax: { param: 'argmax_param', fields: ['axis', 'top_k', 'out_max_val'], build: BUILDERS.argMax },
  relu6: act('relu6'),
  prelu: { param: 'prelu_param', fields: ['filler', 'channel_shared'], build: BUILDERS.prelu },
  elu: act('leaky', 'elu_param', 'alpha'),
  sigmoid: act('sigmoid', 'sigmoid_param', 'engine'),
  tanh: act('tanh', 'tanh_param', 'engine'),
  swish: act('silu', 'swish_param', 'beta'),
  hswish: act('hswish'),
  hardswish: act('hswish'),
  mish: act('mish'),
  gelu: act('gelu'),
  softmax: act('softmax', 'softmax_param', 'engine', 'axis'),
  absval: act('linear'),
  bnll: act('linear'),
  power: act('linear', 'power_param', 'power', 'scale', 'shift'),
  exp: act('linear', 'exp_param', 'base', 'scale', 'shift'),
  log: act('linear', 'log_param', 'base', 'scale', 'shift'),
  threshold: act('linear', 'threshold_param', 'threshold'),
  clip: act('relu6', 'clip_param', 'min', 'max'),
  mvn: act('linear', 'mvn_param', 'normalize_variance', 'across_channels', 'eps'),
};
