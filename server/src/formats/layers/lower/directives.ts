// The `.layers` header directives (network, input, width, resolution, budget, target): each checks
// its arguments and sets its part of the graph; a bad value gets a diagnostic on its word
// and leaves the graph's default. `target FILE` reads a profile file through the host's
// companion reader (formats/types.ts Companions), the only directive that reads a file. `input` is declared once (its span marks it declared).
import type { Graph } from '../../../core/ir';
import { LIMITS } from '../../../core/limits';
import { isProfilePath, profileFromBytes } from '../../../core/targets';
import type { Companions } from '../../types';
import type { Arg, DirectiveStmt, Word } from '../ast';
import { parseBytes, parseCount, parseDims, parseMilliseconds } from '../values';
import type { Diag } from './checkOp';

/** One directive's arguments: positional words and `key=value` options. */
class DirectiveArgs {
  readonly kw: string;
  readonly positional: Arg[];
  readonly opts: Map<string, Arg>;
  constructor(
    readonly d: DirectiveStmt,
    private readonly diag: Diag,
  ) {
    this.kw = d.keyword.text;
    this.positional = d.args.filter((a) => !a.key);
    this.opts = new Map(d.args.filter((a) => a.key).map((a) => [a.key!.text, a] as const));
  }
  /** Reports every option not in `allowed`. */
  allowOpts(allowed: string[]): void {
    for (const [k, a] of this.opts)
      if (!allowed.includes(k))
        this.diag(
          'unknown-option',
          a.key!.span,
          `'${this.kw}' has no option '${k}'${allowed.length ? ` (options: ${allowed.join(', ')})` : ''}.`,
        );
  }
  /** The one positional word, or undefined after a diagnostic showing `usage`. */
  needOne(usage: string): Word | undefined {
    if (this.positional.length !== 1) {
      this.diag('syntax-error', this.positional[1]?.span ?? this.d.span, `Expected: ${usage}.`);
      return undefined;
    }
    return this.positional[0]!.value;
  }
  /** An integer option from 1 to the dimension limit; undefined when absent or (after a diagnostic) bad. */
  positiveIntOption(key: string): number | undefined {
    const a = this.opts.get(key);
    if (!a) return undefined;
    const n = Number(a.value.text);
    if (Number.isInteger(n) && n >= 1 && n <= LIMITS.maxDimension) return n;
    this.diag(
      'invalid-value',
      a.value.span,
      `${key} must be an integer from 1 to ${LIMITS.maxDimension}, not '${a.value.text}'.`,
    );
    return undefined;
  }
}

function networkDirective(args: DirectiveArgs, graph: Graph): void {
  const w = args.needOne('network NAME');
  if (w) {
    graph.name = w.text;
    graph.nameSpan = args.d.span;
  }
  args.allowOpts([]);
  graph.headerSpan = args.d.span;
}

function inputDirective(args: DirectiveArgs, graph: Graph, diag: Diag): void {
  args.allowOpts(['batch']);
  const w = args.needOne('input HxWxC [batch=N]');
  if (!w) return;
  const dims = parseDims(w.text);
  if (dims?.length !== 3 || dims.some((x) => x < 1 || x > LIMITS.maxDimension)) {
    diag(
      'invalid-value',
      w.span,
      `'${w.text}' is not an input shape: write H x W x C, each from 1 to ${LIMITS.maxDimension}, e.g. 224x224x3.`,
    );
    return;
  }
  const batch = args.positiveIntOption('batch') ?? 1;
  if (graph.input.span) diag('duplicate-name', args.d.keyword.span, 'The input is already declared.');
  graph.input = { h: dims[0]!, w: dims[1]!, c: dims[2]!, batch, span: args.d.span };
  if (graph.headerSpan.end === 0) graph.headerSpan = args.d.span;
}

function widthDirective(args: DirectiveArgs, graph: Graph, diag: Diag): void {
  args.allowOpts(['divisor']);
  const w = args.needOne('width ALPHA [divisor=D]');
  if (!w) return;
  const a = Number(w.text);
  if (!(a > 0 && a <= 4)) {
    diag('invalid-value', w.span, `The width multiplier must be a number in (0, 4], not '${w.text}'.`);
    return;
  }
  const divisor = args.positiveIntOption('divisor');
  graph.width = divisor ? { alpha: a, divisor, span: args.d.span } : { alpha: a, span: args.d.span };
}

