// Lowers an Ultralytics model spec to the IR for one scale, the way ultralytics' parse_model
// builds it: the scale from the file name (else the file's first), repeats =
// max(round(n * depth), 1) when n > 1, output channels = make_divisible(min(c2, max_channels)
// * width, 8) for base modules (unless c2 == nc), then each module expanded by the module
// table (modules.ts) into primitive layers; every layer's span is its row. Contract: never
// throws. A module LayerLint cannot cost exactly, or a row with an invalid argument, lowers to
// one `{kind:'unknown'}` layer; rows that read its output (directly or not) lower to one
// placeholder layer each, whose shape stays unknown, so nothing after it is counted as exact.
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import type { Graph, Shape } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { extendShapes } from '../../core/shapes';
import { own } from '../tables';
import { InvalidArgument, makeDivisible, pyRound, RowArgs } from './args';
import { BlockError } from './blocks';
import { LayerBuilder, LimitReached } from './builder';
import { anchorsPerLevel } from './heads';
import type { ArgValue, ModelSpec, RowSpec, ScaleSpec } from './model';
import { MODULES, type RowContext, type RowOutput } from './modules';

export { makeDivisible, pyRound } from './args';

export interface UltralyticsLowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  scale?: ScaleSpec;
  /** Row index → IR index of its output (undefined when the row has no layer). */
  rowOutputs: (number | undefined)[];
  /** Row index → output channels as parse_model computes them (undefined when not known). */
  rowChannels: (number | undefined)[];
}

/** The scale ultralytics guesses from a file name (`yolov8n.yaml` → n), else undefined. */
export function guessScale(fileName: string | undefined): string | undefined {
  const stem =
    fileName
      ?.split(/[\\/]/)
      .pop()
      ?.replace(/\.[^.]*$/, '') ?? '';
  return /yolo(?:e-)?v?\d+([nslmx])/i.exec(stem)?.[1]?.toLowerCase();
}

interface LoweringState {
  spec: ModelSpec;
  b: LayerBuilder;
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  scaleName: string;
  depth: number;
  width: number;
  maxChannels: number;
  legacy: boolean;
  rowOutputs: (number | undefined)[];
  rowChannels: (number | undefined)[];
  rowSplits: (number[] | undefined)[];
  /** The shapes of the layers built so far, extended when a row reads them (never re-inferred). */
  shapes: (Shape | null)[];
}

export function lowerModel(spec: ModelSpec, scaleName: string | undefined, fileName?: string): UltralyticsLowered {
  const diagnostics: EngineDiagnostic[] = [...spec.diagnostics];
  const b = new LayerBuilder();
  b.act = spec.activation;
  const base = fileName
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.[^.]*$/, '');
  const scale = spec.scales.find((s) => s.name === scaleName) ?? spec.scales[0];
  // A setting the model depends on is invalid: its input is unknown, so nothing is counted.
  const named = (n: string | undefined) =>
    n !== undefined && (spec.scales.some((s) => s.name === n) || spec.invalid.includes(`scale:${n}`));
  const usedScale = named(scaleName) ? scaleName : spec.firstScale;
  const blocked = spec.invalid.some((k) => !k.startsWith('scale:') || k === `scale:${usedScale}`);
  const graph: Graph = {
    format: 'ultralytics',
    name: `${base || 'model'}${scale ? ` (scale ${scale.name})` : ''}`,
    nameSpan: spec.headerSpan,
    input: { h: 640, w: 640, c: blocked ? 0 : spec.ch, batch: 1 },
    width: { alpha: 1 },
    layers: b.layers,
    headerSpan: spec.headerSpan,
  };
  const state: LoweringState = {
    spec,
    b,
    graph,
    diagnostics,
    scaleName: scale?.name ?? scaleName ?? '',
    depth: scale?.depth ?? spec.depthMultiple,
    width: scale?.width ?? spec.widthMultiple,
    maxChannels: scale?.maxChannels ?? Infinity,
    legacy: true,
    rowOutputs: [],
    rowChannels: [],
    rowSplits: [],
    shapes: [],
  };
  for (const row of spec.rows) {
    let result: RowOutput | undefined;
    if (row) {
      b.span = row.span;
      try {
        result = lowerRow(state, row);
      } catch (e) {
        if (!(e instanceof LimitReached)) throw e;
        diagnostics.push(
          makeDiagnostic(
            'limit-exceeded',
            row.span,
            `The model expands to more than ${LIMITS.maxLayers.toLocaleString('en-US')} layers; analysis stops here.`,
          ),
        );
        break;
      }
    }
    state.rowOutputs.push(result?.out);
    state.rowChannels.push(result && Number.isFinite(result.c) ? result.c : undefined);
    state.rowSplits.push(result?.splits);
  }
  return { graph, diagnostics, scale, rowOutputs: state.rowOutputs, rowChannels: state.rowChannels };
}

