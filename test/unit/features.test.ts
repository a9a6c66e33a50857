// Feature providers as plain functions of (analysis, params), on fixtures with `$0`
// cursor markers and `⟦…⟧` expected ranges.
import { test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { makeFeatureDoc, type FeatureDoc } from '../../server/src/lsp/features/context';
import { DEFAULT_SETTINGS, type Settings } from '../../server/src/lsp/settings';
import { hover } from '../../server/src/lsp/features/hover';
import { codeLenses, LineLensSets, resolveCodeLens } from '../../server/src/lsp/features/codeLens';
import { completion, signatureHelp } from '../../server/src/lsp/features/completion';
import { TARGET_IDS, targetProfile } from '../../server/src/core/targets';
import { definition, references, rename } from '../../server/src/lsp/features/navigation';
import { foldingRanges, documentSymbols } from '../../server/src/lsp/features/symbols';
import { inlayHints } from '../../server/src/lsp/features/inlayHints';
import { codeActions } from '../../server/src/lsp/features/codeActions';
import { diagnostics } from '../../server/src/lsp/features/diagnostics';
import { formatLayersText } from '../../server/src/formats/layers/editorFormat';
import { semanticTokens } from '../../server/src/lsp/features/semanticTokens';
import { debounceDelay, MIN_DEBOUNCE_MS } from '../../server/src/lsp/documents';
import { parseMarkers, positionOf } from '../helpers/markers';

function docOf(
  fixture: string,
  settings: Settings = DEFAULT_SETTINGS,
): { doc: FeatureDoc; cursor: { line: number; character: number }; ranges: { start: number; end: number }[] } {
  const { text, cursor, ranges } = parseMarkers(fixture);
  const doc = makeFeatureDoc(analyzeSource(text, 't.layers'), 'file:///t.layers', 1, settings);
  return { doc, cursor: positionOf(text, Math.max(0, cursor)), ranges };
}

const NET = 'network n\ninput 32x32x16\na: co$0nv 32 3x3 | bn | relu\nb: conv 32 1x1 | bn | relu\n';

test('hover on a conv: name, shapes, cost and the separable alternative first, compactly; the formula below', () => {
  const { doc, cursor } = docOf(NET);
  const md = (hover(doc, cursor)!.contents as { value: string }).value;
  const lines = md.split('\n').filter((l) => l.trim());
  assert.match(lines[0]!, /^\*\*a\*\* · `conv` · Conv KxK/);
  assert.match(lines[1]!, /^32x32x16 → 32x32x32 · \*\*4,718,592 MACs\*\* \(81\.8% of 5\.77M\) · 4,608 params$/);
  assert.match(lines[2]!, /^\*\*Separable\*\* \(dwconv 3x3 \+ conv 32 1x1\): 671,744 MACs \(-85\.8%\) · 752 params/);
  assert.match(md, /H_out × W_out × C_out × C_in × K_h × K_w/);
  assert.match(md, /= 32 × 32 × 32 × 16 × 3 × 3 = 4,718,592/);
  assert.match(md, /1\/N \+ 1\/K² = 1\/32 \+ 1\/9 = 0\.1424/);
  // A hover box is about 250 px (12 lines): everything fits without scrolling.
  assert.ok(md.split('\n').length <= 12, `${md.split('\n').length} lines:\n${md}`);
});

test('hover on the network line: totals and breakdown; nothing on a blank line', () => {
  const { doc } = docOf(NET);
  const md = (hover(doc, { line: 0, character: 2 })!.contents as { value: string }).value;
  assert.match(md, /\| MACs \| 5,767,168 /);
  assert.match(md, /Conv 1x1 \(pointwise\) \| 1,048,576 \| 18\.18%/);
  assert.equal(hover(docOf('input 8x8x3\n\n').doc, { line: 1, character: 0 }), null);
});

test('hover on a repeated op sums the iterations and lists each', () => {
  const { doc, cursor } = docOf('input 8x8x8\nrepeat 3 co$0nv 8 1x1\n');
  const md = (hover(doc, cursor)!.contents as { value: string }).value;
  assert.match(md, /× 3 \(repeated\)/);
  assert.match(md, /8x8x8 → 8x8x8 · \*\*12,288 MACs\*\*/);
  assert.equal(md.match(/\| 8x8x8 → 8x8x8 \| 4,096 \| 72 \|/g)?.length, 3);
});

test('hover on a Darknet [convolutional]: one conv with its BN and activation, not a repeat', () => {
  const text =
    '[net]\nwidth=32\nheight=32\nchannels=3\n\n[convolutional]\nfilters=8\nsize=3\nstride=1\npad=1\nactivation=leaky\n\n[convolutional]\nbatch_normalize=1\nfilters=16\nsize=3\nstride=1\npad=1\nactivation=leaky\n';
  const doc = makeFeatureDoc(analyzeSource(text, 't.cfg'), 'file:///t.cfg', 1, DEFAULT_SETTINGS);
  const md = (hover(doc, { line: 12, character: 3 })!.contents as { value: string }).value;
  assert.doesNotMatch(md, /repeated|each/);
  assert.match(md, /^\*\*conv1\*\* · `\[convolutional\]` · 3 layers \(conv1 \+ bn \+ leaky\)/);
  assert.match(md, /32x32x8 → 32x32x16 · \*\*1,179,648 MACs\*\*/);
  assert.match(md, /\*\*Separable\*\* \(dwconv 3x3 \+ conv 16 1x1\): 204,800 MACs/);
  assert.match(md, /= 32 × 32 × 16 × 8 × 3 × 3 = 1,179,648/);
});

test('hover on an Ultralytics C2f: the module total and its parts, not one conv times 15', () => {
  const text = readFileSync('examples/yolov8n.yaml', 'utf8');
  const doc = makeFeatureDoc(analyzeSource(text, 'yolov8n.yaml'), 'file:///yolov8n.yaml', 1, DEFAULT_SETTINGS);
  const line = text.split('\n').findIndex((l) => l.includes('C2f'));
  const md = (
    hover(doc, { line, character: text.split('\n')[line]!.indexOf('C2f') + 1 })!.contents as { value: string }
  ).value;
  const layers = doc.analysis.layers.filter((l) => l.layer.name.startsWith('model.2.'));
  const macs = layers.reduce((a, l) => a + l.macs, 0);
  assert.doesNotMatch(md, /repeated|each/);
  assert.match(md, /^\*\*model\.2\*\* · `\[-1, 3, C2f, \[128, True\]\]` · 15 layers/);
  assert.match(md, new RegExp(`160x160x32 → 160x160x32 · \\*\\*${macs.toLocaleString('en-US')} MACs`));
  const parts = [...md.matchAll(/^\| (\S+) \(.*?\) \| \S+ \| ([\d,]+) \| [\d,]+ \|$/gm)];
  assert.deepEqual(
    parts.map((p) => p[1]),
    ['cv1', 'chunk', 'm.0', 'cat', 'cv2'],
  );
  assert.equal(
    parts.reduce((a, p) => a + Number(p[2]!.replace(/,/g, '')), 0),
    macs,
  );
  assert.match(md, /\*\*Separable\*\*: 2 KxK convs here would save/);
});

/** Every lens of a document version, resolved on that version (as Neovim and Emacs resolve them). */
const LENS_SETS = new LineLensSets();
const resolvedLenses = (doc: FeatureDoc) => codeLenses(doc, LENS_SETS).map((l) => resolveCodeLens(doc, l, LENS_SETS));

test('code lenses: per-line cost with the separable saving, totals and estimates on the network line', () => {
  const { doc } = docOf(NET);
  const sets = new LineLensSets();
  const lenses = codeLenses(doc, sets);
  assert.deepEqual(
    lenses.filter((l) => !l.command).map((l) => [l.range.start.line, l.data]),
    [
      [0, { uri: 'file:///t.layers', version: 1, slot: { kind: 'width', alpha: 0.75 } }],
      [0, { uri: 'file:///t.layers', version: 1, slot: { kind: 'width', alpha: 0.5 } }],
      [0, { uri: 'file:///t.layers', version: 1, slot: { kind: 'resolution', index: 1 } }],
      [0, { uri: 'file:///t.layers', version: 1, slot: { kind: 'resolution', index: 2 } }],
      [2, 0],
      [2, 1],
      [3, 0],
    ],
    'the estimates and every per-line lens come unresolved; a per-line lens is a range and 2 × set + kind',
  );
  const titles = lenses
    .map((l) => resolveCodeLens(doc, l, sets))
    .map((l) => `${l.range.start.line}: ${l.command!.title}`);
  assert.deepEqual(
    titles.filter((t) => t.startsWith('0: ')),
    ['0: Total 5.77M MACs · 5.76K params', '0: α 0.75: 4.13M', '0: α 0.5: 2.62M', '0: ρ 27: 4.11M', '0: ρ 23: 2.98M'],
  );
  assert.ok(titles.includes('2: 4.72M MACs (81.8%) · 4.61K params · separable: 671.7K, -85.8%'));
  assert.ok(titles.includes('2: Make depthwise-separable'));
  assert.ok(titles.includes('3: 1.05M MACs (18.2%) · 1.02K params'));
  assert.deepEqual(
    codeLenses(
      docOf(NET, { ...DEFAULT_SETTINGS, codeLens: { enable: false, estimates: true } }).doc,
      new LineLensSets(),
    ),
    [],
  );
});

test('code lenses: with a budget, which α and which input side fit it', () => {
  const { doc } = docOf('network n\ninput 32x32x16\nbudget macs=2M\na: conv 32 3x3 | bn | relu\n');
  const titles = resolvedLenses(doc).map((l) => l.command!.title);
  assert.ok(titles.includes('budget fits at α 0.43'), titles.join(' | '));
  assert.ok(titles.includes('budget fits at input 20'), titles.join(' | '));
});

test('completion: ops at chain start, options after an op, names after from=', () => {
  const labels = (f: string) => completion(docOf(f).doc, docOf(f).cursor).map((i) => i.label);
  assert.ok(labels('input 8x8x3\na: $0').includes('dwconv'));
  assert.ok(labels('input 8x8x3\n$0').includes('repeat'));
  assert.ok(labels('input 8x8x3\na: conv 8 3x3 $0').includes('stride='));
  assert.deepEqual(labels('input 8x8x3\na: conv 8 1x1\nb: conv 8 1x1 from=$0'), ['a']);
  assert.deepEqual(labels('input 8x8x3\na: conv 8 1x1 padding=$0'), ['same', 'valid']);
});

test('completion after `target`: the built-in latency targets and the configured ones, with what each models', () => {
  const { text, cursor } = parseMarkers('target $0\ninput 8x8x3\na: conv 8 1x1\n');
  const npu = { ...targetProfile('edgetpu-int8')!, id: 'my-npu', summary: 'our NPU' };
  const doc = makeFeatureDoc(
    analyzeSource(text, 't.layers', { profiles: [npu] }),
    'file:///t.layers',
    1,
    DEFAULT_SETTINGS,
  );
  const items = completion(doc, positionOf(text, cursor));
  assert.deepEqual(
    items.map((i) => i.label),
    [...TARGET_IDS, 'my-npu'],
  );
  assert.equal(items.at(-1)!.detail, 'our NPU');
  assert.match(items[0]!.detail!, /Xeon/);
  // Only as the directive's word: a layer named `target` is not the directive.
  const { text: t2, cursor: c2 } = parseMarkers('input 8x8x3\ntarget: conv 8 1x1 $0\n');
  const asLayer = completion(
    makeFeatureDoc(analyzeSource(t2, 't.layers'), 'file:///t.layers', 1, DEFAULT_SETTINGS),
    positionOf(t2, c2),
  );
  assert.ok(!asLayer.some((i) => i.label === 'xeon-1t'));
});

test('signature help highlights the positional argument being typed', () => {
  const { doc, cursor } = docOf('input 8x8x3\na: conv 8 $0');
  const s = signatureHelp(doc, cursor)!;
  assert.match(s.signatures[0]!.label, /^conv OUT KERNEL stride= /);
  assert.equal(s.activeParameter, 1);
});

test('definition, references and rename of a layer name', () => {
  const src = 'input 8x8x3\n⟦a⟧: conv 8 1x1\nb: conv 8 1x1 from=⟦a⟧\nc: add ⟦a⟧ b\n';
  const { doc, ranges } = docOf(src.replace('from=⟦a⟧', 'from=⟦$0a⟧'));
  const defs = definition(doc, positionOf(doc.text, ranges[1]!.start));
  assert.deepEqual(
    defs.map((d) => d.range.start),
    [positionOf(doc.text, ranges[0]!.start)],
  );
  assert.equal(references(doc, positionOf(doc.text, ranges[0]!.start), true).length, 3);
  const r = rename(doc, positionOf(doc.text, ranges[0]!.start), 'stem');
  assert.ok(r && 'edit' in r);
  assert.equal((r.edit.changes!['file:///t.layers'] ?? []).length, 3);
  const bad = rename(doc, positionOf(doc.text, ranges[0]!.start), 'b');
  assert.ok(bad && 'error' in bad && /already defined/.test(bad.error));
});

test('block names and parameters rename within their scope', () => {
  const src = 'input 8x8x3\nblock ⟦unit⟧ c {\n  conv c 1x1 | conv c*2 1x1\n}\nx: ⟦unit⟧ 4 | ⟦unit⟧ 8\n';
  const { doc, ranges } = docOf(src);
  assert.equal(references(doc, positionOf(doc.text, ranges[0]!.start), true).length, 3);
  const paramRefs = references(doc, { line: 1, character: 11 }, true);
  assert.equal(paramRefs.length, 3, 'c in the header, in conv c, and inside c*2');
});

test('folding and outline follow blocks and repeats', () => {
  const { doc } = docOf('input 8x8x3\nblock u c {\n  conv c 1x1\n}\nrepeat 2 {\n  x: conv 8 1x1\n}\n');
  assert.deepEqual(
    foldingRanges(doc).map((f) => [f.startLine, f.endLine]),
    [
      [1, 2],
      [4, 5],
    ],
  );
  const names = documentSymbols(doc).map((s) => s.name);
  assert.deepEqual(names, ['input 8x8x3', 'u', 'repeat 2']);
});

test('inlay hints: shape after each statement, before a trailing comment', () => {
  const { doc } = docOf('input 8x8x3\na: conv 8 3x3 stride=2   # stem\n');
  const hints = inlayHints(doc, { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } });
  assert.deepEqual(
    hints.map((h) => [h.position, h.label]),
    [[{ line: 1, character: 22 }, '→ 4x4x8']],
  );
});

