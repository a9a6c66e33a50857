// Checks the LSP base protocol framing of the byte stream a client sends over stdio, before
// the JSON-RPC library reads it. A framing error (a header line ending in LF only, a header
// that is not `Name: value`, no Content-Length or one that is not a whole number, a header
// block longer than MAX_HEADER_BYTES, a body longer than declared, which shows up as bytes
// before the next header) leaves no way to find the next message: the library would wait
// forever, deaf. The guard reports it instead, so the server can log it and exit and the
// client restart it.
//
// Contract: FramingGuard passes every byte through unchanged and calls `onError` once, at
// the first framing error, with a message saying what was wrong.
import { Transform, type TransformCallback } from 'node:stream';

const MAX_HEADER_BYTES = 8192;
/** A body longer than this cannot hold a document LayerLint analyses (LIMITS.maxTextLength, JSON-escaped). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*)$/;

export class FramingGuard extends Transform {
  private header: number[] = [];
  private bodyLeft = 0;
  private failed = false;

  constructor(private readonly onError: (message: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.failed) this.check(chunk);
    done(null, chunk);
  }

  private fail(message: string): void {
    this.failed = true;
    this.onError(message);
  }

  private check(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.failed) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++]!;
      const h = this.header;
      if (byte === 0x0a && h[h.length - 1] !== 0x0d) {
        this.fail('a header line ends with LF only (the base protocol needs CRLF)');
        return;
      }
      h.push(byte);
      if (h.length > MAX_HEADER_BYTES) {
        this.fail(`no end of the header within ${MAX_HEADER_BYTES} bytes (a body longer than declared?)`);
        return;
      }
      const n = h.length;
      if (n >= 4 && h[n - 4] === 0x0d && h[n - 3] === 0x0a && h[n - 2] === 0x0d && h[n - 1] === 0x0a) {
        this.header = [];
        const length = this.contentLength(Buffer.from(h).toString('latin1').slice(0, -4));
        if (length === undefined) return;
        this.bodyLeft = length;
      }
    }
  }

  /** The Content-Length of a header block, or undefined after reporting what is wrong with it. */
  private contentLength(block: string): number | undefined {
    let length: number | undefined;
    for (const line of block.split('\r\n')) {
      const m = HEADER_LINE.exec(line);
      if (!m) {
        this.fail(`'${line.slice(0, 80)}' is not a header line (a body longer than declared?)`);
        return undefined;
      }
      if (m[1]!.toLowerCase() !== 'content-length') continue;
      const value = m[2]!.trim();
      if (!/^[0-9]{1,10}$/.test(value) || Number(value) > MAX_BODY_BYTES) {
        this.fail(`Content-Length '${value.slice(0, 40)}' is not a whole number of bytes up to ${MAX_BODY_BYTES}`);
        return undefined;
      }
      length = Number(value);
    }
    if (length === undefined) this.fail('a header without Content-Length');
    return length;
  }
}
