// The building blocks of Ultralytics' ultralytics/nn/modules/block.py, conv.py and
// transformer.py (and the YOLOv7 repository's SPPCSPC and RepConv), expanded into IR layers with the same structure, channel arithmetic (int(c2 * e), c1 // 2, ...) and
// order of layers as the PyTorch modules, so that parameters and MACs are exactly theirs.
// Contract: each function takes the input layer index and channel count and returns the
// output layer index; channel counts the module cannot take (an attention block with fewer
// than 64 channels, an odd chunk) throw BlockError, which the row reports.
import type { ConvOptions, LayerBuilder } from './builder';

export class BlockError extends Error {}

export type Block = (name: string, x: number, c: number) => number;

/** GhostConv(c1, c2, k, s, g, act): a Conv to c2 // 2, then a 5x5 depthwise Conv of it, concatenated. */
export function ghostConv(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  k = 1,
  s = 1,
  g = 1,
  act = true,
): number {
  const c = Math.floor(c2 / 2);
  const y = b.conv(`${name}.cv1`, x, c1, c, { k, s, g, act });
  const z = b.conv(`${name}.cv2`, y, c, c, { k: 5, g: c, act });
  return b.concat(`${name}.cat`, [y, z]);
}

/** GhostBottleneck(c1, c2, k, s): GhostConv pw, (DWConv when s = 2), GhostConv pw-linear, plus the shortcut. */
export function ghostBottleneck(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  k = 3,
  s = 1,
): number {
  const c = Math.floor(c2 / 2);
  let y = ghostConv(b, `${name}.conv.0`, x, c1, c, 1, 1);
  if (s === 2) y = b.conv(`${name}.conv.1`, y, c, c, { k, s, g: gcd(c, c), act: false });
  y = ghostConv(b, `${name}.conv.2`, y, c, c2, 1, 1, 1, false);
  let short = x;
  if (s === 2) {
    short = b.conv(`${name}.shortcut.0`, x, c1, c1, { k, s, g: c1, act: false });
    short = b.conv(`${name}.shortcut.1`, short, c1, c2, { act: false });
  }
  return b.sum(`${name}.add`, [y, short]);
}

export const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Bottleneck(c1, c2, shortcut, g, k, e): Conv k[0] → Conv k[1] (groups g), plus x when shortcut and c1 = c2. */
export function bottleneck(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  shortcut = true,
  g = 1,
  k: [number, number] = [3, 3],
  e = 0.5,
): number {
  const c = Math.floor(c2 * e);
  const y = b.conv(`${name}.cv1`, x, c1, c, { k: k[0] });
  const z = b.conv(`${name}.cv2`, y, c, c2, { k: k[1], g });
  return shortcut && c1 === c2 ? b.sum(`${name}.add`, [x, z]) : z;
}

/** RepConv(c1, c2, k=3, s, p=1): a k x k and a 1x1 Conv (no activation), summed, then SiLU. */
export function repConv(b: LayerBuilder, name: string, x: number, c1: number, c2: number, k = 3, s = 1): number {
  const p = 1;
  const y = b.conv(`${name}.conv1`, x, c1, c2, { k, s, p, act: false });
  const z = b.conv(`${name}.conv2`, x, c1, c2, { k: 1, s, p: p - Math.floor(k / 2), act: false });
  const sum = b.sum(`${name}.add`, [y, z]);
  return b.add(`${name}.act`, 'SiLU', { kind: 'act', fn: 'silu' }, [sum]);
}

/** C3-style CSP: cv1 → n blocks; cv2 beside it; cat → cv3 (C3, C3Ghost, C3k, RepCSP). */
export function c3(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  n: number,
  e: number,
  block: Block,
): number {
  const c = Math.floor(c2 * e);
  let m = b.conv(`${name}.cv1`, x, c1, c);
  for (let j = 0; j < n; j++) m = block(`${name}.m.${j}`, m, c);
  const side = b.conv(`${name}.cv2`, x, c1, c);
  return b.conv(`${name}.cv3`, b.concat(`${name}.cat`, [m, side]), 2 * c, c2);
}

