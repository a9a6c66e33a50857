// One file through the engine, as every command does it: read the text (./sourceFile.ts: a
// read failure is a UsageError, exit 2; a file too large to read is one limit-exceeded finding), find its layerlint.json (or use `--config`), merge the config's
// options with the command line's and analyse. Precedence, lowest first: the config
// (severities, thresholds, default budget) < the file's own directives < the command line
// (--width, --resolution, --max-macs, --max-params, --max-latency, --max-activations, --target).
import { resolve } from 'node:path';
import type { BudgetFigures } from '../core/analysis';
import { configToEngineOptions, type LayerlintConfig } from '../engine/config';
import { companionsNextTo } from '../engine/companionsLoad';
import { loadConfigFor, readConfigFile, type LoadedConfig } from '../engine/configLoad';
import {
  analyzeBytes,
  analyzeSource,
  analyzeUnread,
  type DocumentAnalysis,
  type EngineOptions,
} from '../engine/analyzeSource';
import { resolveTarget, TARGET_IDS, type TargetProfile } from '../core/targets';
import { ConfigError, UsageError } from './io';
import { readSourceFile, type SourceFile } from './sourceFile';

export interface CommandLineOptions {
  alpha?: number;
  side?: number;
  budget?: BudgetFigures;
  /** `--target NAME|FILE`: the latency target, over the file's and the configuration's. */
  target?: string;
  /** The profile `--target FILE` read. */
  profiles?: TargetProfile[];
  /** `--config PATH`: use this file instead of searching upward. */
  configPath?: string;
  /** `--verbose`: told, for each file, which configuration applies. */
  verbose?: (line: string) => void;
}

/** Which configuration a file gets, for `--verbose`. */
export function describeConfig(loaded: LoadedConfig): string {
  if (loaded.path) return `configuration ${loaded.path}`;
  return loaded.stoppedAt
    ? `no configuration file (the search stopped at the repository root ${loaded.stoppedAt})`
    : 'no configuration file (none up to the file system root)';
}

export interface FileAnalysis {
  /** Absolute path. */
  path: string;
  /** As shown in output. */
  file: string;
  doc: DocumentAnalysis;
  config: LayerlintConfig;
}

/** The config for a file; a config with errors stops the run (exit 2), listing every error. */
const explicit = new Map<string, LoadedConfig>();

export function configFor(path: string, configPath: string | undefined): LoadedConfig {
  let loaded: LoadedConfig;
  if (configPath) {
    const abs = resolve(configPath);
    loaded = explicit.get(abs) ?? readConfigFile(abs);
    explicit.set(abs, loaded);
  } else loaded = loadConfigFor(path);
  if (loaded.errors.length) throw new ConfigError(`invalid configuration:\n  ${loaded.errors.join('\n  ')}`);
  return loaded;
}

export function engineOptions(config: LayerlintConfig, cli: CommandLineOptions): EngineOptions {
  const options = configToEngineOptions(config);
  if (cli.alpha !== undefined) options.alpha = cli.alpha;
  if (cli.side !== undefined) options.side = cli.side;
  if (cli.budget && Object.values(cli.budget).some((v) => v !== undefined)) options.budget = { ...cli.budget };
  if (cli.profiles) options.profiles = [...cli.profiles, ...(options.profiles ?? [])];
  if (cli.target !== undefined) {
    if (!resolveTarget(cli.target, options.profiles))
      throw new UsageError(
        `unknown --target '${cli.target}' (${[...TARGET_IDS, ...(options.profiles ?? []).map((t) => t.id)].join(', ')}, or a profile file)`,
      );
    options.target = cli.target;
  }
  return options;
}

export function analyzeFile(
  path: string,
  file: string,
  cli: CommandLineOptions,
  source: SourceFile = readSourceFile(path, file),
): FileAnalysis {
  const loaded = configFor(path, cli.configPath);
  cli.verbose?.(`${file}: ${describeConfig(loaded)}`);
  const { config } = loaded;
  // Weight shards are read from the file's own folder, only when its front-end asks.
  const options = { ...engineOptions(config, cli), companions: companionsNextTo(path) };
  const doc = source.oversized
    ? analyzeUnread(path, source.stat.size, options)
    : source.binary
      ? analyzeBytes(source.bytes, path, options)
      : analyzeSource(source.text, path, options);
  return { path, file, doc, config };
}
