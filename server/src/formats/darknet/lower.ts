// Lowers parsed darknet sections to the IR, the way darknet's parse_network_cfg reads them.
// Contract: never throws. The first section is [net]/[network] (input size; `batch` is
// ignored: the analysis is per image, like darknet's printed BFLOPs). Every later section is
// darknet layer i (0-based) and lowers to one or more IR layers whose span is the section
// header and whose statement is the whole section; `outputs[i]` is the IR layer holding
// section i's output, which `[route] layers=` and `from=` resolve against (negative = relative
// to the section, else absolute). Unsupported sections lower to `{kind:'unknown'}`.
import { makeDiagnostic, type Code, type EngineDiagnostic } from '../../core/diagnostics';
import type { Activation, Graph, Layer, LayerOp, Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { inferShapes } from '../../core/shapes';
import type { CfgEntry, CfgFile, CfgSection } from './parser';

export interface DarknetLowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  net?: CfgSection;
  /** Darknet layer index → its section. */
  layerSections: CfgSection[];
  /** Darknet layer index → IR index of the section's output (undefined when it failed). */
  outputs: (number | undefined)[];
}

/** Darknet activation names → IR activation (the name stays as the layer's op text). */
const ACTIVATION_MAP: Record<string, Activation | null> = {
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

/** Sections that end in a detection head: the conv right before them keeps its filters under α. */
export const HEAD_SECTIONS = new Set(['yolo', 'region', 'detection', 'gaussian_yolo']);
/** Sections with no cost and no shape change (detection heads, losses, no-ops). */
const PASS_SECTIONS = new Set([...HEAD_SECTIONS, 'cost', 'contrastive', 'empty', 'silence']);

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
};
const ALIASES: Record<string, string> = {
  conv: 'convolutional',
  conn: 'connected',
  max: 'maxpool',
  avg: 'avgpool',
  local_avg: 'local_avgpool',
  soft: 'softmax',
  lrn: 'normalization',
  network: 'net',
};
const SHORT: Record<string, string> = {
  convolutional: 'conv',
  connected: 'fc',
  maxpool: 'maxpool',
  avgpool: 'avgpool',
  scale_channels: 'scale',
  normalization: 'lrn',
};

export function sectionType(section: CfgSection): string {
  const n = section.name.toLowerCase();
  return ALIASES[n] ?? n;
}

class Options {
  private readonly used = new Set<string>();
  constructor(
    private readonly section: CfgSection,
    private readonly diag: (code: Code, span: Span, message: string, severity?: 'warning') => void,
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
      this.diag(
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
      this.diag('invalid-value', e.valueSpan, `${key} must be a number, not '${e.value}'; using ${def}.`);
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
      this.diag(
        'unknown-option',
        e.keySpan,
        `[${this.section.name}] has no option '${e.key}': darknet ignores it ("Unused field").`,
        'warning',
      );
    }
  }
}

const BROKEN = -2;

