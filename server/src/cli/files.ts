// Which files a command works on. PATHS are files and folders; folders are walked
// recursively for every extension a front-end declares (formats/index.ts FRONT_ENDS, so a
// new front-end is picked up without changes here). While walking, `node_modules` and dot
// folders are skipped, and so is everything the `ignore` patterns of the applicable
// layerlint.json (relative to its folder), `--ignore-pattern` (relative to the working
// folder) and, unless turned off, the `.gitignore` files of the walked folders and of their
// ancestors up to the repository root match, gitignore-style. A file whose extension other
// tools share but whose content is no model (a `setup.cfg`, a `compose.yaml`, a Caffe
// solver: formats/sniff.ts) is skipped silently while walking; named on the command line, it
// is skipped with one line for the user (`onNotModel`). Any other file named is taken.
//
// Contract: returns absolute paths of regular files, sorted, without duplicates; a PATH that
// does not exist, or names a FIFO, device or socket, is a UsageError (exit 2), raised before
// any file is read.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { FRONT_ENDS } from '../formats';
import { modelFormat, notModelReason } from '../formats/sniff';
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
  /** Honour `.gitignore` files while walking (default true). */
  gitignore?: boolean;
  /** A file named in PATHS that is no model: it is left out, and this says why. */
  onNotModel?: (path: string, reason: string) => void;
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
    return ignoredByConfig(abs, isDir, parent) || gitignored?.(abs, isDir) === true;
  };
  const gitignored = options.gitignore === false ? undefined : gitignoreMatcher();
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
        isModelFile(p)
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
    else if (st.isFile()) {
      if (isModelFile(abs)) out.add(abs);
      else options.onNotModel?.(raw, notModelReason(abs));
    } else throw new UsageError(`${raw}: not a regular file or folder (a FIFO or device is not read)`);
  }
  return [...out].sort();
}

/** Whether a file is a model by its content (formats/sniff.ts); unreadable files are kept (and reported later). */
function isModelFile(path: string): boolean {
  let text: string;
  try {
    const source = readSourceFile(path);
    if (source.oversized) return true;
    text = source.text;
  } catch {
    return true;
  }
  return modelFormat(path, text) !== undefined;
}

/**
 * `(path, isDir) → ignored` by the `.gitignore` of each folder from the repository root
 * (the nearest ancestor holding `.git`, else the filesystem root) down to the path's parent,
 * each relative to its own folder. Each `.gitignore` is read once.
 */
function gitignoreMatcher(): (abs: string, isDir: boolean) => boolean {
  const byDir = new Map<string, Ignore | null>();
  const rootOf = new Map<string, string>();
  const load = (dir: string): Ignore | null => {
    let ig = byDir.get(dir);
    if (ig === undefined) {
      const file = join(dir, '.gitignore');
      try {
        ig = existsSync(file) ? ignore().add(readFileSync(file, 'utf8')) : null;
      } catch {
        ig = null;
      }
      byDir.set(dir, ig);
    }
    return ig;
  };
  const repoRoot = (dir: string): string => {
    const known = rootOf.get(dir);
    if (known !== undefined) return known;
    const parent = dirname(dir);
    const root = existsSync(join(dir, '.git')) || parent === dir ? dir : repoRoot(parent);
    rootOf.set(dir, root);
    return root;
  };
  return (abs, isDir) => {
    const parent = dirname(abs);
    const root = repoRoot(parent);
    for (let dir = parent; ; dir = dirname(dir)) {
      const ig = load(dir);
      const rel = below(dir, abs);
      if (ig && rel !== undefined && ig.ignores(isDir ? `${rel}/` : rel)) return true;
      if (dir === root || dirname(dir) === dir) return false;
    }
  };
}

/** How a file is shown in output: relative to cwd with forward slashes when below it, on one line and never a workflow command (core/safeText.ts). */
export function displayPath(abs: string, cwd: string): string {
  return lineStart(below(cwd, abs) ?? posix(abs));
}
