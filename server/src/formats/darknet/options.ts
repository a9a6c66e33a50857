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
const COMMON_KEYS = new Set([
  'clip',
  'onlyforward',
  'dont_update',
  'burnin_update',
  'stopbackward',
  'train_only_bn',
  'dontload',
  'dontloadscales',
  'learning_rate',
]);
/** Keys darknet reads per section; others get darknet's own "unused field" warning. */
const KNOWN_KEYS: Record<string, readonly string[]> = {
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

/** KNOWN_KEYS as sets. */
const KNOWN_KEY_SETS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(KNOWN_KEYS).map(([type, keys]) => [type, new Set(keys)]),
);

/** `^[+-]?\d+$` on char codes. */
function isIntegerText(s: string): boolean {
  const c = s.charCodeAt(0);
  let i = c === 43 || c === 45 ? 1 : 0;
  if (i === s.length) return false;
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return true;
}

export class Options {
  /** Per entry: whether the section's lowering asked for its key. */
  private readonly used: Uint8Array;
  constructor(
    readonly section: CfgSection,
    private readonly report: Report,
  ) {
    this.used = new Uint8Array(section.entries.length);
  }

  /** The first entry with `key`; every entry with that key counts as read. */
  entry(key: string): CfgEntry | undefined {
    const entries = this.section.entries;
    let found: CfgEntry | undefined;
    for (let i = 0; i < entries.length; i++) {
      if (entries[i]!.key !== key) continue;
      this.used[i] = 1;
      found ??= entries[i];
    }
    return found;
  }

  int(key: string, def: number, min = 1): number {
    const e = this.entry(key);
    if (!e) return def;
    const v = isIntegerText(e.value) ? Number(e.value) : NaN;
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
    const known = KNOWN_KEY_SETS.get(type);
    if (!known) return;
    const entries = this.section.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (this.used[i] || known.has(e.key) || COMMON_KEYS.has(e.key)) continue;
      this.report(
        'unknown-option',
        e.keySpan,
        `[${this.section.name}] has no option '${e.key}': darknet ignores it ("Unused field").`,
        'warning',
      );
    }
  }
}
