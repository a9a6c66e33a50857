// Protocol tests: the real bundled server over stdio, driven as an editor would drive it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  CodeAction,
  CodeLens,
  Hover,
  InlayHint,
  TextEdit,
  WorkspaceEdit,
  DocumentSymbol,
  Location,
} from 'vscode-languageserver-protocol';
import { startTestServer, SERVER, type TestServer } from './lspClient';
import { MODEL_REPORT_REQUEST, type ReportResult } from '../../server/src/lsp/protocol';
import { OnnxBuilder } from '../helpers/onnxModel';
import { list, s as tfString, TfjsBuilder } from '../helpers/tfjsModel';
import { formatLayersText } from '../../server/src/formats/layers/editorFormat';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

function editsOf(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  if (edit.documentChanges)
    return edit.documentChanges.flatMap((c) =>
      'textDocument' in c && c.textDocument.uri === uri ? c.edits.filter((e): e is TextEdit => 'range' in e) : [],
    );
  return edit.changes?.[uri] ?? [];
}

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'layerspec', 1, text), edits);
}

test('bin: --version prints the package version, --help the usage, on stdout', () => {
  const v = spawnSync(process.execPath, [SERVER, '--version'], { encoding: 'utf8' });
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
  const h = spawnSync(process.execPath, [SERVER, '--help'], { encoding: 'utf8' });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--stdio/);
});

test('initialize declares the features and the server version', () => {
  const caps = server.init.capabilities;
  assert.equal(server.init.serverInfo?.name, 'layerlint-language-server');
  for (const k of [
    'hoverProvider',
    'codeLensProvider',
    'codeActionProvider',
    'inlayHintProvider',
    'documentSymbolProvider',
    'renameProvider',
    'documentFormattingProvider',
    'completionProvider',
  ] as const)
    assert.ok(caps[k], k);
});

test('the output channel says what runs: version and client at start-up, settings, each opened file with its timing', async () => {
  const { uri } = server.open('mem/logged.layers', 'network logged\ninput 8x8x3\nc: conv 8 3x3\n');
  await server.diagnostics(uri, 1);
  const logs = server.logs();
  const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
  assert.ok(
    logs.some((l) => l.startsWith(`LayerLint ${version} language server started`)),
    JSON.stringify(logs),
  );
  assert.ok(
    logs.some((l) => l.startsWith('settings: {')),
    JSON.stringify(logs),
  );
  assert.ok(
    logs.some((l) => /^opened logged\.layers v1 \(layers\): 1 layers, \d+ diagnostics in \d+\.\d ms$/.test(l)),
    JSON.stringify(logs),
  );
});

test('an edit to a small file is re-analysed long before the debounceMs ceiling', async () => {
  const slow = await startTestServer({ initializationOptions: { settings: { debounceMs: 10_000 } } });
  try {
    const { uri, text } = slow.open('mem/quick.layers', 'network quick\ninput 8x8x8\nc: conv 8 3x3\n');
    await slow.diagnostics(uri, 1);
    await slow.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: text.replace('conv 8 3x3', 'conv 16 3x3') }],
    });
    // Waiting the 10 s ceiling would time out here.
    const d2 = await slow.diagnostics(uri, 2, 5_000);
    assert.equal(d2.version, 2);
  } finally {
    await slow.stop();
  }
});

