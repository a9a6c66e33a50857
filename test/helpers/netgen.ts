// Random but valid `.layers` networks for the property and oracle tests: a fast-check
// arbitrary of a small network description (NetSpec), its printer, and a generic shrinker
// that drops parts and simplifies numbers while a predicate still holds. Every statement is
// named so that layer names stay stable under rewrites. Seeds make every run reproducible.
import fc from 'fast-check';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';

export type Val = number | string;
export interface OpSpec {
  op: string;
  pos: Val[];
  opts: [string, Val][];
}
export type Item =
  | { t: 'chain'; ops: OpSpec[] }
  | { t: 'branch'; mode: 'add' | 'concat' | 'mul'; c: number; a: OpSpec[]; b: OpSpec[] }
  | { t: 'repeat'; n: number; body: Item[] }
  | { t: 'block'; c: number; stride: number; mult: number; k: number; depthwise: boolean };
export interface NetSpec {
  h: number;
  w: number;
  c: number;
  batch?: number;
  width?: number;
  divisor?: number;
  resolution?: number;
  items: Item[];
  head?: number;
}

const op = (name: string, pos: Val[] = [], opts: [string, Val][] = []): OpSpec => ({ op: name, pos, opts });
/** `a` or undefined, undefined with weight `nil` against 1. */
const maybe = <T>(a: fc.Arbitrary<T>, nil = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: nil, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
const opts = (entries: [string, fc.Arbitrary<Val | undefined>][]) =>
  fc
    .tuple(...entries.map(([k, a]) => a.map((v) => (v === undefined ? undefined : ([k, v] as [string, Val])))))
    .map((xs) => xs.filter((x): x is [string, Val] => x !== undefined));

const channels = fc.constantFrom(4, 6, 8, 12, 16);
const kernel = fc.constantFrom<Val>(1, 2, 3, 5, '1x3', '3x1', '2x3');
const stride = maybe(fc.constantFrom<Val>(1, 2, 3, '1x2', '2x1'), 1);
const padding = maybe(fc.constantFrom<Val>('same', 'valid', 0, 1, 2, '1x0', '0x2'), 1);
const dilation = maybe(fc.constantFrom<Val>(1, 2, '1x2'), 2);
const bias = maybe(fc.constantFrom<Val>('true', 'false'), 1);

const conv = fc
  .tuple(
    channels,
    kernel,
    opts([
      ['stride', stride],
      ['padding', padding],
      ['dilation', dilation],
      ['groups', maybe(fc.constantFrom<Val>(1, 2, 4), 1)],
      ['bias', bias],
      ['fixed', maybe(fc.constant<Val>('true'), 5)],
    ]),
  )
  .map(([c, k, o]) => op('conv', [c, k], o));
const dwconv = fc
  .tuple(
    kernel,
    opts([
      ['stride', stride],
      ['padding', padding],
      ['dilation', dilation],
      ['multiplier', maybe(fc.constantFrom<Val>(1, 2), 1)],
      ['bias', bias],
    ]),
  )
  .map(([k, o]) => op('dwconv', [k], o));
const deconv = fc
  .tuple(
    channels,
    fc.constantFrom<Val>(1, 2, 3, 4, '2x3'),
    opts([
      ['stride', maybe(fc.constantFrom<Val>(1, 2, 3, '1x2'))],
      ['padding', maybe(fc.constantFrom<Val>('same', 'valid', 0, 1, '1x0'))],
      ['dilation', maybe(fc.constantFrom<Val>(1, 2), 2)],
      ['groups', maybe(fc.constantFrom<Val>(1, 2), 1)],
      ['bias', bias],
    ]),
  )
  .map(([c, k, o]) => op('deconv', [c, k], o));
const pool = fc
  .tuple(
    fc.constantFrom('maxpool', 'avgpool'),
    fc.constantFrom<Val>(2, 3, '2x3', '3x2', 1),
    opts([
      ['stride', maybe(fc.constantFrom<Val>(1, 2, 3, '2x1'))],
      ['padding', maybe(fc.constantFrom<Val>('same', 'valid', 0, 1, 2))],
      ['ceil', maybe(fc.constantFrom<Val>('true', 'false'))],
    ]),
  )
  .map(([p, k, o]) => op(p, [k], o));
const act = fc
  .constantFrom('relu', 'relu6', 'leaky', 'sigmoid', 'tanh', 'silu', 'hswish', 'gelu', 'softmax', 'mish', 'linear')
  .map((a) => op(a));
const simple = fc.oneof(act, fc.constant(op('bn')), fc.constant(op('dropout', [0.1])));

/** Ops that keep H and W when they run with stride 1 and `same` padding (branch bodies). */
const sameConv = fc
  .tuple(channels, fc.constantFrom<Val>(1, 3, '1x3', 5), maybe(fc.constantFrom<Val>(2, '1x2'), 2))
  .map(([c, k, d]) => op('conv', [c, k], d === undefined ? [] : [['dilation', d]]));
const branchOps = fc.array(fc.oneof(sameConv, fc.constant(op('dwconv', [3])), simple), { maxLength: 3 });

export const anyOp: fc.Arbitrary<OpSpec> = fc.oneof(
  { weight: 5, arbitrary: conv },
  { weight: 3, arbitrary: dwconv },
  { weight: 2, arbitrary: deconv },
  { weight: 2, arbitrary: pool },
  { weight: 4, arbitrary: simple },
  { weight: 1, arbitrary: fc.constant(op('upsample', [2])) },
);

const chain = fc.array(anyOp, { minLength: 1, maxLength: 3 }).map((ops): Item => ({ t: 'chain', ops }));
const branch = fc
  .tuple(fc.constantFrom<'add' | 'concat' | 'mul'>('add', 'concat', 'mul'), channels, branchOps, branchOps)
  .map(([mode, c, a, b]): Item => {
    if (mode === 'add') return { t: 'branch', mode, c, a: [...a, op('conv', [c, 1])], b };
    if (mode === 'mul')
      return { t: 'branch', mode, c, a: [op('avgpool', ['global']), op('conv', [c, 1]), op('sigmoid')], b };
    return { t: 'branch', mode, c, a, b };
  });
const block = fc
  .record({
    c: channels,
    stride: fc.constantFrom(1, 2),
    mult: fc.constantFrom(1, 2),
    k: fc.constantFrom(1, 3, 5),
    depthwise: fc.boolean(),
  })
  .map((b): Item => ({ t: 'block', ...b }));
const leaf = fc.oneof(
  { weight: 6, arbitrary: chain },
  { weight: 2, arbitrary: branch },
  { weight: 1, arbitrary: block },
);
const repeat = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.oneof(chain, branch), { minLength: 1, maxLength: 2 }))
  .map(([n, body]): Item => ({ t: 'repeat', n, body }));

