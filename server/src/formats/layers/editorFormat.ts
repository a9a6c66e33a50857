// Formatting of `.layers` text: two-space indentation per `{` level, single spaces between
// arguments, ` | ` between ops, `key=value` without spaces, trailing spaces removed, and
// the chains of consecutive named statements aligned in one column. Lines that do not
// lex cleanly are left exactly as written.
import { applyEdits, eolOf, type TextEdit } from '../types';
import { lexLines, type Token } from './lexer';
import type { LayersParsed } from './parsed';

interface Out {
  indent: string;
  name?: string;
  body: string;
  comment: string;
  raw?: string;
}

function join(tokens: Token[]): string {
  let s = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    if (i > 0 && t.kind !== 'eq' && prev!.kind !== 'eq') s += ' ';
    s += t.text;
  }
  return s;
}

export function formatLayersText(text: string, indentUnit = '  '): string {
  const eol = eolOf(text);
  const out: Out[] = [];
  let depth = 0;
  for (const line of lexLines(text)) {
    const raw = text.slice(line.start, line.end);
    const comment = line.commentStart >= 0 ? text.slice(line.commentStart, line.end).trimEnd() : '';
    const toks = line.tokens;
    if (toks.some((t) => t.kind === 'error')) {
      out.push({ indent: '', body: '', comment: '', raw: raw.trimEnd() });
      continue;
    }
    if (toks[0]?.kind === 'rbrace') depth = Math.max(0, depth - 1);
    const indent = indentUnit.repeat(depth);
    if (toks[toks.length - 1]?.kind === 'lbrace') depth++;
    if (toks.length >= 2 && toks[0]!.kind === 'word' && toks[1]!.kind === 'colon')
      out.push({ indent, name: `${toks[0]!.text}:`, body: join(toks.slice(2)), comment });
    else out.push({ indent, body: join(toks), comment });
  }
  // Align chains of consecutive named statements at the same indentation.
  for (let i = 0; i < out.length; ) {
    let j = i;
    while (j < out.length && out[j]!.name !== undefined && out[j]!.indent === out[i]!.indent) j++;
    if (j === i) {
      i++;
      continue;
    }
    const width = Math.max(...out.slice(i, j).map((o) => o.name!.length));
    for (let k = i; k < j; k++) out[k]!.name = out[k]!.name!.padEnd(width);
    i = j;
  }
  return out
    .map((o) => {
      if (o.raw !== undefined) return o.raw;
      const code = o.name !== undefined ? `${o.name} ${o.body}` : o.body;
      if (!code) return o.comment ? o.indent + o.comment : '';
      return o.indent + code + (o.comment ? ` ${o.comment}` : '');
    })
    .join(eol);
}

/** One edit replacing the whole text by its formatted form; none when it is formatted already. */
export function layersFormatEdits(_parsed: LayersParsed, text: string): TextEdit[] {
  const formatted = formatLayersText(text);
  return formatted === text ? [] : [{ span: { start: 0, end: text.length }, newText: formatted }];
}

/**
 * The last text checked and whether it is formatted: code actions ask for the separable fix
 * of the same version on every cursor move, and checking a 10,000-layer file is ~3 ms. One
 * entry, a pure function of the text: a stale entry can only miss.
 */
let lastChecked: { text: string; formatted: boolean } | undefined;

function isFormatted(text: string): boolean {
  if (lastChecked?.text !== text) lastChecked = { text, formatted: formatLayersText(text) === text };
  return lastChecked.formatted;
}

/**
 * `edits` (a rewrite such as the separable fix) as one edit that also keeps the file's
 * formatting: when `text` is formatted, the rewritten text is formatted again (the names of
 * its statement group realigned to one column) and the result is the one span that differs
 * from `text`. An unformatted file gets `edits` as they are, so a fix never reformats what
 * the user laid out by hand.
 */
export function keepFormatting(text: string, edits: TextEdit[]): TextEdit[] {
  if (!edits.length || !isFormatted(text)) return edits;
  const next = formatLayersText(applyEdits(text, edits));
  let start = 0;
  while (start < text.length && start < next.length && text.charCodeAt(start) === next.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < text.length - start &&
    end < next.length - start &&
    text.charCodeAt(text.length - 1 - end) === next.charCodeAt(next.length - 1 - end)
  )
    end++;
  return [{ span: { start, end: text.length - end }, newText: next.slice(start, next.length - end) }];
}
