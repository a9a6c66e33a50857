// Darknet `.cfg` parser: INI-like text → sections with spans. Contract: never throws; a
// `[section]` header starts a section, `key=value` lines are its options, `#` and `;` start
// comment lines, blank lines are ignored. Like darknet's read_cfg, whitespace inside a line
// is not significant ("saturation = 1.5" is "saturation=1.5"). Any other line becomes a
// syntax error at its exact range and is skipped; the rest of the file still parses.
import type { Span } from '../../core/ir';

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

const WS = /\s+/g;

export function parseCfg(text: string): CfgFile {
  const sections: CfgSection[] = [];
  const errors: CfgError[] = [];
  let current: CfgSection | undefined;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const raw = text.slice(lineStart, lineEnd);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    const start = lineStart + lead;
    const end = start + trimmed.length;
    lineStart = lineEnd + 1;
    if (trimmed === '' || trimmed[0] === '#' || trimmed[0] === ';') continue;
    if (trimmed[0] === '[') {
      const close = trimmed.indexOf(']');
      if (close < 0) {
        errors.push({ span: { start, end }, message: `Section header '${trimmed}' has no closing ']'.` });
        current = undefined;
        continue;
      }
      const name = trimmed.slice(1, close).replace(WS, '');
      const header = { start, end: start + close + 1 };
      current = { name, header, span: { ...header }, entries: [] };
      sections.push(current);
      const rest = trimmed.slice(close + 1).trim();
      if (rest && rest[0] !== '#' && rest[0] !== ';')
        errors.push({
          span: { start: header.end + trimmed.slice(close + 1).indexOf(rest), end },
          message: `Unexpected text after the section header: '${rest}'.`,
        });
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq < 0) {
      errors.push({
        span: { start, end },
        message: `Expected 'key=value', a '[section]' header or a comment, not '${trimmed}'.`,
      });
      continue;
    }
    const key = trimmed.slice(0, eq).replace(WS, '');
    if (!key) {
      errors.push({ span: { start, end }, message: `'${trimmed}' has no key before '='.` });
      continue;
    }
    if (!current) {
      errors.push({ span: { start, end }, message: `Option '${key}' comes before any '[section]' header.` });
      continue;
    }
    const rawValue = trimmed.slice(eq + 1);
    const hash = rawValue.indexOf('#');
    const valueText = hash < 0 ? rawValue : rawValue.slice(0, hash);
    const vLead = valueText.length - valueText.trimStart().length;
    const valueStart = start + eq + 1 + vLead;
    const keyLead = trimmed.length - trimmed.trimStart().length;
    current.entries.push({
      key,
      keySpan: { start: start + keyLead, end: start + trimmed.slice(0, eq).trimEnd().length },
      value: valueText.replace(WS, ''),
      valueSpan: { start: valueStart, end: valueStart + valueText.trim().length },
      span: { start, end },
    });
    current.span.end = end;
  }
  return { sections, errors };
}
