// Lowering of `.layers` statements to IR layers: chains (`from=`, merge operands, the
// statement's name), repeats (unrolled, `#N` names), block invocations (own scope and
// parameters, `name/` prefixes) and ops. Errors become diagnostics (reporter.ts); the
// offending op is skipped so the rest still lowers. Every op, block use and repeat iteration is a step, so that nested repeats of
// nothing (or of failing ops) cannot run for ever. Repeats and block invocations nest at most
// LIMITS.maxNesting deep (a chain of blocks each invoking the next counts every link), so the
// recursion of lowering stays bounded: a deeper one is one `limit-exceeded` and left out.
import { exact } from '../../../core/format';
import type { Layer, LayerOp } from '../../../core/ir';
import { LIMITS } from '../../../core/limits';
import { type BlockStmt, fromArg, type LayerStmt, type OpNode, type RepeatStmt, type Stmt, type Word } from '../ast';
import type { OpSpec } from '../ops';
import { resolveWord, type Env } from '../values';
import { bindBlockParams } from './blocks';
import { checkOp, type Diag, OP_SPECS } from './checkOp';
import { ImplicitBiases } from './implicitBias';
import { LoweredLayer, type NameCtx, type NameSite, type Naming } from './naming';
import type { Reporter } from './reporter';
import { repeatBody, Scope } from './scope';
import { envFree, type SharedOp, SharedOps } from './sharedOps';

/** Thrown when unrolling passes a limit; caught at the top-level statement that caused it. */
export class LimitReached extends Error {
  constructor(readonly what: 'layers' | 'steps') {
    super(what);
  }
}

/** Where statements are lowered: block parameters, name scope, how names are formed, the blocks being invoked. */
export interface LowerCtx {
  /** Inside a repeat or a block body, where one op node becomes several layers (worth checking once). */
  reused: boolean;
  env: Env;
  scope: Scope;
  names: NameCtx;
  callStack: string[];
  /** Repeats and block invocations this body is lowered inside. */
  depth: number;
}

/** The state of one lowering: the layers so far, diagnostics, shared ops, implicit biases, steps. */
export class Lowering {
  readonly implicitBiases = new ImplicitBiases();
  private readonly sharedOps = new SharedOps();
  private readonly diag: Diag;
  private steps = 0;

  constructor(
    readonly layers: Layer[],
    readonly blocks: Map<string, BlockStmt>,
    readonly naming: Naming,
    private readonly text: string,
    private readonly reporter: Reporter,
  ) {
    this.diag = reporter.diag;
  }

  private step(): void {
    if (++this.steps > LIMITS.maxSteps) throw new LimitReached('steps');
  }

  lowerBody(stmts: Stmt[], input: number, ctx: LowerCtx): number {
    let prev = input;
    for (const s of stmts) {
      if (s.kind === 'layer') prev = this.lowerChain(s, prev, ctx);
      else if (s.kind === 'repeat') prev = this.lowerRepeat(s, prev, ctx);
    }
    return prev;
  }

  lowerChain(stmt: LayerStmt, prev: number, ctx: LowerCtx): number {
    const from = stmt.chain.length ? fromArg(stmt.chain[0]!) : undefined;
    let input = prev;
    if (from) {
      const r = this.resolveName(from.value, ctx);
      if (r !== undefined) input = r;
    }
    let out = input;
    for (let i = 0; i < stmt.chain.length; i++) out = this.lowerOp(stmt.chain[i]!, i, stmt, out, ctx);
    if (stmt.name) {
      if (ctx.scope.names.has(stmt.name.text))
        this.diag('duplicate-name', stmt.name.span, `'${stmt.name.text}' is already defined${inBlock(ctx)}.`);
      else ctx.scope.names.set(stmt.name.text, out);
    }
    return out;
  }

  /** Whether a body opened at `keyword` would be nested too deep: then it is reported (once per place) and left out. */
  private tooDeep(keyword: Word, ctx: LowerCtx): boolean {
    if (ctx.depth < LIMITS.maxNesting) return false;
    const via = ctx.callStack.length
      ? ` (blocks ${ctx.callStack[0]} → … → ${ctx.callStack[ctx.callStack.length - 1]})`
      : '';
    this.diag(
      'limit-exceeded',
      keyword.span,
      `Repeats and block invocations are nested more than ${LIMITS.maxNesting} deep here${via}; this '${keyword.text}' is left out.`,
    );
    return true;
  }

