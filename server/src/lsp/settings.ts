// The editor settings (section `layerlint`, package.json `contributes.configuration`): their
// shape, defaults, and the one normalization of whatever a client sends. Rule severities and
// thresholds go through the same validators as layerlint.json (engine/config.ts), so an
// entry the file would reject is dropped here too; test/unit/settings.test.ts keeps these
// defaults, package.json, the JSON schema and the docs in step.
import type { Code } from '../core/diagnostics';
import type { RuleOptions } from '../core/rules/options';
import { parseRuleSettings, parseThresholds, type RuleSetting } from '../engine/config';
import { isProfileId, isProfilePath, profileFromBytes, type TargetProfile } from '../core/targets';
import type { Companions } from '../formats/types';

export interface Settings {
  /** Per-code severity, or 'off'. */
  rules: Partial<Record<Code, RuleSetting>>;
  thresholds: Partial<RuleOptions>;
  codeLens: { enable: boolean; estimates: boolean };
  inlayHints: { enable: boolean };
  /** Milliseconds between the last edit and re-analysis. */
  debounceMs: number;
  /**
   * Latency target for files without a `target` line, overriding layerlint.json's: a built-in
   * id (core/targets.ts) or a profile file relative to the workspace folder; '' for none.
   */
  target: string;
  /** `layerlint.bench` (LayerLint: Measure latency on this machine): ONNX Runtime intra-op threads and timed runs. */
  bench: { threads: number; repeats: number };
}

export const DEFAULT_SETTINGS: Settings = {
  rules: {},
  thresholds: {},
  codeLens: { enable: true, estimates: true },
  inlayHints: { enable: true },
  debounceMs: 150,
  target: '',
  bench: { threads: 1, repeats: 10 },
};

/** The ranges of `layerlint.bench.threads` and `.repeats` (those of `layerlint bench --threads/--repeats`); outside, the default. */
export const BENCH_RANGES = {
  threads: { minimum: 1, maximum: 1024 },
  repeats: { minimum: 1, maximum: 10_000 },
} as const;

/** The warm-up runs before the timed ones (as `layerlint bench`'s default). */
export const BENCH_WARMUP = 3;

/** The range `layerlint.debounceMs` may take; a value outside it keeps the default. */
export const DEBOUNCE_RANGE = { minimum: 0, maximum: 10_000 } as const;

/**
 * Merges a (possibly partial or malformed) client settings object over the defaults.
 * Invalid entries are dropped, each on its own: the problems parseRuleSettings and
 * parseThresholds name are not shown (an editor reports its own settings' schema errors).
 */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  const lens = obj(r.codeLens);
  const hints = obj(r.inlayHints);
  const bench = obj(r.bench);
  const inRange = (v: unknown, range: { minimum: number; maximum: number }, d: number) =>
    Number.isInteger(v) && (v as number) >= range.minimum && (v as number) <= range.maximum ? (v as number) : d;
  const ignored: string[] = [];
  const debounce =
    typeof r.debounceMs === 'number' && r.debounceMs >= DEBOUNCE_RANGE.minimum && r.debounceMs <= DEBOUNCE_RANGE.maximum
      ? r.debounceMs
      : DEFAULT_SETTINGS.debounceMs;
  return {
    rules: parseRuleSettings(r.rules ?? {}, ignored) ?? {},
    thresholds: parseThresholds(r.thresholds ?? {}, ignored) ?? {},
    codeLens: {
      enable: bool(lens.enable, DEFAULT_SETTINGS.codeLens.enable),
      estimates: bool(lens.estimates, DEFAULT_SETTINGS.codeLens.estimates),
    },
    inlayHints: { enable: bool(hints.enable, DEFAULT_SETTINGS.inlayHints.enable) },
    debounceMs: debounce,
    target:
      typeof r.target === 'string' && (isProfileId(r.target) || isProfilePath(r.target))
        ? r.target
        : DEFAULT_SETTINGS.target,
    bench: {
      threads: inRange(bench.threads, BENCH_RANGES.threads, DEFAULT_SETTINGS.bench.threads),
      repeats: inRange(bench.repeats, BENCH_RANGES.repeats, DEFAULT_SETTINGS.bench.repeats),
    },
  };
}

/** What the `layerlint.target` setting gives a document: a target id (with its profile, read from a file), or why none. */
export type TargetSetting = { id: string; profile?: TargetProfile } | { error: string };

/**
 * The `layerlint.target` setting `value` for the document at `uri`: a built-in id as is; a
 * profile file read relative to the workspace folder holding the document (the longest of
 * `folders` that contains it), through `readIn(folder)`, the host's reader confined to that
 * folder (undefined where the host reads no files: the web). Never throws.
 */
export function resolveTargetSetting(
  value: string,
  uri: string,
  folders: readonly string[],
  readIn: ((folderUri: string) => Companions) | undefined,
): TargetSetting {
  if (!isProfilePath(value)) return { id: value };
  const why = (reason: string) => ({
    error: `The layerlint.target setting names the profile file '${value}', which cannot be used: ${reason}. No target is set.`,
  });
  if (!readIn) return why('this host reads no files (VS Code for the Web); name a built-in target');
  const folder = folders
    .filter((f) => uri.startsWith(f.endsWith('/') ? f : `${f}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (folder === undefined) return why('the document is in no workspace folder');
  const bytes = readIn(folder).read(value);
  const read = bytes instanceof Uint8Array ? profileFromBytes(bytes) : bytes;
  return 'error' in read ? why(read.error) : { id: read.profile.id, profile: read.profile };
}
