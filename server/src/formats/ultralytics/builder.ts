// Appends IR layers for one Ultralytics model: the primitives every module expands into
// (Ultralytics `Conv` = conv2d without bias + BatchNorm2d + the model's activation (SiLU unless
// the file's `activation` says otherwise), a bare nn.Conv2d, pools,
// chunks, concatenations, sums). Contract: layer names are unique (a repeated name gets
// `_2`, `_3`, ...), every layer carries the span of the row being lowered, and past
// LIMITS.maxLayers it throws LimitReached instead of growing.
import type { Layer, LayerOp, Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import type { ConvActivation } from './model';

export class LimitReached extends Error {}

/** Ultralytics Conv(c1, c2, k, s, p, g, d, act): everything but the channels is optional. */
export interface ConvOptions {
  k?: number;
  s?: number;
  /** A (kh, kw) kernel and (sh, sw) stride instead of k x k and s (CrossConv's 1 x k and k x 1). */
  kh?: number;
  kw?: number;
  sh?: number;
  sw?: number;
  /** Padding; autopad (d·(k−1)+1) // 2 when absent, as Ultralytics' autopad. */
  p?: number;
  g?: number;
  d?: number;
  act?: boolean;
  /** This Conv's own activation (a YOLOv5 / YOLOv7 row's `nn.LeakyReLU(0.1)` argument) instead of the model's. */
  actFn?: ConvActivation;
}

/** A bare nn.Conv2d (no BN, no activation): bias unless said otherwise. */
export interface Conv2dOptions {
  k?: number;
  s?: number;
  p?: number;
  g?: number;
  bias?: boolean;
  /** The width multiplier does not apply (Ultralytics already scaled the channels). */
  fixed?: boolean;
  /** Weights shared with an earlier layer (the DFL conv of every level after the first). */
  shared?: boolean;
}

export class LayerBuilder {
  readonly layers: Layer[] = [];
  private readonly usedNames = new Set<string>();
  /** The row being lowered: every layer added gets its span. */
  span: Span = { start: 0, end: 0 };
  /** Conv.default_act: the model file's `activation`, SiLU by default. */
  act: ConvActivation = { fn: 'silu', text: 'SiLU' };

  add(name: string, opText: string, op: LayerOp, inputs: number[]): number {
    if (this.layers.length >= LIMITS.maxLayers) throw new LimitReached();
    let unique = name;
    for (let k = 2; this.usedNames.has(unique); k++) unique = `${name}_${k}`;
    this.usedNames.add(unique);
    const index = this.layers.length;
    const span = this.span;
    this.layers.push({ index, name: unique, opText, op, inputs, span, site: span, statement: span });
    return index;
  }

  /** Drops the layers from `length` on (a row that failed half-way leaves none of its layers). */
  truncate(length: number): void {
    for (const l of this.layers.splice(length)) this.usedNames.delete(l.name);
  }

  /** Ultralytics Conv: conv2d (no bias) + BatchNorm2d (+ the model's activation); a depthwise op when g = c1 = c2. */
  conv(name: string, x: number, c1: number, c2: number, o: ConvOptions = {}): number {
    const kh = o.kh ?? o.k ?? 1;
    const kw = o.kw ?? o.k ?? 1;
    const sh = o.sh ?? o.s ?? 1;
    const sw = o.sw ?? o.s ?? 1;
    const g = o.g ?? 1;
    const d = o.d ?? 1;
    const autopad = (k: number) => Math.floor((d * (k - 1) + 1) / 2);
    const padding = { kind: 'explicit' as const, h: o.p ?? autopad(kh), w: o.p ?? autopad(kw) };
    const op: LayerOp =
      g > 1 && g === c1 && g === c2
        ? { kind: 'dwconv', kh, kw, sh, sw, padding, dh: d, dw: d, multiplier: 1, bias: false }
        : {
            kind: 'conv',
            out: c2,
            kh,
            kw,
            sh,
            sw,
            padding,
            dh: d,
            dw: d,
            groups: g,
            bias: false,
            fixed: false,
          };
    const y = this.add(`${name}.conv`, 'Conv2d', op, [x]);
    const b = this.add(`${name}.bn`, 'BatchNorm2d', { kind: 'bn' }, [y]);
    const act = o.actFn ?? this.act;
    return o.act === false ? b : this.add(`${name}.act`, act.text, { kind: 'act', fn: act.fn }, [b]);
  }

  /** A bare nn.Conv2d(c1, c2, k, s, p, groups=g, bias). */
  conv2d(name: string, x: number, c2: number, o: Conv2dOptions = {}, opText = 'Conv2d'): number {
    const k = o.k ?? 1;
    const s = o.s ?? 1;
    const pad = o.p ?? 0;
    const op: LayerOp = {
      kind: 'conv',
      out: c2,
      kh: k,
      kw: k,
      sh: s,
      sw: s,
      padding: pad ? { kind: 'explicit', h: pad, w: pad } : { kind: 'valid' },
      dh: 1,
      dw: 1,
      groups: o.g ?? 1,
      bias: o.bias ?? true,
      fixed: o.fixed ?? true,
      ...(o.shared ? { shared: true } : {}),
    };
    return this.add(name, opText, op, [x]);
  }

  pool(name: string, x: number, mode: 'max' | 'avg', k: number, s: number, p: number, ceil = false): number {
    return this.add(
      name,
      mode === 'max' ? 'MaxPool2d' : 'avg_pool2d',
      {
        kind: 'pool',
        mode,
        global: false,
        kh: k,
        kw: k,
        sh: s,
        sw: s,
        padding: p ? { kind: 'explicit', h: p, w: p } : { kind: 'valid' },
        ceil,
      },
      [x],
    );
  }

  concat(name: string, inputs: number[]): number {
    return this.add(name, 'cat', { kind: 'merge', mode: 'concat' }, inputs);
  }

  sum(name: string, inputs: number[]): number {
    return this.add(name, 'add', { kind: 'merge', mode: 'add' }, inputs);
  }

  /** torch.chunk(x, parts, 1)[index]. */
  chunk(name: string, x: number, parts: number, index: number): number {
    return this.add(name, 'chunk', { kind: 'split', parts, index }, [x]);
  }

  /** Channel part `index` of x cut at `points` (torch.split with sizes). */
  channelSlice(name: string, x: number, points: number[], index: number): number {
    return this.add(name, 'split', { kind: 'slice', axis: 'c', index, count: points.length + 1, points }, [x]);
  }
}
