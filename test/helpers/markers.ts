// Fixture markers: `⟦…⟧` marks an expected range and `$0` a cursor in fixture text.
// `parseMarkers` strips them and returns the clean text with the offsets they stood at.
export interface Marked {
  text: string;
  ranges: { start: number; end: number }[];
  cursor: number;
}

export function parseMarkers(src: string): Marked {
  let text = '';
  const ranges: { start: number; end: number }[] = [];
  const open: number[] = [];
  let cursor = -1;
  for (let i = 0; i < src.length; i++) {
    if (src.startsWith('$0', i)) {
      cursor = text.length;
      i++;
      continue;
    }
    const ch = src[i]!;
    if (ch === '⟦') open.push(text.length);
    else if (ch === '⟧') ranges.push({ start: open.pop()!, end: text.length });
    else text += ch;
  }
  return { text, ranges, cursor };
}

/** Zero-based line and UTF-16 character of an offset. */
export function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