  lowerRepeat(stmt: RepeatStmt, prev: number, ctx: LowerCtx): number {
    if (this.tooDeep(stmt.keyword, ctx)) return prev;
    const n = this.repeatCount(stmt, ctx);
    if (n === undefined) return prev;
    const body = repeatBody(stmt);
    let out = prev;
    let last: Scope | undefined;
    const iter: LowerCtx = {
      reused: true,
      env: ctx.env,
      scope: ctx.scope,
      names: ctx.names,
      callStack: ctx.callStack,
      depth: ctx.depth + 1,
    };
    for (let i = 0; i < n; i++) {
      this.step();
      last = iter.scope = new Scope(ctx.scope, body);
      iter.names = {
        naming: this.naming,
        invocation: ctx.names.invocation,
        suffix: `${ctx.names.suffix}#${i + 1}`,
        site: ctx.names.site,
      };
      out = this.lowerBody(body, out, iter);
    }
    if (last) for (const [k, v] of last.names) ctx.scope.names.set(k, v);
    return out;
  }

  /** A repeat's iteration count; undefined after a diagnostic when it is not a positive integer within the limit. */
  private repeatCount(stmt: RepeatStmt, ctx: LowerCtx): number | undefined {
    const r = resolveWord(stmt.count.text, ctx.env);
    const n = r.ok ? r.value : NaN;
    if (!r.ok || typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      this.diag(
        'invalid-value',
        stmt.count.span,
        r.ok ? `The repeat count must be a positive integer, not '${stmt.count.text}'.` : r.error,
      );
      return undefined;
    }
    if (n > LIMITS.maxRepeat) {
      this.diag(
        'limit-exceeded',
        stmt.count.span,
        `repeat ${n} is above the limit of ${exact(LIMITS.maxRepeat)} iterations; the repeat is not unrolled.`,
      );
      return undefined;
    }
    return n;
  }

  /** One chain op: a shared op, a block invocation or a built-in op; returns the chain's output so far. */
  private lowerOp(node: OpNode, opIndex: number, stmt: LayerStmt, input: number, ctx: LowerCtx): number {
    this.step();
    const kw = node.keyword.text;
    const hit = ctx.reused ? this.sharedOps.ofNode(node) : undefined;
    if (hit) return this.finishOp(hit, hit, opIndex, stmt, input, ctx);
    const block = this.blocks.get(kw);
    if (block) return this.invokeBlock(block, node, input, ctx, { ctx: ctx.names, stmt, opIndex, kw });
    const spec = OP_SPECS.get(kw);
    if (!spec) {
      this.diag(
        'unknown-op',
        node.keyword.span,
        `Unknown op '${kw}'. Built-in ops: conv, dwconv, deconv, maxpool, avgpool, fc, bn, relu, ..., add, concat, mul; or define it with 'block ${kw} ... { }'.`,
      );
      return input;
    }
    return this.lowerBuiltin(node, spec, opIndex, stmt, input, ctx);
  }

  /**
   * A built-in op. Ops with the same text lower to the same op: one without block-parameter
   * words and without merge operands (whose names resolve per layer) is checked once per
   * distinct text (`opKey`) and shared.
   */
  private lowerBuiltin(
    node: OpNode,
    spec: OpSpec,
    opIndex: number,
    stmt: LayerStmt,
    input: number,
    ctx: LowerCtx,
  ): number {
    const free = envFree(node, ctx.env);
    const byText = free && !spec.rest;
    // A chain's first op may name any layer in `from=` (the op's check does not read it).
    const textKey = byText ? opKey(this.text, node, opIndex === 0 && Object.hasOwn(spec.options, 'from')) : '';
    if (byText) {
      const same = this.sharedOps.ofText(opIndex, textKey);
      if (same) return this.finishOp(same, same, opIndex, stmt, input, ctx);
    }
    const diagsBefore = this.reporter.calls;
    const check = checkOp(node, spec, opIndex, ctx.env, this.diag);
    if (!check) return input;
    // Shared only when checking it reported nothing (a repeated node's duplicate reports count too).
    let shared: SharedOp | undefined;
    if (free && this.reporter.calls === diagsBefore) {
      shared = { op: check.op, names: check.names, explicitBias: check.explicitBias };
      if (byText) this.sharedOps.rememberText(opIndex, textKey, shared);
    }
    if (ctx.reused) this.sharedOps.rememberNode(node, shared);
    return this.finishOp(check, shared, opIndex, stmt, input, ctx);
  }

