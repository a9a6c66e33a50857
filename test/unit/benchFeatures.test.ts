// Lenses and hover with a measurement (`layerlint.bench`, docs/latency.md#in-the-editor), on a
// fake bench report: where the server cannot measure nothing is offered; before a run the
// network line offers it; a current measurement shows the network median and each line's
// kernels, labelled measured, beside the estimate labelled estimated; after an edit only the
// network median, marked stale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens } from 'vscode-languageserver';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import type { BenchReport } from '../../server/src/engine/bench';
import { codeLenses, LineLensSets, resolveCodeLens } from '../../server/src/lsp/features/codeLens';
import { makeFeatureDoc, type FeatureDoc } from '../../server/src/lsp/features/context';
import { hover } from '../../server/src/lsp/features/hover';
import type { Measurement } from '../../server/src/lsp/features/measured';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';

const NET = 'network n\ninput 32x32x16\nc1: conv 32 3x3 | bn | relu\np: conv 64 1x1\nf: fc 10\n';

/** A bench report for `text` as the bench child would send it: c1's kernel (with its BN and ReLU), p's and f's. */
function fakeReport(text: string): BenchReport {
  const a = analyzeSource(text, 'n.layers').analysis;
  const row = (name: string, line: number, measuredMs: number) => {
    const l = a.layers.find((x) => x.layer.name === name)!;
    return { index: l.layer.index, name, line, macs: l.macs, measuredMs };
  };
  return {
    file: 'n.layers',
    network: 'n',
    runtime: 'onnxruntime-node 1.30.0',
    threads: 1,
    warmup: 3,
    repeats: 10,
    medianMs: 1.84,
    minMs: 1.7,
    maxMs: 2.31,
    cpuMedianMs: 1.8,
    cpuMinMs: 1.69,
    kernelsPerRun: 3,
    layers: [row('c1', 3, 0.812), row('p', 4, 0.25), row('f', 5, 0.0123)],
    otherMs: 0,
  };
}

const measurement = (text: string, id = 1): Measurement => ({ id, text, report: fakeReport(text) });

function docWith(text: string, m?: () => Measurement | undefined, settings = DEFAULT_SETTINGS) {
  return makeFeatureDoc(
    analyzeSource(text, 'n.layers', settings.target ? { defaultTarget: settings.target } : {}),
    'file:///n.layers',
    1,
    settings,
    m,
  );
}

/** Every lens of a version, resolved on it (the per-line lenses come as ranges and data). */
const LENS_SETS = new LineLensSets();
const resolvedLenses = (doc: FeatureDoc) => codeLenses(doc, LENS_SETS).map((l) => resolveCodeLens(doc, l, LENS_SETS));
const titlesOn = (lenses: CodeLens[], line: number) =>
  lenses.filter((l) => l.range.start.line === line && l.command).map((l) => l.command!.title);
const hoverText = (doc: ReturnType<typeof docWith>, line: number, character: number) =>
  (hover(doc, { line, character })!.contents as { value: string }).value;

test('where the server cannot measure (the browser): no bench lens, nothing measured', () => {
  const doc = docWith(NET);
  const lenses = resolvedLenses(doc);
  assert.ok(!lenses.some((l) => l.command?.command === 'layerlint.bench'));
  assert.ok(!lenses.some((l) => l.command?.title.includes('easure')));
  assert.doesNotMatch(hoverText(doc, 2, 5), /Measured/);
});

test('before a run: the network line offers the measurement; no line claims a measured time', () => {
  const doc = docWith(NET, () => undefined);
  const lenses = resolvedLenses(doc);
  const offer = lenses.find((l) => l.command?.command === 'layerlint.bench')!;
  assert.deepEqual(
    [offer.range.start.line, offer.command!.title, offer.command!.arguments],
    [0, 'Measure latency on this machine', ['file:///n.layers']],
  );
  assert.ok(!lenses.some((l) => l.command?.title.includes('measured')));
  assert.doesNotMatch(hoverText(doc, 2, 5), /Measured/);
});

test('a current measurement: the network median with where and how, each line its kernels, hover labelled measured', () => {
  const doc = docWith(NET, () => measurement(NET));
  const lenses = resolvedLenses(doc);
  const bench = lenses.find((l) => l.command?.command === 'layerlint.bench')!;
  assert.equal(
    bench.command!.title,
    'measured 1.84 ms on this machine, 1 thread, median of 10 (spread 1.70 ms – 2.31 ms)',
  );
  assert.deepEqual(titlesOn(lenses, 2), [
    '4.72M MACs (63.2%) · 4.61K params · measured 0.812 ms · separable: 671.7K, -85.8%',
    'Make depthwise-separable',
  ]);
  assert.match(titlesOn(lenses, 3)[0]!, / · measured 0\.250 ms$/);
  assert.match(titlesOn(lenses, 4)[0]!, / · measured 0\.0123 ms$/);
  const c1 = hoverText(doc, 2, 5);
  assert.match(
    c1,
    /\n\*\*Measured\*\* 0\.812 ms on this machine, 1 thread, median of 10, onnxruntime-node 1\.30\.0 \(with what ONNX Runtime fused into its kernel\)$/,
  );
  // The BN on c1's line has no kernel of its own: said, not given a time.
  const bn = doc.analysis.layers.find((l) => l.layer.op.kind === 'bn')!;
  const bnAt = doc.lines.positionAt(bn.layer.span.start);
  assert.match(hoverText(doc, bnAt.line, bnAt.character + 1), /\*\*Measured\*\* on this machine: no kernel of its own/);
  assert.match(
    hoverText(doc, 0, 9),
    /\| measured \| measured 1\.84 ms on this machine, 1 thread, median of 10 \(spread 1\.70 ms – 2\.31 ms\), onnxruntime-node 1\.30\.0 \|/,
  );
});

