// Lexer for the `.layers` language: splits one line into tokens with absolute offsets.
// The language is line-oriented, so the parser asks for one line at a time; a `#` starts a
// comment that runs to the end of the line. Words keep balanced parentheses together so that
// `(mid + 4)` is one expression token.

export type TokenKind = 'word' | 'colon' | 'pipe' | 'eq' | 'lbrace' | 'rbrace' | 'error';

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

/**
 * Splits the text (or its lines from `start`, a line start, to `end`) into lines (LF or CRLF)
 * and tokenises each one, lazily: a line's tokens can be dropped once it is parsed.
 */
export function* lexLines(text: string, start = 0, end = text.length): Generator<Line> {
  let pos = start;
  const n = end;
  while (pos <= n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0 || eol > n) eol = n;
    yield lexLine(text, pos, eol);
    pos = eol + 1;
  }
}

export function lexLine(text: string, start: number, end: number): Line {
  const tokens: Token[] = [];
  let commentStart = -1;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === CH_HASH) {
      commentStart = i;
      break;
    }
    const single: TokenKind | undefined =
      c === CH_PIPE
        ? 'pipe'
        : c === CH_COLON
          ? 'colon'
          : c === CH_EQ
            ? 'eq'
            : c === CH_LBRACE
              ? 'lbrace'
              : c === CH_RBRACE
                ? 'rbrace'
                : undefined;
    if (single) {
      tokens.push({ kind: single, text: text[i]!, start: i, end: i + 1 });
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
    if (depth !== 0) bad = true;
    tokens.push({ kind: bad ? 'error' : 'word', text: text.slice(s, i), start: s, end: i });
  }
  return { start, end: end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end, tokens, commentStart };
}
