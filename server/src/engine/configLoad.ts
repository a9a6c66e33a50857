// The Node half of configuration: find `layerlint.json` (or `.layerlintrc.json`) in the
// file's folder or the nearest folder above it, read and parse it (./config.ts). The search
// stops at the repository root (a folder holding `.git`, `.hg` or `.svn`): a config file
// outside the project never applies. Outside any repository it goes up to the file
// system's root. Results
// are cached per folder for the life of the process (a CLI run, or until
// `clearConfigCache()` — the language server calls it when a config file changes).
//
// Contract: never throws. A config that cannot be read or parsed is reported in `errors`
// (prefixed with its path, and the line and column of the value or key at fault where the
// message names one) and contributes what could be understood of it.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { LineIndex, type Position } from '../core/lineIndex';
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
  /** The same problems, each without the path prefix and with where it is in the file (0-based) when known: for editors. */
  problems?: ConfigProblem[];
}

/** One problem of a configuration file, at the value or key at fault (from `at` to `end`: line and UTF-16 character, 0-based). */
export interface ConfigProblem {
  message: string;
  at?: Position;
  end?: Position;
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
  const unread = (e: Error): LoadedConfig => ({
    config: {},
    path,
    dir: dirname(path),
    errors: [`${path}: ${e.message}`],
  });
  const text = readText(path);
  if (text instanceof Error) return unread(text);
  const json = parseJsonText(text);
  if (json instanceof Error) return unread(json);
  const { config, errors } = parseConfig(json, (file) => readJsonFile(resolve(dirname(path), file)));
  const lines = new LineIndex(text);
  const problems = errors.map((message): ConfigProblem => {
    const span = configErrorSpan(text, message);
    return span ? { message, at: lines.positionAt(span.start), end: lines.positionAt(span.end) } : { message };
  });
  const where = ({ at }: ConfigProblem) => (at ? `${path}:${at.line + 1}:${at.character + 1}` : path);
  return {
    config,
    path,
    dir: dirname(path),
    errors: problems.map((p) => `${where(p)}: ${p.message}`),
    problems,
  };
}

/**
 * Where in the configuration `text` the problem `error` (a parseConfig message, which starts
 * with the JSON path it is about: `thresholds.fcHeavyShare: …`, `targets[1] (p.json): …`,
 * `rules: unknown rule code 'x'`, `unknown key 'x'`) is: the offset of that value, or of the
 * key itself when the key is the problem, as offsets; undefined when the path is not found.
 */
export function configErrorSpan(text: string, error: string): { start: number; end: number } | undefined {
  const m = /^([A-Za-z$_][\w$-]*)((?:\.[\w$-]+|\[\d+\])*)(?: \([^)]*\))?: (.*)$/s.exec(error);
  const path: (string | number)[] = [];
  let badKey: string | undefined;
  if (m) {
    path.push(m[1]!);
    for (const [, key, index] of m[2]!.matchAll(/\.([\w$-]+)|\[(\d+)\]/g))
      path.push(index !== undefined ? Number(index) : key!);
    badKey = /^unknown (?:rule code|threshold|kind|key) '([^']*)'/.exec(m[3]!)?.[1];
  } else badKey = /^unknown key '([^']*)'/.exec(error)?.[1] ?? /^'([^']*)' must be/.exec(error)?.[1];
  if (!path.length && badKey === undefined) return undefined;
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const step of badKey === undefined ? path : [...path, badKey]) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === step);
      if (!pair) return undefined;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      keyNode = undefined;
      node = node.items[step];
    } else return undefined;
  }
  const range = ((badKey !== undefined ? keyNode : node) as { range?: [number, number, number] } | undefined)?.range;
  return range && { start: range[0], end: range[1] };
}

/** JSON text parsed, or an Error saying why it is not JSON. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return new Error(`invalid JSON: ${(e as Error).message}`);
  }
}

/** A JSON file's parsed value (a configuration, a target profile), or an Error saying why it cannot be read. */
export function readJsonFile(path: string): unknown {
  const text = readText(path);
  return text instanceof Error ? text : parseJsonText(text);
}

/** A file's text, or an Error saying why it cannot be read. */
function readText(path: string): string | Error {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    return new Error(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
