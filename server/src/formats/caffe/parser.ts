// Parser for protobuf text format: tokens → a tree of fields, each with the span of its
// name, its value and the whole field. Total and error-tolerant: a malformed field becomes
// a syntax error at the offending token and parsing resumes at the next field, so the rest
// of the file is still analysed. Knows nothing about Caffe except one recovery heuristic:
// a `layer {` (or `layers {`) met inside a top-level layer block closes that block.
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { ERROR, IDENT, NUMBER, PUNCT, STRING, tokenize } from './lexer';

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

/** Deeper blocks are skipped (after an error) so that recursion stays bounded whatever the input. */
const MAX_DEPTH = LIMITS.maxNesting;
const LAYER_KEYWORDS = new Set(['layer', 'layers']);
const CH_LBRACE = 123,
  CH_RBRACE = 125,
  CH_LT = 60,
  CH_GT = 62,
  CH_COLON = 58,
  CH_LBRACKET = 91,
  CH_RBRACKET = 93,
  CH_COMMA = 44,
  CH_SEMI = 59;

/** A field from its name to the end of its value. */
const fieldOf = (name: string, nameSpan: Span, value: Scalar | Message): Field => ({
  name,
  nameSpan,
  value,
  span: { start: nameSpan.start, end: value.span.end },
});

/** The closing character of a block opened by `open` (`{` or `<`), or 0. */
const closerOf = (open: number) => (open === CH_LBRACE ? CH_RBRACE : open === CH_LT ? CH_GT : 0);

