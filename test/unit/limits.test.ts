// Hostile inputs end in a clear diagnostic, not a hang, a crash or an out-of-memory
// (core/limits.ts, docs/reliability.md). Each case asserts the code and that analysis
// finishes; the time bound is a generous safety net, not a performance target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { buildReport } from '../../server/src/report/model';
import { LIMITS } from '../../server/src/core/limits';

const BOUND_MS = 30_000;

function analyse(text: string) {
  const started = Date.now();
  const doc = analyzeSource(text, 'limits.layers');
  const report = buildReport(doc, 'limits.layers');
  const ms = Date.now() - started;
  assert.ok(ms < BOUND_MS, `took ${ms} ms`);
  assert.doesNotMatch(JSON.stringify(report.totals), /null/, 'totals stay finite');
  return { doc, codes: doc.diagnostics.map((d) => d.code) };
}

const block = (name: string, body: string, params = '') => `block ${name}${params} {\n  ${body}\n}\n`;

test('repeat 1000000000: limit-exceeded on the count, nothing unrolled', () => {
  const { doc, codes } = analyse('input 8x8x3\nrepeat 1000000000 {\n  conv 8 3x3\n}\n');
  assert.deepEqual(codes, ['limit-exceeded']);
  assert.equal(doc.analysis.layers.length, 0);
});

test('nested repeats that multiply out to a million layers stop at the layer limit', () => {
  const { doc, codes } = analyse('input 8x8x3\nrepeat 1000 {\n  repeat 1000 {\n    relu\n  }\n}\n');
  assert.deepEqual(codes, ['limit-exceeded']);
  assert.equal(doc.analysis.layers.length, LIMITS.maxLayers);
});

test('nested repeats of nothing, or of a failing op, stop at the step limit (no hang)', () => {
  assert.deepEqual(analyse('input 8x8x3\nrepeat 100000 {\n  repeat 100000 {\n  }\n}\n').codes, ['limit-exceeded']);
  const failing = analyse('input 8x8x3\nrepeat 100000 {\n  repeat 100000 {\n    foo\n  }\n}\n').codes;
  assert.deepEqual(
    failing.sort(),
    ['limit-exceeded', 'unknown-op'],
    'the unknown op is reported once, not 10^10 times',
  );
});

test('a repeated error is reported once per place', () => {
  assert.deepEqual(analyse('input 8x8x3\nrepeat 3 {\n  conv 8 3x3 strid=2\n}\n').codes, ['unknown-option']);
});

test('a block that uses itself, directly or through another block, is recursive-block', () => {
  assert.deepEqual(analyse(`input 8x8x3\n${block('a', 'a')}x: a\n`).codes, ['recursive-block']);
  assert.deepEqual(analyse(`input 8x8x3\n${block('a', 'b')}${block('b', 'relu | a')}x: a\n`).codes, [
    'recursive-block',
  ]);
});

test('blocks that double 40 times (2^40 uses) stop at the step limit', () => {
  const defs = Array.from({ length: 40 }, (_, i) => block(`b${i}`, `b${i + 1} | b${i + 1}`)).join('');
  assert.ok(analyse(`input 8x8x3\n${defs}${block('b40', 'relu')}x: b0\n`).codes.includes('limit-exceeded'));
});

test('totals past 2^53 are cost-overflow, and stay finite numbers', () => {
  const { doc, codes } = analyse('input 10000x10000x1000\nc: conv 10000 11x11\n');
  assert.ok(codes.includes('cost-overflow'));
  assert.ok(doc.analysis.totals.macs > Number.MAX_SAFE_INTEGER && Number.isFinite(doc.analysis.totals.macs));
});

test('a tensor past 2^53 elements is limit-exceeded, so no figure becomes Infinity', () => {
  const { codes } = analyse(`input 1000000x1000000x1000000\n${'upsample 1000000\n'.repeat(60)}`);
  assert.ok(codes.includes('limit-exceeded'));
  assert.ok(!codes.includes('non-positive-size'));
});

