// Prints an analysed network (any format) as an editable `.layers` spec (docs/language.md),
// for `layerlint import`. Pure: analysis in, text out.
//
// Contract: every layer `.layers` can express becomes one statement with every option written
// out (bias, padding, stride), so the spec's shapes and costs equal the analysis' layer for
// layer. An identity is left out (a comment; its readers read its input). A layer it cannot express (a Caffe Scale, a split, a reshape, an unknown op, a layer
// reading the network input after the first) becomes a comment that says so; a
// shape-preserving one is skipped (its readers read its input, and its own cost is left out,
// which the header says), and every layer that depends on a shape-changing one is a comment too.
// `expressible` is true when nothing was left out, and then MACs, parameters and other ops
// are equal (activations less the outputs of the identities left out).
import type { Analysis } from '../core/analysis';
import type { LayerResult } from '../core/costs';
import type { LayerOp, Padding } from '../core/ir';
import { singleLine } from '../core/safeText';

export interface LayersExport {
  text: string;
  /** Every layer became a statement: the spec's totals equal the analysis'. */
  expressible: boolean;
  /** The layers left out as comments. */
  leftOut: string[];
}

const pair = (a: number, b: number) => (a === b ? `${a}` : `${a}x${b}`);

function paddingText(p: Padding): string {
  return p.kind === 'explicit' ? pair(p.h, p.w) : p.kind;
}

/** The `.layers` op text of a layer, or why it has none. Inputs are printed names. */
function opText(op: LayerOp, inputs: string[]): { text: string } | { why: string } {
  switch (op.kind) {
    case 'conv':
    case 'deconv':
      return {
        text: `${op.kind} ${op.out} ${op.kh}x${op.kw} stride=${pair(op.sh, op.sw)} padding=${paddingText(op.padding)} dilation=${pair(op.dh, op.dw)} groups=${op.groups} bias=${op.bias}${op.fixed ? ' fixed=true' : ''}`,
      };
    case 'dwconv':
      return {
        text: `dwconv ${op.kh}x${op.kw} stride=${pair(op.sh, op.sw)} padding=${paddingText(op.padding)} dilation=${pair(op.dh, op.dw)} multiplier=${op.multiplier} bias=${op.bias}`,
      };
    case 'pool':
      return op.global
        ? { text: `${op.mode}pool global` }
        : {
            text: `${op.mode}pool ${op.kh}x${op.kw} stride=${pair(op.sh, op.sw)} padding=${paddingText(op.padding)}${op.ceil ? ' ceil=true' : ''}`,
          };
    case 'fc':
      return { text: `fc ${op.out} bias=${op.bias}` };
    case 'bn':
      return op.affine === false ? { why: 'a batch norm without scale and shift' } : { text: 'bn' };
    case 'act':
      return op.slopes ? { text: op.slopes === 'shared' ? 'prelu shared=true' : 'prelu' } : { text: op.fn };
    case 'dropout':
      return { text: `dropout ${op.p}` };
    case 'flatten':
      return { text: 'flatten' };
    case 'upsample':
      return op.factorW || op.trim || op.size
        ? { why: 'an upsampling to a size other than a whole factor of the input' }
        : { text: `upsample ${op.factor}` };
    case 'merge':
      if (op.axis) return { why: `a concatenation along ${op.axis}` };
      return inputs.length < 2 ? { why: 'a merge of one operand' } : { text: `${op.mode} ${inputs.join(' ')}` };
    case 'identity':
      return { why: 'no op (an identity)' };
    case 'scale':
      return { why: 'a per-channel scale' };
    case 'lrn':
      return { why: 'a local response normalisation' };
    case 'split':
      return { why: `channel chunk ${op.index + 1} of ${op.parts}` };
    case 'slice':
      return { why: `a slice along ${op.axis}` };
    case 'reshape':
      return { why: 'a reshape' };
    case 'unknown':
      return { why: `'${op.type}', which LayerLint cannot cost` };
    default:
      return { why: `a ${op.kind} layer, which .layers has no op for` };
  }
}

