// Lowers an Ultralytics model spec to the IR for one scale, the way ultralytics'
// parse_model builds it: channels = make_divisible(min(c2, max_channels) * width, 8) for
// channel-setting modules (unless c2 == nc), repeats = max(round(n * depth), 1) when n > 1,
// then each module expanded into primitive layers (Conv = conv2d without bias + BN + SiLU,
// C2f/C3/C3k2/SPPF/Bottleneck/Detect as in ultralytics/nn/modules). Every primitive's span is
// its row. Contract: never throws; unknown modules lower to `{kind:'unknown'}` with the
// input's channels (parse_model's fallback) and analysis continues.
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import type { Graph, Layer, LayerOp, Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import type { ArgValue, ModelSpec, RowSpec, ScaleSpec } from './model';

export interface UltralyticsLowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  scale?: ScaleSpec;
  /** Row index → IR index of its output (undefined when the row failed). */
  rowOutputs: (number | undefined)[];
  /** Row index → output channels as parse_model computes them. */
  rowChannels: (number | undefined)[];
}

/** The modules whose first argument is an output channel count that the width scales. */
const CHANNEL_MODULES = new Set(['Conv', 'DWConv', 'Bottleneck', 'C2f', 'C3', 'C3k2', 'SPPF']);
const REPEAT_MODULES = new Set(['C2f', 'C3', 'C3k2']);
const REG_MAX = 16;

