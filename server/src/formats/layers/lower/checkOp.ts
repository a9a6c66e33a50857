// Argument checking of built-in `.layers` ops: each argument against the op table's spec
// (ops.ts), block parameters resolved through `env`. Pure apart from the diagnostics it
// reports through `diag`; shared by lowering and incremental updates.
import type { Code } from '../../../core/diagnostics';
import type { LayerOp, Padding, Span } from '../../../core/ir';
import { LIMITS } from '../../../core/limits';
import type { Arg, OpNode, Word } from '../ast';
import { OPS, type ArgSpec, type ArgValue, type ArgValues, type OpSpec } from '../ops';
import { parseDims, resolveWord, type Env, type Scalar } from '../values';

/** Reports one diagnostic of lowering. */
export type Diag = (code: Code, span: Span, message: string) => void;

/** The op table as a Map: looking a freshly sliced keyword up in it only hashes the string. */
export const OP_SPECS = new Map(Object.entries(OPS));

/** A built-in op whose arguments checked: its op, its merge operands, whether it gave `bias=`. */
export interface OpCheck {
  op: LayerOp;
  names: Word[];
  explicitBias: boolean;
}

const NONE: readonly ArgSpec[] = [];

/**
 * Checks a built-in op node's arguments against its spec and builds its op (a conv-like op
 * without `bias=` leaves its bias to be decided from its consumers); undefined after a
 * diagnostic that drops the op. `from=` is checked here (allowed on a chain's first op only)
 * and resolved by the caller; merge operands come back as `names`.
 */
export function checkOp(node: OpNode, spec: OpSpec, opIndex: number, env: Env, diag: Diag): OpCheck | undefined {
  const kw = node.keyword.text;
  const values: ArgValues = new Map();
  const names: Word[] = [];
  let positional = 0;
  let failed = false;
  for (const arg of node.args) {
    if (arg.key) {
      if (!checkOption(arg, arg.key, spec, opIndex, env, kw, values, diag)) failed = true;
      continue;
    }
    const pspec = spec.positional[positional];
    if (pspec) {
      positional++;
      const v = checkArg(pspec, arg, env, kw, diag);
      if (v === undefined) failed = true;
      else values.set(pspec.name, v);
    } else if (spec.rest) {
      names.push(arg.value);
    } else {
      diag(
        'invalid-value',
        arg.span,
        `'${kw}' takes ${spec.positional.length ? spec.positional.map((p) => p.name).join(' ') : 'no positional arguments'}; '${arg.value.text}' is one too many.`,
      );
      failed = true;
    }
  }
  if (!checkRequiredGiven(node, spec, positional, diag)) failed = true;
  if (failed) return undefined;
  return { op: spec.build(values), names, explicitBias: values.has('bias') };
}

/** A `key=value` argument: known option, `from=` only on a chain's first op, value checked into `values`. */
function checkOption(
  arg: Arg,
  key: Word,
  spec: OpSpec,
  opIndex: number,
  env: Env,
  kw: string,
  values: ArgValues,
  diag: Diag,
): boolean {
  const k = key.text;
  const ospec = spec.options[k];
  if (!ospec) {
    const known = Object.keys(spec.options);
    diag('unknown-option', key.span, `'${kw}' has no option '${k}' (options: ${known.join(', ')}).`);
    return false;
  }
  if (k === 'from') {
    if (opIndex === 0) return true;
    diag('invalid-value', arg.span, "'from=' can only be given on the first op of a chain.");
    return false;
  }
  if (values.has(k)) diag('invalid-value', key.span, `Option '${k}' is given twice.`);
  const v = checkArg(ospec, arg, env, kw, diag);
  if (v === undefined) return false;
  values.set(k, v);
  return true;
}

/** False (after a diagnostic on the op) when a required positional argument is missing. */
function checkRequiredGiven(node: OpNode, spec: OpSpec, given: number, diag: Diag): boolean {
  const kw = node.keyword.text;
  const missing =
    given < spec.positional.length && !spec.positional[given]!.optional
      ? spec.positional.slice(given).filter((p) => !p.optional)
      : NONE;
  if (!missing.length) return true;
  diag(
    'invalid-value',
    node.span,
    `'${kw}' needs ${missing.map((p) => p.name).join(' and ')}: ${kw} ${spec.positional.map((p) => (p.optional ? `[${p.name.toUpperCase()}]` : p.name.toUpperCase())).join(' ')}.`,
  );
  return false;
}

/** Checks one argument against its spec; undefined after a diagnostic. */
function checkArg(spec: ArgSpec, arg: Arg, env: Env, opText: string, diag: Diag): ArgValue | undefined {
  const w = arg.value;
  if (spec.type === 'name') return w.text;
  const r = resolveWord(w.text, env);
  if (!r.ok) {
    diag('invalid-value', w.span, r.error);
    return undefined;
  }
  const v: Scalar = r.value;
  const bad = (expect: string) => {
    diag(
      'invalid-value',
      w.span,
      `${opText} ${spec.name}: expected ${expect}, found '${typeof v === 'number' ? v : w.text}'.`,
    );
    return undefined;
  };
  switch (spec.type) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= LIMITS.maxDimension
        ? v
        : bad(`a positive integer up to ${LIMITS.maxDimension}`);
    case 'float':
      return typeof v === 'number' ? v : bad('a number');
    case 'prob':
      return typeof v === 'number' && v >= 0 && v < 1 ? v : bad('a probability in [0, 1)');
    case 'bool':
      return v === 'true' ? true : v === 'false' ? false : bad('true or false');
    case 'poolKernel':
    case 'kernel':
      return (
        kernelValue(v, spec.type === 'poolKernel') ??
        bad(
          typeof v === 'number'
            ? 'a positive integer or HxW'
            : spec.type === 'poolKernel'
              ? 'K, KHxKW or global'
              : 'K or KHxKW',
        )
      );
    case 'padding':
      return (
        paddingValue(v) ??
        bad(typeof v === 'number' ? 'same, valid or a non-negative integer' : 'same, valid, P or PHxPW')
      );
  }
}

/** K, KHxKW (each from 1 to the dimension limit) or, for pools, `global`. */
function kernelValue(v: Scalar, pool: boolean): [number, number] | 'global' | undefined {
  if (pool && v === 'global') return 'global';
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= LIMITS.maxDimension ? [v, v] : undefined;
  const d = parseDims(v);
  return d && d.length === 2 && d.every((x) => x >= 1 && x <= LIMITS.maxDimension) ? [d[0]!, d[1]!] : undefined;
}

/** same, valid, P or PHxPW (each from 0 to the dimension limit). */
function paddingValue(v: Scalar): Padding | undefined {
  if (v === 'same' || v === 'valid') return { kind: v } as Padding;
  if (typeof v === 'number')
    return Number.isInteger(v) && v >= 0 && v <= LIMITS.maxDimension ? { kind: 'explicit', h: v, w: v } : undefined;
  const d = parseDims(v);
  return d && d.length === 2 && d.every((x) => x <= LIMITS.maxDimension)
    ? { kind: 'explicit', h: d[0]!, w: d[1]! }
    : undefined;
}
