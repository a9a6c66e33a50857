// A TensorFlow.js `weightsManifest`: groups of weights, each group stored as the
// concatenation of its `paths` (shard files relative to model.json), each weight taking
// numel × bytes of its dtype (float32, int32: 4; bool, uint8: 1) or of its quantized dtype
// (`quantization.dtype` uint8 / uint16, value = q × scale + min; float16, a half float).
// Entries are listed without reading anything (their shapes are the topology's); a weight's
// values are decoded on demand, and a group's shards are read once, the first time one of its
// weights is asked for, and kept as read (a weight straddling two shards is copied, nothing
// else: the group is never concatenated in memory). A shard path that is absolute, has a `..` segment, a scheme or a drive
// is refused before the host is asked; a shard that is missing, unreadable or shorter than the
// manifest says gives one `weight-shard-unreadable` per group, and its weights stay unread.
//
// Contract: never throws; `values` gives numbers or undefined, and every reason a weight is
// undefined is a diagnostic (one per group, or one `weights-not-read` without file access).
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import type { Span } from '../../core/ir';
import type { Companions } from '../types';

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min: number; scale: number };
  group: number;
  /** Byte offset in the group's concatenated shards; undefined after a weight of unknown size (a string). */
  offset?: number;
  bytes?: number;
}

interface Group {
  paths: string[];
  span: Span;
  /** The group's shards once read (each where it starts in the concatenation), or why they are not. */
  data?: Shards | { error: string };
  /** Bytes the entries need. */
  needed: number;
}

/** A group's shard files as read, not concatenated: `starts[i]` is where `parts[i]` begins. */
interface Shards {
  parts: Uint8Array[];
  starts: number[];
}

/** `length` bytes at `offset` of the concatenated shards: a view inside one shard, a copy across two or more. */
function bytesAt(shards: Shards, offset: number, length: number): Uint8Array {
  let i = shards.parts.length - 1;
  while (i > 0 && shards.starts[i]! > offset) i--;
  const first = shards.parts[i]!;
  const at = offset - shards.starts[i]!;
  if (at + length <= first.length) return first.subarray(at, at + length);
  const out = new Uint8Array(length);
  for (let filled = 0; filled < length; i++) {
    const part = shards.parts[i]!;
    const from = filled === 0 ? at : 0;
    const piece = part.subarray(from, Math.min(part.length, from + length - filled));
    out.set(piece, filled);
    filled += piece.length;
  }
  return out;
}

const ELEMENT_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

export const numel = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Why a shard path may not be asked for, or undefined when it names a file in the model's folder. */
export function unsafeShardPath(path: string): string | undefined {
  if (path === '' || path.includes('\0')) return 'an empty path';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return 'a URL or drive path';
  if (path.startsWith('/') || path.startsWith('\\')) return 'an absolute path';
  if (path.split(/[\\/]/).some((s) => s === '..')) return 'a path that leaves the model’s folder';
  return undefined;
}

