// Reading a file a command works on, checking before reading: the path must name a regular
// file (a FIFO, a device such as /dev/zero or a folder is refused without being opened for
// reading), and at most MAX_SOURCE_BYTES are read, so a huge file costs neither memory nor a
// string-length error. A file longer than that is reported as too large (`oversized`)
// rather than read; its text can only be longer than LIMITS.maxTextLength (UTF-8 takes at
// most 3 bytes per UTF-16 code unit), which analyzeSource would reject anyway.
//
// Contract: readSourceFile either returns the file's bytes and text, or throws a UsageError
// naming the file and why it cannot be read.
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { LIMITS } from '../core/limits';
import { detectFrontEnd } from '../formats';
import { UsageError } from './io';

/** Files above this many bytes cannot hold a text LayerLint analyses: they are not read. */
export const MAX_SOURCE_BYTES = 3 * LIMITS.maxTextLength;

export interface SourceFile {
  /** The stat taken before reading (mode, owner, mtime, size). */
  stat: Stats;
  /** The bytes read; empty when `oversized`. */
  bytes: Buffer;
  /** The bytes decoded as UTF-8 (invalid sequences as U+FFFD, a BOM kept). */
  text: string;
  /** Whether the bytes are valid UTF-8, so that `text` encodes back to them exactly. */
  utf8: boolean;
  /** More than MAX_SOURCE_BYTES (LIMITS.maxBinaryBytes when binary): nothing was read. */
  oversized: boolean;
  /** A binary model (ONNX) by its extension: `bytes` only, `text` empty. */
  binary: boolean;
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
};

export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? code ?? (e as Error).message;
}

/** What kind of non-regular file `st` is, for a message. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export function readSourceFile(path: string, shown = path): SourceFile {
  const fail = (why: string): never => {
    throw new UsageError(`cannot read ${shown}: ${why}`);
  };
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (e) {
    return fail(ioReason(e));
  }
  if (!stat.isFile()) return fail(kindOf(stat));
  const binary = detectFrontEnd(path, '').binary === true;
  const maxBytes = binary ? LIMITS.maxBinaryBytes : MAX_SOURCE_BYTES;
  const oversized = { bytes: Buffer.alloc(0), text: '', utf8: true, oversized: true, binary };
  if (stat.size > maxBytes) return { stat, ...oversized };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return fail(ioReason(e));
  }
  try {
    // The path may have been replaced since the stat: check what was opened.
    const opened = fstatSync(fd);
    if (!opened.isFile()) return fail(kindOf(opened));
    // One buffer of the size the file has (one byte more, to see it grow), read in place: a
    // 100 MB model costs 100 MB, not the chunks plus their concatenation.
    let buffer = Buffer.allocUnsafe(Math.min(opened.size + 1, maxBytes + 1));
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        if (total > maxBytes) return { stat: opened, ...oversized };
        const grown = Buffer.allocUnsafe(Math.min(2 * buffer.length + 4096, maxBytes + 1));
        buffer.copy(grown, 0, 0, total);
        buffer = grown;
      }
      const n = readSync(fd, buffer, total, buffer.length - total, null);
      if (n === 0) break;
      total += n;
    }
    if (total > maxBytes) return { stat: opened, ...oversized };
    const bytes = buffer.subarray(0, total);
    if (binary) return { stat: opened, bytes, text: '', utf8: false, oversized: false, binary };
    try {
      return { stat: opened, bytes, text: fatalUtf8.decode(bytes), utf8: true, oversized: false, binary };
    } catch {
      return { stat: opened, bytes, text: lenientUtf8.decode(bytes), utf8: false, oversized: false, binary };
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return fail(ioReason(e));
  } finally {
    closeSync(fd);
  }
}