test('inlay hints in a block body used at two sizes show both shapes, in order; the uses show theirs', () => {
  const { doc } = docOf(
    'input 32x32x8\nblock down out {\n  conv out 3x3 stride=2 | relu\n}\na: down 16\nb: down 32\nrepeat 2 conv 32 1x1\n',
  );
  const hints = inlayHints(doc, { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } });
  assert.deepEqual(
    hints.map((h) => [h.position.line, h.label]),
    [
      [2, '→ 16x16x16, 8x8x32'],
      [4, '→ 16x16x16'],
      [5, '→ 8x8x32'],
      [6, '→ 8x8x32'],
    ],
  );
});

test('code actions match on code and data: quick fix, suppression, budget fixes', () => {
  const { doc } = docOf('network n\ninput 32x32x16\nbudget macs=2M\na: conv 32 3x3 | bn | relu\n');
  const diags = diagnostics(doc);
  const sep = diags.find((d) => d.code === 'separable-conv')!;
  const actions = codeActions(doc, {
    textDocument: { uri: doc.uri },
    range: sep.range,
    context: { diagnostics: [sep] },
  });
  assert.deepEqual(
    actions.map((a) => a.title),
    ['Make depthwise-separable (saves 4,046,848 MACs)', 'Disable separable-conv for this line'],
  );
  // The rewrite is made once per version: clients ask again on every cursor move over the line.
  let made = 0;
  const original = doc.frontEnd;
  const counting: FeatureDoc = {
    ...doc,
    frontEnd: { ...original, separableEdits: (...args) => (made++, original.separableEdits(...args)) },
  };
  const params = { textDocument: { uri: doc.uri }, range: sep.range, context: { diagnostics: [sep] } };
  const again = codeActions(counting, params);
  assert.deepEqual(
    again.map((a) => a.edit),
    actions.map((a) => a.edit),
  );
  codeActions(counting, params);
  assert.equal(made, 0, 'served from the version it was made for');
  const renamedMessage = { ...sep, message: 'anything at all' };
  assert.equal(
    codeActions(doc, { textDocument: { uri: doc.uri }, range: sep.range, context: { diagnostics: [renamedMessage] } })
      .length,
    2,
  );
  const budget = diags.find((d) => d.code === 'over-budget')!;
  const fixes = codeActions(doc, {
    textDocument: { uri: doc.uri },
    range: budget.range,
    context: { diagnostics: [budget], only: ['quickfix'] },
  }).map((a) => a.title);
  assert.deepEqual(fixes, [
    'Set width multiplier to 0.43 (fits the budget)',
    'Set input resolution to 20 (fits the budget)',
    'Disable over-budget for this line',
  ]);
});

