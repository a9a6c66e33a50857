// Parser for protobuf text format: tokens → a tree of fields, each with the span of its
// name, its value and the whole field. Total and error-tolerant: a malformed field becomes
// a syntax error at the offending token and parsing resumes at the next field, so the rest
// of the file is still analysed. Knows nothing about Caffe except one recovery heuristic:
// a `layer {` (or `layers {`) met inside a top-level layer block closes that block.
// The tree is flat, with no object per field: a field is a number, the index of its record
// (offsets, value type, where its subtree ends) in one Int32Array, in text order, a message's
// fields right after it; `Document` reads them. Field names are interned (lexer.ts), so a name
// read thousands of times is one string, compared by reference.
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { ERROR, IDENT, NUMBER, nameId, names, STRING, type Tokens, tokenize } from './lexer';

/** A field's value type: a message, or a scalar written as a quoted string, a number or an identifier. */
export const MESSAGE = 0,
  STRING_VALUE = 1,
  NUMBER_VALUE = 2,
  IDENT_VALUE = 3;

/**
 * No field: record 0, an empty message, so that a lookup in an absent message finds nothing
 * and the absent field is falsy.
 */
export const NONE = 0;

/**
 * A field's record: its name's id (lexer.ts `nameId`), where the name starts (the field's
 * start), where its value starts and ends, the value type, the index past its subtree, and a
 * string value's index in `strings`. NONE and the root have name id 0 (no name).
 */
const NAME = 0,
  START = 1,
  VALUE_START = 2,
  VALUE_END = 3,
  TYPE = 4,
  SUBTREE_END = 5,
  STRING_INDEX = 6,
  STRIDE = 7;

/** The root message: record 1, spanning the whole text. */
export const ROOT = 1;

export interface ParseError {
  message: string;
  span: Span;
}

/**
 * A parsed text-proto document. A message's fields are `f = m + 1`, then `f = after(f)`
 * while `f < after(m)`. A `[a, b]` list gives one field per element, all sharing the name
 * span. A scalar's value is a string's unquoted, unescaped (and concatenated) text, or the
 * token text of a number or identifier.
 */
export class Document {
  constructor(
    readonly text: string,
    private readonly rec: Int32Array,
    /** Names by id. */
    private readonly names: readonly (string | undefined)[],
    /** The string values (the tokens', and those of adjacent strings joined). */
    private readonly strings: string[],
    readonly errors: ParseError[],
  ) {}

  name(f: number): string {
    return this.names[this.rec[f * STRIDE + NAME]!]!;
  }

  /** MESSAGE, STRING_VALUE, NUMBER_VALUE or IDENT_VALUE. */
  type(f: number): number {
    return this.rec[f * STRIDE + TYPE]!;
  }

  isMessage(f: number): boolean {
    return this.rec[f * STRIDE + TYPE] === MESSAGE;
  }

  /** The index past field `f` and its subtree: its next sibling, if any. */
  after(f: number): number {
    return this.rec[f * STRIDE + SUBTREE_END]!;
  }

  /** A scalar field's value. */
  value(f: number): string {
    const at = f * STRIDE;
    return this.rec[at + TYPE] === STRING_VALUE
      ? this.strings[this.rec[at + STRING_INDEX]!]!
      : this.text.slice(this.rec[at + VALUE_START]!, this.rec[at + VALUE_END]!);
  }

  /** Where the field (its name) starts. */
  start(f: number): number {
    return this.rec[f * STRIDE + START]!;
  }

  /** Where the value ends, and the field. */
  end(f: number): number {
    return this.rec[f * STRIDE + VALUE_END]!;
  }

  /** The value: a scalar's token(s), or a message from its opening brace to its closing one (or to where it was cut off). */
  valueSpan(f: number): Span {
    return { start: this.rec[f * STRIDE + VALUE_START]!, end: this.rec[f * STRIDE + VALUE_END]! };
  }

  nameSpan(f: number): Span {
    const start = this.rec[f * STRIDE + START]!;
    return { start, end: start + this.name(f).length };
  }

