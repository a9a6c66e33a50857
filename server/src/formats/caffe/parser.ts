// Parser for protobuf text format: tokens → a tree of fields, each with the span of its
// name, its value and the whole field. Total and error-tolerant: a malformed field becomes
// a syntax error at the offending token and parsing resumes at the next field, so the rest
// of the file is still analysed. Knows nothing about Caffe except one recovery heuristic:
// a `layer {` (or `layers {`) met inside a top-level layer block closes that block.
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { tokenize, type Token } from './lexer';

export interface Scalar {
  kind: 'scalar';
  /** 'string' for quoted text (value unescaped), else the token text (number or identifier). */
  type: 'string' | 'number' | 'ident';
  value: string;
  span: Span;
}

export interface Message {
  kind: 'message';
  fields: Field[];
  /** From the opening brace to the closing one (or to where the block was cut off). */
  span: Span;
}

export interface Field {
  name: string;
  nameSpan: Span;
  /** A `[a, b]` list gives one Field per element, all sharing the name span. */
  value: Scalar | Message;
  /** From the name to the end of the value. */
  span: Span;
}

export interface ParseError {
  message: string;
  span: Span;
}

export interface Document {
  root: Message;
  errors: ParseError[];
}

const OPEN_CLOSE: Record<string, string> = { '{': '}', '<': '>' };
/** Deeper blocks are skipped (after an error) so that recursion stays bounded whatever the input. */
const MAX_DEPTH = LIMITS.maxNesting;
const LAYER_KEYWORDS = new Set(['layer', 'layers']);

