// The real bundled server under abuse: malformed JSON-RPC, wrong parameter types, unknown
// methods, requests before `initialize`, edits of documents never opened, positions and
// ranges outside the document, and a burst of 1,000 edits with cancellations. After each,
// the server must still answer a hover correctly, and its memory (VmRSS) stay bounded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RawServer } from './rawClient';

const HEALTH_URI = 'file:///abuse/health.layers';
const HEALTH_TEXT = readFileSync('examples/mobilenet_v1.layers', 'utf8');
const CONV1 = HEALTH_TEXT.split('\n').findIndex((l) => l.startsWith('conv1:'));
const DOC = 'file:///abuse/doc.layers';
/** Generous: the server starts at ~50 MB; a leak of the 1,000 edits would show far above. */
const RSS_BOUND_KIB = 400 * 1024;

let server: RawServer;
const rss: Record<string, number> = {};

async function healthy(step: string): Promise<void> {
  assert.equal(server.exited, null, `server exited after ${step}: ${server.stderr}`);
  const r = await server.request('textDocument/hover', {
    textDocument: { uri: HEALTH_URI },
    position: { line: CONV1, character: 12 },
  });
  assert.equal(r.error, undefined, `${step}: ${JSON.stringify(r.error)}`);
  const value = (r.result as { contents: { value: string } } | null)?.contents.value ?? '';
  assert.match(value, /\*\*conv1\*\*/, `hover after ${step}`);
  rss[step] = server.rssKiB();
  assert.ok(rss[step]! < RSS_BOUND_KIB, `${step}: VmRSS ${rss[step]} KiB`);
}

