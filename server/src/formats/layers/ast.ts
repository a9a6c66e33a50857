// Syntax tree of a `.layers` file. Every node keeps the span of its text so that
// diagnostics, hovers and edits can point back at the exact characters.
import type { Span } from '../../core/ir';

/**
 * A word of the source with its offsets. A Word is its own span (`span` returns the word),
 * and a positional argument is its word (`value` returns the word, `key` is undefined), so
 * each word is one object: words are most of a syntax tree.
 */
export class Word implements Span, Arg {
  constructor(
    readonly text: string,
    public start: number,
    public end: number,
  ) {}
  get span(): Span {
    return this;
  }
  get value(): Word {
    return this;
  }
  get key(): undefined {
    return undefined;
  }
}

/** `value` (a Word) or `key=value`. */
export interface Arg {
  key?: Word;
  value: Word;
  span: Span;
}

export interface OpNode {
  keyword: Word;
  args: Arg[];
  span: Span;
}

export interface LayerStmt {
  kind: 'layer';
  name?: Word;
  chain: OpNode[];
  span: Span;
}

export interface DirectiveStmt {
  kind: 'directive';
  keyword: Word;
  args: Arg[];
  span: Span;
}

export interface RepeatStmt {
  kind: 'repeat';
  keyword: Word;
  count: Word;
  /** `repeat N { ... }` has a body; `repeat N CHAIN` has a one-line chain. */
  body?: Stmt[];
  chain?: LayerStmt;
  /** `[chain]`, kept so that per-body caches see one array per one-line repeat. */
  oneLine?: Stmt[];
  span: Span;
}

export interface BlockParam {
  name: Word;
  default?: Word;
}

export interface BlockStmt {
  kind: 'block';
  keyword: Word;
  name: Word;
  params: BlockParam[];
  body: Stmt[];
  span: Span;
}

export type Stmt = LayerStmt | DirectiveStmt | RepeatStmt | BlockStmt;

export interface SyntaxError {
  code: 'syntax-error' | 'limit-exceeded';
  message: string;
  span: Span;
}

export interface FileAst {
  statements: Stmt[];
  errors: SyntaxError[];
}

/** The `from=` argument of an op (a chain's first op reads its input from it), if any. */
export function fromArg(op: OpNode): Arg | undefined {
  // A positional argument (a Word) has no key: skipped without reading one.
  for (const a of op.args) if (!(a instanceof Word) && a.key?.text === 'from') return a;
  return undefined;
}