test('diagnostics, code lens, hover, quick fix and fix-all on mobilenet_v1_conv.layers', async () => {
  const { uri, text } = server.open('examples/mobilenet_v1_conv.layers');
  const diags = await server.diagnostics(uri, 1);
  const separable = diags.diagnostics.filter((d) => d.code === 'separable-conv');
  assert.equal(separable.length, 13, 'every 3x3 conv but the stem');
  const conv2 = separable[0]!;
  assert.equal(text.split('\n')[conv2.range.start.line]!.trim().startsWith('conv2:'), true);
  assert.equal(
    text.split('\n')[conv2.range.start.line]!.slice(conv2.range.start.character, conv2.range.end.character),
    'conv 64 3x3',
  );
  assert.match(conv2.codeDescription!.href, /docs\/rules\.md#separable-conv$/);
  assert.equal((conv2.data as { kind: string }).kind, 'separable');
  // Problems panel rows are cut at the right: the layer and the saving lead, so no two rows
  // look alike in their first 60 characters.
  assert.match(String(conv2.message), /^conv2: depthwise-separable saves 201,908,224 MACs \(-87\.3%\)/);
  assert.equal(new Set(separable.map((d) => String(d.message).slice(0, 60))).size, separable.length);

  const lenses = (await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
  assert.ok(
    lenses.some((l) => l.command?.title.startsWith('Total 4.87G MACs')),
    'network total lens',
  );
  const unresolved = lenses.filter((l) => !l.command);
  const estimates = unresolved.filter((l) => typeof l.data !== 'number');
  assert.equal(estimates.length, 4, 'two α and two ρ lenses, resolved on demand');
  const networkLine = lenses.find((l) => l.command?.title.startsWith('Total'))!.range.start.line;
  const perLine = lenses.filter((l) => l.range.start.line !== networkLine);
  assert.ok(
    perLine.length > 20 && perLine.every((l) => !l.command && typeof l.data === 'number'),
    'per-line lenses: data only',
  );
  const resolved = (await Promise.all(
    unresolved.map((l) => server.conn.sendRequest('codeLens/resolve', l)),
  )) as CodeLens[];
  const conv2Lens = resolved.find(
    (l) => l.range.start.line === conv2.range.start.line && l.command!.title.includes('separable'),
  );
  assert.equal(conv2Lens?.command?.title, '231.2M MACs (4.8%) · 18.4K params · separable: 29.3M, -87.3%');
  assert.deepEqual(resolved.find((l) => l.range.start.line === conv2.range.start.line && l.command!.command)?.command, {
    title: 'Make depthwise-separable',
    command: 'layerlint.applySeparable',
    arguments: [uri, 1, separable[0]!.data.layer],
  });
  assert.ok(
    resolved.some((l) => l.command?.title === 'α 0.5: 1.22G' && l.command.command === 'layerlint.setWidth'),
    JSON.stringify(resolved.map((l) => l.command?.title)),
  );
  assert.ok(
    resolved.some((l) => l.command?.title === 'ρ 160: 2.48G' && l.command.command === 'layerlint.setResolution'),
  );
  // The network line reads whole beside the code: its lenses, as VS Code joins them with " | ", fit in 100 characters.
  const onNetworkLine = lenses
    .map((l) => (l.command ? l : resolved[unresolved.indexOf(l)]!))
    .filter((l) => l.range.start.line === networkLine);
  // The bench lens (layerlint.bench) comes last, after what the 100 characters hold.
  assert.equal(onNetworkLine.at(-1)!.command!.command, 'layerlint.bench');
  const shown = onNetworkLine
    .slice(0, -1)
    .map((l) => l.command!.title)
    .join(' | ');
  assert.ok(shown.length <= 100, `${shown.length} characters: ${shown}`);

  const hover = (await server.conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: conv2.range.start.line, character: conv2.range.start.character + 2 },
  })) as Hover;
  const md = (hover.contents as { value: string }).value;
  assert.match(md, /112 × 112 × 64 × 32 × 3 × 3 = 231,211,008/);
  assert.match(md, /\*\*Separable\*\* \(dwconv 3x3 \+ conv 64 1x1\): 29,302,784 MACs/);

  const actions = (await server.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: conv2.range,
    context: { diagnostics: [conv2], only: ['quickfix'] },
  })) as CodeAction[];
  const fix = actions.find((a) => a.isPreferred)!;
  assert.match(fix.title, /depthwise-separable/);
  const fixed = apply(text, editsOf(fix.edit, uri));
  // Aligned with the statements around it, as the formatter keeps them.
  assert.match(fixed, /conv2_dw: dwconv 3x3 \| bn \| relu\nconv2: {4}conv 64 1x1 \| bn \| relu/);
  assert.equal(formatLayersText(fixed), fixed);
  await server.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: fixed }],
  });
  const after2 = await server.diagnostics(uri, 2);
  const stale = (await server.conn.sendRequest('codeLens/resolve', estimates[0])) as CodeLens;
  assert.equal(stale.command?.title, '…', 'a lens of an older version is not resolved with stale figures');
  // A per-line lens of version 1 resolves by its layer on version 2: conv2 is now the pointwise
  // conv a line below, no longer a candidate, so its separable lens is stale.
  const [conv2Cost, conv2Separable] = (await Promise.all(
    unresolved
      .filter((l) => l.range.start.line === conv2.range.start.line)
      .map((l) => server.conn.sendRequest('codeLens/resolve', l)),
  )) as CodeLens[];
  assert.equal(conv2Cost!.range.start.line, conv2.range.start.line + 1);
  assert.match(conv2Cost!.command!.title, /^25\.7M MACs \(\d+\.\d%\) · 2\.05K params$/);
  assert.equal(conv2Separable!.command!.title, 'stale: the file has changed');
  const unknown = (await server.conn.sendRequest('codeLens/resolve', {
    range: conv2.range,
    data: 2 * 10_000 + 1,
  })) as CodeLens;
  assert.equal(unknown.command!.title, 'stale: the file has changed', 'a lens set the server never handed out');
  assert.equal(after2.diagnostics.filter((d) => d.code === 'separable-conv').length, 12);

  const all = (await server.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll.layerlint'] },
  })) as CodeAction[];
  assert.equal(all.length, 1);
  const fixedAll = apply(fixed, editsOf(all[0]!.edit, uri));
  await server.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 3 },
    contentChanges: [{ text: fixedAll }],
  });
  const after3 = await server.diagnostics(uri, 3);
  assert.equal(after3.diagnostics.filter((d) => d.code === 'separable-conv').length, 0);
  const report = (await server.conn.sendRequest('layerlint/report', { uri })) as {
    totals: { macs: number; params: number };
  };
  assert.equal(report.totals.macs, 568_740_352);
  assert.equal(report.totals.params, 4_231_976);

  await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  // The close publishes without a version; an earlier version's publish may still be queued
  // (settings arriving after the open re-validate it).
  let cleared = await server.diagnostics(uri);
  while (cleared.version !== undefined) cleared = await server.diagnostics(uri);
  assert.deepEqual(cleared.diagnostics, []);
});

