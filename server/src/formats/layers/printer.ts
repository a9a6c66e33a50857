// Prints IR-level rewrites as `.layers` text edits: the depthwise-separable rewrite of a
// conv, and setting or removing the `width` / `resolution` directives.
import type { Analysis } from '../../core/analysis';
import { ACTIVATIONS } from '../../core/ir';
import { eolOf, type TextEdit } from '../types';
import type { OpNode } from './ast';
import { findOpSite } from './opSite';
import type { LayersParsed } from './parsed';

const ACTS = new Set<string>(ACTIVATIONS);
const DW_OPTIONS = new Set(['stride', 'padding', 'dilation']);
const PW_OPTIONS = new Set(['fixed']);

function opText(text: string, node: OpNode): string {
  return text.slice(node.span.start, node.span.end);
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * conv N KxK [stride padding dilation] [| bn] [| act]
 *   → dwconv KxK [stride padding dilation] | bn | ACT | conv N 1x1 | bn [| act]
 * The rewrite keeps the original's activation placement: it ends with the activation the
 * conv was followed by, and with none when there was none (a `conv | bn` right before an
 * `add` stays linear). Between the two halves goes that activation, else relu.
 * A named conv that starts its own line is split in two lines: `NAME_dw: dwconv ...` and
 * `NAME: conv N 1x1 ...`, so that references to NAME still hold. Elsewhere the chain is
 * rewritten in place. `from=` stays on the first op; `bias=` is dropped (BN follows).
 */
export function separableEdits(
  parsed: LayersParsed,
  analysis: Analysis,
  layerIndex: number,
  text: string,
): TextEdit[] | undefined {
  const layer = analysis.graph.layers[layerIndex];
  if (layer?.op.kind !== 'conv') return undefined;
  const site = findOpSite(parsed.ast.statements, layer.span.start);
  if (!site) return undefined;
  const { stmt, opIndex } = site;
  const node = stmt.chain[opIndex]!;
  const next = stmt.chain[opIndex + 1];
  const after = stmt.chain[opIndex + 2];
  const isAct = (n: OpNode | undefined) => n !== undefined && ACTS.has(n.keyword.text) && n.keyword.text !== 'softmax';
  let consumed = 1;
  let followedBy: OpNode | undefined;
  if (next?.keyword.text === 'bn') {
    consumed = 2;
    if (isAct(after)) {
      consumed = 3;
      followedBy = after;
    }
  } else if (isAct(next)) {
    consumed = 2;
    followedBy = next;
  }
  const act = followedBy ? opText(text, followedBy) : 'relu';
  const pwTail = followedBy ? ` | bn | ${act}` : ' | bn';
  const [outArg, kernelArg] = node.args.filter((a) => !a.key);
  if (!outArg || !kernelArg) return undefined;
  const keyed = node.args.filter((a) => a.key);
  const dwOpts = keyed.filter((a) => DW_OPTIONS.has(a.key!.text)).map((a) => text.slice(a.span.start, a.span.end));
  const fromOpt = keyed.filter((a) => a.key!.text === 'from').map((a) => text.slice(a.span.start, a.span.end));
  const pwOpts = keyed.filter((a) => PW_OPTIONS.has(a.key!.text)).map((a) => text.slice(a.span.start, a.span.end));
  const dw = ['dwconv', kernelArg.value.text, ...dwOpts].join(' ');
  const pw = ['conv', outArg.value.text, '1x1', ...pwOpts].join(' ');
  const lastConsumed = stmt.chain[opIndex + consumed - 1]!;
  const lineStart = lineStartOf(text, stmt.span.start);
  const indent = text.slice(lineStart, stmt.span.start);
  const ownLine = /^[ \t]*$/.test(indent);
  const dwName = stmt.name ? `${stmt.name.text}_dw` : undefined;
  const nameFree =
    dwName !== undefined && !analysis.graph.layers.some((l) => l.name === dwName || l.name.startsWith(`${dwName}/`));
  if (opIndex === 0 && stmt.name && ownLine && nameFree) {
    const eol = eolOf(text);
    const first = `${dwName}: ${[dw, ...fromOpt].join(' ')} | bn | ${act}`;
    return [
      { span: { start: lineStart, end: lineStart }, newText: `${indent}${first}${eol}` },
      { span: { start: node.span.start, end: lastConsumed.span.end }, newText: `${pw}${pwTail}` },
    ];
  }
  return [
    {
      span: { start: node.span.start, end: lastConsumed.span.end },
      newText: `${[dw, ...fromOpt].join(' ')} | bn | ${act} | ${pw}${pwTail}`,
    },
  ];
}

/** Replaces, inserts or (with `line` undefined) removes a top-level directive line. */
export function setDirectiveEdits(
  parsed: LayersParsed,
  text: string,
  keyword: 'width' | 'resolution',
  line: string | undefined,
): TextEdit[] {
  const existing = parsed.ast.statements.find((s) => s.kind === 'directive' && s.keyword.text === keyword);
  const eol = eolOf(text);
  if (existing) {
    if (line !== undefined) return [{ span: existing.span, newText: line }];
    const start = lineStartOf(text, existing.span.start);
    const nl = text.indexOf('\n', existing.span.end);
    return [{ span: { start, end: nl < 0 ? text.length : nl + 1 }, newText: '' }];
  }
  if (line === undefined) return [];
  const anchor = parsed.graph.input.span ?? parsed.graph.nameSpan;
  if (!anchor) return [{ span: { start: 0, end: 0 }, newText: line + eol }];
  const nl = text.indexOf('\n', anchor.end);
  if (nl < 0) return [{ span: { start: text.length, end: text.length }, newText: eol + line }];
  return [{ span: { start: nl + 1, end: nl + 1 }, newText: line + eol }];
}
