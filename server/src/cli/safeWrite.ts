// Rewriting a file in place (`layerlint fix`) without losing anyone's data. The new text
// goes to the file a symbolic link points to (the link stays a link), through a temp file in
// that file's folder and a rename, with the original's mode and owner. Refused, leaving the
// file as it was: a file without write permission, a file whose owner cannot be kept, and a
// file that changed since it was read (its bytes, size or mtime differ: an editor saved it,
// or another `fix` wrote it first). A lock file next to it makes the check and the rename
// one step for concurrent `fix` runs; a lock left by a process that no longer runs is taken
// over.
//
// Contract: rewriteFile either replaces the file's content with `text` or throws a
// UsageError saying why not, leaving no temp or lock file behind.
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './io';
import { ioReason, type SourceFile } from './sourceFile';

const removeQuietly = (p: string) => {
  try {
    unlinkSync(p);
  } catch {
    /* already gone */
  }
};

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock file of `target`, or throws when a running process holds it. */
function lock(target: string): string {
  const path = join(dirname(target), `.${basename(target)}.layerlint-lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(path, 'utf8'));
      } catch {
        /* removed meanwhile: try again */
      }
      if (Number.isInteger(holder) && holder > 0 && processRuns(holder))
        throw new UsageError(`another process (pid ${holder}) is fixing it`);
      removeQuietly(path);
    }
  }
  throw new UsageError('another process is fixing it');
}

/** Whether the file at `path` still holds exactly what was read. */
function unchangedSince(path: string, read: SourceFile): boolean {
  const now = statSync(path);
  if (now.size !== read.stat.size || now.mtimeMs !== read.stat.mtimeMs || now.ino !== read.stat.ino) return false;
  return readFileSync(path).equals(read.bytes);
}

export function rewriteFile(path: string, read: SourceFile, text: string): void {
  let target: string;
  try {
    target = realpathSync(path);
  } catch (e) {
    throw new UsageError(ioReason(e));
  }
  const { mode, uid, gid } = read.stat;
  if ((mode & 0o222) === 0) throw new UsageError('the file is read-only');
  try {
    accessSync(target, constants.W_OK);
  } catch (e) {
    throw new UsageError(`cannot write it: ${ioReason(e)}`);
  }
  let lockPath: string;
  try {
    lockPath = lock(target);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot lock it: ${ioReason(e)}`);
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', mode & 0o7777);
    try {
      writeSync(fd, text);
      const written = fstatSync(fd);
      if (written.uid !== uid || written.gid !== gid) {
        try {
          fchownSync(fd, uid, gid);
        } catch (e) {
          throw new UsageError(`cannot keep its owner (${uid}:${gid}): ${ioReason(e)}`);
        }
      }
      fchmodSync(fd, mode & 0o7777); // after the owner (a chown clears set-id bits), whatever the umask
    } finally {
      closeSync(fd);
    }
    if (!unchangedSince(target, read))
      throw new UsageError('it changed since it was read (saved by another program?); run fix again');
    renameSync(tmp, target);
  } catch (e) {
    removeQuietly(tmp);
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot write it: ${ioReason(e)}`);
  } finally {
    removeQuietly(lockPath);
  }
}
