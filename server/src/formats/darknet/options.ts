// Reads one section's options the way darknet's option_find_* do, with diagnostics instead of
// darknet's exits: an invalid value is an `invalid-value` error at the value and darknet's
// default is used; an option the section does not read is darknet's "Unused field", an
// `unknown-option` warning at the key (only for the section types whose keys are listed).
import type { Code } from '../../core/diagnostics';
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import type { CfgEntry, CfgSection } from './parser';

export type Report = (code: Code, span: Span, message: string, severity?: 'warning') => void;

/** Options parse_network_cfg reads for every section. */
const COMMON_KEYS = [
  'clip',
  'onlyforward',
  'dont_update',
  'burnin_update',
  'stopbackward',
  'train_only_bn',
  'dontload',
  'dontloadscales',
  'learning_rate',
];
/** Keys darknet reads per section; others get darknet's own "unused field" warning. */
const KNOWN_KEYS: Record<string, string[]> = {
  convolutional: [
    'filters',
    'groups',
    'size',
    'stride',
    'stride_x',
    'stride_y',
    'dilation',
    'antialiasing',
    'pad',
    'padding',
    'activation',
    'assisted_excitation',
    'share_index',
    'batch_normalize',
    'cbn',
    'binary',
    'xnor',
    'bin_output',
    'sway',
    'rotate',
    'stretch',
    'stretch_sway',
    'flipped',
    'dot',
    'angle',
    'grad_centr',
    'reverse',
    'coordconv',
    'stream',
    'wait_stream',
  ],
  maxpool: [
    'stride',
    'stride_x',
    'stride_y',
    'size',
    'padding',
    'maxpool_depth',
    'out_channels',
    'antialiasing',
    'maxpool_zero_nonmax',
  ],
  local_avgpool: ['stride', 'stride_x', 'stride_y', 'size', 'padding'],
  avgpool: [],
  shortcut: ['activation', 'weights_type', 'weights_normalization', 'from'],
  route: ['layers', 'groups', 'group_id', 'stream', 'wait_stream'],
  upsample: ['stride', 'scale'],
  connected: ['output', 'activation', 'batch_normalize'],
  dropout: ['probability', 'dropblock', 'dropblock_size_rel', 'dropblock_size_abs'],
  softmax: ['groups', 'temperature', 'tree', 'spatial', 'noloss'],
  scale_channels: ['from', 'scale_wh', 'activation'],
  sam: ['from', 'activation'],
  activation: ['activation'],
  batchnorm: [],
  normalization: ['alpha', 'beta', 'kappa', 'size'],
  reorg: ['stride', 'reverse'],
  reorg3d: ['stride', 'reverse'],
  crop: ['crop_height', 'crop_width', 'flip', 'angle', 'saturation', 'exposure', 'shift', 'noadjust'],
};

export class Options {
  private readonly used = new Set<string>();
  constructor(
    readonly section: CfgSection,
    private readonly report: Report,
  ) {}

  entry(key: string): CfgEntry | undefined {
    this.used.add(key);
    return this.section.entries.find((e) => e.key === key);
  }

  int(key: string, def: number, min = 1): number {
    const e = this.entry(key);
    if (!e) return def;
    const v = /^[+-]?\d+$/.test(e.value) ? Number(e.value) : NaN;
    if (!Number.isSafeInteger(v) || v < min || v > LIMITS.maxDimension) {
      this.report(
        'invalid-value',
        e.valueSpan,
        `${key} must be an integer from ${min} to ${LIMITS.maxDimension.toLocaleString('en-US')}, not '${e.value}'; using ${def}.`,
      );
      return def;
    }
    return v;
  }

  float(key: string, def: number): number {
    const e = this.entry(key);
    if (!e) return def;
    const v = e.value === '' ? NaN : Number(e.value);
    if (!Number.isFinite(v)) {
      this.report('invalid-value', e.valueSpan, `${key} must be a number, not '${e.value}'; using ${def}.`);
      return def;
    }
    return v;
  }

  str(key: string, def: string): { value: string; entry?: CfgEntry } {
    const e = this.entry(key);
    return e ? { value: e.value.toLowerCase(), entry: e } : { value: def };
  }

  /** Darknet's "Unused field" warning, for the sections whose keys we know. */
  checkUnused(type: string): void {
    const known = KNOWN_KEYS[type];
    if (!known) return;
    for (const e of this.section.entries) {
      if (this.used.has(e.key) || known.includes(e.key) || COMMON_KEYS.includes(e.key)) continue;
      this.report(
        'unknown-option',
        e.keySpan,
        `[${this.section.name}] has no option '${e.key}': darknet ignores it ("Unused field").`,
        'warning',
      );
    }
  }
}
