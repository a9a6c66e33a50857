// Offset <-> (line, character) conversion. Offsets and characters are both UTF-16 code
// units (what JavaScript strings and LSP use), so a column is the distance from the line
// start. Used only at the edges (LSP, CLI output); the core works in offsets.
export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  private readonly starts: number[];
  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Zero-based position of an offset; offsets past the end clamp to the end. */
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(o);
    return { line, character: o - this.starts[line]! };
  }

  /** The line of the last lookup: callers mostly walk forward, so its line or the next one usually answers. */
  private last = 0;

  /** Zero-based line of an offset. */
  lineAt(offset: number): number {
    const starts = this.starts;
    const last = this.last;
    if (offset >= starts[last]!) {
      if (last + 1 >= starts.length || offset < starts[last + 1]!) return last;
      if (last + 2 >= starts.length || offset < starts[last + 2]!) return (this.last = last + 1);
    }
    let lo = 0,
      hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return (this.last = lo);
  }

  /** Offset of a position; characters past the line end clamp to the line end. */
  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[pos.line]!;
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1]! - 1 : this.text.length;
    const end = next > start && this.text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    return Math.min(start + Math.max(0, pos.character), end);
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  /** End of a line's text, before CR/LF. */
  lineEnd(line: number): number {
    return this.offsetAt({ line, character: Number.MAX_SAFE_INTEGER });
  }
}
