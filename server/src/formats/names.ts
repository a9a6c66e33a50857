// Unique layer names for front-ends and printers: the first use of a name keeps it, later
// uses get `_2`, `_3`, ... appended. Seed it with names that are already taken.
export function uniqueNamer(taken: Set<string> = new Set()): (base: string) => string {
  return (base) => {
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  };
}
