// Lowers a `.layers` syntax tree to the IR graph: evaluates directives, checks op
// arguments, unrolls `repeat`, expands block invocations with their own name scopes,
// resolves `from=` and merge operands, and decides implicit conv biases.
// Errors become diagnostics; the offending op is skipped so the rest still lowers.
import type { Graph, Layer, LayerOp, Padding, Span } from '../../core/ir';
import { makeDiagnostic, type Code, type EngineDiagnostic } from '../../core/diagnostics';
import { exact } from '../../core/format';
import { LIMITS } from '../../core/limits';
import { LineIndex } from '../../core/lineIndex';
import { uniqueNamer } from '../names';
import type { Arg, BlockStmt, DirectiveStmt, FileAst, LayerStmt, OpNode, RepeatStmt, Stmt, Word } from './ast';
import { OPS, type ArgSpec, type ArgValue, type ArgValues } from './ops';
import { parseCount, parseDims, resolveWord, type Env, type Scalar } from './values';

/** Where an IR layer's op sits in the syntax tree, for printers and feature providers. */
export interface OpSite {
  stmt: LayerStmt;
  opIndex: number;
}

/** Finds the chain op whose span starts at `start` (a layer's `span.start`). */
export function findOpSite(stmts: Stmt[], start: number): OpSite | undefined {
  for (const s of stmts) {
    if (s.span.end < start || s.span.start > start) continue;
    if (s.kind === 'layer') {
      const opIndex = s.chain.findIndex((op) => op.span.start === start);
      if (opIndex >= 0) return { stmt: s, opIndex };
    } else if (s.kind === 'block' || s.kind === 'repeat') {
      const found = findOpSite(s.kind === 'block' ? s.body : s.body ?? (s.chain ? [s.chain] : []), start);
      if (found) return found;
    }
  }
  return undefined;
}

export interface Lowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  blocks: Map<string, BlockStmt>;
}

/** Thrown when unrolling passes a limit; caught at the top-level statement that caused it. */
class LimitReached extends Error {
  constructor(readonly what: 'layers' | 'steps') {
    super(what);
  }
}

class Scope {
  readonly names = new Map<string, number>();
  constructor(
    readonly parent: Scope | undefined,
    /** This scope's statements: the names they declare tell a forward reference from an unknown name (computed only when a lookup fails). */
    readonly statements: Stmt[],
  ) {}
  lookup(name: string): number | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.names.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  declaredLater(name: string): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (declaredNames(s.statements).has(name)) return true;
    return false;
  }
}

interface Ctx {
  env: Env;
  scope: Scope;
  prefix: string;
  suffix: string;
  /** Outermost invocation span, when inside a block. */
  site?: Span;
  callStack: string[];
}

const NETWORK_INPUT = -1;
const NONE: readonly ArgSpec[] = [];

