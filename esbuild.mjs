// One build script for every bundle: the VS Code client, the stdio language server,
// the CLI, the web extension (dist/web/: client + server in a web worker), (with --tests)
// every test file under test/ into out/test/, and (with --editors) the extension-host suite
// that real VS Code loads into out/editors/. The web bundles are built for the browser
// platform and fail the build if any Node module leaks into them.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { TEXT_LOADERS } from './tools/loaders.mjs';

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
  loader: TEXT_LOADERS,
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

// Web bundles: esbuild cannot resolve node: builtins on the browser platform; this also
// rejects packages' Node-only entry points (…/lib/node/…) that a wrong import would pull in.
const browserOnly = {
  name: 'browser-only',
  setup(build) {
    build.onResolve({ filter: /^(node:|(fs|path|os|child_process|net|util|crypto|stream|url)$)/ }, (a) => ({
      errors: [{ text: `Node module '${a.path}' imported by ${a.importer} in a web bundle` }],
    }));
    build.onEnd((r) => {
      const leaked = Object.keys(r.metafile?.inputs ?? {}).filter((f) => /\/lib\/node\//.test(f));
      if (leaked.length) throw new Error(`Node-only modules in a web bundle: ${leaked.join(', ')}`);
    });
  },
};
const web = {
  ...common,
  platform: 'browser',
  target: 'es2022',
  metafile: true,
  plugins: [browserOnly],
  define: { ...common.define, 'process.env.NODE_ENV': '"production"' },
};

const builds = [
  esbuild.build({
    ...web,
    format: 'cjs',
    entryPoints: { extension: 'client/src/browserExtension.ts' },
    outdir: 'dist/web',
    external: ['vscode'],
  }),
  esbuild.build({
    ...web,
    format: 'iife',
    entryPoints: { server: 'server/src/lsp/browserMain.ts' },
    outdir: 'dist/web',
  }),
  esbuild.build({
    ...common,
    entryPoints: { extension: 'client/src/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
  }),
  esbuild.build({
    ...common,
    // dist/server.js (launch.ts) runs dist/serverMain.js (the server) through V8's code cache;
    // bench: the process the server starts to measure a document (cli/bench/child.ts).
    entryPoints: {
      server: 'server/src/lsp/launch.ts',
      serverMain: 'server/src/lsp/bin.ts',
      cli: 'server/src/cli/bin.ts',
      bench: 'server/src/cli/bench/child.ts',
    },
    // The optional ONNX Runtime (layerlint bench) is loaded from node_modules when present.
    external: ['onnxruntime-node'],
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  }),
];
if (args.has('--tests')) {
  rmSync('out', { recursive: true, force: true });
  builds.push(
    esbuild.build({
      ...common,
      sourcemap: true,
      minify: false,
      entryPoints: [...walk('test'), 'test/fuzz/incremental.ts'],
      outdir: 'out/test',
      outbase: 'test',
      external: ['vscode', 'onnxruntime-node'],
    }),
  );
}
if (args.has('--bench')) {
  builds.push(
    esbuild.build({
      ...common,
      sourcemap: true,
      minify: false,
      entryPoints: {
        run: 'bench/run.ts',
        cpu: 'bench/cpu.ts',
        mem: 'bench/mem.ts',
        formats: 'bench/formatsMain.ts',
        peer: 'bench/peerMain.ts',
        tree: 'bench/treeMain.ts',
        validate: 'bench/latencyValidate.ts',
      },
      external: ['onnxruntime-node'],
      outdir: 'out/bench',
    }),
  );
}
if (args.has('--editors')) {
  builds.push(
    esbuild.build({
      ...common,
      sourcemap: true,
      minify: false,
      entryPoints: ['test/editors/vscode/suite.ts'],
      outdir: 'out/editors',
      outbase: 'test/editors',
      external: ['vscode'],
    }),
  );
}
await Promise.all(builds);