export function parseTextProto(text: string): Document {
  const toks = tokenize(text);
  const errors: ParseError[] = [];
  let pos = 0;
  const err = (span: Span, message: string) => errors.push({ message, span });
  const at = (t: Token): Span => ({ start: t.start, end: t.end });
  for (const t of toks) {
    if (t.kind === 'error') err(at(t), `Unexpected '${t.text}'.`);
    else if (t.unterminated) err(at(t), 'This string has no closing quote.');
  }
  const peek = (k = 0): Token | undefined => toks[pos + k];
  const isPunct = (t: Token | undefined, p: string) => t?.kind === 'punct' && t.text === p;

  /** Scalar at `pos` (adjacent strings concatenate), or undefined without consuming. */
  const scalar = (): Scalar | undefined => {
    const t = peek();
    if (!t) return undefined;
    if (t.kind === 'string') {
      let value = t.value ?? '';
      let end = t.end;
      pos++;
      while (peek()?.kind === 'string') {
        value += peek()!.value ?? '';
        end = peek()!.end;
        pos++;
      }
      return { kind: 'scalar', type: 'string', value, span: { start: t.start, end } };
    }
    if (t.kind === 'number' || t.kind === 'ident') {
      pos++;
      return { kind: 'scalar', type: t.kind, value: t.text, span: at(t) };
    }
    return undefined;
  };

  /**
   * Fields up to `close` (or the end of the text at top level). Returns the message and
   * whether a layer block was cut off by a following `layer {` (then the caller unwinds).
   */
  let depth = 0;
  const message = (
    open: Token | undefined,
    close: string | undefined,
    inLayer: boolean,
  ): { msg: Message; cut: boolean } => {
    const fields: Field[] = [];
    const start = open ? open.start : 0;
    if (open && depth >= MAX_DEPTH) {
      err(at(open), `Blocks are nested more than ${MAX_DEPTH} deep; this one is skipped.`);
      for (let level = 1; pos < toks.length && level > 0; pos++) {
        const t = toks[pos]!;
        if (t.kind === 'punct' && OPEN_CLOSE[t.text]) level++;
        else if (t.kind === 'punct' && (t.text === '}' || t.text === '>')) level--;
      }
      return { msg: { kind: 'message', fields, span: { start, end: toks[pos - 1]?.end ?? start } }, cut: false };
    }
    depth++;
    const done = (msg: Message, cut: boolean) => {
      depth--;
      return { msg, cut };
    };
    while (pos < toks.length) {
      const t = peek()!;
      if (t.kind === 'punct' && (t.text === '}' || t.text === '>')) {
        if (t.text === close) {
          pos++;
          return done({ kind: 'message', fields, span: { start, end: t.end } }, false);
        }
        err(
          at(t),
          close ? `Expected '${close}' here, found '${t.text}'.` : `Unmatched '${t.text}': there is no open block.`,
        );
        pos++;
        continue;
      }
      if (t.kind === 'punct' && (t.text === ',' || t.text === ';')) {
        pos++;
        continue;
      }
      if (t.kind !== 'ident') {
        if (t.kind === 'number' || t.kind === 'string' || t.kind === 'punct')
          err(at(t), `Expected a field name, found '${t.text}'.`);
        pos++;
        continue;
      }
      if (
        inLayer &&
        LAYER_KEYWORDS.has(t.text) &&
        (isPunct(peek(1), '{') || (isPunct(peek(1), ':') && isPunct(peek(2), '{')))
      ) {
        err(
          open ? at(open) : at(t),
          `This block is not closed: a '}' is missing before '${t.text}' on line ${t.line + 1}.`,
        );
        const prev = toks[pos - 1]!;
        return done({ kind: 'message', fields, span: { start, end: prev.end } }, true);
      }
      if (field(inLayer, close === undefined, fields)) {
        const prev = toks[pos - 1]!;
        return done({ kind: 'message', fields, span: { start, end: prev.end } }, true);
      }
    }
    if (open) err(at(open), `This '${open.text}' is never closed with '${close}'.`);
    return done(
      { kind: 'message', fields, span: { start, end: toks.length ? toks[toks.length - 1]!.end : start } },
      false,
    );
  };

  /** One field at `pos` (an identifier), appended to `out`. True when a cut-off layer block must unwind. */
  const field = (inLayer: boolean, topLevel: boolean, out: Field[]): boolean => {
    const name = peek()!;
    pos++;
    const childInLayer = inLayer || (topLevel && LAYER_KEYWORDS.has(name.text));
    // A cut reaches the top-level layer field, which swallows it; nested fields pass it on.
    const unwind = (cut: boolean) => cut && inLayer;
    const nameSpan = at(name);
    let colon: Token | undefined;
    if (isPunct(peek(), ':')) colon = toks[pos++];
    const next = peek();
    const push = (value: Scalar | Message) =>
      out.push({ name: name.text, nameSpan, value, span: { start: name.start, end: value.span.end } });
    if (next && next.kind === 'punct' && OPEN_CLOSE[next.text]) {
      pos++;
      const { msg, cut } = message(next, OPEN_CLOSE[next.text], childInLayer);
      push(msg);
      return unwind(cut);
    }
    if (colon && isPunct(next, '[')) {
      pos++;
      while (pos < toks.length && !isPunct(peek(), ']')) {
        const t = peek()!;
        if (t.kind === 'punct' && t.text === ',') {
          pos++;
          continue;
        }
        if (t.kind === 'punct' && OPEN_CLOSE[t.text]) {
          pos++;
          const { msg, cut } = message(t, OPEN_CLOSE[t.text], childInLayer);
          push(msg);
          if (cut) return unwind(cut);
          continue;
        }
        const s = scalar();
        if (s) {
          push(s);
          continue;
        }
        err(at(t), `Expected a value or ']' in the list of '${name.text}', found '${t.text}'.`);
        if (t.kind === 'punct' && (t.text === '}' || t.text === '>')) return false;
        pos++;
      }
      if (isPunct(peek(), ']')) pos++;
      else err(at(next!), `This '[' is never closed with ']'.`);
      return false;
    }
    if (
      next &&
      next.line === name.line &&
      (next.kind === 'string' || next.kind === 'number' || next.kind === 'ident')
    ) {
      // A scalar on the same line; without the ':' it is still read, after an error.
      if (!colon && next.kind === 'ident' && isPunct(peek(1), ':')) {
        err(nameSpan, `Expected ':' or '{' after '${name.text}'.`);
        return false;
      }
      if (!colon) err(nameSpan, `Expected ':' between '${name.text}' and its value.`);
      push(scalar()!);
      return false;
    }
    err(
      colon ? { start: name.start, end: colon.end } : nameSpan,
      colon ? `Expected a value after '${name.text}:'.` : `Expected ':' and a value, or '{', after '${name.text}'.`,
    );
    return false;
  };
  const { msg } = message(undefined, undefined, false);
  return { root: msg, errors };
}
