// ONNX against PyTorch (tier `npm run test:oracle`; needs /usr/bin/python3 with torch,
// torchvision and onnx, see .ci/install-torch.sh). test/oracle/onnx_oracle.py exports each
// torchvision model with random weights to a temporary folder and answers its forward-hook
// MACs and the parameters the file holds; LayerLint reads the file and must agree exactly
// and be complete. Models with ops LayerLint cannot cost (attention, LayerNorm as
// arithmetic) must say so: incomplete, the ops named, and counted MACs no more than PyTorch's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { analyzeBytes } from '../../server/src/engine/analyzeSource';

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
];
const INCOMPLETE = ['convnext_tiny', 'vit_b_32', 'swin_t'];

interface Answer {
  name: string;
  error?: string;
  macs?: number;
  params?: number;
  file?: string;
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
  for (const name of [...EXACT, ...INCOMPLETE]) answers.set(name, new Promise((res) => waiting.set(name, res)));
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const a = JSON.parse(line) as Answer;
    waiting.get(a.name)?.(a);
  });
  proc.on('exit', (code) => {
    for (const [name, res] of waiting) res({ name, error: `python exited with ${code}: ${stderr.slice(-2000)}` });
  });
  proc.stdin.end(`${[...EXACT, ...INCOMPLETE].join('\n')}\n`);
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
  test(`${name}.onnx: MACs and parameters equal PyTorch's, every node costed`, async () => {
    const { a, doc } = await analysed(name);
    const unknown = doc.diagnostics.filter((d) => d.code === 'unknown-layer').map((d) => d.message);
    assert.deepEqual(unknown, []);
    assert.equal(doc.analysis.complete, true);
    assert.equal(doc.analysis.totals.macs, a.macs);
    assert.equal(doc.analysis.totals.params, a.params);
  });
}

for (const name of INCOMPLETE) {
  test(`${name}.onnx: incomplete, says which ops it could not cost, invents nothing`, async () => {
    const { a, doc } = await analysed(name);
    assert.equal(doc.analysis.complete, false);
    const incomplete = doc.diagnostics.find((d) => d.code === 'incomplete-analysis');
    assert.ok(incomplete?.data?.kind === 'incomplete' && incomplete.data.missing.length > 0);
    assert.ok(doc.diagnostics.some((d) => d.code === 'unknown-layer'));
    assert.ok(doc.analysis.totals.macs <= a.macs!, `${doc.analysis.totals.macs} counted, PyTorch ${a.macs}`);
  });
}
