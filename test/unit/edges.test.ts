// Figures at the edges (issue 16, item 6): resolution estimates of very small inputs, the
// shape in a non-positive-size message, budgets below one, fractional input sides and
// figures past 2^53. Each is exact under the documented convention, or an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { buildReport } from '../../server/src/report/model';
import { exact } from '../../server/src/core/format';
import { parseCount } from '../../server/src/formats/layers/values';
import { parseQuantity } from '../../server/src/engine/config';
import { main } from '../../server/src/cli/main';
import type { Io } from '../../server/src/cli/io';

const SMALL =
  'network small\ninput 20x20x3\nc1: conv 8 3x3 stride=2 | relu\nc2: conv 16 3x3 stride=2 | relu\nc3: conv 16 3x3 stride=2 padding=valid\n';

function cli(args: string[], files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-edges-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  let out = '',
    err = '';
  const io: Io = {
    out: (s) => (out += s),
    err: (s) => (err += s),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: dir,
  };
  return { code: main(args, io), out, err };
}

test('resolution estimates of a small input: the file side first, smaller sides that analyse, none twice', () => {
  const doc = analyzeSource(SMALL, 's.layers');
  const sides = buildReport(doc, 's.layers').estimates.resolution.map((e) => e.input);
  assert.equal(sides[0], 20);
  assert.equal(new Set(sides).size, sides.length);
  assert.ok(sides.every((s) => s <= 20));
  // `estimate` shows the same sides as the report.
  const r = cli(['estimate', 's.layers', '--format', 'json', '--width', '1'], { 's.layers': SMALL });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out).sides, sides);
});

test('non-positive-size names the axes instead of printing a negative shape', () => {
  const doc = analyzeSource('input 4x4x3\na: conv 8 7x7 padding=valid\n', 'a.layers');
  const d = doc.diagnostics.find((x) => x.code === 'non-positive-size')!;
  assert.equal(
    d.message,
    'conv on a 4x4 input gives no output: its height and width would be less than 1 (the window does not fit).',
  );
});

test('counts are whole and exact: a budget below one, a fraction or a figure past 2^53 is an error', () => {
  assert.deepEqual(parseCount('4.2M'), { ok: true, value: 4_200_000 });
  assert.deepEqual(parseCount('1.50K'), { ok: true, value: 1_500 });
  assert.deepEqual(parseCount('1.0'), { ok: true, value: 1 });
  for (const bad of ['0.4', '1.2345K', '99999999999999999999', '10000T']) assert.equal(parseCount(bad).ok, false, bad);
  assert.equal(typeof parseQuantity(0.4), 'string');
  assert.equal(typeof parseQuantity(2 ** 60), 'string');
  const doc = analyzeSource('input 8x8x3\nbudget macs=0.4\nc: conv 8 3x3\n', 'b.layers');
  assert.ok(doc.diagnostics.some((d) => d.code === 'invalid-value' && /whole count/.test(d.message)));
  assert.ok(!doc.diagnostics.some((d) => d.code === 'over-budget'));
  const r = cli(['check', 'b.layers', '--max-macs', '0.4'], { 'b.layers': 'input 8x8x3\nc: conv 8 3x3\n' });
  assert.equal(r.code, 2);
  assert.match(r.err, /--max-macs: '0\.4' is not a whole count/);
});

test('--resolution takes whole sides: 2.5 is an error, not rounded', () => {
  for (const cmd of [['report'], ['estimate'], ['check']]) {
    const r = cli([...cmd, 's.layers', '--resolution', '2.5'], { 's.layers': SMALL });
    assert.equal(r.code, 2, cmd[0]);
    assert.match(r.err, /--resolution must be a whole number from 1 to 1000000, not '2\.5'/);
  }
});

test('a figure past 2^53 is never quoted with digits it does not have', () => {
  assert.equal(exact(2 ** 53 - 1), '9,007,199,254,740,991');
  assert.equal(exact(1e20), '≈1.000e+20 (past 2^53, not exact)');
  assert.equal(exact(0.75), '0.75');
});
