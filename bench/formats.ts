// Reader speed per format (issue 18 item 1): bytes per millisecond of the full analysis
// (parse, lower, shapes, costs, rules) of real model files, against `JSON.parse` of a JSON
// text of the same size, measured in the same process a moment apart: each sample times a
// batch of analyses, then a batch of parses, so machine load moves both; times are CPU time,
// after a warm-up of ~300 ms of CPU per file (so the optimising compiler has run). A file's
// bytes describe very different amounts of work per format (an Ultralytics row expands to
// dozens of layers), so each file also gets µs per layer and the ratio to `JSON.parse` of the
// JSON of its expanded network (every layer with its op, options and inputs). The model files
// are third-party and are read at run time from LAYERLINT_CORPUS (default
// /work/shared/corpus); a missing file is skipped with a printed reason. `.layers` uses the
// generated network. LAYERLINT_BENCH_FORMATS (e.g. `caffe,darknet`) measures only those formats.
// A third ratio is the floor no reader can go under: the analysis of the already-read network
// alone (shapes, costs, rules: `analyzeGraph`, the same for every format), against
// `JSON.parse` of the file's size.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../server/src/core/ir';
import { analyzeGraph } from '../server/src/core/analyze';
import { analyzeSource } from '../server/src/engine/analyzeSource';
import { generateLayers, graphToJson } from './generate';
import { cpuMs, summarize, type Figure } from './stats';

const CORPUS = process.env.LAYERLINT_CORPUS ?? '/work/shared/corpus';
const ONLY = process.env.LAYERLINT_BENCH_FORMATS?.split(',');

/** Per format, the files measured (relative to CORPUS), and the label each figure gets. */
export const FORMAT_FILES: { format: string; label: string; file: string }[] = [
  { format: 'caffe', label: 'mobilenet-v1', file: 'shicai__MobileNet-Caffe__mobilenet_deploy.prototxt' },
  { format: 'caffe', label: 'mobilenet-v2', file: 'shicai__MobileNet-Caffe__mobilenet_v2_deploy.prototxt' },
  { format: 'caffe', label: 'resnet-50', file: 'dgschwend__netscope__resnet-50.prototxt' },
  { format: 'caffe', label: 'densenet-121', file: 'real/caffe/shicai_DenseNet-Caffe__DenseNet_121.prototxt' },
  { format: 'darknet', label: 'yolov3', file: 'pjreddie__darknet__yolov3.cfg' },
  { format: 'darknet', label: 'efficientnet-b0', file: 'AlexeyAB__darknet__efficientnet_b0.cfg' },
  { format: 'darknet', label: 'cspx-p7-mish', file: 'real/darknet/cspx-p7-mish.cfg' },
  { format: 'ultralytics', label: 'yolov8', file: 'ultralytics__ultralytics__yolov8.yaml' },
  { format: 'ultralytics', label: 'yolov9e', file: 'real/ultralytics/v9__yolov9e.yaml' },
];

/** A JSON text of at least `chars` characters: the analysed layers as objects, cycled. */
export function jsonOfSize(graph: Graph, chars: number): string {
  const rows: unknown[] = [];
  let size = 2;
  for (let i = 0; size < chars; i++) {
    const l = graph.layers[i % Math.max(1, graph.layers.length)];
    const row = l ? { name: l.name, op: l.opText, inputs: l.inputs, index: i } : { index: i };
    size += JSON.stringify(row).length + 1;
    rows.push(row);
  }
  return JSON.stringify(rows);
}

/** CPU milliseconds per call, over `reps` calls. */
function batchMs(f: () => void, reps: number): number {
  return (
    cpuMs(() => {
      for (let i = 0; i < reps; i++) f();
    }) / reps
  );
}

/**
 * Calls `f` until its CPU time per call is steady: two windows of ~100 ms within 10% of each
 * other, after at least `minMs` and at most 3 s. On a loaded machine the optimising compiler
 * (a background thread) can take seconds to finish, and the first file would be measured in
 * unoptimised code.
 */
function warmUp(f: () => void, minMs: number): void {
  let spent = 0;
  let previous = Number.POSITIVE_INFINITY;
  while (spent < 3000) {
    let calls = 0;
    let window = 0;
    while (window < 100) {
      window += cpuMs(f);
      calls++;
    }
    spent += window;
    const perCall = window / calls;
    if (spent >= minMs && Math.abs(perCall - previous) <= 0.1 * previous) return;
    previous = perCall;
  }
}

