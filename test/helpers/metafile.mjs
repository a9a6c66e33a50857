// Prints esbuild's metafile (JSON) for bundling the given entry points the way esbuild.mjs
// bundles the server and the CLI. Run as a separate process by test/unit/security.test.ts,
// so that esbuild itself is not bundled into the test.
import * as esbuild from 'esbuild';
import { TEXT_LOADERS } from '../../tools/loaders.mjs';

const entryPoints = Object.fromEntries(process.argv.slice(2).map((e) => e.split('=')));
const r = await esbuild.build({
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  metafile: true,
  loader: TEXT_LOADERS,
  entryPoints,
  outdir: 'out/security',
  external: ['onnxruntime-node'],
  logLevel: 'silent',
});
process.stdout.write(JSON.stringify(r.metafile));