test('input sizes, batch, divisor, resolution and padding above 1,000,000 are invalid-value', () => {
  assert.deepEqual(analyse('input 99999999999999999999x1x1\n').codes, ['invalid-value']);
  assert.deepEqual(analyse('input 8x8x3 batch=1e300\n').codes, ['invalid-value']);
  assert.deepEqual(analyse('input 8x8x3\nwidth 0.5 divisor=1e300\n').codes, ['invalid-value']);
  assert.deepEqual(analyse('input 8x8x3\nresolution 1000001\n').codes, ['invalid-value']);
  assert.deepEqual(analyse('input 8x8x3\nconv 8 3x3 padding=1x9999999\n').codes, ['invalid-value']);
});

test('deeply nested or very long expressions are invalid-value, not a stack overflow', () => {
  const deep = `input 8x8x3\n${block('b', `conv ${'('.repeat(30000)}c${')'.repeat(30000)} 3x3`, ' c')}x: b 8\n`;
  assert.deepEqual(analyse(deep).codes, ['invalid-value']);
  const long = `input 8x8x3\n${block('b', `conv c${'+1'.repeat(50000)} 3x3`, ' c')}x: b 8\n`;
  assert.deepEqual(analyse(long).codes, ['invalid-value']);
});

test('a 10 MB file is not analysed: one limit-exceeded at the start', () => {
  const text = `input 224x224x3\n${'conv 8 3x3 | bn | relu\n'.repeat(460_000)}`;
  assert.ok(text.length > 10_000_000);
  const { doc } = analyse(text);
  assert.deepEqual(
    doc.diagnostics.map((d) => [d.code, d.span.start]),
    [['limit-exceeded', 0]],
  );
});

test('a 100,000-character line gets one diagnostic with a clipped message', () => {
  const { doc, codes } = analyse(`input 8x8x3\n${'x'.repeat(100_000)}\n`);
  assert.deepEqual(codes, ['unknown-op']);
  assert.ok(doc.diagnostics[0]!.message.length <= LIMITS.maxMessageLength);
});

test('a chain of 20,000 ops stays linear (unique names)', () => {
  const { doc } = analyse(`input 8x8x3\nc: ${Array.from({ length: 20_000 }, () => 'relu').join(' | ')}\n`);
  assert.equal(doc.analysis.layers.length, 20_000);
  assert.equal(doc.analysis.layers.at(-1)!.layer.name, 'c/relu_19999');
});

test('more than 1,000 diagnostics: the first 1,000 and one note that counts the rest', () => {
  const { doc } = analyse(`input 8x8x3\n${'foo\n'.repeat(1500)}`);
  assert.equal(doc.diagnostics.length, LIMITS.maxDiagnostics + 1);
  const last = doc.diagnostics.at(-1)!;
  assert.equal(last.code, 'limit-exceeded');
  assert.equal(last.severity, 'info');
  assert.match(last.message, /^500 more diagnostics/);
});

test('a network cut off at the layer limit is incomplete in every format: its totals cover the layers read only', () => {
  const n = LIMITS.maxLayers + 1;
  const files: [string, string][] = [
    ['cut.layers', `input 8x8x3\nrepeat ${n} conv 8 1x1\n`],
    ['cut.cfg', `[net]\nwidth=8\nheight=8\nchannels=3\n${'[convolutional]\nfilters=8\nsize=1\n'.repeat(n)}`],
    [
      'cut.prototxt',
      `input: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n${Array.from(
        { length: n },
        (_, i) =>
          `layer { name: "c${i}" type: "Convolution" bottom: "${i ? `c${i - 1}` : 'data'}" top: "c${i}" convolution_param { num_output: 8 kernel_size: 1 } }\n`,
      ).join('')}`,
    ],
  ];
  for (const [file, text] of files) {
    const doc = analyzeSource(text, file);
    assert.ok(
      doc.diagnostics.some((d) => d.code === 'limit-exceeded' && d.severity === 'error'),
      file,
    );
    assert.equal(doc.analysis.complete, false, file);
    assert.equal(buildReport(doc, file).complete, false, file);
  }
});
