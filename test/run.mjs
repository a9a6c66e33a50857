// Runs every compiled test file under out/test with Node's built-in test runner.
// `node esbuild.mjs --tests` compiles test/**/*.test.ts to out/test/**/*.test.js first.
// Pass a tier folder (unit, golden, protocol, ...) to run only that tier. The `oracle` tier
// (PyTorch, slow) runs only when named: `npm run test:oracle`. Output: dots, the failures in
// full and a one-line summary (test/summaryReporter.mjs); TAP when CI is set (as in CI
// services and .ci/run) or LAYERLINT_TAP=1.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const tiers = process.argv.slice(2);
const root = 'out/test';
function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const files = (tiers.length ? tiers.map((t) => join(root, t)) : [root])
  .flatMap((d) => walk(d))
  .filter((f) => tiers.length || !f.startsWith(join(root, 'oracle')));
if (files.length === 0) {
  console.error(`no test files under ${root}`);
  process.exit(1);
}
const tap = !!process.env.CI || process.env.LAYERLINT_TAP === '1';
const reporters = tap
  ? ['--test-reporter=tap']
  : [
      '--test-reporter=dot',
      '--test-reporter-destination=stdout',
      `--test-reporter=${pathToFileURL(resolve('test/summaryReporter.mjs')).href}`,
      '--test-reporter-destination=stdout',
    ];
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', ...reporters, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
