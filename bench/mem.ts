// Retained heap per phase for a generated network: `node --expose-gc out/bench/mem.js [LAYERS] [--snapshot=ast|lowered|analysis]`.
import { writeHeapSnapshot } from 'node:v8';
import { analyzeGraph } from '../server/src/core/analyze';
import { lowerLayers } from '../server/src/formats/layers/lower';
import { parseLayers } from '../server/src/formats/layers/parser';
import { generateLayers } from './generate';
const gc = (globalThis as unknown as { gc: () => void }).gc;
const used = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};
const n = Number(process.argv[2] ?? 100000);
const snap = process.argv.find((a) => a.startsWith('--snapshot='))?.slice(11);
const text = generateLayers(n);
const keep: unknown[] = [];
let b = used();
const step = (name: string, f: () => unknown) => {
  keep.push(f());
  const a = used();
  console.log(`${name.padEnd(10)} ${(a - b).toFixed(1)} MB`);
  b = a;
  if (snap === name) console.log(writeHeapSnapshot(`/tmp/${name}.heapsnapshot`));
};
const ast = parseLayers(text);
step('ast', () => ast);
const low = lowerLayers(ast, text);
step('lowered', () => low);
step('analysis', () => analyzeGraph(low.graph, text, low.diagnostics));
step('names', () => low.graph.layers.map((l) => l.name).length);
