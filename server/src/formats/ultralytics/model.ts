// Reads an Ultralytics model `.yaml` (parsed by the `yaml` package, whose nodes carry
// source ranges) into a plain model spec: `nc`, `ch`, `scales`, optional `depth_multiple` /
// `width_multiple`, `reg_max`, `end2end`, `kpt_shape`, `activation`, `anchors` (YOLOv5 repository files),
// and the `backbone` + `head` rows
// `[from, repeats, module, args]` with the span of each part and of each argument. Contract:
// never throws; YAML errors and malformed rows become diagnostics at their exact range, and a
// malformed row still takes its index (later `from` indexes keep their meaning) but lowers to
// nothing; an invalid setting is an `invalid-value` at its value and is listed in `invalid`
// (the model that depends on it is not costed), never replaced by a default silently.
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import type { Activation } from '../../core/activations';
import type { Span } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { readPlainYaml } from './plainYaml';

/** The largest depth or width multiple read (a larger one is an `invalid-value`). */
const MAX_MULTIPLE = 100;

export interface ScaleSpec {
  name: string;
  depth: number;
  width: number;
  maxChannels: number;
  span: Span;
  /** Span of the width value, for width edits. */
  widthSpan: Span;
}

export type ArgValue = number | string | boolean | null | ArgValue[];

/** The activation of every Ultralytics Conv: the IR function and the module name shown. */
export interface ConvActivation {
  fn: Activation;
  text: string;
}

/** torch.nn activations parse_model may set as Conv.default_act (nn.Identity: none), by class name. */
const CONV_ACTIVATIONS: ReadonlyMap<string, Activation> = new Map([
  ['SiLU', 'silu'],
  ['ReLU', 'relu'],
  ['ReLU6', 'relu6'],
  ['LeakyReLU', 'leaky'],
  ['Hardswish', 'hswish'],
  ['GELU', 'gelu'],
  ['Mish', 'mish'],
  ['Sigmoid', 'sigmoid'],
  ['Tanh', 'tanh'],
  ['Identity', 'linear'],
]);

/** The class of an `activation:` value such as `nn.LeakyReLU(0.1)` or `torch.nn.ReLU()`, when it is a known one. */
export function convActivation(text: string): ConvActivation | undefined {
  const m = /^\s*(?:torch\.)?(?:nn\.)?([A-Za-z0-9]+)\s*(?:\([^()]*\))?\s*$/.exec(text);
  const fn = m ? CONV_ACTIVATIONS.get(m[1]!) : undefined;
  return fn ? { fn, text: m![1]! } : undefined;
}

export interface RowSpec {
  index: number;
  /** The whole row node `[from, repeats, module, args]`. */
  span: Span;
  from: number[];
  fromIsList: boolean;
  fromSpan: Span;
  repeats: number;
  module: string;
  moduleSpan: Span;
  args: ArgValue[];
  argsSpan: Span;
  /** The span of each top-level argument. */
  argSpans: Span[];
}

export interface ModelSpec {
  nc: number;
  ch: number;
  /** `reg_max`: box distribution bins of the Detect heads (16 unless the file sets it). */
  regMax: number;
  /** `end2end`: Detect heads get the one-to-one branch copies (v10Detect always has them). */
  end2end: boolean;
  /** `kpt_shape`: keypoints x dims of Pose heads, when the file sets it. */
  kptShape?: [number, number];
  /**
   * `anchors` (YOLOv5 repository files): one list of w,h pairs per level, or the number of
   * anchors per level; the anchor-based Detect and Segment heads read it by name.
   */
  anchors?: ArgValue;
  /** `activation` (e.g. `nn.ReLU()`): parse_model's Conv.default_act, SiLU when the file sets none. */
  activation: ConvActivation;
  /**
   * Model settings whose value is invalid (`nc`, `ch`, ..., `scale:NAME`), each diagnosed: a
   * model that depends on one is not costed (its figures would be those of another model).
   */
  invalid: string[];
  /** The first key of `scales:` (parse_model's scale when the file name gives none), valid or not. */
  firstScale?: string;
  scales: ScaleSpec[];
  depthMultiple: number;
  widthMultiple: number;
  /** `null` for a row that could not be read. */
  rows: (RowSpec | null)[];
  /** Where `backbone:` starts (the network's header for lenses and diagnostics). */
  headerSpan: Span;
  diagnostics: EngineDiagnostic[];
}

const spanOf = (n: Node | null | undefined, fallback: Span): Span =>
  n?.range ? { start: n.range[0], end: n.range[1] } : fallback;

function toArg(n: unknown): ArgValue {
  if (isScalar(n)) {
    const v = n.value;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
    return String(v);
  }
  if (isSeq(n)) return n.items.map(toArg);
  return null;
}