  /** From the name to the end of the value. */
  span(f: number): Span {
    return { start: this.rec[f * STRIDE + START]!, end: this.rec[f * STRIDE + VALUE_END]! };
  }

  /** The fields of message `m`, or those called `name`; scalars only with `scalars`. */
  fields(m: number, name?: string, scalars?: boolean): number[] {
    const out: number[] = [];
    for (let f = m + 1, end = this.after(m); f < end; f = this.after(f))
      if ((name === undefined || this.name(f) === name) && !(scalars && this.isMessage(f))) out.push(f);
    return out;
  }

  /** The first sub-message of `m` called `name`, or NONE. */
  sub(m: number, name: string): number {
    return this.find(m, name, true);
  }

  /** Protobuf semantics for an optional field written twice: the last one wins. NONE when there is none. */
  last(m: number, name: string): number {
    return this.find(m, name, false);
  }

  /** The first message field of `m` called `name`, or the last scalar one; NONE when there is none. */
  private find(m: number, name: string, message: boolean): number {
    let found = NONE;
    for (let f = m + 1, end = this.after(m); f < end; f = this.after(f))
      if (this.name(f) === name && this.isMessage(f) === message) {
        found = f;
        if (message) break;
      }
    return found;
  }
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

/**
 * The record buffer of the last parse, reused by the next: room for one record per token,
 * kept up to MAX_KEPT_RECORDS records (16k tokens, a ~100 KB file; 459 KB kept between
 * parses). Each parse copies out the part it filled.
 */
const MAX_KEPT_RECORDS = 1 << 14;
let keptRecords: Int32Array = new Int32Array(0);

export function parseTextProto(text: string): Document {
  return new TextProtoParser(text, tokenize(text)).parse();
}

class TextProtoParser {
  readonly errors: ParseError[] = [];
  private readonly count: number;
  private readonly kind: Uint8Array;
  private readonly tStart: Uint32Array;
  private readonly tEnd: Uint32Array;
  /** The field records (at most one field per token, NONE and the root). */
  private readonly rec: Int32Array;
  private fieldCount = 0;
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
    const want = (toks.count + 2) * STRIDE;
    if (keptRecords.length < want) {
      this.rec = new Int32Array(want);
      if (want <= MAX_KEPT_RECORDS * STRIDE) keptRecords = this.rec;
    } else this.rec = keptRecords;
  }

  parse(): Document {
    const { toks, kind } = this;
    for (const t of toks.problems) {
      if (kind[t] === ERROR) this.err(this.at(t), `Unexpected '${this.textOf(t)}'.`);
      else this.err(this.at(t), 'This string has no closing quote.');
    }
    this.add(0, 0, MESSAGE, 0, 0);
    this.message(this.add(0, 0, MESSAGE, 0, 0), -1, 0, false);
    const rec = this.rec.slice(0, this.fieldCount * STRIDE);
    return new Document(this.text, rec, names(), this.toks.strings, this.errors);
  }

  /** A new field record (a message's end and subtree are set when it is closed). */
  private add(name: number, start: number, type: number, vStart: number, vEnd: number): number {
    const f = this.fieldCount++;
    const at = f * STRIDE;
    const { rec } = this;
    rec[at + NAME] = name;
    rec[at + START] = start;
    rec[at + VALUE_START] = vStart;
    rec[at + VALUE_END] = vEnd;
    rec[at + TYPE] = type;
    rec[at + SUBTREE_END] = f + 1;
    return f;
  }