/**
 * Bytes/ms of the analysis and of JSON.parse (same size, and the expanded network), in
 * alternating batches of ~5 ms; each ratio is taken per sample, then the median.
 */
export function measureFormat(text: string, fileName: string, samples = 15) {
  const { parsed } = analyzeSource(text, fileName);
  const graph = parsed.graph;
  const json = jsonOfSize(graph, text.length);
  const expanded = graphToJson(graph);
  const analyse = () => analyzeSource(text, fileName);
  const parse = () => JSON.parse(json);
  const parseExpanded = () => JSON.parse(expanded);
  const analyseRead = () => analyzeGraph(graph, text, parsed.diagnostics);
  warmUp(() => (analyse(), parse(), parseExpanded(), analyseRead()), 300);
  const reps = Math.max(1, Math.round(5 / Math.max(batchMs(analyse, 3), 0.01)));
  const a: number[] = [];
  const j: number[] = [];
  const ratio: number[] = [];
  const ratioExpanded: number[] = [];
  const ratioFloor: number[] = [];
  for (let i = 0; i < samples; i++) {
    const ta = batchMs(analyse, reps);
    const tj = batchMs(parse, reps);
    const te = batchMs(parseExpanded, reps);
    const tf = batchMs(analyseRead, reps);
    ratioFloor.push(tf / ((tj * text.length) / json.length));
    a.push(text.length / ta);
    j.push(json.length / tj);
    ratio.push(ta / ((tj * text.length) / json.length));
    ratioExpanded.push(ta / te);
  }
  const analysisMs = text.length / summarize(a).median;
  return {
    layers: graph.layers.length,
    analysisMs,
    analysis: summarize(a).median,
    json: summarize(j).median,
    ratio: summarize(ratio).median,
    expandedKB: expanded.length / 1024,
    ratioExpanded: summarize(ratioExpanded).median,
    ratioFloor: summarize(ratioFloor).median,
    usPerLayer: (1000 * analysisMs) / Math.max(1, graph.layers.length),
  };
}

export function formatsBench(): Figure[] {
  const figures: Figure[] = [];
  const cases: { format: string; label: string; text: string; fileName: string }[] = [];
  for (const n of [1_000, 10_000])
    cases.push({ format: 'layers', label: `generated-${n}`, text: generateLayers(n), fileName: 'bench.layers' });
  for (const c of FORMAT_FILES) {
    const path = join(CORPUS, c.file);
    if (!existsSync(path)) {
      console.log(`formats.${c.format}.${c.label}: skipped, ${path} not found (set LAYERLINT_CORPUS)`);
      continue;
    }
    cases.push({ format: c.format, label: c.label, text: readFileSync(path, 'utf8'), fileName: c.file });
  }
  if (ONLY) cases.splice(0, cases.length, ...cases.filter((c) => ONLY.includes(c.format)));
  // Every file is analysed until steady before any is measured: the first file measured
  // would otherwise run code still being optimised for the files after it (seen: .layers 1k
  // at 5.5 ms first, 1.4 ms when measured again after the others).
  for (const c of cases) warmUp(() => analyzeSource(c.text, c.fileName), 300);
  for (const c of cases) {
    const m = measureFormat(c.text, c.fileName);
    const base = `formats.${c.format}.${c.label}`;
    figures.push({
      name: `${base}.bytes_per_ms`,
      value: m.analysis,
      unit: 'B/ms',
      note: `${(c.text.length / 1024).toFixed(1)} KB, ${m.layers} layers, ${m.analysisMs.toFixed(3)} ms; JSON.parse ${m.json.toFixed(0)} B/ms`,
    });
    figures.push({ name: `${base}.vs_json_parse`, value: m.ratio, unit: 'x', target: { op: '<=', value: 2 } });
    figures.push({ name: `${base}.us_per_layer`, value: m.usPerLayer, unit: 'µs' });
    figures.push({
      name: `${base}.vs_json_parse_expanded`,
      value: m.ratioExpanded,
      unit: 'x',
      note: `JSON of the expanded network: ${m.expandedKB.toFixed(1)} KB`,
    });
    figures.push({
      name: `${base}.analysis_of_read_network_vs_json_parse`,
      value: m.ratioFloor,
      unit: 'x',
      note: 'shapes, costs and rules alone, on the network already read: the floor for any reader',
    });
  }
  return figures;
}