test('inlay hints show output shapes; symbols, rename, references and formatting work', async () => {
  const { uri, text } = server.open('examples/mobilenet_v1.layers');
  await server.diagnostics(uri, 1);
  const lines = text.split('\n');
  const conv1Line = lines.findIndex((l) => l.startsWith('conv1:'));
  const hints = (await server.conn.sendRequest('textDocument/inlayHint', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
  })) as InlayHint[];
  const h = hints.find((x) => x.position.line === conv1Line);
  assert.equal(h?.label, '→ 112x112x32');
  assert.equal(h?.position.character, lines[conv1Line]!.length);

  const symbols = (await server.conn.sendRequest('textDocument/documentSymbol', {
    textDocument: { uri },
  })) as DocumentSymbol[];
  assert.ok(symbols.some((s) => s.name === 'conv13_dw'));
  assert.ok(symbols.some((s) => s.name === 'repeat 5' && (s.children?.length ?? 0) === 0));

  const edit = (await server.conn.sendRequest('textDocument/rename', {
    textDocument: { uri },
    position: { line: conv1Line, character: 1 },
    newName: 'stem',
  })) as WorkspaceEdit;
  const renamed = apply(text, editsOf(edit, uri));
  assert.match(renamed, /^stem:/m);

  const refs = (await server.conn.sendRequest('textDocument/references', {
    textDocument: { uri },
    position: { line: conv1Line, character: 1 },
    context: { includeDeclaration: true },
  })) as Location[];
  assert.equal(refs.length, 1);

  const messy = 'network n\ninput   224x224x3\na:   conv 8 3x3   stride=2|bn | relu\nlonger_name:conv 16 1x1 # c\n';
  const m = server.open('mem/messy.layers', messy);
  await server.diagnostics(m.uri, 1);
  const fmt = (await server.conn.sendRequest('textDocument/formatting', {
    textDocument: { uri: m.uri },
    options: { tabSize: 2, insertSpaces: true },
  })) as TextEdit[];
  assert.equal(
    apply(messy, fmt),
    'network n\ninput 224x224x3\na:           conv 8 3x3 stride=2 | bn | relu\nlonger_name: conv 16 1x1 # c\n',
  );
});

