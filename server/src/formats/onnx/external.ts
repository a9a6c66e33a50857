// External data (`onnx.save(..., save_as_external_data=True)`): an initializer whose values sit
// in a file next to the model, named by its `location` (relative to the model's folder), from
// `offset` for `length` bytes. The dims are in the model, so shapes and costs never need the
// file; the values are read only when the weight-aware rule asks for them, through the host's
// companion files (formats/types.ts: the CLI and the desktop server read the model's folder,
// resolving links; the model view and the web have none). Contract: a location that is
// absolute or leaves the model's folder is refused before any read, and a refused, missing,
// short or unreadable file gives one problem naming the tensor, never a throw.
import type { Companions } from '../types';
import { DataType, numel, type TensorProto } from './decode';

/** Why a location is refused, or undefined when it is a plain relative path inside the model's folder. */
export function refusedLocation(location: string): string | undefined {
  if (location === '') return 'it names no file';
  if (/[\u0000-\u001f]/.test(location)) return 'it holds control characters';
  if (/^([\\/]|[a-zA-Z]:)/.test(location)) return 'it is an absolute path, outside the model’s folder';
  if (location.split(/[\\/]/).some((part) => part === '..')) return 'it leaves the model’s folder (..)';
  return undefined;
}

function entry(t: TensorProto, key: string): string | undefined {
  return t.externalData?.find((e) => e.key === key)?.value ?? undefined;
}

/** The float32 weights of tensors held in external data files, read on demand; problems name each tensor that could not be read. */
export class ExternalWeights {
  readonly problems: string[] = [];

  constructor(private readonly companions: Companions | undefined) {}

  /** The tensor's float32 values from its data file, or undefined (with a problem recorded). */
  read(t: TensorProto): Float32Array | undefined {
    const name = t.name ?? '?';
    const location = entry(t, 'location') ?? '';
    const where = `initializer '${name}' (external data '${location}')`;
    if (t.dataType !== DataType.FLOAT) return undefined;
    const refused = refusedLocation(location);
    if (refused) return this.fail(`${where} is not read: ${refused}.`);
    if (!this.companions) return this.fail(`${where} is not read: this host reads no files next to a model.`);
    const count = numel((t.dims ?? []).map(Number));
    const offset = Number(entry(t, 'offset') ?? 0);
    const length = entry(t, 'length') === undefined ? 4 * count : Number(entry(t, 'length'));
    if (!Number.isSafeInteger(offset) || offset < 0 || length !== 4 * count)
      return this.fail(
        `${where} is not read: offset ${offset} and length ${length} do not hold ${count} float32 values.`,
      );
    const file = this.companions.read(location);
    if (!(file instanceof Uint8Array)) return this.fail(`${where} is not read: ${file.error}.`);
    if (file.length < offset + length)
      return this.fail(
        `${where} is not read: the file is short (${file.length} bytes, the tensor ends at ${offset + length}).`,
      );
    const view = new DataView(file.buffer, file.byteOffset + offset, length);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }

  private fail(problem: string): undefined {
    this.problems.push(problem);
    return undefined;
  }
}
