// Packages a platform-specific VSIX (`vsce package --target TARGET`) that ships ONNX Runtime for
// Node, so that LayerLint: Measure latency on this machine works in VS Code: the universal VSIX
// (.vscodeignore, npm run package) plus exactly the files `require('onnxruntime-node')` loads on
// that target: onnxruntime-node's package.json and dist/*.js, its native binding and libraries
// for that one os/arch (bin/napi-v6/<os>/<arch>/*), and onnxruntime-common's package.json and
// CommonJS build. dist/bench.js keeps onnxruntime-node external (esbuild.mjs), so the bench child
// resolves it from the extension's own node_modules/. Expects dist/ built for production
// (npm run package:target does both). Writes layerlint-TARGET.vsix; a target ONNX Runtime ships
// no binary for is refused, naming the ones it has.
//   node tools/package-target.mjs linux-x64 [-o out.vsix]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = 'node_modules/onnxruntime-node/bin/napi-v6';

/** The vsce targets ONNX Runtime has a binary for: `<os>-<arch>` for each bin/napi-v6/<os>/<arch>. */
export function runtimeTargets(root = ROOT) {
  const bin = join(root, BIN);
  if (!existsSync(bin)) return [];
  return readdirSync(bin).flatMap((os) => readdirSync(join(bin, os)).map((arch) => `${os}-${arch}`));
}

/** The allow-list lines added to .vscodeignore for one target (paths relative to the repo). */
export function runtimeFiles(target) {
  const [os, arch] = target.split('-');
  return [
    'node_modules/onnxruntime-node/package.json',
    'node_modules/onnxruntime-node/dist/*.js',
    `${BIN}/${os}/${arch}/*`,
    'node_modules/onnxruntime-common/package.json',
    'node_modules/onnxruntime-common/dist/cjs/package.json',
    'node_modules/onnxruntime-common/dist/cjs/*.js',
  ];
}

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' } },
  });
  const [target] = positionals;
  const targets = runtimeTargets();
  if (!target || !targets.includes(target)) {
    console.error(
      `usage: node tools/package-target.mjs TARGET [-o out.vsix]; ${
        target ? `ONNX Runtime ships no binary for "${target}"; ` : ''
      }targets: ${targets.join(', ') || 'none (onnxruntime-node is not installed: npm ci)'}`,
    );
    process.exit(2);
  }
  for (const f of ['dist/extension.js', 'dist/server.js', 'dist/bench.js'])
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} missing: run node esbuild.mjs --production`);
  const out = resolve(values.out ?? join(ROOT, `layerlint-${target}.vsix`));
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-vsix-'));
  try {
    const ignoreFile = join(dir, '.vscodeignore');
    const base = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
    writeFileSync(
      ignoreFile,
      `${base}\n# ONNX Runtime for ${target} (tools/package-target.mjs)\n${runtimeFiles(target)
        .map((p) => `!${p}`)
        .join('\n')}\n`,
    );
    // Without --no-dependencies vsce collects node_modules (npm list --production); the
    // allow-list above keeps only the runtime's files of it.
    execFileSync(
      join(ROOT, 'node_modules/.bin/vsce'),
      [
        'package',
        '--target',
        target,
        '--ignoreFile',
        ignoreFile,
        '--readme-path',
        'marketplace/README.md',
        '--no-rewrite-relative-links',
        '-o',
        out,
      ],
      { cwd: ROOT, stdio: 'inherit' },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`package-target: ${out} (${target}, ${(statSync(out).size / 2 ** 20).toFixed(1)} MiB)`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
