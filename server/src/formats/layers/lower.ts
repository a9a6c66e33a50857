// Lowers a `.layers` syntax tree to the IR graph: evaluates directives, checks op
// arguments, unrolls `repeat`, expands block invocations with their own name scopes,
// resolves `from=` and merge operands, and decides implicit conv biases.
// Errors become diagnostics; the offending op is skipped so the rest still lowers.
// Cost: linear in the unrolled layers. An op whose arguments do not depend on block
// parameters is checked once per distinct op text (merges: once per syntax node) and its
// op shared by later instances;
// layer names are computed for the whole graph on the first read of any `name`.
import type { Graph, Layer, LayerOp, Padding, Span } from '../../core/ir';
import { makeDiagnostic, type Code, type EngineDiagnostic } from '../../core/diagnostics';
import { soleConsumers } from '../../core/costs';
import { exact } from '../../core/format';
import { LIMITS } from '../../core/limits';
import { LineIndex } from '../../core/lineIndex';
import { uniqueNamer } from '../names';
import type { Arg, BlockStmt, DirectiveStmt, FileAst, LayerStmt, OpNode, RepeatStmt, Stmt, Word } from './ast';
import { OPS, type ArgSpec, type ArgValue, type ArgValues, type OpSpec } from './ops';
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
      const found = findOpSite(s.kind === 'block' ? s.body : (s.body ?? (s.chain ? [s.chain] : [])), start);
      if (found) return found;
    }
  }
  return undefined;
}

export interface Lowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  blocks: Map<string, BlockStmt>;
  /** Names the graph's layers (rebound by an incremental update). */
  naming: Naming;
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

/**
 * How the names of the layers lowered in one context are formed: inside a block
 * invocation, the invocation's own name and `/` come first; inside a repeat iteration,
 * `#N` comes last. Layer names are built from these only when first read.
 */
interface NameCtx {
  naming: Naming;
  /** The block invocation this context is inside of, if any. */
  invocation?: NameSite;
  suffix: string;
  /** Outermost invocation span, when inside a block. */
  site?: Span;
}

/** The parts of one base name: the chain op and the context it was lowered in. */
interface NameSite {
  ctx: NameCtx;
  stmt: LayerStmt;
  opIndex: number;
  kw: string;
}

/**
 * A lowered layer: a view of its chain op in the syntax tree (op text and spans are read
 * from there, the same objects every time) plus what lowering decided. Its unique name
 * is computed on first read, for every layer of the graph at once. Six fields per layer:
 * a network's layers are most of what its analysis keeps in memory.
 */
export class LoweredLayer implements Layer {
  constructor(
    public index: number,
    public op: LayerOp,
    public inputs: number[],
    readonly ctx: NameCtx,
    readonly stmt: LayerStmt,
    readonly opIndex: number,
  ) {}
  get name(): string {
    return this.ctx.naming.name(this.index);
  }
  get opText(): string {
    return this.stmt.chain[this.opIndex]!.keyword.text;
  }
  get span(): Span {
    return this.stmt.chain[this.opIndex]!.span;
  }
  get site(): Span {
    return this.ctx.site ?? this.stmt.chain[this.opIndex]!.span;
  }
  get statement(): Span {
    return this.stmt.span;
  }
}

/**
 * Unique names for all layers of one lowering, in layer order: deterministic whenever they
 * are read. An incremental update (incremental.ts) rebinds it to the new graph and text,
 * since unnamed layers are named after their line.
 */
