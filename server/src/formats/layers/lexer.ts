// Lexer for the `.layers` language: splits one line into tokens with absolute offsets.
// The language is line-oriented, so the parser asks for one line at a time; a `#` starts a
// comment that runs to the end of the line. Words keep balanced parentheses together so that
// `(mid + 4)` is one expression token. The parser reads a line's tokens as columns of typed
// arrays (`LineTokens`, reused from line to line and parse to parse: no object or string per token); the
// editor features read them as `Token` objects (`lexLine`, `lexLines`).

export type TokenKind = 'word' | 'colon' | 'pipe' | 'eq' | 'lbrace' | 'rbrace' | 'error';

/** Token kinds as stored in `LineTokens.kinds`. */
export const WORD = 0,
  COLON = 1,
  PIPE = 2,
  EQ = 3,
  LBRACE = 4,
  RBRACE = 5,
  ERROR = 6;

const KIND_NAMES: readonly TokenKind[] = ['word', 'colon', 'pipe', 'eq', 'lbrace', 'rbrace', 'error'];

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

export interface Line {
  /** Offset of the first character of the line. */
  start: number;
  /** Offset of the line break (or end of text). */
  end: number;
  tokens: Token[];
  /** Offset of `#` when the line has a comment. */
  commentStart: number;
}

const CH_HASH = 35,
  CH_PIPE = 124,
  CH_COLON = 58,
  CH_EQ = 61,
  CH_LBRACE = 123,
  CH_RBRACE = 125,
  CH_LPAREN = 40,
  CH_RPAREN = 41;

/** Spaces between tokens (a line break ends the line instead). */
export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xfeff || c === 11 || c === 12;
}

function isBreak(c: number): boolean {
  return (
    isSpace(c) || c === CH_HASH || c === CH_PIPE || c === CH_COLON || c === CH_EQ || c === CH_LBRACE || c === CH_RBRACE
  );
}

/** The kind of a one-character token, or WORD when `c` starts a word. */
function singleKind(c: number): number {
  return c === CH_PIPE
    ? PIPE
    : c === CH_COLON
      ? COLON
      : c === CH_EQ
        ? EQ
        : c === CH_LBRACE
          ? LBRACE
          : c === CH_RBRACE
            ? RBRACE
            : WORD;
}

/** Words up to this long are shared (`keptText`), in a table of this many slots. */
const MAX_SHARED = 12;
const SHARED_SLOTS = 1024;

/**
 * The tokens of one line of `text` as columns: token i is `kinds[i]` over
 * [`starts[i]`, `ends[i]`). `lex` refills the same arrays for the next line.
 */
export class LineTokens {
  kinds = new Uint8Array(32);
  starts = new Int32Array(32);
  ends = new Int32Array(32);
  /** Tokens on the line. */
  count = 0;
  /** Offset of `#` when the line has a comment, else -1. */
  commentStart = -1;
  private shared: (string | undefined)[] | undefined;
  /** The text whose lines `lex` reads (set anew to reuse the columns for another text). */
  constructor(public text: string) {}

  /** A token's text. */
  tokenText(i: number): string {
    return this.text.slice(this.starts[i]!, this.ends[i]!);
  }

  /**
   * A token's text, kept by the syntax tree: a short one is shared with the last equal text
   * read at the same slot of a small table (`conv`, `bn`, `64`, `3x3` recur thousands of
   * times), so the tree holds one string per distinct word rather than one per word.
   */
  keptText(i: number): string {
    const text = this.text;
    const s = this.starts[i]!;
    const e = this.ends[i]!;
    if (e - s > MAX_SHARED) return text.slice(s, e);
    let h = e - s;
    for (let k = s; k < e; k++) h = (h * 31 + text.charCodeAt(k)) | 0;
    const slot = h & (SHARED_SLOTS - 1);
    const shared = (this.shared ??= new Array(SHARED_SLOTS));
    const seen = shared[slot];
    if (seen !== undefined && seen.length === e - s && text.startsWith(seen, s)) return seen;
    return (shared[slot] = text.slice(s, e));
  }

  /** Tokenises the line [start, end) of the text (end: its line break or the end of the text). */
  lex(start: number, end: number): void {
    const text = this.text;
    this.count = 0;
    this.commentStart = -1;
    let i = start;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (c === CH_HASH) {
        this.commentStart = i;
        break;
      }
      const single = singleKind(c);
      if (single !== WORD) {
        this.push(single, i, i + 1);
        i++;
        continue;
      }
      // A word: runs to the next break character, except that parentheses keep spaces inside.
      const s = i;
      let depth = 0;
      let bad = false;
      while (i < end) {
        const d = text.charCodeAt(i);
        if (d === CH_LPAREN) depth++;
        else if (d === CH_RPAREN) {
          depth--;
          if (depth < 0) bad = true;
        } else if (depth === 0 && isBreak(d)) break;
        else if (depth > 0 && (d === CH_HASH || d === CH_PIPE || d === CH_LBRACE || d === CH_RBRACE)) break;
        i++;
      }
      this.push(bad || depth !== 0 ? ERROR : WORD, s, i);
    }
  }

  private push(kind: number, start: number, end: number): void {
    const n = this.count;
    if (n === this.kinds.length) {
      const kinds = new Uint8Array(2 * n);
      const starts = new Int32Array(2 * n);
      const ends = new Int32Array(2 * n);
      kinds.set(this.kinds);
      starts.set(this.starts);
      ends.set(this.ends);
      this.kinds = kinds;
      this.starts = starts;
      this.ends = ends;
    }
    this.kinds[n] = kind;
    this.starts[n] = start;
    this.ends[n] = end;
    this.count = n + 1;
  }
}

/**
 * Splits the text (or its lines from `start`, a line start, to `end`) into lines (LF or CRLF)
 * and tokenises each one as `Token` objects, lazily.
 */
export function* lexLines(text: string, start = 0, end = text.length): Generator<Line> {
  const line = new LineTokens(text);
  let pos = start;
  const n = end;
  while (pos <= n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0 || eol > n) eol = n;
    yield lexLine(text, pos, eol, line);
    pos = eol + 1;
  }
}

/** The line [start, end) of `text` as `Token` objects (`line`: columns to reuse). */
export function lexLine(text: string, start: number, end: number, line = new LineTokens(text)): Line {
  line.lex(start, end);
  const tokens: Token[] = [];
  for (let i = 0; i < line.count; i++)
    tokens.push({
      kind: KIND_NAMES[line.kinds[i]!]!,
      text: line.tokenText(i),
      start: line.starts[i]!,
      end: line.ends[i]!,
    });
  return {
    start,
    end: end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end,
    tokens,
    commentStart: line.commentStart,
  };
}
