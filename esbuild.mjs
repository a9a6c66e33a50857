// One build script for every bundle: the VS Code client, the stdio language server,
// the CLI, the web extension (dist/web/: client + server in a web worker), (with --tests)
// every test file under test/ into out/test/, and (with --editors) the extension-host suite
// that real VS Code loads into out/editors/. The web bundles are built for the browser
// platform and fail the build if any Node module leaks into them. The Node bundles in dist/
// load the readers' rarely used third-party modules from dist/lazy/ on first use (below).
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
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

// Modules only some files need (YAML: Ultralytics models and Keras / TF.js JSON; the ONNX
// decoder with protobufjs and long: .onnx files and `bench`; fflate: .keras archives) are
// ~200 KB of the server bundle. In the Node bundles each is a stand-in with the real module's
// export names as getters that require dist/lazy/NAME.js on the first read of any of them
// (call time, never at start-up: no LayerLint module reads them at its top level). The web
// bundle and the test bundles keep them inline.
const LAZY_MODULES = {
  yaml: { entry: 'yaml', imported: /^yaml$/ },
  fflate: { entry: 'fflate', imported: /^fflate$/ },
  onnxProto: { entry: './server/src/formats/onnx/proto/onnx.js', imported: /\/proto\/onnx\.js$/ },
};
const lazyChunks = await esbuild.build({
  ...common,
  sourcemap: false,
  entryPoints: Object.fromEntries(Object.entries(LAZY_MODULES).map(([name, m]) => [name, m.entry])),
  outdir: 'dist/lazy',
});
if (lazyChunks.errors.length) process.exit(1);
const requireFromHere = createRequire(import.meta.url);
/** The stand-in module for `name`: its export names, each a getter on the chunk (loaded once). */
function standIn(name) {
  const names = Object.keys(requireFromHere(resolve(`dist/lazy/${name}.js`)));
  return [
    `let loaded;`,
    `const load = () => (loaded ??= require(${JSON.stringify(`./lazy/${name}.js`)}));`,
    `Object.defineProperty(exports, '__esModule', { value: true });`,
    `for (const name of ${JSON.stringify(names)})`,
    `  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
  ].join('\n');
}
const lazyLoad = {
  name: 'lazy-load',
  setup(build) {
    for (const [name, m] of Object.entries(LAZY_MODULES))
      build.onResolve({ filter: m.imported }, () => ({ path: name, namespace: 'lazy' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (a) => ({ contents: standIn(a.path), loader: 'js' }));
    // The chunk itself is read at run time, next to the bundle that requires it.
    build.onResolve({ filter: /^\.\/lazy\//, namespace: 'lazy' }, (a) => ({ path: a.path, external: true }));
  },
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
    plugins: [lazyLoad],
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