/** C2f-style: cv1 to 2c → chunk(2) → n blocks on the second half → cat(all) → cv2 (C2f, C3k2, C2fCIB). */
export function c2f(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  n: number,
  e: number,
  block: Block,
): number {
  const c = Math.floor(c2 * e);
  const y = b.conv(`${name}.cv1`, x, c1, 2 * c);
  // cat(chunk 0, chunk 1, ...) is cat(cv1 output, ...): only the second chunk gets a layer.
  const parts = [y];
  let last = b.chunk(`${name}.chunk`, y, 2, 1);
  for (let j = 0; j < n; j++) parts.push((last = block(`${name}.m.${j}`, last, c)));
  return b.conv(`${name}.cv2`, b.concat(`${name}.cat`, parts), (2 + n) * c, c2);
}

/** C2(c1, c2, n, shortcut, g, e): cv1 to 2c → chunk(2) → n bottlenecks on the first half → cat → cv2. */
export function c2(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  n: number,
  shortcut: boolean,
  g: number,
  e: number,
): number {
  const c = Math.floor(c2 * e);
  const y = b.conv(`${name}.cv1`, x, c1, 2 * c);
  let m = b.chunk(`${name}.chunk.0`, y, 2, 0);
  const rest = b.chunk(`${name}.chunk.1`, y, 2, 1);
  for (let j = 0; j < n; j++) m = bottleneck(b, `${name}.m.${j}`, m, c, c, shortcut, g, [3, 3], 1);
  return b.conv(`${name}.cv2`, b.concat(`${name}.cat`, [m, rest]), 2 * c, c2);
}

/** SPPF(c1, c2, k, n, shortcut): cv1 to c1 // 2, n chained k x k max pools, cat, cv2; + x when shortcut and c1 = c2 (8.4). */
export function sppf(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  k: number,
  n = 3,
  shortcut = false,
): number {
  const c = Math.floor(c1 / 2);
  const parts = [b.conv(`${name}.cv1`, x, c1, c)];
  for (let j = 0; j < n; j++) parts.push(b.pool(`${name}.m.${j}`, parts[j]!, 'max', k, 1, Math.floor(k / 2)));
  const y = b.conv(`${name}.cv2`, b.concat(`${name}.cat`, parts), (n + 1) * c, c2);
  return shortcut && c1 === c2 ? b.sum(`${name}.add`, [y, x]) : y;
}

/** SPP(c1, c2, ks): cv1 to c1 // 2, one max pool per kernel (in parallel), cat, cv2. */
export function spp(b: LayerBuilder, name: string, x: number, c1: number, c2: number, ks: number[]): number {
  const c = Math.floor(c1 / 2);
  const y = b.conv(`${name}.cv1`, x, c1, c);
  const parts = [y, ...ks.map((k, j) => b.pool(`${name}.m.${j}`, y, 'max', k, 1, Math.floor(k / 2)))];
  return b.conv(`${name}.cv2`, b.concat(`${name}.cat`, parts), c * (ks.length + 1), c2);
}

/** SPPELAN(c1, c2, c3, k): cv1 to c3, three chained max pools, cat of the four, cv5. */
export function sppelan(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  c3: number,
  k: number,
): number {
  const parts = [b.conv(`${name}.cv1`, x, c1, c3)];
  for (let j = 0; j < 3; j++) parts.push(b.pool(`${name}.cv${j + 2}`, parts[j]!, 'max', k, 1, Math.floor(k / 2)));
  return b.conv(`${name}.cv5`, b.concat(`${name}.cat`, parts), 4 * c3, c2);
}

/** RepNCSPELAN4(c1, c2, c3, c4, n) and ELAN1 (n undefined: plain Convs instead of RepCSP + Conv). */
export function elan(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  mid: number,
  branch: number,
  n: number | undefined,
): number {
  if (mid % 2) throw new BlockError(`c3 = ${mid} does not split into two equal halves.`);
  const y = b.conv(`${name}.cv1`, x, c1, mid);
  const parts = [y];
  let last = b.chunk(`${name}.chunk`, y, 2, 1);
  let cin = mid / 2;
  for (const cv of ['cv2', 'cv3']) {
    const z =
      n === undefined
        ? b.conv(`${name}.${cv}`, last, cin, branch, { k: 3 })
        : b.conv(
            `${name}.${cv}.1`,
            c3(b, `${name}.${cv}.0`, last, cin, branch, n, 0.5, (bn, u, c) => repBottleneck(b, bn, u, c, c)),
            branch,
            branch,
            { k: 3 },
          );
    parts.push((last = z));
    cin = branch;
  }
  return b.conv(`${name}.cv4`, b.concat(`${name}.cat`, parts), mid + 2 * branch, c2);
}

