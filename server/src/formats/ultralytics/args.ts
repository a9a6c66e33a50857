// Reads a row's module arguments the way Ultralytics' parse_model passes them on, checking
// each value: integers where the module needs integers (channels, kernels, strides at least
// 1, paddings at least 0), at most LIMITS.maxDimension; positive finite numbers; booleans.
// Contract: a value of the wrong kind or out of range gets an `invalid-value` diagnostic at
// that argument's own range (the row's args list when it is missing) and throws
// InvalidArgument, so the row is not costed; nothing is replaced by a default silently.
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import type { ArgValue, RowSpec } from './model';

export class InvalidArgument extends Error {}

/** Python's round(): half to even. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

export function makeDivisible(x: number, divisor = 8): number {
  return Math.ceil(x / divisor) * divisor;
}

const show = (v: ArgValue | undefined): string => (v === undefined ? 'nothing' : JSON.stringify(v));

export class RowArgs {
  constructor(
    private readonly row: RowSpec,
    /** The arguments with parse_model's names resolved (`nc`, `kpt_shape`, `None`). */
    readonly values: ArgValue[],
    private readonly diagnostics: EngineDiagnostic[],
  ) {}

  get length(): number {
    return this.values.length;
  }

  spanOf(i: number): Span {
    return this.row.argSpans[i] ?? this.row.argsSpan;
  }

  /** Reports `message` at argument i and stops lowering the row. */
  fail(i: number, message: string): never {
    this.diagnostics.push(
      makeDiagnostic('invalid-value', this.spanOf(i), `Row ${this.row.index} (${this.row.module}): ${message}`),
    );
    throw new InvalidArgument(message);
  }

  private absent(i: number): boolean {
    return i >= this.values.length || this.values[i] === null;
  }

  private checkInt(i: number, what: string, v: ArgValue | undefined, min: number): number {
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= LIMITS.maxDimension) return v;
    return this.fail(
      i,
      `${what} must be an integer from ${min} to ${LIMITS.maxDimension.toLocaleString('en-US')}, not ${show(v)}.`,
    );
  }

  /** An integer ≥ min at i; `def` when absent (or None), an error when absent and no default. */
  int(i: number, what: string, def?: number, min = 1): number {
    if (this.absent(i)) return def ?? this.fail(i, `${what} (argument ${i + 1}) is missing.`);
    return this.checkInt(i, what, this.values[i], min);
  }

  /** An integer ≥ min at i, or undefined when absent or None (Ultralytics' `p=None`: autopad). */
  optionalInt(i: number, what: string, min = 0): number | undefined {
    return this.absent(i) ? undefined : this.checkInt(i, what, this.values[i], min);
  }

  /** A positive finite number at i; `def` when absent. */
  positive(i: number, what: string, def: number): number {
    if (this.absent(i)) return def;
    const v = this.values[i];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= LIMITS.maxDimension) return v;
    return this.fail(i, `${what} must be a positive number, not ${show(v)}.`);
  }

  /** A boolean at i (Python truthiness of 0 and 1 too); `def` when absent. */
  bool(i: number, what: string, def: boolean): boolean {
    if (this.absent(i)) return def;
    const v = this.values[i];
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
    return this.fail(i, `${what} must be True or False, not ${show(v)}.`);
  }

  /** A non-empty list of integers ≥ min at i (a single integer counts as a list of one when `single`). */
  intList(i: number, what: string, min = 1, single = false): number[] {
    const v = this.values[i];
    const list = Array.isArray(v) ? v : single && typeof v === 'number' ? [v] : undefined;
    if (!list || list.length === 0) return this.fail(i, `${what} must be a list of integers, not ${show(v)}.`);
    return list.map((x) => this.checkInt(i, what, x, min));
  }

  /** A kernel given as k or (k, k); Ultralytics' square kernels only. */
  kernel(i: number, what: string, def: number): number {
    const v = this.values[i];
    if (Array.isArray(v) && v.length === 2 && v[0] === v[1]) return this.checkInt(i, what, v[0], 1);
    return this.int(i, what, def);
  }
}
