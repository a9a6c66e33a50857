// Character classes on UTF-16 char codes, shared by the readers that scan text without
// regular expressions: each one matches exactly what the named JavaScript class matches.

/** What JavaScript's `\s` (and `String.prototype.trim`) treats as white space. */
export function isJsSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `text.slice(start, end)` with every `\s` character removed (no copy when there is none). */
export function sliceWithoutSpaces(text: string, start: number, end: number): string {
  let i = start;
  while (i < end && !isJsSpace(text.charCodeAt(i))) i++;
  if (i === end) return text.slice(start, end);
  let out = text.slice(start, i);
  for (let from = i; i <= end; i++) {
    if (i === end || isJsSpace(text.charCodeAt(i))) {
      if (i > from) out += text.slice(from, i);
      from = i + 1;
    }
  }
  return out;
}