/** RepBottleneck(c1, c2, shortcut, g, k=(3, 3), e=1): RepConv then Conv, plus x when c1 = c2. */
function repBottleneck(b: LayerBuilder, name: string, x: number, c1: number, c2: number): number {
  const y = repConv(b, `${name}.cv1`, x, c1, c2, 3, 1);
  const z = b.conv(`${name}.cv2`, y, c2, c2, { k: 3 });
  return c1 === c2 ? b.sum(`${name}.add`, [x, z]) : z;
}

/** AConv(c1, c2): avg_pool2d(2, 1) then Conv 3x3 stride 2 pad 1. */
export function aConv(b: LayerBuilder, name: string, x: number, c1: number, c2: number): number {
  const y = b.pool(`${name}.avg_pool`, x, 'avg', 2, 1, 0);
  return b.conv(`${name}.cv1`, y, c1, c2, { k: 3, s: 2, p: 1 });
}

/** ADown(c1, c2): avg_pool2d(2, 1), chunk(2): Conv 3x3/2 on one half, max_pool 3/2 + Conv 1x1 on the other, cat. */
export function aDown(b: LayerBuilder, name: string, x: number, c1: number, c2: number): number {
  if (c1 % 2) throw new BlockError(`${c1} input channels do not split into two equal halves.`);
  const c = Math.floor(c2 / 2);
  const y = b.pool(`${name}.avg_pool`, x, 'avg', 2, 1, 0);
  const x1 = b.conv(`${name}.cv1`, b.chunk(`${name}.chunk.0`, y, 2, 0), c1 / 2, c, { k: 3, s: 2, p: 1 });
  const pooled = b.pool(`${name}.max_pool`, b.chunk(`${name}.chunk.1`, y, 2, 1), 'max', 3, 2, 1);
  const x2 = b.conv(`${name}.cv2`, pooled, c1 / 2, c, { p: 0 });
  return b.concat(`${name}.cat`, [x1, x2]);
}

/** SCDown(c1, c2, k, s): Conv 1x1 to c2, then a k x k depthwise Conv with stride s (no activation). */
export function scDown(b: LayerBuilder, name: string, x: number, c1: number, c2: number, k: number, s: number): number {
  const y = b.conv(`${name}.cv1`, x, c1, c2);
  return b.conv(`${name}.cv2`, y, c2, c2, { k, s, g: c2, act: false });
}

/** RepVGGDW(c): a 7x7 and a 3x3 depthwise Conv (no activation), summed, then SiLU. */
function repVggDw(b: LayerBuilder, name: string, x: number, c: number): number {
  const y = b.conv(`${name}.conv`, x, c, c, { k: 7, p: 3, g: c, act: false });
  const z = b.conv(`${name}.conv1`, x, c, c, { k: 3, p: 1, g: c, act: false });
  return b.add(`${name}.act`, 'SiLU', { kind: 'act', fn: 'silu' }, [b.sum(`${name}.add`, [y, z])]);
}

/** CIB(c1, c2, shortcut, e, lk): dw 3x3, pw to 2c, dw 3x3 (RepVGGDW when lk), pw to c2, dw 3x3; plus x when c1 = c2. */
export function cib(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  shortcut: boolean,
  e: number,
  lk: boolean,
): number {
  const c = Math.floor(c2 * e);
  let y = b.conv(`${name}.cv1.0`, x, c1, c1, { k: 3, g: c1 });
  y = b.conv(`${name}.cv1.1`, y, c1, 2 * c);
  y = lk ? repVggDw(b, `${name}.cv1.2`, y, 2 * c) : b.conv(`${name}.cv1.2`, y, 2 * c, 2 * c, { k: 3, g: 2 * c });
  y = b.conv(`${name}.cv1.3`, y, 2 * c, c2);
  y = b.conv(`${name}.cv1.4`, y, c2, c2, { k: 3, g: c2 });
  return shortcut && c1 === c2 ? b.sum(`${name}.add`, [x, y]) : y;
}