test('formatting aligns named chains, normalises spacing and keeps bad lines as written', () => {
  assert.equal(
    formatLayersText('input  8x8x3\nab: conv 8 3x3|bn\nc:conv 8 1x1   stride=1 # x\n\nrepeat 2 {\nconv 8 1x1\n}\n'),
    'input 8x8x3\nab: conv 8 3x3 | bn\nc:  conv 8 1x1 stride=1 # x\n\nrepeat 2 {\n  conv 8 1x1\n}\n',
  );
  assert.equal(formatLayersText('a: conv (8 1x1\n'), 'a: conv (8 1x1\n');
});

test('semantic tokens mark block invocations, layer references and parameters', () => {
  const { doc } = docOf('input 8x8x3\nblock u c {\n  conv c 1x1\n}\na: u 4\nb: conv 8 1x1 from=a\n');
  // [deltaLine, deltaChar, length, type, modifiers]: block def, param def, param use, layer def a, block use, layer def b, ref a
  assert.deepEqual(
    semanticTokens(doc).data,
    [1, 6, 1, 0, 1, 0, 2, 1, 2, 1, 1, 7, 1, 2, 0, 2, 0, 1, 1, 1, 0, 3, 1, 0, 0, 1, 0, 1, 1, 1, 0, 19, 1, 1, 0],
  );
});

