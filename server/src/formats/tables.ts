// Lookups in the readers' name tables (`Record<string, T>` literals) by a name read from the
// user's text: only the table's own entries count, never a member every object inherits
// (`constructor`, `toString`, `__proto__`), so `type: "constructor"` is an unknown type.
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