/**
 * Attention(dim, num_heads, attn_ratio): qkv Conv 1x1 (no activation) to dim + 2 x heads x key_dim,
 * multi-head attention over the positions, plus a 3x3 depthwise positional Conv of v, proj Conv 1x1.
 * The v channels the positional Conv reads (the last head_dim of each head) are taken as one
 * channel slice of the same size: no cost either way.
 */
export function attention(
  b: LayerBuilder,
  name: string,
  x: number,
  dim: number,
  heads: number,
  attnRatio = 0.5,
): number {
  if (heads < 1)
    throw new BlockError(`${dim} channels give ${heads} attention heads (channels // 64): at least 64 are needed.`);
  const headDim = Math.floor(dim / heads);
  if (headDim * heads !== dim) throw new BlockError(`${dim} channels do not split into ${heads} attention heads.`);
  const keyDim = Math.floor(headDim * attnRatio);
  const qkv = b.conv(`${name}.qkv`, x, dim, dim + 2 * keyDim * heads, { act: false });
  const attended = b.add(`${name}.attn`, 'attention', { kind: 'attention', heads, keyDim, headDim }, [qkv]);
  const v = b.channelSlice(`${name}.v`, qkv, [2 * keyDim * heads], 1);
  const pe = b.conv(`${name}.pe`, v, dim, dim, { k: 3, g: dim, act: false });
  return b.conv(`${name}.proj`, b.sum(`${name}.add`, [attended, pe]), dim, dim, { act: false });
}

/** PSABlock(c, attn_ratio, num_heads, shortcut): x + attn(x), then x + ffn(x) (Conv 1x1 to 2c, Conv 1x1 back). */
export function psaBlock(
  b: LayerBuilder,
  name: string,
  x: number,
  c: number,
  heads = Math.floor(c / 64),
  shortcut = true,
): number {
  const a = attention(b, `${name}.attn`, x, c, heads);
  const y = shortcut ? b.sum(`${name}.attn.residual`, [x, a]) : a;
  let f = b.conv(`${name}.ffn.0`, y, c, 2 * c);
  f = b.conv(`${name}.ffn.1`, f, 2 * c, c, { act: false });
  return shortcut ? b.sum(`${name}.ffn.residual`, [y, f]) : f;
}

/** C2PSA(c1, c2, n, e) and PSA(c1, c2, e) (n = 1): cv1 to 2c, split, n PSA blocks on the second part, cat, cv2. */
export function c2psa(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  n: number,
  e: number,
  psa = false,
): number {
  if (c1 !== c2) throw new BlockError(`the input channels (${c1}) must equal the output channels (${c2}).`);
  const c = Math.floor(c1 * e);
  const y = b.conv(`${name}.cv1`, x, c1, 2 * c);
  const a = b.channelSlice(`${name}.split.0`, y, [c], 0);
  let m = b.channelSlice(`${name}.split.1`, y, [c], 1);
  for (let j = 0; j < n; j++) m = psaBlock(b, psa ? name : `${name}.m.${j}`, m, c);
  return b.conv(`${name}.cv2`, b.concat(`${name}.cat`, [a, m]), 2 * c, c1);
}

/** ResNetBlock(c1, c2, s, e): Conv 1x1, Conv 3x3/s, Conv 1x1 to e x c2 (no activation), plus the shortcut, ReLU. */
function resNetBlock(b: LayerBuilder, name: string, x: number, c1: number, c2: number, s: number, e: number): number {
  const c3 = e * c2;
  let y = b.conv(`${name}.cv1`, x, c1, c2);
  y = b.conv(`${name}.cv2`, y, c2, c2, { k: 3, s, p: 1 });
  y = b.conv(`${name}.cv3`, y, c2, c3, { act: false });
  const short = s !== 1 || c1 !== c3 ? b.conv(`${name}.shortcut.0`, x, c1, c3, { s, act: false }) : x;
  return b.add(`${name}.relu`, 'relu', { kind: 'act', fn: 'relu' }, [b.sum(`${name}.add`, [y, short])]);
}

/** ResNetLayer(c1, c2, s, is_first, n, e): the 7x7/2 stem + 3x3/2 max pool, or n ResNet blocks. */
export function resNetLayer(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  s: number,
  isFirst: boolean,
  n: number,
  e: number,
): number {
  if (isFirst) {
    const y = b.conv(`${name}.layer.0`, x, c1, c2, { k: 7, s: 2, p: 3 });
    return b.pool(`${name}.layer.1`, y, 'max', 3, 2, 1);
  }
  let y = resNetBlock(b, `${name}.layer.0`, x, c1, c2, s, e);
  for (let j = 1; j < n; j++) y = resNetBlock(b, `${name}.layer.${j}`, y, e * c2, c2, 1, e);
  return y;
}

