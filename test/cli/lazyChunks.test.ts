// The Node bundles (dist/serverMain.js, cli.js, bench.js) load the modules that only some
// files need from dist/lazy/ (esbuild.mjs, LAZY_MODULES) on first use: none at start-up or
// for a .layers file, the YAML parser for an Ultralytics model, the ONNX decoder for a .onnx
// file, and every chunk a bundle names is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OnnxBuilder } from '../helpers/onnxModel';

const HOOK = resolve('test/helpers/lazyLoads.cjs');

/** The lazy chunks a run of a dist/ bundle required, and its exit status. */
function chunksRequired(bundle: string, args: string[]): { chunks: string[]; status: number | null } {
  const r = spawnSync(process.execPath, ['-r', HOOK, resolve('dist', bundle), ...args], { encoding: 'utf8' });
  const line = /^lazy chunks: (.*)$/m.exec(r.stderr);
  assert.ok(line, `no report from the hook: ${r.stderr}`);
  return { chunks: line[1] ? line[1].split(',') : [], status: r.status };
}

test('every lazy chunk a Node bundle requires is built beside it', () => {
  for (const bundle of ['serverMain.js', 'cli.js', 'bench.js']) {
    const named = [...readFileSync(join('dist', bundle), 'utf8').matchAll(/require\("\.\/lazy\/(\w+)\.js"\)/g)].map(
      (m) => m[1]!,
    );
    assert.deepEqual(named.sort(), ['fflate', 'onnxProto', 'yaml'], bundle);
    for (const name of named) assert.ok(existsSync(join('dist/lazy', `${name}.js`)), `dist/lazy/${name}.js`);
  }
});

test('the server and the CLI start without loading a lazy chunk; a .layers file needs none', () => {
  assert.deepEqual(chunksRequired('serverMain.js', ['--version']), { chunks: [], status: 0 });
  assert.deepEqual(chunksRequired('cli.js', ['report', 'examples/mobilenet_v1.layers', '--format', 'json']), {
    chunks: [],
    status: 0,
  });
});

test('an Ultralytics model loads the YAML chunk, an ONNX model the ONNX decoder, each on first use', () => {
  const yaml = chunksRequired('cli.js', ['report', 'examples/yolov8n.yaml', '--format', 'json']);
  assert.deepEqual(yaml, { chunks: ['yaml'], status: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-lazy-'));
  const onnx = new OnnxBuilder()
    .input('x', [1, 3, 8, 8])
    .weight('w', [4, 3, 3, 3])
    .node({ op: 'Conv', name: 'conv', inputs: ['x', 'w'], outputs: ['y'] })
    .encode();
  writeFileSync(join(dir, 'net.onnx'), onnx);
  const r = spawnSync(
    process.execPath,
    ['-r', HOOK, resolve('dist/cli.js'), 'report', 'net.onnx', '--format', 'json'],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).totals.macs, 6 * 6 * 4 * 3 * 9, 'the ONNX model is analysed through the chunk');
  assert.match(r.stderr, /^lazy chunks: onnxProto$/m);
});
