// One build script for every bundle: the VS Code client, the stdio language server,
// the CLI, and (with --tests) every test file under test/ into out/test/.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { __LAYERLINT_VERSION__: JSON.stringify(pkg.version) },
};

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const builds = [
  esbuild.build({ ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: { server: 'server/src/bin.ts', cli: 'server/src/cli/bin.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
];
if (args.has('--tests')) {
  rmSync('out', { recursive: true, force: true });
  builds.push(esbuild.build({ ...common, sourcemap: true, minify: false, entryPoints: walk('test'), outdir: 'out/test', outbase: 'test', external: ['vscode'] }));
}
if (args.has('--bench')) {
  builds.push(esbuild.build({ ...common, sourcemap: true, minify: false, entryPoints: { run: 'bench/run.ts' }, outdir: 'out/bench' }));
}
await Promise.all(builds);