export const netSpec: fc.Arbitrary<NetSpec> = fc
  .record({
    h: fc.integer({ min: 6, max: 40 }),
    w: fc.integer({ min: 6, max: 40 }),
    c: fc.constantFrom(1, 3, 4, 8),
    batch: maybe(fc.constantFrom(1, 2, 3), 3),
    width: maybe(fc.constantFrom(0.25, 0.5, 0.75, 1.5), 2),
    divisor: maybe(fc.constantFrom(2, 4), 1),
    resolution: maybe(fc.integer({ min: 6, max: 40 }), 3),
    items: fc.array(fc.oneof({ weight: 5, arbitrary: leaf }, { weight: 1, arbitrary: repeat }), {
      minLength: 1,
      maxLength: 7,
    }),
    head: maybe(fc.constantFrom(5, 10), 1),
  })
  .map((s) => {
    const out: NetSpec = { h: s.h, w: s.w, c: s.c, items: s.items };
    if (s.batch !== undefined) out.batch = s.batch;
    if (s.width !== undefined) out.width = s.width;
    if (s.width !== undefined && s.divisor !== undefined) out.divisor = s.divisor;
    if (s.resolution !== undefined) out.resolution = s.resolution;
    if (s.head !== undefined) out.head = s.head;
    return out;
  });

function printOp(o: OpSpec, extra: string[] = []): string {
  return [o.op, ...o.pos.map(String), ...o.opts.map(([k, v]) => `${k}=${v}`), ...extra].join(' ');
}

function printChain(ops: OpSpec[], from?: string): string {
  const list = ops.length ? ops : [op('linear')];
  return list.map((o, i) => printOp(o, i === 0 && from ? [`from=${from}`] : [])).join(' | ');
}

