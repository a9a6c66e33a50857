// Incremental re-analysis (engine.ts reanalyzeSource, formats/layers/incremental.ts) must give
// exactly what a full analysis of the new text gives: these tests edit real files step by
// step and compare every figure, span, name and diagnostic with a from-scratch analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  analyzeSource,
  reanalyzeSource,
  updateSource,
  type DocumentAnalysis,
} from '../../server/src/engine/analyzeSource';
import { generateLayers } from '../../bench/generate';
import { analysisView } from '../helpers/analysisView';
import { rng } from '../helpers/random';

const FILE = 'net.layers';

/** Applies `edit` to the text, re-analyses incrementally and compares with a full analysis. */
function step(prev: DocumentAnalysis, next: string): { result: DocumentAnalysis; incremental: boolean } {
  const incremental = updateSource(prev, next, FILE) !== undefined;
  // updateSource may have updated `prev` in place: start again from a fresh previous analysis.
  const base = analyzeSource(prev.text, FILE);
  // Layer names are computed on first read (a name with those before it) and kept by an
  // update: read them all first half of the time, the first half of them a quarter of the
  // time, so every path is compared.
  const layers = base.analysis.graph.layers;
  if (next.length % 2) layers.forEach((l) => l.name);
  else if (next.length % 4 === 2) void layers[layers.length >> 1]?.name;
  const result = reanalyzeSource(base, next, FILE);
  assert.deepEqual(analysisView(result), analysisView(analyzeSource(next, FILE)));
  return { result, incremental };
}

const replaceAt = (text: string, at: number, remove: number, insert: string) =>
  text.slice(0, at) + insert + text.slice(at + remove);

test('a channel count changed on one line: only that line is re-checked, every other layer object is kept', () => {
  const text = generateLayers(1_000);
  const prev = analyzeSource(text, FILE);
  const before = prev.analysis.graph.layers.slice();
  const at = text.indexOf('conv 32 1x1') + 'conv '.length;
  const next = replaceAt(text, at, 2, '48');
  const updated = updateSource(prev, next, FILE);
  assert.ok(updated, 'the edit is handled incrementally');
  // The edited statement is `conv 32 1x1 from=... | relu`: two layers.
  const kept = updated.analysis.graph.layers.filter((l, i) => l === before[i]).length;
  assert.equal(kept, before.length - 2);
  assert.deepEqual(analysisView(updated), analysisView(analyzeSource(next, FILE)));
});

test('a comment line inserted at the top shifts every span, line-based name and diagnostic below it', () => {
  const text = readFileSync('examples/mobilenet_v1_conv.layers', 'utf8');
  const first = text.indexOf('\nconv') + 1;
  const { incremental } = step(analyzeSource(text, FILE), replaceAt(text, first, 0, '# a note\n'));
  assert.equal(incremental, true);
});

test('CRLF files: channel edits and inserted lines update incrementally, with the same result', () => {
  let text = readFileSync('examples/mobilenet_v1.layers', 'utf8').replace(/\r?\n/g, '\r\n');
  let doc = analyzeSource(text, FILE);
  const at = text.indexOf('conv 64') + 'conv '.length;
  for (const next of [replaceAt(text, at, 2, '48'), replaceAt(text, text.indexOf('\r\n', at) + 2, 0, '# note\r\n')]) {
    const r = step(doc, next);
    assert.equal(r.incremental, true);
    doc = r.result;
    text = next;
  }
});

test('names of unnamed statements stay when a statement moves to another line', () => {
  const text = 'network t\ninput 8x8x8\n# c\nconv 8 3x3\nrelu\n';
  const next = 'network t\ninput 8x8x8\nconv 8 3x3\n# c\nrelu\n';
  const prev = analyzeSource(text, FILE);
  assert.deepEqual(
    prev.analysis.graph.layers.map((l) => l.name),
    ['conv.1', 'relu.1'],
  );
  const updated = updateSource(prev, next, FILE);
  assert.ok(updated);
  assert.deepEqual(
    updated.analysis.graph.layers.map((l) => l.name),
    ['conv.1', 'relu.1'],
  );
});

test('names read up to one layer, then an unnamed statement edited: later names as a full analysis gives them', () => {
  // No finding names a layer, so only the names read here are computed.
  const text = 'input 8x8x4\nconv 8 1x1 | relu\nconv 8 1x1 | bn\nconv 8 1x1 | relu\n';
  const prev = analyzeSource(text, FILE);
  // Names layer 0 only: its statement is given `conv.1`, the chain's second layer is not named yet.
  assert.equal(prev.analysis.graph.layers[0]!.name, 'conv.1');
  const next = replaceAt(text, text.indexOf('8 1x1'), 1, '16');
  const updated = updateSource(prev, next, FILE);
  assert.ok(updated, 'the edit is handled incrementally');
  const names = updated.analysis.graph.layers.map((l) => l.name);
  assert.deepEqual(names, ['conv.1', 'conv.1/relu', 'conv.2', 'conv.2/bn', 'conv.3', 'conv.3/relu']);
  assert.deepEqual(
    names,
    analyzeSource(next, FILE).analysis.graph.layers.map((l) => l.name),
  );
});