/** Python's round(): half to even. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

export function makeDivisible(x: number, divisor = 8): number {
  return Math.ceil(x / divisor) * divisor;
}

/** The scale ultralytics guesses from a file name (`yolov8n.yaml` → n), else undefined. */
export function guessScale(fileName: string | undefined): string | undefined {
  const stem =
    fileName
      ?.split(/[\\/]/)
      .pop()
      ?.replace(/\.[^.]*$/, '') ?? '';
  return /yolo(?:e-)?v?\d+([nslmx])/i.exec(stem)?.[1]?.toLowerCase();
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const int = (v: ArgValue | undefined, def: number): number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : def;
const bool = (v: ArgValue | undefined, def: boolean): boolean => (typeof v === 'boolean' ? v : def);
const num = (v: ArgValue | undefined, def: number): number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : def;
const pair = (v: ArgValue | undefined, def: [number, number]): [number, number] =>
  Array.isArray(v) && v.length === 2
    ? [int(v[0], def[0]), int(v[1], def[1])]
    : typeof v === 'number'
      ? [int(v, def[0]), int(v, def[1])]
      : def;

class LimitReached extends Error {}

export function lowerModel(spec: ModelSpec, scaleName: string | undefined, fileName?: string): UltralyticsLowered {
  const diagnostics: EngineDiagnostic[] = [...spec.diagnostics];
  const layers: Layer[] = [];
  const base = fileName
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.[^.]*$/, '');
  const scale = spec.scales.find((s) => s.name === scaleName) ?? spec.scales[0];
  const graph: Graph = {
    format: 'ultralytics',
    name: `${base || 'model'}${scale ? ` (scale ${scale.name})` : ''}`,
    nameSpan: spec.headerSpan,
    input: { h: 640, w: 640, c: spec.ch, batch: 1 },
    width: { alpha: 1 },
    layers,
    headerSpan: spec.headerSpan,
  };
  const depth = scale?.depth ?? spec.depthMultiple;
  const width = scale?.width ?? spec.widthMultiple;
  const maxChannels = scale?.maxChannels ?? Infinity;
  const rowOutputs: (number | undefined)[] = [];
  const rowChannels: (number | undefined)[] = [];
  const usedNames = new Set<string>();
  let legacy = true;

  for (const row of spec.rows) {
    if (!row) {
      rowOutputs.push(undefined);
      rowChannels.push(undefined);
      continue;
    }
    try {
      const r = lowerRow(row);
      rowOutputs.push(r?.out);
      rowChannels.push(r?.c);
    } catch (e) {
      if (!(e instanceof LimitReached)) throw e;
      diagnostics.push(
        makeDiagnostic(
          'limit-exceeded',
          row.span,
          `The model expands to more than ${LIMITS.maxLayers.toLocaleString('en-US')} layers; analysis stops here.`,
        ),
      );
      break;
    }
  }
  return { graph, diagnostics, scale, rowOutputs, rowChannels };

  function lowerRow(row: RowSpec): { out: number; c: number } | undefined {
    const i = row.index;
    const span: Span = row.span;
    const add = (name: string, opText: string, op: LayerOp, inputs: number[]): number => {
      if (layers.length >= LIMITS.maxLayers) throw new LimitReached();
      let n = name;
      for (let k = 2; usedNames.has(n); k++) n = `${name}_${k}`;
      usedNames.add(n);
      const index = layers.length;
      layers.push({ index, name: n, opText, op, inputs, span, site: span, statement: span });
      return index;
    };
    /** Ultralytics Conv: conv2d (no bias, autopad) + BatchNorm2d + SiLU; depthwise when g = c1 = c2. */
    const conv = (
      name: string,
      x: number,
      c1: number,
      c2: number,
      k: number,
      s = 1,
      g = 1,
      act = true,
      d = 1,
      p?: number,
    ): number => {
      const pad = p ?? (d > 1 ? Math.floor((d * (k - 1) + 1) / 2) : Math.floor(k / 2));
      const padding = { kind: 'explicit' as const, h: pad, w: pad };
      const op: LayerOp =
        g > 1 && g === c1 && g === c2
          ? { kind: 'dwconv', kh: k, kw: k, sh: s, sw: s, padding, dh: d, dw: d, multiplier: 1, bias: false }
          : {
              kind: 'conv',
              out: c2,
              kh: k,
              kw: k,
              sh: s,
              sw: s,
              padding,
              dh: d,
              dw: d,
              groups: g,
              bias: false,
              fixed: false,
            };
      let y = add(`${name}.conv`, 'Conv2d', op, [x]);
      y = add(`${name}.bn`, 'BatchNorm2d', { kind: 'bn' }, [y]);
      return act ? add(`${name}.act`, 'SiLU', { kind: 'act', fn: 'silu' }, [y]) : y;
    };
    const bottleneck = (
      name: string,
      x: number,
      c1: number,
      c2: number,
      shortcut: boolean,
      g: number,
      k: [number, number],
      e: number,
    ): number => {
      const c = Math.floor(c2 * e);
      const a = conv(`${name}.cv1`, x, c1, c, k[0]);
      const b = conv(`${name}.cv2`, a, c, c2, k[1], 1, g);
      return shortcut && c1 === c2 ? add(`${name}.add`, 'add', { kind: 'merge', mode: 'add' }, [x, b]) : b;
    };
    const c3 = (
      name: string,
      x: number,
      c1: number,
      c2: number,
      n: number,
      shortcut: boolean,
      g: number,
      e: number,
      k: [number, number],
    ): number => {
      const c = Math.floor(c2 * e);
      let m = conv(`${name}.cv1`, x, c1, c, 1);
      for (let j = 0; j < n; j++) m = bottleneck(`${name}.m.${j}`, m, c, c, shortcut, g, k, 1.0);
      const b = conv(`${name}.cv2`, x, c1, c, 1);
      const cat = add(`${name}.cat`, 'cat', { kind: 'merge', mode: 'concat' }, [m, b]);
      return conv(`${name}.cv3`, cat, 2 * c, c2, 1);
    };
    /** C2f and C3k2: cv1 → chunk(2) → n blocks on the second half → cat(all) → cv2. */
    const c2f = (
      name: string,
      x: number,
      c1: number,
      c2: number,
      n: number,
      e: number,
      block: (bn: string, y: number, c: number) => number,
    ): number => {
      const c = Math.floor(c2 * e);
      const y = conv(`${name}.cv1`, x, c1, 2 * c, 1);
      let last = add(`${name}.chunk`, 'chunk', { kind: 'split', parts: 2, index: 1 }, [y]);
      const parts = [y];
      for (let j = 0; j < n; j++) parts.push((last = block(`${name}.m.${j}`, last, c)));
      const cat = add(`${name}.cat`, 'cat', { kind: 'merge', mode: 'concat' }, parts);
      return conv(`${name}.cv2`, cat, (2 + n) * c, c2, 1);
    };

    // Inputs.
    const ins: number[] = [];
    const chs: number[] = [];
    for (const f of row.from) {
      const idx = f < 0 ? i + f : f;
      if (idx < -1 || (f < 0 && idx < 0 && i > 0) || idx >= i) {
        diagnostics.push(
          makeDiagnostic(
            idx >= i ? 'forward-reference' : 'unknown-name',
            row.fromSpan,
            `Row ${i}: 'from' ${f} does not point at an earlier row.`,
          ),
        );
        return undefined;
      }
      if (i === 0 || idx < 0) {
        ins.push(-1);
        chs.push(spec.ch);
        continue;
      }
      const out = rowOutputs[idx],
        c = rowChannels[idx];
      if (out === undefined || c === undefined) return undefined;
      ins.push(out);
      chs.push(c);
    }
    const x = ins[0]!;
    const c1 = chs[0]!;
    let n = row.repeats > 1 ? Math.max(pyRound(row.repeats * depth), 1) : row.repeats;
    const module = row.module;
    const args = [...row.args].map((a) => (a === 'nc' ? spec.nc : a === 'None' ? null : a));
    const name = `model.${i}`;
    if (module === 'C3k2') legacy = false;

    let c2 = c1;
    if (CHANNEL_MODULES.has(module)) {
      const raw = int(args[0], 0);
      if (!raw) {
        diagnostics.push(
          makeDiagnostic(
            'invalid-value',
            row.argsSpan,
            `Row ${i}: ${module} needs the output channels as its first argument.`,
          ),
        );
        return undefined;
      }
      c2 = raw !== spec.nc ? makeDivisible(Math.min(raw, maxChannels) * width, 8) : raw;
    }
    let inner = 1;
    if (REPEAT_MODULES.has(module)) {
      inner = n;
      n = 1;
    }
    const build = (pfx: string, y: number, cin: number): number => {
      switch (module) {
        case 'Conv':
          return conv(
            pfx,
            y,
            cin,
            c2,
            int(args[1], 1),
            int(args[2], 1),
            int(args[4], 1),
            bool(args[6], true),
            int(args[5], 1),
            typeof args[3] === 'number' ? args[3] : undefined,
          );
        case 'DWConv':
          return conv(
            pfx,
            y,
            cin,
            c2,
            int(args[1], 1),
            int(args[2], 1),
            gcd(cin, c2),
            bool(args[4], true),
            int(args[3], 1),
          );
        case 'Bottleneck':
          return bottleneck(
            pfx,
            y,
            cin,
            c2,
            bool(args[1], true),
            int(args[2], 1),
            pair(args[3], [3, 3]),
            num(args[4], 0.5),
          );
        case 'C2f':
          return c2f(pfx, y, cin, c2, inner, num(args[3], 0.5), (bn, z, c) =>
            bottleneck(bn, z, c, c, bool(args[1], false), int(args[2], 1), [3, 3], 1.0),
          );
        case 'C3k2': {
          const c3k = (scale && 'mlx'.includes(scale.name)) || bool(args[1], false);
          const shortcut = bool(args[4], true),
            g = int(args[3], 1);
          return c2f(pfx, y, cin, c2, inner, num(args[2], 0.5), (bn, z, c) =>
            c3k ? c3(bn, z, c, c, 2, shortcut, g, 0.5, [3, 3]) : bottleneck(bn, z, c, c, shortcut, g, [3, 3], 0.5),
          );
        }
        case 'C3':
          return c3(pfx, y, cin, c2, inner, bool(args[1], true), int(args[2], 1), num(args[3], 0.5), [1, 3]);
        case 'SPPF': {
          const k = int(args[1], 5);
          const c = Math.floor(cin / 2);
          const a = conv(`${pfx}.cv1`, y, cin, c, 1);
          const parts = [a];
          for (let j = 0; j < 3; j++)
            parts.push(
              add(
                `${pfx}.m.${j}`,
                'MaxPool2d',
                {
                  kind: 'pool',
                  mode: 'max',
                  global: false,
                  kh: k,
                  kw: k,
                  sh: 1,
                  sw: 1,
                  padding: { kind: 'explicit', h: Math.floor(k / 2), w: Math.floor(k / 2) },
                  ceil: false,
                },
                [parts[parts.length - 1]!],
              ),
            );
          const cat = add(`${pfx}.cat`, 'cat', { kind: 'merge', mode: 'concat' }, parts);
          return conv(`${pfx}.cv2`, cat, 4 * c, c2, 1);
        }
        case 'nn.Upsample':
          return add(pfx, 'Upsample', { kind: 'upsample', factor: int(args[1], 2) }, [y]);
        default:
          return add(pfx, module, { kind: 'unknown', type: module }, [y]);
      }
    };

    if (module === 'Concat')
      return { out: add(name, 'Concat', { kind: 'merge', mode: 'concat' }, ins), c: chs.reduce((a, b) => a + b, 0) };
    if (module === 'Detect') return { out: detect(name, ins, chs, int(args[0], spec.nc), add, conv, legacy), c: c1 };
    let y = x;
    let cin = c1;
    for (let j = 0; j < n; j++) {
      y = build(n > 1 ? `${name}.${j}` : name, y, cin);
      cin = c2;
    }
    return { out: y, c: c2 };
  }
}

