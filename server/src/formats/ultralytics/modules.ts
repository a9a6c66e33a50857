// The module table: every module name an Ultralytics model row may use that LayerLint costs
// exactly (and the YOLOv5 / YOLOv7 / YOLOv9 repositories' own modules and heads, which their
// files name in the same format), with how parse_model passes it arguments (base modules: args[0] is the output
// channels, scaled by the width; repeat modules: the row's repeats become the module's n)
// and how one copy expands into layers. Contract: a name not in MODULES is not costed (the
// row lowers to `unknown`); each lowering reads its arguments through RowArgs (validated)
// and returns the output layer and channels as parse_model records them.
import type { Shape } from '../../core/ir';
import type { RowArgs } from './args';
import {
  BlockError,
  aConv,
  aDown,
  bottleneck,
  bottleneckCSP,
  c1Block,
  c2,
  c2f,
  c2psa,
  c3,
  cib,
  crossConv,
  elan,
  a2c2f,
  focus,
  psaBlock,
  gcd,
  ghostBottleneck,
  ghostConv,
  repC3,
  repConvV7,
  resNetLayer,
  scDown,
  spp,
  sppelan,
  sppcspc,
  sppf,
  transformerBlock,
} from './blocks';
import type { LayerBuilder } from './builder';
import {
  anchorDetect,
  anchorProto,
  anchorsPerLevel,
  classify,
  dDetect,
  detect,
  implicitDetect,
  proto,
  type DetectOptions,
} from './heads';
import { convActivation, type ConvActivation } from './model';
import type { ModelSpec } from './model';

export interface RowContext {
  b: LayerBuilder;
  /** `model.<row index>`. */
  name: string;
  ins: number[];
  /** Channels of each input, as parse_model's `ch` list holds them. */
  chs: number[];
  args: RowArgs;
  /** Repeats after the depth multiple. */
  n: number;
  spec: ModelSpec;
  /** The scale parse_model uses ('' when the file has none and the name gives none). */
  scale: string;
  /** Still true while no C3k2 / C2fCIB row was seen: the Detect class branch is the v8 one. */
  legacy: boolean;
  /** parse_model's make_divisible(min(c, max_channels) * width, 8). */
  scaleChannels(c: number): number;
  /** The CBLinear split sizes of input k, when input k is a CBLinear row. */
  splitsOf(k: number): number[] | undefined;
  /** The shapes of layers built so far at the model's input size (for CBFuse's interpolation). */
  shapes(): (Shape | null)[];
}

export interface RowOutput {
  out: number;
  c: number;
  /** CBLinear: the channel sizes its output splits into. */
  splits?: number[];
}

/** One copy of a single-input module on input x with c1 channels; c2 is the row's output channels. */
type One = (ctx: RowContext, name: string, x: number, c1: number, c2: number) => number;

export interface ModuleSpec {
  /** parse_model's base_modules: args[0] is c2, scaled by width unless it equals nc. */
  base?: boolean;
  /** parse_model's repeat_modules: n goes into the module; otherwise n copies are chained. */
  repeats?: boolean;
  /** Turns off the legacy Detect class branch (C3k2, C2fCIB). */
  modern?: boolean;
  one?: One;
  /** Output channels of a non-base single-input module (default: its input channels). */
  channels?: (ctx: RowContext, c1: number) => number;
  /** Modules that read several inputs (or need the whole row): Concat, CBFuse, the heads. */
  row?: (ctx: RowContext) => RowOutput;
}

const a = (ctx: RowContext) => ctx.args;

/** The inner repeats of a repeat module: parse_model inserts n at args[2]. */
const repeatsOf = (ctx: RowContext) => ctx.n;

function detectOptions(ctx: RowContext, v10 = false): DetectOptions {
  return {
    nc: a(ctx).int(0, 'nc', ctx.spec.nc),
    regMax: ctx.spec.regMax,
    legacy: ctx.legacy,
    end2end: ctx.spec.end2end,
    v10,
  };
}