test('a comment line inserted after a blank line is incremental', () => {
  const text = 'network t\ninput 8x8x8\nconv 8 3x3 | relu\n\nconv 8 3x3\n';
  const at = text.indexOf('\n\n') + 2;
  assert.equal(step(analyzeSource(text, FILE), replaceAt(text, at, 0, '# c\n')).incremental, true);
});

test('a deleted line break joins lines: never taken as the old lines moved', () => {
  const lf = 'network t\ninput 8x8x8\n# note\nconv 8 3x3 | relu\nconv 8 3x3\nrelu\n';
  const crlf = lf.replace(/\n/g, '\r\n');
  for (const [text, at] of [
    [lf, lf.indexOf('3x3\nrelu') + 3],
    [crlf, crlf.indexOf('# note') + 7],
    [lf, lf.indexOf('# note') + 6],
  ] as const) {
    const next = replaceAt(text, at, 1, '');
    const { incremental } = step(analyzeSource(text, FILE), next);
    assert.equal(incremental, false, JSON.stringify(next));
  }
});

test('edits that change the structure are analysed from scratch, with the same result', () => {
  const text = readFileSync('examples/resnet18.layers', 'utf8');
  const prev = analyzeSource(text, FILE);
  const line = text.indexOf('\n', text.indexOf('maxpool')) + 1;
  // A new layer line, a directive edited, a block edited: all full analyses.
  for (const next of [
    replaceAt(text, line, 0, 'relu\n'),
    text.replace('input 224x224x3', 'input 192x192x3'),
    text.replace(/conv (\w+) 3x3/, 'conv $1 5x5'),
  ]) {
    const full = step(prev, next);
    assert.equal(updateSource(analyzeSource(text, FILE), next, FILE) === undefined || full.incremental, true);
  }
  assert.equal(updateSource(analyzeSource(text, FILE), replaceAt(text, line, 0, 'relu\n'), FILE), undefined);
});

/** One edit of the kinds a person makes, and some that break things. */
function randomEdit(text: string, rand: () => number): string {
  const at = Math.floor(rand() * text.length);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const digits = /\d+/.exec(text.slice(at));
  const edits = [
    // a number typed over (channel counts, kernels, strides), sometimes to an invalid one
    () =>
      digits
        ? replaceAt(
            text,
            at + digits.index,
            digits[0].length,
            String([1, 2, 3, 8, 16, 24, 48, 0][Math.floor(rand() * 8)]),
          )
        : text,
    () => replaceAt(text, lineStart, 0, '# typed note\n'),
    () => replaceAt(text, lineStart, 0, '\n'),
    () => replaceAt(text, at, 0, ' '),
    () => replaceAt(text, at, 1, ''),
    () => replaceAt(text, at, 0, 'x'),
    () => replaceAt(text, lineStart, 0, 'relu\n'),
  ];
  return edits[Math.floor(rand() * edits.length)]!();
}

test('random edits of every example and a generated network: incremental equals full, step after step', () => {
  const files = ['mobilenet_v1.layers', 'mobilenet_v1_conv.layers', 'resnet18.layers', 'squeezenet_v1_1.layers'].map(
    (f) => readFileSync(`examples/${f}`, 'utf8'),
  );
  files.push(generateLayers(500));
  let incremental = 0;
  let steps = 0;
  files.forEach((original, f) => {
    const rand = rng(f + 1);
    let doc = analyzeSource(original, FILE);
    let clean = original;
    for (let k = 0; k < 40; k++) {
      if (doc.diagnostics.some((d) => d.severity === 'error')) {
        // Undo back to the last text without errors (an edit from an erroneous version).
        doc = step(doc, clean).result;
        continue;
      }
      clean = doc.text;
      // One to three edits at once, as when the server analyses after a burst of typing.
      let next = doc.text;
      for (let e = 1 + Math.floor(rand() * 3); e > 0; e--) next = randomEdit(next, rand);
      const r = step(doc, next);
      steps++;
      if (r.incremental) incremental++;
      doc = r.result;
    }
  });
  // Most random edits keep the structure; the incremental path must have been taken for them.
  assert.ok(incremental > steps / 6, `${incremental} of ${steps} edits were incremental`);
});
