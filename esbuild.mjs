// One build script for every bundle: the VS Code client, the stdio language server,
// the CLI, the web extension (dist/web/: client + server in a web worker), (with --tests)
// every test file under test/ into out/test/, and (with --editors) the extension-host suite
// that real VS Code loads into out/editors/. The web bundles are built for the browser
// platform and fail the build if any Node module leaks into them. The Node bundles in dist/
// load the readers' rarely used third-party modules and our own rarely used front-ends (ONNX,
// Keras / TensorFlow.js) from dist/lazy/ on first use (below).
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
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

// Our own code that only some files need loads the same way: the ONNX front-end's decoder
// and lowering (.onnx), the Keras lowering with the TensorFlow.js reader (Keras / TF.js
// .json, .keras). A chunk holds only the files its `files` matches; every other module it
// imports (core/, the formats' shared helpers, the stand-ins above) is the bundle's own
// instance, handed to the chunk when it loads, so no module, with its caches, classes or
// constants, exists twice in a process. The bundles reach a chunk's files only through its
// `entries` (the build fails otherwise), each a stand-in like those above.
const OWN_CHUNKS = {
  onnxFormat: {
    entries: ['server/src/formats/onnx/decode.ts', 'server/src/formats/onnx/lower.ts'],
    files: /\/server\/src\/formats\/onnx\/(?!index\.ts$)[^/]+\.ts$/,
  },
  kerasFormat: {
    entries: ['server/src/formats/keras/lower.ts', 'server/src/formats/tfjs/index.ts'],
    files: /\/server\/src\/formats\/(keras\/lower|tfjs\/[^/]+)\.ts$/,
  },
};
/** Where a chunk finds the bundle's modules while it loads: set for the chunk's `require` only. */
const CHUNK_IMPORTS = "Symbol.for('layerlint.chunkImports')";
const RESOLVING = Symbol('resolving');
/** The file `a` (an onResolve argument) resolves to, by esbuild's own rules. */
async function resolvedPath(build, a) {
  const r = await build.resolve(a.path, {
    kind: a.kind,
    importer: a.importer,
    resolveDir: a.resolveDir,
    pluginData: RESOLVING,
  });
  // Forward slashes on every platform: the chunks' `files` and import keys are written so.
  return r.errors.length ? undefined : r.path.split(sep).join('/');
}
/** The chunk's build: its files bundled, every other import read from the bundle that loads it. */
function chunkBuild(name, chunk) {
  const imports = new Set();
  const plugin = {
    name: 'chunk-imports',
    setup(build) {
      build.onResolve({ filter: /^chunk-entry:/ }, () => ({ path: name, namespace: 'chunk-entry' }));
      build.onLoad({ filter: /.*/, namespace: 'chunk-entry' }, () => ({
        contents: chunk.entries.map((e, i) => `export * as e${i} from ${JSON.stringify(`./${e}`)};`).join('\n'),
        resolveDir: process.cwd(),
        loader: 'js',
      }));
      build.onResolve({ filter: /.*/ }, async (a) => {
        if (a.pluginData === RESOLVING || a.namespace === 'chunk-entry' || isBuiltin(a.path)) return undefined;
        const path = await resolvedPath(build, a);
        if (!path || chunk.files.test(path)) return undefined;
        // A package by its name, a file by its path from the repository (`./server/src/…`).
        const key = path.includes('/node_modules/')
          ? a.path
          : `./${relative(process.cwd(), path).split(sep).join('/')}`;
        imports.add(key);
        return { path: key, namespace: 'chunk-import' };
      });
      build.onLoad({ filter: /.*/, namespace: 'chunk-import' }, (a) => ({
        contents: [
          `const imports = globalThis[${CHUNK_IMPORTS}];`,
          `if (!imports || !(${JSON.stringify(a.path)} in imports))`,
          `  throw new Error(${JSON.stringify(`dist/lazy/${name}.js runs inside a LayerLint bundle, which hands it ${a.path}`)});`,
          `module.exports = imports[${JSON.stringify(a.path)}];`,
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
  return { imports, plugin };
}
const ownChunks = await Promise.all(
  Object.entries(OWN_CHUNKS).map(async ([name, chunk]) => {
    const { imports, plugin } = chunkBuild(name, chunk);
    const [built, names] = await Promise.all([
      esbuild.build({
        ...common,
        entryPoints: { [name]: `chunk-entry:${name}` },
        outdir: 'dist/lazy',
        plugins: [plugin],
      }),
      // Each entry's export names, for its stand-in (type-only exports are gone by then).
      esbuild.build({ entryPoints: chunk.entries, format: 'esm', write: false, metafile: true, outdir: 'dist/lazy' }),
    ]);
    if (built.errors.length || names.errors.length) process.exit(1);
    const exportsOf = new Map(Object.values(names.metafile.outputs).map((o) => [o.entryPoint, o.exports]));
    return [name, { ...chunk, imports: [...imports].sort(), exportsOf }];
  }),
).then(Object.fromEntries);

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
/**
 * What an own chunk's entry resolves to in a bundle: an ES module that imports the bundle's
 * instances of every module the chunk takes from it, hands them to the chunk's loader
 * (`own-chunk:NAME`, which requires the chunk on first use) and re-exports the entry's names
 * as getters (`own-chunk-exports:NAME:INDEX`). Only the two CommonJS parts are wrapped by
 * esbuild; the shared modules stay plain ES modules of the bundle.
 */
const ownChunkModules = {
  entry(name, index) {
    const { imports } = ownChunks[name];
    return [
      ...imports.map((key, i) => `import * as i${i} from ${JSON.stringify(key)};`),
      `import { provide } from ${JSON.stringify(`own-chunk:${name}`)};`,
      `provide({ ${imports.map((key, i) => `${JSON.stringify(key)}: i${i}`).join(', ')} });`,
      `export * from ${JSON.stringify(`own-chunk-exports:${name}:${index}`)};`,
    ].join('\n');
  },
  loader(name) {
    return [
      `let imports, loaded;`,
      `exports.provide = (modules) => { imports = modules; };`,
      `exports.load = () => {`,
      `  if (loaded) return loaded;`,
      `  globalThis[${CHUNK_IMPORTS}] = imports;`,
      `  try { return (loaded = require(${JSON.stringify(`./lazy/${name}.js`)})); }`,
      `  finally { delete globalThis[${CHUNK_IMPORTS}]; }`,
      `};`,
    ].join('\n');
  },
  exports(name, index) {
    const chunk = ownChunks[name];
    const names = chunk.exportsOf.get(chunk.entries[index]);
    return [
      `const { load } = require(${JSON.stringify(`own-chunk:${name}`)});`,
      `Object.defineProperty(exports, '__esModule', { value: true });`,
      `for (const name of ${JSON.stringify(names)})`,
      `  Object.defineProperty(exports, name, { enumerable: true, get: () => load().e${index}[name] });`,
    ].join('\n');
  },
};
/** Whether relative import `a` can resolve to a chunk's file: only those go through esbuild's resolver twice. */
function mayReachChunk(a) {
  const p = join(a.resolveDir, a.path).split(sep).join('/');
  const candidates = [p, `${p}.ts`, `${p}/index.ts`, p.replace(/\.js$/, '.ts')];
  return Object.values(OWN_CHUNKS).some((c) => candidates.some((f) => c.files.test(f)));
}
const lazyLoad = {
  name: 'lazy-load',
  setup(build) {
    for (const [name, m] of Object.entries(LAZY_MODULES))
      build.onResolve({ filter: m.imported }, () => ({ path: name, namespace: 'lazy' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (a) => ({ contents: standIn(a.path), loader: 'js' }));
    // The chunk itself is read at run time, next to the bundle that requires it.
    build.onResolve({ filter: /^\.\/lazy\//, namespace: 'lazy' }, (a) => ({ path: a.path, external: true }));
    build.onResolve({ filter: /^\.\/lazy\//, namespace: 'own-chunk' }, (a) => ({ path: a.path, external: true }));

    build.onResolve({ filter: /^own-chunk(-exports)?:/ }, (a) => ({ path: a.path, namespace: 'own-chunk' }));
    build.onLoad({ filter: /.*/, namespace: 'own-chunk' }, (a) => {
      const [kind, name, index] = a.path.split(':');
      const contents =
        kind === 'own-chunk' ? ownChunkModules.loader(name) : ownChunkModules.exports(name, Number(index));
      return { contents, loader: 'js' };
    });
    build.onResolve({ filter: /^\.\.?\// }, async (a) => {
      if (a.pluginData === RESOLVING || a.namespace !== 'file' || !mayReachChunk(a)) return undefined;
      const path = await resolvedPath(build, a);
      const hit = path && Object.entries(ownChunks).find(([, c]) => c.files.test(path));
      if (!hit) return undefined;
      const [name, chunk] = hit;
      const index = chunk.entries.findIndex((e) => path.endsWith(`/${e}`));
      if (index < 0)
        return {
          errors: [
            {
              text: `${a.importer} imports ${path}, which is inside dist/lazy/${name}.js but not an entry of it (esbuild.mjs, OWN_CHUNKS)`,
            },
          ],
        };
      return { path: `${name}:${index}`, namespace: 'own-chunk-entry' };
    });
    build.onLoad({ filter: /.*/, namespace: 'own-chunk-entry' }, (a) => {
      const [name, index] = a.path.split(':');
      return { contents: ownChunkModules.entry(name, Number(index)), resolveDir: process.cwd(), loader: 'js' };
    });
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