test('with a target: the estimate stays beside the measured time, labelled estimated', () => {
  const settings = { ...DEFAULT_SETTINGS, target: 'xeon-1t' };
  const doc = docWith(NET, () => measurement(NET), settings);
  const line = titlesOn(resolvedLenses(doc), 3)[0]!;
  assert.match(line, / · measured 0\.250 ms · estimated ~[\d.]+ ms on xeon-1t$/);
  const h = hoverText(doc, 3, 5);
  assert.match(h, /\*\*Measured\*\* 0\.250 ms on this machine/);
  assert.match(h, /\*\*Latency\*\* on `xeon-1t`: ~[\d.]+ ms \(estimated, /);
  // Without a measurement the estimate lens reads as before.
  assert.match(titlesOn(resolvedLenses(docWith(NET, () => undefined, settings)), 3)[0]!, / · ~[\d.]+ ms$/);
});

test('after an edit: only the whole-network median, marked stale; per-layer times are dropped', () => {
  const edited = NET.replace('fc 10', 'fc 20');
  const doc = docWith(edited, () => measurement(NET));
  const lenses = resolvedLenses(doc);
  assert.equal(
    lenses.find((l) => l.command?.command === 'layerlint.bench')!.command!.title,
    'measured 1.84 ms before your last edit (1 thread)',
  );
  assert.ok(!lenses.some((l) => l.range.start.line > 0 && l.command?.title.includes('measured')));
  assert.match(hoverText(doc, 2, 5), /_Measured before your last edit: measure again for per-layer times\._/);
  assert.doesNotMatch(hoverText(doc, 2, 5), /0\.812/);
  assert.match(hoverText(doc, 0, 9), /\| measured \| measured 1\.84 ms before your last edit \(1 thread\) \|/);
});

test('a measurement that arrives for an analysed version replaces the lenses computed before it', () => {
  let m: Measurement | undefined;
  const doc = docWith(NET, () => m);
  assert.ok(resolvedLenses(doc).some((l) => l.command?.title === 'Measure latency on this machine'));
  m = measurement(NET, 7);
  assert.ok(resolvedLenses(doc).some((l) => l.command?.title.startsWith('measured 1.84 ms on this machine')));
  m = { ...measurement(NET, 8), report: { ...fakeReport(NET), medianMs: 2.5 } };
  assert.ok(resolvedLenses(doc).some((l) => l.command?.title.startsWith('measured 2.50 ms on this machine')));
});

test("a repeated op: the sum of its iterations' measured kernels", () => {
  const text = 'network r\ninput 16x16x8\nrepeat 2 conv 8 3x3\nf: fc 4\n';
  const doc0 = analyzeSource(text, 'r.layers');
  const convs = doc0.analysis.layers.filter((l) => l.layer.op.kind === 'conv');
  assert.equal(convs.length, 2);
  const report: BenchReport = {
    ...fakeReport(NET),
    layers: convs.map((l, i) => ({
      index: l.layer.index,
      name: l.layer.name,
      line: 3,
      macs: l.macs,
      measuredMs: 0.1 + i * 0.05,
    })),
  };
  const doc = makeFeatureDoc(doc0, 'file:///r.layers', 1, DEFAULT_SETTINGS, () => ({ id: 1, text, report }));
  const h = hoverText(doc, 2, 10);
  assert.match(h, /× 2 \(repeated\)/);
  assert.match(
    h,
    /\*\*Measured\*\* 0\.250 ms on this machine, 1 thread, median of 10, onnxruntime-node 1\.30\.0 \(the kernels of these 2 layers\)/,
  );
  assert.match(titlesOn(resolvedLenses(doc), 2)[0]!, /\(×2\) · 1\.17K params · measured 0\.250 ms · separable/);
});

test('the same text analysed into other layers (a setting changed the network): stale, no per-layer times', () => {
  const m = measurement(NET);
  const other: Measurement = {
    ...m,
    report: { ...m.report, layers: m.report.layers.map((row) => ({ ...row, macs: row.macs / 4 })) },
  };
  const doc = docWith(NET, () => other);
  const lenses = resolvedLenses(doc);
  assert.ok(lenses.some((l) => l.command?.title === 'measured 1.84 ms before your last edit (1 thread)'));
  assert.ok(!lenses.some((l) => l.range.start.line > 0 && l.command?.title.includes('measured')));
});
