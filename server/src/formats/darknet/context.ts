// What lowering one darknet section needs: its options, the IR layer of the previous
// section's output, darknet index resolution (`layers=`, `from=`) and appending IR layers
// named after the section (`conv5`, `conv5/bn`, `conv5/leaky`). Every IR layer a section
// adds has the section header as its span and the whole section as its statement.
import type { Layer, LayerOp } from '../../core/ir';
import { own } from '../tables';
import { ACTIVATION_MAP } from './activations';
import type { Options, Report } from './options';
import type { CfgEntry, CfgSection } from './parser';
import { SHORT_NAMES } from './sections';

/** The IR input of a layer whose source section failed: the layer gets no inputs, so no shape. */
export const BROKEN = -2;

/** What the sections lowered so far leave behind for the next one. */
export interface LoweringState {
  layers: Layer[];
  /** Every layer name so far, once a name could be taken twice (see SectionContext.uniqueName); undefined before. */
  usedNames?: Set<string>;
  /** Darknet layer index → IR index of its output (undefined when the section failed). */
  outputs: (number | undefined)[];
  /** Darknet layer index → section type. */
  types: string[];
  report: Report;
}

export class SectionContext {
  /** IR layer holding the previous section's output (-1: the network input). */
  readonly prev: number;
  private readonly short: string;
  /** Whether `short` has no '/' and does not end in a digit: then `short + index` names this section alone. */
  private readonly plainShort: boolean;
  /** The suffixes of the layers this section added, while names are known distinct. */
  private readonly suffixes: string[] = [];

  constructor(
    /** Darknet layer index of the section. */
    readonly index: number,
    readonly section: CfgSection,
    readonly type: string,
    readonly options: Options,
    private readonly state: LoweringState,
  ) {
    this.prev = index === 0 ? -1 : (state.outputs[index - 1] ?? BROKEN);
    this.short = SHORT_NAMES.get(type) ?? type;
    const last = this.short.charCodeAt(this.short.length - 1);
    this.plainShort = !this.short.includes('/') && !(last >= 48 && last <= 57);
  }

  get report(): Report {
    return this.state.report;
  }

  /** The type of an earlier section, by darknet index. */
  typeOf(index: number): string {
    return this.state.types[index]!;
  }

  /** Appends an IR layer; an input of BROKEN (a failed section) leaves its shape unknown. */
  add(suffix: string, opText: string, op: LayerOp, inputs: number[]): number {
    const layers = this.state.layers;
    const name = this.uniqueName(suffix);
    const index = layers.length;
    const site = this.section.span;
    layers.push({
      index,
      name,
      opText,
      op,
      inputs: inputs.includes(BROKEN) ? [] : inputs,
      span: this.section.header,
      site,
      statement: site,
    });
    return index;
  }

  /**
   * `short + index + suffix`, with `_2`, `_3`, ... appended when that is taken. While every
   * section's short name is plain and every suffix is empty or starts with '/' and is used
   * once per section, a name says which section and suffix it is, so it cannot be taken and
   * needs no look-up; the first name outside that case collects the names so far into
   * `usedNames`, and from then on every name is looked up there.
   */
  private uniqueName(suffix: string): string {
    const base = `${this.short}${this.index}${suffix}`;
    const state = this.state;
    if (!state.usedNames) {
      if (this.plainShort && (suffix === '' || suffix.charCodeAt(0) === 47) && !this.suffixes.includes(suffix)) {
        this.suffixes.push(suffix);
        return base;
      }
      state.usedNames = new Set(state.layers.map((l) => l.name));
    }
    let name = base;
    for (let n = 2; state.usedNames.has(name); n++) name = `${base}_${n}`;
    state.usedNames.add(name);
    return name;
  }

  /** A darknet layer index as written (negative = relative to this section) → the absolute index of an earlier section. */
  sectionIndex(raw: string, e: CfgEntry): number | undefined {
    const n = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n)) {
      this.report('invalid-value', e.valueSpan, `'${raw}' is not a layer index.`);
      return undefined;
    }
    const idx = n < 0 ? this.index + n : n;
    if (idx < 0) {
      this.report(
        'unknown-name',
        e.valueSpan,
        `Layer index ${n} from layer ${this.index} points before the first layer.`,
      );
      return undefined;
    }
    if (idx >= this.index) {
      this.report(
        'forward-reference',
        e.valueSpan,
        `Layer ${this.index} refers to layer ${idx}, which is not before it.`,
      );
      return undefined;
    }
    return idx;
  }

  /** A darknet layer index from `layers=` / `from=` → the IR layer of its output. */
  private resolve(raw: string, e: CfgEntry): number | undefined {
    const idx = this.sectionIndex(raw, e);
    return idx === undefined ? undefined : (this.state.outputs[idx] ?? BROKEN);
  }

  /** The IR layers of a comma-separated list of darknet indexes; undefined (diagnosed) when one is invalid. */
  resolveList(key: string): number[] | undefined {
    const e = this.options.entry(key);
    if (!e || e.value === '') {
      this.report(
        'invalid-value',
        e?.valueSpan ?? this.section.header,
        `[${this.section.name}] needs ${key}= with at least one layer index.`,
      );
      return undefined;
    }
    const out: number[] = [];
    for (const raw of e.value.split(',')) {
      if (raw === '') continue;
      const r = this.resolve(raw, e);
      if (r === undefined) return undefined;
      out.push(r);
    }
    return out;
  }

  /** The section's `activation=` applied to `input` (darknet's `linear` adds no layer). */
  activation(input: number, def: string): number {
    const { value, entry } = this.options.str('activation', def);
    let fn = own(ACTIVATION_MAP, value);
    if (fn === undefined) {
      this.report(
        'invalid-value',
        entry!.valueSpan,
        `Darknet has no activation '${value}': it falls back to relu.`,
        'warning',
      );
      fn = 'relu';
    }
    return fn === null ? input : this.add(`/${value}`, value, { kind: 'act', fn }, [input]);
  }
}