export class Naming {
  private names: string[] | undefined;
  private lines: LineIndex | undefined;
  /** Base names of block invocations (the prefix of every layer inside them), once computed. */
  private readonly bases = new Map<NameSite, string>();
  constructor(
    private layers: Layer[],
    private text: string,
  ) {}
  name(index: number): string {
    return (this.names ??= this.compute())[index]!;
  }
  /** After an incremental update; names are kept when no line moved (they depend on line numbers, not offsets). */
  rebind(layers: Layer[], text: string, linesMoved: boolean): void {
    this.layers = layers;
    this.text = text;
    if (!linesMoved) return;
    this.names = undefined;
    this.bases.clear();
  }
  private siteName(site: NameSite): string {
    let base = this.bases.get(site);
    if (base === undefined)
      this.bases.set(
        site,
        (base = this.baseName(site.ctx, site.stmt, site.opIndex, site.kw, site.stmt.chain[site.opIndex]!.span.start)),
      );
    return base;
  }
  private baseName(ctx: NameCtx, stmt: LayerStmt, opIndex: number, kw: string, start: number): string {
    const prefix = ctx.invocation ? `${this.siteName(ctx.invocation)}/` : '';
    const local = stmt.name
      ? opIndex === 0
        ? stmt.name.text
        : `${stmt.name.text}/${kw}`
      : `${kw}_${(this.lines ??= new LineIndex(this.text)).lineAt(start) + 1}`;
    return prefix + local + ctx.suffix;
  }
  private compute(): string[] {
    const unique = uniqueNamer();
    const out: string[] = new Array(this.layers.length);
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i] as LoweredLayer;
      const node = l.stmt.chain[l.opIndex]!;
      out[i] = unique(this.baseName(l.ctx, l.stmt, l.opIndex, node.keyword.text, node.span.start));
    }
    this.lines = undefined;
    return out;
  }
}

/**
 * An op checked once for an op text (or a merge's syntax node) that no block parameter
 * affects, with a diagnostics-free result: every instance shares `op` and resolves `names` again. A conv
 * without `bias=` gets one of two shared copies once its bias is decided (after lowering).
 */
interface CheckedOp {
  op: LayerOp;
  names: Word[];
  explicitBias: boolean;
  withBias?: LayerOp;
  withoutBias?: LayerOp;
}

/** A word whose value can depend on block parameters in `env` (a parameter name or an expression). */
function dependsOnEnv(text: string, env: Env): boolean {
  return env.has(text) || (/[-+*/()%]/.test(text) && !/^[0-9]+x[0-9]+(?:x[0-9]+)?$/.test(text));
}

/** The op table as a Map: looking a freshly sliced keyword up in it only hashes the string. */
export const OP_SPECS = new Map(Object.entries(OPS));

interface Ctx {
  /** Inside a repeat or a block body, where one op node becomes several layers (worth checking once). */
  reused: boolean;
  env: Env;
  scope: Scope;
  names: NameCtx;
  callStack: string[];
}

const NETWORK_INPUT = -1;
const NONE: readonly ArgSpec[] = [];

type Diag = (code: Code, span: Span, message: string) => void;

