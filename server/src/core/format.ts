// Number formatting shared by every output: compact counts (568.7M), exact integers with
// thousands separators (568,740,352) and percentages. Locale-independent.
/** Compact units, largest first (one table, not one per call: messages format thousands of counts). */
const UNITS: readonly (readonly [number, string])[] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'K'],
];

export function compact(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  for (const [v, u] of UNITS) {
    if (a >= v) {
      const x = n / v;
      return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}${u}`;
    }
  }
  return String(n);
}

export function exact(n: number): string {
  // Integers (nearly every figure) are grouped by hand: toLocaleString is slow on 100k-layer reports.
  if (Number.isSafeInteger(n)) return groupThousands(String(n));
  // Past 2^53 the digits are not the figure's: say so instead of quoting them.
  if (Math.abs(n) > Number.MAX_SAFE_INTEGER && Number.isFinite(n))
    return `≈${n.toExponential(3)} (past 2^53, not exact)`;
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 20 }) : String(n);
}

/** An integer's digits (after an optional '-') in groups of three: `-1234567` → `-1,234,567`. */
function groupThousands(s: string): string {
  const sign = s.charCodeAt(0) === 45 ? 1 : 0;
  const digits = s.length - sign;
  if (digits <= 3) return s;
  let out = s.slice(0, sign + ((digits - 1) % 3) + 1);
  for (let i = out.length; i < s.length; i += 3) out += `,${s.slice(i, i + 3)}`;
  return out;
}

export function percent(part: number, total: number, digits = 1): string {
  return total > 0 ? `${((100 * part) / total).toFixed(digits)}%` : '0%';
}
