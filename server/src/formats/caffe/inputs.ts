// The network input of a Caffe net: legacy `input:` + `input_dim` / `input_shape` at the
// top level, or an Input / Data-style layer (`input_param { shape }`, `transform_param
// { crop_size }`, `image_data_param { new_height new_width is_color }` (also SegNet's
// `dense_image_data_param`), `memory_data_param`,
// `dummy_data_param { shape }`). The first input found is the network input; the tops of
// any later one are auxiliary. Records which values hold H and W, for ρ edits.
import type { Graph, NetworkInput, Span } from '../../core/ir';
import { type BlobTable, NETWORK_INPUT } from './blobs';
import type { Diag, Reader } from './fields';
import { type LayerDef, typeSpan } from './layerDefs';
import type { Document } from './parser';

export class InputReader {
  found = false;
  /** The fields that hold the input height and width (`input_dim`, `dim`, `crop_size`), for ρ edits. */
  readonly sizeValues: number[] = [];

  constructor(
    private readonly graph: Graph,
    private readonly blobs: BlobTable,
    private readonly r: Reader,
    private readonly diag: Diag,
  ) {}

  private get doc(): Document {
    return this.r.doc;
  }

  private set(input: NetworkInput, blob: string | undefined, size: number[]): void {
    if (this.found) {
      if (blob !== undefined) this.blobs.markExtraInput(blob);
      return;
    }
    this.found = true;
    this.graph.input = input;
    if (blob !== undefined) this.blobs.write(blob, NETWORK_INPUT);
    this.sizeValues.push(...size);
    if (this.graph.headerSpan.end === 0 && input.span) this.graph.headerSpan = input.span;
  }

  /** N, C, H, W (or N, C) from dim values; reports a shape of any other length. */
  private fromDims(dims: number[], span: Span, blob: string | undefined) {
    const v = dims.map((d) => this.r.int(d, 1, 'dim'));
    if (v.some((x) => x === undefined)) return;
    if (v.length !== 4 && v.length !== 2) {
      // A volumetric net (N, C, D, H, W: Caffe's N-d convolution) or a sequence: no 2-D input
      // size, said once here; the layers that read the blob then have no shape, quietly.
      this.diag(
        'missing-input',
        dims.length ? this.doc.valueSpan(dims[0]!) : span,
        v.length === 5
          ? 'This input has 5 dims (N, C, D, H, W: a volumetric net): LayerLint analyses 2-D nets (N, C, H, W), so nothing that depends on it is costed.'
          : `An input shape needs 4 dims (N, C, H, W), or 2 (N, C); found ${v.length}.`,
      );
      if (blob !== undefined) this.blobs.markAux(blob);
      return;
    }
    const [n, c, h, w] = v as number[];
    this.set({ batch: n!, c: c!, h: h ?? 1, w: w ?? 1, span }, blob, dims.length === 4 ? [dims[2]!, dims[3]!] : []);
  }

  /** The net's `input:` fields, sized by its `input_shape` fields or groups of four scalar `input_dim`. */
  readTopLevel(inputFields: number[], inputDims: number[], inputShapes: number[]): void {
    const { doc } = this;
    inputFields.forEach((f, k) => {
      const blob = doc.isMessage(f) ? undefined : doc.value(f);
      const shape = inputShapes[k];
      const span = {
        start: doc.start(f),
        end: Math.max(
          doc.end(f),
          shape === undefined ? 0 : doc.end(shape),
          k === 0 && inputDims.length > 3 ? doc.end(inputDims[3]!) : 0,
        ),
      };
      if (shape !== undefined && doc.isMessage(shape)) this.fromDims(doc.fields(shape, 'dim', true), span, blob);
      else if (inputDims.length >= 4 * (k + 1) || (k === 0 && inputDims.length === 2))
        this.fromDims(inputDims.slice(4 * k, 4 * k + 4), span, blob);
      else if (blob !== undefined) {
        if (k === 0)
          this.diag(
            'missing-input',
            doc.span(f),
            `Input '${blob}' has no size: add four input_dim lines (N, C, H, W) or an input_shape { dim: ... } block.`,
          );
        if (k === 0) this.blobs.markAux(blob);
        else this.blobs.markExtraInput(blob);
      }
    });
  }

