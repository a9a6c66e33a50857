// Lowering shares one checked op among all nodes with the same op text; these tests pin
// that sharing never changes what a layer is or which diagnostics are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine/analyzeSource';

const analyze = (text: string) => analyzeSource(text, 't.layers');

test('the same conv text keeps a per-layer bias: none before a bn, one before a relu', () => {
  const { analysis } = analyze('network t\ninput 8x8x8\nconv 16 3x3 | bn\nconv 16 3x3 | relu\nconv 16 3x3 | bn\n');
  const convs = analysis.layers.filter((l) => l.layer.op.kind === 'conv');
  assert.deepEqual(
    convs.map((l) => l.params),
    [3 * 3 * 8 * 16, 3 * 3 * 16 * 16 + 16, 3 * 3 * 16 * 16],
  );
  // Instances of one text share one op object per bias decision.
  assert.equal(convs[0]!.layer.op, convs[2]!.layer.op);
  assert.notEqual(convs[1]!.layer.op, convs[2]!.layer.op);
});

test("'from=' on a later op of a chain is reported even when the same text lowered cleanly as a first op", () => {
  const { diagnostics } = analyze(
    'network t\ninput 8x8x8\na: conv 8 3x3\nconv 8 3x3 from=a\nrelu | conv 8 3x3 from=a\n',
  );
  const bad = diagnostics.filter((d) => d.code === 'invalid-value');
  assert.equal(bad.length, 1);
  assert.match(bad[0]!.message, /first op of a chain/);
});

test("ops that differ only in a first op's 'from=' share one check, and each layer reads the layer it names", () => {
  const { analysis, diagnostics } = analyze(
    'network t\ninput 8x8x8\na: conv 8 1x1\nb: conv 4 1x1\nconv 16 3x3 from=a | relu\nconv 16 3x3 from=b | relu\nconv 16 3x3 from=nothere\n',
  );
  const convs = analysis.layers.filter((l) => l.layer.op.kind === 'conv').slice(2, 4);
  assert.deepEqual(
    convs.map((l) => l.layer.inputs),
    [[0], [1]],
  );
  assert.deepEqual(
    convs.map((l) => l.inputs![0]![2]),
    [8, 4],
  );
  assert.equal(convs[0]!.layer.op, convs[1]!.layer.op);
  // The unknown name is still reported, on its own word.
  const unknown = diagnostics.filter((d) => d.code === 'unknown-name');
  assert.equal(unknown.length, 1);
  assert.match(unknown[0]!.message, /nothere/);
});

test('a repeated node reported once does not make the same text elsewhere look clean', () => {
  const text = 'network t\ninput 8x8x8\nrepeat 2 conv 8 3x3 stride=1 stride=1\nconv 8 3x3 stride=1 stride=1\n';
  const twice = analyze(text).diagnostics.filter((d) => /given twice/.test(d.message));
  assert.equal(twice.length, 2);
  assert.notEqual(twice[0]!.span.start, twice[1]!.span.start);
});

test('ops whose arguments use block parameters are checked per invocation', () => {
  const { analysis, diagnostics } = analyze('network t\ninput 8x8x8\nblock b c {\n  conv c 1x1\n}\nb 16\nb 24\n');
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual(
    analysis.layers.map((l) => l.output?.[2]),
    [16, 24],
  );
});

test('unnamed statements get names from their first op and rank, which lines moving does not change', () => {
  const text = 'network t\ninput 8x8x8\nrepeat 2 {\n  dwconv 3x3 | bn\n  conv 8 1x1\n}\nconv 8 1x1\n';
  const names = (t: string) => analyzeSource(t, 't.layers').analysis.graph.layers.map((l) => l.name);
  const expected = ['dwconv.1#1', 'dwconv.1/bn#1', 'conv.1#1', 'dwconv.1#2', 'dwconv.1/bn#2', 'conv.1#2', 'conv.2'];
  assert.deepEqual(names(text), expected);
  assert.deepEqual(names(text.replace('repeat 2', '# five blocks\n\nrepeat 2')), expected);
});