function head(ctx: RowContext, build: (o: DetectOptions) => number): RowOutput {
  return { out: build(detectOptions(ctx)), c: ctx.chs[0]! };
}

/**
 * A YOLOv5-repository head: its second argument is the anchors (the name `anchors` for the
 * file's setting, a list of levels, or a count), which Ultralytics' own heads never take.
 */
function anchorBased(ctx: RowContext): boolean {
  const v = a(ctx).values[1];
  return v === 'anchors' || Array.isArray(v);
}

/** Anchors per level of the head's anchors argument, checked against its inputs. */
function anchorCount(ctx: RowContext): number {
  const raw = a(ctx).values[1];
  const v = raw === 'anchors' ? ctx.spec.anchors : raw;
  if (v === undefined) return a(ctx).fail(1, 'names anchors, but the file has no top-level anchors: setting.');
  const r = anchorsPerLevel(v);
  if (typeof r === 'string') return a(ctx).fail(1, r);
  if (r.levels !== undefined && r.levels !== ctx.ins.length)
    a(ctx).fail(1, `${r.levels} levels of anchors for ${ctx.ins.length} inputs: YOLOv5 needs one level per input.`);
  return r.na;
}

/** A Conv's activation-module argument (`nn.LeakyReLU(0.1)`) in a YOLOv5 / YOLOv7 file, or undefined for a flag. */
function moduleActivation(ctx: RowContext, i: number): ConvActivation | undefined {
  const v = a(ctx).values[i];
  if (ctx.spec.anchors === undefined || typeof v !== 'string') return undefined;
  return convActivation(v) ?? a(ctx).fail(i, `act ${JSON.stringify(v)} is not an activation LayerLint knows.`);
}

/** The YOLOv9 repository's DDetect / DualDDetect (a dual head reads an even number of inputs). */
function yolov9Head(ctx: RowContext, dual: boolean): RowOutput {
  const nc = a(ctx).int(0, 'nc', ctx.spec.nc);
  if (dual && ctx.ins.length % 2 !== 0)
    throw new BlockError(`DualDDetect reads two sets of levels, not ${ctx.ins.length} inputs.`);
  return { out: dDetect(ctx.b, ctx.name, ctx.ins, ctx.chs, nc, dual), c: ctx.chs[0]! };
}

/** YOLOv5 Detect(nc, anchors) / Segment(nc, anchors, nm, npr): 1x1 convs to na x (nc + 5 + nm), Segment's Proto. */
function anchorHead(ctx: RowContext, segment: boolean): RowOutput {
  const nc = a(ctx).int(0, 'nc', ctx.spec.nc);
  const na = anchorCount(ctx);
  let nm = 0;
  if (segment) {
    nm = a(ctx).int(2, 'masks', 32);
    const npr = ctx.scaleChannels(a(ctx).int(3, 'protos', 256));
    anchorProto(ctx.b, `${ctx.name}.proto`, ctx.ins[0]!, ctx.chs[0]!, npr, nm);
  }
  return { out: anchorDetect(ctx.b, ctx.name, ctx.ins, na * (nc + 5 + nm)), c: ctx.chs[0]! };
}

/** A module built from (c2, n, shortcut, g, e), the row's repeats inside (C2, C2f, C3, C3x, BottleneckCSP). */
type CspBlock = (
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  n: number,
  shortcut: boolean,
  g: number,
  e: number,
) => number;

/** A module read as (c2, n, shortcut, g, e), as C2, C2f, C3, C3x and BottleneckCSP are; `shortcut` defaults as given. */
const cspModule = (block: CspBlock, shortcut = true): ModuleSpec => ({
  base: true,
  repeats: true,
  one: (ctx, name, x, c1, co) =>
    block(
      ctx.b,
      name,
      x,
      c1,
      co,
      repeatsOf(ctx),
      a(ctx).bool(1, 'shortcut', shortcut),
      a(ctx).int(2, 'groups', 1),
      a(ctx).positive(3, 'e', 0.5),
    ),
});

