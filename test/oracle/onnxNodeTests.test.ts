// ONNX's own per-op node tests (Debian's libonnx-testdata, installed by .ci/install-torch.sh;
// tier `npm run test:oracle`): each is a one-node model with its inputs and expected outputs as
// TensorProto files. LayerLint reads the model with the first input as the network input and
// the others as initializers (the node tests give their values), with the file's value_info
// and output shapes removed so that its own check of them cannot hide a wrong inference. For an
// op LayerLint claims (SUPPORTED_OPS) every layer it shapes must have exactly the expected
// output dims; a node it cannot express must be an unknown-layer naming the op; an op outside
// the claimed set must never be shaped or costed. A Pad that no Conv or pooling reads makes
// no layer (it is folded into its reader), which counts as not shaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeBytes } from '../../server/src/engine/analyzeSource';
import type { OnnxParsed } from '../../server/src/formats/onnx';
import { SUPPORTED_OPS } from '../../server/src/formats/onnx/nodes';
import { onnx } from '../../server/src/formats/onnx/proto/onnx.js';

const ROOT = '/usr/share/libonnx-testdata/data/node';

interface Outcome {
  name: string;
  op: string;
  /** 'shaped': every output has the expected dims; 'unknown': an unknown-layer names the op; else what went wrong. */
  result: 'shaped' | 'unknown' | string;
}

/** The node test's model with inputs 1.. as initializers and no stated shapes but the first input's; undefined when it has none to read. */
function prepared(dir: string): { bytes: Uint8Array; outputs: number[][]; op: string } | undefined {
  const model = onnx.ModelProto.decode(readFileSync(join(dir, 'model.onnx')));
  const graph = model.graph as onnx.GraphProto | null;
  const data = join(dir, 'test_data_set_0');
  if (graph?.node.length !== 1 || !existsSync(data)) return undefined;
  const tensor = (file: string) => onnx.TensorProto.decode(readFileSync(join(data, file)));
  const inputs = graph.input.filter((i) => !graph.initializer.some((t) => t.name === i.name));
  // Sequence and optional values (their .pb files are not TensorProtos) are not LayerLint's.
  const tensors = [...graph.input, ...graph.output].every((v) => v.type?.tensorType);
  if (inputs.length === 0 || !tensors || !existsSync(join(data, 'input_0.pb'))) return undefined;
  inputs.slice(1).forEach((input, k) => {
    if (!existsSync(join(data, `input_${k + 1}.pb`))) return;
    const t = tensor(`input_${k + 1}.pb`);
    t.name = input.name ?? '';
    graph.initializer.push(t);
  });
  const first = tensor('input_0.pb');
  // The first input's dims as the test data holds them (its value_info may be symbolic).
  graph.input = [
    {
      name: inputs[0]!.name,
      type: { tensorType: { elemType: first.dataType, shape: { dim: first.dims.map((d) => ({ dimValue: d })) } } },
    },
  ];
  const outputs = graph.output.map((_, k) =>
    existsSync(join(data, `output_${k}.pb`)) ? tensor(`output_${k}.pb`).dims.map(Number) : [],
  );
  graph.output = graph.output.map((o) => ({ name: o.name }));
  graph.valueInfo = [];
  return { bytes: onnx.ModelProto.encode(model).finish(), outputs, op: graph.node[0]!.opType ?? '' };
}

function outcome(name: string): Outcome | undefined {
  const p = prepared(join(ROOT, name));
  if (!p) return undefined;
  const doc = analyzeBytes(p.bytes, `${name}.onnx`);
  const parsed = doc.parsed as OnnxParsed;
  const layers = doc.analysis.layers;
  const unknown = doc.diagnostics.find((d) => d.code === 'unknown-layer');
  if (!SUPPORTED_OPS.has(p.op))
    return { name, op: p.op, result: layers.every((l) => l.output === null && l.macs === 0) ? 'unknown' : 'costed' };
  // A Pad of H and W waits for the Conv or pooling that takes it into its pads: none here.
  if (layers.length === 0) return { name, op: p.op, result: p.op === 'Pad' ? 'unknown' : 'no layer' };
  const wrong = layers
    .map((l, k) => ({ got: parsed.tensorDims[l.layer.index], want: p.outputs[layers.length > 1 ? k : 0] }))
    .filter(({ got, want }) => got !== undefined && want !== undefined && got.join() !== want.join());
  if (wrong.length) return { name, op: p.op, result: wrong.map((w) => `[${w.got}] for [${w.want}]`).join(', ') };
  if (layers.every((l) => l.output !== null)) return { name, op: p.op, result: 'shaped' };
  return { name, op: p.op, result: unknown?.message.includes(p.op) ? 'unknown' : `unnamed: ${unknown?.message}` };
}

test('libonnx-testdata node tests: a claimed op gets the expected output dims or a named unknown-layer; other ops are never shaped', (t) => {
  if (!existsSync(ROOT)) assert.fail(`${ROOT} is missing: install libonnx-testdata (.ci/install-torch.sh)`);
  const outcomes = readdirSync(ROOT)
    .sort()
    .map(outcome)
    .filter((o): o is Outcome => o !== undefined);
  const bad = outcomes.filter((o) => o.result !== 'shaped' && o.result !== 'unknown');
  assert.deepEqual(bad, []);
  const claimed = outcomes.filter((o) => SUPPORTED_OPS.has(o.op));
  const shaped = claimed.filter((o) => o.result === 'shaped');
  t.diagnostic(
    `${outcomes.length} node tests read: ${claimed.length} of claimed ops, ${shaped.length} shaped exactly, ${claimed.length - shaped.length} unknown-layer; ${outcomes.length - claimed.length} of other ops, all unknown`,
  );
  // Every claimed op is exercised, and most of its tests are shaped (a regression drops this count).
  const shapedOps = new Set(shaped.map((o) => o.op));
  const never = [...new Set(claimed.map((o) => o.op))].filter((op) => !shapedOps.has(op));
  t.diagnostic(`claimed ops never shaped here: ${never.join(', ') || 'none'}`);
  assert.ok(shaped.length >= 150, `${shaped.length} node tests shaped`);
});
