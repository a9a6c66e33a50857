// Incremental update of a parsed `.layers` file after an edit. When the edited lines (all
// but a common prefix and suffix of the two texts) hold the same top-level statements, one
// for one, each with the same text, or a layer statement with the same structure (same
// names, op keywords, `from=` and merge operands, built-in ops only: argument values,
// spacing and comments may differ; comment and blank lines may come and go), the previous
// syntax tree and IR are reused: unchanged statements keep their nodes with offsets shifted
// in place, the changed ones' layers get freshly checked ops, and every other layer object
// is kept, so the analysis can recompute only what changed. Layer names are kept: they
// depend on statement names, op keywords and order, which such an edit leaves alone.
// Anything else (a new or removed statement, a block, repeat or directive edited, any
// diagnostic before or after) returns undefined, and the caller parses from scratch.
// The result equals a full parse and lowering of the new text (test/unit/incremental.test.ts,
// npm run fuzz). The previous result must not be used afterwards: its nodes now carry the
// new offsets.
import type { Graph, LayerOp, Span } from '../../core/ir';
import { type Arg, fromArg, type LayerStmt, type OpNode, type Stmt, Word } from './ast';
import { soleConsumers } from '../../core/costs';
import { checkOp, OP_SPECS } from './lower/checkOp';
import { implicitBiasOf } from './lower/implicitBias';
import { LoweredLayer } from './lower/naming';
import { isSpace } from './lexer';
import { parseLayers } from './parser';
import type { LayersParsed } from './parsed';

const NO_PARAMS = new Map<string, never>();

export function updateLayers(prev: LayersParsed, prevText: string, text: string): LayersParsed | undefined {
  if (prev.diagnostics.length) return undefined;
  const n0 = prevText.length;
  const n1 = text.length;
  const common = Math.min(n0, n1);
  const p = commonPrefix(prevText, text, common);
  if (p === n0 && p === n1) return prev;
  const s = commonSuffix(prevText, text, common - p);
  // The edited lines, [from, end0) before and [from, end1) after: from the start of the first
  // changed line to the start of the first line after the change (whole lines inserted at a
  // line start leave the old range empty).
  const from = p === 0 ? 0 : prevText.lastIndexOf('\n', p - 1) + 1;
  const cut = n0 - s;
  const nextLine = prevText.indexOf('\n', cut);
  const end0 = cut === 0 || prevText.charCodeAt(cut - 1) === 10 ? cut : nextLine < 0 ? n0 : nextLine + 1;
  const delta = n1 - n0;
  const end1 = end0 + delta;
  // The unchanged rest starts a line before the edit; after it, its first line may only add
  // blanks or a comment to the last edited line (an edit can delete the line break before
  // it: a comment then runs on into its first statement, or two statements join).
  if (end0 < n0 && end1 > 0 && text.charCodeAt(end1 - 1) !== 10 && !restIsBlank(text, end1)) return undefined;

  const top = prev.ast.statements;
  const i0 = firstIndex(top, (st) => st.span.end >= from);
  const i1 = firstIndex(top, (st) => st.span.start >= end0);
  const before = top.slice(i0, i1);
  if (!before.every((st) => st.span.start >= from && st.span.end <= end0)) return undefined;

  // Walk the edited lines statement by statement. A statement whose text is unchanged keeps
  // its nodes (moved to its new place) without being parsed again; a changed line is parsed
  // on its own and must be a layer statement with the structure of the one it replaces, whose
  // ops are then checked as lowering checks them.
  const replaced = new Map<LayerStmt, { stmt: LayerStmt; ops: { op: LayerOp; explicitBias: boolean }[] }>();
  /** Ops of the replaced statements: one layer each, when lowering skipped none of them. */
  let newOps = 0;
  const statements: Stmt[] = [];
  const moves: [Stmt, number][] = [];
  let reported = false;
  const diag = () => {
    reported = true;
  };
  let cursor = from;
  for (const old of before) {
    const at = nextStatement(text, cursor, end1);
    if (at < 0) return undefined;
    const length = old.span.end - old.span.start;
    if (at + length <= end1 && sameText(prevText, old.span.start, text, at, length) && restIsBlank(text, at + length)) {
      statements.push(old);
      moves.push([old, at - old.span.start]);
      cursor = lineAfter(text, at + length);
      continue;
    }
    const eol = text.indexOf('\n', at);
    const lineEnd = eol < 0 ? n1 : eol;
    const line = parseLayers(text, text.lastIndexOf('\n', at - 1) + 1, lineEnd);
    const stmt = line.statements[0];
    if (line.errors.length || line.statements.length !== 1 || lineEnd > end1 || !stmt) return undefined;
    statements.push(stmt);
    cursor = lineAfter(text, lineEnd);
    if (old.kind !== 'layer' || stmt.kind !== 'layer') return undefined;
    if (old.name?.text !== stmt.name?.text || old.chain.length !== stmt.chain.length) return undefined;
    const ops = [];
    for (let j = 0; j < stmt.chain.length; j++) {
      const a = old.chain[j]!;
      const b = stmt.chain[j]!;
      const kw = b.keyword.text;
      const spec = OP_SPECS.get(kw);
      if (a.keyword.text !== kw || !spec || prev.blocks.has(kw) || fromText(a) !== fromText(b)) return undefined;
      if (spec.rest && argTexts(a) !== argTexts(b)) return undefined;
      const checked = checkOp(b, spec, j, NO_PARAMS, diag);
      if (!checked || reported) return undefined;
      ops.push(checked);
    }
    replaced.set(old, { stmt, ops });
    newOps += ops.length;
  }
  if (nextStatement(text, cursor, end1) >= 0) return undefined;

  // The IR: the edited statements' layers are new, every other layer is the same object.
  const layers = prev.graph.layers.slice();
  if (replaced.size) {
    /** Layers whose conv-like op leaves its bias to its consumers. */
    const implicitBias: number[] = [];
    let count = 0;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i] as LoweredLayer;
      const r = replaced.get(l.stmt);
      if (!r) continue;
      const { op, explicitBias } = r.ops[l.opIndex]!;
      layers[i] = new LoweredLayer(l.index, op, l.inputs, l.ctx, r.stmt, l.opIndex);
      if ((op.kind === 'conv' || op.kind === 'dwconv' || op.kind === 'deconv') && !explicitBias) implicitBias.push(i);
      count++;
    }
    if (count !== newOps) return undefined;
    const sole = soleConsumers(layers);
    // Each checked op is a fresh object used by exactly one layer, so it is set in place.
    for (const i of implicitBias) (layers[i]!.op as { bias: boolean }).bias = implicitBiasOf(layers, sole, i);
  }

  // Nothing can fail from here on: the previous tree is updated in place.
  for (const [st, by] of moves) if (by) shiftStmt(st, by);
  for (let k = i1; k < top.length; k++) shiftStmt(top[k]!, delta);
  const graph: Graph = { ...prev.graph, layers };
  prev.naming.rebind(
    layers,
    [...replaced].map(([old, r]) => [old, r.stmt]),
  );
  return {
    ...prev,
    graph,
    ast: { statements: [...top.slice(0, i0), ...statements, ...top.slice(i1)], errors: [] },
    diagnostics: [],
  };
}