/** The layer indexes a row reads (-1: the model input), or undefined after a diagnostic for a bad `from`. */
function rowInputs(state: LoweringState, row: RowSpec): number[] | undefined {
  const i = row.index;
  const rows: number[] = [];
  for (const f of row.from) {
    const idx = f < 0 ? i + f : f;
    if (idx < -1 || (f < 0 && idx < 0 && i > 0) || idx >= i) {
      state.diagnostics.push(
        makeDiagnostic(
          idx >= i ? 'forward-reference' : 'unknown-name',
          row.fromSpan,
          `Row ${i}: 'from' ${f} does not point at an earlier row.`,
        ),
      );
      return undefined;
    }
    rows.push(i === 0 ? -1 : idx);
  }
  return rows;
}

/**
 * The output channels a base module keeps unscaled: parse_model's `nc`, or in a YOLOv5
 * repository file (one with top-level anchors) its `no` = anchors x (nc + 5).
 */
function unscaledOutputs(spec: ModelSpec): number {
  if (spec.anchors === undefined) return spec.nc;
  const r = anchorsPerLevel(spec.anchors);
  return typeof r === 'string' ? spec.nc : r.na * (spec.nc + 5);
}

/** parse_model's argument names (`nc`, `kpt_shape`) and `None`, resolved. */
function resolveArgs(spec: ModelSpec, args: ArgValue[]): ArgValue[] {
  return args.map((v) => (v === 'nc' ? spec.nc : v === 'kpt_shape' ? (spec.kptShape ?? v) : v === 'None' ? null : v));
}

function lowerRow(state: LoweringState, row: RowSpec): RowOutput | undefined {
  const { b, spec } = state;
  const name = `model.${row.index}`;
  const fromRows = rowInputs(state, row);
  // A row whose inputs are not all lowered (a bad `from`, a row before it with no layer).
  const known = fromRows?.map((r) => (r < 0 ? -1 : state.rowOutputs[r]));
  const uncosted = (type: string, inputs: number[]): RowOutput => ({
    out: b.add(name, row.module, { kind: 'unknown', type }, inputs.length ? inputs : [-1]),
    c: Number.NaN,
  });
  if (!fromRows || !known || known.some((x) => x === undefined))
    return uncosted(
      `${row.module} (its 'from' cannot be read)`,
      (known ?? []).filter((x): x is number => x !== undefined),
    );
  const ins = known as number[];
  const chs = fromRows.map((r) => (r < 0 ? spec.ch : state.rowChannels[r]));
  if (chs.some((c) => c === undefined))
    // Downstream of a row that is not costed: its shape stays unknown and it is not counted.
    return { out: b.add(name, row.module, { kind: 'identity' }, ins), c: Number.NaN };
  const module = own(MODULES, row.module);
  if (!module) return uncosted(row.module, ins);

  const args = new RowArgs(row, resolveArgs(spec, row.args), state.diagnostics);
  let n = row.repeats > 1 ? Math.max(pyRound(row.repeats * state.depth), 1) : row.repeats;
  if (module.modern) state.legacy = false;
  const ctx: RowContext = {
    b,
    name,
    ins,
    chs: chs as number[],
    args,
    n,
    spec,
    scale: state.scaleName,
    legacy: state.legacy,
    scaleChannels: (c) => makeDivisible(Math.min(c, state.maxChannels) * state.width, 8),
    splitsOf: (k) => {
      const r = fromRows[k]!;
      return r < 0 ? undefined : state.rowSplits[r];
    },
    shapes: () => extendShapes(state.graph, state.shapes),
  };
  const start = b.layers.length;
  try {
    if (module.row) return module.row(ctx);
    let c2 = ctx.chs[0]!;
    if (module.base) {
      const raw = args.int(0, 'output channels');
      c2 = raw === unscaledOutputs(spec) ? raw : ctx.scaleChannels(raw);
      if (c2 > LIMITS.maxDimension)
        args.fail(0, `${raw} channels scale to ${c2}, more than ${LIMITS.maxDimension.toLocaleString('en-US')}.`);
    } else if (module.channels) c2 = module.channels(ctx, c2);
    if (module.repeats) n = 1;
    let y = ins[0]!;
    let cin = ctx.chs[0]!;
    for (let j = 0; j < n; j++) {
      y = module.one!(ctx, n > 1 ? `${name}.${j}` : name, y, cin, c2);
      cin = c2;
    }
    return { out: y, c: c2 };
  } catch (e) {
    if (e instanceof InvalidArgument || e instanceof BlockError) {
      b.truncate(start);
      if (state.shapes.length > start) state.shapes.length = start;
    }
    if (e instanceof InvalidArgument) return uncosted(`${row.module} (invalid arguments)`, ins);
    if (e instanceof BlockError) {
      state.diagnostics.push(
        makeDiagnostic('invalid-value', row.argsSpan, `Row ${row.index} (${row.module}): ${e.message}`),
      );
      return uncosted(`${row.module} (${e.message})`, ins);
    }
    throw e;
  }
}
