// Error-tolerant parser for `.layers`: one statement per line, `{ ... }` bodies for
// `repeat` and `block`. A line that does not parse yields one syntax error at its exact
// range and is left out; every other line is still parsed. Bodies nest at most
// LIMITS.maxNesting deep: a deeper `repeat` is one `limit-exceeded` at its keyword and is
// left out with everything it holds, so no walk of the tree (lowering, printing, symbols)
// goes deeper. The parser itself keeps open bodies on an explicit stack, and reads each
// line's tokens from the lexer's columns, slicing text only for the words the tree keeps.
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { COLON, EQ, ERROR, LBRACE, LineTokens, PIPE, RBRACE, WORD } from './lexer';
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
const DIRECTIVE_LIST = [...DIRECTIVES];
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;

export function isValidName(text: string): boolean {
  return NAME_RE.test(text);
}

interface Container {
  stmt: RepeatStmt | BlockStmt;
  body: Stmt[];
}

/** The parser's token columns, reused by every parse (parses never nest). */
const lineTokens = new LineTokens('');

/** Whether token `i` of the line is the word `w` (compared in place, nothing sliced). */
function isWord(L: LineTokens, i: number, w: string): boolean {
  const s = L.starts[i]!;
  return L.kinds[i] === WORD && L.ends[i]! - s === w.length && L.text.startsWith(w, s);
}

/** The directive keyword the line starts with, if any. */
function directiveAt(L: LineTokens): string | undefined {
  for (const d of DIRECTIVE_LIST) if (isWord(L, 0, d)) return d;
  return undefined;
}

/** Token `i`'s kind, or -1 past the end of the line. */
function kindAt(L: LineTokens, i: number): number {
  return i < L.count ? L.kinds[i]! : -1;
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

  const L = lineTokens;
  L.text = text;
  for (let pos = start; pos <= end; ) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0 || eol > end) eol = end;
    L.lex(pos, eol);
    pos = eol + 1;
    const n = L.count;
    if (n === 0) continue;
    const kinds = L.kinds;
    if (skipping) {
      if (kinds[0] === RBRACE) skipping--;
      else if (kinds[n - 1] === LBRACE) skipping++;
      continue;
    }
    const lineEnd = L.ends[n - 1]!;
    let bad = 0;
    while (bad < n && kinds[bad] !== ERROR) bad++;
    if (bad < n) {
      err(span(L, bad), `Unbalanced parentheses in '${L.tokenText(bad)}'.`);
      continue;
    }
    const first = kinds[0];
    if (first === RBRACE) {
      const open = stack.pop();
      if (!open) err(span(L, 0), "Unmatched '}': there is no open block or repeat.");
      else open.stmt.span = { start: open.stmt.span.start, end: L.ends[0]! };
      if (n > 1) err({ start: L.starts[1]!, end: lineEnd }, "Nothing may follow '}' on its line.");
      continue;
    }
    if (isWord(L, 0, 'block') && kindAt(L, 1) === WORD) {
      const stmt = parseBlockHeader(L, err);
      if (!stmt || tooDeep(stmt.keyword)) continue;
      if (stack.length) {
        err(stmt.keyword.span, 'Blocks can only be defined at the top level of the file.');
      }
      current().push(stmt);
      stack.push({ stmt, body: stmt.body });
      continue;
    }
    if (kindAt(L, 1) !== COLON) {
      if (isWord(L, 0, 'repeat')) {
        const stmt = parseRepeat(L, err);
        if (!stmt || (stmt.body && tooDeep(stmt.keyword))) continue;
        current().push(stmt);
        if (stmt.body) stack.push({ stmt, body: stmt.body });
        continue;
      }
      const directive = directiveAt(L);
      if (directive) {
        if (stack.length) {
          err(span(L, 0), `'${directive}' is a network directive and must be at the top level.`);
          continue;
        }
        const args = parseArgs(L, 1, n, err);
        if (args)
          current().push({ kind: 'directive', keyword: word(L, 0), args, span: { start: L.starts[0]!, end: lineEnd } });
        continue;
      }
    }
    const stmt = parseLayerStmt(L, 0, err);
    if (stmt) current().push(stmt);
  }
  for (const open of stack) {
    err(open.stmt.keyword.span, `'${open.stmt.keyword.text}' opened here is never closed with '}'.`);
    open.stmt.span = { start: open.stmt.span.start, end };
  }
  return { statements: top, errors };
}

function span(L: LineTokens, i: number): Span {
  return { start: L.starts[i]!, end: L.ends[i]! };
}

function word(L: LineTokens, i: number): Word {
  return new Word(L.keptText(i), L.starts[i]!, L.ends[i]!);
}

type Err = (span: Span, message: string) => void;

