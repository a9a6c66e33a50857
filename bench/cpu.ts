// `node out/bench/cpu.js [--sizes=1000,10000] [--runs=N] [--phases]`: CPU time (process.cpuUsage,
// so other processes on a loaded machine do not count) of a full analysis per network size,
// min and median over many runs, with an optional per-phase breakdown (lex+parse, lowering,
// shapes+costs+rules, and the peak activation memory a report or hover asks for). Run it under `node --cpu-prof` to profile one size.
import { analyzeGraph } from '../server/src/core/analyze';
import { analyzeSource } from '../server/src/engine/analyzeSource';
import { lowerLayers } from '../server/src/formats/layers/lower';
import { parseLayers } from '../server/src/formats/layers/parser';
import { generateLayers } from './generate';
import { cpuMs, summarize } from './stats';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = (arg('sizes') ?? '1000,10000,100000').split(',').map(Number);
const phases = process.argv.includes('--phases');

for (const n of sizes) {
  const text = generateLayers(n);
  const runs = Number(arg('runs') ?? (n >= 100_000 ? 15 : n >= 10_000 ? 60 : 300));
  for (let i = 0; i < Math.max(3, runs / 5); i++) analyzeSource(text, 'bench.layers');
  const cpu: number[] = [];
  const wall: number[] = [];
  let layers = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    cpu.push(cpuMs(() => (layers = analyzeSource(text, 'bench.layers').analysis.layers.length)));
    wall.push(performance.now() - t);
  }
  const c = summarize(cpu);
  const w = summarize(wall);
  console.log(
    `${String(n).padStart(6)} layers=${layers}  cpu min ${c.min.toFixed(2)} med ${c.median.toFixed(2)} ms  wall min ${w.min.toFixed(2)} med ${w.median.toFixed(2)} ms  ${((c.median * 1000) / layers).toFixed(2)} µs/layer(cpu med)`,
  );
  if (phases) {
    const p = { parse: [] as number[], lower: [] as number[], analyze: [] as number[], memory: [] as number[] };
    for (let i = 0; i < runs; i++) {
      let ast!: ReturnType<typeof parseLayers>;
      let low!: ReturnType<typeof lowerLayers>;
      p.parse.push(cpuMs(() => (ast = parseLayers(text))));
      p.lower.push(cpuMs(() => (low = lowerLayers(ast, text))));
      let analysis!: ReturnType<typeof analyzeGraph>;
      p.analyze.push(cpuMs(() => (analysis = analyzeGraph(low.graph, text, low.diagnostics))));
      p.memory.push(cpuMs(() => analysis.memory()));
    }
    console.log(
      `        ${Object.entries(p)
        .map(([k, v]) => `${k} min ${summarize(v).min.toFixed(2)} med ${summarize(v).median.toFixed(2)}`)
        .join(' | ')}`,
    );
  }
}
