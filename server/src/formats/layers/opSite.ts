// From an IR layer back to the syntax tree: the chain op a layer's span starts at, for
// printers and editor features that rewrite or inspect the op's text.
import type { LayerStmt, Stmt } from './ast';

/** Where an IR layer's op sits in the syntax tree. */
export interface OpSite {
  stmt: LayerStmt;
  opIndex: number;
}

/** Finds the chain op whose span starts at `start` (a layer's `span.start`). */
export function findOpSite(stmts: Stmt[], start: number): OpSite | undefined {
  for (const s of stmts) {
    if (s.span.end < start || s.span.start > start) continue;
    if (s.kind === 'layer') {
      const opIndex = s.chain.findIndex((op) => op.span.start === start);
      if (opIndex >= 0) return { stmt: s, opIndex };
    } else if (s.kind === 'block' || s.kind === 'repeat') {
      const found = findOpSite(s.kind === 'block' ? s.body : (s.body ?? (s.chain ? [s.chain] : [])), start);
      if (found) return found;
    }
  }
  return undefined;
}