/** The `.layers` text of a spec. Block definitions go to the end (a use may precede them). */
export function printNet(spec: NetSpec): string {
  const lines = ['network gen', `input ${spec.h}x${spec.w}x${spec.c}${spec.batch ? ` batch=${spec.batch}` : ''}`];
  if (spec.width !== undefined) lines.push(`width ${spec.width}${spec.divisor ? ` divisor=${spec.divisor}` : ''}`);
  if (spec.resolution !== undefined) lines.push(`resolution ${spec.resolution}`);
  const blocks: string[] = [];
  let n = 0;
  const items = (list: Item[], indent: string) => {
    for (const it of list) {
      const k = ++n;
      if (it.t === 'chain') lines.push(`${indent}s${k}: ${printChain(it.ops)}`);
      else if (it.t === 'branch') {
        lines.push(`${indent}p${k}: conv ${it.c} 1x1 | relu`);
        lines.push(`${indent}a${k}: ${printChain(it.a)}`);
        lines.push(`${indent}b${k}: ${printChain(it.b, `p${k}`)}`);
        lines.push(`${indent}m${k}: ${it.mode} a${k} b${k}`);
      } else if (it.t === 'repeat') {
        lines.push(`${indent}repeat ${it.n} {`);
        items(it.body, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        const out = it.mult === 1 ? 'c' : `c*${it.mult}`;
        const first = it.depthwise ? `dwconv ${it.k}x${it.k} stride=s` : `conv c ${it.k}x${it.k} stride=s`;
        blocks.push(
          `block blk${k} c s=1 {`,
          `  x: ${first} | bn | relu | conv ${out} 1x1 | bn`,
          `  p: conv ${out} 1x1 stride=s from=in | bn`,
          '  add x p | relu',
          '}',
        );
        lines.push(`${indent}u${k}: blk${k} ${it.c}${it.stride !== 1 ? ` s=${it.stride}` : ''}`);
      }
    }
  };
  items(spec.items, '');
  if (spec.head !== undefined) lines.push(`head: avgpool global | fc ${spec.head}`);
  return [...lines, ...blocks, ''].join('\n');
}

export function analyzeSpec(spec: NetSpec): DocumentAnalysis {
  return analyzeSource(printNet(spec), 'gen.layers');
}

/** A network LayerLint analyses without an error and with every shape known. */
export function isValid(doc: DocumentAnalysis): boolean {
  return (
    doc.analysis.complete && doc.analysis.layers.length > 0 && !doc.diagnostics.some((d) => d.severity === 'error')
  );
}

export const validNet: fc.Arbitrary<NetSpec> = netSpec.filter((s) => isValid(analyzeSpec(s)));

const OPTIONAL = new Set(['batch', 'width', 'divisor', 'resolution', 'head']);

/** One-step simplifications of a JSON value: drop an array element or optional key, lower a number. */
function* simplifications(v: unknown): Generator<unknown> {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) yield [...v.slice(0, i), ...v.slice(i + 1)];
    for (let i = 0; i < v.length; i++)
      for (const s of simplifications(v[i])) yield [...v.slice(0, i), s, ...v.slice(i + 1)];
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (OPTIONAL.has(k)) {
        const { [k]: _, ...rest } = o;
        yield rest;
      }
    for (const k of Object.keys(o)) for (const s of simplifications(o[k])) yield { ...o, [k]: s };
  } else if (typeof v === 'number' && Number.isInteger(v) && v > 1) {
    for (const x of new Set([1, v >> 1, v - 1])) if (x < v) yield x;
  }
}

/**
 * Greedy shrinking: repeatedly takes the first simplification that is still a valid network
 * and still fails; stops at a local minimum or after `maxTries` candidate checks.
 */
export async function shrink(spec: NetSpec, fails: (s: NetSpec) => Promise<boolean>, maxTries = 400): Promise<NetSpec> {
  let current = spec;
  let tries = 0;
  for (let progress = true; progress && tries < maxTries; ) {
    progress = false;
    for (const cand of simplifications(current) as Generator<NetSpec>) {
      if (tries >= maxTries) break;
      if (!Array.isArray(cand.items) || cand.items.length === 0 || !isValid(analyzeSpec(cand))) continue;
      tries++;
      if (await fails(cand)) {
        current = cand;
        progress = true;
        break;
      }
    }
  }
  return current;
}