test('a malformed line gets one syntax diagnostic and the rest is still analysed', async () => {
  const src = 'input 32x32x3\nc1: conv 16 3x3 | bn | relu\nc2: conv 16 3x3 stride= | bn\nc3: conv 32 3x3 | bn | relu\n';
  const { uri } = server.open('mem/bad.layers', src);
  const d = await server.diagnostics(uri, 1);
  const syntax = d.diagnostics.filter((x) => x.code === 'syntax-error');
  assert.equal(syntax.length, 1);
  assert.equal(syntax[0]!.range.start.line, 2);
  assert.ok(
    d.diagnostics.some((x) => x.code === 'separable-conv' && x.range.start.line === 3),
    'c3 is still analysed',
  );
  assert.ok(
    !d.diagnostics.some((x) => x.code !== 'syntax-error' && x.range.start.line === 2),
    'nothing piled on the bad line',
  );
});

test('layerlint/report returns the Report, and with extras the grid, traffic and candidates of the cost report view', async () => {
  const { uri } = server.open('examples/mobilenet_v1_conv.layers', undefined);
  await server.diagnostics(uri);
  const plain = (await server.conn.sendRequest('layerlint/report', { uri })) as {
    totals: { macs: number };
    extras?: unknown;
  };
  assert.equal(plain.totals.macs, 4_867_293_184);
  assert.equal(plain.extras, undefined);
  const full = (await server.conn.sendRequest('layerlint/report', { uri, extras: true })) as {
    version: number;
    layers: unknown[];
    extras: { candidates: { layer: number }[]; traffic: unknown[]; grid: { cells: { macs: number }[][] } };
  };
  assert.equal(full.version, 1);
  assert.equal(full.extras.candidates.length, 13);
  assert.equal(full.extras.traffic.length, full.layers.length);
  assert.equal(full.extras.grid.cells[0]![0]!.macs, 4_867_293_184);
  assert.equal(
    await server.conn.sendRequest('layerlint/report', { uri: 'file:///not-open.layers', extras: true }),
    null,
  );
});

for (const [file, languageId] of [
  ['test/golden/cases/caffe-mobilenet/input.prototxt', 'prototxt'],
  ['examples/yolov3-tiny.cfg', 'darknet-cfg'],
  ['examples/yolov8n.yaml', 'yaml'],
] as const) {
  test(`quick fix in ${file}: one conv rewritten in the file's own syntax, re-analysed without errors`, async () => {
    const { uri, text } = server.open(file, undefined, languageId);
    const d1 = await server.diagnostics(uri, 1);
    const candidates = d1.diagnostics.filter((d) => d.code === 'separable-conv');
    assert.ok(candidates.length > 0, `${file} has candidates`);
    const target = candidates[0]!;
    const actions = (await server.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: target.range,
      context: { diagnostics: [target], only: ['quickfix'] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix, 'a preferred quick fix');
    const fixed = apply(text, editsOf(fix.edit, uri));
    await server.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const d2 = await server.diagnostics(uri, 2);
    assert.deepEqual(
      d2.diagnostics.filter((d) => d.severity === 1),
      [],
    );
    const data = target.data as { macs: number; separableMacs: number };
    const before = (await server.conn.sendRequest('layerlint/report', { uri })) as { totals: { macs: number } };
    await server.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ text }],
    });
    await server.diagnostics(uri, 3);
    const original = (await server.conn.sendRequest('layerlint/report', { uri })) as { totals: { macs: number } };
    assert.equal(original.totals.macs - before.totals.macs, data.macs - data.separableMacs);
    await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await server.diagnostics(uri);
  });
}

