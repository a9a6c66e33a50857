// Unique layer names for front-ends and printers: the first use of a name keeps it, later
// uses get `_2`, `_3`, ... appended. Seed it with names that are already taken (names are
// only ever added to the set, never removed).
export function uniqueNamer(taken: Set<string> = new Set()): (base: string) => string {
  // Next suffix to try per base: every suffix below it is still taken, so a chain of
  // 20,000 `relu`s stays linear instead of quadratic.
  const nextSuffix = new Map<string, number>();
  return (base) => {
    let name = base;
    if (taken.has(name)) {
      let n = nextSuffix.get(base) ?? 2;
      while (taken.has(`${base}_${n}`)) n++;
      name = `${base}_${n}`;
      nextSuffix.set(base, n + 1);
    }
    taken.add(name);
    return name;
  };
}
