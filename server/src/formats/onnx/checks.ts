// Cross-checks after lowering, so that no mismatched figure is shown as exact: a layer whose
// core-inferred IR shape differs from its tensor's canonical view, or whose tensor contradicts
// the file's value_info / output shapes, becomes an unknown layer naming both shapes.
import type { Graph, Shape } from '../../core/ir';
import { inferShapes } from '../../core/shapes';
import type { GraphProto, ValueInfoProto } from './decode';
import { describeDims } from './input';
import type { Value } from './values';

/** Layers whose IR shape (core inference) is not their tensor's canonical view become unknown, first one first. */
export function checkAgainstCore(graph: Graph, expected: (Shape | undefined)[]): void {
  for (let round = 0; round < graph.layers.length; round++) {
    const { shapes } = inferShapes(graph);
    const bad = graph.layers.find((l) => {
      const want = expected[l.index];
      const got = shapes[l.index];
      return l.op.kind !== 'unknown' && got && (!want || got.join() !== want.join());
    });
    if (!bad) return;
    const want = expected[bad.index];
    bad.op = {
      kind: 'unknown',
      type: `${bad.opText} (its tensor ${want ? want.join('x') : 'has no [H, W, C] view'}, LayerLint's layer ${shapes[bad.index]!.join('x')})`,
    };
  }
}

/** A layer whose inferred shape contradicts the file's value_info becomes unknown. */
export function checkValueInfo(g: GraphProto, values: Map<string, Value>, graph: Graph, batch: number): void {
  const infos: ValueInfoProto[] = [...(g.valueInfo ?? []), ...(g.output ?? [])];
  for (const info of infos) {
    const v = values.get(info.name ?? '');
    if (v?.kind !== 'tensor' || v.layer < 0) continue;
    const dims = info.type?.tensorType?.shape?.dim;
    if (!dims || dims.length === 0) continue;
    const layer = graph.layers[v.layer]!;
    if (layer.op.kind === 'unknown') continue;
    const clash =
      dims.length !== v.dims.length ||
      dims.some((d, k) => {
        const fixed = d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : undefined;
        return fixed !== undefined && fixed > 0 && !(k === 0 && fixed === batch) && fixed !== v.dims[k];
      });
    if (clash)
      layer.op = {
        kind: 'unknown',
        type: `${layer.opText} (the file says ${describeDims(dims)}, LayerLint infers [${v.dims.join(', ')}])`,
      };
  }
}
