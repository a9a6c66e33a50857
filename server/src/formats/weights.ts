// What the weight-aware rules are told, computed the same way for every format that reads
// weights: a depthwise kernel is dead when its largest |weight| (after folding a following
// batch norm's γ / √(var + ε) or a per-channel scale) is negligible against the layer's
// largest; a batch-norm channel is dead when its |γ| is negligible against the layer's
// largest |γ|. "Negligible" is at most NEGLIGIBLE times the largest (docs/rules.md). NaN or
// infinite values are never negligible, and a layer holding one has no negligible values (no
// scale to judge them against).

/** A kernel or γ is negligible when its magnitude is at most this fraction of the layer's largest. */
const NEGLIGIBLE = 1e-6;

const largest = (xs: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]!));
  return m;
};

const negligible = (x: number, top: number): boolean => Number.isFinite(top) && Math.abs(x) <= NEGLIGIBLE * top;

/** Dead kernels from their folded magnitudes; `byGamma` counts those dead only through the fold (`raw` not negligible). */
export function deadKernels(
  folded: ArrayLike<number>,
  raw: ArrayLike<number>,
): { dead: number; total: number; byGamma: number } {
  const top = largest(folded);
  const rawTop = largest(raw);
  let dead = 0;
  let byGamma = 0;
  for (let k = 0; k < folded.length; k++) {
    if (!negligible(folded[k]!, top)) continue;
    dead++;
    if (!negligible(raw[k]!, rawTop)) byGamma++;
  }
  return { dead, total: folded.length, byGamma };
}

/** Batch-norm channels whose γ is negligible against the layer's largest |γ|. */
export function deadChannels(gamma: ArrayLike<number>): { dead: number; total: number } {
  const top = largest(gamma);
  let dead = 0;
  for (let k = 0; k < gamma.length; k++) if (negligible(gamma[k]!, top)) dead++;
  return { dead, total: gamma.length };
}

/**
 * Each depthwise kernel's largest |weight| for a channels-last filter [K_h, K_w, C, M]
 * (TensorFlow's layout): kernel c·M + m holds the elements at (i·C + c)·M + m for every
 * window position i. Undefined when the sizes do not fit.
 */
export function channelsLastMagnitudes(
  data: ArrayLike<number>,
  channels: number,
  multiplier: number,
): Float64Array | undefined {
  const kernels = channels * multiplier;
  if (kernels < 1 || data.length % kernels !== 0) return undefined;
  const out = new Float64Array(kernels);
  for (let i = 0; i < data.length; i++) {
    const k = i % kernels;
    out[k] = Math.max(out[k]!, Math.abs(data[i]!));
  }
  return out;
}

/** Magnitudes scaled per kernel by |scale| (one value per kernel): a folded batch norm or per-channel scale. */
export function scaled(raw: Float64Array, scale: ArrayLike<number>): Float64Array | undefined {
  if (scale.length !== raw.length) return undefined;
  return raw.map((m, k) => m * Math.abs(scale[k]!));
}
