// `layerlint fix` and the reading of files, against a hostile file system: links, read-only
// files, owners, files changed while being fixed, concurrent runs, more findings than a
// document shows, bytes that are not UTF-8, unwritable files among writable ones, rule
// names that are Object.prototype keys, FIFOs, devices and files too large to read. Each
// runs the built dist/cli.js, except where a test must act between the read and the write
// (then main() runs in process with a fixer that acts meanwhile).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { FIXERS } from '../../server/src/cli/commands/fix';
import type { Io } from '../../server/src/cli/io';
import { main } from '../../server/src/cli/main';
import { parseConfig } from '../../server/src/engine/config';
import { analyzeSource } from '../../server/src/engine/analyzeSource';

const CLI = resolve('dist/cli.js');
const CONV = resolve('examples/mobilenet_v1_conv.layers');
const run = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const temp = () => mkdtempSync(join(tmpdir(), 'layerlint-fix-'));
/** The text `fix --stdout` makes of mobilenet_v1_conv.layers. */
const fixedConv = () => run(['fix', CONV, '--stdout'], resolve('.')).stdout;
const inProcess = (cwd: string) => {
  let err = '';
  const io: Io = { out: () => {}, err: (s) => (err += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd };
  return { io, err: () => err };
};

test('fix writes through a symbolic link: the link stays, its target is fixed', () => {
  const dir = temp();
  mkdirSync(join(dir, 'real'));
  copyFileSync(CONV, join(dir, 'real', 'conv.layers'));
  symlinkSync(join('real', 'conv.layers'), join(dir, 'link.layers'));
  const r = run(['fix', 'link.layers'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(join(dir, 'link.layers')).isSymbolicLink());
  assert.equal(readFileSync(join(dir, 'real', 'conv.layers'), 'utf8'), fixedConv());
  assert.deepEqual(readdirSync(join(dir, 'real')), ['conv.layers']);
});

test('fix keeps mode and owner, refuses a read-only file, and goes on with the other files', () => {
  const dir = temp();
  for (const n of ['a.layers', 'b.layers', 'c.layers']) copyFileSync(CONV, join(dir, n));
  chmodSync(join(dir, 'a.layers'), 0o444);
  chmodSync(join(dir, 'b.layers'), 0o640);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(join(dir, 'c.layers'), 4321, 4322);
  const r = run(['fix', '.'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /refusing to change a\.layers: the file is read-only/);
  assert.match(r.stderr, /b\.layers: fixed 13 findings/);
  assert.match(r.stderr, /fixed 2 files \(26 findings\), refused 1, 0 unchanged/);
  assert.equal(readFileSync(join(dir, 'a.layers'), 'utf8'), readFileSync(CONV, 'utf8'));
  assert.equal(readFileSync(join(dir, 'b.layers'), 'utf8'), fixedConv());
  assert.equal(statSync(join(dir, 'b.layers')).mode & 0o7777, 0o640);
  if (asRoot)
    assert.deepEqual([statSync(join(dir, 'c.layers')).uid, statSync(join(dir, 'c.layers')).gid], [4321, 4322]);
  assert.deepEqual(readdirSync(dir).sort(), ['a.layers', 'b.layers', 'c.layers']);
});

test('fix refuses a file that changed between its read and its write, and keeps the change', () => {
  const dir = temp();
  const file = join(dir, 'conv.layers');
  copyFileSync(CONV, file);
  const edited = `${readFileSync(CONV, 'utf8')}# saved by an editor meanwhile\n`;
  const original = FIXERS['separable-conv']!;
  FIXERS['separable-conv'] = (doc) => {
    writeFileSync(file, edited);
    return original(doc);
  };
  try {
    const { io, err } = inProcess(dir);
    assert.equal(main(['fix', 'conv.layers'], io), 2);
    assert.match(err(), /refusing to change conv\.layers: it changed since it was read/);
    assert.equal(readFileSync(file, 'utf8'), edited);
    assert.deepEqual(readdirSync(dir), ['conv.layers']);
  } finally {
    FIXERS['separable-conv'] = original;
  }
});

test('two concurrent fixes of one file: one fixes it, the other fixes nothing or refuses', async () => {
  const dir = temp();
  copyFileSync(CONV, join(dir, 'conv.layers'));
  const once = () =>
    new Promise<string>((done) => {
      const p = spawn(process.execPath, [CLI, 'fix', 'conv.layers'], { cwd: dir });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('close', () => done(err));
    });
  const outcomes = await Promise.all([once(), once(), once()]);
  assert.equal(outcomes.filter((e) => /fixed 1 file/.test(e)).length, 1, outcomes.join('\n'));
  assert.equal(readFileSync(join(dir, 'conv.layers'), 'utf8'), fixedConv());
  assert.deepEqual(readdirSync(dir), ['conv.layers']);
});

test('fix fixes every finding, past the 1,000 a document shows, and counts what it fixed', () => {
  const dir = temp();
  const n = 1_200;
  const lines = ['network many', 'input 8x8x8'];
  for (let i = 0; i < n; i++) lines.push(`c${i}: conv 8 3x3 | bn | relu`);
  writeFileSync(join(dir, 'many.layers'), `${lines.join('\n')}\n`);
  const r = run(['fix', 'many.layers'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`fixed 1 file \\(${n} findings\\)`));
  const after = analyzeSource(readFileSync(join(dir, 'many.layers'), 'utf8'), 'many.layers');
  assert.equal(after.findings.filter((d) => d.code === 'separable-conv').length, 0);
  assert.equal(after.analysis.layers.filter((l) => l.layer.op.kind === 'dwconv').length, n);
});

test('fix refuses a file that is not UTF-8, in a dry run too, and leaves its bytes alone', () => {
  const dir = temp();
  const bytes = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\n'), readFileSync(CONV)]);
  writeFileSync(join(dir, 'latin1.layers'), bytes);
  for (const extra of [[], ['--dry-run']]) {
    const r = run(['fix', 'latin1.layers', ...extra], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /refusing to change latin1\.layers: it is not valid UTF-8/);
    assert.ok(readFileSync(join(dir, 'latin1.layers')).equals(bytes));
  }
});

test('rule names that are Object.prototype keys are unknown rules, on the command line and in config', () => {
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    const r = run(['fix', CONV, '--rule', name, '--dry-run'], resolve('.'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^layerlint: fix: unknown rule '${name}'\\n$`));
    const { config, errors } = parseConfig(JSON.parse(`{"rules": {"${name}": "off"}, "thresholds": {"${name}": 1}}`));
    assert.deepEqual(config, { rules: {}, thresholds: {} });
    assert.equal(errors.length, 2, name);
  }
});

test('a FIFO or a device named on the command line is refused without being read', () => {
  const dir = temp();
  const fifo = join(dir, 'pipe.layers');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    for (const cmd of ['check', 'report', 'fix']) {
      const r = run([cmd, fifo], dir);
      assert.equal(r.code, 2, cmd);
      assert.match(r.stderr, /not a regular file|a FIFO/, cmd);
    }
  }
  for (const cmd of ['check', 'estimate']) {
    const r = run([cmd, '/dev/zero'], dir);
    assert.equal(r.code, 2, cmd);
    assert.match(r.stderr, /not a regular file|a device/, cmd);
  }
});

test('a file too large to analyse is not read: one limit-exceeded finding, the other files checked', () => {
  const dir = temp();
  writeFileSync(join(dir, 'huge.layers'), '');
  truncateSync(join(dir, 'huge.layers'), 700_000_000); // sparse: no disk, no memory
  copyFileSync(CONV, join(dir, 'conv.layers'));
  const r = run(['check', '.', '--format', 'json'], dir);
  assert.equal(r.code, 1, r.stderr);
  const files = JSON.parse(r.stdout).files;
  const huge = files.find((f: { file: string }) => f.file === 'huge.layers');
  assert.deepEqual(
    huge.diagnostics.map((d: { code: string }) => d.code),
    ['limit-exceeded'],
  );
  assert.match(huge.diagnostics[0].message, /700,000,000 bytes/);
  assert.equal(huge.complete, false);
  assert.ok(files.find((f: { file: string }) => f.file === 'conv.layers').diagnostics.length > 0);
});

test('--verbose says which configuration each file gets', () => {
  const dir = temp();
  mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
  mkdirSync(join(dir, 'repo', 'sub'));
  writeFileSync(join(dir, 'layerlint.json'), '{"rules": {"separable-conv": "off"}}');
  writeFileSync(join(dir, 'repo', 'sub', 'layerlint.json'), '{}');
  copyFileSync(CONV, join(dir, 'repo', 'a.layers'));
  copyFileSync(CONV, join(dir, 'repo', 'sub', 'b.layers'));
  const r = run(['check', '.', '--verbose', '--format', 'json'], join(dir, 'repo'));
  assert.match(
    r.stderr,
    /^layerlint: a\.layers: no configuration file \(the search stopped at the repository root .*repo\)$/m,
  );
  assert.match(r.stderr, /^layerlint: sub\/b\.layers: configuration .*repo\/sub\/layerlint\.json$/m);
  // The config above the repository does not turn separable-conv off.
  const a = JSON.parse(r.stdout).files.find((f: { file: string }) => f.file === 'a.layers');
  assert.ok(a.diagnostics.some((d: { code: string }) => d.code === 'separable-conv'));
});

/** What a file of a generated fix run is. */
type Situation = 'plain' | 'link' | 'read-only' | 'latin-1' | 'foreign-owner' | 'clean';

test('fuzz: fix over generated folders of links, read-only, non-UTF-8, foreign-owned and clean files', () => {
  const asRoot = process.getuid?.() === 0;
  const situations: Situation[] = ['plain', 'link', 'read-only', 'latin-1', 'clean'];
  if (asRoot) situations.push('foreign-owner');
  const conv = readFileSync(CONV);
  const fixed = fixedConv();
  const clean = 'network n\ninput 8x8x8\nc: conv 8 1x1 | relu\n';
  let runs = 0;
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...situations), { minLength: 1, maxLength: 6 }), (kinds) => {
      runs++;
      const dir = temp();
      mkdirSync(join(dir, 'targets'));
      kinds.forEach((k, i) => {
        const f = join(dir, `f${i}.layers`);
        if (k === 'link') {
          writeFileSync(join(dir, 'targets', `t${i}.txt`), conv);
          symlinkSync(join('targets', `t${i}.txt`), f);
          return;
        }
        writeFileSync(
          f,
          k === 'latin-1' ? Buffer.concat([Buffer.from('# \xe9\n', 'latin1'), conv]) : k === 'clean' ? clean : conv,
        );
        if (k === 'read-only') chmodSync(f, 0o444);
        if (k === 'foreign-owner') chownSync(f, 4321, 4321);
      });
      const { io, err } = inProcess(dir);
      const code = main(['fix', ...kinds.map((_, i) => `f${i}.layers`)], io);
      const refusals = kinds.filter((k) => k === 'read-only' || k === 'latin-1').length;
      assert.equal(code, refusals ? 2 : 0, err());
      kinds.forEach((k, i) => {
        const f = join(dir, `f${i}.layers`);
        const now = readFileSync(f);
        if (k === 'read-only' || k === 'latin-1') {
          assert.match(err(), new RegExp(`refusing to change f${i}\\.layers: `));
          assert.ok(k === 'read-only' ? now.equals(conv) : now.subarray(4).equals(conv), k);
        } else if (k === 'clean') assert.equal(now.toString(), clean);
        else {
          assert.equal(now.toString(), fixed, k);
          assert.match(err(), new RegExp(`f${i}\\.layers: fixed 13 findings`));
        }
        if (k === 'link') assert.ok(lstatSync(f).isSymbolicLink());
        if (k === 'foreign-owner') assert.equal(statSync(f).uid, 4321);
      });
      assert.match(err(), /layerlint: fixed \d+ files? \(\d+ findings?\)/);
      const leftovers = readdirSync(dir).filter((n) => n.startsWith('.'));
      assert.deepEqual(leftovers, []);
    }),
    { seed: Number(process.env.PROPS_SEED ?? 20240611), numRuns: Number(process.env.FIX_FUZZ_RUNS ?? 25) },
  );
  assert.ok(runs > 0);
});
