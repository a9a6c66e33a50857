// The Node half of configuration: find `layerlint.json` (or `.layerlintrc.json`) in the
// file's folder or the nearest folder above it, read and parse it (./config.ts). The search
// stops at the repository root (a folder holding `.git`, `.hg` or `.svn`): a config file
// outside the project never applies. Outside any repository it goes up to the file
// system's root. Results
// are cached per folder for the life of the process (a CLI run, or until
// `clearConfigCache()` — the language server calls it when a config file changes).
//
// Contract: never throws. A config that cannot be read or parsed is reported in `errors`
// (prefixed with its path) and contributes what could be understood of it.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAMES, parseConfig, type LayerlintConfig } from './config';

export interface LoadedConfig {
  config: LayerlintConfig;
  /** The config file used, absolute; undefined when none was found. */
  path?: string;
  /** Folder of the config file: `ignore` patterns are relative to it. */
  dir?: string;
  /** Without a config file: the repository root where the search stopped (undefined: it reached the file system's root). */
  stoppedAt?: string;
  errors: string[];
}

const cache = new Map<string, LoadedConfig>();

export function clearConfigCache(): void {
  cache.clear();
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

const REPOSITORY_MARKERS = ['.git', '.hg', '.svn'];

const exists = (p: string) => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};

/** The config of the folder `dir`: its own config file, else its parent's, up to the repository or file system root. */
export function loadConfigForDir(dir: string): LoadedConfig {
  const abs = resolve(dir);
  const hit = cache.get(abs);
  if (hit) return hit;
  let result: LoadedConfig | undefined;
  for (const name of CONFIG_FILE_NAMES) {
    const p = join(abs, name);
    if (isFile(p)) {
      result = readConfigFile(p);
      break;
    }
  }
  if (!result) {
    const parent = dirname(abs);
    if (REPOSITORY_MARKERS.some((m) => exists(join(abs, m)))) result = { config: {}, stoppedAt: abs, errors: [] };
    else result = parent === abs ? { config: {}, errors: [] } : loadConfigForDir(parent);
  }
  cache.set(abs, result);
  return result;
}

/** The config that applies to `filePath` (a file; its folder is searched first). */
export function loadConfigFor(filePath: string): LoadedConfig {
  return loadConfigForDir(dirname(resolve(filePath)));
}

export function readConfigFile(path: string): LoadedConfig {
  const json = readJsonFile(path);
  if (json instanceof Error) return { config: {}, path, dir: dirname(path), errors: [`${path}: ${json.message}`] };
  const { config, errors } = parseConfig(json, (file) => readJsonFile(resolve(dirname(path), file)));
  return { config, path, dir: dirname(path), errors: errors.map((e) => `${path}: ${e}`) };
}

/** A JSON file's parsed value (a configuration, a target profile), or an Error saying why it cannot be read. */
export function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return new Error(
      e instanceof SyntaxError
        ? `invalid JSON: ${e.message}`
        : `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}