export function lowerDarknet(cfg: CfgFile, fileName?: string): DarknetLowered {
  const diagnostics: EngineDiagnostic[] = [];
  const diag = (code: Code, span: Span, message: string, severity?: 'warning') => {
    const d = makeDiagnostic(code, span, message);
    diagnostics.push(severity ? { ...d, severity } : d);
  };
  const layers: Layer[] = [];
  const base = fileName
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.[^.]*$/, '');
  const graph: Graph = {
    format: 'darknet',
    name: base || 'network',
    input: { h: 0, w: 0, c: 0, batch: 1 },
    width: { alpha: 1 },
    layers,
    headerSpan: { start: 0, end: 0 },
  };
  const first = cfg.sections[0];
  const hasNet = first !== undefined && sectionType(first) === 'net';
  const net = hasNet ? first : undefined;
  if (net) {
    const o = new Options(net, diag);
    const h = o.int('height', 0),
      w = o.int('width', 0),
      c = o.int('channels', 0);
    graph.headerSpan = net.header;
    graph.nameSpan = net.header;
    if (h && w && c) graph.input = { h, w, c, batch: 1, span: net.header };
    else
      diag(
        'missing-input',
        net.header,
        '[net] needs width=, height= and channels= (positive integers) for shapes and costs.',
      );
  } else {
    const at = first?.header ?? { start: 0, end: 0 };
    diag('missing-input', at, 'The first section must be [net] (or [network]) with width=, height= and channels=.');
  }

  const layerSections = cfg.sections.slice(hasNet ? 1 : 0);
  const outputs: (number | undefined)[] = [];
  const usedNames = new Set<string>();

  for (let i = 0; i < layerSections.length; i++) {
    const sec = layerSections[i]!;
    const type = sectionType(sec);
    const o = new Options(sec, diag);
    const site = sec.span;
    const short = SHORT[type] ?? type;
    if (layers.length >= LIMITS.maxLayers) {
      diag(
        'limit-exceeded',
        sec.header,
        `The network has more than ${LIMITS.maxLayers.toLocaleString('en-US')} layers; analysis stops here.`,
      );
      break;
    }

    /** Appends an IR layer; an input of BROKEN (a failed section) makes its shape unknown. */
    const add = (suffix: string, opText: string, op: LayerOp, inputs: number[]): number => {
      let name = `${short}${i}${suffix}`;
      for (let n = 2; usedNames.has(name); n++) name = `${short}${i}${suffix}_${n}`;
      usedNames.add(name);
      const index = layers.length;
      layers.push({
        index,
        name,
        opText,
        op,
        inputs: inputs.includes(BROKEN) ? [] : inputs,
        span: sec.header,
        site,
        statement: site,
      });
      return index;
    };
    const prev = i === 0 ? -1 : (outputs[i - 1] ?? BROKEN);
    /** A darknet layer index from `layers=` / `from=` → the IR layer of its output. */
    const resolve = (raw: string, e: CfgEntry): number | undefined => {
      const n = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) {
        diag('invalid-value', e.valueSpan, `'${raw}' is not a layer index.`);
        return undefined;
      }
      const idx = n < 0 ? i + n : n;
      if (idx < 0) {
        diag('unknown-name', e.valueSpan, `Layer index ${n} from layer ${i} points before the first layer.`);
        return undefined;
      }
      if (idx >= i) {
        diag('forward-reference', e.valueSpan, `Layer ${i} refers to layer ${idx}, which is not before it.`);
        return undefined;
      }
      return outputs[idx] ?? BROKEN;
    };
    const resolveList = (key: string): number[] | undefined => {
      const e = o.entry(key);
      if (!e || e.value === '') {
        diag('invalid-value', e?.valueSpan ?? sec.header, `[${sec.name}] needs ${key}= with at least one layer index.`);
        return undefined;
      }
      const out: number[] = [];
      for (const raw of e.value.split(',')) {
        if (raw === '') continue;
        const r = resolve(raw, e);
        if (r === undefined) return undefined;
        out.push(r);
      }
      return out;
    };
    const activation = (input: number, def: string): number => {
      const { value, entry } = o.str('activation', def);
      let fn = ACTIVATION_MAP[value];
      if (fn === undefined) {
        diag(
          'invalid-value',
          entry!.valueSpan,
          `Darknet has no activation '${value}': it falls back to relu.`,
          'warning',
        );
        fn = 'relu';
      }
      return fn === null ? input : add(`/${value}`, value, { kind: 'act', fn }, [input]);
    };

    let out: number | undefined;
    switch (type) {
      case 'convolutional': {
        const filters = o.int('filters', 1);
        const size = o.int('size', 1);
        const stride = o.int('stride', 1);
        const sx = o.int('stride_x', stride),
          sy = o.int('stride_y', stride);
        const dil = size === 1 ? 1 : o.int('dilation', 1);
        const pad = o.int('pad', 0, 0);
        const padding = pad ? Math.floor(size / 2) : o.int('padding', 0, 0);
        const groups = o.int('groups', 1);
        const bn = o.int('batch_normalize', 0, 0) !== 0;
        const fixed = HEAD_SECTIONS.has(layerSections[i + 1] ? sectionType(layerSections[i + 1]!) : '');
        let x = add(
          '',
          sec.name,
          {
            kind: 'conv',
            out: filters,
            kh: size,
            kw: size,
            sh: sy,
            sw: sx,
            padding: { kind: 'explicit', h: padding, w: padding },
            dh: dil,
            dw: dil,
            groups,
            bias: !bn,
            fixed,
          },
          [prev],
        );
        if (bn) x = add('/bn', 'batch_normalize', { kind: 'bn' }, [x]);
        out = activation(x, 'logistic');
        break;
      }
      case 'connected': {
        const output = o.int('output', 1);
        const bn = o.int('batch_normalize', 0, 0) !== 0;
        let x = add('', sec.name, { kind: 'fc', out: output, bias: !bn }, [prev]);
        if (bn) x = add('/bn', 'batch_normalize', { kind: 'bn' }, [x]);
        out = activation(x, 'logistic');
        break;
      }
      case 'maxpool':
      case 'local_avgpool': {
        const stride = o.int('stride', 1);
        const sx = o.int('stride_x', stride),
          sy = o.int('stride_y', stride);
        const size = o.int('size', stride);
        // Darknet pads `padding` in total (default size-1): out = (in + padding - size)/stride + 1.
        // The IR pads both sides, so half of it goes on each (exact, also for odd totals).
        const padding = o.int('padding', size - 1, 0);
        const mode = type === 'maxpool' ? 'max' : 'avg';
        out = add(
          '',
          sec.name,
          {
            kind: 'pool',
            mode,
            global: false,
            kh: size,
            kw: size,
            sh: sy,
            sw: sx,
            padding: { kind: 'explicit', h: padding / 2, w: padding / 2 },
            ceil: false,
          },
          [prev],
        );
        break;
      }
      case 'avgpool':
        out = add(
          '',
          sec.name,
          {
            kind: 'pool',
            mode: 'avg',
            global: true,
            kh: 1,
            kw: 1,
            sh: 1,
            sw: 1,
            padding: { kind: 'valid' },
            ceil: false,
          },
          [prev],
        );
        break;
      case 'shortcut': {
        const from = resolveList('from');
        if (!from) break;
        out = activation(add('', sec.name, { kind: 'merge', mode: 'add' }, [prev, ...from]), 'linear');
        break;
      }
      case 'scale_channels':
      case 'sam': {
        const from = resolveList('from');
        if (!from) break;
        out = activation(add('', sec.name, { kind: 'merge', mode: 'mul' }, [from[0]!, prev]), 'linear');
        break;
      }
      case 'route': {
        const from = resolveList('layers');
        if (!from) break;
        const groups = o.int('groups', 1);
        const groupId = o.int('group_id', 0, 0);
        let x =
          from.length === 1
            ? add('', sec.name, { kind: 'identity' }, from)
            : add('', sec.name, { kind: 'merge', mode: 'concat' }, from);
        if (groups > 1) {
          if (groupId >= groups) {
            diag('invalid-value', o.entry('group_id')!.valueSpan, `group_id must be below groups (${groups}).`);
            break;
          }
          x = add('/group', 'group_id', { kind: 'split', parts: groups, index: groupId }, [x]);
        }
        out = x;
        break;
      }
      case 'upsample': {
        const e = o.entry('stride');
        const stride = e && /^-\d+$/.test(e.value) ? Number(e.value) : o.int('stride', 2);
        out =
          stride > 0
            ? add('', sec.name, { kind: 'upsample', factor: stride }, [prev])
            : add('', sec.name, { kind: 'unknown', type: `upsample stride=${stride}` }, [prev]);
        break;
      }
      case 'dropout':
        out = add('', sec.name, { kind: 'dropout', p: o.float('probability', 0.2) }, [prev]);
        break;
      case 'softmax':
        out = add('', sec.name, { kind: 'act', fn: 'softmax' }, [prev]);
        break;
      case 'activation':
        out = activation(prev, 'linear');
        if (out === prev) out = add('', sec.name, { kind: 'identity' }, [prev]);
        break;
      case 'batchnorm':
        out = add('', sec.name, { kind: 'bn' }, [prev]);
        break;
      case 'normalization':
        out = add('', sec.name, { kind: 'lrn', size: o.int('size', 5) }, [prev]);
        break;
      case 'net':
        diag('syntax-error', sec.header, `[${sec.name}] must be the first section.`);
        out = prev;
        break;
      default:
        out = add(
          '',
          sec.name,
          PASS_SECTIONS.has(type) ? { kind: 'identity' } : { kind: 'unknown', type: `[${sec.name}]` },
          [prev],
        );
    }
    o.checkUnused(type);
    outputs.push(out);
  }
  markDepthwise(graph);
  return { graph, diagnostics, net, layerSections, outputs };
}

/**
 * A grouped conv with groups = C_in = C_out is a depthwise conv: lowering it as `dwconv`
 * keeps it consistent under the width multiplier α (its channels follow its input).
 */
function markDepthwise(graph: Graph): void {
  if (!graph.layers.some((l) => l.op.kind === 'conv' && l.op.groups > 1)) return;
  const { input, shapes } = inferShapes(graph);
  for (const l of graph.layers) {
    const op = l.op;
    if (op.kind !== 'conv' || op.groups === 1 || op.fixed) continue;
    const i = l.inputs[0];
    const inShape = i === undefined ? null : i < 0 ? input : shapes[i];
    if (inShape && inShape[2] === op.groups && op.out === op.groups) {
      l.op = {
        kind: 'dwconv',
        kh: op.kh,
        kw: op.kw,
        sh: op.sh,
        sw: op.sw,
        padding: op.padding,
        dh: op.dh,
        dw: op.dw,
        multiplier: 1,
        bias: op.bias,
      };
    }
  }
}