test('a YAML file that is not an Ultralytics model is left alone', async () => {
  const { uri } = server.open('mem/yolo-settings.yaml', 'epochs: 100\nlr0: 0.01\n', 'yaml');
  const lenses = await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  assert.deepEqual(lenses, []);
  const h = await server.conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: 0, character: 1 },
  });
  assert.equal(h, null);
});

test('.cfg files are judged by content: setup.cfg is left alone, a Darknet network served under any language id', async () => {
  const setup = server.open('mem/setup.cfg', '[metadata]\nname = demo\n', 'properties');
  assert.deepEqual(await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: setup.uri } }), []);
  const net =
    '# tiny\n; notes\n\n[net]\nwidth=32\nheight=32\nchannels=3\n\n[convolutional]\nfilters=8\nsize=3\nstride=1\npad=1\nactivation=leaky\n\n[convolutional]\nfilters=16\nsize=3\nstride=1\npad=1\nactivation=leaky\n';
  const { uri } = server.open('mem/tiny.cfg', net, 'cfg');
  const d1 = await server.diagnostics(uri, 1);
  assert.ok(
    d1.diagnostics.some((d) => d.code === 'separable-conv'),
    'the second conv is a separable candidate',
  );
  // No longer a network ([net] deleted): what was shown is taken back.
  await server.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: net.replace('[net]', '[metadata]') }],
  });
  assert.deepEqual((await server.diagnostics(uri, 2)).diagnostics, []);
});

test('the project layerlint.json applies, editor settings override it, and a changed config re-validates', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { pathToFileURL } = await import('node:url');
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-config-'));
  writeFileSync(
    join(dir, 'layerlint.json'),
    JSON.stringify({ rules: { 'separable-conv': 'error' }, budget: { macs: '1M' } }),
  );
  const file = join(dir, 'net.layers');
  const src = 'input 32x32x16\na: conv 32 3x3 | bn | relu\n';
  writeFileSync(file, src);
  const { uri } = server.open(file);
  const d1 = await server.diagnostics(uri, 1);
  assert.equal(d1.diagnostics.find((d) => d.code === 'separable-conv')?.severity, 1, 'error from layerlint.json');
  assert.ok(
    d1.diagnostics.some((d) => d.code === 'over-budget'),
    'budget from layerlint.json',
  );
  writeFileSync(join(dir, 'layerlint.json'), JSON.stringify({ rules: { 'separable-conv': 'off' } }));
  await server.conn.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: pathToFileURL(join(dir, 'layerlint.json')).toString(), type: 2 }],
  });
  const d2 = await server.diagnostics(uri, 1);
  assert.deepEqual(
    d2.diagnostics.map((d) => d.code),
    [],
  );
  await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await server.diagnostics(uri);
});

