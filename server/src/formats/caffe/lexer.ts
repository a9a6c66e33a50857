// Tokenizer for protobuf text format (what Caffe's .prototxt files are written in).
// Total: every character of the input ends up in a token, in whitespace or in a comment;
// characters that start no token become 'error' tokens, an unterminated string runs to the
// end of its line and is flagged. Offsets are UTF-16 code units into the original text.

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'error';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings: with the quotes). */
  text: string;
  start: number;
  end: number;
  /** Zero-based line of `start`, to tell a value on the same line from the next field. */
  line: number;
  /** Strings: the unquoted, unescaped value. */
  value?: string;
  /** Strings without a closing quote. */
  unterminated?: boolean;
}

const PUNCT = new Set(['{', '}', '<', '>', ':', '[', ']', ',', ';']);
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_.]/;
const NUMBER_RE =
  /^-?(?:0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fF]?|inf(?:inity)?|nan)(?![A-Za-z0-9_])/i;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  "'": "'",
  '\\': '\\',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  let line = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, start, end: i + 1, line });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      let closed = false;
      while (i < n && text[i] !== '\n') {
        const d = text[i]!;
        if (d === c) {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < n && text[i + 1] !== '\n') {
          const e = text[i + 1]!;
          value += ESCAPES[e] ?? e;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      const tok: Token = { kind: 'string', text: text.slice(start, i), start, end: i, line, value };
      if (!closed) tok.unterminated = true;
      tokens.push(tok);
      continue;
    }
    const num = c === '-' || c === '.' || (c >= '0' && c <= '9') ? NUMBER_RE.exec(text.slice(i, i + 64)) : null;
    if (num) {
      tokens.push({ kind: 'number', text: num[0], start, end: i + num[0].length, line });
      i += num[0].length;
      continue;
    }
    if (IDENT_START.test(c)) {
      while (i < n && IDENT_PART.test(text[i]!)) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), start, end: i, line });
      continue;
    }
    // Anything else: one error token up to the next whitespace or punctuation.
    i++;
    while (i < n && !/[\s{}<>:[\],;#"']/.test(text[i]!)) i++;
    tokens.push({ kind: 'error', text: text.slice(start, i), start, end: i, line });
  }
  return tokens;
}