export function lowerLayers(ast: FileAst, text: string): Lowered {
  const diagnostics: EngineDiagnostic[] = [];
  const layers: Layer[] = [];
  const blocks = new Map<string, BlockStmt>();
  const implicitBias = new Set<number>();
  const lines = new LineIndex(text);
  // A repeat or a block used many times lowers the same text many times: one diagnostic per place.
  const reported = new Set<string>();
  const diag = (code: Code, span: Span, message: string) => {
    const key = `${code}:${span.start}:${span.end}:${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    diagnostics.push(makeDiagnostic(code, span, message));
  };
  // Every op lowered, block invoked and repeat iteration is a step, layers or not, so that
  // nested repeats of nothing (or of failing ops) cannot run for ever.
  let steps = 0;
  const step = () => {
    if (++steps > LIMITS.maxSteps) throw new LimitReached('steps');
  };

  const graph: Graph = {
    format: 'layers',
    name: 'network',
    input: { h: 0, w: 0, c: 0, batch: 1 },
    width: { alpha: 1 },
    layers,
    headerSpan: { start: 0, end: 0 },
  };
  let sawInput = false;

  // Block definitions first, so a block can be used above its definition.
  for (const s of ast.statements) {
    if (s.kind !== 'block') continue;
    if (OPS[s.name.text]) diag('duplicate-name', s.name.span, `'${s.name.text}' is a built-in op and cannot be redefined as a block.`);
    else if (blocks.has(s.name.text)) diag('duplicate-name', s.name.span, `Block '${s.name.text}' is already defined.`);
    else blocks.set(s.name.text, s);
  }

  const lineOf = (offset: number): number => lines.lineAt(offset) + 1;

  const uniqueName = uniqueNamer();

  const directive = (d: DirectiveStmt) => {
    const kw = d.keyword.text;
    const positional = d.args.filter((a) => !a.key);
    const opts = new Map(d.args.filter((a) => a.key).map((a) => [a.key!.text, a] as const));
    const allowOpts = (allowed: string[]) => {
      for (const [k, a] of opts) if (!allowed.includes(k)) diag('unknown-option', a.key!.span, `'${kw}' has no option '${k}'${allowed.length ? ` (options: ${allowed.join(', ')})` : ''}.`);
    };
    const needOne = (usage: string): Word | undefined => {
      if (positional.length !== 1) {
        diag('syntax-error', positional[1]?.span ?? d.span, `Expected: ${usage}.`);
        return undefined;
      }
      return positional[0]!.value;
    };
    if (kw === 'network') {
      const w = needOne('network NAME');
      if (w) { graph.name = w.text; graph.nameSpan = d.span; }
      allowOpts([]);
      graph.headerSpan = d.span;
    } else if (kw === 'input') {
      allowOpts(['batch']);
      const w = needOne('input HxWxC [batch=N]');
      if (!w) return;
      const dims = parseDims(w.text);
      if (!dims || dims.length !== 3 || dims.some((x) => x < 1 || x > LIMITS.maxDimension)) {
        diag('invalid-value', w.span, `'${w.text}' is not an input shape: write H x W x C, each from 1 to ${LIMITS.maxDimension}, e.g. 224x224x3.`);
        return;
      }
      const batchArg = opts.get('batch');
      let batch = 1;
      if (batchArg) {
        const b = Number(batchArg.value.text);
        if (!Number.isInteger(b) || b < 1 || b > LIMITS.maxDimension) diag('invalid-value', batchArg.value.span, `batch must be an integer from 1 to ${LIMITS.maxDimension}, not '${batchArg.value.text}'.`);
        else batch = b;
      }
      if (sawInput) diag('duplicate-name', d.keyword.span, 'The input is already declared.');
      sawInput = true;
      graph.input = { h: dims[0]!, w: dims[1]!, c: dims[2]!, batch, span: d.span };
      if (graph.headerSpan.end === 0) graph.headerSpan = d.span;
    } else if (kw === 'width') {
      allowOpts(['divisor']);
      const w = needOne('width ALPHA [divisor=D]');
      if (!w) return;
      const a = Number(w.text);
      if (!(a > 0 && a <= 4)) {
        diag('invalid-value', w.span, `The width multiplier must be a number in (0, 4], not '${w.text}'.`);
        return;
      }
      const dv = opts.get('divisor');
      let divisor: number | undefined;
      if (dv) {
        const n = Number(dv.value.text);
        if (!Number.isInteger(n) || n < 1 || n > LIMITS.maxDimension) diag('invalid-value', dv.value.span, `divisor must be an integer from 1 to ${LIMITS.maxDimension}, not '${dv.value.text}'.`);
        else divisor = n;
      }
      graph.width = divisor ? { alpha: a, divisor, span: d.span } : { alpha: a, span: d.span };
    } else if (kw === 'resolution') {
      allowOpts([]);
      const w = needOne('resolution SIDE');
      if (!w) return;
      const r = Number(w.text);
      if (!Number.isInteger(r) || r < 1 || r > LIMITS.maxDimension) diag('invalid-value', w.span, `The resolution must be an integer input side from 1 to ${LIMITS.maxDimension}, not '${w.text}'.`);
      else graph.resolution = { side: r, span: d.span };
    } else if (kw === 'budget') {
      if (positional.length) diag('syntax-error', positional[0]!.span, 'Expected: budget macs=N params=N.');
      allowOpts(['macs', 'params']);
      const budget = graph.budget ?? { span: d.span };
      for (const key of ['macs', 'params'] as const) {
        const a = opts.get(key);
        if (!a) continue;
        const c = parseCount(a.value.text);
        if (!c.ok || c.value <= 0) diag('invalid-value', a.value.span, c.ok ? 'A budget must be positive.' : c.error);
        else budget[key] = c.value;
      }
      if (budget.macs !== undefined || budget.params !== undefined) graph.budget = budget;
    }
  };

  const addLayer = (name: string, opText: string, op: LayerOp, inputs: number[], node: OpNode, stmt: LayerStmt, ctx: Ctx): number => {
    if (layers.length >= LIMITS.maxLayers) throw new LimitReached('layers');
    const index = layers.length;
    layers.push({ index, name: uniqueName(name), opText, op, inputs, span: node.span, site: ctx.site ?? node.span, statement: stmt.span });
    return index;
  };

  const resolveName = (w: Word, ctx: Ctx, scopeText: string): number | undefined => {
    if (w.text === 'in' && ctx.scope.lookup('in') !== undefined) return ctx.scope.lookup('in');
    const found = ctx.scope.lookup(w.text);
    if (found !== undefined) return found;
    if (ctx.scope.declaredLater(w.text)) diag('forward-reference', w.span, `'${w.text}' is defined later${scopeText}; a layer can only read layers above it.`);
    else diag('unknown-name', w.span, `No layer named '${w.text}'${scopeText}.`);
    return undefined;
  };

  /** Checks one argument against its spec; undefined after a diagnostic. */
  const checkArg = (spec: ArgSpec, arg: Arg, ctx: Ctx, opText: string): ArgValue | undefined => {
    const w = arg.value;
    if (spec.type === 'name') return w.text;
    const r = resolveWord(w.text, ctx.env);
    if (!r.ok) {
      diag('invalid-value', w.span, r.error);
      return undefined;
    }
    const v: Scalar = r.value;
    const bad = (expect: string) => {
      diag('invalid-value', w.span, `${opText} ${spec.name}: expected ${expect}, found '${typeof v === 'number' ? v : w.text}'.`);
      return undefined;
    };
    switch (spec.type) {
      case 'int':
        return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= LIMITS.maxDimension ? v : bad(`a positive integer up to ${LIMITS.maxDimension}`);
      case 'float':
        return typeof v === 'number' ? v : bad('a number');
      case 'prob':
        return typeof v === 'number' && v >= 0 && v < 1 ? v : bad('a probability in [0, 1)');
      case 'bool':
        return v === 'true' ? true : v === 'false' ? false : bad('true or false');
      case 'poolKernel':
      case 'kernel': {
        if (spec.type === 'poolKernel' && v === 'global') return 'global';
        if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= LIMITS.maxDimension ? [v, v] : bad('a positive integer or HxW');
        const d = parseDims(v);
        return d && d.length === 2 && d.every((x) => x >= 1 && x <= LIMITS.maxDimension) ? [d[0]!, d[1]!] : bad(spec.type === 'poolKernel' ? 'K, KHxKW or global' : 'K or KHxKW');
      }
      case 'padding': {
        if (v === 'same' || v === 'valid') return { kind: v } as Padding;
        if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= LIMITS.maxDimension ? { kind: 'explicit', h: v, w: v } : bad('same, valid or a non-negative integer');
        const d = parseDims(v);
        return d && d.length === 2 && d.every((x) => x <= LIMITS.maxDimension) ? { kind: 'explicit', h: d[0]!, w: d[1]! } : bad('same, valid, P or PHxPW');
      }
    }
  };

  const lowerOp = (node: OpNode, opIndex: number, stmt: LayerStmt, input: number, ctx: Ctx): number => {
    step();
    const kw = node.keyword.text;
    const base = ctx.prefix + (stmt.name ? (opIndex === 0 ? stmt.name.text : `${stmt.name.text}/${kw}`) : `${kw}_${lineOf(node.span.start)}`) + ctx.suffix;
    const block = blocks.get(kw);
    if (block) return invokeBlock(block, node, input, ctx, base);
    const spec = OPS[kw];
    if (!spec) {
      diag('unknown-op', node.keyword.span, `Unknown op '${kw}'. Built-in ops: conv, dwconv, deconv, maxpool, avgpool, fc, bn, relu, ..., add, concat, mul; or define it with 'block ${kw} ... { }'.`);
      return input;
    }
    const values: ArgValues = new Map();
    const names: Word[] = [];
    let positional = 0;
    let failed = false;
    for (const arg of node.args) {
      if (arg.key) {
        const k = arg.key.text;
        const ospec = spec.options[k];
        if (!ospec) {
          const known = Object.keys(spec.options);
          diag('unknown-option', arg.key.span, `'${kw}' has no option '${k}' (options: ${known.join(', ')}).`);
          failed = true;
          continue;
        }
        if (k === 'from') {
          if (opIndex !== 0) {
            diag('invalid-value', arg.span, "'from=' can only be given on the first op of a chain.");
            failed = true;
          }
          continue;
        }
        if (values.has(k)) diag('invalid-value', arg.key.span, `Option '${k}' is given twice.`);
        const v = checkArg(ospec, arg, ctx, kw);
        if (v === undefined) failed = true;
        else values.set(k, v);
        continue;
      }
      const pspec = spec.positional[positional];
      if (pspec) {
        positional++;
        const v = checkArg(pspec, arg, ctx, kw);
        if (v === undefined) failed = true;
        else values.set(pspec.name, v);
      } else if (spec.rest) {
        names.push(arg.value);
      } else {
        diag('invalid-value', arg.span, `'${kw}' takes ${spec.positional.length ? spec.positional.map((p) => p.name).join(' ') : 'no positional arguments'}; '${arg.value.text}' is one too many.`);
        failed = true;
      }
    }
    const missing = positional < spec.positional.length && !spec.positional[positional]!.optional ? spec.positional.slice(positional).filter((p) => !p.optional) : NONE;
    if (missing.length) {
      diag('invalid-value', node.span, `'${kw}' needs ${missing.map((p) => p.name).join(' and ')}: ${kw} ${spec.positional.map((p) => (p.optional ? `[${p.name.toUpperCase()}]` : p.name.toUpperCase())).join(' ')}.`);
      failed = true;
    }
    if (failed) return input;
    const op = spec.build(values);
    let inputs = [input];
    if (op.kind === 'merge') {
      const resolved = names.map((n) => resolveName(n, ctx, ctx.prefix ? ' in this block' : '')).filter((x): x is number => x !== undefined);
      if (resolved.length !== names.length) return input;
      inputs = resolved.length < 2 ? [input, ...resolved] : resolved;
    }
    const index = addLayer(base, kw, op, inputs, node, stmt, ctx);
    if ((op.kind === 'conv' || op.kind === 'dwconv' || op.kind === 'deconv') && !values.has('bias')) implicitBias.add(index);
    return index;
  };

  const invokeBlock = (block: BlockStmt, node: OpNode, input: number, ctx: Ctx, useName: string): number => {
    const name = block.name.text;
    if (ctx.callStack.includes(name)) {
      diag('recursive-block', node.keyword.span, `Block '${name}' invokes itself (${[...ctx.callStack, name].join(' → ')}).`);
      return input;
    }
    const env = new Map<string, Scalar>();
    let positional = 0;
    let failed = false;
    for (const arg of node.args) {
      const target = arg.key ? block.params.find((p) => p.name.text === arg.key!.text) : block.params[positional++];
      if (!target) {
        if (arg.key) diag('unknown-option', arg.key.span, `Block '${name}' has no parameter '${arg.key.text}' (parameters: ${block.params.map((p) => p.name.text).join(', ') || 'none'}).`);
        else diag('invalid-value', arg.span, `Block '${name}' takes ${block.params.length} parameter(s); '${arg.value.text}' is one too many.`);
        failed = true;
        continue;
      }
      const v = resolveWord(arg.value.text, ctx.env);
      if (!v.ok) {
        diag('invalid-value', arg.value.span, v.error);
        failed = true;
      } else env.set(target.name.text, v.value);
    }
    for (const p of block.params) {
      if (env.has(p.name.text)) continue;
      if (!p.default) {
        diag('invalid-value', node.span, `Block '${name}' needs a value for '${p.name.text}'.`);
        failed = true;
        continue;
      }
      const v = resolveWord(p.default.text, env);
      if (!v.ok) {
        diag('invalid-value', p.default.span, v.error);
        failed = true;
      } else env.set(p.name.text, v.value);
    }
    if (failed) return input;
    const scope = new Scope(undefined, block.body);
    scope.names.set('in', input);
    const inner: Ctx = { env, scope, prefix: `${useName}/`, suffix: '', site: ctx.site ?? node.span, callStack: [...ctx.callStack, name] };
    return lowerBody(block.body, input, inner);
  };

  const lowerChain = (stmt: LayerStmt, prev: number, ctx: Ctx): number => {
    const fromArg = stmt.chain[0]?.args.find((a) => a.key?.text === 'from');
    let input = prev;
    if (fromArg) {
      const r = resolveName(fromArg.value, ctx, ctx.prefix ? ' in this block' : '');
      if (r !== undefined) input = r;
    }
    let out = input;
    for (let i = 0; i < stmt.chain.length; i++) out = lowerOp(stmt.chain[i]!, i, stmt, out, ctx);
    if (stmt.name) {
      if (ctx.scope.names.has(stmt.name.text)) diag('duplicate-name', stmt.name.span, `'${stmt.name.text}' is already defined${ctx.prefix ? ' in this block' : ''}.`);
      else ctx.scope.names.set(stmt.name.text, out);
    }
    return out;
  };

  const lowerRepeat = (stmt: RepeatStmt, prev: number, ctx: Ctx): number => {
    const r = resolveWord(stmt.count.text, ctx.env);
    const n = r.ok ? r.value : NaN;
    if (!r.ok || typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      diag('invalid-value', stmt.count.span, r.ok ? `The repeat count must be a positive integer, not '${stmt.count.text}'.` : r.error);
      return prev;
    }
    if (n > LIMITS.maxRepeat) {
      diag('limit-exceeded', stmt.count.span, `repeat ${n} is above the limit of ${exact(LIMITS.maxRepeat)} iterations; the repeat is not unrolled.`);
      return prev;
    }
    const body: Stmt[] = stmt.body ?? (stmt.oneLine ??= stmt.chain ? [stmt.chain] : []);
    let out = prev;
    let last: Scope | undefined;
    const iter: Ctx = { env: ctx.env, scope: ctx.scope, prefix: ctx.prefix, suffix: '', site: ctx.site, callStack: ctx.callStack };
    for (let i = 0; i < n; i++) {
      step();
      last = iter.scope = new Scope(ctx.scope, body);
      iter.suffix = `${ctx.suffix}#${i + 1}`;
      out = lowerBody(body, out, iter);
    }
    if (last) for (const [k, v] of last.names) ctx.scope.names.set(k, v);
    return out;
  };

  const lowerBody = (stmts: Stmt[], input: number, ctx: Ctx): number => {
    let prev = input;
    for (const s of stmts) {
      if (s.kind === 'layer') prev = lowerChain(s, prev, ctx);
      else if (s.kind === 'repeat') prev = lowerRepeat(s, prev, ctx);
    }
    return prev;
  };

  const topScope = new Scope(undefined, ast.statements);
  const topCtx: Ctx = { env: new Map(), scope: topScope, prefix: '', suffix: '', callStack: [] };
  let prev = NETWORK_INPUT;
  for (const s of ast.statements) {
    if (s.kind === 'directive') directive(s);
    if (s.kind !== 'layer' && s.kind !== 'repeat') continue;
    try {
      prev = s.kind === 'layer' ? lowerChain(s, prev, topCtx) : lowerRepeat(s, prev, topCtx);
    } catch (e) {
      if (!(e instanceof LimitReached)) throw e;
      const what = e.what === 'layers' ? `more than ${exact(LIMITS.maxLayers)} layers` : `more than ${exact(LIMITS.maxSteps)} steps (repeats and block uses multiply out)`;
      diag('limit-exceeded', s.span, `The network unrolls to ${what}; analysis stops here.`);
      break;
    }
  }
  if (!sawInput) diag('missing-input', { start: 0, end: 0 }, "No 'input HxWxC' line: shapes and costs need the input size (e.g. 'input 224x224x3').");

  // A conv without an explicit `bias=` has a bias unless its only consumer is a batch norm.
  const consumers = new Int32Array(layers.length);
  const bnConsumer = new Uint8Array(layers.length);
  for (const l of layers) for (const i of l.inputs) if (i >= 0) { consumers[i]!++; if (l.op.kind === 'bn') bnConsumer[i] = 1; }
  for (const i of implicitBias) {
    const op = layers[i]!.op as { bias: boolean };
    op.bias = !(consumers[i] === 1 && bnConsumer[i] === 1);
  }
  return { graph, diagnostics, blocks };
}

const declaredCache = new WeakMap<Stmt[], Set<string>>();

/** Names a statement list declares (repeat bodies included), computed once per list. */
function declaredNames(stmts: Stmt[]): Set<string> {
  const hit = declaredCache.get(stmts);
  if (hit) return hit;
  const out = new Set<string>();
  declaredCache.set(stmts, out);
  for (const s of stmts) {
    if (s.kind === 'layer' && s.name) out.add(s.name.text);
    if (s.kind === 'repeat') for (const n of declaredNames(s.body ?? (s.oneLine ??= s.chain ? [s.chain] : []))) out.add(n);
  }
  return out;
}