/** Chunks compared as string slices (a memory compare) before the last one is walked by character. */
const CHUNK = 1024;

function commonPrefix(a: string, b: string, max: number): number {
  let p = 0;
  while (p + CHUNK <= max && a.slice(p, p + CHUNK) === b.slice(p, p + CHUNK)) p += CHUNK;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p;
}

function commonSuffix(a: string, b: string, max: number): number {
  let s = 0;
  while (
    s + CHUNK <= max &&
    a.slice(a.length - s - CHUNK, a.length - s) === b.slice(b.length - s - CHUNK, b.length - s)
  )
    s += CHUNK;
  while (s < max && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return s;
}

function firstIndex(stmts: Stmt[], pred: (s: Stmt) => boolean): number {
  let lo = 0;
  let hi = stmts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(stmts[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function sameText(a: string, at: number, b: string, bt: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a.charCodeAt(at + i) !== b.charCodeAt(bt + i)) return false;
  return true;
}

/** Where the first token of the next line in [at, end) that has one starts (blank and comment-only lines skipped), or -1. */
function nextStatement(text: string, at: number, end: number): number {
  let i = at;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || c === 10) i++;
    else if (c === 35) {
      const eol = text.indexOf('\n', i);
      if (eol < 0 || eol >= end) return -1;
      i = eol + 1;
    } else return i;
  }
  return -1;
}

/** Nothing but spaces or a comment from `at` to the end of its line. */
function restIsBlank(text: string, at: number): boolean {
  let i = at;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i >= text.length || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 35;
}

/** The start of the line after the one holding `at`. */
function lineAfter(text: string, at: number): number {
  const eol = text.indexOf('\n', at);
  return eol < 0 ? text.length : eol + 1;
}

function fromText(op: OpNode): string | undefined {
  return fromArg(op)?.value.text;
}

function argTexts(op: OpNode): string {
  return op.args.map((a) => `${a.key?.text ?? ''}=${a.value.text}`).join(' ');
}

// Shifting: a positional argument is its value's word (one object), and an argument-free op
// shares its keyword's span object; every other node has its own.
function shift(span: Span, delta: number): void {
  span.start += delta;
  span.end += delta;
}

function shiftWord(w: Word, delta: number): void {
  w.start += delta;
  w.end += delta;
}

function shiftArgs(args: Arg[], delta: number): void {
  for (const a of args) {
    if (a instanceof Word) {
      shiftWord(a, delta);
      continue;
    }
    if (a.key) shiftWord(a.key, delta);
    shiftWord(a.value, delta);
    shift(a.span, delta);
  }
}

function shiftStmt(st: Stmt, delta: number): void {
  switch (st.kind) {
    case 'layer':
      if (st.name) shiftWord(st.name, delta);
      for (const op of st.chain) {
        shiftWord(op.keyword, delta);
        shiftArgs(op.args, delta);
        if (op.span !== op.keyword.span) shift(op.span, delta);
      }
      break;
    case 'directive':
      shiftWord(st.keyword, delta);
      shiftArgs(st.args, delta);
      break;
    case 'repeat':
      shiftWord(st.keyword, delta);
      shiftWord(st.count, delta);
      if (st.chain) shiftStmt(st.chain, delta);
      for (const b of st.body ?? []) shiftStmt(b, delta);
      break;
    case 'block':
      shiftWord(st.keyword, delta);
      shiftWord(st.name, delta);
      for (const p of st.params) {
        shiftWord(p.name, delta);
        if (p.default) shiftWord(p.default, delta);
      }
      for (const b of st.body) shiftStmt(b, delta);
      break;
  }
  shift(st.span, delta);
}