type Add = (name: string, opText: string, op: LayerOp, inputs: number[]) => number;
type ConvFn = (
  name: string,
  x: number,
  c1: number,
  c2: number,
  k: number,
  s?: number,
  g?: number,
  act?: boolean,
) => number;

/**
 * Detect: per level, a box branch (Conv 3x3, Conv 3x3, Conv2d 1x1 → 4·reg_max) and a class
 * branch (legacy v8: Conv 3x3, Conv 3x3; else DWConv+Conv twice; then Conv2d 1x1 → nc),
 * concatenated; then the DFL conv (16 → 1, fixed weights) over the box distributions.
 */
function detect(
  name: string,
  ins: number[],
  chs: number[],
  nc: number,
  add: Add,
  conv: ConvFn,
  legacy: boolean,
): number {
  const ch0 = chs[0]!;
  const c2 = Math.max(16, Math.floor(ch0 / 4), REG_MAX * 4);
  const c3 = Math.max(ch0, Math.min(nc, 100));
  const outs: number[] = [];
  const boxes: number[] = [];
  ins.forEach((x, k) => {
    const c = chs[k]!;
    let b = conv(`${name}.cv2.${k}.0`, x, c, c2, 3);
    b = conv(`${name}.cv2.${k}.1`, b, c2, c2, 3);
    b = add(
      `${name}.cv2.${k}.2`,
      'Conv2d',
      {
        kind: 'conv',
        out: 4 * REG_MAX,
        kh: 1,
        kw: 1,
        sh: 1,
        sw: 1,
        padding: { kind: 'valid' },
        dh: 1,
        dw: 1,
        groups: 1,
        bias: true,
        fixed: true,
      },
      [b],
    );
    let s: number;
    if (legacy) {
      s = conv(`${name}.cv3.${k}.0`, x, c, c3, 3);
      s = conv(`${name}.cv3.${k}.1`, s, c3, c3, 3);
    } else {
      s = conv(`${name}.cv3.${k}.0.0`, x, c, c, 3, 1, c);
      s = conv(`${name}.cv3.${k}.0.1`, s, c, c3, 1);
      s = conv(`${name}.cv3.${k}.1.0`, s, c3, c3, 3, 1, c3);
      s = conv(`${name}.cv3.${k}.1.1`, s, c3, c3, 1);
    }
    s = add(
      `${name}.cv3.${k}.2`,
      'Conv2d',
      {
        kind: 'conv',
        out: nc,
        kh: 1,
        kw: 1,
        sh: 1,
        sw: 1,
        padding: { kind: 'valid' },
        dh: 1,
        dw: 1,
        groups: 1,
        bias: true,
        fixed: true,
      },
      [s],
    );
    boxes.push(b);
    outs.push(add(`${name}.cat.${k}`, 'cat', { kind: 'merge', mode: 'concat' }, [b, s]));
  });
  // DFL: a 1x1 conv 16 → 1 with fixed weights over the box distributions viewed as
  // (16, 4, anchors); its 16 weights are shared by every level.
  boxes.forEach((b, k) => {
    const sfx = ins.length > 1 ? `.${k}` : '';
    const v = add(`${name}.dfl${sfx}.view`, 'view', { kind: 'reshape', h: 4, c: REG_MAX }, [b]);
    add(
      `${name}.dfl${sfx}.conv`,
      'DFL',
      {
        kind: 'conv',
        out: 1,
        kh: 1,
        kw: 1,
        sh: 1,
        sw: 1,
        padding: { kind: 'valid' },
        dh: 1,
        dw: 1,
        groups: 1,
        bias: false,
        fixed: true,
        shared: k > 0,
      },
      [v],
    );
  });
  return outs[outs.length - 1]!;
}
