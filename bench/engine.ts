// Engine throughput and scaling: full parse + shape inference + costs + rules on generated
// networks of 100 to 100,000 layers, after warm-up, against V8's JSON.parse on a JSON form
// of the same unrolled network; and re-analysis after one edit (incremental), per size.
import { analyzeSource, updateSource, type DocumentAnalysis } from '../server/src/engine/analyzeSource';
import { generateLayers, graphToJson } from './generate';
import { summarize, type Figure } from './stats';

function time(f: () => void, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return out;
}

export function engineBench(): Figure[] {
  const figures: Figure[] = [];
  const perLayer: Record<number, number> = {};
  for (const n of [100, 1_000, 10_000, 100_000]) {
    const text = generateLayers(n);
    const runs = n >= 100_000 ? 10 : n >= 10_000 ? 30 : 100;
    let layers = 0;
    time(() => (layers = analyzeSource(text, 'bench.layers').analysis.layers.length), Math.max(3, runs / 5));
    const s = summarize(time(() => analyzeSource(text, 'bench.layers'), runs));
    const json = graphToJson(analyzeSource(text, 'bench.layers').analysis.graph);
    time(() => JSON.parse(json), 5);
    const j = summarize(time(() => JSON.parse(json), runs));
    perLayer[n] = (s.median * 1000) / layers;
    const target =
      n === 10_000 ? { op: '<' as const, value: 20 } : n === 100_000 ? { op: '<' as const, value: 250 } : undefined;
    figures.push({
      name: `engine.analyze.${n}.median_ms`,
      value: s.median,
      unit: 'ms',
      target,
      note: `${layers} layers, ${(text.length / 1e6).toFixed(2)} MB, p10 ${s.p10.toFixed(2)} / p90 ${s.p90.toFixed(2)} ms`,
    });
    figures.push({
      name: `engine.analyze.${n}.throughput_mb_s`,
      value: text.length / 1e6 / (s.median / 1000),
      unit: 'MB/s',
    });
    figures.push({ name: `engine.analyze.${n}.us_per_layer`, value: perLayer[n]!, unit: 'µs/layer' });
    figures.push({
      name: `engine.json_parse.${n}.median_ms`,
      value: j.median,
      unit: 'ms',
      note: `${(json.length / 1e6).toFixed(2)} MB of JSON`,
    });
    figures.push({
      name: `engine.vs_json_parse.${n}.ratio`,
      value: s.median / j.median,
      unit: 'x',
      target: n >= 10_000 ? { op: '<', value: 5 } : undefined,
    });
  }
  for (const n of [1_000, 10_000, 100_000]) figures.push(...incrementalBench(n, n >= 100_000 ? 40 : 200));
  figures.push({
    name: 'engine.per_layer_scaling.100k_vs_1k',
    value: perLayer[100_000]! / perLayer[1_000]!,
    unit: 'x',
    target: { op: '<=', value: 2 },
  });
  return figures;
}

/**
 * One edit at a time, spread over the file, alternating a channel count typed over
 * (`conv 32 1x1` ↔ `conv 48 1x1`) and a comment line inserted: the time to the new analysis,
 * and how many edits took the incremental path (the rest were analysed from scratch).
 */
const CHANNELS = /conv (32|48) 1x1/g;

function incrementalBench(n: number, edits: number): Figure[] {
  let text = generateLayers(n);
  let doc: DocumentAnalysis = analyzeSource(text, 'bench.layers');
  const samples: number[] = [];
  let incremental = 0;
  for (let i = 0; i < edits; i++) {
    const from = Math.floor((((i * 7919) % 1000) / 1000) * (text.length - 100));
    if (i % 2 === 0) {
      CHANNELS.lastIndex = from;
      const m = CHANNELS.exec(text) ?? ((CHANNELS.lastIndex = 0), CHANNELS.exec(text))!;
      const at = m.index + 'conv '.length;
      text = text.slice(0, at) + (m[1] === '32' ? '48' : '32') + text.slice(at + 2);
    } else {
      const line = text.indexOf('\n', from) + 1;
      text = `${text.slice(0, line)}# note ${i}\n${text.slice(line)}`;
    }
    const t = performance.now();
    const updated = updateSource(doc, text, 'bench.layers');
    doc = updated ?? analyzeSource(text, 'bench.layers');
    samples.push(performance.now() - t);
    if (updated) incremental++;
  }
  const s = summarize(samples.slice(Math.min(10, edits / 10)));
  return [
    {
      name: `engine.reanalyze.${n}.median_ms`,
      value: s.median,
      unit: 'ms',
      note: `${incremental} of ${edits} edits incremental, p10 ${s.p10.toFixed(2)} / p90 ${s.p90.toFixed(2)} ms`,
    },
    { name: `engine.reanalyze.${n}.p99_ms`, value: s.p99, unit: 'ms' },
  ];
}