test('the wait after an edit is proportional to the last analysis, within [MIN_DEBOUNCE_MS, debounceMs]', () => {
  assert.equal(debounceDelay(undefined, 150), 150, 'before the first analysis: the setting');
  assert.equal(debounceDelay(0.4, 150), MIN_DEBOUNCE_MS, 'a small file: almost at once');
  assert.equal(debounceDelay(20, 150), 60, 'three times the analysis');
  assert.equal(debounceDelay(400, 150), 150, 'a large file: the setting is the ceiling');
  assert.equal(debounceDelay(20, 0), 0, 'debounceMs 0 still means no wait');
});

test('code lenses: "×N" only for instances of one op, not for a module row of different layers (C2f)', () => {
  const text = readFileSync('examples/yolov8n.yaml', 'utf8');
  const doc = makeFeatureDoc(analyzeSource(text, 'yolov8n.yaml'), 'file:///yolov8n.yaml', 1, DEFAULT_SETTINGS);
  const c2f = text.split('\n').findIndex((l) => l.includes('C2f, [256'));
  const lens = resolvedLenses(doc).find((l) => l.range.start.line === c2f && l.command?.title.includes('MACs'));
  assert.ok(lens, 'a lens on the C2f row');
  assert.doesNotMatch(lens.command!.title, /×/);
  const { doc: rep } = docOf('input 8x8x8\nrepeat 3 conv 8 1x1\n');
  assert.ok(resolvedLenses(rep).some((l) => l.command?.title.includes('(×3)')));
});

