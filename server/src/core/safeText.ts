// Text that came from a file (layer names, type strings, quoted source, file names) made
// safe for the place it is printed. A terminal, a CI log or an editor never receives a
// control character from a file: line breaks (which could start a `::set-env` or
// `::warning` workflow command on a line of their own), escape sequences, other C0/C1
// controls, Unicode line separators and bidirectional overrides are shown as visible
// escapes (`\n`, `\x1b`, `\u202e`), and text that may begin a line does not begin it with
// a workflow command's `::` or `##[` (`lineStart`). Markdown never receives markup from a file: every
// character Markdown or HTML gives a meaning is escaped, so a name cannot render an image,
// a link or HTML (`</details>`, `<img>`).
//
// Contract: pure; `singleLine(s)` has no character of UNSAFE; `markdownText(s)` and
// `markdownCode(s)` render as the literal text of `singleLine(s)`.

/** C0 controls but tab, DEL, C1 controls, line and paragraph separators, bidi and direction marks. */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
}

/** `s` on one line, with every control and direction character shown as an escape. */
export function singleLine(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** A line CI runners read as a command: GitHub's `::name ...::` and the older `##[name]`. */
const COMMAND_START = /^(::|##\[)/;

/** singleLine(s), and when it could begin a line, not read as a workflow command there (its first character escaped). */
export function lineStart(s: string): string {
  const line = singleLine(s);
  return COMMAND_START.test(line) ? escapeChar(line[0]!) + line.slice(1) : line;
}

/** `s` as literal Markdown text (inline, table cells included): markup characters backslash-escaped, HTML's as entities. */
export function markdownText(s: string): string {
  return singleLine(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]!|~$]/g, '\\$&');
}

/** `s` as a Markdown code span (no markup inside one), fenced with more backticks than it holds; `|` escaped for tables. */
export function markdownCode(s: string): string {
  const text = singleLine(s).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
