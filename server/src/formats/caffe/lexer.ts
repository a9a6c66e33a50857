// Tokenizer for protobuf text format (what Caffe's .prototxt files are written in).
// Total: every character of the input ends up in a token, in whitespace or in a comment;
// characters that start no token become error tokens, an unterminated string runs to the
// end of its line and is flagged. Offsets are UTF-16 code units into the original text.
// Tokens are columns of typed arrays (kind, start, end), read on char codes with no object
// per token; a token's text is sliced only when the parser asks for it. No token holds a
// line break, so two tokens are on one line when the text between them has none.

import { isJsSpace } from '../chars';

export const IDENT = 0;
export const NUMBER = 1;
export const STRING = 2;
/** The last kind: a kind above it is a punctuation token (`{ } < > : [ ] , ;`), its char code. */
export const ERROR = 3;

export interface Tokens {
  count: number;
  /** IDENT, NUMBER, STRING or ERROR per token, or a punctuation token's char code. */
  kind: Uint8Array;
  start: Uint32Array;
  end: Uint32Array;
  /**
   * STRING tokens: the unquoted, unescaped value is `strings[value[i]]`. IDENT tokens: the
   * node of the identifier in the name trie, or 0 when the trie does not hold it (`nameId`).
   */
  value: Uint32Array;
  strings: string[];
  /** Indexes of the error tokens and unterminated strings, in text order. */
  problems: number[];
  /** Indexes of the unterminated strings (a subset of `problems`). */
  unterminated: Set<number>;
}

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

/** `-?(0x hex | decimal with optional fraction, exponent and f suffix | inf | infinity | nan)`, not followed by an identifier character; sticky, case-insensitive. */
const NUMBER_RE =
  /-?(?:0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fF]?|inf(?:inity)?|nan)(?![A-Za-z0-9_])/iy;

/** Classes of the ASCII char codes, one bit each: a table lookup per character in the hot loops. */
const DIGIT = 1,
  IDENT_START = 2,
  IDENT_PART = 4,
  PUNCT_CLASS = 8;
const ASCII = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII[c] = DIGIT | IDENT_PART;
for (let c = 65; c <= 90; c++) ASCII[c] = IDENT_START | IDENT_PART;
for (let c = 97; c <= 122; c++) ASCII[c] = IDENT_START | IDENT_PART;
ASCII[95] = IDENT_START | IDENT_PART; // _
ASCII[46] = IDENT_PART; // .
for (const c of '{}<>:[],;') ASCII[c.charCodeAt(0)] = PUNCT_CLASS;

const isDigit = (c: number) => c < 128 && (ASCII[c]! & DIGIT) !== 0;
const isIdentStart = (c: number) => c < 128 && (ASCII[c]! & IDENT_START) !== 0;
const isIdentPart = (c: number) => c < 128 && (ASCII[c]! & IDENT_PART) !== 0;

/** `{ } < > : [ ] , ;` */
const isPunct = (c: number) => c < 128 && (ASCII[c]! & PUNCT_CLASS) !== 0;

/** Where an error token stops: whitespace, punctuation, a comment or a quote. */
const endsErrorToken = (c: number) => isJsSpace(c) || isPunct(c) || c === 35 || c === 34 || c === 39;

/**
 * Columns kept from one call to the next, up to this many tokens (~1 MB): typed arrays that
 * large live outside the heap, and allocating and zeroing four of them per parse cost more
 * than the tokens themselves.
 */
const MAX_KEPT_TOKENS = 1 << 16;
let kept = {
  kind: new Uint8Array(0),
  start: new Uint32Array(0),
  end: new Uint32Array(0),
  value: new Uint32Array(0),
};

/**
 * Identifiers seen by any parse, each kept once as one string: a file repeats a few dozen
 * field names thousands of times. A trie over the 64 identifier characters, walked by the
 * tokenizer as it reads an identifier, so that the parser finds a name without slicing or
 * hashing it. A name's id is its node, and `names()[id]` its text. Bounded: once full, new
 * identifiers get ids past the trie's nodes, and the next tokenize starts an empty trie and
 * a new table of names (a parsed document keeps the table its ids point into).
 */