  /** Closes message `m` at `end`: its fields are the records added since it. */
  private close(m: number, end: number): void {
    this.rec[m * STRIDE + VALUE_END] = end;
    this.rec[m * STRIDE + SUBTREE_END] = this.fieldCount;
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

  /** A field `name` holding the scalar at `pos` (adjacent strings concatenate); false, consuming nothing, when there is none. */
  private scalar(name: number, nameStart: number): boolean {
    const { count, kind, toks } = this;
    if (this.pos >= count) return false;
    const t = this.pos;
    const k = kind[t];
    if (k === STRING) {
      // The token's value, or the values of adjacent strings joined, added to the tokens' strings.
      let index = toks.value[t]!;
      let pos = t + 1;
      if (pos < count && kind[pos] === STRING) {
        let value = toks.strings[index]!;
        while (pos < count && kind[pos] === STRING) value += toks.strings[toks.value[pos++]!]!;
        index = toks.strings.push(value) - 1;
      }
      this.pos = pos;
      const f = this.add(name, nameStart, STRING_VALUE, this.tStart[t]!, this.tEnd[pos - 1]!);
      this.rec[f * STRIDE + STRING_INDEX] = index;
      return true;
    }
    if (k === NUMBER || k === IDENT) {
      this.pos++;
      this.add(name, nameStart, k === NUMBER ? NUMBER_VALUE : IDENT_VALUE, this.tStart[t]!, this.tEnd[t]!);
      return true;
    }
    return false;
  }

  /**
   * Fields up to `close` (a char code, or 0 for the end of the text at top level) into
   * message `m`, the block opened by token `open` (-1 at top level). Sets `cut` when a layer
   * block was cut off by a following `layer {` (then the caller unwinds).
   */
  private message(m: number, open: number, close: number, inLayer: boolean): void {
    const { count, kind, tStart, tEnd } = this;
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
      this.close(m, pos > 0 ? tEnd[pos - 1]! : start);
      return;
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
          this.close(m, tEnd[t]!);
          return;
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
        this.close(m, tEnd[this.pos - 1]!);
        return;
      }
      if (this.field(inLayer, close === 0)) {
        this.depth--;
        this.cut = true;
        this.close(m, tEnd[this.pos - 1]!);
        return;
      }
    }
    if (open >= 0)
      this.err(this.at(open), `This '${this.textOf(open)}' is never closed with '${String.fromCharCode(close)}'.`);
    this.depth--;
    this.cut = false;
    this.close(m, count ? tEnd[count - 1]! : start);
  }

  /** One field at `pos` (an identifier). True when a cut-off layer block must unwind. */
  private field(inLayer: boolean, topLevel: boolean): boolean {
    const { count, kind, tStart, tEnd } = this;
    const nameTok = this.pos++;
    const name = nameId(this.text, this.toks, nameTok);
    const nameStart = tStart[nameTok]!;
    const childInLayer = inLayer || (topLevel && this.isLayerKeyword(nameTok));
    let colon = -1;
    if (this.punct(this.pos) === CH_COLON) colon = this.pos++;
    const next = this.pos;
    const nextPunct = this.punct(next);
    const nextClose = closerOf(nextPunct);
    // A cut reaches the top-level layer field, which swallows it (`cut && inLayer`); nested fields pass it on.
    if (nextClose) {
      this.pos++;
      const m = this.add(name, nameStart, MESSAGE, tStart[next]!, 0);
      this.message(m, next, nextClose, childInLayer);
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
          const m = this.add(name, nameStart, MESSAGE, tStart[t]!, 0);
          this.message(m, t, close, childInLayer);
          if (this.cut) return inLayer;
          continue;
        }
        if (this.scalar(name, nameStart)) continue;
        this.err(
          this.at(t),
          `Expected a value or ']' in the list of '${this.textOf(nameTok)}', found '${this.textOf(t)}'.`,
        );
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
        this.err(this.at(nameTok), `Expected ':' or '{' after '${this.textOf(nameTok)}'.`);
        return false;
      }
      if (colon < 0) this.err(this.at(nameTok), `Expected ':' between '${this.textOf(nameTok)}' and its value.`);
      this.scalar(name, nameStart);
      return false;
    }
    this.err(
      colon >= 0 ? { start: nameStart, end: tEnd[colon]! } : this.at(nameTok),
      colon >= 0
        ? `Expected a value after '${this.textOf(nameTok)}:'.`
        : `Expected ':' and a value, or '{', after '${this.textOf(nameTok)}'.`,
    );
    return false;
  }
}
