// Error-tolerant parser for `.layers`: one statement per line, `{ ... }` bodies for
// `repeat` and `block`. A line that does not parse yields one syntax error at its exact
// range and is left out; every other line is still parsed. Bodies nest at most
// LIMITS.maxNesting deep: a deeper `repeat` is one `limit-exceeded` at its keyword and is
// left out with everything it holds, so no walk of the tree (lowering, printing, symbols)
// goes deeper. The parser itself keeps open bodies on an explicit stack.
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { lexLines, type Token } from './lexer';
import {
  Word,
  type Arg,
  type BlockParam,
  type BlockStmt,
  type FileAst,
  type LayerStmt,
  type OpNode,
  type RepeatStmt,
  type Stmt,
  type SyntaxError,
} from './ast';

export const DIRECTIVES = new Set(['network', 'input', 'width', 'resolution', 'budget', 'target']);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;

export function isValidName(text: string): boolean {
  return NAME_RE.test(text);
}

interface Container {
  stmt: RepeatStmt | BlockStmt;
  body: Stmt[];
}

/** Parses the whole text, or only its lines from `start` (a line start) to `end` (a line end), with offsets into `text`. */
export function parseLayers(text: string, start = 0, end = text.length): FileAst {
  const errors: SyntaxError[] = [];
  const top: Stmt[] = [];
  const stack: Container[] = [];
  const err = (span: Span, message: string) => errors.push({ code: 'syntax-error', message, span });
  const current = () => (stack.length ? stack[stack.length - 1]!.body : top);
  /** Open bodies inside one nested too deep, which is left out with them. */
  let skipping = 0;
  /** Whether a body opened now would be nested too deep: then it is reported and skipped. */
  const tooDeep = (keyword: Word): boolean => {
    if (stack.length < LIMITS.maxNesting) return false;
    errors.push({
      code: 'limit-exceeded',
      message: `Repeats and blocks are nested more than ${LIMITS.maxNesting} deep; this '${keyword.text}' and what it holds are left out.`,
      span: keyword.span,
    });
    skipping = 1;
    return true;
  };

  for (const line of lexLines(text, start, end)) {
    const toks = line.tokens;
    if (toks.length === 0) continue;
    if (skipping) {
      if (toks[0]!.kind === 'rbrace') skipping--;
      else if (toks[toks.length - 1]!.kind === 'lbrace') skipping++;
      continue;
    }
    const lineSpan: Span = { start: toks[0]!.start, end: toks[toks.length - 1]!.end };
    const bad = toks.find((t) => t.kind === 'error');
    if (bad) {
      err({ start: bad.start, end: bad.end }, `Unbalanced parentheses in '${bad.text}'.`);
      continue;
    }
    const first = toks[0]!;
    if (first.kind === 'rbrace') {
      const open = stack.pop();
      if (!open) err(span(first), "Unmatched '}': there is no open block or repeat.");
      else open.stmt.span = { start: open.stmt.span.start, end: first.end };
      if (toks.length > 1) err({ start: toks[1]!.start, end: lineSpan.end }, "Nothing may follow '}' on its line.");
      continue;
    }
    if (first.kind === 'word' && first.text === 'block' && toks[1]?.kind === 'word') {
      const stmt = parseBlockHeader(toks, err);
      if (!stmt || tooDeep(stmt.keyword)) continue;
      if (stack.length) {
        err(stmt.keyword.span, 'Blocks can only be defined at the top level of the file.');
      }
      current().push(stmt);
      stack.push({ stmt, body: stmt.body });
      continue;
    }
    if (first.kind === 'word' && first.text === 'repeat' && toks[1]?.kind !== 'colon') {
      const stmt = parseRepeat(toks, lineSpan, err);
      if (!stmt || (stmt.body && tooDeep(stmt.keyword))) continue;
      current().push(stmt);
      if (stmt.body) stack.push({ stmt, body: stmt.body });
      continue;
    }
    if (first.kind === 'word' && DIRECTIVES.has(first.text) && toks[1]?.kind !== 'colon') {
      if (stack.length) {
        err(span(first), `'${first.text}' is a network directive and must be at the top level.`);
        continue;
      }
      const args = parseArgs(toks, 1, toks.length, err);
      if (args) current().push({ kind: 'directive', keyword: word(first), args, span: lineSpan });
      continue;
    }
    const stmt = parseLayerStmt(toks, 0, err);
    if (stmt) current().push(stmt);
  }
  for (const open of stack) {
    err(open.stmt.keyword.span, `'${open.stmt.keyword.text}' opened here is never closed with '}'.`);
    open.stmt.span = { start: open.stmt.span.start, end };
  }
  return { statements: top, errors };
}

function span(t: Token): Span {
  return { start: t.start, end: t.end };
}

function word(t: Token): Word {
  return new Word(t.text, t.start, t.end);
}

type Err = (span: Span, message: string) => void;

