// The layer blocks of a parsed Caffe net and which of them make up the TEST (deploy) net:
// each `layer { }` / legacy `layers { }` with its name, type, bottoms and tops; TRAIN-only
// layers that have a TEST twin are dropped; a solver definition is not a net at all.
import { fieldsOf, scalars } from './fields';
import { internalized } from './lexer';
import type { Document, Field, Message, Scalar } from './parser';

export interface LayerDef {
  /** The `layer { ... }` (or legacy `layers { ... }`) field. */
  field: Field;
  msg: Message;
  legacy: boolean;
  name?: Scalar;
  nameField?: Field;
  type?: Scalar;
  typeField?: Field;
  /** Normalised type: lower case, no underscores (`INNER_PRODUCT` → `innerproduct`). */
  key: string;
  bottoms: Scalar[];
  tops: Scalar[];
  /** Whether the block has an `include` or `exclude` field. */
  phased: boolean;
  /** The fields that are not fields of every layer (LAYER_FIELDS): its `*_param` block, or unknown ones. */
  ownFields: Field[];
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

/** A solver definition (solver.prototxt) is not a net: it gets no layers and no diagnostics. */
export function isSolver(root: Message): boolean {
  return (
    !root.fields.some((f) => NET_FIELDS.has(f.name) && f.name !== 'name') &&
    root.fields.some((f) => SOLVER_FIELDS.has(f.name))
  );
}

function phasesOf(msg: Message, name: 'include' | 'exclude'): string[] {
  return fieldsOf(msg, name).flatMap((f) =>
    f.value.kind === 'message' ? scalars(f.value, 'phase').map((s) => s.value.toUpperCase()) : [],
  );
}

/** Whether a layer takes part only in training: `include { phase: TRAIN }` or `exclude { phase: TEST }`. */
function trainOnly(d: LayerDef): boolean {
  if (!d.phased) return false;
  const msg = d.msg;
  const inc = phasesOf(msg, 'include');
  return (
    (inc.length > 0 && inc.every((p) => p === 'TRAIN' || p === '0')) ||
    phasesOf(msg, 'exclude').some((p) => p === 'TEST' || p === '1')
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
  for (const f of doc.root.fields) {
    if ((f.name !== 'layer' && f.name !== 'layers') || f.value.kind !== 'message') continue;
    const msg = f.value;
    // One pass over the fields: the last `name` and `type` (last wins), every `bottom` and
    // `top`, whether a phase is given, and the fields validation looks at.
    let nameField: Field | undefined;
    let typeField: Field | undefined;
    let phased = false;
    const bottoms: Scalar[] = [];
    const tops: Scalar[] = [];
    const ownFields: Field[] = [];
    // The names most fields have first: interned, they compare by reference, before the Set's hash lookup.
    for (const x of msg.fields) {
      const name = x.name;
      const scalar = x.value.kind === 'scalar';
      if (name === 'bottom') {
        if (scalar) bottoms.push(x.value);
      } else if (name === 'top') {
        if (scalar) tops.push(x.value);
      } else if (name === 'name') {
        if (scalar) nameField = x;
      } else if (name === 'type') {
        if (scalar) typeField = x;
      } else if (name === 'include' || name === 'exclude') phased = true;
      else if (!LAYER_FIELDS.has(name)) ownFields.push(x);
    }
    // Every property in one literal, in one order: all blocks share one object shape.
    const type = typeField?.value as Scalar | undefined;
    defs.push({
      field: f,
      msg,
      legacy: f.name === 'layers',
      name: nameField?.value as Scalar | undefined,
      nameField,
      type,
      typeField,
      key: type ? keyOf(type.value) : '',
      bottoms,
      tops,
      phased,
      ownFields,
    });
  }
  return defs;
}

/** TRAIN-only layers that have a twin (same name, or same new tops) in the TEST net. */
export function droppedTwins(defs: LayerDef[]): Set<LayerDef> {
  const dropped = new Set<LayerDef>();
  const keyOf = (d: LayerDef) => {
    const ins = new Set(d.bottoms.map((b) => b.value));
    return [
      d.name ? `n:${d.name.value}` : '',
      ...d.tops.filter((t) => !ins.has(t.value)).map((t) => `t:${t.value}`),
    ].filter(Boolean);
  };
  const train = defs.map(trainOnly);
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
