// Summary statistics and the one-line-per-figure output every benchmark prints.
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Target from docs/performance.md, when there is one. */
  target?: { op: '<' | '<=' | '>='; value: number };
  note?: string;
}

/** CPU milliseconds `f` takes (process.cpuUsage: time other processes take does not count). */
export function cpuMs(f: () => void): number {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(samples: number[]): {
  median: number;
  p10: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
} {
  const s = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(s, 0.5),
    p10: quantile(s, 0.1),
    p90: quantile(s, 0.9),
    p99: quantile(s, 0.99),
    min: s[0]!,
    max: s[s.length - 1]!,
  };
}

export function printFigure(f: Figure): void {
  const v = f.value >= 100 ? f.value.toFixed(0) : f.value >= 10 ? f.value.toFixed(1) : f.value.toFixed(3);
  const verdict = f.target
    ? (
        f.target.op === '<'
          ? f.value < f.target.value
          : f.target.op === '<='
            ? f.value <= f.target.value
            : f.value >= f.target.value
      )
      ? `  [target ${f.target.op} ${f.target.value}: met]`
      : `  [target ${f.target.op} ${f.target.value}: MISSED]`
    : '';
  console.log(`${f.name.padEnd(48)} ${v.padStart(10)} ${f.unit}${verdict}${f.note ? `  (${f.note})` : ''}`);
}

/** Spearman's rank correlation, ties given their mean rank. */
export function spearman(a: number[], b: number[]): number {
  const rank = (x: number[]) => {
    const order = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(x.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
      for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (ra.length - 1) / 2;
  let num = 0,
    da = 0,
    db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}
