// Option parsing shared by the commands: node:util parseArgs with strict checking, every
// failure turned into a UsageError (exit 2) that names the option and what it accepts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseQuantity } from '../engine/config';
import { isProfilePath, parseTargetProfile } from '../core/targets';
import { readJsonFile } from '../engine/configLoad';
import { parseBytes, parseMilliseconds } from '../formats/layers/values';
import type { CommandLineOptions } from './document';
import { UsageError, type Io } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies Options;

export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...HELP_OPTION, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message
      .split('\n')[0]!
      .replace(/\. To specify a positional argument.*$/s, '')
      .replace(/\s+$/, '');
    throw new UsageError(`${command}: ${msg} (see 'layerlint ${command} --help')`);
  }
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  name: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`unknown ${name} '${value}' (${allowed.join(', ')})`);
  return value as T;
}

export function positiveNumber(v: string | undefined, name: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0 && n <= max)) throw new UsageError(`--${name} must be a number in (0, ${max}], not '${v}'`);
  return n;
}

/** A whole number in [1, max]: a fraction is an error, not rounded. */
export function positiveInteger(v: string | undefined, name: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 1 && n <= max))
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, not '${v}'`);
  return n;
}

export function nonNegativeInteger(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, not '${v}'`);
  return n;
}

/** `0.5,0.75` → [0.5, 0.75]; every item checked like positiveNumber. */
export function numberList(v: string | undefined, name: string, max: number): number[] | undefined {
  if (v === undefined) return undefined;
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) throw new UsageError(`--${name} needs at least one number`);
  return items.map((s) => positiveNumber(s, name, max)!);
}

/** `224,160` → [224, 160]; every item checked like positiveInteger. */
export function integerList(v: string | undefined, name: string, max: number): number[] | undefined {
  return numberList(v, name, max)?.map((n) => positiveInteger(String(n), name, max)!);
}

/** `300M`, `4.2M`, `1500000` → a count. */
export function count(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const q = parseQuantity(v);
  if (typeof q === 'string') throw new UsageError(`--${name}: ${q}`);
  return q;
}

/** `5ms`, `800us` → milliseconds. */
export function milliseconds(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = parseMilliseconds(v);
  if (ms === undefined) throw new UsageError(`--${name} must be a positive time such as 5ms or 800us, not '${v}'`);
  return ms;
}

/** `6MB`, `512KB` → bytes. */
export function bytes(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const b = parseBytes(v);
  if (b === undefined) throw new UsageError(`--${name} must be a positive size such as 6MB or 512KB, not '${v}'`);
  return b;
}

/** Options every analysing command takes (check, report, fix, estimate). */
export const ANALYSIS_OPTIONS = {
  width: { type: 'string' },
  resolution: { type: 'string' },
  'max-macs': { type: 'string' },
  'max-params': { type: 'string' },
  'max-latency': { type: 'string' },
  'max-activations': { type: 'string' },
  target: { type: 'string' },
  config: { type: 'string' },
  verbose: { type: 'boolean' },
} as const satisfies Options;

export const ANALYSIS_HELP = `  --width A              width multiplier α in (0, 4] instead of the file's
  --resolution R         input side instead of the file's
  --max-macs N           MACs budget, e.g. 300M (overrides the file and layerlint.json)
  --max-params N         parameter budget, e.g. 4M
  --target NAME|FILE     latency target (see 'layerlint targets') or a profile file (layerlint calibrate);
                         overrides the file's and layerlint.json's
  --max-latency T        estimated-latency budget on the target, e.g. 5ms or 800us
  --max-activations B    peak activation memory budget, e.g. 6MB (at the target's precision)
  --config PATH          use this configuration instead of the nearest layerlint.json
  --verbose              say on stderr which configuration each file gets`;

export function analysisOptions(
  values: {
    width?: string;
    resolution?: string;
    'max-macs'?: string;
    'max-params'?: string;
    'max-latency'?: string;
    'max-activations'?: string;
    target?: string;
    config?: string;
    verbose?: boolean;
  },
  io: Io,
): CommandLineOptions {
  const o: CommandLineOptions = {};
  const alpha = positiveNumber(values.width, 'width', 4);
  const side = positiveInteger(values.resolution, 'resolution', 1_000_000);
  const macs = count(values['max-macs'], 'max-macs');
  const params = count(values['max-params'], 'max-params');
  if (alpha !== undefined) o.alpha = alpha;
  if (side !== undefined) o.side = side;
  const latencyMs = milliseconds(values['max-latency'], 'max-latency');
  const activationBytes = bytes(values['max-activations'], 'max-activations');
  if (macs !== undefined || params !== undefined || latencyMs !== undefined || activationBytes !== undefined)
    o.budget = {
      ...(macs !== undefined ? { macs } : {}),
      ...(params !== undefined ? { params } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(activationBytes !== undefined ? { activationBytes } : {}),
    };
  if (values.target !== undefined) Object.assign(o, targetOption(values.target));
  if (values.config !== undefined) o.configPath = values.config;
  if (values.verbose) o.verbose = (line) => io.err(`layerlint: ${line}\n`);
  return o;
}

/**
 * `--target`: a built-in target, a profile file (a path: it holds a `/` or ends in `.json`),
 * checked field by field, or another name, which the configuration's `targets` must define
 * (checked once the configuration is read: cli/document.ts).
 */
export function targetOption(value: string): Pick<CommandLineOptions, 'target' | 'profiles'> {
  if (!isProfilePath(value)) return { target: value };
  const json = readJsonFile(value);
  if (json instanceof Error) throw new UsageError(`--target ${value}: ${json.message}`);
  const { profile, errors } = parseTargetProfile(json);
  if (!profile) throw new UsageError(`--target ${value}: not a target profile:\n  ${errors.join('\n  ')}`);
  return { target: profile.id, profiles: [profile] };
}
