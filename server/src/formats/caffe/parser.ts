// Parser for protobuf text format: tokens → a tree of fields, each with the span of its
// name, its value and the whole field. Total and error-tolerant: a malformed field becomes
// a syntax error at the offending token and parsing resumes at the next field, so the rest
// of the file is still analysed. Knows nothing about Caffe except one recovery heuristic:
// a `layer {` (or `layers {`) met inside a top-level layer block closes that block.
// Kept small: a node holds its offsets and builds a span object only when asked; field names
// are interned (lexer.ts), so a name read thousands of times is one string, hashed once.
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { ERROR, IDENT, identText, NUMBER, STRING, type Tokens, tokenize } from './lexer';

export class Scalar {
  readonly kind = 'scalar' as const;
  constructor(
    /** 'string' for quoted text (value unescaped), else the token text (number or identifier). */
    readonly type: 'string' | 'number' | 'ident',
    readonly value: string,
    readonly start: number,
    readonly end: number,
  ) {}

  get span(): Span {
    return { start: this.start, end: this.end };
  }
}

export class Message {
  readonly kind = 'message' as const;
  constructor(
    readonly fields: Field[],
    /** From the opening brace to the closing one (or to where the block was cut off). */
    readonly start: number,
    readonly end: number,
  ) {}

  get span(): Span {
    return { start: this.start, end: this.end };
  }
}

export class Field {
  constructor(
    readonly name: string,
    /** Where the name starts (and the field). */
    readonly start: number,
    readonly nameEnd: number,
    /** A `[a, b]` list gives one Field per element, all sharing the name span. */
    readonly value: Scalar | Message,
  ) {}

  get nameSpan(): Span {
    return { start: this.start, end: this.nameEnd };
  }

  /** From the name to the end of the value. */
  get span(): Span {
    return { start: this.start, end: this.value.end };
  }
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
const CH_LBRACE = 123,
  CH_RBRACE = 125,
  CH_LT = 60,
  CH_GT = 62,
  CH_COLON = 58,
  CH_LBRACKET = 91,
  CH_RBRACKET = 93,
  CH_COMMA = 44,
  CH_SEMI = 59,
  CH_NEWLINE = 10,
  CH_S = 115,
  CH_L = 108,
  CH_A = 97,
  CH_Y = 121,
  CH_E = 101,
  CH_R = 114;

/** The closing character of a block opened by `open` (`{` or `<`), or 0. */
const closerOf = (open: number) => (open === CH_LBRACE ? CH_RBRACE : open === CH_LT ? CH_GT : 0);

export function parseTextProto(text: string): Document {
  return new TextProtoParser(text, tokenize(text)).parse();
}

class TextProtoParser {
  readonly errors: ParseError[] = [];
  private readonly count: number;
  private readonly kind: Uint8Array;
  private readonly tStart: Uint32Array;
  private readonly tEnd: Uint32Array;
  private pos = 0;
  private depth = 0;
  /** Set by `message` when a layer block was cut off by a following `layer {` (the callers unwind). */
  private cut = false;
  /** The last offset whose line was counted, and its zero-based line (for messages). */
  private lineOffset = 0;
  private lineNumber = 0;

  constructor(
    private readonly text: string,
    private readonly toks: Tokens,
  ) {
    this.count = toks.count;
    this.kind = toks.kind;
    this.tStart = toks.start;
    this.tEnd = toks.end;
  }

  parse(): Document {
    const { toks, kind } = this;
    for (const t of toks.problems) {
      if (kind[t] === ERROR) this.err(this.at(t), `Unexpected '${this.textOf(t)}'.`);
      else this.err(this.at(t), 'This string has no closing quote.');
    }
    return { root: this.message(-1, 0, false), errors: this.errors };
  }

  private err(span: Span, message: string): void {
    this.errors.push({ message, span });
  }

  private at(t: number): Span {
    return { start: this.tStart[t]!, end: this.tEnd[t]! };
  }

  private textOf(t: number): string {
    return this.text.slice(this.tStart[t]!, this.tEnd[t]!);
  }

  /** The punctuation character of token `t`, or 0 when it is past the end or not punctuation. */
  private punct(t: number): number {
    if (t >= this.count) return 0;
    const k = this.kind[t]!;
    return k > ERROR ? k : 0;
  }