const TRIE_NODES = 2048;
const TRIE_ROOT = 1;
/** An identifier character's index in a trie node (0 to 63); NOT_IDENT for other ASCII characters. */
const NOT_IDENT = 255;
const IDENT_INDEX = new Uint8Array(128).fill(NOT_IDENT);
{
  let k = 0;
  for (let c = 0; c < 128; c++) if (ASCII[c]! & IDENT_PART) IDENT_INDEX[c] = k++;
}
/** `trie[node * 64 + IDENT_INDEX[c]]`: the child node, 0 when none. Node 0 is "not in the trie". */
const trie = new Uint16Array(TRIE_NODES * 64);
let trieNodes = 2;
/** The identifier that ends at each node, once the parser asked for it; then those the full trie has no node for. */
let trieNames = noNames();

/** A table with no name yet: a packed array (read once per field; a holey one checks for holes on each read). */
function noNames(): (string | undefined)[] {
  const table: (string | undefined)[] = [];
  for (let i = 0; i < TRIE_NODES; i++) table.push(undefined);
  return table;
}

/** The names that the ids `nameId` gives until the next tokenize resets the trie. */
export function names(): readonly (string | undefined)[] {
  return trieNames;
}

/**
 * The id of identifier token `t`'s text (`names()[id]`), one string per distinct identifier;
 * the trie learns an identifier the first time its id is asked for.
 */
export function nameId(text: string, toks: Tokens, t: number): number {
  const node = toks.value[t]!;
  if (node !== 0 && trieNames[node] !== undefined) return node;
  const start = toks.start[t]!;
  const end = toks.end[t]!;
  let at = TRIE_ROOT;
  for (let i = start; i < end && at !== 0; i++) {
    const slot = (at << 6) | IDENT_INDEX[text.charCodeAt(i)]!;
    if (trie[slot] === 0 && trieNodes < TRIE_NODES) trie[slot] = trieNodes++;
    at = trie[slot]!;
  }
  if (at === 0) return trieNames.push(text.slice(start, end)) - 1;
  trieNames[at] = internalized(text.slice(start, end));
  return at;
}

/**
 * `s` as V8's one copy of that text (a property key): flat, equal to the same literal by
 * reference, and holding no reference to the document it was sliced from.
 */
export function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

/**
 * String values (blob and layer names, types) seen by recent parses, each kept once as V8's
 * internalized copy, in a pair of slots chosen by a hash of the characters the tokenizer
 * computes while reading the string. A file read again (every edit, every analysis) then gets
 * the same string objects: no slice, and V8 has their hash already when the blob table, the
 * layer namer and the type cache look them up. A new string takes the pair's empty slot, else
 * the first; longer strings and strings with escapes are sliced each time.
 */
const STRING_SLOTS = 16384;
const MAX_CACHED_STRING = 64;
const cachedStrings: string[] = new Array(STRING_SLOTS).fill('');

/** Whether `s` is the text from `from` on (compared on char codes: a builtin call costs more here). */
function holds(text: string, from: number, s: string): boolean {
  for (let j = 0; j < s.length; j++) if (s.charCodeAt(j) !== text.charCodeAt(from + j)) return false;
  return true;
}

/** `text.slice(from, to)`, from the cache when one of its slots holds that text. `hash` is of its char codes. */
function cachedSlice(text: string, from: number, to: number, hash: number): string {
  const len = to - from;
  if (len === 0) return '';
  if (len > MAX_CACHED_STRING) return text.slice(from, to);
  // Fibonacci hashing: the top 13 bits of the product choose one of the 8,192 pairs.
  const slot = (Math.imul(hash, 0x9e3779b1) >>> 19) << 1;
  const first = cachedStrings[slot]!;
  if (first.length === len && holds(text, from, first)) return first;
  const second = cachedStrings[slot + 1]!;
  if (second.length === len && holds(text, from, second)) return second;
  const s = internalized(text.slice(from, to));
  cachedStrings[first === '' || second !== '' ? slot : slot + 1] = s;
  return s;
}