  /** Resolves merge operands and adds the layer; `input` when an operand is unknown. */
  private finishOp(
    check: { op: LayerOp; names: Word[]; explicitBias: boolean },
    shared: SharedOp | undefined,
    opIndex: number,
    stmt: LayerStmt,
    input: number,
    ctx: LowerCtx,
  ): number {
    const { op, names } = check;
    let inputs = [input];
    if (op.kind === 'merge') {
      const resolved = names.map((n) => this.resolveName(n, ctx)).filter((x): x is number => x !== undefined);
      if (resolved.length !== names.length) return input;
      inputs = resolved.length < 2 ? [input, ...resolved] : resolved;
    }
    const index = this.addLayer(opIndex, op, inputs, stmt, ctx);
    if ((op.kind === 'conv' || op.kind === 'dwconv' || op.kind === 'deconv') && !check.explicitBias)
      this.implicitBiases.add(index, shared);
    return index;
  }

  private addLayer(opIndex: number, op: LayerOp, inputs: number[], stmt: LayerStmt, ctx: LowerCtx): number {
    if (this.layers.length >= LIMITS.maxLayers) throw new LimitReached('layers');
    const index = this.layers.length;
    this.layers.push(new LoweredLayer(index, op, inputs, ctx.names, stmt, opIndex));
    return index;
  }

  /** A layer read by name (`from=`, merge operand): its index, or undefined after a diagnostic. */
  private resolveName(w: Word, ctx: LowerCtx): number | undefined {
    const found = ctx.scope.lookup(w.text);
    if (found !== undefined) return found;
    if (ctx.scope.declaredLater(w.text))
      this.diag(
        'forward-reference',
        w.span,
        `'${w.text}' is defined later${inBlock(ctx)}; a layer can only read layers above it.`,
      );
    else this.diag('unknown-name', w.span, `No layer named '${w.text}'${inBlock(ctx)}.`);
    return undefined;
  }

  /** A block invocation: its body lowered in a scope of its own, with `in` bound to the chain's input. */
  private invokeBlock(block: BlockStmt, node: OpNode, input: number, ctx: LowerCtx, invocation: NameSite): number {
    const name = block.name.text;
    if (ctx.callStack.includes(name)) {
      this.diag(
        'recursive-block',
        node.keyword.span,
        `Block '${name}' invokes itself (${[...ctx.callStack, name].join(' → ')}).`,
      );
      return input;
    }
    if (this.tooDeep(node.keyword, ctx)) return input;
    const env = bindBlockParams(block, node, ctx.env, this.diag);
    if (!env) return input;
    const scope = new Scope(undefined, block.body);
    scope.names.set('in', input);
    const inner: LowerCtx = {
      reused: true,
      env,
      scope,
      names: { naming: this.naming, invocation, suffix: '', site: ctx.names.site ?? node.span },
      callStack: [...ctx.callStack, name],
      depth: ctx.depth + 1,
    };
    return this.lowerBody(block.body, input, inner);
  }
}

/**
 * The text that decides a built-in op's check: the op's own text, without its `from=` when
 * `withoutFrom` (a chain's first op, where `from=` is allowed whatever layer it names and is
 * resolved per layer: `conv 32 1x1 from=a` and `conv 32 1x1 from=b` are checked once). An op
 * without arguments is its keyword, a string the tree shares (its hash computed once).
 */
function opKey(text: string, node: OpNode, withoutFrom: boolean): string {
  if (!node.args.length) return node.keyword.text;
  const { start, end } = node.span;
  const from = withoutFrom ? fromArg(node) : undefined;
  return from ? text.slice(start, from.span.start) + text.slice(from.span.end, end) : text.slice(start, end);
}

/** Where a name was looked up, for messages: ' in this block' inside a block invocation. */
function inBlock(ctx: LowerCtx): string {
  return ctx.names.site ? ' in this block' : '';
}
