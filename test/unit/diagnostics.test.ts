// Bad input gets one clear diagnostic at the right range, and the rest of the file is
// still analysed. Each fixture marks the expected range with ⟦…⟧.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { parseMarkers } from '../helpers/markers';

function check(fixture: string, code: string, message?: RegExp) {
  const { text, ranges } = parseMarkers(fixture);
  const doc = analyzeSource(text, 'test.layers');
  const found = doc.diagnostics.filter((d) => d.code === code);
  assert.deepEqual(
    found.map((d) => d.span),
    ranges,
    `${code} ranges; got ${JSON.stringify(doc.diagnostics.map((d) => [d.code, d.message]))}`,
  );
  if (message) assert.match(found[0]!.message, message);
  return doc;
}

test('malformed line: one syntax error at the bad token, next lines analysed', () => {
  const doc = check(
    'input 32x32x3\na: conv 16 3x3 | bn\nb: conv 16 3x3 ⟦|⟧\nc: conv 32 1x1 | relu\n',
    'syntax-error',
    /cannot end with '\|'/,
  );
  assert.equal(doc.analysis.layers.find((l) => l.layer.name === 'c')!.output!.join('x'), '32x32x32');
  assert.equal(doc.analysis.totals.macs, 32 * 32 * 16 * 3 * 9 + 32 * 32 * 32 * 16);
});

test('unknown op: diagnostic on the keyword, op skipped', () => {
  const doc = check('input 8x8x4\na: conv 8 1x1 | ⟦relx⟧\nb: fc 10\n', 'unknown-op', /Unknown op 'relx'/);
  assert.equal(doc.analysis.layers.find((l) => l.layer.name === 'b')!.output!.join('x'), '1x1x10');
});

test('shape mismatch in a merge: on the merge op', () => {
  check(
    'input 8x8x4\na: conv 8 1x1\nb: conv 16 1x1 from=a\nc: ⟦add a b⟧\nd: fc 10 from=a\n',
    'shape-mismatch',
    /8x8x8 vs 8x8x16/,
  );
});

test('unknown name and forward reference: on the name', () => {
  check('input 8x8x4\na: conv 8 1x1 from=⟦nope⟧\n', 'unknown-name', /No layer named 'nope'/);
  check('input 8x8x4\na: conv 8 1x1 from=⟦b⟧\nb: conv 8 1x1\n', 'forward-reference', /defined later/);
});

test('invalid values and unknown options: on the value or key', () => {
  check('input 8x8x4\na: conv ⟦x⟧ 3x3\n', 'invalid-value', /expected a positive integer/);
  check('input 8x8x4\na: conv 8 3x3 ⟦strid⟧=2\n', 'unknown-option', /no option 'strid'/);
  check('input 8x8x4\na: conv 8 3x3 stride=⟦0⟧\n', 'invalid-value');
});

test('duplicate names, recursive blocks, missing input', () => {
  check('input 8x8x4\na: conv 8 1x1\n⟦a⟧: conv 8 1x1\n', 'duplicate-name');
  check('input 8x8x4\nblock loop c {\n  ⟦loop⟧ c\n}\nx: loop 4\n', 'recursive-block', /loop → loop/);
  check('⟦⟧a: conv 8 1x1\n', 'missing-input');
});

test('a window that does not fit gives non-positive-size, and downstream stays silent', () => {
  const doc = check(
    'input 4x4x3\na: ⟦conv 8 7x7 padding=valid⟧\nb: conv 8 7x7 padding=valid\n',
    'non-positive-size',
    /gives no output: its height and width would be less than 1/,
  );
  assert.equal(doc.analysis.complete, false);
  assert.ok(!doc.analysis.layers.some((l) => Number.isNaN(l.macs)));
});

test('groups must divide channels', () => {
  check('input 8x8x6\na: ⟦conv 8 3x3 groups=4⟧\n', 'channel-mismatch', /groups=4/);
});

test('limits: huge repeat counts are refused without unrolling', () => {
  check('input 8x8x4\nrepeat ⟦1000000000⟧ conv 8 1x1\n', 'limit-exceeded', /above the limit/);
});

test('unclosed and stray braces', () => {
  check('input 8x8x4\n⟦repeat⟧ 2 {\n  conv 8 1x1\n', 'syntax-error', /never closed/);
  check('input 8x8x4\n⟦}⟧\n', 'syntax-error', /Unmatched/);
});

test('suppression comments silence a code on the next line only', () => {
  const src =
    'input 8x8x16\n# layerlint-disable-next-line separable-conv\na: conv 16 3x3 | bn | relu\nb: conv 16 3x3 | bn | relu\n';
  const doc = analyzeSource(src, 't.layers');
  const lines = doc.diagnostics
    .filter((d) => d.code === 'separable-conv')
    .map((d) => src.slice(0, d.span.start).split('\n').length);
  assert.deepEqual(lines, [4]);
});
