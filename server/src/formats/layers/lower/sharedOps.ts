// Checking an op once for many layers. A repeat or a block used many times lowers the same
// op node many times, and a network repeats the same op text (`relu`, `bn`, `conv 3x3 64`):
// an op whose arguments do not depend on block parameters is checked once per distinct op
// text (merges: once per syntax node) and its op shared by later instances.
import type { LayerOp } from '../../../core/ir';
import type { OpNode } from '../ast';
import type { Env } from '../values';
import type { OpCheck } from './checkOp';

/**
 * An op checked once for an op text (or a merge's syntax node) that no block parameter
 * affects, with a diagnostics-free result: every instance shares `op` and resolves `names` again. A conv
 * without `bias=` gets one of two shared copies once its bias is decided (after lowering).
 */
export interface SharedOp extends OpCheck {
  withBias?: LayerOp;
  withoutBias?: LayerOp;
}

/** A word whose value can depend on block parameters in `env` (a parameter name or an expression). */
export function dependsOnEnv(text: string, env: Env): boolean {
  return env.has(text) || (/[-+*/()%]/.test(text) && !/^[0-9]+x[0-9]+(?:x[0-9]+)?$/.test(text));
}

/** Whether no argument of `node` depends on the block parameters in `env`. */
export function envFree(node: OpNode, env: Env): boolean {
  return env.size === 0 || !node.args.some((a) => dependsOnEnv(a.value.text, env));
}

export class SharedOps {
  /** Per op node: its shared op, or null when its arguments depend on block parameters. */
  private readonly byNode = new Map<OpNode, SharedOp | null>();
  /** Per op text, for a chain's first op (the only place `from=` is allowed) and for later ones. */
  private readonly firstByText = new Map<string, SharedOp>();
  private readonly laterByText = new Map<string, SharedOp>();

  ofNode(node: OpNode): SharedOp | null | undefined {
    return this.byNode.get(node);
  }
  /** Remembers a reused node's outcome the first time it is lowered. */
  rememberNode(node: OpNode, shared: SharedOp | undefined): void {
    if (!this.byNode.has(node)) this.byNode.set(node, shared ?? null);
  }
  ofText(opIndex: number, text: string): SharedOp | undefined {
    return (opIndex === 0 ? this.firstByText : this.laterByText).get(text);
  }
  rememberText(opIndex: number, text: string, shared: SharedOp): void {
    (opIndex === 0 ? this.firstByText : this.laterByText).set(text, shared);
  }
}
