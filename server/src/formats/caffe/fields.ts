// Typed reads of protobuf text-format messages for the Caffe front-end: last-wins scalars,
// repeated values, numbers, booleans and enums, each bad value reported once as an
// `invalid-value` diagnostic at the value's span (the caller gets the default instead).
import type { Code } from '../../core/diagnostics';
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import type { Field, Message, Scalar } from './parser';

export type Diag = (code: Code, span: Span, message: string) => void;

export function fieldsOf(msg: Message | undefined, name: string): Field[] {
  return msg ? msg.fields.filter((f) => f.name === name) : [];
}

/** The first sub-message called `name`. */
export function sub(msg: Message | undefined, name: string): Message | undefined {
  if (!msg) return undefined;
  for (const f of msg.fields) if (f.name === name && f.value.kind === 'message') return f.value;
  return undefined;
}

export function scalars(msg: Message | undefined, name: string): Scalar[] {
  const out: Scalar[] = [];
  if (msg) for (const f of msg.fields) if (f.name === name && f.value.kind === 'scalar') out.push(f.value);
  return out;
}

/** Protobuf semantics for an optional field written twice: the last one wins. */
export function last(msg: Message | undefined, name: string): Scalar | undefined {
  if (!msg) return undefined;
  for (let i = msg.fields.length - 1; i >= 0; i--) {
    const f = msg.fields[i]!;
    if (f.name === name && f.value.kind === 'scalar') return f.value;
  }
  return undefined;
}

export class Reader {
  constructor(private readonly diag: Diag) {}

  /** An integer in [min, LIMITS.maxDimension]; `undefined` (after a diagnostic) when it is not. */
  int(s: Scalar, min: number, what: string): number | undefined {
    const v = s.type === 'number' ? Number(s.value) : NaN;
    if (Number.isInteger(v) && v >= min && v <= LIMITS.maxDimension) return v;
    this.diag(
      'invalid-value',
      s.span,
      `${what}: expected an integer from ${min} to ${LIMITS.maxDimension.toLocaleString('en-US')}, found '${s.value}'.`,
    );
    return undefined;
  }

  /** Integer field with a default (`min` may be negative, for axes). */
  intField(msg: Message | undefined, name: string, def: number, min = 0): number {
    const s = last(msg, name);
    return s ? (this.int(s, min, name) ?? def) : def;
  }

  /** Every value of a repeated integer field. */
  ints(msg: Message | undefined, name: string, min = 0): number[] {
    const out: number[] = [];
    for (const s of scalars(msg, name)) {
      const v = this.int(s, min, name);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  /** Every value of a repeated number field (a trailing `f` allowed). */
  numbers(msg: Message | undefined, name: string): number[] {
    const out: number[] = [];
    for (const s of scalars(msg, name)) {
      const v = s.type === 'number' ? Number(s.value.replace(/[fF]$/, '')) : NaN;
      if (Number.isFinite(v)) out.push(v);
      else this.diag('invalid-value', s.span, `${name}: expected a number, found '${s.value}'.`);
    }
    return out;
  }

  number(msg: Message | undefined, name: string, def: number): number {
    const s = last(msg, name);
    if (!s) return def;
    const v = s.type === 'number' ? Number(s.value.replace(/[fF]$/, '')) : NaN;
    if (Number.isFinite(v)) return v;
    this.diag('invalid-value', s.span, `${name}: expected a number, found '${s.value}'.`);
    return def;
  }

  bool(msg: Message | undefined, name: string, def: boolean): boolean {
    const s = last(msg, name);
    if (!s) return def;
    const v = s.value.toLowerCase();
    if (v === 'true' || v === '1' || v === 't') return true;
    if (v === 'false' || v === '0' || v === 'f') return false;
    this.diag('invalid-value', s.span, `${name}: expected true or false, found '${s.value}'.`);
    return def;
  }

  /** An enum written as a name or as its number; `names[i]` is the name of value i. */
  enumField<T extends string>(msg: Message | undefined, name: string, names: readonly T[], def: T): T {
    const s = last(msg, name);
    if (!s) return def;
    const byName = names.find((n) => n === s.value.toUpperCase());
    if (byName) return byName;
    const i = s.type === 'number' ? Number(s.value) : NaN;
    if (Number.isInteger(i) && i >= 0 && i < names.length) return names[i]!;
    this.diag('invalid-value', s.span, `${name}: expected one of ${names.join(', ')}, found '${s.value}'.`);
    return def;
  }
}
