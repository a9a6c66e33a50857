// Name scopes of `.layers` lowering: the top level, each block invocation and each repeat
// iteration map layer names to layer indices. A failed lookup tells a forward reference
// (the name is declared later in an enclosing statement list) from an unknown name.
import type { RepeatStmt, Stmt } from '../ast';

export class Scope {
  readonly names = new Map<string, number>();
  constructor(
    readonly parent: Scope | undefined,
    /** This scope's statements: the names they declare tell a forward reference from an unknown name (computed only when a lookup fails). */
    readonly statements: Stmt[],
  ) {}
  lookup(name: string): number | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.names.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  declaredLater(name: string): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (declaredNames(s.statements).has(name)) return true;
    return false;
  }
}

/** A repeat's statements: its body, or its one-line chain as a one-statement list (made once). */
export function repeatBody(stmt: RepeatStmt): Stmt[] {
  return stmt.body ?? (stmt.oneLine ??= stmt.chain ? [stmt.chain] : []);
}

const declaredCache = new WeakMap<Stmt[], Set<string>>();

/** Names a statement list declares (repeat bodies included), computed once per list. */
function declaredNames(stmts: Stmt[]): Set<string> {
  const hit = declaredCache.get(stmts);
  if (hit) return hit;
  const out = new Set<string>();
  declaredCache.set(stmts, out);
  for (const s of stmts) {
    if (s.kind === 'layer' && s.name) out.add(s.name.text);
    if (s.kind === 'repeat') for (const n of declaredNames(repeatBody(s))) out.add(n);
  }
  return out;
}
