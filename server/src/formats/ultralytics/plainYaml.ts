// A fast reader for the plain YAML that Ultralytics model files are written in: a top-level
// mapping of plain keys whose values are scalars, one-line flow sequences, a block mapping of
// such values (`scales:`) or a block sequence of one-line flow sequences (`backbone:`, `head:`),
// with comments and blank lines. It builds the `yaml` package's own nodes, with the values its
// core schema gives and the same [start, end] of every scalar, key and flow sequence as its
// `parseDocument`. Contract: on anything else (tabs, CR, non-ASCII outside comments, quotes
// with escapes, anchors, tags, flow mappings, multi-line values, an empty value, `.inf`, hex,
// an unexpected indentation...) it returns undefined and the caller reads the text with the
// `yaml` package; it never guesses. Block collections get [first item, end of last line]
// ranges, which the caller may use only on its error path (which re-reads with `yaml`).
import { Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

type Value = Scalar | YAMLSeq;

const SPACE = 32;
const HASH = 35;
const COMMA = 44;
const DASH = 45;
const COLON = 58;
const OPEN = 91;
const CLOSE = 93;
const QUOTE = 39;
const DQUOTE = 34;
const BACKSLASH = 92;

/** Keys longer than this are left to the `yaml` package (it limits implicit keys to 1,024 characters). */
const MAX_KEY_LENGTH = 1000;
/** Flow sequences nested deeper than this are left to the `yaml` package. */
const MAX_FLOW_DEPTH = 32;

const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
/** Core-schema forms this reader does not resolve (`.inf`, `.nan`, `0o17`, `0x1f`). */
const OTHER_CORE = /^[-+]?\.[A-Za-z]|^0[ox]/;

/** Characters a plain scalar cannot start with (YAML indicators), besides `-`, `?`, `:` before a space. */
function isIndicator(c: number): boolean {
  return (
    c === COMMA ||
    c === OPEN ||
    c === CLOSE ||
    c === 123 || // {
    c === 125 || // }
    c === HASH ||
    c === 38 || // &
    c === 42 || // *
    c === 33 || // !
    c === 124 || // |
    c === 62 || // >
    c === QUOTE ||
    c === DQUOTE ||
    c === 37 || // %
    c === 64 || // @
    c === 96 // `
  );
}

/** What the core schema makes of a plain scalar, or undefined for a form left to `yaml`. */
function resolvePlain(s: string): number | string | boolean | null | undefined {
  const c = s.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === DASH || c === 43 || c === 46) {
    if (INT.test(s)) return Number.parseInt(s, 10);
    if (FLOAT.test(s)) return Number.parseFloat(s);
    if (OTHER_CORE.test(s)) return undefined;
    return s;
  }
  if (NULL.test(s)) return null;
  if (TRUE.test(s)) return true;
  if (FALSE.test(s)) return false;
  return s;
}

function scalar(value: unknown, start: number, end: number): Scalar {
  const node = new Scalar(value);
  node.range = [start, end, end];
  return node;
}

