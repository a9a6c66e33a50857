// The Node half of companion files (formats/types.ts `Companions`): a model's weight shards
// and a `target FILE` profile read from the model's own folder, or a `layerlint.target`
// profile file from the workspace folder (companionsIn). A path is resolved against that
// folder, links included (realpath), and refused unless it stays inside it; only regular
// files of at most LIMITS.maxBinaryBytes are read, each once per companions object.
//
// Contract: `read` never throws; it gives the bytes or why there are none.
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { LIMITS } from '../core/limits';
import type { Companions } from '../formats/types';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
};

const inside = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

/** Companion files of the model at `modelPath` (its folder). */
export function companionsNextTo(modelPath: string): Companions {
  return companionsIn(dirname(resolve(modelPath)), 'the model’s folder');
}

/** Files inside `dir` (nothing outside it); `named` says what the folder is in messages. */
export function companionsIn(dir: string, named: string): Companions {
  const cache = new Map<string, Uint8Array | { error: string }>();
  const load = (path: string): Uint8Array | { error: string } => {
    let folder: string;
    try {
      folder = realpathSync(dir);
    } catch {
      return { error: `${named} is not on disk` };
    }
    const wanted = resolve(folder, path);
    if (isAbsolute(path) || !inside(folder, wanted)) return { error: `the path leaves ${named}` };
    let fd: number | undefined;
    try {
      const real = realpathSync(wanted);
      if (!inside(folder, real)) return { error: `it links outside ${named}` };
      fd = openSync(real, 'r');
      const st = fstatSync(fd);
      if (!st.isFile()) return { error: 'not a regular file' };
      if (st.size > LIMITS.maxBinaryBytes) return { error: `${st.size} bytes, more than LayerLint reads` };
      const bytes = new Uint8Array(st.size);
      let at = 0;
      while (at < bytes.length) {
        const n = readSync(fd, bytes, at, bytes.length - at, at);
        if (n === 0) break;
        at += n;
      }
      return at === bytes.length ? bytes : bytes.subarray(0, at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { error: (code && REASONS[code]) ?? code ?? (e as Error).message };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  return {
    read(path) {
      let hit = cache.get(path);
      if (!hit) {
        hit = load(path);
        cache.set(path, hit);
      }
      return hit;
    },
  };
}
