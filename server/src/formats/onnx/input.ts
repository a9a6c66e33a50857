// The network input of an ONNX graph: the first graph input that is not an initializer sets
// the IR input and the batch; a symbolic batch counts one item (with an assumed-dimension note);
// any other symbolic size, a missing input, or a second input leaves its readers unknown with a
// missing-input note. Never throws.
import type { Graph } from '../../core/ir';
import type { GraphProto } from './decode';
import { canonical, type Value } from './values';

/** The network input: the first graph input that is not an initializer; a symbolic batch counts 1 item. */
export function readInput(
  g: GraphProto,
  values: Map<string, Value>,
  graph: Graph,
  note: (code: 'assumed-dimension' | 'missing-input' | 'syntax-error', message: string) => void,
): number {
  const inputs = (g.input ?? []).filter((i) => !values.has(i.name ?? ''));
  if (inputs.length === 0) {
    note('missing-input', 'The model has no graph input, so no shapes or costs can be inferred.');
    return 1;
  }
  const first = inputs[0]!;
  for (const other of inputs.slice(1))
    values.set(other.name ?? '', { kind: 'unknown', layer: -2, why: `it reads a second graph input '${other.name}'` });
  const dims = first.type?.tensorType?.shape?.dim ?? [];
  const known: number[] = [];
  let symbolic = '';
  dims.forEach((d, k) => {
    const v = d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : undefined;
    if (v !== undefined && v > 0) known.push(v);
    else if (k === 0) {
      symbolic = d.dimParam || '?';
      known.push(1);
    } else known.push(0);
  });
  if (known.length < 2 || known.some((v) => v === 0)) {
    note(
      'missing-input',
      `The graph input '${first.name}' has ${known.length < 2 ? 'no batched shape' : 'a symbolic size other than the batch'} (${describeDims(dims)}), so no shapes or costs can be inferred.`,
    );
    values.set(first.name ?? '', { kind: 'unknown', layer: -2, why: `its input '${first.name}' has no fixed shape` });
    return 1;
  }
  if (symbolic)
    note(
      'assumed-dimension',
      `The batch dimension of '${first.name}' is symbolic ('${symbolic}'): LayerLint counts one item.`,
    );
  const batch = known[0]!;
  const s = canonical(known, batch)!;
  graph.input = { h: s[0], w: s[1], c: s[2], batch };
  values.set(first.name ?? '', { kind: 'tensor', dims: known, layer: -1 });
  return batch;
}

export function describeDims(dims: { dimValue?: number | null; dimParam?: string | null }[]): string {
  return `[${dims.map((d) => (d.dimValue ? String(d.dimValue) : d.dimParam || '?')).join(', ')}]`;
}