test('edits sent with didChange (analysed incrementally) give what opening the final text gives', async () => {
  const { uri, text } = server.open('edited.layers', readFileSync('examples/mobilenet_v1_conv.layers', 'utf8'));
  await server.diagnostics(uri, 1);
  let doc = TextDocument.create(uri, 'layerspec', 1, text);
  const lineOf = (needle: string) =>
    doc
      .getText()
      .split('\n')
      .findIndex((l) => l.includes(needle));
  const edits = [
    // a channel count typed over, a comment line inserted above it, a stride changed, a line of the comment removed
    () => ({
      range: {
        start: {
          line: lineOf('conv 128 3x3'),
          character: doc.getText().split('\n')[lineOf('conv 128 3x3')]!.indexOf('128'),
        },
        end: {
          line: lineOf('conv 128 3x3'),
          character: doc.getText().split('\n')[lineOf('conv 128 3x3')]!.indexOf('128') + 3,
        },
      },
      text: '96',
    }),
    () => ({
      range: {
        start: { line: lineOf('conv 96 3x3'), character: 0 },
        end: { line: lineOf('conv 96 3x3'), character: 0 },
      },
      text: '# narrower\n',
    }),
    () => ({ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }),
  ];
  let edited;
  for (const make of edits) {
    const change = make();
    doc = TextDocument.update(doc, [change], doc.version + 1);
    const wait = server.diagnostics(uri, doc.version);
    void server.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: doc.version },
      contentChanges: [change],
    });
    edited = await wait;
  }
  const fresh = server.open('fresh.layers', doc.getText());
  const opened = await server.diagnostics(fresh.uri, 1);
  assert.deepEqual(edited!.diagnostics, opened.diagnostics);
  assert.match(
    JSON.stringify(edited!.diagnostics),
    /ratio 1\/96 \+ 1\/9 /,
    'the edited conv is analysed with its new channel count',
  );
  // Lenses carry their document's uri and version in their arguments and data: compare what they show.
  const lenses = async (u: string) =>
    (
      (await Promise.all(
        ((await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: u } })) as CodeLens[]).map(
          (l) => (l.command ? l : server.conn.sendRequest('codeLens/resolve', l)),
        ),
      )) as CodeLens[]
    ).map((l) => [l.range, l.command?.title]);
  assert.deepEqual(await lenses(uri), await lenses(fresh.uri));
  const all = { range: { start: { line: 0, character: 0 }, end: { line: doc.lineCount, character: 0 } } };
  for (const [method, extra] of [
    ['textDocument/inlayHint', all],
    ['textDocument/documentSymbol', {}],
  ] as const) {
    assert.deepEqual(
      await server.conn.sendRequest(method, { textDocument: { uri }, ...extra }),
      await server.conn.sendRequest(method, { textDocument: { uri: fresh.uri }, ...extra }),
      method,
    );
  }
});

test('JSON: a Keras config gets diagnostics at layer names, hover and lenses; package.json is left alone', async () => {
  const pkg = server.open('mem/package.json', '{\n  "name": "demo",\n  "version": "1.0.0"\n}\n', 'json');
  assert.deepEqual(await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: pkg.uri } }), []);
  const conv = (name: string, filters: number, from: string) => ({
    class_name: 'Conv2D',
    config: { name, filters, kernel_size: [3, 3], padding: 'same', activation: 'relu' },
    inbound_nodes: [[[from, 0, 0, {}]]],
  });
  const model = {
    class_name: 'Functional',
    config: {
      name: 'tiny',
      layers: [
        { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 32, 32, 16] }, inbound_nodes: [] },
        conv('c1', 32, 'in'),
        conv('c2', 64, 'c1'),
      ],
    },
  };
  const text = JSON.stringify(model, null, 2);
  const { uri } = server.open('mem/tiny.json', text, 'json');
  const d = await server.diagnostics(uri, 1);
  const seps = d.diagnostics.filter((x) => x.code === 'separable-conv');
  const lines = text.split('\n');
  assert.deepEqual(
    seps.map((x) => lines[x.range.start.line]!.slice(x.range.start.character, x.range.end.character)),
    ['"c1"', '"c2"'],
  );
  const sep = seps[1]!;
  const lenses = (await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as unknown[];
  assert.ok(lenses.length > 0);
  const h = (await server.conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: sep.range.start,
  })) as { contents: { value: string } } | null;
  assert.match(h?.contents.value ?? '', /MACs/);
});