function resolutionDirective(args: DirectiveArgs, graph: Graph, diag: Diag): void {
  args.allowOpts([]);
  const w = args.needOne('resolution SIDE');
  if (!w) return;
  const r = Number(w.text);
  if (!Number.isInteger(r) || r < 1 || r > LIMITS.maxDimension)
    diag(
      'invalid-value',
      w.span,
      `The resolution must be an integer input side from 1 to ${LIMITS.maxDimension}, not '${w.text}'.`,
    );
  else graph.resolution = { side: r, span: args.d.span };
}

function budgetDirective(args: DirectiveArgs, graph: Graph, diag: Diag): void {
  if (args.positional.length)
    diag('syntax-error', args.positional[0]!.span, 'Expected: budget macs=N params=N latency=Tms activations=NMB.');
  args.allowOpts(['macs', 'params', 'latency', 'activations']);
  const budget = graph.budget ?? { span: args.d.span };
  for (const key of ['macs', 'params'] as const) {
    const a = args.opts.get(key);
    if (!a) continue;
    const c = parseCount(a.value.text);
    if (!c.ok || c.value <= 0) diag('invalid-value', a.value.span, c.ok ? 'A budget must be positive.' : c.error);
    else budget[key] = c.value;
  }
  const latency = args.opts.get('latency');
  if (latency) {
    const ms = parseMilliseconds(latency.value.text);
    if (ms === undefined)
      diag(
        'invalid-value',
        latency.value.span,
        `A latency budget is a positive time in ms or us, e.g. 5ms or 800us, not '${latency.value.text}'.`,
      );
    else budget.latencyMs = ms;
  }
  const activations = args.opts.get('activations');
  if (activations) {
    const bytes = parseBytes(activations.value.text);
    if (bytes === undefined)
      diag(
        'invalid-value',
        activations.value.span,
        `An activation-memory budget is a positive size in bytes, e.g. 6MB, 512KB or 4000000B, not '${activations.value.text}'.`,
      );
    else budget.activationBytes = bytes;
  }
  if (
    budget.macs !== undefined ||
    budget.params !== undefined ||
    budget.latencyMs !== undefined ||
    budget.activationBytes !== undefined
  )
    graph.budget = budget;
}

/**
 * `target NAME` (a built-in profile or one of the configuration's, which the analysis
 * resolves: this front-end does not see the configuration) or `target FILE` (a profile file,
 * relative to the spec's folder, read through the host's companion reader, which refuses
 * paths leaving that folder). A file that cannot be read or is no profile is invalid-value
 * on the word, and the file has no target (not the configuration's either).
 */
function targetDirective(args: DirectiveArgs, graph: Graph, diag: Diag, companions: Companions | undefined): void {
  args.allowOpts([]);
  const w = args.needOne('target NAME or target FILE');
  if (!w) return;
  if (!isProfilePath(w.text)) {
    graph.target = { id: w.text, span: args.d.span, word: w.span };
    return;
  }
  const bytes = companions
    ? companions.read(w.text)
    : { error: 'this host reads no files next to the spec (VS Code for the Web)' };
  const read = bytes instanceof Uint8Array ? profileFromBytes(bytes) : bytes;
  if ('error' in read) {
    diag('invalid-value', w.span, `Target profile file '${w.text}' cannot be used: ${read.error}. No target is set.`);
    graph.target = { id: w.text, span: args.d.span, word: w.span, unusable: true };
  } else graph.target = { id: read.profile.id, span: args.d.span, word: w.span, profile: read.profile };
}

type DirectiveHandler = (args: DirectiveArgs, graph: Graph, diag: Diag, companions: Companions | undefined) => void;

const DIRECTIVES = new Map<string, DirectiveHandler>([
  ['network', networkDirective],
  ['input', inputDirective],
  ['width', widthDirective],
  ['resolution', resolutionDirective],
  ['budget', budgetDirective],
  ['target', targetDirective],
]);

/** Applies one directive to the graph header. */
export function applyDirective(d: DirectiveStmt, graph: Graph, diag: Diag, companions?: Companions): void {
  DIRECTIVES.get(d.keyword.text)?.(new DirectiveArgs(d, diag), graph, diag, companions);
}