export const MODULES: Record<string, ModuleSpec> = {
  Conv: {
    base: true,
    one: (ctx, name, x, c1, c2) => {
      // YOLOv7's Conv(c1, c2, k, s, p, g, act) and YOLOv5's (.., g, d, act) take an activation
      // module as act, which their parse_model evaluates: a file with top-level anchors only.
      const actAt = ctx.spec.anchors !== undefined && typeof a(ctx).values[5] === 'string' ? 5 : 6;
      const actFn = moduleActivation(ctx, actAt);
      return ctx.b.conv(name, x, c1, c2, {
        k: a(ctx).kernel(1, 'kernel', 1),
        s: a(ctx).int(2, 'stride', 1),
        p: a(ctx).optionalInt(3, 'padding'),
        g: a(ctx).int(4, 'groups', 1),
        d: actAt === 5 ? 1 : a(ctx).int(5, 'dilation', 1),
        ...(actFn ? { actFn } : { act: a(ctx).bool(actAt, 'act', true) }),
      });
    },
  },
  DWConv: {
    base: true,
    one: (ctx, name, x, c1, c2) =>
      ctx.b.conv(name, x, c1, c2, {
        k: a(ctx).kernel(1, 'kernel', 1),
        s: a(ctx).int(2, 'stride', 1),
        g: gcd(c1, c2),
        d: a(ctx).int(3, 'dilation', 1),
        act: a(ctx).bool(4, 'act', true),
      }),
  },
  GhostConv: {
    base: true,
    one: (ctx, name, x, c1, c2) =>
      ghostConv(
        ctx.b,
        name,
        x,
        c1,
        c2,
        a(ctx).kernel(1, 'kernel', 1),
        a(ctx).int(2, 'stride', 1),
        a(ctx).int(3, 'groups', 1),
        a(ctx).bool(4, 'act', true),
      ),
  },
  Bottleneck: {
    base: true,
    one: (ctx, name, x, c1, c2) => {
      const k = a(ctx).values[3];
      const kk: [number, number] =
        k === undefined || k === null
          ? [3, 3]
          : Array.isArray(k) && k.length === 2
            ? [kernelOf(ctx, 3, k[0]), kernelOf(ctx, 3, k[1])]
            : a(ctx).fail(3, 'k must be a pair of kernels such as [3, 3].');
      return bottleneck(
        ctx.b,
        name,
        x,
        c1,
        c2,
        a(ctx).bool(1, 'shortcut', true),
        a(ctx).int(2, 'groups', 1),
        kk,
        a(ctx).positive(4, 'e', 0.5),
      );
    },
  },
  GhostBottleneck: {
    base: true,
    one: (ctx, name, x, c1, c2) =>
      ghostBottleneck(ctx.b, name, x, c1, c2, a(ctx).kernel(1, 'kernel', 3), a(ctx).int(2, 'stride', 1)),
  },
  C2: cspModule(c2),
  C2f: cspModule(
    (b, name, x, c1, c2, n, shortcut, g, e) =>
      c2f(b, name, x, c1, c2, n, e, (bn, y, c) => bottleneck(b, bn, y, c, c, shortcut, g, [3, 3], 1)),
    false,
  ),
  C3: cspModule((b, name, x, c1, c2, n, shortcut, g, e) =>
    c3(b, name, x, c1, c2, n, e, (bn, y, c) => bottleneck(b, bn, y, c, c, shortcut, g, [1, 3], 1)),
  ),
  C3x: cspModule((b, name, x, c1, c2, n, shortcut, g, e) =>
    c3(b, name, x, c1, c2, n, e, (bn, y, c) => crossConv(b, bn, y, c, c, 3, 1, g, 1, shortcut)),
  ),
  C3TR: {
    base: true,
    repeats: true,
    // C3 whose m is one TransformerBlock(c_, c_, 4 heads, n layers).
    one: (ctx, name, x, c1, co) => {
      a(ctx).bool(1, 'shortcut', true);
      a(ctx).int(2, 'groups', 1);
      const c = Math.floor(co * a(ctx).positive(3, 'e', 0.5));
      const m = transformerBlock(ctx.b, `${name}.m`, ctx.b.conv(`${name}.cv1`, x, c1, c), c, c, 4, repeatsOf(ctx));
      const side = ctx.b.conv(`${name}.cv2`, x, c1, c);
      return ctx.b.conv(`${name}.cv3`, ctx.b.concat(`${name}.cat`, [m, side]), 2 * c, co);
    },
  },
  BottleneckCSP: cspModule(bottleneckCSP),
  C1: { base: true, repeats: true, one: (ctx, name, x, c1, co) => c1Block(ctx.b, name, x, c1, co, repeatsOf(ctx)) },
  RepC3: {
    base: true,
    repeats: true,
    one: (ctx, name, x, c1, co) => repC3(ctx.b, name, x, c1, co, repeatsOf(ctx), a(ctx).positive(1, 'e', 1)),
  },
  A2C2f: {
    base: true,
    repeats: true,
    modern: true,
    // parse_model appends residual = True and mlp_ratio = 1.2 for the l and x scales.
    one: (ctx, name, x, c1, co) => {
      const lx = ctx.scale === 'l' || ctx.scale === 'x';
      const a2 = a(ctx).bool(1, 'a2', true);
      const area = a2 ? a(ctx).int(2, 'area', 1) : 1;
      const h = ctx.shapes()[x]?.[0];
      if (h === undefined) throw new BlockError('the size of its input is not known.');
      return a2c2f(ctx.b, name, x, c1, co, {
        n: repeatsOf(ctx),
        a2,
        area: { areas: area, h },
        residual: a(ctx).bool(3, 'residual', lx),
        mlpRatio: a(ctx).positive(4, 'mlp_ratio', lx ? 1.2 : 2),
        e: a(ctx).positive(5, 'e', 0.5),
      });
    },
  },
  // The YOLOv7 repository's modules (models/common.py), in its files (top-level anchors).
  MP: { one: (ctx, name, x) => ctx.b.pool(name, x, 'max', a(ctx).int(0, 'k', 2), a(ctx).int(0, 'k', 2), 0) },
  SP: {
    one: (ctx, name, x) => {
      const k = a(ctx).int(0, 'k', 3);
      return ctx.b.pool(name, x, 'max', k, a(ctx).int(1, 's', 1), Math.floor(k / 2));
    },
  },
  SPPCSPC: {
    base: true,
    repeats: true,
    one: (ctx, name, x, c1, co) =>
      sppcspc(
        ctx.b,
        name,
        x,
        c1,
        co,
        a(ctx).positive(3, 'e', 0.5),
        a(ctx).length > 4 ? a(ctx).intList(4, 'kernels') : [5, 9, 13],
      ),
  },
  RepConv: {
    base: true,
    one: (ctx, name, x, c1, co) => {
      if (ctx.spec.anchors === undefined)
        a(ctx).fail(0, 'RepConv rows are costed in YOLOv7-repository files (with top-level anchors) only.');
      const k = a(ctx).kernel(1, 'kernel', 3);
      if (k !== 3) a(ctx).fail(1, 'YOLOv7 RepConv asserts a 3x3 kernel.');
      return repConvV7(ctx.b, name, x, c1, co, k, a(ctx).int(2, 'stride', 1), a(ctx).int(4, 'groups', 1), true);
    },
  },
  Focus: {
    base: true,
    one: (ctx, name, x, c1, c2) =>
      focus(ctx.b, name, x, c1, c2, {
        k: a(ctx).kernel(1, 'kernel', 1),
        s: a(ctx).int(2, 'stride', 1),
        p: a(ctx).optionalInt(3, 'padding'),
        g: a(ctx).int(4, 'groups', 1),
        act: a(ctx).bool(5, 'act', true),
      }),
  },
  C3Ghost: {
    base: true,
    repeats: true,
    one: (ctx, name, x, c1, co) =>
      c3(ctx.b, name, x, c1, co, repeatsOf(ctx), a(ctx).positive(3, 'e', 0.5), (bn, y, c) =>
        ghostBottleneck(ctx.b, bn, y, c, c),
      ),
  },
  C3k2: {
    base: true,
    repeats: true,
    modern: true,
    one: (ctx, name, x, c1, co) => {
      // parse_model sets c3k for the m, l and x scales (and when no scale is known: '' in "mlx").
      const c3k = 'mlx'.includes(ctx.scale) || a(ctx).bool(1, 'c3k', false);
      // Ultralytics 8.4 inserted attn before g: C3k2(c1, c2, n, c3k, e, attn, g, shortcut); a
      // boolean there is attn, an integer the groups of 8.3's C3k2(c1, c2, n, c3k, e, g, shortcut).
      const attn = typeof a(ctx).values[3] === 'boolean' && a(ctx).bool(3, 'attn', false);
      const after = typeof a(ctx).values[3] === 'boolean' ? 4 : 3;
      const g = a(ctx).int(after, 'groups', 1);
      const shortcut = a(ctx).bool(after + 1, 'shortcut', true);
      return c2f(ctx.b, name, x, c1, co, repeatsOf(ctx), a(ctx).positive(2, 'e', 0.5), (bn, y, c) => {
        if (attn) {
          // Bottleneck then PSABlock(c, 0.5, max(c // 64, 1) heads).
          const z = bottleneck(ctx.b, `${bn}.0`, y, c, c, shortcut, g, [3, 3], 0.5);
          return psaBlock(ctx.b, `${bn}.1`, z, c, Math.max(Math.floor(c / 64), 1));
        }
        return c3k
          ? c3(ctx.b, bn, y, c, c, 2, 0.5, (bn2, z, cc) => bottleneck(ctx.b, bn2, z, cc, cc, shortcut, g, [3, 3], 1))
          : bottleneck(ctx.b, bn, y, c, c, shortcut, g, [3, 3], 0.5);
      });
    },
  },
  C2fCIB: {
    base: true,
    repeats: true,
    modern: true,
    one: (ctx, name, x, c1, co) => {
      const shortcut = a(ctx).bool(1, 'shortcut', false);
      const lk = a(ctx).bool(2, 'lk', false);
      a(ctx).int(3, 'groups', 1);
      return c2f(ctx.b, name, x, c1, co, repeatsOf(ctx), a(ctx).positive(4, 'e', 0.5), (bn, y, c) =>
        cib(ctx.b, bn, y, c, c, shortcut, 1, lk),
      );
    },
  },
  C2PSA: {
    base: true,
    repeats: true,
    one: (ctx, name, x, c1, co) => c2psa(ctx.b, name, x, c1, co, repeatsOf(ctx), a(ctx).positive(1, 'e', 0.5)),
  },
  PSA: {
    base: true,
    one: (ctx, name, x, c1, co) => c2psa(ctx.b, name, x, c1, co, 1, a(ctx).positive(1, 'e', 0.5), true),
  },
  SPPF: {
    base: true,
    one: (ctx, name, x, c1, co) =>
      sppf(
        ctx.b,
        name,
        x,
        c1,
        co,
        a(ctx).int(1, 'kernel', 5),
        a(ctx).int(2, 'n', 3),
        a(ctx).bool(3, 'shortcut', false),
      ),
  },
  SPP: {
    base: true,
    one: (ctx, name, x, c1, co) =>
      spp(ctx.b, name, x, c1, co, a(ctx).length > 1 ? a(ctx).intList(1, 'kernels') : [5, 9, 13]),
  },
  SPPELAN: {
    base: true,
    one: (ctx, name, x, c1, co) => sppelan(ctx.b, name, x, c1, co, a(ctx).int(1, 'c3'), a(ctx).int(2, 'kernel', 5)),
  },
  RepNCSPELAN4: {
    base: true,
    one: (ctx, name, x, c1, co) =>
      elan(ctx.b, name, x, c1, co, a(ctx).int(1, 'c3'), a(ctx).int(2, 'c4'), a(ctx).int(3, 'n', 1)),
  },
  ELAN1: {
    base: true,
    one: (ctx, name, x, c1, co) => elan(ctx.b, name, x, c1, co, a(ctx).int(1, 'c3'), a(ctx).int(2, 'c4'), undefined),
  },
  AConv: { base: true, one: (ctx, name, x, c1, co) => aConv(ctx.b, name, x, c1, co) },
  ADown: { base: true, one: (ctx, name, x, c1, co) => aDown(ctx.b, name, x, c1, co) },
  SCDown: {
    base: true,
    one: (ctx, name, x, c1, co) => scDown(ctx.b, name, x, c1, co, a(ctx).int(1, 'kernel'), a(ctx).int(2, 'stride')),
  },
  'nn.ConvTranspose2d': {
    base: true,
    one: (ctx, name, x, _c1, co) => {
      const k = a(ctx).kernel(1, 'kernel', 1);
      const s = a(ctx).int(2, 'stride', 1);
      const p = a(ctx).int(3, 'padding', 0, 0);
      return ctx.b.add(
        name,
        'ConvTranspose2d',
        {
          kind: 'deconv',
          out: co,
          kh: k,
          kw: k,
          sh: s,
          sw: s,
          padding: p ? { kind: 'explicit', h: p, w: p } : { kind: 'valid' },
          dh: 1,
          dw: 1,
          groups: 1,
          bias: a(ctx).bool(6, 'bias', true),
          fixed: true,
        },
        [x],
      );
    },
  },
  ResNetLayer: {
    // Not a base module: the file gives c1 and c2; the output is c2, or 4 x c2 after blocks.
    one: (ctx, name, x, c1) => {
      const c2 = a(ctx).int(1, 'c2');
      const e = a(ctx).int(5, 'e', 4);
      return resNetLayer(
        ctx.b,
        name,
        x,
        c1,
        c2,
        a(ctx).int(2, 'stride', 1),
        a(ctx).bool(3, 'is_first', false),
        a(ctx).int(4, 'n', 1),
        e,
      );
    },
    channels: (ctx) =>
      a(ctx).bool(3, 'is_first', false) ? a(ctx).int(1, 'c2') : a(ctx).int(1, 'c2') * a(ctx).int(5, 'e', 4),
  },
  'nn.Upsample': {
    one: (ctx, name, x) => {
      if (a(ctx).values[0] !== undefined && a(ctx).values[0] !== null)
        a(ctx).fail(0, 'an output size is not supported; give the scale factor: [None, 2, "nearest"].');
      const mode = a(ctx).values[2] ?? 'nearest';
      if (mode !== 'nearest') a(ctx).fail(2, `only mode "nearest" is costed, not ${JSON.stringify(mode)}.`);
      const factor = a(ctx).int(1, 'scale_factor', 1);
      return ctx.b.add(name, 'Upsample', { kind: 'upsample', factor }, [x]);
    },
  },
  'nn.MaxPool2d': {
    one: (ctx, name, x) => {
      const k = a(ctx).kernel(0, 'kernel', 1);
      const s = a(ctx).optionalInt(1, 'stride', 1) ?? k;
      const p = a(ctx).int(2, 'padding', 0, 0);
      if (a(ctx).int(3, 'dilation', 1) !== 1) a(ctx).fail(3, 'only dilation 1 is costed.');
      if (2 * p > k) a(ctx).fail(2, `padding ${p} is more than half the kernel ${k} (PyTorch refuses it).`);
      return ctx.b.pool(name, x, 'max', k, s, p, a(ctx).bool(5, 'ceil_mode', false));
    },
  },
  'nn.ZeroPad2d': {
    one: (ctx, name, x) => {
      // ZeroPad2d(p) pads every side by p; ZeroPad2d([left, right, top, bottom]) each side its own.
      const v = a(ctx).values[0];
      const [left, right, top, bottom] = Array.isArray(v)
        ? v.length === 4
          ? a(ctx).intList(0, 'padding', 0)
          : a(ctx).fail(0, 'padding must be one integer or [left, right, top, bottom].')
        : [0, 0, 0, 0].fill(a(ctx).int(0, 'padding', undefined, 0));
      return ctx.b.add(name, 'ZeroPad2d', { kind: 'pad', top: top!, bottom: bottom!, left: left!, right: right! }, [x]);
    },
  },
  'nn.Identity': { one: (ctx, name, x) => ctx.b.add(name, 'Identity', { kind: 'identity' }, [x]) },
  // The YOLOv9 repository's first row (models/common.py Silence: forward returns its input).
  Silence: { one: (ctx, name, x) => ctx.b.add(name, 'Silence', { kind: 'identity' }, [x]) },
  'nn.ReLU': { one: (ctx, name, x) => ctx.b.add(name, 'ReLU', { kind: 'act', fn: 'relu' }, [x]) },
  'nn.SiLU': { one: (ctx, name, x) => ctx.b.add(name, 'SiLU', { kind: 'act', fn: 'silu' }, [x]) },
  'nn.Dropout': {
    one: (ctx, name, x) => ctx.b.add(name, 'Dropout', { kind: 'dropout', p: dropoutP(ctx) }, [x]),
  },
  'nn.BatchNorm2d': { one: (ctx, name, x) => ctx.b.add(name, 'BatchNorm2d', { kind: 'bn' }, [x]) },
  Concat: {
    row: (ctx) => {
      if (a(ctx).int(0, 'dimension', 1) !== 1) a(ctx).fail(0, 'only concatenation along channels (1) is costed.');
      return {
        out: ctx.b.add(ctx.name, 'Concat', { kind: 'merge', mode: 'concat' }, ctx.ins),
        c: ctx.chs.reduce((s, c) => s + c, 0),
      };
    },
  },
  CBLinear: {
    row: (ctx) => {
      const splits = a(ctx).intList(0, 'c2s', 1, true);
      const k = a(ctx).kernel(1, 'kernel', 1);
      const c = splits.reduce((s, x) => s + x, 0);
      const p = a(ctx).optionalInt(3, 'padding') ?? Math.floor(k / 2);
      const out = ctx.b.conv2d(ctx.name, ctx.ins[0]!, c, {
        k,
        s: a(ctx).int(2, 'stride', 1),
        p,
        g: a(ctx).int(4, 'groups', 1),
      });
      return { out, c, splits };
    },
  },
  CBFuse: { row: cbFuse },
  Detect: {
    row: (ctx) =>
      anchorBased(ctx) ? anchorHead(ctx, false) : head(ctx, (o) => detect(ctx.b, ctx.name, ctx.ins, ctx.chs, o)),
  },
  IDetect: {
    row: (ctx) => {
      const nc = a(ctx).int(0, 'nc', ctx.spec.nc);
      return { out: implicitDetect(ctx.b, ctx.name, ctx.ins, anchorCount(ctx) * (nc + 5)), c: ctx.chs[0]! };
    },
  },
  DDetect: { row: (ctx) => yolov9Head(ctx, false) },
  DualDDetect: { row: (ctx) => yolov9Head(ctx, true) },
  v10Detect: {
    row: (ctx) => ({ out: detect(ctx.b, ctx.name, ctx.ins, ctx.chs, detectOptions(ctx, true)), c: ctx.chs[0]! }),
  },
  Segment: {
    row: (ctx) =>
      anchorBased(ctx)
        ? anchorHead(ctx, true)
        : head(ctx, (o) => {
            const nm = a(ctx).int(1, 'masks', 32);
            const npr = ctx.scaleChannels(a(ctx).int(2, 'protos', 256));
            const ch0 = ctx.chs[0]!;
            proto(ctx.b, `${ctx.name}.proto`, ctx.ins[0]!, ch0, npr, nm);
            return detect(ctx.b, ctx.name, ctx.ins, ctx.chs, o, { c4: Math.max(Math.floor(ch0 / 4), nm), out: nm });
          }),
  },
  Pose: {
    row: (ctx) =>
      head(ctx, (o) => {
        const v = a(ctx).values[1];
        const shape = v === undefined ? [17, 3] : a(ctx).intList(1, 'kpt_shape');
        if (shape.length !== 2) a(ctx).fail(1, 'kpt_shape must be [keypoints, dims].');
        const nk = shape[0]! * shape[1]!;
        return detect(ctx.b, ctx.name, ctx.ins, ctx.chs, o, { c4: Math.max(Math.floor(ctx.chs[0]! / 4), nk), out: nk });
      }),
  },
  OBB: {
    row: (ctx) =>
      head(ctx, (o) => {
        const ne = a(ctx).int(1, 'extra parameters', 1);
        return detect(ctx.b, ctx.name, ctx.ins, ctx.chs, o, { c4: Math.max(Math.floor(ctx.chs[0]! / 4), ne), out: ne });
      }),
  },
  Classify: {
    row: (ctx) => {
      const c2 = ctx.chs.length ? classifyChannels(ctx) : 0;
      const out = classify(
        ctx.b,
        ctx.name,
        ctx.ins,
        ctx.chs,
        c2,
        a(ctx).kernel(1, 'kernel', 1),
        a(ctx).int(2, 'stride', 1),
        a(ctx).optionalInt(3, 'padding'),
        a(ctx).int(4, 'groups', 1),
      );
      return { out, c: c2 };
    },
  },
};