function parseBlockHeader(L: LineTokens, err: Err): BlockStmt | undefined {
  const last = L.count - 1;
  const lineSpan = { start: L.starts[0]!, end: L.ends[last]! };
  if (L.kinds[last] !== LBRACE) {
    err(lineSpan, "A block definition must end with '{': block NAME PARAM... PARAM=DEFAULT {");
    return undefined;
  }
  const name = L.tokenText(1);
  if (!isValidName(name)) {
    err(span(L, 1), `'${name}' is not a valid block name.`);
    return undefined;
  }
  const params: BlockParam[] = [];
  const args = parseArgs(L, 2, last, err);
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
    keyword: word(L, 0),
    name: new Word(name, L.starts[1]!, L.ends[1]!),
    params,
    body: [],
    span: lineSpan,
  };
}

function parseRepeat(L: LineTokens, err: Err): RepeatStmt | undefined {
  const n = L.count;
  const lineSpan = { start: L.starts[0]!, end: L.ends[n - 1]! };
  if (kindAt(L, 1) !== WORD) {
    err(span(L, n > 1 ? 1 : 0), 'Expected a repeat count: repeat N { ... } or repeat N CHAIN.');
    return undefined;
  }
  if (n < 3) {
    err(lineSpan, "Expected '{' or a chain after the repeat count.");
    return undefined;
  }
  if (L.kinds[2] === LBRACE) {
    if (n > 3) err({ start: L.starts[3]!, end: lineSpan.end }, "Nothing may follow '{' on its line.");
    return { kind: 'repeat', keyword: word(L, 0), count: word(L, 1), body: [], span: lineSpan };
  }
  const chain = parseLayerStmt(L, 2, err);
  if (!chain) return undefined;
  return { kind: 'repeat', keyword: word(L, 0), count: word(L, 1), chain, span: lineSpan };
}

function parseLayerStmt(L: LineTokens, from: number, err: Err): LayerStmt | undefined {
  const kinds = L.kinds;
  const end = L.count;
  let i = from;
  let name: Word | undefined;
  if (kinds[i] === WORD && kindAt(L, i + 1) === COLON) {
    const t = L.tokenText(i);
    if (!isValidName(t) || t === 'in') {
      err(span(L, i), `'${t}' is not a valid layer name (letters, digits, '_', '.', '-', '/'; not 'in').`);
      return undefined;
    }
    name = new Word(t, L.starts[i]!, L.ends[i]!);
    i += 2;
  }
  const chain = chainScratch;
  chain.length = 0;
  while (true) {
    let j = i;
    while (j < end && kinds[j] !== PIPE) j++;
    if (i >= j) {
      err(span(L, Math.min(i, end - 1)), i >= end ? 'Expected an op here.' : "Expected an op between '|' separators.");
      return undefined;
    }
    if (kinds[i] !== WORD) {
      err(span(L, i), `Expected an op keyword, found '${L.tokenText(i)}'.`);
      return undefined;
    }
    const args = parseArgs(L, i + 1, j, err);
    if (!args) return undefined;
    const keyword = word(L, i);
    // An op without arguments shares its keyword's span object (spans are never mutated).
    chain.push({ keyword, args, span: j - 1 === i ? keyword.span : { start: L.starts[i]!, end: L.ends[j - 1]! } });
    if (j >= end) break;
    i = j + 1;
    if (i >= end) {
      err(span(L, j), "A chain cannot end with '|'.");
      return undefined;
    }
  }
  return { kind: 'layer', name, chain: chain.slice(), span: { start: L.starts[from]!, end: L.ends[end - 1]! } };
}

/**
 * Arrays grown by push() keep spare capacity (17 slots from the first push), so nodes are
 * collected in these scratch arrays and copied out at their exact length: the tree is most
 * of what an analysis keeps in memory. Ops without arguments share one empty list (the
 * tree is never changed in place, only its offsets).
 */
const chainScratch: OpNode[] = [];
const argScratch: Arg[] = [];
const NO_ARGS: Arg[] = [];

function parseArgs(L: LineTokens, from: number, to: number, err: Err): Arg[] | undefined {
  if (from >= to) return NO_ARGS;
  const kinds = L.kinds;
  const args = argScratch;
  args.length = 0;
  let i = from;
  while (i < to) {
    if (kinds[i] !== WORD) {
      err(
        span(L, i),
        kinds[i] === COLON
          ? "Unexpected ':' (a layer name goes at the start of the line: NAME: op ...)."
          : `Unexpected '${L.tokenText(i)}'.`,
      );
      return undefined;
    }
    if (i + 1 < to && kinds[i + 1] === EQ) {
      if (i + 2 >= to || kinds[i + 2] !== WORD) {
        err({ start: L.starts[i]!, end: L.ends[i + 1]! }, `Expected a value after '${L.tokenText(i)}='.`);
        return undefined;
      }
      args.push({ key: word(L, i), value: word(L, i + 2), span: { start: L.starts[i]!, end: L.ends[i + 2]! } });
      i += 3;
    } else {
      args.push(word(L, i));
      i++;
    }
  }
  return args.slice();
}
