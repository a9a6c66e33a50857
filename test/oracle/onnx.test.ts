// ONNX against PyTorch (tier `npm run test:oracle`; needs /usr/bin/python3 with torch,
// torchvision and onnx, see .ci/install-torch.sh). test/oracle/onnx_oracle.py exports each
// torchvision model with random weights to a temporary folder and answers its forward-hook
// MACs and the parameters the file holds; LayerLint reads the file and must agree exactly
// and be complete (ViT and ConvNeXt included: attention's two batched products, LayerNorm as
// arithmetic). Models with ops LayerLint cannot cost (Swin's shifted-window masks, MaxViT's
// relative position bias) must say so: incomplete, the ops named, and counted MACs no more
// than PyTorch's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { analyzeBytes } from '../../server/src/engine/analyzeSource';
import { companionsNextTo } from '../../server/src/engine/companionsLoad';
import { onnx } from '../../server/src/formats/onnx/proto/onnx.js';

const EXACT = [
  'alexnet',
  'resnet18',
  'resnext50_32x4d',
  'mobilenet_v2',
  'mobilenet_v3_small',
  'mobilenet_v3_large',
  'squeezenet1_0',
  'squeezenet1_1',
  'shufflenet_v2_x0_5',
  'mnasnet0_5',
  'efficientnet_b0',
  'regnet_x_400mf',
  'regnet_y_400mf',
  'densenet121',
  'googlenet',
  'inception_v3',
  'convnext_tiny',
  'vit_b_16',
];
const INCOMPLETE = ['swin_t', 'maxvit_t'];
/** Exported with 5 zeroed depthwise kernels and its weights in an external data file. */
const EXTERNAL = 'mobilenet_v2@external';

interface Answer {
  name: string;
  error?: string;
  macs?: number;
  params?: number;
  file?: string;
  /** Dead depthwise kernels counted with numpy (EXTERNAL only). */
  dead?: number;
}

let folder: string;
let proc: ChildProcessWithoutNullStreams;
const answers = new Map<string, Promise<Answer>>();

before(() => {
  folder = mkdtempSync(join(tmpdir(), 'layerlint-onnx-'));
  proc = spawn('/usr/bin/python3', ['test/oracle/onnx_oracle.py', folder], { stdio: 'pipe' });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const waiting = new Map<string, (a: Answer) => void>();
  for (const name of [...EXACT, ...INCOMPLETE, EXTERNAL])
    answers.set(name, new Promise((res) => waiting.set(name, res)));
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const a = JSON.parse(line) as Answer;
    waiting.get(a.name)?.(a);
  });
  proc.on('exit', (code) => {
    for (const [name, res] of waiting) res({ name, error: `python exited with ${code}: ${stderr.slice(-2000)}` });
  });
  proc.stdin.end(`${[...EXACT, ...INCOMPLETE, EXTERNAL].join('\n')}\n`);
});
after(() => {
  proc.kill();
  rmSync(folder, { recursive: true, force: true });
});

/** The answer for `name` and LayerLint's analysis of its file (which is then deleted). */
async function analysed(name: string) {
  const a = await answers.get(name)!;
  assert.equal(a.error, undefined, a.error);
  const doc = analyzeBytes(readFileSync(a.file!), a.file!);
  rmSync(a.file!, { force: true });
  return { a, doc };
}

for (const name of EXACT) {
  test(`${name}.onnx: MACs and parameters equal PyTorch's, every node costed`, async (t) => {
    const { a, doc } = await analysed(name);
    t.diagnostic(
      `PyTorch ${a.macs} MACs, file ${a.params} params; LayerLint ${doc.analysis.totals.macs}, ${doc.analysis.totals.params}`,
    );
    const unknown = doc.diagnostics.filter((d) => d.code === 'unknown-layer').map((d) => d.message);
    assert.deepEqual(unknown, []);
    assert.equal(doc.analysis.complete, true);
    assert.equal(doc.analysis.totals.macs, a.macs);
    assert.equal(doc.analysis.totals.params, a.params);
  });
}

