// Runs every compiled test file under out/test with Node's built-in test runner.
// `node esbuild.mjs --tests` compiles test/**/*.test.ts to out/test/**/*.test.js first.
// Pass a tier folder (unit, golden, protocol, ...) to run only that tier. The `oracle` tier
// (PyTorch, slow) runs only when named: `npm run test:oracle`.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
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
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
