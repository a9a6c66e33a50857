// Lowers a `.layers` syntax tree to the IR graph: evaluates directives (directives.ts),
// checks op arguments (checkOp.ts), unrolls `repeat` and expands block invocations with
// their own name scopes (statements.ts, blocks.ts, scope.ts), names layers (naming.ts) and
// decides implicit conv biases (implicitBias.ts). Errors become diagnostics; the offending
// op is skipped so the rest still lowers. Cost: linear in the unrolled layers; ops are
// checked once per distinct text where they can be (sharedOps.ts); reading a layer's `name`
// names it and the layers before it, no others.
import type { EngineDiagnostic } from '../../../core/diagnostics';
import { exact } from '../../../core/format';
import { emptyGraph, type Graph, type Layer } from '../../../core/ir';
import { LIMITS } from '../../../core/limits';
import type { Companions } from '../../types';
import type { BlockStmt, FileAst, Stmt } from '../ast';
import { collectBlocks } from './blocks';
import type { Diag } from './checkOp';
import { applyDirective } from './directives';
import { Naming } from './naming';
import { Reporter } from './reporter';
import { Scope } from './scope';
import { LimitReached, type LowerCtx, Lowering } from './statements';

export interface Lowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  blocks: Map<string, BlockStmt>;
  /** Names the graph's layers (rebound by an incremental update). */
  naming: Naming;
}

const NETWORK_INPUT = -1;

/** `companions`: the host's reader of files next to the spec (a `target FILE` profile), where it has one. */
export function lowerLayers(ast: FileAst, text: string, companions?: Companions): Lowered {
  const layers: Layer[] = [];
  const naming = new Naming(layers);
  const graph = emptyGraph('layers', 'network', undefined, layers);
  const reporter = new Reporter();
  // Block definitions first, so a block can be used above its definition.
  const blocks = collectBlocks(ast, reporter.diag);
  const lowering = new Lowering(layers, blocks, naming, text, reporter);
  lowerStatements(ast.statements, graph, lowering, reporter.diag, companions);
  if (!graph.input.span)
    reporter.diag(
      'missing-input',
      { start: 0, end: 0 },
      "No 'input HxWxC' line: shapes and costs need the input size (e.g. 'input 224x224x3').",
    );
  lowering.implicitBiases.decide(layers);
  return { graph, diagnostics: reporter.diagnostics, blocks, naming };
}

/** The top-level statements in order; a limit reached stops lowering at the statement that reached it. */
function lowerStatements(
  statements: Stmt[],
  graph: Graph,
  lowering: Lowering,
  diag: Diag,
  companions: Companions | undefined,
): void {
  const top: LowerCtx = {
    reused: false,
    env: new Map(),
    scope: new Scope(undefined, statements),
    names: { naming: lowering.naming, suffix: '' },
    callStack: [],
    depth: 0,
  };
  let prev = NETWORK_INPUT;
  for (const s of statements) {
    if (s.kind === 'directive') applyDirective(s, graph, diag, companions);
    if (s.kind !== 'layer' && s.kind !== 'repeat') continue;
    try {
      prev = s.kind === 'layer' ? lowering.lowerChain(s, prev, top) : lowering.lowerRepeat(s, prev, top);
    } catch (e) {
      if (!(e instanceof LimitReached)) throw e;
      const what =
        e.what === 'layers'
          ? `more than ${exact(LIMITS.maxLayers)} layers`
          : `more than ${exact(LIMITS.maxSteps)} steps (repeats and block uses multiply out)`;
      diag('limit-exceeded', s.span, `The network unrolls to ${what}; analysis stops here.`);
      return;
    }
  }
}