/** Focus(c1, c2, k, s, p, g, act): the four pixel phases concatenated (space-to-depth by 2), then Conv(4·c1, c2). */
export function focus(b: LayerBuilder, name: string, x: number, c1: number, c2: number, o: ConvOptions): number {
  const y = b.add(`${name}.slices`, 'cat', { kind: 'reorg', stride: 2, reverse: false }, [x]);
  return b.conv(`${name}.conv`, y, 4 * c1, c2, o);
}

/**
 * BottleneckCSP(c1, c2, n, shortcut, g, e): cv1 → n Bottlenecks (e = 1) → cv3 (Conv2d 1x1, no
 * bias); cv2 (Conv2d 1x1, no bias) beside it; cat → BatchNorm2d → SiLU → cv4.
 */
export function bottleneckCSP(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  n: number,
  shortcut: boolean,
  g: number,
  e: number,
): number {
  const c = Math.floor(c2 * e);
  let m = b.conv(`${name}.cv1`, x, c1, c);
  for (let j = 0; j < n; j++) m = bottleneck(b, `${name}.m.${j}`, m, c, c, shortcut, g, [1, 3], 1);
  const y1 = b.conv2d(`${name}.cv3`, m, c, { bias: false, fixed: false });
  const y2 = b.conv2d(`${name}.cv2`, x, c, { bias: false, fixed: false });
  const bn = b.add(`${name}.bn`, 'BatchNorm2d', { kind: 'bn' }, [b.concat(`${name}.cat`, [y1, y2])]);
  return b.conv(`${name}.cv4`, b.add(`${name}.act`, 'SiLU', { kind: 'act', fn: 'silu' }, [bn]), 2 * c, c2);
}

/** CrossConv(c1, c2, k, s, g, e, shortcut): Conv 1 x k (stride 1 x s), Conv k x 1 (stride s x 1, groups g), + x when shortcut and c1 = c2. */
export function crossConv(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  k: number,
  s: number,
  g: number,
  e: number,
  shortcut: boolean,
): number {
  const c = Math.floor(c2 * e);
  const y = b.conv(`${name}.cv1`, x, c1, c, { kh: 1, kw: k, sh: 1, sw: s });
  const z = b.conv(`${name}.cv2`, y, c, c2, { kh: k, kw: 1, sh: s, sw: 1, g });
  return shortcut && c1 === c2 ? b.sum(`${name}.add`, [x, z]) : z;
}

/** C1(c1, c2, n): cv1 Conv 1x1, then n Conv 3x3, plus the cv1 output. */
export function c1Block(b: LayerBuilder, name: string, x: number, c1: number, c2: number, n: number): number {
  const y = b.conv(`${name}.cv1`, x, c1, c2);
  let m = y;
  for (let j = 0; j < n; j++) m = b.conv(`${name}.m.${j}`, m, c2, c2, { k: 3 });
  return b.sum(`${name}.add`, [m, y]);
}

/** RepC3(c1, c2, n, e): cv1 → n RepConvs, plus cv2; cv3 Conv 1x1 to c2 unless the hidden width is c2 already. */
export function repC3(b: LayerBuilder, name: string, x: number, c1: number, c2: number, n: number, e: number): number {
  const c = Math.floor(c2 * e);
  let m = b.conv(`${name}.cv1`, x, c1, c);
  for (let j = 0; j < n; j++) m = repConv(b, `${name}.m.${j}`, m, c, c);
  const y = b.sum(`${name}.add`, [m, b.conv(`${name}.cv2`, x, c1, c)]);
  return c === c2 ? y : b.conv(`${name}.cv3`, y, c, c2);
}

const linear = (b: LayerBuilder, name: string, x: number, c: number, bias: boolean) =>
  b.add(name, 'Linear', { kind: 'linear', out: c, bias }, [x]);

/**
 * TransformerLayer(c, heads): q, k, v Linear (no bias), nn.MultiheadAttention (in_proj to q, k
 * and v with bias, attention over the H x W positions, out_proj with bias) + x, then fc2(fc1(x))
 * (no bias) + x.
 */
