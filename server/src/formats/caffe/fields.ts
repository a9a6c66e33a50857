// Typed reads of protobuf text-format fields for the Caffe front-end: numbers, booleans and
// enums of scalar fields (last wins for an optional field), each bad value reported once as
// an `invalid-value` diagnostic at the value's span (the caller gets the default instead).
import type { Code } from '../../core/diagnostics';
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { type Document, NUMBER_VALUE } from './parser';

export type Diag = (code: Code, span: Span, message: string) => void;

export class Reader {
  constructor(
    readonly doc: Document,
    private readonly diag: Diag,
  ) {}

  /** A number field's value as `Number` reads its text; NaN for any other field. */
  private numeric(s: number): number {
    return this.doc.type(s) === NUMBER_VALUE ? Number(this.doc.value(s)) : NaN;
  }

  /** An integer in [min, LIMITS.maxDimension]; `undefined` (after a diagnostic) when it is not. */
  int(s: number, min: number, what: string): number | undefined {
    const v = this.numeric(s);
    if (Number.isInteger(v) && v >= min && v <= LIMITS.maxDimension) return v;
    this.diag(
      'invalid-value',
      this.doc.valueSpan(s),
      `${what}: expected an integer from ${min} to ${LIMITS.maxDimension.toLocaleString('en-US')}, found '${this.doc.value(s)}'.`,
    );
    return undefined;
  }

  /** Integer field with a default (`min` may be negative, for axes). */
  intField(msg: number, name: string, def: number, min = 0): number {
    const s = this.doc.last(msg, name);
    return s ? (this.int(s, min, name) ?? def) : def;
  }

  /** Every value of a repeated integer field. */
  ints(msg: number, name: string, min = 0): number[] {
    const out: number[] = [];
    for (const s of this.doc.fields(msg, name, true)) {
      const v = this.int(s, min, name);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  /** A number field's value (a trailing `f` allowed), or NaN. */
  private float(s: number): number {
    const { doc } = this;
    return doc.type(s) === NUMBER_VALUE ? Number(doc.value(s).replace(/[fF]$/, '')) : NaN;
  }

  /** Every value of a repeated number field (a trailing `f` allowed). */
  numbers(msg: number, name: string): number[] {
    const out: number[] = [];
    for (const s of this.doc.fields(msg, name, true)) {
      const v = this.float(s);
      if (Number.isFinite(v)) out.push(v);
      else
        this.diag('invalid-value', this.doc.valueSpan(s), `${name}: expected a number, found '${this.doc.value(s)}'.`);
    }
    return out;
  }

  number(msg: number, name: string, def: number): number {
    const s = this.doc.last(msg, name);
    if (!s) return def;
    const v = this.float(s);
    if (Number.isFinite(v)) return v;
    this.diag('invalid-value', this.doc.valueSpan(s), `${name}: expected a number, found '${this.doc.value(s)}'.`);
    return def;
  }

  bool(msg: number, name: string, def: boolean): boolean {
    const s = this.doc.last(msg, name);
    if (!s) return def;
    const text = this.doc.value(s);
    const v = text.toLowerCase();
    if (v === 'true' || v === '1' || v === 't') return true;
    if (v === 'false' || v === '0' || v === 'f') return false;
    this.diag('invalid-value', this.doc.valueSpan(s), `${name}: expected true or false, found '${text}'.`);
    return def;
  }

  /** An enum written as a name or as its number; `names[i]` is the name of value i. */
  enumField<T extends string>(msg: number, name: string, names: readonly T[], def: T): T {
    const s = this.doc.last(msg, name);
    if (!s) return def;
    const text = this.doc.value(s);
    const byName = names.find((n) => n === text.toUpperCase());
    if (byName) return byName;
    const i = this.numeric(s);
    if (Number.isInteger(i) && i >= 0 && i < names.length) return names[i]!;
    this.diag('invalid-value', this.doc.valueSpan(s), `${name}: expected one of ${names.join(', ')}, found '${text}'.`);
    return def;
  }
}
