// The Node bundles (dist/serverMain.js, cli.js, bench.js) load the modules that only some
// files need from dist/lazy/ (esbuild.mjs, LAZY_MODULES and OWN_CHUNKS) on first use: none at
// start-up or for a .layers file, the YAML parser for an Ultralytics model, the ONNX
// front-end's chunk and decoder for a .onnx file, the Keras / TF.js chunk (with YAML, and
// fflate for a .keras archive) for those models; every chunk a bundle names is there, and
// no source file is both in a bundle and in a chunk it loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { OnnxBuilder } from '../helpers/onnxModel';
import { list, s, TfjsBuilder } from '../helpers/tfjsModel';

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
    assert.deepEqual(named.sort(), ['fflate', 'kerasFormat', 'onnxFormat', 'onnxProto', 'yaml'], bundle);
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
  assert.match(r.stderr, /^lazy chunks: onnxFormat,onnxProto$/m);
});

test('a Keras or TensorFlow.js model loads the Keras chunk with YAML, a .keras archive fflate too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-lazy-'));
  const layer = (className: string, config: Record<string, unknown>) => ({ class_name: className, config });
  const sequential = JSON.stringify({
    class_name: 'Sequential',
    config: {
      name: 'seq',
      layers: [
        layer('InputLayer', { name: 'in', batch_shape: [null, 8, 8, 3] }),
        layer('Conv2D', { name: 'c', filters: 4, kernel_size: [3, 3], padding: 'valid', use_bias: false }),
      ],
    },
  });
  writeFileSync(join(dir, 'seq.json'), sequential);
  writeFileSync(join(dir, 'seq.keras'), zipSync({ 'config.json': strToU8(sequential) }));
  const graph = new TfjsBuilder()
    .placeholder('x', [1, 8, 8, 3])
    .weight('w', [3, 3, 3, 4], new Array(108).fill(1))
    .node('conv', 'Conv2D', ['x', 'w'], { strides: list(1, 1, 1, 1), padding: s('VALID') });
  writeFileSync(join(dir, 'graph.json'), graph.json());
  writeFileSync(join(dir, 'group1-shard1of1.bin'), graph.shard());
  const expected = {
    'seq.json': 'kerasFormat,yaml',
    'seq.keras': 'fflate,kerasFormat,yaml',
    'graph.json': 'kerasFormat,yaml',
  };
  for (const [file, chunks] of Object.entries(expected)) {
    const r = spawnSync(process.execPath, ['-r', HOOK, resolve('dist/cli.js'), 'report', file, '--format', 'json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).totals.macs, 6 * 6 * 4 * 3 * 9, `${file} is analysed through the chunk`);
    assert.match(r.stderr, new RegExp(`^lazy chunks: ${chunks}$`, 'm'), file);
  }
});

test('a source file is either in the Node bundles or in one chunk they load, never both', () => {
  // Each map names its sources relative to itself: compared from server/src/ on.
  const sources = (map: string) =>
    new Set(
      (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources
        .filter((p) => /^(\.\.\/)+server\/src\//.test(p))
        .map((p) => p.replace(/^(\.\.\/)+/, '')),
    );
  for (const chunk of ['onnxFormat', 'kerasFormat']) {
    const own = sources(join('dist/lazy', `${chunk}.js.map`));
    assert.ok(own.size > 3, `${chunk} holds LayerLint modules`);
    for (const bundle of ['serverMain.js', 'cli.js', 'bench.js']) {
      const both = [...sources(join('dist', `${bundle}.map`))].filter((p) => own.has(p));
      assert.deepEqual(both, [], `${bundle} and dist/lazy/${chunk}.js`);
    }
  }
});