  /** H and W from two fields of `msg`, with the values that hold them (for ρ edits). */
  private sizeOf(msg: number, hName: string, wName: string) {
    const hs = this.doc.last(msg, hName);
    const ws = this.doc.last(msg, wName);
    const h = hs && this.r.int(hs, 1, hName);
    const w = ws && this.r.int(ws, 1, wName);
    return h && w ? { h, w, values: [hs, ws] } : undefined;
  }

  /**
   * SSD's `transform_param { resize_param { height width } }`: every image resized to that size
   * in the WARP and FIT_LARGE_SIZE_AND_PAD modes; FIT_SMALL_SIZE keeps the aspect ratio, so the
   * size depends on the image and is not an input size.
   */
  private resizedTo(transform: number) {
    const p = this.doc.sub(transform, 'resize_param');
    if (!p) return undefined;
    const modes = ['WARP', 'FIT_SMALL_SIZE', 'FIT_LARGE_SIZE_AND_PAD'] as const;
    if (this.r.enumField(p, 'resize_mode', modes, 'WARP') === 'FIT_SMALL_SIZE') return undefined;
    return this.sizeOf(p, 'height', 'width');
  }

  /** An Input or Data-style layer; its first top is the network input when it says its size. */
  readLayer(d: LayerDef): void {
    this.readLayerSize(d);
    for (const t of d.tops.slice(1)) this.blobs.markAux(this.doc.value(t));
  }

  private readLayerSize(d: LayerDef) {
    const { r, doc } = this;
    let shape = doc.sub(doc.sub(d.field, 'input_param'), 'shape');
    if (!shape) shape = doc.sub(doc.sub(d.field, 'dummy_data_param'), 'shape');
    const span = doc.span(d.field);
    const top = d.tops.length ? doc.value(d.tops[0]!) : undefined;
    if (shape) return this.fromDims(doc.fields(shape, 'dim', true), span, top);
    const mem = doc.sub(d.field, 'memory_data_param');
    if (mem) {
      const c = r.intField(mem, 'channels', 0, 1),
        h = r.intField(mem, 'height', 0, 1),
        w = r.intField(mem, 'width', 0, 1);
      if (c && h && w)
        return this.set({ batch: r.intField(mem, 'batch_size', 1, 1), c, h, w, span }, top, [
          doc.last(mem, 'height'),
          doc.last(mem, 'width'),
        ]);
    }
    // Data layers: the crop (or resize) is the network input; 3 channels; data_param.batch_size
    // is the loader's mini-batch, not the deployed batch, so the net is analysed per image.
    // ImageData and SegNet's DenseImageData read images from files: `is_color: false` is one channel.
    const images = doc.sub(d.field, 'image_data_param') || doc.sub(d.field, 'dense_image_data_param');
    const c = r.bool(images, 'is_color', true) ? 3 : 1;
    const transform = doc.sub(d.field, 'transform_param');
    const crop = doc.last(transform, 'crop_size');
    if (crop) {
      const side = r.int(crop, 1, 'crop_size');
      if (side) return this.set({ batch: 1, c, h: side, w: side, span }, top, [crop]);
    }
    const resized = crop ? undefined : (this.resizedTo(transform) ?? this.sizeOf(images, 'new_height', 'new_width'));
    if (resized) return this.set({ batch: 1, c, h: resized.h, w: resized.w, span }, top, resized.values);
    if (!this.found)
      this.diag(
        'missing-input',
        typeSpan(doc, d),
        `This ${d.typeText ?? 'data'} layer does not say the input size: add transform_param { crop_size: ... } or an Input layer with input_param { shape { dim: ... } }.`,
      );
    if (top !== undefined) {
      if (this.found) this.blobs.markExtraInput(top);
      else this.blobs.markAux(top);
    }
  }
}
