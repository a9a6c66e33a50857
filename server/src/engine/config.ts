// LayerLint configuration (`layerlint.json` / `.layerlintrc.json`), the pure half: validate
// parsed JSON into a typed config, and turn a config into the engine's options. No fs, no
// Node APIs: the browser build and the language server reuse it. The file search lives in
// ./configLoad.ts. The shape here is the one schemas/layerlint.schema.json describes; a unit test
// keeps the two in step.
//
// Contract: parseConfig never throws; every problem becomes one message in `errors` naming
// the JSON path, and the offending entry is left out of `config` (the rest still applies).
import { CODES, SEVERITIES, type Code, type Severity } from '../core/diagnostics';
import type { ConventionId } from '../core/conventions';
import {
  DEFAULT_RULE_OPTIONS,
  INTEGER_THRESHOLDS,
  RATIO_THRESHOLDS,
  SHARE_THRESHOLDS,
  type RuleOptions,
} from '../core/rules/options';
import type { EngineOptions } from './analyzeSource';
import { parseBytes, parseCount, parseMilliseconds } from '../formats/layers/values';
import { parseTargetProfile, resolveTarget, TARGET_IDS, type TargetProfile } from '../core/targets';

export const CONFIG_FILE_NAMES = ['layerlint.json', '.layerlintrc.json'] as const;

export type RuleSetting = Severity | 'off';
export const RULE_SETTINGS: readonly RuleSetting[] = [...SEVERITIES, 'off'];
export const CONVENTION_IDS: readonly ConventionId[] = ['layerlint', 'darknet', 'netscope', 'ultralytics'];

export interface Budget {
  macs?: number;
  params?: number;
  /** Estimated latency on the target, in ms. */
  latencyMs?: number;
  /** Peak live activation memory, in bytes. */
  activationBytes?: number;
}

export interface LayerlintConfig {
  /** Per-code severity; 'off' drops the code. */
  rules?: Partial<Record<Code, RuleSetting>>;
  /** Rule thresholds (core/rules/options.ts RuleOptions). */
  thresholds?: Partial<RuleOptions>;
  convention?: ConventionId;
  /** gitignore-style patterns, relative to the folder of the config file. */
  ignore?: string[];
  /** Default budget for files without a `budget` directive. */
  budget?: Budget;
  /** Latency target (core/targets.ts, or one of `targets`) for files without a `target` directive. */
  target?: string;
  /** Target profiles of this project (profile files or inline objects), besides the built-in ones. */
  targets?: TargetProfile[];
}

/**
 * Reads a `targets` entry that names a profile file (relative to the configuration's
 * folder): its parsed JSON, or an Error saying why it cannot be read. Supplied by the Node
 * side (configLoad.ts); without it, file entries are an error.
 */
export type ReadTargetFile = (path: string) => unknown;

export interface ConfigResult {
  config: LayerlintConfig;
  errors: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A budget figure: a positive number or a count string such as "300M", "4.2M", "1500000". */
export function parseQuantity(v: unknown): number | string {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : `${v} is not a whole number from 1 to 2^53`;
  if (typeof v !== 'string') return `expected a number or a string such as "300M"`;
  const r = parseCount(v.trim());
  if (!r.ok) return r.error;
  return r.value > 0 ? r.value : `'${v}' is not positive`;
}

/**
 * The `rules` block (layerlint.json) or setting (`layerlint.rules`): code → severity or off.
 * Unknown codes and settings become messages in `errors` and are left out; undefined when
 * the value is no object.
 */
export function parseRuleSettings(value: unknown, errors: string[]): LayerlintConfig['rules'] | undefined {
  if (!isObject(value)) {
    errors.push(`'rules' must be an object of code → ${RULE_SETTINGS.join('|')}`);
    return undefined;
  }
  const rules: LayerlintConfig['rules'] = {};
  for (const [code, setting] of Object.entries(value)) {
    if (!Object.hasOwn(CODES, code)) errors.push(`rules: unknown rule code '${code}'`);
    else if (!RULE_SETTINGS.includes(setting as RuleSetting))
      errors.push(`rules.${code}: '${String(setting)}' is not one of ${RULE_SETTINGS.join(', ')}`);
    else rules[code as Code] = setting as RuleSetting;
  }
  return rules;
}

/**
 * The `thresholds` block (layerlint.json) or setting (`layerlint.thresholds`): known rule
 * thresholds (core/rules/options.ts), each a non-negative number, whole for the counts
 * (INTEGER_THRESHOLDS), from 0 to 1 for the shares, at least 1 for the ratios. Problems as
 * for rules.
 */
export function parseThresholds(value: unknown, errors: string[]): Partial<RuleOptions> | undefined {
  if (!isObject(value)) {
    errors.push(`'thresholds' must be an object`);
    return undefined;
  }
  const thresholds: Partial<RuleOptions> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!Object.hasOwn(DEFAULT_RULE_OPTIONS, key))
      errors.push(`thresholds: unknown threshold '${key}' (${Object.keys(DEFAULT_RULE_OPTIONS).join(', ')})`);
    else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      errors.push(`thresholds.${key}: expected a non-negative number`);
    else if (SHARE_THRESHOLDS.has(key as keyof RuleOptions) && v > 1)
      errors.push(`thresholds.${key}: expected a share from 0 to 1, not ${v}`);
    else if (RATIO_THRESHOLDS.has(key as keyof RuleOptions) && v < 1)
      errors.push(`thresholds.${key}: expected a ratio of at least 1, not ${v}`);
    else if (INTEGER_THRESHOLDS.has(key as keyof RuleOptions) && !Number.isInteger(v))
      errors.push(`thresholds.${key}: expected a whole number`);
    else thresholds[key as keyof RuleOptions] = v;
  }
  return thresholds;
}

