// The CLI's reader of ONNX external data (formats/types.ts ExternalDataReader): files in the
// model's own folder only. The front-end has already refused absolute paths and `..`; here the
// resolved path, symbolic links followed, must still lie inside the model's folder. At most
// `length` bytes are read from `offset` (fewer when the file is short); every failure is a
// reason string, never a throw.
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { LIMITS } from '../core/limits';
import type { ExternalDataReader } from '../formats/types';

export function externalDataReader(modelPath: string): ExternalDataReader {
  return (location, offset, length) => {
    if (length > LIMITS.maxBinaryBytes) return `${length} bytes are more than LayerLint reads`;
    let fd: number | undefined;
    try {
      const folder = realpathSync(dirname(resolve(modelPath)));
      const file = realpathSync(resolve(folder, location));
      const inside = relative(folder, file);
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
        return 'it resolves (through a link) outside the model’s folder';
      fd = openSync(file, 'r');
      const bytes = new Uint8Array(length);
      let read = 0;
      while (read < length) {
        const n = readSync(fd, bytes, read, length - read, offset + read);
        if (n === 0) break;
        read += n;
      }
      return bytes.subarray(0, read);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT'
        ? 'the file does not exist'
        : `the file cannot be read (${code ?? (e as Error).message})`;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
}
