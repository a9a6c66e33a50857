// Darknet `.cfg` parser: INI-like text → sections with spans. Contract: never throws; a
// `[section]` header starts a section, `key=value` lines are its options, `#` and `;` start
// comment lines, blank lines are ignored. Like darknet's read_cfg, whitespace inside a line
// is not significant ("saturation = 1.5" is "saturation=1.5"). Any other line becomes a
// syntax error at its exact range and is skipped; the rest of the file still parses.
import type { Span } from '../../core/ir';
import { isJsSpace, sliceWithoutSpaces } from '../chars';

export interface CfgEntry {
  /** Key with whitespace removed, lower case as written. */
  key: string;
  keySpan: Span;
  /** Value with whitespace removed and any trailing `#` comment cut off. */
  value: string;
  valueSpan: Span;
  /** The whole `key=value` text of the line (trimmed). */
  span: Span;
}

export interface CfgSection {
  /** Name between the brackets, e.g. `convolutional`. */
  name: string;
  /** The `[name]` header text. */
  header: Span;
  /** From the header to the end of the section's last option line. */
  span: Span;
  entries: CfgEntry[];
}

export interface CfgError {
  span: Span;
  message: string;
}

export interface CfgFile {
  sections: CfgSection[];
  errors: CfgError[];
}

/** First offset in [start, end) that is not white space (`end` when none). */
function skipSpaces(text: string, start: number, end: number): number {
  while (start < end && isJsSpace(text.charCodeAt(start))) start++;
  return start;
}

/** Offset after the last character in [start, end) that is not white space (`start` when none). */
function trimEndAt(text: string, start: number, end: number): number {
  while (end > start && isJsSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** Offset of char code `c` in [start, end), or -1. */
function indexIn(text: string, c: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === c) return i;
  return -1;
}

const CH_HASH = 35,
  CH_SEMI = 59,
  CH_LBRACKET = 91,
  CH_RBRACKET = 93,
  CH_EQ = 61;

export function parseCfg(text: string): CfgFile {
  const sections: CfgSection[] = [];
  const errors: CfgError[] = [];
  let current: CfgSection | undefined;
  let lineStart = 0;
  const trimmed = (start: number, end: number) => text.slice(start, end);
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    // The line's text without leading and trailing white space is [start, end).
    const start = skipSpaces(text, lineStart, lineEnd);
    const end = trimEndAt(text, start, lineEnd);
    lineStart = lineEnd + 1;
    if (start === end) continue;
    const first = text.charCodeAt(start);
    if (first === CH_HASH || first === CH_SEMI) continue;
    if (first === CH_LBRACKET) {
      const close = indexIn(text, CH_RBRACKET, start, end);
      if (close < 0) {
        errors.push({ span: { start, end }, message: `Section header '${trimmed(start, end)}' has no closing ']'.` });
        current = undefined;
        continue;
      }
      const header = { start, end: close + 1 };
      current = { name: sliceWithoutSpaces(text, start + 1, close), header, span: { ...header }, entries: [] };
      sections.push(current);
      const rest = skipSpaces(text, close + 1, end);
      if (rest < end && text.charCodeAt(rest) !== CH_HASH && text.charCodeAt(rest) !== CH_SEMI)
        errors.push({
          span: { start: rest, end },
          message: `Unexpected text after the section header: '${trimmed(rest, end)}'.`,
        });
      continue;
    }
    // One pass over the line: the first '=', the key's last character and whether white
    // space is inside it; then the value up to a '#', its last character and inner white space.
    let eq = -1;
    let keyEnd = start;
    let keySpaces = false;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === CH_EQ) {
        eq = i;
        break;
      }
      if (!isJsSpace(c)) keyEnd = i + 1;
      else keySpaces = true;
    }
    if (eq < 0) {
      errors.push({
        span: { start, end },
        message: `Expected 'key=value', a '[section]' header or a comment, not '${trimmed(start, end)}'.`,
      });
      continue;
    }
    const key = keySpaces ? sliceWithoutSpaces(text, start, eq) : text.slice(start, eq);
    if (!key) {
      errors.push({ span: { start, end }, message: `'${trimmed(start, end)}' has no key before '='.` });
      continue;
    }
    if (!current) {
      errors.push({ span: { start, end }, message: `Option '${key}' comes before any '[section]' header.` });
      continue;
    }
    let valueStart = eq + 1;
    while (valueStart < end && isJsSpace(text.charCodeAt(valueStart))) valueStart++;
    let valueEnd = valueStart;
    let valueSpaces = false;
    for (let i = valueStart; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === CH_HASH) break;
      if (!isJsSpace(c)) {
        if (i > valueEnd) valueSpaces = true;
        valueEnd = i + 1;
      }
    }
    current.entries.push({
      key,
      keySpan: { start, end: keyEnd },
      value: valueSpaces ? sliceWithoutSpaces(text, valueStart, valueEnd) : text.slice(valueStart, valueEnd),
      valueSpan: { start: valueStart, end: valueEnd },
      span: { start, end },
    });
    current.span.end = end;
  }
  return { sections, errors };
}