export function lowerLayers(ast: FileAst, text: string): Lowered {
  const diagnostics: EngineDiagnostic[] = [];
  const layers: Layer[] = [];
  const blocks = new Map<string, BlockStmt>();
  /** Conv-like layers without `bias=`, and the checked op each shares, if any. */
  const implicitBias: number[] = [];
  const implicitShared: (CheckedOp | undefined)[] = [];
  const naming = new Naming(layers, text);
  /** Per op node: its checked op, or null when its arguments depend on block parameters. */
  const checked = new Map<OpNode, CheckedOp | null>();
  /** Per op text (see lowerOp), for a chain's first op and for later ones: the checked op every node with that text shares. */
  const checkedFirst = new Map<string, CheckedOp>();
  const checkedLater = new Map<string, CheckedOp>();
  // A repeat or a block used many times lowers the same text many times: one diagnostic per place.
  const reported = new Set<string>();
  /** Diagnostics raised, reported or not: tells an op that checked cleanly. */
  let diagCalls = 0;
  const diag = (code: Code, span: Span, message: string) => {
    diagCalls++;
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
    if (OPS[s.name.text])
      diag('duplicate-name', s.name.span, `'${s.name.text}' is a built-in op and cannot be redefined as a block.`);
    else if (blocks.has(s.name.text)) diag('duplicate-name', s.name.span, `Block '${s.name.text}' is already defined.`);
    else blocks.set(s.name.text, s);
  }

  const directive = (d: DirectiveStmt) => {
    const kw = d.keyword.text;
    const positional = d.args.filter((a) => !a.key);
    const opts = new Map(d.args.filter((a) => a.key).map((a) => [a.key!.text, a] as const));
    const allowOpts = (allowed: string[]) => {
      for (const [k, a] of opts)
        if (!allowed.includes(k))
          diag(
            'unknown-option',
            a.key!.span,
            `'${kw}' has no option '${k}'${allowed.length ? ` (options: ${allowed.join(', ')})` : ''}.`,
          );
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
      if (w) {
        graph.name = w.text;
        graph.nameSpan = d.span;
      }
      allowOpts([]);
      graph.headerSpan = d.span;
    } else if (kw === 'input') {
      allowOpts(['batch']);
      const w = needOne('input HxWxC [batch=N]');
      if (!w) return;
      const dims = parseDims(w.text);
      if (dims?.length !== 3 || dims.some((x) => x < 1 || x > LIMITS.maxDimension)) {
        diag(
          'invalid-value',
          w.span,
          `'${w.text}' is not an input shape: write H x W x C, each from 1 to ${LIMITS.maxDimension}, e.g. 224x224x3.`,
        );
        return;
      }
      const batchArg = opts.get('batch');
      let batch = 1;
      if (batchArg) {
        const b = Number(batchArg.value.text);
        if (!Number.isInteger(b) || b < 1 || b > LIMITS.maxDimension)
          diag(
            'invalid-value',
            batchArg.value.span,
            `batch must be an integer from 1 to ${LIMITS.maxDimension}, not '${batchArg.value.text}'.`,
          );
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
        if (!Number.isInteger(n) || n < 1 || n > LIMITS.maxDimension)
          diag(
            'invalid-value',
            dv.value.span,
            `divisor must be an integer from 1 to ${LIMITS.maxDimension}, not '${dv.value.text}'.`,
          );
        else divisor = n;
      }
      graph.width = divisor ? { alpha: a, divisor, span: d.span } : { alpha: a, span: d.span };
    } else if (kw === 'resolution') {
      allowOpts([]);
      const w = needOne('resolution SIDE');
      if (!w) return;
      const r = Number(w.text);
      if (!Number.isInteger(r) || r < 1 || r > LIMITS.maxDimension)
        diag(
          'invalid-value',
          w.span,
          `The resolution must be an integer input side from 1 to ${LIMITS.maxDimension}, not '${w.text}'.`,
        );
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

  const addLayer = (opIndex: number, op: LayerOp, inputs: number[], stmt: LayerStmt, ctx: Ctx): number => {
    if (layers.length >= LIMITS.maxLayers) throw new LimitReached('layers');
    const index = layers.length;
    layers.push(new LoweredLayer(index, op, inputs, ctx.names, stmt, opIndex));
    return index;
  };

  /** Resolves merge operands and adds the layer; `input` when an operand is unknown. */
  const finishOp = (
    op: LayerOp,
    names: Word[],
    explicitBias: boolean,
    shared: CheckedOp | undefined,
    opIndex: number,
    stmt: LayerStmt,
    input: number,
    ctx: Ctx,
  ): number => {
    let inputs = [input];
    if (op.kind === 'merge') {
      const resolved = names
        .map((n) => resolveName(n, ctx, ctx.names.site ? ' in this block' : ''))
        .filter((x): x is number => x !== undefined);
      if (resolved.length !== names.length) return input;
      inputs = resolved.length < 2 ? [input, ...resolved] : resolved;
    }
    const index = addLayer(opIndex, op, inputs, stmt, ctx);
    if ((op.kind === 'conv' || op.kind === 'dwconv' || op.kind === 'deconv') && !explicitBias) {
      implicitBias.push(index);
      implicitShared.push(shared);
    }
    return index;
  };

  const resolveName = (w: Word, ctx: Ctx, scopeText: string): number | undefined => {
    if (w.text === 'in' && ctx.scope.lookup('in') !== undefined) return ctx.scope.lookup('in');
    const found = ctx.scope.lookup(w.text);
    if (found !== undefined) return found;
    if (ctx.scope.declaredLater(w.text))
      diag(
        'forward-reference',
        w.span,
        `'${w.text}' is defined later${scopeText}; a layer can only read layers above it.`,
      );
    else diag('unknown-name', w.span, `No layer named '${w.text}'${scopeText}.`);
    return undefined;
  };

  const lowerOp = (node: OpNode, opIndex: number, stmt: LayerStmt, input: number, ctx: Ctx): number => {
    step();
    const kw = node.keyword.text;
    const hit = ctx.reused ? checked.get(node) : undefined;
    if (hit) return finishOp(hit.op, hit.names, hit.explicitBias, hit, opIndex, stmt, input, ctx);
    const block = blocks.get(kw);
    if (block) return invokeBlock(block, node, input, ctx, { ctx: ctx.names, stmt, opIndex, kw });
    const spec = OP_SPECS.get(kw);
    // Ops with the same text lower to the same op: one without block-parameter words and
    // without merge operands (whose names resolve per layer) is checked once per distinct
    // text and shared. A chain's first op, the only place `from=` is allowed, has its own table.
    const envFree = ctx.env.size === 0 || !node.args.some((a) => dependsOnEnv(a.value.text, ctx.env));
    const byText = envFree && !!spec && !spec.rest;
    const byTextMap = opIndex === 0 ? checkedFirst : checkedLater;
    const textKey = byText ? text.slice(node.span.start, node.span.end) : '';
    if (byText) {
      const same = byTextMap.get(textKey);
      if (same) return finishOp(same.op, same.names, same.explicitBias, same, opIndex, stmt, input, ctx);
    }
    const diagsBefore = diagCalls;
    if (!spec) {
      diag(
        'unknown-op',
        node.keyword.span,
        `Unknown op '${kw}'. Built-in ops: conv, dwconv, deconv, maxpool, avgpool, fc, bn, relu, ..., add, concat, mul; or define it with 'block ${kw} ... { }'.`,
      );
      return input;
    }
    const checkedOp = checkOp(node, spec, opIndex, ctx.env, diag);
    if (!checkedOp) return input;
    const { op, names, explicitBias } = checkedOp;
    // Shared only when checking it reported nothing (a repeated node's duplicate reports count too).
    let shared: CheckedOp | undefined;
    if (envFree && diagCalls === diagsBefore) {
      shared = { op, names, explicitBias };
      if (byText) byTextMap.set(textKey, shared);
    }
    if (ctx.reused && !checked.has(node)) checked.set(node, shared ?? null);
    return finishOp(op, names, explicitBias, shared, opIndex, stmt, input, ctx);
  };

  const invokeBlock = (block: BlockStmt, node: OpNode, input: number, ctx: Ctx, invocation: NameSite): number => {
    const name = block.name.text;
    if (ctx.callStack.includes(name)) {
      diag(
        'recursive-block',
        node.keyword.span,
        `Block '${name}' invokes itself (${[...ctx.callStack, name].join(' → ')}).`,
      );
      return input;
    }
    const env = new Map<string, Scalar>();
    let positional = 0;
    let failed = false;
    for (const arg of node.args) {
      const target = arg.key ? block.params.find((p) => p.name.text === arg.key!.text) : block.params[positional++];
      if (!target) {
        if (arg.key)
          diag(
            'unknown-option',
            arg.key.span,
            `Block '${name}' has no parameter '${arg.key.text}' (parameters: ${block.params.map((p) => p.name.text).join(', ') || 'none'}).`,
          );
        else
          diag(
            'invalid-value',
            arg.span,
            `Block '${name}' takes ${block.params.length} parameter(s); '${arg.value.text}' is one too many.`,
          );
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
    const inner: Ctx = {
      reused: true,
      env,
      scope,
      names: { naming, invocation, suffix: '', site: ctx.names.site ?? node.span },
      callStack: [...ctx.callStack, name],
    };
    return lowerBody(block.body, input, inner);
  };

  const lowerChain = (stmt: LayerStmt, prev: number, ctx: Ctx): number => {
    const fromArg = stmt.chain[0]?.args.find((a) => a.key?.text === 'from');
    let input = prev;
    if (fromArg) {
      const r = resolveName(fromArg.value, ctx, ctx.names.site ? ' in this block' : '');
      if (r !== undefined) input = r;
    }
    let out = input;
    for (let i = 0; i < stmt.chain.length; i++) out = lowerOp(stmt.chain[i]!, i, stmt, out, ctx);
    if (stmt.name) {
      if (ctx.scope.names.has(stmt.name.text))
        diag(
          'duplicate-name',
          stmt.name.span,
          `'${stmt.name.text}' is already defined${ctx.names.site ? ' in this block' : ''}.`,
        );
      else ctx.scope.names.set(stmt.name.text, out);
    }
    return out;
  };

  const lowerRepeat = (stmt: RepeatStmt, prev: number, ctx: Ctx): number => {
    const r = resolveWord(stmt.count.text, ctx.env);
    const n = r.ok ? r.value : NaN;
    if (!r.ok || typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      diag(
        'invalid-value',
        stmt.count.span,
        r.ok ? `The repeat count must be a positive integer, not '${stmt.count.text}'.` : r.error,
      );
      return prev;
    }
    if (n > LIMITS.maxRepeat) {
      diag(
        'limit-exceeded',
        stmt.count.span,
        `repeat ${n} is above the limit of ${exact(LIMITS.maxRepeat)} iterations; the repeat is not unrolled.`,
      );
      return prev;
    }
    const body: Stmt[] = stmt.body ?? (stmt.oneLine ??= stmt.chain ? [stmt.chain] : []);
    let out = prev;
    let last: Scope | undefined;
    const iter: Ctx = { reused: true, env: ctx.env, scope: ctx.scope, names: ctx.names, callStack: ctx.callStack };
    for (let i = 0; i < n; i++) {
      step();
      last = iter.scope = new Scope(ctx.scope, body);
      iter.names = {
        naming,
        invocation: ctx.names.invocation,
        suffix: `${ctx.names.suffix}#${i + 1}`,
        site: ctx.names.site,
      };
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
  const topCtx: Ctx = { reused: false, env: new Map(), scope: topScope, names: { naming, suffix: '' }, callStack: [] };
  let prev = NETWORK_INPUT;
  for (const s of ast.statements) {
    if (s.kind === 'directive') directive(s);
    if (s.kind !== 'layer' && s.kind !== 'repeat') continue;
    try {
      prev = s.kind === 'layer' ? lowerChain(s, prev, topCtx) : lowerRepeat(s, prev, topCtx);
    } catch (e) {
      if (!(e instanceof LimitReached)) throw e;
      const what =
        e.what === 'layers'
          ? `more than ${exact(LIMITS.maxLayers)} layers`
          : `more than ${exact(LIMITS.maxSteps)} steps (repeats and block uses multiply out)`;
      diag('limit-exceeded', s.span, `The network unrolls to ${what}; analysis stops here.`);
      break;
    }
  }
  if (!sawInput)
    diag(
      'missing-input',
      { start: 0, end: 0 },
      "No 'input HxWxC' line: shapes and costs need the input size (e.g. 'input 224x224x3').",
    );

  // A conv without an explicit `bias=` has a bias unless its only consumer is a batch norm.
  const sole = soleConsumers(layers);
  for (let k = 0; k < implicitBias.length; k++) {
    const i = implicitBias[k]!;
    const bias = implicitBiasOf(layers, sole, i);
    const shared = implicitShared[k];
    if (shared)
      layers[i]!.op = bias
        ? (shared.withBias ??= { ...shared.op, bias } as LayerOp)
        : (shared.withoutBias ??= { ...shared.op, bias } as LayerOp);
    else (layers[i]!.op as { bias: boolean }).bias = bias;
  }
  return { graph, diagnostics, blocks, naming };
}

/** Checks one argument against its spec; undefined after a diagnostic. */
function checkArg(spec: ArgSpec, arg: Arg, env: Env, opText: string, diag: Diag): ArgValue | undefined {
  const w = arg.value;
  if (spec.type === 'name') return w.text;
  const r = resolveWord(w.text, env);
  if (!r.ok) {
    diag('invalid-value', w.span, r.error);
    return undefined;
  }
  const v: Scalar = r.value;
  const bad = (expect: string) => {
    diag(
      'invalid-value',
      w.span,
      `${opText} ${spec.name}: expected ${expect}, found '${typeof v === 'number' ? v : w.text}'.`,
    );
    return undefined;
  };
  switch (spec.type) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= LIMITS.maxDimension
        ? v
        : bad(`a positive integer up to ${LIMITS.maxDimension}`);
    case 'float':
      return typeof v === 'number' ? v : bad('a number');
    case 'prob':
      return typeof v === 'number' && v >= 0 && v < 1 ? v : bad('a probability in [0, 1)');
    case 'bool':
      return v === 'true' ? true : v === 'false' ? false : bad('true or false');
    case 'poolKernel':
    case 'kernel': {
      if (spec.type === 'poolKernel' && v === 'global') return 'global';
      if (typeof v === 'number')
        return Number.isInteger(v) && v >= 1 && v <= LIMITS.maxDimension ? [v, v] : bad('a positive integer or HxW');
      const d = parseDims(v);
      return d && d.length === 2 && d.every((x) => x >= 1 && x <= LIMITS.maxDimension)
        ? [d[0]!, d[1]!]
        : bad(spec.type === 'poolKernel' ? 'K, KHxKW or global' : 'K or KHxKW');
    }
    case 'padding': {
      if (v === 'same' || v === 'valid') return { kind: v } as Padding;
      if (typeof v === 'number')
        return Number.isInteger(v) && v >= 0 && v <= LIMITS.maxDimension
          ? { kind: 'explicit', h: v, w: v }
          : bad('same, valid or a non-negative integer');
      const d = parseDims(v);
      return d && d.length === 2 && d.every((x) => x <= LIMITS.maxDimension)
        ? { kind: 'explicit', h: d[0]!, w: d[1]! }
        : bad('same, valid, P or PHxPW');
    }
  }
}

/**
 * Checks a built-in op node's arguments against its spec and builds its op (a conv-like op
 * without `bias=` leaves its bias to be decided from its consumers); undefined after a
 * diagnostic that drops the op. `from=` is checked here (allowed on a chain's first op only)
 * and resolved by the caller; merge operands come back as `names`.
 */
export function checkOp(
  node: OpNode,
  spec: OpSpec,
  opIndex: number,
  env: Env,
  diag: Diag,
): { op: LayerOp; names: Word[]; explicitBias: boolean } | undefined {
  const kw = node.keyword.text;
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
      const v = checkArg(ospec, arg, env, kw, diag);
      if (v === undefined) failed = true;
      else values.set(k, v);
      continue;
    }
    const pspec = spec.positional[positional];
    if (pspec) {
      positional++;
      const v = checkArg(pspec, arg, env, kw, diag);
      if (v === undefined) failed = true;
      else values.set(pspec.name, v);
    } else if (spec.rest) {
      names.push(arg.value);
    } else {
      diag(
        'invalid-value',
        arg.span,
        `'${kw}' takes ${spec.positional.length ? spec.positional.map((p) => p.name).join(' ') : 'no positional arguments'}; '${arg.value.text}' is one too many.`,
      );
      failed = true;
    }
  }
  const missing =
    positional < spec.positional.length && !spec.positional[positional]!.optional
      ? spec.positional.slice(positional).filter((p) => !p.optional)
      : NONE;
  if (missing.length) {
    diag(
      'invalid-value',
      node.span,
      `'${kw}' needs ${missing.map((p) => p.name).join(' and ')}: ${kw} ${spec.positional.map((p) => (p.optional ? `[${p.name.toUpperCase()}]` : p.name.toUpperCase())).join(' ')}.`,
    );
    failed = true;
  }
  if (failed) return undefined;
  return { op: spec.build(values), names, explicitBias: values.has('bias') };
}

/** Whether a conv-like layer's implicit bias stays: it does unless its only consumer is a batch norm. */
export function implicitBiasOf(layers: readonly Layer[], sole: Int32Array, index: number): boolean {
  const c = sole[index]!;
  return !(c >= 0 && layers[c]!.op.kind === 'bn');
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
    if (s.kind === 'repeat')
      for (const n of declaredNames(s.body ?? (s.oneLine ??= s.chain ? [s.chain] : []))) out.add(n);
  }
  return out;
}