function transformerLayer(b: LayerBuilder, name: string, x: number, c: number, heads: number): number {
  const proj = (part: string) =>
    linear(b, `${name}.ma.in_proj.${part}`, linear(b, `${name}.${part}`, x, c, false), c, true);
  const qkv = b.concat(`${name}.ma.qkv`, [proj('q'), proj('k'), proj('v')]);
  const d = c / heads;
  const attended = b.add(`${name}.ma.attn`, 'attention', { kind: 'attention', heads, keyDim: d, headDim: d }, [qkv]);
  const y = b.sum(`${name}.ma.residual`, [linear(b, `${name}.ma.out_proj`, attended, c, true), x]);
  const f = linear(b, `${name}.fc2`, linear(b, `${name}.fc1`, y, c, false), c, false);
  return b.sum(`${name}.residual`, [f, y]);
}

/** TransformerBlock(c1, c2, heads, layers): Conv to c2 when c1 ≠ c2, p + Linear(p) (bias), then the layers. */
export function transformerBlock(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  heads: number,
  layers: number,
): number {
  if (c2 % heads !== 0) throw new BlockError(`${c2} channels do not split into ${heads} attention heads.`);
  const y = c1 === c2 ? x : b.conv(`${name}.conv`, x, c1, c2);
  let p = b.sum(`${name}.pos`, [y, linear(b, `${name}.linear`, y, c2, true)]);
  for (let j = 0; j < layers; j++) p = transformerLayer(b, `${name}.tr.${j}`, p, c2, heads);
  return p;
}

/** The area split of AAttn: `areas` groups of positions of a feature map `h` rows high. */
export interface AreaSplit {
  areas: number;
  h: number;
}

/**
 * AAttn(dim, heads, area): qkv Conv 1x1 (no activation) to 3·dim, laid out per head as q, k,
 * v; attention over the positions, split into `area` groups of N / area consecutive positions
 * (row-major) that attend only within their group; + a 7x7 depthwise positional Conv of v;
 * proj Conv 1x1.
 */
function areaAttention(b: LayerBuilder, name: string, x: number, dim: number, heads: number, area: AreaSplit): number {
  const d = Math.floor(dim / heads);
  if (d * heads !== dim) throw new BlockError(`${dim} channels do not split into ${heads} attention heads.`);
  const qkv = b.conv(`${name}.qkv`, x, dim, 3 * dim, { act: false });
  const op = { kind: 'attention' as const, heads, keyDim: d, headDim: d };
  let attended: number;
  if (area.areas > 1) {
    // [H, W, 3C] viewed as [area, N / area, 3C]: one attention per row of the view, then back to [H, W, C].
    const count = area.areas;
    const rows = b.add(`${name}.areas`, 'reshape', { kind: 'reshape', h: count, c: 3 * dim }, [qkv]);
    const parts = Array.from({ length: count }, (_, j) =>
      b.add(`${name}.attn.${j}`, 'attention', op, [
        b.add(`${name}.area.${j}`, 'split', { kind: 'slice', axis: 'h', index: j, count, points: [] }, [rows]),
      ]),
    );
    const joined = b.add(`${name}.attn`, 'cat', { kind: 'merge', mode: 'concat', axis: 'h' }, parts);
    attended = b.add(`${name}.unview`, 'reshape', { kind: 'reshape', h: area.h, c: dim }, [joined]);
  } else attended = b.add(`${name}.attn`, 'attention', op, [qkv]);
  const v = b.channelSlice(`${name}.v`, qkv, [2 * dim], 1);
  const pe = b.conv(`${name}.pe`, v, dim, dim, { k: 7, p: 3, g: dim, act: false });
  return b.conv(`${name}.proj`, b.sum(`${name}.add`, [attended, pe]), dim, dim, { act: false });
}

/** ABlock(dim, heads, mlp_ratio, area): x + AAttn(x), then x + mlp(x) (Conv 1x1 to int(dim · mlp_ratio), Conv 1x1 back). */
function areaBlock(b: LayerBuilder, name: string, x: number, c: number, mlpRatio: number, area: AreaSplit): number {
  const y = b.sum(`${name}.attn.residual`, [x, areaAttention(b, `${name}.attn`, x, c, Math.floor(c / 32), area)]);
  const hidden = Math.floor(c * mlpRatio);
  const m = b.conv(`${name}.mlp.1`, b.conv(`${name}.mlp.0`, y, c, hidden), hidden, c, { act: false });
  return b.sum(`${name}.mlp.residual`, [y, m]);
}

