// Which files a command works on. PATHS are files and folders; folders are walked
// recursively for every extension a front-end declares (formats/index.ts FRONT_ENDS, so a
// new front-end is picked up without changes here). While walking, `node_modules` and dot
// folders are skipped, and so is everything the `ignore` patterns of the applicable
// layerlint.json (relative to its folder) or `--ignore-pattern` (relative to the working
// folder) match, gitignore-style; so is a file its extension's front-end does not claim by
// content (a generic `.yaml` that is no Ultralytics model: formats/index.ts detectFrontEnd).
// A file named on the command line is always taken.
//
// Contract: returns absolute paths of regular files, sorted, without duplicates; a PATH that
// does not exist, or names a FIFO, device or socket, is a UsageError (exit 2), raised before
// any file is read.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { detectFrontEnd, FRONT_ENDS } from '../formats';
import { lineStart } from '../core/safeText';
import { loadConfigForDir } from '../engine/configLoad';
import { configFor } from './document';
import { UsageError } from './io';
import { readSourceFile } from './sourceFile';

export function supportedExtensions(): string[] {
  return [...new Set(FRONT_ENDS.flatMap((f) => f.extensions))].sort();
}

const posix = (p: string) => p.split(sep).join('/');

/** `p` relative to `base` with forward slashes, or undefined when it is not below `base`. */
function below(base: string, p: string): string | undefined {
  const r = relative(base, p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? posix(r) : undefined;
}

export interface CollectOptions {
  cwd: string;
  /** `--ignore-pattern` values, relative to cwd. */
  ignorePatterns?: string[];
  /** `--config PATH`: use its ignore patterns (relative to its folder) instead of discovery. */
  configPath?: string;
}

export function collectFiles(paths: string[], options: CollectOptions): string[] {
  const exts = supportedExtensions();
  const cli = options.ignorePatterns?.length ? ignore().add(options.ignorePatterns) : undefined;
  const configIgnores = new Map<string, Ignore>();
  const explicit = options.configPath !== undefined ? configFor('', options.configPath) : undefined;
  const ignoredByConfig = (abs: string, isDir: boolean, parent: string): boolean => {
    const c = explicit ?? loadConfigForDir(parent);
    const dir = c.dir ?? '';
    const patterns = c.config.ignore ?? [];
    if (!patterns.length) return false;
    const rel = below(dir, abs);
    if (rel === undefined) return false;
    let ig = configIgnores.get(dir);
    if (!ig) configIgnores.set(dir, (ig = ignore().add(patterns)));
    return ig.ignores(isDir ? `${rel}/` : rel);
  };
  const ignored = (abs: string, isDir: boolean, parent: string): boolean => {
    if (cli) {
      const rel = below(options.cwd, abs);
      if (rel !== undefined && cli.ignores(isDir ? `${rel}/` : rel)) return true;
    }
    return ignoredByConfig(abs, isDir, parent);
  };
  const out = new Set<string>();
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new UsageError(`cannot read folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name.startsWith('.') || ignored(p, true, dir)) continue;
        walk(p);
      } else if (
        e.isFile() &&
        exts.some((x) => e.name.toLowerCase().endsWith(x)) &&
        !ignored(p, false, dir) &&
        claimed(p)
      )
        out.add(p);
    }
  };
  for (const raw of paths) {
    const abs = resolve(options.cwd, raw);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      throw new UsageError(
        `${raw}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)}`,
      );
    }
    if (st.isDirectory()) walk(abs);
    else if (st.isFile()) out.add(abs);
    else throw new UsageError(`${raw}: not a regular file or folder (a FIFO or device is not read)`);
  }
  return [...out].sort();
}

/** Whether the front-end the file's extension names also takes its content; unreadable files are kept (and reported later). */
function claimed(path: string): boolean {
  let text: string;
  try {
    const source = readSourceFile(path);
    if (source.oversized) return true;
    text = source.text;
  } catch {
    return true;
  }
  const lower = path.toLowerCase();
  return detectFrontEnd(path, text).extensions.some((x) => lower.endsWith(x));
}

/** How a file is shown in output: relative to cwd with forward slashes when below it, on one line and never a workflow command (core/safeText.ts). */
export function displayPath(abs: string, cwd: string): string {
  return lineStart(below(cwd, abs) ?? posix(abs));
}