before(() => {
  server = new RawServer();
});
after(async () => {
  console.log(
    `# server VmRSS (KiB): ${Object.entries(rss)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  await server.stop();
});

test('requests before initialize are refused with ServerNotInitialized, notifications dropped', async () => {
  const r = await server.request('textDocument/hover', {
    textDocument: { uri: HEALTH_URI },
    position: { line: 0, character: 0 },
  });
  assert.equal(r.error?.code, -32002);
  server.notify('textDocument/didOpen', {
    textDocument: { uri: DOC, languageId: 'layerspec', version: 1, text: 'input 8x8x3\n' },
  });
  const init = await server.request('initialize', { processId: null, rootUri: null, capabilities: {} });
  assert.ok((init.result as { capabilities: object }).capabilities);
  server.notify('initialized', {});
  server.notify('textDocument/didOpen', {
    textDocument: { uri: HEALTH_URI, languageId: 'layerspec', version: 1, text: HEALTH_TEXT },
  });
  await healthy('initialize');
});

test('garbage bytes and invalid JSON with a valid Content-Length header', async () => {
  server.sendRaw(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x7b, 0x22]));
  server.sendRaw('{"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {');
  server.sendRaw('[1, 2, 3]');
  server.sendRaw('null');
  server.sendRaw('"just a string"');
  server.sendRaw('{"jsonrpc": "2.0", "id": {"nested": true}, "method": 42}');
  await healthy('garbage');
});

test('wrong parameter types are answered (or ignored), never fatal', async () => {
  const bad: [string, unknown][] = [
    ['textDocument/hover', { textDocument: { uri: HEALTH_URI }, position: 'abc' }],
    ['textDocument/hover', { textDocument: null, position: { line: 0, character: 0 } }],
    ['textDocument/hover', null],
    ['textDocument/hover', { textDocument: { uri: HEALTH_URI }, position: { line: 'x', character: [] } }],
    ['textDocument/completion', { textDocument: { uri: HEALTH_URI }, position: { line: 1.5, character: NaN } }],
    ['textDocument/inlayHint', { textDocument: { uri: HEALTH_URI }, range: 7 }],
    ['textDocument/codeAction', { textDocument: { uri: HEALTH_URI }, range: null, context: null }],
    [
      'textDocument/codeAction',
      {
        textDocument: { uri: HEALTH_URI },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: 'x' },
      },
    ],
    [
      'textDocument/rename',
      { textDocument: { uri: HEALTH_URI }, position: { line: CONV1, character: 1 }, newName: 42 },
    ],
    ['textDocument/references', { textDocument: { uri: HEALTH_URI }, position: { line: CONV1, character: 1 } }],
    ['workspace/executeCommand', { command: 'layerlint.setWidth', arguments: [HEALTH_URI, 'wide'] }],
    ['workspace/executeCommand', { command: 'layerlint.applySeparable', arguments: [{}, null, -1] }],
    ['layerlint/report', { uri: 17 }],
    ['layerlint/report', null],
  ];
  for (const [method, params] of bad) {
    const r = await server.request(method, params);
    assert.ok(r.error === undefined || typeof r.error.code === 'number', method);
  }
  server.notify('textDocument/didOpen', { textDocument: { uri: DOC, languageId: 'layerspec', version: 1, text: 42 } });
  server.notify('textDocument/didChange', { textDocument: { uri: DOC, version: 2 }, contentChanges: 'x' });
  server.notify('textDocument/didClose', { textDocument: 'nope' });
  server.notify('workspace/didChangeConfiguration', {
    settings: { layerlint: { rules: 7, thresholds: 'x', debounceMs: -5 } },
  });
  await healthy('wrong types');
});

test('unknown methods: requests get MethodNotFound, notifications are ignored', async () => {
  const r = await server.request('layerlint/noSuchRequest', {});
  assert.equal(r.error?.code, -32601);
  server.notify('layerlint/noSuchNotification', { a: 1 });
  server.notify('$/noSuchThing', {});
  await healthy('unknown methods');
});

test('didChange and requests for a document never opened', async () => {
  const uri = 'file:///abuse/never-opened.layers';
  server.notify('textDocument/didChange', {
    textDocument: { uri, version: 5 },
    contentChanges: [{ text: 'input 8x8x3\n' }],
  });
  server.notify('textDocument/didChange', {
    textDocument: { uri, version: 6 },
    contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, text: 'x' }],
  });
  const r = await server.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
  assert.equal(r.result, null);
  server.notify('textDocument/didClose', { textDocument: { uri } });
  await healthy('never opened');
});

test('positions and ranges outside the document (negative, huge) are clamped', async () => {
  const positions = [
    { line: -1, character: -1 },
    { line: 1e9, character: 1e9 },
    { line: 0, character: -5 },
    { line: CONV1, character: 2 ** 31 },
    { line: Number.MAX_SAFE_INTEGER, character: 0 },
  ];
  for (const position of positions) {
    for (const method of [
      'textDocument/hover',
      'textDocument/completion',
      'textDocument/signatureHelp',
      'textDocument/definition',
      'textDocument/prepareRename',
    ]) {
      const r = await server.request(method, { textDocument: { uri: HEALTH_URI }, position });
      assert.equal(r.error, undefined, `${method} at ${JSON.stringify(position)}: ${JSON.stringify(r.error)}`);
    }
    const range = { start: position, end: { line: position.line + 5, character: 0 } };
    const hints = await server.request('textDocument/inlayHint', { textDocument: { uri: HEALTH_URI }, range });
    assert.equal(hints.error, undefined);
    const actions = await server.request('textDocument/codeAction', {
      textDocument: { uri: HEALTH_URI },
      range,
      context: { diagnostics: [] },
    });
    assert.equal(actions.error, undefined);
  }
  // An incremental edit with an out-of-range range is applied at the clamped place.
  server.notify('textDocument/didOpen', {
    textDocument: { uri: DOC, languageId: 'layerspec', version: 1, text: 'input 8x8x3\n' },
  });
  server.notify('textDocument/didChange', {
    textDocument: { uri: DOC, version: 2 },
    contentChanges: [
      { range: { start: { line: -3, character: -3 }, end: { line: -1, character: 0 } }, text: 'network n\n' },
      { range: { start: { line: 1e6, character: 0 }, end: { line: 1e6, character: 5 } }, text: 'c: conv 8 3x3\n' },
    ],
  });
  const report = await server.request('layerlint/report', { uri: DOC });
  assert.equal((report.result as { network: string }).network, 'n');
  assert.equal((report.result as { layers: unknown[] }).layers.length, 1);
  await healthy('out-of-range positions');
});

/** Opens `uri`, sends 1,000 incremental edits each followed by a hover (every tenth: code lenses), cancels two in three. */
async function burst(uri: string): Promise<void> {
  let text = 'network burst\ninput 64x64x3\n';
  server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'layerspec', version: 1, text } });
  const ids: number[] = [];
  for (let v = 2; v <= 1001; v++) {
    const line = `c${v}: conv ${8 * (1 + (v % 4))} 3x3 | bn | relu\n`;
    const end = text.split('\n').length - 1;
    server.notify('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line: end, character: 0 }, end: { line: end, character: 0 } }, text: line }],
    });
    text += line;
    const lens = v % 10 === 0;
    const id = server.requestId(
      lens ? 'textDocument/codeLens' : 'textDocument/hover',
      lens ? { textDocument: { uri } } : { textDocument: { uri }, position: { line: end, character: 3 } },
    );
    ids.push(id);
    if (v % 3) server.notify('$/cancelRequest', { id });
  }
  server.notify('$/cancelRequest', { id: 123456 });
  const answers = await Promise.all(ids.map((id) => server.await(id, `burst request ${id}`, 60_000)));
  for (const a of answers) assert.ok(a.error === undefined || a.error.code === -32800, JSON.stringify(a.error));
  const report = await server.request('layerlint/report', { uri }, 60_000);
  assert.equal((report.result as { layers: unknown[] }).layers.length, 3000, 'every edit applied, in order');
  server.notify('textDocument/didClose', { textDocument: { uri } });
}

test('two bursts of 1,000 edits with $/cancelRequest in between; memory stays bounded and does not grow per burst', async () => {
  await burst('file:///abuse/burst1.layers');
  await healthy('1,000 edits');
  await burst('file:///abuse/burst2.layers');
  await healthy('2,000 edits');
  assert.ok(
    rss['2,000 edits']! < 1.5 * rss['1,000 edits']!,
    `VmRSS ${rss['1,000 edits']} KiB after one burst, ${rss['2,000 edits']} KiB after two`,
  );
});
