// The layer blocks of a parsed Caffe net and which of them make up the TEST (deploy) net:
// each `layer { }` / legacy `layers { }` with its name, type, bottoms and tops; TRAIN-only
// layers that have a TEST twin are dropped; a solver definition is not a net at all.
import { internalized } from './lexer';
import { type Document, NONE, ROOT } from './parser';

/** A layer block; its fields are field numbers of the document (NONE when absent). */
export interface LayerDef {
  /** The `layer { ... }` (or legacy `layers { ... }`) field, a message. */
  field: number;
  legacy: boolean;
  /** The last scalar `name` field. */
  name: number;
  /** Its value, or undefined without one. */
  nameText: string | undefined;
  /** The last scalar `type` field. */
  type: number;
  /** Its value as written, or undefined without one. */
  typeText: string | undefined;
  /** Normalised type: lower case, no underscores (`INNER_PRODUCT` → `innerproduct`). */
  key: string;
  /** The scalar `bottom` and `top` fields. */
  bottoms: number[];
  tops: number[];
  /** Whether the block has an `include` or `exclude` field. */
  phased: boolean;
  /** The fields that are not fields of every layer (LAYER_FIELDS): its `*_param` block, or unknown ones. */
  ownFields: number[];
}

function normaliseType(type: string): string {
  return type.toLowerCase().replace(/_/g, '');
}

/** Fields of NetParameter that LayerLint reads or knows to be irrelevant to costs. */
export const NET_FIELDS = new Set([
  'name',
  'input',
  'input_dim',
  'input_shape',
  'force_backward',
  'state',
  'debug_info',
  'layer',
  'layers',
  // NVCaffe's storage and math precisions for the whole net: not shapes or counts.
  'default_forward_type',
  'default_backward_type',
  'default_forward_math',
  'default_backward_math',
  'global_grad_scale',
]);

/** Fields of LayerParameter (and V1LayerParameter) that say nothing about shapes or costs. */
const LAYER_FIELDS = new Set([
  'name',
  'type',
  'bottom',
  'top',
  'phase',
  'loss_weight',
  'param',
  'blobs',
  'propagate_down',
  'include',
  'exclude',
  'transform_param',
  'loss_param',
  // NVCaffe's per-layer precisions.
  'forward_type',
  'backward_type',
  'forward_math',
  'backward_math',
  // V1 (`layers { }`) training fields.
  'blobs_lr',
  'weight_decay',
  'blob_share_mode',
]);

const SOLVER_FIELDS = new Set([
  'net',
  'net_param',
  'train_net',
  'test_net',
  'base_lr',
  'lr_policy',
  'max_iter',
  'solver_mode',
  'snapshot_prefix',
  'test_iter',
]);

/** Where a message about a layer's settings points: its type field, else its keyword. */
export const typeSpan = (doc: Document, d: LayerDef) => (d.type ? doc.span(d.type) : doc.nameSpan(d.field));

/** A solver definition (solver.prototxt) is not a net: it gets no layers and no diagnostics. */
export function isSolver(doc: Document): boolean {
  let solver = false;
  for (let f = ROOT + 1, end = doc.after(ROOT); f < end; f = doc.after(f)) {
    const name = doc.name(f);
    if (name !== 'name' && NET_FIELDS.has(name)) return false;
    solver ||= SOLVER_FIELDS.has(name);
  }
  return solver;
}

function phasesOf(doc: Document, msg: number, name: 'include' | 'exclude'): string[] {
  return doc
    .fields(msg, name)
    .flatMap((f) => (doc.isMessage(f) ? doc.fields(f, 'phase', true).map((s) => doc.value(s).toUpperCase()) : []));
}

/** Whether a layer takes part only in training: `include { phase: TRAIN }` or `exclude { phase: TEST }`. */
function trainOnly(doc: Document, d: LayerDef): boolean {
  if (!d.phased) return false;
  const inc = phasesOf(doc, d.field, 'include');
  return (
    (inc.length > 0 && inc.every((p) => p === 'TRAIN' || p === '0')) ||
    phasesOf(doc, d.field, 'exclude').some((p) => p === 'TEST' || p === '1')
  );
}

/**
 * Each distinct type as written → its key, normalised once to V8's one copy of the key: the
 * type tables (Sets, and objects looked up by `own`) then find it without hashing or interning
 * it again. Kept from one parse to the next, up to MAX_KEPT_TYPES types (then started afresh).
 */
const typeKeys = new Map<string, string>();
const MAX_KEPT_TYPES = 1024;

function keyOf(type: string): string {
  let key = typeKeys.get(type);
  if (key === undefined) {
    if (typeKeys.size >= MAX_KEPT_TYPES) typeKeys.clear();
    typeKeys.set(type, (key = internalized(normaliseType(type))));
  }
  return key;
}

export function layerDefs(doc: Document): LayerDef[] {
  const defs: LayerDef[] = [];
  for (let f = ROOT + 1, end = doc.after(ROOT); f < end; f = doc.after(f)) {
    const keyword = doc.name(f);
    if ((keyword !== 'layer' && keyword !== 'layers') || !doc.isMessage(f)) continue;
    // One pass over the fields: the last `name` and `type` (last wins), every `bottom` and
    // `top`, whether a phase is given, and the fields validation looks at.
    let name = NONE;
    let type = NONE;
    let phased = false;
    const bottoms: number[] = [];
    const tops: number[] = [];
    const ownFields: number[] = [];
    // The names most fields have first: interned, they compare by reference, before the Set's hash lookup.
    for (let x = f + 1, xEnd = doc.after(f); x < xEnd; x = doc.after(x)) {
      const field = doc.name(x);
      const scalar = !doc.isMessage(x);
      if (field === 'bottom') {
        if (scalar) bottoms.push(x);
      } else if (field === 'top') {
        if (scalar) tops.push(x);
      } else if (field === 'name') {
        if (scalar) name = x;
      } else if (field === 'type') {
        if (scalar) type = x;
      } else if (field === 'include' || field === 'exclude') phased = true;
      else if (!LAYER_FIELDS.has(field)) ownFields.push(x);
    }
    // Every property in one literal, in one order: all blocks share one object shape.
    const typeText = type ? doc.value(type) : undefined;
    defs.push({
      field: f,
      legacy: keyword === 'layers',
      name,
      nameText: name ? doc.value(name) : undefined,
      type,
      typeText,
      key: typeText === undefined ? '' : keyOf(typeText),
      bottoms,
      tops,
      phased,
      ownFields,
    });
  }
  return defs;
}

/** TRAIN-only layers that have a twin (same name, or same new tops) in the TEST net. */
export function droppedTwins(doc: Document, defs: LayerDef[]): Set<LayerDef> {
  const dropped = new Set<LayerDef>();
  const keyOf = (d: LayerDef) => {
    const ins = new Set(d.bottoms.map((b) => doc.value(b)));
    return [
      d.nameText !== undefined ? `n:${d.nameText}` : '',
      ...d.tops
        .map((t) => doc.value(t))
        .filter((t) => !ins.has(t))
        .map((t) => `t:${t}`),
    ].filter(Boolean);
  };
  const train = defs.map((d) => trainOnly(doc, d));
  if (!train.includes(true)) return dropped;
  const testKeys = new Set<string>();
  defs.forEach((d, i) => {
    if (!train[i]) for (const k of keyOf(d)) testKeys.add(k);
  });
  defs.forEach((d, i) => {
    if (train[i] && keyOf(d).some((k) => testKeys.has(k))) dropped.add(d);
  });
  return dropped;
}