/** Reads the text; undefined when it is not in the plain form described above. */
export function readPlainYaml(text: string): YAMLMap | undefined {
  const n = text.length;
  let pos = 0;
  // The value being read and where: `fail` set means "leave it to the yaml package".
  let fail = false;

  /** Index of the first non-space at or after i on the line. */
  const skipSpaces = (i: number) => {
    while (i < n && text.charCodeAt(i) === SPACE) i++;
    return i;
  };
  /** After a value: only spaces, then the line end or a comment after a space. Returns the line end. */
  const endOfLine = (i: number, lineEnd: number): number => {
    const j = skipSpaces(i);
    if (j === lineEnd || (text.charCodeAt(j) === HASH && j > i)) return lineEnd;
    fail = true;
    return lineEnd;
  };

  /** A quoted scalar at i ('...' with '' escapes, "..." without escapes), on one line. */
  const quoted = (i: number, lineEnd: number): [Scalar, number] | undefined => {
    const q = text.charCodeAt(i);
    let value = '';
    let from = i + 1;
    for (let j = i + 1; j < lineEnd; j++) {
      const c = text.charCodeAt(j);
      if (c > 126 || c < 32 || (q === DQUOTE && c === BACKSLASH)) return undefined;
      if (c !== q) continue;
      if (q === QUOTE && text.charCodeAt(j + 1) === QUOTE) {
        value += text.slice(from, j + 1);
        from = j + 2;
        j++;
        continue;
      }
      value += text.slice(from, j);
      return [scalar(value, i, j + 1), j + 1];
    }
    return undefined;
  };

  /** A plain scalar from i to `end` (spaces trimmed at the end). */
  const plain = (i: number, end: number): [Scalar, number] | undefined => {
    while (end > i && text.charCodeAt(end - 1) === SPACE) end--;
    if (end === i) return undefined;
    const c = text.charCodeAt(i);
    if (isIndicator(c)) return undefined;
    if ((c === DASH || c === 63 || c === COLON) && (end === i + 1 || text.charCodeAt(i + 1) === SPACE))
      return undefined;
    const value = resolvePlain(text.slice(i, end));
    if (value === undefined) return undefined;
    return [scalar(value, i, end), end];
  };

  /** A flow sequence at i (its `[`), all on the line; returns the node and the index after `]`. */
  const flowSeq = (i: number, lineEnd: number, depth: number): [YAMLSeq, number] | undefined => {
    if (depth > MAX_FLOW_DEPTH) return undefined;
    const seq = new YAMLSeq();
    let j = skipSpaces(i + 1);
    if (text.charCodeAt(j) === CLOSE) {
      seq.range = [i, j + 1, j + 1];
      return [seq, j + 1];
    }
    for (;;) {
      if (j >= lineEnd) return undefined;
      const c = text.charCodeAt(j);
      let item: [Value, number] | undefined;
      if (c === OPEN) item = flowSeq(j, lineEnd, depth + 1);
      else if (c === QUOTE || c === DQUOTE) item = quoted(j, lineEnd);
      else {
        // A plain scalar in a flow: up to `,` or `]`; `:`, `#`, brackets and braces are left to yaml.
        let k = j;
        for (; k < lineEnd; k++) {
          const d = text.charCodeAt(k);
          if (d === COMMA || d === CLOSE) break;
          if (d === COLON || d === HASH || d === OPEN || d === 123 || d === 125 || d > 126 || d < 32) return undefined;
        }
        if (k === lineEnd) return undefined;
        item = plain(j, k);
      }
      if (!item) return undefined;
      seq.items.push(item[0]);
      j = skipSpaces(item[1]);
      const d = text.charCodeAt(j);
      if (d === CLOSE) {
        seq.range = [i, j + 1, j + 1];
        return [seq, j + 1];
      }
      if (d !== COMMA) return undefined;
      j = skipSpaces(j + 1);
      if (text.charCodeAt(j) === CLOSE) return undefined; // a trailing comma
    }
  };

  /** A value after `key: ` on one line: a flow sequence, a quoted or a plain scalar. */
  const inlineValue = (i: number, lineEnd: number): Value | undefined => {
    const c = text.charCodeAt(i);
    let read: [Value, number] | undefined;
    if (c === OPEN) read = flowSeq(i, lineEnd, 1);
    else if (c === QUOTE || c === DQUOTE) read = quoted(i, lineEnd);
    else {
      // A plain scalar in a block: up to a comment (` #`) or the line end, without `: `.
      let k = i;
      for (; k < lineEnd; k++) {
        const d = text.charCodeAt(k);
        if (d > 126 || d < 32) return undefined;
        if (d === HASH && text.charCodeAt(k - 1) === SPACE) break;
        if (d === COLON && (k + 1 === lineEnd || text.charCodeAt(k + 1) === SPACE)) return undefined;
      }
      read = plain(i, k);
    }
    if (!read) return undefined;
    endOfLine(read[1], lineEnd);
    return fail ? undefined : read[0];
  };

  /** `key:` at i; returns the key node and the index after the colon, or undefined. */
  const key = (i: number, lineEnd: number): [Scalar, number] | undefined => {
    let k = i;
    for (; k < lineEnd; k++) {
      const c = text.charCodeAt(k);
      const word =
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === DASH;
      if (!word) break;
    }
    if (k === i || k - i > MAX_KEY_LENGTH || text.charCodeAt(k) !== COLON) return undefined;
    if (k + 1 < lineEnd && text.charCodeAt(k + 1) !== SPACE) return undefined;
    const read = plain(i, k);
    return read ? [read[0], k + 1] : undefined;
  };

  if (text.indexOf('\r') >= 0 || text.indexOf('\t') >= 0 || text.charCodeAt(0) === 0xfeff) return undefined;
  const root = new YAMLMap();
  /** The top-level key whose value is the block below it (not yet known). */
  let pending: Pair | undefined;
  /** The open block collection, its indentation and the end of its last line. */
  let block: YAMLMap | YAMLSeq | undefined;
  let blockIndent = 0;
  const closeBlock = (end: number) => {
    if (block) block.range = [block.range?.[0] ?? end, end, end];
    block = undefined;
  };
  while (pos < n) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = n;
    const next = lineEnd < n ? lineEnd + 1 : n;
    const first = skipSpaces(pos);
    const indent = first - pos;
    if (first === lineEnd || text.charCodeAt(first) === HASH) {
      pos = next;
      continue;
    }
    const c = text.charCodeAt(first);
    const isItem = c === DASH && (first + 1 === lineEnd || text.charCodeAt(first + 1) === SPACE);
    if (pending && (indent > 0 || isItem)) {
      // The first line of the block under a `key:` decides what it is.
      block = isItem ? new YAMLSeq() : new YAMLMap();
      block.range = [first, first, first];
      blockIndent = indent;
      pending.value = block;
      pending = undefined;
    }
    if (block && indent === blockIndent && block instanceof YAMLSeq) {
      if (!isItem) {
        if (indent > 0) return undefined;
        closeBlock(pos);
      } else {
        const at = skipSpaces(first + 1);
        if (text.charCodeAt(at) !== OPEN) return undefined;
        const read = flowSeq(at, lineEnd, 1);
        if (!read) return undefined;
        endOfLine(read[1], lineEnd);
        if (fail) return undefined;
        block.items.push(read[0]);
        block.range = [block.range?.[0] ?? first, next, next];
        pos = next;
        continue;
      }
    }
    if (block && indent === blockIndent && block instanceof YAMLMap && indent > 0) {
      const k = key(first, lineEnd);
      if (!k) return undefined;
      const at = skipSpaces(k[1]);
      if (at === lineEnd || text.charCodeAt(at) === HASH) return undefined; // an empty or nested value
      const value = inlineValue(at, lineEnd);
      if (!value) return undefined;
      block.items.push(new Pair(k[0], value));
      block.range = [block.range?.[0] ?? first, next, next];
      pos = next;
      continue;
    }
    if (indent !== 0 || pending) return undefined;
    closeBlock(pos);
    const k = key(first, lineEnd);
    if (!k) return undefined;
    const at = skipSpaces(k[1]);
    if (at === lineEnd || (text.charCodeAt(at) === HASH && at > k[1])) {
      pending = new Pair(k[0], null);
      root.items.push(pending);
    } else {
      const value = inlineValue(at, lineEnd);
      if (!value) return undefined;
      root.items.push(new Pair(k[0], value));
    }
    pos = next;
  }
  if (pending || root.items.length === 0) return undefined;
  closeBlock(n);
  root.range = [root.items[0] ? ((root.items[0].key as Scalar).range?.[0] ?? 0) : 0, n, n];
  return root;
}
