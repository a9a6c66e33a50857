// Layer names of a `.layers` lowering and the layer objects that carry them. A layer is a
// view of its chain op in the syntax tree; its unique name is computed on first read, for
// the whole graph at once: inside a block invocation the invocation's name and `/` come
// first, inside a repeat iteration `#N` comes last, an unnamed op is named after its line.
import type { Layer, LayerOp, Span } from '../../../core/ir';
import { LineIndex } from '../../../core/lineIndex';
import { uniqueNamer } from '../../names';
import type { LayerStmt } from '../ast';

/**
 * How the names of the layers lowered in one context are formed: inside a block
 * invocation, the invocation's own name and `/` come first; inside a repeat iteration,
 * `#N` comes last. Layer names are built from these only when first read.
 */
export interface NameCtx {
  naming: Naming;
  /** The block invocation this context is inside of, if any. */
  invocation?: NameSite;
  suffix: string;
  /** Outermost invocation span, when inside a block. */
  site?: Span;
}

/** The parts of one base name: the chain op and the context it was lowered in. */
export interface NameSite {
  ctx: NameCtx;
  stmt: LayerStmt;
  opIndex: number;
  kw: string;
}

/**
 * A lowered layer: a view of its chain op in the syntax tree (op text and spans are read
 * from there, the same objects every time) plus what lowering decided. Its unique name
 * is computed on first read, for every layer of the graph at once. Six fields per layer:
 * a network's layers are most of what its analysis keeps in memory.
 */
export class LoweredLayer implements Layer {
  constructor(
    public index: number,
    public op: LayerOp,
    public inputs: number[],
    readonly ctx: NameCtx,
    readonly stmt: LayerStmt,
    readonly opIndex: number,
  ) {}
  get name(): string {
    return this.ctx.naming.name(this.index);
  }
  get opText(): string {
    return this.stmt.chain[this.opIndex]!.keyword.text;
  }
  get span(): Span {
    return this.stmt.chain[this.opIndex]!.span;
  }
  get site(): Span {
    return this.ctx.site ?? this.stmt.chain[this.opIndex]!.span;
  }
  get statement(): Span {
    return this.stmt.span;
  }
}

/**
 * Unique names for all layers of one lowering, in layer order: deterministic whenever they
 * are read. An incremental update (incremental.ts) rebinds it to the new graph and text,
 * since unnamed layers are named after their line.
 */
export class Naming {
  private names: string[] | undefined;
  private lines: LineIndex | undefined;
  /** Base names of block invocations (the prefix of every layer inside them), once computed. */
  private readonly bases = new Map<NameSite, string>();
  constructor(
    private layers: Layer[],
    private text: string,
  ) {}
  name(index: number): string {
    return (this.names ??= this.compute())[index]!;
  }
  /** After an incremental update; names are kept when no line moved (they depend on line numbers, not offsets). */
  rebind(layers: Layer[], text: string, linesMoved: boolean): void {
    this.layers = layers;
    this.text = text;
    if (!linesMoved) return;
    this.names = undefined;
    this.bases.clear();
  }
  private siteName(site: NameSite): string {
    let base = this.bases.get(site);
    if (base === undefined)
      this.bases.set(
        site,
        (base = this.baseName(site.ctx, site.stmt, site.opIndex, site.kw, site.stmt.chain[site.opIndex]!.span.start)),
      );
    return base;
  }
  private baseName(ctx: NameCtx, stmt: LayerStmt, opIndex: number, kw: string, start: number): string {
    const prefix = ctx.invocation ? `${this.siteName(ctx.invocation)}/` : '';
    const local = stmt.name
      ? opIndex === 0
        ? stmt.name.text
        : `${stmt.name.text}/${kw}`
      : `${kw}_${(this.lines ??= new LineIndex(this.text)).lineAt(start) + 1}`;
    return prefix + local + ctx.suffix;
  }
  private compute(): string[] {
    const unique = uniqueNamer();
    const out: string[] = new Array(this.layers.length);
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i] as LoweredLayer;
      const node = l.stmt.chain[l.opIndex]!;
      out[i] = unique(this.baseName(l.ctx, l.stmt, l.opIndex, node.keyword.text, node.span.start));
    }
    this.lines = undefined;
    return out;
  }
}