/**
 * A2C2f(c1, c2, n, a2, area, residual, mlp_ratio, e): cv1 to c_ = int(c2·e) (a multiple of 32),
 * n units (two ABlocks with c_ // 32 heads when a2, else a C3k of two Bottlenecks) chained,
 * cat of all, cv2; with a2 and residual, x + gamma · y (gamma: one learned scale per channel).
 */
export function a2c2f(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  o: { n: number; a2: boolean; area: AreaSplit; residual: boolean; mlpRatio: number; e: number },
): number {
  const c = Math.floor(c2 * o.e);
  if (c % 32 !== 0) throw new BlockError(`its hidden channels (${c}) must be a multiple of 32.`);
  const parts = [b.conv(`${name}.cv1`, x, c1, c)];
  for (let j = 0; j < o.n; j++) {
    const y = parts[j]!;
    parts.push(
      o.a2
        ? areaBlock(
            b,
            `${name}.m.${j}.1`,
            areaBlock(b, `${name}.m.${j}.0`, y, c, o.mlpRatio, o.area),
            c,
            o.mlpRatio,
            o.area,
          )
        : c3(b, `${name}.m.${j}`, y, c, c, 2, 0.5, (bn, z, cc) => bottleneck(b, bn, z, cc, cc, true, 1, [3, 3], 1)),
    );
  }
  const y = b.conv(`${name}.cv2`, b.concat(`${name}.cat`, parts), (1 + o.n) * c, c2);
  if (!(o.a2 && o.residual)) return y;
  if (c1 !== c2) throw new BlockError(`a residual needs equal input and output channels (${c1} vs ${c2}).`);
  return b.sum(`${name}.residual`, [x, b.add(`${name}.gamma`, 'gamma', { kind: 'scale', bias: false }, [y])]);
}

/**
 * SPPCSPC(c1, c2, n, shortcut, g, e, k) of the YOLOv7 repository: c_ = int(2·c2·e); cv1, cv3 3x3,
 * cv4, parallel max pools, cat, cv5, cv6 3x3 on one side, cv2 on the other, cat, cv7.
 */
export function sppcspc(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  e: number,
  ks: number[],
): number {
  const c = Math.floor(2 * c2 * e);
  const x1 = b.conv(`${name}.cv4`, b.conv(`${name}.cv3`, b.conv(`${name}.cv1`, x, c1, c), c, c, { k: 3 }), c, c);
  const pools = ks.map((k, j) => b.pool(`${name}.m.${j}`, x1, 'max', k, 1, Math.floor(k / 2)));
  const y1 = b.conv(
    `${name}.cv6`,
    b.conv(`${name}.cv5`, b.concat(`${name}.cat1`, [x1, ...pools]), (ks.length + 1) * c, c),
    c,
    c,
    {
      k: 3,
    },
  );
  const y2 = b.conv(`${name}.cv2`, x, c1, c);
  return b.conv(`${name}.cv7`, b.concat(`${name}.cat2`, [y1, y2]), 2 * c, c2);
}

/**
 * The YOLOv7 repository's RepConv(c1, c2, k, s, p, g, act) in training form: a k x k and a 1x1
 * conv, each with BN, plus an identity BN when c1 = c2 and s = 1, summed, then the activation.
 */
export function repConvV7(
  b: LayerBuilder,
  name: string,
  x: number,
  c1: number,
  c2: number,
  k: number,
  s: number,
  g: number,
  act: boolean,
): number {
  const y = b.conv(`${name}.rbr_dense`, x, c1, c2, { k, s, g, act: false });
  const z = b.conv(`${name}.rbr_1x1`, x, c1, c2, { k: 1, s, g, act: false, p: 0 });
  const parts = [y, z];
  if (c1 === c2 && s === 1) parts.push(b.add(`${name}.rbr_identity`, 'BatchNorm2d', { kind: 'bn' }, [x]));
  const sum = b.sum(`${name}.add`, parts);
  return act ? b.add(`${name}.act`, 'SiLU', { kind: 'act', fn: 'silu' }, [sum]) : sum;
}
