// Values in `.layers` arguments: integers, decimals, sizes with K/M/G suffixes, `HxW`
// dimensions and small integer expressions over block parameters (`mid*4`, `(c+1)/2`).
// Every function returns a value or an error message, never throws.
import { LIMITS } from '../../core/limits';

export type Scalar = number | string;
export type Env = ReadonlyMap<string, Scalar>;
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(error: string): Result<T> => ({ ok: false, error });

const SUFFIX: Record<string, number> = { k: 1e3, K: 1e3, m: 1e6, M: 1e6, g: 1e9, G: 1e9, t: 1e12, T: 1e12 };
const NUMBER_RE = /^[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?$/;
const COUNT_RE = /^([0-9]+(?:\.[0-9]+)?)([kKmMgGtT]?)$/;
const DIMS_RE = /^([0-9]+)x([0-9]+)(?:x([0-9]+))?$/;
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A word after block-parameter substitution: a number, or text that is not a number. */
export function resolveWord(text: string, env: Env): Result<Scalar> {
  if (NUMBER_RE.test(text)) return ok(Number(text));
  if (env.has(text)) return ok(env.get(text)!);
  if (/[-+*/()%]/.test(text) && !DIMS_RE.test(text)) return evaluate(text, env);
  return ok(text);
}

/** `300M`, `2.5G`, `4000000`: a count with an optional metric suffix. */
export function parseCount(text: string): Result<number> {
  const m = COUNT_RE.exec(text);
  if (!m) return fail(`'${text}' is not a count (examples: 300M, 4.2M, 1500000).`);
  // Exact decimal scaling (4.2M is 4200000, not 4199999.9999999995); a fraction of one is not a count.
  const [whole, rawFraction = ''] = m[1]!.split('.');
  const fraction = rawFraction.replace(/0+$/, '');
  const zeros = m[2] ? Math.round(Math.log10(SUFFIX[m[2]]!)) : 0;
  if (fraction.length > zeros) return fail(`'${text}' is not a whole count.`);
  const v = Number(`${whole}${fraction.padEnd(zeros, '0')}`);
  return Number.isSafeInteger(v) ? ok(v) : fail(`'${text}' is too large: counts are exact up to 2^53.`);
}

/** `6MB`, `512KB`, `1.5GB`, `4000000B` → bytes (decimal units, as reports print them); undefined unless a positive whole number of bytes. */
export function parseBytes(text: string): number | undefined {
  if (!/^[0-9.]+[kKmMgGtT]?B$/.test(text)) return undefined;
  const c = parseCount(text.slice(0, -1));
  return c.ok && c.value > 0 ? c.value : undefined;
}

/** `5ms`, `0.5ms`, `800us` → milliseconds; undefined unless a finite positive time with its unit. */
export function parseMilliseconds(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|us|µs)$/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]) / (m[2] === 'ms' ? 1 : 1000);
  return v > 0 && Number.isFinite(v) ? v : undefined;
}

export function parseDims(text: string): number[] | undefined {
  const m = DIMS_RE.exec(text);
  if (!m) return undefined;
  return [m[1], m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
}

/** Integer arithmetic with + - * / % and parentheses; `/` divides exactly or floors. */
export function evaluate(text: string, env: Env): Result<number> {
  if (text.length > LIMITS.maxExpressionLength)
    return fail(
      `An expression of ${text.length} characters is longer than the ${LIMITS.maxExpressionLength} LayerLint evaluates.`,
    );
  let i = 0;
  const src = text;
  const skip = () => {
    while (i < src.length && (src[i] === ' ' || src[i] === '\t')) i++;
  };
  const primary = (): Result<number> => {
    skip();
    const c = src[i];
    if (c === '(') {
      i++;
      const v = sum();
      if (!v.ok) return v;
      skip();
      if (src[i] !== ')') return fail(`Expected ')' in '${text}'.`);
      i++;
      return v;
    }
    if (c === '-') {
      i++;
      const v = primary();
      return v.ok ? ok(-v.value) : v;
    }
    const m = /^[0-9]+(?:\.[0-9]+)?|^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (!m) return fail(`Unexpected '${src.slice(i, i + 1) || 'end'}' in expression '${text}'.`);
    i += m[0].length;
    if (IDENT_RE.test(m[0])) {
      const v = env.get(m[0]);
      if (v === undefined) return fail(`'${m[0]}' is not a parameter of this block.`);
      if (typeof v !== 'number') return fail(`Parameter '${m[0]}' is '${v}', not a number.`);
      return ok(v);
    }
    return ok(Number(m[0]));
  };
  const product = (): Result<number> => {
    let left = primary();
    while (left.ok) {
      skip();
      const op = src[i];
      if (op !== '*' && op !== '/' && op !== '%') break;
      i++;
      const right = primary();
      if (!right.ok) return right;
      if ((op === '/' || op === '%') && right.value === 0) return fail(`Division by zero in '${text}'.`);
      left = ok(
        op === '*'
          ? left.value * right.value
          : op === '%'
            ? left.value % right.value
            : Number.isInteger(left.value) && Number.isInteger(right.value)
              ? Math.floor(left.value / right.value)
              : left.value / right.value,
      );
    }
    return left;
  };
  const sum = (): Result<number> => {
    let left = product();
    while (left.ok) {
      skip();
      const op = src[i];
      if (op !== '+' && op !== '-') break;
      i++;
      const right = product();
      if (!right.ok) return right;
      left = ok(op === '+' ? left.value + right.value : left.value - right.value);
    }
    return left;
  };
  const v = sum();
  if (!v.ok) return v;
  skip();
  if (i < src.length) return fail(`Unexpected '${src.slice(i)}' in expression '${text}'.`);
  if (!Number.isFinite(v.value)) return fail(`'${text}' does not evaluate to a finite number.`);
  return v;
}
