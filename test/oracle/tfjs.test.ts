// Dead depthwise kernels and dead batch-norm channels in trained TensorFlow.js models against
// an independent count (tier `npm run test:oracle`; /usr/bin/python3 with numpy):
// test/oracle/tfjs_oracle.py reads each @vladmandic/human 3.3.6 model's shards with numpy and
// counts, per layer, the kernels and channels that are negligible; LayerLint's
// dead-depthwise-kernel and dead-bn-channel findings must name the same layers with the same
// `dead` of `total`. The models are fetched by .ci/fetch-human-models.sh (run here when missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiagnosticData } from '../../server/src/core/diagnostics';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { companionsNextTo } from '../../server/src/engine/companionsLoad';

const MODELS = '.cache/human-3.3.6/models';

interface Answer {
  model: string;
  error?: string;
  kernels: Record<string, [number, number]>;
  channels: Record<string, [number, number]>;
}

test('dead depthwise kernels and dead BN channels of the @vladmandic/human models equal numpy’s count', () => {
  if (!existsSync(join(MODELS, 'blazeface.json')))
    assert.equal(spawnSync('bash', ['.ci/fetch-human-models.sh'], { stdio: 'inherit' }).status, 0);
  const files = readdirSync(MODELS)
    .filter((f) => f.endsWith('.json') && f !== 'models.json')
    .map((f) => join(MODELS, f));
  const run = spawnSync('/usr/bin/python3', ['test/oracle/tfjs_oracle.py', ...files], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const answers = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Answer);
  assert.equal(answers.length, files.length);
  let deadLayers = 0;
  for (const [k, path] of files.entries()) {
    const answer = answers[k]!;
    assert.equal(answer.error, undefined, `${answer.model}: ${answer.error}`);
    const doc = analyzeSource(readFileSync(path, 'utf8'), path, { companions: companionsNextTo(path) });
    const found = (kind: 'dead-kernels' | 'dead-channels') =>
      Object.fromEntries(
        doc.findings
          .map((d) => d.data)
          .filter((d): d is Extract<DiagnosticData, { kind: typeof kind }> => d?.kind === kind)
          .map((d) => [d.layer, [d.dead, d.total]]),
      );
    assert.deepEqual(found('dead-kernels'), answer.kernels, `${answer.model}: dead depthwise kernels`);
    assert.deepEqual(found('dead-channels'), answer.channels, `${answer.model}: dead BN channels`);
    deadLayers += Object.keys(answer.kernels).length;
  }
  // The comparison is not empty: these trained models do have dead kernels.
  assert.ok(deadLayers > 0);
});