export function parseTextProto(text: string): Document {
  const toks = tokenize(text);
  const { count, kind, start: tStart, end: tEnd, line: tLine } = toks;
  const errors: ParseError[] = [];
  let pos = 0;
  const err = (span: Span, message: string) => errors.push({ message, span });
  const at = (t: number): Span => ({ start: tStart[t]!, end: tEnd[t]! });
  const textOf = (t: number) => text.slice(tStart[t]!, tEnd[t]!);
  for (const t of toks.problems) {
    if (kind[t] === ERROR) err(at(t), `Unexpected '${textOf(t)}'.`);
    else err(at(t), 'This string has no closing quote.');
  }
  /** The punctuation character of token `t`, or 0 when it is past the end or not punctuation. */
  const punct = (t: number) => (t < count && kind[t] === PUNCT ? text.charCodeAt(tStart[t]!) : 0);
  const stringValue = (t: number) => toks.strings[toks.value[t]!]!;

  /** Scalar at `pos` (adjacent strings concatenate), or undefined without consuming. */
  const scalar = (): Scalar | undefined => {
    if (pos >= count) return undefined;
    const t = pos;
    const k = kind[t];
    if (k === STRING) {
      let value = stringValue(t);
      pos++;
      while (pos < count && kind[pos] === STRING) value += stringValue(pos++);
      return { kind: 'scalar', type: 'string', value, span: { start: tStart[t]!, end: tEnd[pos - 1]! } };
    }
    if (k === NUMBER || k === IDENT) {
      pos++;
      return { kind: 'scalar', type: k === NUMBER ? 'number' : 'ident', value: textOf(t), span: at(t) };
    }
    return undefined;
  };

  /**
   * Fields up to `close` (a char code, or 0 for the end of the text at top level), the block
   * opened by token `open` (-1 at top level). Returns the message and whether a layer block
   * was cut off by a following `layer {` (then the caller unwinds).
   */
  let depth = 0;
  const message = (open: number, close: number, inLayer: boolean): { msg: Message; cut: boolean } => {
    const fields: Field[] = [];
    const start = open >= 0 ? tStart[open]! : 0;
    if (open >= 0 && depth >= MAX_DEPTH) {
      err(at(open), `Blocks are nested more than ${MAX_DEPTH} deep; this one is skipped.`);
      for (let level = 1; pos < count && level > 0; pos++) {
        const p = punct(pos);
        if (p === CH_LBRACE || p === CH_LT) level++;
        else if (p === CH_RBRACE || p === CH_GT) level--;
      }
      return { msg: { kind: 'message', fields, span: { start, end: pos > 0 ? tEnd[pos - 1]! : start } }, cut: false };
    }
    depth++;
    const done = (end: number, cut: boolean) => {
      depth--;
      return { msg: { kind: 'message' as const, fields, span: { start, end } }, cut };
    };
    while (pos < count) {
      const t = pos;
      const k = kind[t];
      const p = punct(t);
      if (p === CH_RBRACE || p === CH_GT) {
        if (p === close) {
          pos++;
          return done(tEnd[t]!, false);
        }
        err(
          at(t),
          close
            ? `Expected '${String.fromCharCode(close)}' here, found '${textOf(t)}'.`
            : `Unmatched '${textOf(t)}': there is no open block.`,
        );
        pos++;
        continue;
      }
      if (p === CH_COMMA || p === CH_SEMI) {
        pos++;
        continue;
      }
      if (k !== IDENT) {
        if (k !== ERROR) err(at(t), `Expected a field name, found '${textOf(t)}'.`);
        pos++;
        continue;
      }
      if (
        inLayer &&
        isLayerKeyword(t) &&
        (punct(t + 1) === CH_LBRACE || (punct(t + 1) === CH_COLON && punct(t + 2) === CH_LBRACE))
      ) {
        err(
          open >= 0 ? at(open) : at(t),
          `This block is not closed: a '}' is missing before '${textOf(t)}' on line ${tLine[t]! + 1}.`,
        );
        return done(tEnd[pos - 1]!, true);
      }
      if (field(inLayer, close === 0, fields)) return done(tEnd[pos - 1]!, true);
    }
    if (open >= 0) err(at(open), `This '${textOf(open)}' is never closed with '${String.fromCharCode(close)}'.`);
    return done(count ? tEnd[count - 1]! : start, false);
  };

  const isLayerKeyword = (t: number) => {
    const len = tEnd[t]! - tStart[t]!;
    return (len === 5 || len === 6) && LAYER_KEYWORDS.has(textOf(t));
  };

  /** One field at `pos` (an identifier), appended to `out`. True when a cut-off layer block must unwind. */
  const field = (inLayer: boolean, topLevel: boolean, out: Field[]): boolean => {
    const nameTok = pos++;
    const name = textOf(nameTok);
    const nameStart = tStart[nameTok]!;
    const childInLayer = inLayer || (topLevel && LAYER_KEYWORDS.has(name));
    const nameSpan = at(nameTok);
    let colon = -1;
    if (punct(pos) === CH_COLON) colon = pos++;
    const next = pos;
    const nextPunct = punct(next);
    const nextClose = closerOf(nextPunct);
    // A cut reaches the top-level layer field, which swallows it (`cut && inLayer`); nested fields pass it on.
    if (nextClose) {
      pos++;
      const { msg, cut } = message(next, nextClose, childInLayer);
      out.push(fieldOf(name, nameSpan, msg));
      return cut && inLayer;
    }
    if (colon >= 0 && nextPunct === CH_LBRACKET) {
      pos++;
      while (pos < count && punct(pos) !== CH_RBRACKET) {
        const t = pos;
        const p = punct(t);
        if (p === CH_COMMA) {
          pos++;
          continue;
        }
        const close = closerOf(p);
        if (close) {
          pos++;
          const { msg, cut } = message(t, close, childInLayer);
          out.push(fieldOf(name, nameSpan, msg));
          if (cut) return inLayer;
          continue;
        }
        const s = scalar();
        if (s) {
          out.push(fieldOf(name, nameSpan, s));
          continue;
        }
        err(at(t), `Expected a value or ']' in the list of '${name}', found '${textOf(t)}'.`);
        if (p === CH_RBRACE || p === CH_GT) return false;
        pos++;
      }
      if (punct(pos) === CH_RBRACKET) pos++;
      else err(at(next), `This '[' is never closed with ']'.`);
      return false;
    }
    const nk = next < count ? kind[next] : -1;
    if (next < count && tLine[next] === tLine[nameTok] && (nk === STRING || nk === NUMBER || nk === IDENT)) {
      // A scalar on the same line; without the ':' it is still read, after an error.
      if (colon < 0 && nk === IDENT && punct(next + 1) === CH_COLON) {
        err(nameSpan, `Expected ':' or '{' after '${name}'.`);
        return false;
      }
      if (colon < 0) err(nameSpan, `Expected ':' between '${name}' and its value.`);
      out.push(fieldOf(name, nameSpan, scalar()!));
      return false;
    }
    err(
      colon >= 0 ? { start: nameStart, end: tEnd[colon]! } : nameSpan,
      colon >= 0 ? `Expected a value after '${name}:'.` : `Expected ':' and a value, or '{', after '${name}'.`,
    );
    return false;
  };
  const { msg } = message(-1, 0, false);
  return { root: msg, errors };
}