/**
 * Reads the model from the text: with the plain-YAML reader when the text is in its form and
 * reads without a finding, else (and for every finding's exact range) with the `yaml` package.
 */
export function readModel(text: string): ModelSpec {
  const plain = readPlainYaml(text);
  if (plain) {
    const spec = readModelFrom(text, { errors: [], contents: plain });
    if (spec.diagnostics.length === 0) return spec;
  }
  return readModelWithYamlPackage(text);
}

/** What the model is read from: a parsed YAML document's errors and root node. */
interface YamlRead {
  errors: readonly { pos: [number, number]; message: string }[];
  contents: unknown;
}

/** Reads the model with the `yaml` package alone (also what `readModel` must equal). */
export function readModelWithYamlPackage(text: string): ModelSpec {
  let doc: YamlRead;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    const spec = defaultSpec(text);
    spec.diagnostics.push(makeDiagnostic('syntax-error', spec.headerSpan, `YAML: ${(e as Error).message}`));
    return spec;
  }
  return readModelFrom(text, doc);
}

/** The first line of the text: where findings about the whole file go. */
const firstLine = (text: string): Span => ({
  start: 0,
  end: Math.min(text.length, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')),
});

/** The model before anything is read: parse_model's defaults, no rows, the header on the first line. */
function defaultSpec(text: string): ModelSpec {
  return {
    nc: 80,
    ch: 3,
    regMax: 16,
    end2end: false,
    invalid: [],
    scales: [],
    depthMultiple: 1,
    widthMultiple: 1,
    activation: { fn: 'silu', text: 'SiLU' },
    rows: [],
    headerSpan: firstLine(text),
    diagnostics: [],
  };
}

function readModelFrom(text: string, doc: YamlRead): ModelSpec {
  const spec = defaultSpec(text);
  const { diagnostics } = spec;
  const whole = firstLine(text);
  // The YAML parser reports an error at the end of the text as [length, length + 1]: clamp.
  const clamp = (x: number) => Math.max(0, Math.min(x, text.length));
  let tooDeep = false;
  for (const e of doc.errors) {
    const span = { start: clamp(e.pos[0]), end: clamp(Math.max(e.pos[1], e.pos[0])) };
    // The YAML parser recurses per nesting level and reports running out of stack as an error (once here).
    if (!/call stack/i.test(e.message))
      diagnostics.push(makeDiagnostic('syntax-error', span, `YAML: ${e.message.split('\n')[0]}`));
    else if (!tooDeep) {
      tooDeep = true;
      diagnostics.push(
        makeDiagnostic('limit-exceeded', span, 'YAML nested too deeply to read (the YAML parser ran out of stack).'),
      );
    }
  }
  const root = doc.contents;
  if (!isMap(root)) {
    diagnostics.push(
      makeDiagnostic(
        'syntax-error',
        whole,
        'An Ultralytics model file is a YAML mapping with backbone: and head: lists.',
      ),
    );
    return spec;
  }
  const get = (key: string) => root.items.find((p) => isScalar(p.key) && p.key.value === key);
  type Pair = NonNullable<ReturnType<typeof get>>;
  /** Reports an invalid setting at its value and lists it: the model that depends on it is not costed. */
  const invalid = (p: Pair, key: string, rule: string) => {
    diagnostics.push(
      makeDiagnostic(
        'invalid-value',
        spanOf(p.value as Node, spanOf(p.key as Node, whole)),
        `${key} must be ${rule}; the model is not costed.`,
      ),
    );
    spec.invalid.push(key);
  };
  const scalarOf = (p: Pair) => (isScalar(p.value) ? p.value.value : undefined);
  const num = (key: string, def: number, integer: boolean, max: number = LIMITS.maxDimension): number => {
    const p = get(key);
    if (!p) return def;
    const v = scalarOf(p);
    if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max && (!integer || Number.isInteger(v))) return v;
    invalid(p, key, `a positive ${integer ? 'integer' : 'number'} of at most ${max.toLocaleString('en-US')}`);
    return def;
  };
  spec.nc = num('nc', 80, true);
  spec.ch = num('ch', 3, true);
  spec.regMax = num('reg_max', 16, true);
  spec.depthMultiple = num('depth_multiple', 1, false, MAX_MULTIPLE);
  spec.widthMultiple = num('width_multiple', 1, false, MAX_MULTIPLE);
  const end2end = get('end2end');
  if (end2end) {
    const v = scalarOf(end2end);
    if (typeof v === 'boolean' || v === null) spec.end2end = v === true;
    else invalid(end2end, 'end2end', 'true or false');
  }
  const kpt = get('kpt_shape');
  if (kpt) {
    const vals = isSeq(kpt.value) ? kpt.value.items.map((x) => (isScalar(x) ? x.value : undefined)) : [];
    const positive = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x > 0 && x <= LIMITS.maxDimension;
    if (vals.length === 2 && vals.every(positive)) spec.kptShape = vals as [number, number];
    else invalid(kpt, 'kpt_shape', '[keypoints, dims] with positive integers');
  }
  const activation = get('activation');
  if (activation) {
    const v = scalarOf(activation);
    const act = typeof v === 'string' ? convActivation(v) : undefined;
    if (act) spec.activation = act;
    else
      invalid(
        activation,
        'activation',
        `one of ${[...CONV_ACTIVATIONS.keys()].map((k) => `nn.${k}()`).join(', ')} (another may add parameters)`,
      );
  }
  const anchors = get('anchors');
  if (anchors) spec.anchors = toArg(anchors.value);
  const scales = get('scales');
  if (scales && isMap(scales.value)) {
    for (const p of scales.value.items) {
      const name = isScalar(p.key) ? String(p.key.value) : '';
      spec.firstScale ??= name;
      const v = p.value;
      const vals = isSeq(v) ? v.items.map((x) => (isScalar(x) ? x.value : undefined)) : [];
      const span = spanOf(v as Node, spanOf(p.key as Node, whole));
      const bounds = [MAX_MULTIPLE, MAX_MULTIPLE, LIMITS.maxDimension];
      if (
        vals.length < 3 ||
        !vals.slice(0, 3).every((x, k) => typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= bounds[k]!)
      ) {
        diagnostics.push(
          makeDiagnostic(
            'invalid-value',
            span,
            `Scale '${name}' must be [depth, width, max_channels] with positive numbers (depth and width at most ${MAX_MULTIPLE}, max_channels at most ${LIMITS.maxDimension.toLocaleString('en-US')}); this scale is not costed.`,
          ),
        );
        spec.invalid.push(`scale:${name}`);
        continue;
      }
      const [depth, width, maxChannels] = vals as number[];
      spec.scales.push({
        name,
        depth: depth!,
        width: width!,
        maxChannels: maxChannels!,
        span,
        widthSpan: spanOf((v as { items: Node[] }).items[1], span),
      });
    }
  }
  let sawSection = false;
  for (const key of ['backbone', 'head']) {
    const p = get(key);
    if (!p) {
      diagnostics.push(
        makeDiagnostic('missing-input', whole, `No '${key}:' list: an Ultralytics model needs backbone: and head:.`),
      );
      continue;
    }
    if (!sawSection) spec.headerSpan = spanOf(p.key as Node, whole);
    sawSection = true;
    if (!isSeq(p.value)) {
      diagnostics.push(
        makeDiagnostic(
          'syntax-error',
          spanOf(p.value as Node, spanOf(p.key as Node, whole)),
          `'${key}:' must be a list of [from, repeats, module, args] rows.`,
        ),
      );
      continue;
    }
    for (const item of p.value.items) spec.rows.push(readRow(item as Node, spec.rows.length, diagnostics, whole));
  }
  return spec;
}