/** An IEEE half float from its 16 bits. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export class WeightShards {
  private readonly entries = new Map<string, WeightEntry>();
  private readonly groups: Group[] = [];
  readonly diagnostics: EngineDiagnostic[] = [];
  private noAccessNoted = false;

  /**
   * `manifest`: the JSON value of `weightsManifest`; `spans[g]`: where group g's `paths` sit
   * (for diagnostics); `companions`: the host's file access, if any.
   */
  constructor(
    manifest: unknown,
    spans: Span[],
    private readonly at: Span,
    private readonly companions: Companions | undefined,
  ) {
    if (!Array.isArray(manifest)) return;
    manifest.forEach((g, gi) => {
      const paths = Array.isArray(g?.paths) ? g.paths.filter((p: unknown) => typeof p === 'string') : [];
      const group: Group = { paths, span: spans[gi] ?? at, needed: 0 };
      this.groups.push(group);
      let offset: number | undefined = 0;
      for (const w of Array.isArray(g?.weights) ? g.weights : []) {
        if (!w || typeof w.name !== 'string') continue;
        const shape = Array.isArray(w.shape)
          ? w.shape.map((d: unknown) => (typeof d === 'number' ? d : Number.NaN))
          : [];
        const dtype = typeof w.dtype === 'string' ? w.dtype : '?';
        const q = w.quantization;
        const quantization =
          q && typeof q.dtype === 'string'
            ? {
                dtype: q.dtype,
                min: typeof q.min === 'number' ? q.min : 0,
                scale: typeof q.scale === 'number' ? q.scale : 1,
              }
            : undefined;
        const per = ELEMENT_BYTES[quantization?.dtype ?? dtype];
        const n = numel(shape);
        const bytes = per !== undefined && Number.isSafeInteger(n) && n >= 0 ? n * per : undefined;
        const entry: WeightEntry = { name: w.name, shape, dtype, quantization, group: gi, offset, bytes };
        if (!this.entries.has(w.name)) this.entries.set(w.name, entry);
        // A string weight (or an unknown dtype) has no fixed size: the offsets after it are unknown.
        offset = offset === undefined || bytes === undefined ? undefined : offset + bytes;
        if (offset !== undefined) group.needed = offset;
      }
    });
  }

  entry(name: string): WeightEntry | undefined {
    return this.entries.get(name);
  }

  /** The name of the one entry that ends with `suffix` (a layer's weight under a model-name prefix), if exactly one does. */
  suffixed(suffix: string): string | undefined {
    let found: string | undefined;
    for (const name of this.entries.keys()) {
      if (!name.endsWith(suffix)) continue;
      if (found !== undefined) return undefined;
      found = name;
    }
    return found;
  }

  /** The weight's values (dequantized), or undefined when they cannot be read (diagnosed once per group). */
  values(name: string): Float64Array | undefined {
    const e = this.entries.get(name);
    if (!e || e.offset === undefined || e.bytes === undefined) return undefined;
    const shards = this.groupShards(e.group);
    if (!shards) return undefined;
    const data = bytesAt(shards, e.offset, e.bytes);
    const view = new DataView(data.buffer, data.byteOffset, e.bytes);
    const n = numel(e.shape);
    const out = new Float64Array(n);
    const q = e.quantization;
    const kind = q?.dtype ?? e.dtype;
    for (let i = 0; i < n; i++) {
      if (kind === 'float32') out[i] = view.getFloat32(4 * i, true);
      else if (kind === 'int32') out[i] = view.getInt32(4 * i, true);
      else if (kind === 'float16') out[i] = halfToFloat(view.getUint16(2 * i, true));
      else if (kind === 'uint16') out[i] = view.getUint16(2 * i, true);
      else out[i] = view.getUint8(i);
    }
    if (q && q.dtype !== 'float16') for (let i = 0; i < n; i++) out[i] = out[i]! * q.scale + q.min;
    return out;
  }

  private groupShards(g: number): Shards | undefined {
    const group = this.groups[g];
    if (!group) return undefined;
    if (!group.data) {
      group.data = this.readGroup(group);
      if ('error' in group.data && this.companions)
        this.diagnostics.push(
          makeDiagnostic(
            'weight-shard-unreadable',
            group.span,
            `The weights in ${group.paths.join(', ') || '(no paths)'} are not read: ${group.data.error}. The weight-aware rules skip them; the figures from the topology still stand.`,
          ),
        );
    }
    return 'error' in group.data ? undefined : group.data;
  }

  private readGroup(group: Group): Shards | { error: string } {
    if (!this.companions) {
      if (!this.noAccessNoted)
        this.diagnostics.push(
          makeDiagnostic(
            'weights-not-read',
            this.at,
            'The weight shards are not read here (no access to the files next to the model): the weight-aware rules skip them, and ops whose shape is a stored constant are not costed.',
          ),
        );
      this.noAccessNoted = true;
      return { error: 'no file access' };
    }
    const parts: Uint8Array[] = [];
    for (const p of group.paths) {
      const why = unsafeShardPath(p);
      if (why) return { error: `'${p}' is ${why}` };
      const got = this.companions.read(p);
      if (!(got instanceof Uint8Array)) return { error: `'${p}' cannot be read (${got.error})` };
      parts.push(got);
    }
    const starts: number[] = [];
    let total = 0;
    for (const p of parts) {
      starts.push(total);
      total += p.length;
    }
    if (total < group.needed)
      return { error: `the shards hold ${total} bytes where the manifest needs ${group.needed} (short or truncated)` };
    return { parts, starts };
  }
}