test('code lenses: a per-line lens of an older version resolves by its layer on the current one, or says it is stale', () => {
  const sets = new LineLensSets();
  const { doc: v1 } = docOf(NET);
  const lenses = codeLenses(v1, sets).filter((l) => typeof l.data === 'number');
  const text2 = `# a comment typed above\n${NET.replace('$0', '').replace('b: conv 32 1x1', 'c: conv 32 1x1')}`;
  const v2 = makeFeatureDoc(analyzeSource(text2, 't.layers'), 'file:///t.layers', 2, DEFAULT_SETTINGS);
  const [aCost, aSeparable, bCost] = lenses.map((l) => resolveCodeLens(v2, l, sets));
  // Layer a moved down a line: its figures, at its line now, and the separable command on version 2.
  assert.deepEqual(aCost!.range.start, { line: 3, character: 0 });
  assert.equal(aCost!.command!.title, '4.72M MACs (81.8%) · 4.61K params · separable: 671.7K, -85.8%');
  assert.deepEqual(aSeparable!.command!.arguments, ['file:///t.layers', 2, v2.analysis.graph.layers[0]!.index]);
  // Layer b is gone (renamed c): no figure of another layer, the lens says it is stale.
  assert.equal(bCost!.command!.title, 'stale: the file has changed');
  assert.deepEqual(bCost!.range, lenses[2]!.range);
  // The separable lens of a conv that is no longer a candidate is stale too.
  const text3 = NET.replace('$0', '').replace('3x3', '1x1');
  const v3 = makeFeatureDoc(analyzeSource(text3, 't.layers'), 'file:///t.layers', 3, DEFAULT_SETTINGS);
  assert.equal(resolveCodeLens(v3, lenses[1]!, sets).command!.title, 'stale: the file has changed');
  assert.equal(resolveCodeLens(v3, lenses[0]!, sets).command!.title, '524.3K MACs (33.3%) · 512 params');
  // Another document's lens, or one of a set no longer kept (four versions on), is stale.
  const other = makeFeatureDoc(analyzeSource(text3, 'u.layers'), 'file:///u.layers', 1, DEFAULT_SETTINGS);
  assert.equal(resolveCodeLens(other, lenses[0]!, sets).command!.title, 'stale: the file has changed');
  for (let version = 4; version < 8; version++)
    codeLenses(makeFeatureDoc(analyzeSource(text3, 't.layers'), 'file:///t.layers', version, DEFAULT_SETTINGS), sets);
  assert.equal(resolveCodeLens(v3, lenses[0]!, sets).command!.title, 'stale: the file has changed');
});

test('code lenses: a per-line lens with a line its set has no lens on, or without a range, resolves stale', () => {
  const sets = new LineLensSets();
  const { doc } = docOf(NET);
  const [aCost] = codeLenses(doc, sets).filter((l) => typeof l.data === 'number');
  const elsewhere = { ...aCost!, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } } };
  assert.equal(resolveCodeLens(doc, elsewhere, sets).command!.title, 'stale: the file has changed');
  const noRange = { data: aCost!.data } as unknown as CodeLens;
  assert.equal(resolveCodeLens(doc, noRange, sets).command!.title, 'stale: the file has changed');
  for (const data of [-1, 1.5, 99, 2 ** 60]) {
    const lens = { ...aCost!, data };
    assert.equal(
      resolveCodeLens(doc, lens, sets).command?.title ?? 'stale: the file has changed',
      'stale: the file has changed',
      String(data),
    );
  }
  for (const data of ['x', null, [0, 1]])
    assert.equal(resolveCodeLens(doc, { ...aCost!, data }, sets).command, undefined);
});
