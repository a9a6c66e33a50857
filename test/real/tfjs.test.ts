// Trained TensorFlow.js graph models that no one here wrote: every model.json that
// @vladmandic/human 3.3.6 (MIT) ships in models/, fetched by .ci/fetch-human-models.sh (npm
// pack into .cache/; run here when the folder is missing). Each model is read with its weight
// shards and must be either complete or honestly incomplete (the ops it could not cost named).
// A complete model is checked against the file itself: its parameters equal the float weights
// the manifest stores (scalar operands of element-wise ops excepted: docs/formats/tfjs.md), and every output the model's signature declares has the shape LayerLint inferred.
// Prints one line per model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { companionsNextTo } from '../../server/src/engine/companionsLoad';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { exact } from '../../server/src/core/format';

const MODELS = '.cache/human-3.3.6/models';
/** What the models need that LayerLint does not cost: pre- and post-processing ops, loops, an input of free size. */
const INCOMPLETE = new Set(['centernet', 'handtrack', 'movenet-lightning']);

interface ModelJson {
  format?: string;
  weightsManifest: { weights: { name: string; shape: number[]; dtype: string }[] }[];
  modelTopology: { node: { name: string; op: string; input?: string[] }[] };
  signature?: Signature;
  userDefinedMetadata?: { signature?: Signature };
}
interface Signature {
  outputs?: Record<string, { name: string; tensorShape: { dim?: { size: string }[] } }>;
}

function models(): string[] {
  if (!existsSync(join(MODELS, 'blazeface.json'))) {
    const r = spawnSync('bash', ['.ci/fetch-human-models.sh'], { stdio: 'inherit' });
    assert.equal(r.status, 0, 'fetching @vladmandic/human@3.3.6 failed');
  }
  return readdirSync(MODELS)
    .filter((f) => f.endsWith('.json') && f !== 'models.json')
    .map((f) => f.replace(/\.json$/, ''));
}

/** Element-wise ops: a scalar constant operand of one of them is an element-wise op, not a parameter. */
const ELEMENTWISE = new Set(['Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'Minimum']);

/** The float weights the manifest stores, scalar operands of element-wise ops excepted. */
function storedWeights(m: ModelJson): number {
  const scalarOperands = new Set(
    m.modelTopology.node.filter((n) => ELEMENTWISE.has(n.op)).flatMap((n) => n.input ?? []),
  );
  let n = 0;
  for (const g of m.weightsManifest)
    for (const w of g.weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (w.dtype === 'float32' && !(size === 1 && scalarOperands.has(w.name))) n += size;
    }
  return n;
}

/** The IR shape of a graph output, as TensorFlow dims after the batch; undefined when the node has no layer. */
function outputDims(doc: DocumentAnalysis, m: ModelJson, tensor: string): number[] | undefined {
  const byName = new Map(m.modelTopology.node.map((n) => [n.name, n]));
  let name = tensor.replace(/:0$/, '');
  for (let k = 0; k < 100 && byName.get(name)?.op === 'Identity'; k++)
    name = (byName.get(name)!.input?.[0] ?? '').replace(/:0$/, '');
  const layers = doc.analysis.layers.filter((l) => l.layer.name === name || l.layer.name.startsWith(`${name}/`));
  const last = layers.filter((l) => l.layer.span.start === layers[0]?.layer.span.start).at(-1);
  return last?.output ? [...last.output] : undefined;
}

const asTf = (ir: number[], rank: number): number[] =>
  rank === 4 ? ir : rank === 3 ? [ir[0]!, ir[2]!] : rank === 2 ? [ir[2]!] : ir;

test('@vladmandic/human models: complete with the file’s own weights and output shapes, or incomplete with the ops named', () => {
  const lines: string[] = [];
  for (const name of models()) {
    const path = join(MODELS, `${name}.json`);
    const text = readFileSync(path, 'utf8');
    const m = JSON.parse(text) as ModelJson;
    const doc = analyzeSource(text, path, { companions: companionsNextTo(path) });
    const a = doc.analysis;
    const unreadable = doc.diagnostics.filter(
      (d) => d.code === 'weight-shard-unreadable' || d.code === 'weights-not-read',
    );
    assert.deepEqual(unreadable, [], `${name}: its shards are read`);
    const unknown = doc.diagnostics.filter((d) => d.code === 'unknown-layer');
    if (INCOMPLETE.has(name)) {
      assert.equal(a.complete, false, `${name} is incomplete`);
      const missing = doc.diagnostics.find((d) => d.code === 'incomplete-analysis');
      assert.ok(missing && unknown.length > 0, `${name}: the ops it cannot cost are named`);
      for (const d of unknown) assert.match(d.message, /Layer type '[A-Za-z0-9_]+ \(/, `${name}: ${d.message}`);
    } else {
      assert.equal(a.complete, true, `${name} is complete: ${unknown.map((d) => d.message).join('; ')}`);
      assert.ok(a.totals.macs > 0, `${name} has MACs`);
      assert.equal(a.totals.params, storedWeights(m), `${name}: parameters = the float weights the manifest stores`);
      const outputs = Object.values((m.signature ?? m.userDefinedMetadata?.signature)?.outputs ?? {});
      assert.ok(outputs.length > 0, `${name} declares its outputs`);
      for (const o of outputs) {
        const dims = (o.tensorShape.dim ?? []).map((d) => Number(d.size));
        const ir = outputDims(doc, m, o.name);
        assert.ok(ir, `${name}: output ${o.name} has a layer`);
        assert.deepEqual(asTf(ir, dims.length), dims.slice(1), `${name}: output ${o.name}`);
      }
    }
    const dead = doc.diagnostics.filter((d) => d.code === 'dead-depthwise-kernel').length;
    lines.push(
      `${name}: ${exact(a.totals.macs)} MACs, ${exact(a.totals.params)} params, ${a.complete ? 'complete' : `incomplete (${unknown.length} unknown ops)`}, ${dead} layers with dead depthwise kernels`,
    );
  }
  assert.ok(lines.length >= 11, 'every model the package ships is read');
  console.log(`# tfjs real models:\n#   ${lines.join('\n#   ')}`);
});