test('a TensorFlow.js model.json on disk: the server reads its weight shard next to it; a missing shard is a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-lsp-tfjs-'));
  try {
    const b = new TfjsBuilder()
      .placeholder('x', [1, 6, 6, 4])
      .weight(
        'dwf',
        [3, 3, 4, 1],
        Array.from({ length: 36 }, (_, i) => (i % 4 === 2 ? 0 : 1)),
      )
      .node('dw', 'DepthwiseConv2dNative', ['x', 'dwf'], { padding: tfString('SAME'), strides: list(1, 1, 1, 1) });
    writeFileSync(join(dir, 'group1-shard1of1.bin'), b.shard());
    const read = server.open(join(dir, 'model.json'), b.json(), 'json');
    const found = (await server.diagnostics(read.uri, 1)).diagnostics;
    assert.deepEqual(
      found.filter((d) => d.code === 'dead-depthwise-kernel').map((d) => d.data),
      [{ kind: 'dead-kernels', layer: 'dw', dead: 1, total: 4 }],
    );
    const lost = server.open(join(dir, 'other.json'), b.json(['missing.bin']), 'json');
    const warned = (await server.diagnostics(lost.uri, 1)).diagnostics;
    assert.match(
      String(warned.find((d) => d.code === 'weight-shard-unreadable')?.message),
      /missing\.bin.*no such file/,
    );
    assert.ok(!warned.some((d) => d.code === 'dead-depthwise-kernel'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('layerlint/modelReport: the report of a binary model the client read; null for data that is not base64', async () => {
  const bytes = new OnnxBuilder()
    .input('x', [1, 3, 8, 8])
    .weight('w', [4, 3, 3, 3])
    .node({ op: 'Conv', name: 'stem', inputs: ['x', 'w'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } })
    .encode();
  const result = (await server.conn.sendRequest(MODEL_REPORT_REQUEST, {
    name: 'tiny.onnx',
    data: Buffer.from(bytes).toString('base64'),
  })) as ReportResult;
  assert.equal(result.totals.macs, 8 * 8 * 4 * 27);
  assert.equal(result.format, 'onnx');
  assert.ok(result.extras);
  assert.equal(await server.conn.sendRequest(MODEL_REPORT_REQUEST, { name: 'x.onnx', data: '%%%' }), null);
});

test('layerlint/modelReport by file: URI: the server reads the model itself; null for a file it cannot read', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { pathToFileURL } = await import('node:url');
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-model-'));
  const path = join(dir, 'tiny.onnx');
  writeFileSync(
    path,
    new OnnxBuilder()
      .input('x', [1, 3, 8, 8])
      .weight('w', [4, 3, 3, 3])
      .node({ op: 'Conv', name: 'stem', inputs: ['x', 'w'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } })
      .encode(),
  );
  // A budget in the folder's layerlint.json applies, as it does to a text model.
  writeFileSync(join(dir, 'layerlint.json'), JSON.stringify({ budget: { macs: 1000 } }));
  const result = (await server.conn.sendRequest(MODEL_REPORT_REQUEST, {
    name: 'tiny.onnx',
    uri: pathToFileURL(path).toString(),
  })) as ReportResult;
  assert.equal(result.totals.macs, 8 * 8 * 4 * 27);
  assert.equal(result.budget?.macs, 1000);
  assert.ok(result.diagnostics.some((d) => d.code === 'over-budget'));
  const missing = pathToFileURL(join(dir, 'missing.onnx')).toString();
  assert.equal(await server.conn.sendRequest(MODEL_REPORT_REQUEST, { name: 'missing.onnx', uri: missing }), null);
  assert.equal(
    await server.conn.sendRequest(MODEL_REPORT_REQUEST, { name: 'y.onnx', uri: 'http://host/y.onnx' }),
    null,
  );
});

test('a profile file from the editor: the layerlint.target setting (relative to the workspace folder) and a target FILE line (relative to the spec), unusable ones said', async () => {
  const { mkdirSync } = await import('node:fs');
  const { pathToFileURL } = await import('node:url');
  const { targetProfile } = await import('../../server/src/core/targets');
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-target-file-'));
  mkdirSync(join(dir, 'profiles'));
  mkdirSync(join(dir, 'nets'));
  writeFileSync(join(dir, 'profiles', 'npu.json'), JSON.stringify({ ...targetProfile('edgetpu-int8'), id: 'my-npu' }));
  writeFileSync(
    join(dir, 'nets', 'local.json'),
    JSON.stringify({ ...targetProfile('phone-big-core-int8'), id: 'my-cpu' }),
  );
  const ws = await startTestServer({
    workspaceFolders: [pathToFileURL(dir).toString()],
    initializationOptions: { settings: { target: 'profiles/npu.json' } },
  });
  try {
    const body = 'network n\ninput 16x16x16\nc: conv 16 3x3\n';
    const a = ws.open(join(dir, 'nets', 'a.layers'), body);
    const da = await ws.diagnostics(a.uri, 1);
    assert.match(
      String(da.diagnostics.find((d) => d.code === 'channels-not-multiple-of-8')?.message),
      /below 32, the fewest channels my-npu runs/,
    );
    // The file's own target FILE line wins, relative to the spec's folder; one leaving it is refused.
    const b = ws.open(join(dir, 'nets', 'b.layers'), `target local.json\n${body}`);
    const db = await ws.diagnostics(b.uri, 1);
    assert.ok(
      db.diagnostics.some((d) => d.code === 'separable-conv' && /on my-cpu/.test(String(d.message))),
      JSON.stringify(db.diagnostics),
    );
    const c = ws.open(join(dir, 'nets', 'c.layers'), `target ../profiles/npu.json\n${body}`);
    const dc = await ws.diagnostics(c.uri, 1);
    const bad = dc.diagnostics.find((d) => d.code === 'invalid-value')!;
    assert.deepEqual(bad.range, { start: { line: 0, character: 7 }, end: { line: 0, character: 27 } });
    assert.match(String(bad.message), /the path leaves the model’s folder\. No target is set\./);
    assert.ok(!dc.diagnostics.some((d) => /my-npu/.test(String(d.message))));
    // A setting naming a missing file: target-unreadable on the network line, no target.
    await ws.conn.sendNotification('workspace/didChangeConfiguration', {
      settings: { layerlint: { target: 'profiles/missing.json' } },
    });
    const da2 = await ws.diagnostics(a.uri, 1);
    const unreadable = da2.diagnostics.find((d) => d.code === 'target-unreadable')!;
    assert.equal(unreadable.range.start.line, 0);
    assert.match(String(unreadable.message), /'profiles\/missing.json', which cannot be used: no such file/);
    assert.ok(!da2.diagnostics.some((d) => d.code === 'channels-not-multiple-of-8'));
  } finally {
    await ws.stop();
  }
});

test('a layerlint.json with problems gets diagnostics of its own at the value or key at fault, cleared once fixed', async () => {
  const { pathToFileURL } = await import('node:url');
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-config-problems-'));
  const config = join(dir, 'layerlint.json');
  writeFileSync(
    config,
    '{\n  "thresholds": {\n    "kernelOverheadShare": 50,\n    "pointwiseRatio": 6\n  },\n  "extra": 1\n}\n',
  );
  writeFileSync(join(dir, 'n.layers'), 'input 56x56x16\nc: conv 80 1x1\n');
  const configUri = pathToFileURL(config).toString();
  const { uri } = server.open(join(dir, 'n.layers'));
  const onConfig = await server.diagnostics(configUri);
  assert.deepEqual(
    onConfig.diagnostics.map((d) => [d.range, String(d.message)]),
    [
      [{ start: { line: 5, character: 2 }, end: { line: 5, character: 9 } }, "unknown key 'extra'"],
      [
        { start: { line: 2, character: 27 }, end: { line: 2, character: 29 } },
        'thresholds.kernelOverheadShare: expected a share from 0 to 1, not 50',
      ],
    ],
  );
  // The rest of the file applies: 1:5 is within pointwiseRatio 6, so unbalanced-pointwise is silent.
  const onModel = await server.diagnostics(uri, 1);
  assert.ok(!onModel.diagnostics.some((d) => d.code === 'unbalanced-pointwise'));
  writeFileSync(config, '{ "thresholds": { "pointwiseRatio": 6 } }\n');
  await server.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
  assert.deepEqual((await server.diagnostics(configUri)).diagnostics, []);
  await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await server.diagnostics(uri);
});
