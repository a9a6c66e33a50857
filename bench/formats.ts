// Reader speed per format (issue 18 item 1): bytes per millisecond of the full analysis
// (parse, lower, shapes, costs, rules) of real model files, against `JSON.parse` of a JSON
// text of the same size, measured in the same process a moment apart: each sample times a
// batch of analyses, then a batch of parses, so machine load moves both; times are CPU time. The model files are
// third-party and are read at run time from LAYERLINT_CORPUS (default /work/shared/corpus);
// a missing file is skipped with a printed reason. `.layers` uses the generated network.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../server/src/core/ir';
import { analyzeSource } from '../server/src/engine/analyzeSource';
import { generateLayers } from './generate';
import { cpuMs, summarize, type Figure } from './stats';

const CORPUS = process.env.LAYERLINT_CORPUS ?? '/work/shared/corpus';

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

/** Bytes/ms of the analysis and of JSON.parse, alternating batches; the ratio is taken per pair. */
export function measureFormat(text: string, fileName: string, samples = 15) {
  const graph = analyzeSource(text, fileName).analysis.graph;
  const json = jsonOfSize(graph, text.length);
  const analyse = () => analyzeSource(text, fileName);
  const parse = () => JSON.parse(json);
  // Batches of ~5 ms, after a warm-up.
  const once = batchMs(analyse, 5);
  batchMs(parse, 5);
  const reps = Math.max(1, Math.round(5 / Math.max(once, 0.01)));
  const a: number[] = [];
  const j: number[] = [];
  const ratio: number[] = [];
  for (let i = 0; i < samples; i++) {
    const ta = batchMs(analyse, reps);
    const tj = batchMs(parse, reps);
    const bytesPerMsA = text.length / ta;
    const bytesPerMsJ = json.length / tj;
    a.push(bytesPerMsA);
    j.push(bytesPerMsJ);
    ratio.push(bytesPerMsJ / bytesPerMsA);
  }
  return {
    layers: graph.layers.length,
    analysisMs: text.length / summarize(a).median,
    analysis: summarize(a).median,
    json: summarize(j).median,
    ratio: summarize(ratio).median,
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
  }
  return figures;
}
