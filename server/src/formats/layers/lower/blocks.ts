// `.layers` blocks: their definitions (collected before lowering, so a block can be used
// above its definition) and the binding of an invocation's arguments to its parameters.
import type { BlockStmt, FileAst, OpNode } from '../ast';
import { own } from '../../tables';
import { OPS } from '../ops';
import { resolveWord, type Env, type Scalar } from '../values';
import type { Diag } from './checkOp';

/** The file's blocks by name; a block named like a built-in op or defined twice is reported and left out. */
export function collectBlocks(ast: FileAst, diag: Diag): Map<string, BlockStmt> {
  const blocks = new Map<string, BlockStmt>();
  for (const s of ast.statements) {
    if (s.kind !== 'block') continue;
    if (own(OPS, s.name.text))
      diag('duplicate-name', s.name.span, `'${s.name.text}' is a built-in op and cannot be redefined as a block.`);
    else if (blocks.has(s.name.text)) diag('duplicate-name', s.name.span, `Block '${s.name.text}' is already defined.`);
    else blocks.set(s.name.text, s);
  }
  return blocks;
}

/**
 * The parameter values of one invocation (arguments by position or name, then defaults),
 * resolved in the caller's `env`; undefined after diagnostics when any is missing or bad.
 */
export function bindBlockParams(block: BlockStmt, node: OpNode, env: Env, diag: Diag): Map<string, Scalar> | undefined {
  const name = block.name.text;
  const bound = new Map<string, Scalar>();
  let positional = 0;
  let failed = false;
  for (const arg of node.args) {
    const target = arg.key ? block.params.find((p) => p.name.text === arg.key!.text) : block.params[positional++];
    if (!target) {
      if (arg.key)
        diag(
          'unknown-option',
          arg.key.span,
          `Block '${name}' has no parameter '${arg.key.text}' (parameters: ${block.params.map((p) => p.name.text).join(', ') || 'none'}).`,
        );
      else
        diag(
          'invalid-value',
          arg.span,
          `Block '${name}' takes ${block.params.length} parameter(s); '${arg.value.text}' is one too many.`,
        );
      failed = true;
      continue;
    }
    const v = resolveWord(arg.value.text, env);
    if (!v.ok) {
      diag('invalid-value', arg.value.span, v.error);
      failed = true;
    } else bound.set(target.name.text, v.value);
  }
  for (const p of block.params) {
    if (bound.has(p.name.text)) continue;
    if (!p.default) {
      diag('invalid-value', node.span, `Block '${name}' needs a value for '${p.name.text}'.`);
      failed = true;
      continue;
    }
    const v = resolveWord(p.default.text, bound);
    if (!v.ok) {
      diag('invalid-value', p.default.span, v.error);
      failed = true;
    } else bound.set(p.name.text, v.value);
  }
  return failed ? undefined : bound;
}
