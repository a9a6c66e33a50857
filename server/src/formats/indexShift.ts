// Layer-index renumbering for formats whose layers refer to each other by position
// (darknet `layers=`/`from=`, Ultralytics `from`): when one new layer is inserted before
// each old index in `insertedBefore`, every reference must be rewritten. Absolute indexes
// follow their target; negative (relative) ones change only when the insertions fall between
// the referring layer and its target.

/** New position of old layer `t` after the insertions. */
export function shiftedPosition(t: number, insertedBefore: readonly number[]): number {
  let n = t;
  for (const s of insertedBefore) if (s <= t) n++;
  return n;
}

/** The reference `ref` written in old layer `own`, rewritten for the new numbering. */
export function shiftedReference(ref: number, own: number, insertedBefore: readonly number[]): number {
  if (ref >= 0) return shiftedPosition(ref, insertedBefore);
  const target = own + ref;
  if (target < 0) return ref;
  return shiftedPosition(target, insertedBefore) - shiftedPosition(own, insertedBefore);
}

/** Rewrites every integer in a reference list's text (`-1, 8`, `[-1, 6]`), keeping its layout. */
export function shiftReferenceText(text: string, own: number, insertedBefore: readonly number[]): string {
  return text.replace(/[+-]?\d+/g, (m) => String(shiftedReference(Number(m), own, insertedBefore)));
}