for (const name of INCOMPLETE) {
  test(`${name}.onnx: incomplete, says which ops it could not cost, invents nothing`, async (t) => {
    const { a, doc } = await analysed(name);
    const first = doc.diagnostics.find((d) => d.code === 'unknown-layer')?.message ?? '';
    t.diagnostic(
      `PyTorch ${a.macs} MACs; LayerLint ${doc.analysis.totals.macs} counted before: ${first.slice(0, 160)}`,
    );
    assert.equal(doc.analysis.complete, false);
    const incomplete = doc.diagnostics.find((d) => d.code === 'incomplete-analysis');
    assert.ok(incomplete?.data?.kind === 'incomplete' && incomplete.data.missing.length > 0);
    assert.ok(doc.diagnostics.some((d) => d.code === 'unknown-layer'));
    assert.ok(doc.analysis.totals.macs <= a.macs!, `${doc.analysis.totals.macs} counted, PyTorch ${a.macs}`);
  });
}

test('external data: figures from the dims alone; dead kernels read from the data file equal numpy’s count; a location outside the folder, a link out of it, a short or missing file are findings', async () => {
  const a = await answers.get(EXTERNAL)!;
  assert.equal(a.error, undefined, a.error);
  const file = a.file!;
  const bytes = readFileSync(file);
  const run = (path: string, model: Uint8Array = readFileSync(path)) => {
    const doc = analyzeBytes(model, path, { companions: companionsNextTo(path) });
    assert.equal(doc.analysis.complete, true);
    assert.equal(doc.analysis.totals.macs, a.macs);
    assert.equal(doc.analysis.totals.params, a.params);
    const dead = doc.diagnostics
      .filter((d) => d.code === 'dead-depthwise-kernel')
      .reduce((n, d) => n + (d.data?.kind === 'dead-kernels' ? d.data.dead : 0), 0);
    return { dead, external: doc.diagnostics.filter((d) => d.code === 'external-data').map((d) => d.message) };
  };
  const read = run(file);
  assert.ok(a.dead! > 0);
  assert.deepEqual(read, { dead: a.dead, external: [] });
  /** The model with every external location replaced. */
  const relocated = (location: string) => {
    const m = onnx.ModelProto.decode(bytes);
    for (const t of m.graph?.initializer ?? [])
      for (const e of t.externalData ?? []) if (e.key === 'location') e.value = location;
    return onnx.ModelProto.encode(m).finish();
  };
  const data = join(dirname(file), 'mobilenet_v2.data');
  const outside = run(file, relocated('../mobilenet_v2.data'));
  assert.equal(outside.dead, 0);
  assert.ok(outside.external.length > 0 && outside.external.every((m) => /leaves the model’s folder/.test(m)));
  const linked = join(folder, 'linked');
  mkdirSync(linked);
  symlinkSync(data, join(linked, 'mobilenet_v2.data'));
  const viaLink = run(join(linked, 'model.onnx'), bytes);
  assert.equal(viaLink.dead, 0);
  assert.ok(viaLink.external.length > 0 && viaLink.external.every((m) => /links outside the model’s folder/.test(m)));
  const short = join(folder, 'short');
  mkdirSync(short);
  writeFileSync(join(short, 'mobilenet_v2.data'), readFileSync(data).subarray(0, 1000));
  const shortRun = run(join(short, 'model.onnx'), bytes);
  assert.equal(shortRun.dead, 0);
  assert.ok(shortRun.external.some((m) => /the file is short/.test(m)));
  const missing = join(folder, 'missing');
  mkdirSync(missing);
  copyFileSync(file, join(missing, 'model.onnx'));
  assert.ok(run(join(missing, 'model.onnx')).external.every((m) => /no such file/.test(m)));
});