/** A `.layers` NAME for a layer name: letter or _ first, then letters, digits, _ . - /. */
function nameFor(raw: string, taken: Set<string>): string {
  let base = raw.replace(/[^A-Za-z0-9_./-]/g, '_').replace(/^[^A-Za-z_]+/, '') || 'layer';
  if (base === 'in') base = 'in_';
  let name = base;
  for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
  taken.add(name);
  return name;
}

export function exportLayers(
  analysis: Analysis,
  title: string,
  /** Ops printed instead of a layer's own (`--prune-dead`: export/prune.ts). */
  replaced: ReadonlyMap<number, LayerOp> = new Map(),
): LayersExport {
  const graph = analysis.graph;
  const lines: string[] = [];
  const leftOut: string[] = [];
  const taken = new Set<string>();
  /** Per layer: the printed name that stands for its output, or undefined when nothing does. */
  const printed: (string | undefined)[] = new Array(graph.layers.length);
  /** Per layer: the layer left out that it depends on (its output shape is not in the spec). */
  const blockedBy: (string | undefined)[] = new Array(graph.layers.length);
  const input = graph.input;
  lines.push(`# Imported from ${singleLine(title)} (${graph.format}) by layerlint import.`);
  const body: string[] = [];
  let previous: number | undefined;
  for (const result of analysis.layers) {
    const layer = result.layer;
    const blocked = layer.inputs.map((i) => (i >= 0 ? blockedBy[i] : undefined)).find((b) => b !== undefined);
    const sources = layer.inputs.map((i) => (i < 0 ? undefined : printed[i]));
    const reason = blocked
      ? { why: `it depends on ${blocked}, which is not in this spec` }
      : sources.some((s, k) => s === undefined && layer.inputs[k]! >= 0)
        ? { why: 'an input that is not in this spec' }
        : readsInputLate(layer.inputs, previous)
          ? { why: 'it reads the network input, which only the first statement can' }
          : opText(replaced.get(layer.index) ?? layer.op, sources as string[]);
    if (layer.op.kind === 'identity' && !blocked && layer.inputs.length === 1 && 'why' in reason) {
      // No op and no cost: its readers read its input, and the totals stay equal.
      printed[layer.index] = sources[0];
      body.push(`# ${singleLine(layer.name)} (${singleLine(layer.opText)}): no op, left out.`);
      continue;
    }
    if ('why' in reason) {
      leftOut.push(layer.name);
      body.push(
        `# ${singleLine(layer.name)} (${singleLine(layer.opText)}): not expressible in .layers: ${reason.why}.`,
      );
      if (keepsShape(result) && !blocked && layer.inputs.length === 1) printed[layer.index] = sources[0];
      else blockedBy[layer.index] = blocked ?? layer.name;
      continue;
    }
    const name = nameFor(layer.name, taken);
    printed[layer.index] = name;
    const first = layer.inputs[0]!;
    const chained = layer.op.kind === 'merge' || first === previous || (first < 0 && previous === undefined);
    body.push(`${name}: ${reason.text}${chained ? '' : ` from=${sources[0]}`}`);
    previous = layer.index;
  }
  const expressible = leftOut.length === 0;
  if (!expressible)
    lines.push(
      `# ${leftOut.length} layer(s) are not expressible and are comments below: this spec's totals leave their cost out.`,
    );
  lines.push(`network ${nameFor(graph.name || 'imported', new Set())}`);
  lines.push(`input ${input.h}x${input.w}x${input.c}${input.batch > 1 ? ` batch=${input.batch}` : ''}`);
  if (graph.width.alpha !== 1)
    lines.push(`width ${graph.width.alpha}${graph.width.divisor ? ` divisor=${graph.width.divisor}` : ''}`);
  if (graph.resolution) lines.push(`resolution ${graph.resolution.side}`);
  return { text: `${[...lines, ...body].join('\n')}\n`, expressible, leftOut };
}

/** A layer that reads the network input when it is not the first statement. */
function readsInputLate(inputs: number[], previous: number | undefined): boolean {
  return inputs.includes(-1) && previous !== undefined;
}

function keepsShape(r: LayerResult): boolean {
  const i = r.inputs?.[0];
  return !!i && !!r.output && i.join() === r.output.join();
}
