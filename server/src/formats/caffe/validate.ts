// Field validation of a layer block whose type LayerLint knows: every field of the layer,
// and every field of its `*_param` block, must be one LayerLint understands (reads, or knows
// not to change shapes or costs); any other gets an `unknown-field` warning at its name, so
// a misspelt or unsupported setting never passes silently. Nested messages inside the param
// block (fillers, `shape`) are not checked field by field.
import type { Diag } from './fields';
import type { LayerDef } from './layerDefs';
import type { Document } from './parser';
import type { FieldSpec } from './layerTypes';

/** Each spec's fields as a set, built on first use. */
const knownFields = new WeakMap<FieldSpec, ReadonlySet<string>>();

export function checkLayerFields(doc: Document, d: LayerDef, spec: FieldSpec, diag: Diag): void {
  const type = d.typeText ?? '?';
  for (const f of d.ownFields) {
    const name = doc.name(f);
    if (name === spec.param) {
      if (!doc.isMessage(f)) continue;
      let known = knownFields.get(spec);
      if (!known) knownFields.set(spec, (known = new Set(spec.fields)));
      for (let inner = f + 1, end = doc.after(f); inner < end; inner = doc.after(inner))
        if (!known.has(doc.name(inner)))
          diag(
            'unknown-field',
            doc.nameSpan(inner),
            `'${doc.name(inner)}' is not a field of ${spec.param} that LayerLint understands: it is ignored, and the figures of this ${type} layer do not take it into account.`,
          );
    } else if (name.endsWith('_param'))
      diag('unknown-field', doc.nameSpan(f), `${name} does not apply to a ${type} layer: it is ignored.`);
    else diag('unknown-field', doc.nameSpan(f), `'${name}' is not a field of a Caffe layer: it is ignored.`);
  }
}
