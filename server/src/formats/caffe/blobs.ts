// Caffe blob names → the IR layer that last wrote them. A layer whose top is its bottom
// (in-place ReLU, BatchNorm, Scale, Dropout) rewrites the name, so later readers chain in
// file order. Auxiliary blobs (labels, loss outputs, extra inputs) are known but not
// followed: reading one is quiet, except a second network input, whose readers the lowering
// names as not costed; reading a name nobody wrote is an `unknown-name` error.
import type { Diag } from './fields';
import type { Document } from './parser';

/** The producer of the network input. */
export const NETWORK_INPUT = -1;

export class BlobTable {
  private readonly producers = new Map<string, number>();
  private readonly aux = new Set<string>();

  constructor(private readonly diag: Diag) {}

  write(name: string, layer: number): void {
    this.producers.set(name, layer);
  }

  /** A blob LayerLint does not follow (a label, a loss output, a second input). */
  markAux(name: string): void {
    this.aux.add(name);
  }

  private readonly extraInputs = new Set<string>();

  /** A network input after the first: not followed, and a layer that computes on it is not costed. */
  markExtraInput(name: string): void {
    this.aux.add(name);
    this.extraInputs.add(name);
  }

  isExtraInput(name: string): boolean {
    return this.extraInputs.has(name);
  }

  /** The layer that wrote the blob named by field `b` last, or undefined (after `unknown-name` unless it is auxiliary). */
  resolve(doc: Document, b: number): number | undefined {
    const name = doc.value(b);
    const found = this.producers.get(name);
    if (found !== undefined) return found;
    if (!this.aux.has(name))
      this.diag('unknown-name', doc.valueSpan(b), `No layer or input writes a blob named '${name}' above this layer.`);
    return undefined;
  }
}
