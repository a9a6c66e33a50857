// Lowers parsed darknet sections to the IR, the way darknet's parse_network_cfg reads them.
// Contract: never throws. The first section is [net]/[network] (input size; `batch` is
// ignored: the analysis is per image, like darknet's printed BFLOPs). Every later section is
// darknet layer i (0-based) and lowers to one or more IR layers whose span is the section
// header and whose statement is the whole section; `outputs[i]` is the IR layer holding
// section i's output, which `[route] layers=` and `from=` resolve against (negative = relative
// to the section, else absolute). A section that fails (an error at its value) gets one layer
// without inputs, so without a shape, and `outputs[i]` undefined. Unsupported sections (the
// recurrent ones among them) lower to `{kind:'unknown'}`: no shape after them, never counted.
// One function per section type lives in weighted.ts, pooling.ts, merges.ts and resample.ts.
import { makeDiagnostic, type EngineDiagnostic } from '../../core/diagnostics';
import { emptyGraph, type Graph, type Layer } from '../../core/ir';
import { LIMITS } from '../../core/limits';
import { inferShapes } from '../../core/shapes';
import { BROKEN, SectionContext, type LoweringState } from './context';
import { lowerRoute, lowerScale, lowerShortcut } from './merges';
import { Options, type Report } from './options';
import type { CfgFile, CfgSection } from './parser';
import { lowerGlobalAvgpool, lowerWindowPool } from './pooling';
import { lowerCrop, lowerReorg, lowerUpsample } from './resample';
import { PASS_SECTIONS, sectionType } from './sections';
import { lowerConnected, lowerConvolutional } from './weighted';

export interface DarknetLowered {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
  net?: CfgSection;
  /** Darknet layer index → its section. */
  layerSections: CfgSection[];
  /** Darknet layer index → IR index of the section's output (undefined when it failed). */
  outputs: (number | undefined)[];
}

export function lowerDarknet(cfg: CfgFile, fileName?: string): DarknetLowered {
  const diagnostics: EngineDiagnostic[] = [];
  const report: Report = (code, span, message, severity) => {
    const d = makeDiagnostic(code, span, message);
    diagnostics.push(severity ? { ...d, severity } : d);
  };
  const layers: Layer[] = [];
  const base = fileName
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.[^.]*$/, '');
  const graph = emptyGraph('darknet', base || 'network', undefined, layers);
  const first = cfg.sections[0];
  const net = first !== undefined && sectionType(first) === 'net' ? first : undefined;
  if (net) readNet(net, graph, report);
  else {
    const at = first?.header ?? { start: 0, end: 0 };
    report('missing-input', at, 'The first section must be [net] (or [network]) with width=, height= and channels=.');
  }

  const layerSections = cfg.sections.slice(net ? 1 : 0);
  const state: LoweringState = { layers, outputs: [], types: [], report };
  const types = layerSections.map(sectionType);
  for (let i = 0; i < layerSections.length; i++) {
    const section = layerSections[i]!;
    if (layers.length >= LIMITS.maxLayers) {
      report(
        'limit-exceeded',
        section.header,
        `The network has more than ${LIMITS.maxLayers.toLocaleString('en-US')} layers; analysis stops here.`,
      );
      break;
    }
    const type = types[i]!;
    const options = new Options(section, report);
    const s = new SectionContext(i, section, type, options, state);
    const out = lowerSection(s, types[i + 1]);
    // A section that failed (its error is reported) still gets a layer, with no inputs and so
    // no shape: the analysis is incomplete instead of silently short of that section's cost.
    if (out === undefined) s.add('', section.name, { kind: 'identity' }, [BROKEN]);
    state.outputs.push(out);
    state.types.push(type);
    options.checkUnused(type);
  }
  markDepthwise(graph);
  return { graph, diagnostics, net, layerSections, outputs: state.outputs };
}

/** [net]: the input size (width, height, channels); `batch` is a training setting. */
function readNet(net: CfgSection, graph: Graph, report: Report): void {
  const o = new Options(net, report);
  const h = o.int('height', 0),
    w = o.int('width', 0),
    c = o.int('channels', 0);
  graph.headerSpan = net.header;
  graph.nameSpan = net.header;
  if (h && w && c) graph.input = { h, w, c, batch: 1, span: net.header };
  else
    report(
      'missing-input',
      net.header,
      '[net] needs width=, height= and channels= (positive integers) for shapes and costs.',
    );
}

/** Lowers one section; the IR index of its output, or undefined when the section failed. */
function lowerSection(s: SectionContext, nextType: string | undefined): number | undefined {
  const name = s.section.name;
  switch (s.type) {
    case 'convolutional':
      return lowerConvolutional(s, nextType);
    case 'connected':
      return lowerConnected(s);
    case 'maxpool':
      return lowerWindowPool(s, 'max');
    case 'local_avgpool':
      return lowerWindowPool(s, 'avg');
    case 'avgpool':
      return lowerGlobalAvgpool(s);
    case 'shortcut':
      return lowerShortcut(s);
    case 'scale_channels':
    case 'sam':
      return lowerScale(s);
    case 'route':
      return lowerRoute(s);
    case 'upsample':
      return lowerUpsample(s);
    case 'reorg':
    case 'reorg3d':
      return lowerReorg(s);
    case 'crop':
      return lowerCrop(s);
    case 'dropout':
      return s.add('', name, { kind: 'dropout', p: s.options.float('probability', 0.2) }, [s.prev]);
    case 'softmax':
      return s.add('', name, { kind: 'act', fn: 'softmax' }, [s.prev]);
    case 'activation': {
      const out = s.activation(s.prev, 'linear');
      return out === s.prev ? s.add('', name, { kind: 'identity' }, [s.prev]) : out;
    }
    case 'batchnorm':
      return s.add('', name, { kind: 'bn' }, [s.prev]);
    case 'normalization':
      return s.add('', name, { kind: 'lrn', size: s.options.int('size', 5) }, [s.prev]);
    case 'net':
      s.report('syntax-error', s.section.header, `[${name}] must be the first section.`);
      return s.prev;
    default:
      return s.add(
        '',
        name,
        PASS_SECTIONS.has(s.type) ? { kind: 'identity' } : { kind: 'unknown', type: `[${name}]` },
        [s.prev],
      );
  }
}

/**
 * A grouped conv with groups = C_in = C_out is a depthwise conv: lowering it as `dwconv`
 * keeps it consistent under the width multiplier α (its channels follow its input).
 */
function markDepthwise(graph: Graph): void {
  if (!graph.layers.some((l) => l.op.kind === 'conv' && l.op.groups > 1)) return;
  const { input, shapes } = inferShapes(graph);
  for (const l of graph.layers) {
    const op = l.op;
    if (op.kind !== 'conv' || op.groups === 1 || op.fixed || op.shared) continue;
    const i = l.inputs[0];
    const inShape = i === undefined ? null : i < 0 ? input : shapes[i];
    if (inShape && inShape[2] === op.groups && op.out === op.groups) {
      l.op = {
        kind: 'dwconv',
        kh: op.kh,
        kw: op.kw,
        sh: op.sh,
        sw: op.sw,
        padding: op.padding,
        dh: op.dh,
        dw: op.dw,
        multiplier: 1,
        bias: op.bias,
      };
    }
  }
}
