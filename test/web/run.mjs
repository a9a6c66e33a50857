// `npm run test:web`: the browser tier. Builds test/web/*.web.ts (Node test files) into
// out/web/ and the VS Code suites under test/web/suite/ (web extension host: browser
// platform) into out/web/suite/, then runs the Node files with node's test runner.
// Needs Debian chromium and the tools in test/web/tools (see .ci/install-chromium.sh).
import * as esbuild from 'esbuild';
import { TEXT_LOADERS } from '../../tools/loaders.mjs';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = 'test/web';
const nodeTests = readdirSync(dir)
  .filter((f) => f.endsWith('.web.ts'))
  .map((f) => join(dir, f));
const suites = readdirSync(join(dir, 'suite'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(dir, 'suite', f));
await Promise.all([
  esbuild.build({
    entryPoints: nodeTests,
    outdir: 'out/web',
    bundle: true,
    loader: TEXT_LOADERS,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  }),
  esbuild.build({
    entryPoints: suites,
    outdir: 'out/web/suite',
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    sourcemap: true,
    external: ['vscode'],
    logLevel: 'warning',
  }),
]);
for (const need of ['/usr/bin/chromium', 'test/web/tools/node_modules/@vscode/test-web']) {
  if (!existsSync(need)) {
    console.error(`test:web needs ${need}: run .ci/install-chromium.sh`);
    process.exit(1);
  }
}
const files = nodeTests
  .filter((f) => !process.argv[2] || f.includes(process.argv[2]))
  .map((f) => join('out/web', f.slice(dir.length + 1).replace(/\.ts$/, '.js')));
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