function readRow(node: Node, index: number, diagnostics: EngineDiagnostic[], whole: Span): RowSpec | null {
  const span = spanOf(node, whole);
  const bad = (at: Span, message: string) => {
    diagnostics.push(makeDiagnostic('syntax-error', at, `Row ${index}: ${message}`));
    return null;
  };
  if (!isSeq(node) || node.items.length !== 4) return bad(span, 'expected [from, repeats, module, args].');
  const [f, n, m, a] = node.items as Node[];
  const fromSpan = spanOf(f, span);
  let from: number[];
  const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
  if (isScalar(f) && isIndex(f.value)) from = [f.value];
  else if (isSeq(f) && f.items.length > 0 && f.items.every((x) => isScalar(x) && isIndex(x.value)))
    from = f.items.map((x) => (x as { value: number }).value);
  else return bad(fromSpan, "'from' must be a layer index or a list of layer indexes.");
  const repeats = isScalar(n) ? n.value : undefined;
  if (!isIndex(repeats) || repeats < 1 || repeats > 10_000)
    return bad(spanOf(n, span), "'repeats' must be a positive integer.");
  if (!isScalar(m) || typeof m.value !== 'string' || !m.value)
    return bad(spanOf(m, span), "'module' must be a module name such as Conv or C2f.");
  if (!isSeq(a)) return bad(spanOf(a, span), "'args' must be a list.");
  return {
    index,
    span,
    from,
    fromIsList: isSeq(f),
    fromSpan,
    repeats,
    module: m.value,
    moduleSpan: spanOf(m, span),
    args: a.items.map(toArg),
    argsSpan: spanOf(a, span),
    argSpans: a.items.map((x) => spanOf(x as Node, spanOf(a, span))),
  };
}