/** `to` holding `from` at its start. */
function grown<T extends Uint8Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** The token columns of `text`. They may be reused by the next call: read them before tokenizing again. */
export function tokenize(text: string): Tokens {
  const n = text.length;
  if (trieNodes === TRIE_NODES) {
    trie.fill(0);
    trieNames = noNames();
    trieNodes = 2;
  }
  // About one token per 4 characters in real files: most never grow the columns.
  const want = (n >> 2) + 16;
  const reuse = kept.kind.length >= want;
  let cap = reuse ? kept.kind.length : want;
  let kind = reuse ? kept.kind : new Uint8Array(cap);
  let start = reuse ? kept.start : new Uint32Array(cap);
  let end = reuse ? kept.end : new Uint32Array(cap);
  let value = reuse ? kept.value : new Uint32Array(cap);
  const strings: string[] = [];
  const problems: number[] = [];
  const unterminated = new Set<number>();
  let count = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // space, \n, \t, \r, \f, \v, BOM
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 35) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (count === cap) {
      cap *= 2;
      kind = grown(kind, new Uint8Array(cap));
      start = grown(start, new Uint32Array(cap));
      end = grown(end, new Uint32Array(cap));
      value = grown(value, new Uint32Array(cap));
    }
    const s = i;
    let k = ERROR;
    if (isPunct(c)) {
      k = c;
      i++;
    } else if (c === 34 || c === 39) {
      i++;
      let closed = false;
      let out = '';
      let from = i;
      let hash = 0;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10) break;
        if (d === c) {
          closed = true;
          break;
        }
        if (d === 92 && i + 1 < n && text.charCodeAt(i + 1) !== 10) {
          const e = text[i + 1]!;
          out += text.slice(from, i) + (ESCAPES[e] ?? e);
          i += 2;
          from = i;
          continue;
        }
        hash = (Math.imul(hash, 31) + d) | 0;
        i++;
      }
      // No escape: the characters between the quotes are the value.
      out = from === s + 1 ? cachedSlice(text, from, i, hash) : out + text.slice(from, i);
      if (closed) i++;
      k = STRING;
      value[count] = strings.length;
      strings.push(out);
      if (!closed) {
        problems.push(count);
        unterminated.add(count);
      }
    } else {
      if (c === 45 || c === 46 || isDigit(c)) {
        // Fast path: a plain integer followed by no identifier character and no '.'.
        let j = c === 45 ? i + 1 : i;
        const digits = j;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        if (j > digits && (j === n || !isIdentPart(text.charCodeAt(j)))) {
          i = j;
          k = NUMBER;
        } else {
          NUMBER_RE.lastIndex = i;
          if (NUMBER_RE.test(text)) {
            i = NUMBER_RE.lastIndex;
            k = NUMBER;
          }
        }
      }
      if (k !== NUMBER && isIdentStart(c)) {
        // Walk the name trie on the way (node 0: not there, stays 0).
        let node = trie[(TRIE_ROOT << 6) | IDENT_INDEX[c]!]!;
        // One table read per character: its trie index is also whether it continues the name.
        for (i++; i < n; i++) {
          const d = text.charCodeAt(i);
          const x = d < 128 ? IDENT_INDEX[d]! : NOT_IDENT;
          if (x === NOT_IDENT) break;
          node = trie[(node << 6) | x]!;
        }
        value[count] = node;
        k = IDENT;
      } else if (k !== NUMBER) {
        // Anything else: one error token up to the next whitespace or punctuation.
        i++;
        while (i < n && !endsErrorToken(text.charCodeAt(i))) i++;
        problems.push(count);
      }
    }
    kind[count] = k;
    start[count] = s;
    end[count] = i;
    count++;
  }
  if (cap <= MAX_KEPT_TOKENS && cap > kept.kind.length) kept = { kind, start, end, value };
  return { count, kind, start, end, value, strings, problems, unterminated };
}
