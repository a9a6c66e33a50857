// Generates realistic `.layers` networks of a given size for benchmarks: blocks with
// residual merges, depthwise-separable pairs, branches joined by concat, repeats and
// comments, at a constant spatial size so any length stays valid. Also renders the same
// unrolled network as JSON (every layer with its options) for the JSON.parse baseline.
import type { Graph } from '../server/src/core/ir';

const HEADER = `# generated benchmark network
network bench
input 16x16x64

block res c {
  a: conv c 1x1 | bn | relu
  b: conv c 3x3 | bn | relu
  add in | relu
}
`;

/** Layers produced by one unit of `unit(i)` below. */
export const LAYERS_PER_UNIT = 24;

function unit(i: number): string {
  return `
# unit ${i}: separable pair, residual block, a branch and a concat
s${i}_a: conv 64 1x1 | bn | relu
s${i}_b: dwconv 3x3 | bn | relu
s${i}_c: res 64
s${i}_d: conv 32 1x1 from=s${i}_a | relu
s${i}_e: concat s${i}_c s${i}_d
s${i}_f: conv 64 1x1 stride=1 padding=same | bn | relu
repeat 2 conv 64 1x1 | relu
`;
}

export function generateLayers(layers: number): string {
  // Never more than asked for: 100,000 is also the engine's layer limit (core/limits.ts).
  const units = Math.max(1, Math.floor(layers / LAYERS_PER_UNIT));
  const parts = [HEADER];
  for (let i = 0; i < units; i++) parts.push(unit(i));
  return parts.join('');
}

/** The unrolled network as JSON: one object per layer with its op, options and inputs. */
export function graphToJson(graph: Graph): string {
  return JSON.stringify({
    network: graph.name,
    input: graph.input,
    layers: graph.layers.map((l) => ({ name: l.name, op: l.opText, ...l.op, inputs: l.inputs })),
  });
}