  /** Whether no line break separates token `a` from the later token `b`. */
  private sameLine(a: number, b: number): boolean {
    const { text } = this;
    for (let i = this.tEnd[a]!, end = this.tStart[b]!; i < end; i++)
      if (text.charCodeAt(i) === CH_NEWLINE) return false;
    return true;
  }

  /** The one-based line of `offset`, counted on from the last offset asked about. */
  private lineOf(offset: number): number {
    if (offset < this.lineOffset) this.lineOffset = this.lineNumber = 0;
    const { text } = this;
    for (let i = this.lineOffset; i < offset; i++) if (text.charCodeAt(i) === CH_NEWLINE) this.lineNumber++;
    this.lineOffset = offset;
    return this.lineNumber + 1;
  }

  /** `layer` or `layers`, compared on char codes (a `startsWith` call costs more than the five reads). */
  private isLayerKeyword(t: number): boolean {
    const s = this.tStart[t]!;
    const len = this.tEnd[t]! - s;
    const { text } = this;
    return (
      (len === 5 || (len === 6 && text.charCodeAt(s + 5) === CH_S)) &&
      this.kind[t] === IDENT &&
      text.charCodeAt(s) === CH_L &&
      text.charCodeAt(s + 1) === CH_A &&
      text.charCodeAt(s + 2) === CH_Y &&
      text.charCodeAt(s + 3) === CH_E &&
      text.charCodeAt(s + 4) === CH_R
    );
  }

  /** Scalar at `pos` (adjacent strings concatenate), or undefined without consuming. */
  private scalar(): Scalar | undefined {
    const { count, kind, toks } = this;
    if (this.pos >= count) return undefined;
    const t = this.pos;
    const k = kind[t];
    if (k === STRING) {
      let value = toks.strings[toks.value[t]!]!;
      let pos = t + 1;
      while (pos < count && kind[pos] === STRING) value += toks.strings[toks.value[pos++]!]!;
      this.pos = pos;
      return new Scalar('string', value, this.tStart[t]!, this.tEnd[pos - 1]!);
    }
    if (k === NUMBER || k === IDENT) {
      this.pos++;
      return new Scalar(k === NUMBER ? 'number' : 'ident', this.textOf(t), this.tStart[t]!, this.tEnd[t]!);
    }
    return undefined;
  }

  /**
   * Fields up to `close` (a char code, or 0 for the end of the text at top level), the block
   * opened by token `open` (-1 at top level). Sets `cut` when a layer block was cut off by a
   * following `layer {` (then the caller unwinds).
   */
  private message(open: number, close: number, inLayer: boolean): Message {
    const { count, kind, tStart, tEnd } = this;
    const fields: Field[] = [];
    const start = open >= 0 ? tStart[open]! : 0;
    this.cut = false;
    if (open >= 0 && this.depth >= MAX_DEPTH) {
      this.err(this.at(open), `Blocks are nested more than ${MAX_DEPTH} deep; this one is skipped.`);
      let pos = this.pos;
      for (let level = 1; pos < count && level > 0; pos++) {
        const p = this.punct(pos);
        if (p === CH_LBRACE || p === CH_LT) level++;
        else if (p === CH_RBRACE || p === CH_GT) level--;
      }
      this.pos = pos;
      return new Message(fields, start, pos > 0 ? tEnd[pos - 1]! : start);
    }
    this.depth++;
    while (this.pos < count) {
      const t = this.pos;
      const k = kind[t];
      const p = this.punct(t);
      if (p === CH_RBRACE || p === CH_GT) {
        if (p === close) {
          this.pos++;
          this.depth--;
          this.cut = false;
          return new Message(fields, start, tEnd[t]!);
        }
        this.err(
          this.at(t),
          close
            ? `Expected '${String.fromCharCode(close)}' here, found '${this.textOf(t)}'.`
            : `Unmatched '${this.textOf(t)}': there is no open block.`,
        );
        this.pos++;
        continue;
      }
      if (p === CH_COMMA || p === CH_SEMI) {
        this.pos++;
        continue;
      }
      if (k !== IDENT) {
        if (k !== ERROR) this.err(this.at(t), `Expected a field name, found '${this.textOf(t)}'.`);
        this.pos++;
        continue;
      }
      if (
        inLayer &&
        this.isLayerKeyword(t) &&
        (this.punct(t + 1) === CH_LBRACE || (this.punct(t + 1) === CH_COLON && this.punct(t + 2) === CH_LBRACE))
      ) {
        this.err(
          open >= 0 ? this.at(open) : this.at(t),
          `This block is not closed: a '}' is missing before '${this.textOf(t)}' on line ${this.lineOf(tStart[t]!)}.`,
        );
        this.depth--;
        this.cut = true;
        return new Message(fields, start, tEnd[this.pos - 1]!);
      }
      if (this.field(inLayer, close === 0, fields)) {
        this.depth--;
        this.cut = true;
        return new Message(fields, start, tEnd[this.pos - 1]!);
      }
    }
    if (open >= 0)
      this.err(this.at(open), `This '${this.textOf(open)}' is never closed with '${String.fromCharCode(close)}'.`);
    this.depth--;
    this.cut = false;
    return new Message(fields, start, count ? tEnd[count - 1]! : start);
  }