/** Classify is a base module: c2 = args[0], scaled by the width unless it equals nc. */
function classifyChannels(ctx: RowContext): number {
  const raw = a(ctx).int(0, 'classes');
  return raw === ctx.spec.nc ? raw : ctx.scaleChannels(raw);
}

function dropoutP(ctx: RowContext): number {
  const v = a(ctx).values[0];
  if (v === undefined || v === null) return 0.5;
  if (typeof v === 'number' && v >= 0 && v <= 1) return v;
  return a(ctx).fail(0, `p must be a probability from 0 to 1, not ${JSON.stringify(v)}.`);
}

function kernelOf(ctx: RowContext, i: number, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1_000_000) return v;
  return a(ctx).fail(i, `kernel must be a positive integer, not ${JSON.stringify(v)}.`);
}

/**
 * CBFuse(idx): for each input but the last, part idx[i] of a CBLinear's split output, resized
 * (nearest) to the last input's size, all summed with the last input.
 */
function cbFuse(ctx: RowContext): RowOutput {
  const idx = a(ctx).intList(0, 'indexes', 0);
  const last = ctx.ins[ctx.ins.length - 1]!;
  if (idx.length !== ctx.ins.length - 1)
    a(ctx).fail(0, `needs one index per input but the last (${ctx.ins.length - 1}).`);
  const shapes = ctx.shapes();
  const target = shapes[last];
  if (!target) throw new BlockError('the size of its last input is not known.');
  const parts = idx.map((j, k) => {
    const splits = ctx.splitsOf(k);
    if (!splits || j >= splits.length) return a(ctx).fail(0, `input ${k + 1} has no CBLinear part ${j}.`);
    const points = splits.slice(0, -1).map((_, t) => splits.slice(0, t + 1).reduce((s, x) => s + x, 0));
    const part = ctx.b.channelSlice(`${ctx.name}.part.${k}`, ctx.ins[k]!, points, j);
    const source = shapes[ctx.ins[k]!];
    if (!source) throw new BlockError(`the size of input ${k + 1} is not known.`);
    const factor = target[0] / source[0];
    if (!Number.isInteger(factor) || factor < 1 || target[1] / source[1] !== factor)
      throw new BlockError(
        `input ${k + 1} (${source[0]}x${source[1]}) does not resize to ${target[0]}x${target[1]} by a whole factor.`,
      );
    return factor === 1
      ? part
      : ctx.b.add(`${ctx.name}.interpolate.${k}`, 'interpolate', { kind: 'upsample', factor }, [part]);
  });
  return { out: ctx.b.sum(ctx.name, [...parts, last]), c: ctx.chs[ctx.chs.length - 1]! };
}