function parseBlockHeader(toks: Token[], err: Err): BlockStmt | undefined {
  const last = toks[toks.length - 1]!;
  if (last.kind !== 'lbrace') {
    err(
      { start: toks[0]!.start, end: last.end },
      "A block definition must end with '{': block NAME PARAM... PARAM=DEFAULT {",
    );
    return undefined;
  }
  const name = toks[1]!;
  if (!isValidName(name.text)) {
    err(span(name), `'${name.text}' is not a valid block name.`);
    return undefined;
  }
  const params: BlockParam[] = [];
  const args = parseArgs(toks, 2, toks.length - 1, err);
  if (!args) return undefined;
  for (const a of args) {
    const p = a.key ?? a.value;
    if (!isValidName(p.text) || p.text === 'in') {
      err(p.span, `'${p.text}' is not a valid parameter name.`);
      return undefined;
    }
    params.push(a.key ? { name: a.key, default: a.value } : { name: a.value });
  }
  return {
    kind: 'block',
    keyword: word(toks[0]!),
    name: word(name),
    params,
    body: [],
    span: { start: toks[0]!.start, end: last.end },
  };
}

function parseRepeat(toks: Token[], lineSpan: Span, err: Err): RepeatStmt | undefined {
  const kw = toks[0]!;
  const count = toks[1];
  if (count?.kind !== 'word') {
    err(count ? span(count) : span(kw), 'Expected a repeat count: repeat N { ... } or repeat N CHAIN.');
    return undefined;
  }
  const rest = toks[2];
  if (!rest) {
    err(lineSpan, "Expected '{' or a chain after the repeat count.");
    return undefined;
  }
  if (rest.kind === 'lbrace') {
    if (toks.length > 3) err({ start: toks[3]!.start, end: lineSpan.end }, "Nothing may follow '{' on its line.");
    return { kind: 'repeat', keyword: word(kw), count: word(count), body: [], span: lineSpan };
  }
  const chain = parseLayerStmt(toks, 2, err);
  if (!chain) return undefined;
  return { kind: 'repeat', keyword: word(kw), count: word(count), chain, span: lineSpan };
}

function parseLayerStmt(toks: Token[], from: number, err: Err): LayerStmt | undefined {
  let i = from;
  let name: Word | undefined;
  if (toks[i]?.kind === 'word' && toks[i + 1]?.kind === 'colon') {
    const t = toks[i]!;
    if (!isValidName(t.text) || t.text === 'in') {
      err(span(t), `'${t.text}' is not a valid layer name (letters, digits, '_', '.', '-', '/'; not 'in').`);
      return undefined;
    }
    name = word(t);
    i += 2;
  }
  const chain = chainScratch;
  chain.length = 0;
  const end = toks.length;
  while (true) {
    let j = i;
    while (j < end && toks[j]!.kind !== 'pipe') j++;
    const head = toks[i];
    if (i >= j || !head) {
      const at = toks[Math.min(i, end - 1)]!;
      err(span(at), i >= end ? 'Expected an op here.' : "Expected an op between '|' separators.");
      return undefined;
    }
    if (head.kind !== 'word') {
      err(span(head), `Expected an op keyword, found '${head.text}'.`);
      return undefined;
    }
    const args = parseArgs(toks, i + 1, j, err);
    if (!args) return undefined;
    const keyword = word(head);
    // An op without arguments shares its keyword's span object (spans are never mutated).
    chain.push({ keyword, args, span: j - 1 === i ? keyword.span : { start: head.start, end: toks[j - 1]!.end } });
    if (j >= end) break;
    i = j + 1;
    if (i >= end) {
      err(span(toks[j]!), "A chain cannot end with '|'.");
      return undefined;
    }
  }
  return { kind: 'layer', name, chain: chain.slice(), span: { start: toks[from]!.start, end: toks[end - 1]!.end } };
}

/**
 * Arrays grown by push() keep spare capacity (17 slots from the first push), so nodes are
 * collected in these scratch arrays and copied out at their exact length: the tree is most
 * of what an analysis keeps in memory.
 */
const chainScratch: OpNode[] = [];
const argScratch: Arg[] = [];

function parseArgs(toks: Token[], from: number, to: number, err: Err): Arg[] | undefined {
  if (from >= to) return [];
  const args = argScratch;
  args.length = 0;
  let i = from;
  while (i < to) {
    const t = toks[i]!;
    if (t.kind !== 'word') {
      err(
        span(t),
        t.kind === 'colon'
          ? "Unexpected ':' (a layer name goes at the start of the line: NAME: op ...)."
          : `Unexpected '${t.text}'.`,
      );
      return undefined;
    }
    if (toks[i + 1]?.kind === 'eq' && i + 1 < to) {
      const v = toks[i + 2];
      if (!v || i + 2 >= to || v.kind !== 'word') {
        err({ start: t.start, end: toks[i + 1]!.end }, `Expected a value after '${t.text}='.`);
        return undefined;
      }
      args.push({ key: word(t), value: word(v), span: { start: t.start, end: v.end } });
      i += 3;
    } else {
      const value = word(t);
      args.push({ value, span: value.span });
      i++;
    }
  }
  return args.slice();
}