  /** One field at `pos` (an identifier), appended to `out`. True when a cut-off layer block must unwind. */
  private field(inLayer: boolean, topLevel: boolean, out: Field[]): boolean {
    const { count, kind, tStart, tEnd } = this;
    const nameTok = this.pos++;
    const name = identText(this.text, this.toks, nameTok);
    const nameStart = tStart[nameTok]!;
    const nameEnd = tEnd[nameTok]!;
    const childInLayer = inLayer || (topLevel && this.isLayerKeyword(nameTok));
    let colon = -1;
    if (this.punct(this.pos) === CH_COLON) colon = this.pos++;
    const next = this.pos;
    const nextPunct = this.punct(next);
    const nextClose = closerOf(nextPunct);
    // A cut reaches the top-level layer field, which swallows it (`cut && inLayer`); nested fields pass it on.
    if (nextClose) {
      this.pos++;
      const msg = this.message(next, nextClose, childInLayer);
      out.push(new Field(name, nameStart, nameEnd, msg));
      return this.cut && inLayer;
    }
    if (colon >= 0 && nextPunct === CH_LBRACKET) {
      this.pos++;
      while (this.pos < count && this.punct(this.pos) !== CH_RBRACKET) {
        const t = this.pos;
        const p = this.punct(t);
        if (p === CH_COMMA) {
          this.pos++;
          continue;
        }
        const close = closerOf(p);
        if (close) {
          this.pos++;
          const msg = this.message(t, close, childInLayer);
          out.push(new Field(name, nameStart, nameEnd, msg));
          if (this.cut) return inLayer;
          continue;
        }
        const s = this.scalar();
        if (s) {
          out.push(new Field(name, nameStart, nameEnd, s));
          continue;
        }
        this.err(this.at(t), `Expected a value or ']' in the list of '${name}', found '${this.textOf(t)}'.`);
        if (p === CH_RBRACE || p === CH_GT) return false;
        this.pos++;
      }
      if (this.punct(this.pos) === CH_RBRACKET) this.pos++;
      else this.err(this.at(next), `This '[' is never closed with ']'.`);
      return false;
    }
    const nk = next < count ? kind[next] : -1;
    if ((nk === STRING || nk === NUMBER || nk === IDENT) && this.sameLine(nameTok, next)) {
      // A scalar on the same line; without the ':' it is still read, after an error.
      if (colon < 0 && nk === IDENT && this.punct(next + 1) === CH_COLON) {
        this.err(this.at(nameTok), `Expected ':' or '{' after '${name}'.`);
        return false;
      }
      if (colon < 0) this.err(this.at(nameTok), `Expected ':' between '${name}' and its value.`);
      out.push(new Field(name, nameStart, nameEnd, this.scalar()!));
      return false;
    }
    this.err(
      colon >= 0 ? { start: nameStart, end: tEnd[colon]! } : this.at(nameTok),
      colon >= 0 ? `Expected a value after '${name}:'.` : `Expected ':' and a value, or '{', after '${name}'.`,
    );
    return false;
  }
}