export function parseConfig(json: unknown, readTargetFile?: ReadTargetFile): ConfigResult {
  const errors: string[] = [];
  const config: LayerlintConfig = {};
  if (!isObject(json)) return { config, errors: ['the configuration must be a JSON object'] };
  for (const key of Object.keys(json)) {
    if (!['$schema', 'rules', 'thresholds', 'convention', 'ignore', 'budget', 'target', 'targets'].includes(key))
      errors.push(`unknown key '${key}'`);
  }
  if (json.rules !== undefined) {
    const rules = parseRuleSettings(json.rules, errors);
    if (rules) config.rules = rules;
  }
  if (json.thresholds !== undefined) {
    const thresholds = parseThresholds(json.thresholds, errors);
    if (thresholds) config.thresholds = thresholds;
  }
  if (json.convention !== undefined) {
    if (!CONVENTION_IDS.includes(json.convention as ConventionId))
      errors.push(`convention: '${String(json.convention)}' is not one of ${CONVENTION_IDS.join(', ')}`);
    else config.convention = json.convention as ConventionId;
  }
  if (json.ignore !== undefined) {
    if (!Array.isArray(json.ignore) || json.ignore.some((p) => typeof p !== 'string'))
      errors.push(`'ignore' must be an array of strings`);
    else config.ignore = json.ignore as string[];
  }
  if (json.budget !== undefined) {
    if (!isObject(json.budget)) errors.push(`'budget' must be an object {macs, params, latency, activations}`);
    else {
      const budget: Budget = {};
      for (const [key, value] of Object.entries(json.budget)) {
        if (key === 'latency') {
          const ms = typeof value === 'string' ? parseMilliseconds(value.trim()) : undefined;
          if (ms === undefined) errors.push(`budget.latency: expected a time such as "5ms" or "800us"`);
          else budget.latencyMs = ms;
          continue;
        }
        if (key === 'activations') {
          const bytes = typeof value === 'string' ? parseBytes(value.trim()) : undefined;
          if (bytes === undefined) errors.push(`budget.activations: expected a size such as "6MB" or "512KB"`);
          else budget.activationBytes = bytes;
          continue;
        }
        if (key !== 'macs' && key !== 'params') {
          errors.push(`budget: unknown key '${key}' (macs, params, latency, activations)`);
          continue;
        }
        const q = parseQuantity(value);
        if (typeof q === 'string') errors.push(`budget.${key}: ${q}`);
        else budget[key] = q;
      }
      config.budget = budget;
    }
  }
  if (json.targets !== undefined) {
    const targets = parseTargets(json.targets, errors, readTargetFile);
    if (targets) config.targets = targets;
  }
  if (json.target !== undefined) {
    const ids = [...TARGET_IDS, ...(config.targets ?? []).map((t) => t.id)];
    if (typeof json.target !== 'string' || !resolveTarget(json.target, config.targets))
      errors.push(`target: '${String(json.target)}' is not one of ${ids.join(', ')}`);
    else config.target = json.target;
  }
  return { config, errors };
}

/** The `targets` array: each entry a profile object or the path of a profile file; problems name the entry and field. */
function parseTargets(value: unknown, errors: string[], readTargetFile: ReadTargetFile | undefined) {
  if (!Array.isArray(value)) {
    errors.push(`'targets' must be an array of target profiles or profile file paths`);
    return undefined;
  }
  const targets: TargetProfile[] = [];
  value.forEach((entry, i) => {
    const where = typeof entry === 'string' ? `targets[${i}] (${entry})` : `targets[${i}]`;
    let json = entry;
    if (typeof entry === 'string') {
      json = readTargetFile ? readTargetFile(entry) : new Error('profile files are not read here');
      if (json instanceof Error) {
        errors.push(`${where}: ${json.message}`);
        return;
      }
    }
    const { profile, errors: problems } = parseTargetProfile(json);
    for (const e of problems) errors.push(`${where}: ${e}`);
    if (!profile) return;
    if (targets.some((t) => t.id === profile.id)) errors.push(`${where}: id '${profile.id}' is defined twice`);
    else targets.push(profile);
  });
  return targets;
}

/** The engine options a config stands for. The config budget becomes `defaultBudget` (core/analyze.ts): the file's own `budget` line overrides it. */
export function configToEngineOptions(config: LayerlintConfig): EngineOptions {
  const options: EngineOptions = {};
  if (config.rules && Object.keys(config.rules).length) options.severities = { ...config.rules };
  if (config.thresholds && Object.keys(config.thresholds).length) options.rules = { ...config.thresholds };
  if (config.budget && Object.values(config.budget).some((v) => v !== undefined))
    options.defaultBudget = { ...config.budget };
  if (config.target !== undefined) options.defaultTarget = config.target;
  if (config.targets?.length) options.profiles = config.targets;
  return options;
}
