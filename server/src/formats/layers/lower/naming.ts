// Layer names of a `.layers` lowering and the layer objects that carry them. A layer is a
// view of its chain op in the syntax tree; its unique name is computed on first read, with
// the names of the layers before it (never those after): inside a block invocation the
// invocation's name and `/` come first, inside a repeat iteration `#N` comes last. A statement without a name is named
// after its first op and how many unnamed statements starting with that op come before it
// (`dwconv.1`, `conv.2`): names that stay when lines move (comments, blank lines, edits
// elsewhere) and say what the layer is; the chain's later ops add `/op` (`dwconv.1/bn`).
import type { Layer, LayerOp, Span } from '../../../core/ir';
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
 * is computed on first read, with those of the layers before it. Six fields per layer:
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
 * Unique names for the layers of one lowering, in layer order: deterministic whenever they
 * are read. A name depends only on the layers before it (their base names taken first), so
 * reading layer i names layers 0..i and no further: an analysis whose messages name a few
 * early layers never names the rest. An incremental update (incremental.ts) rebinds it to
 * the new graph; the names stay, since they depend on statement names, op keywords and
 * order, not on offsets or lines.
 */
export class Naming {
  /** Names of layers 0..names.length-1, the prefix read so far. */
  private readonly names: string[] = [];
  private unique: ((base: string) => string) | undefined;
  /** Base names of block invocations (the prefix of every layer inside them), once computed. */
  private readonly bases = new Map<NameSite, string>();
  /** The name of each unnamed statement, in the order statements are first met. */
  private readonly unnamed = new Map<LayerStmt, string>();
  /** Unnamed statements met so far, per first op keyword. */
  private readonly counts = new Map<string, number>();
  constructor(private layers: Layer[]) {}
  name(index: number): string {
    if (index >= this.names.length) this.extend(index);
    return this.names[index]!;
  }
  /**
   * After an incremental update: the same statements, new layer objects for the changed
   * ones, and `replaced` statement nodes (old → new, same name and op keywords), which keep
   * the names their old nodes were given.
   */
  rebind(layers: Layer[], replaced: Iterable<[LayerStmt, LayerStmt]>): void {
    this.layers = layers;
    for (const [old, stmt] of replaced) {
      const name = this.unnamed.get(old);
      if (name === undefined) continue;
      this.unnamed.delete(old);
      this.unnamed.set(stmt, name);
    }
  }
  private statementName(stmt: LayerStmt): string {
    if (stmt.name) return stmt.name.text;
    let name = this.unnamed.get(stmt);
    if (name === undefined) {
      const kw = stmt.chain[0]!.keyword.text;
      const n = (this.counts.get(kw) ?? 0) + 1;
      this.counts.set(kw, n);
      this.unnamed.set(stmt, (name = `${kw}.${n}`));
    }
    return name;
  }
  private siteName(site: NameSite): string {
    let base = this.bases.get(site);
    if (base === undefined) this.bases.set(site, (base = this.baseName(site.ctx, site.stmt, site.opIndex, site.kw)));
    return base;
  }
  private baseName(ctx: NameCtx, stmt: LayerStmt, opIndex: number, kw: string): string {
    const prefix = ctx.invocation ? `${this.siteName(ctx.invocation)}/` : '';
    const own = this.statementName(stmt);
    return prefix + (opIndex === 0 ? own : `${own}/${kw}`) + ctx.suffix;
  }
  /** Names the layers from the first unnamed one through `index` (at most the last layer). */
  private extend(index: number): void {
    const unique = (this.unique ??= uniqueNamer());
    const last = Math.min(index, this.layers.length - 1);
    for (let i = this.names.length; i <= last; i++) {
      const l = this.layers[i] as LoweredLayer;
      this.names.push(unique(this.baseName(l.ctx, l.stmt, l.opIndex, l.stmt.chain[l.opIndex]!.keyword.text)));
    }
  }
}
