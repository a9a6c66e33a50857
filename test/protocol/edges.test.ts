// The language server at the edges of the protocol: framing errors on stdin (negative or
// non-numeric Content-Length, a body longer than declared, LF-only headers, and fuzzed
// mutations of a valid stream) end the process with a message, never leave it alive and
// deaf; URIs that do not decode (`100%.layers`, a host) still get diagnostics; a change
// without a new version is analysed; requests after `shutdown` and a second `initialize`
// are errors. FRAMING_RUNS scales the fuzzed streams (docs/reliability.md has the figures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RawServer, type Message } from './rawClient';

const TEXT = 'network t\ninput 32x32x16\nconv1: conv 32 3x3 | bn | relu\n';
const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const request = (id: number, method: string, params: unknown) =>
  frame(JSON.stringify({ jsonrpc: '2.0', id, method, params }));

async function started(): Promise<RawServer> {
  const s = new RawServer();
  const init = await s.request('initialize', { processId: null, rootUri: null, capabilities: {} });
  assert.ok((init.result as { capabilities: object }).capabilities);
  s.notify('initialized', {});
  return s;
}

/** Resolves with the exit code, or undefined if the process still runs after `ms`. */
function exitWithin(s: RawServer, ms: number): Promise<number | undefined> {
  if (s.exited !== null) return Promise.resolve(s.exited);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    s.proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

async function hover(s: RawServer, uri: string, line = 2, timeoutMs = 15_000): Promise<Message> {
  return s.request('textDocument/hover', { textDocument: { uri }, position: { line, character: 10 } }, timeoutMs);
}

const open = (s: RawServer, uri: string, text = TEXT, version = 1) =>
  s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'layerspec', version, text } });

for (const [what, bytes] of [
  ['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}'],
  ['a non-numeric Content-Length', 'Content-Length: abc\r\n\r\n{}'],
  ['a body longer than declared', `Content-Length: 2\r\n\r\n{}xx${request(50, 'shutdown', null)}`],
  ['LF-only headers', 'Content-Length: 2\n\n{}'],
  ['a header without Content-Length', 'Content-Type: x\r\n\r\n{}'],
] as const) {
  test(`framing: ${what} ends the server with a message (exit 1), not a deaf process`, async () => {
    const s = await started();
    s.proc.stdin.write(bytes);
    const code = await exitWithin(s, 10_000);
    assert.equal(code, 1, `still running; stderr: ${s.stderr}`);
    assert.match(s.stderr, /framing error on stdin: /);
    s.proc.kill();
  });
}

test('fuzz: a valid stream with bytes of its headers changed: answered or ended, never deaf', async () => {
  const valid = request(7, 'textDocument/hover', {
    textDocument: { uri: 'file:///f.layers' },
    position: { line: 0, character: 0 },
  });
  const headerEnd = valid.indexOf('\r\n\r\n') + 4;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: headerEnd - 1 }),
      fc.constantFrom('delete', 'insert', 'replace'),
      fc.constantFrom('\n', '\r', '-', 'x', ' ', '9', ':', '\u0000'),
      async (at, how, ch) => {
        runs++;
        const mutated =
          how === 'delete'
            ? valid.slice(0, at) + valid.slice(at + 1)
            : how === 'insert'
              ? valid.slice(0, at) + ch + valid.slice(at)
              : valid.slice(0, at) + ch + valid.slice(at + 1);
        const s = await started();
        try {
          s.proc.stdin.write(mutated);
          // Either the server ends (a framing error it reported) or it still answers.
          const code = await exitWithin(s, 1_500);
          if (code !== undefined) {
            assert.equal(code, 1);
            assert.match(s.stderr, /framing error on stdin: /);
          } else {
            // A length made larger than the body is waited for: later frames fill it, and
            // then the stream is either back in step (the last request is answered) or not (a
            // framing error ends the server).
            open(s, 'file:///f.layers');
            let last = 0;
            for (let k = 0; k < 30; k++)
              last = s.requestId('textDocument/hover', {
                textDocument: { uri: 'file:///f.layers' },
                position: { line: 2, character: 10 },
              });
            const outcome = await Promise.race([
              s.await(last, 'hover', 10_000).then(() => 'answered'),
              exitWithin(s, 10_000).then((c) => (c === undefined ? 'deaf' : `exit ${c}`)),
            ]).catch(() => 'deaf');
            assert.ok(
              outcome === 'answered' || outcome === 'exit 1',
              `${JSON.stringify(mutated.slice(0, headerEnd + 2))}: ${outcome}`,
            );
          }
        } finally {
          s.proc.kill();
        }
      },
    ),
    { seed: 20240611, numRuns: Number(process.env.FRAMING_RUNS ?? 12) },
  );
  assert.ok(runs > 0);
});

test('URIs that do not decode or name a host still get diagnostics and answers', async () => {
  const s = await started();
  try {
    for (const uri of [
      'file:///x/100%.layers',
      'file://host/share/a.layers',
      'file:///x/%E0%A4%A.layers',
      'untitled:Untitled-1',
    ]) {
      open(s, uri, 'input 8x8x3\nc: conv 8 3x3 | bogus\n');
      const h = await hover(s, uri, 1);
      assert.equal(h.error, undefined, `${uri}: ${JSON.stringify(h.error)}`);
      const deadline = Date.now() + 5_000;
      while (
        !s.notifications.some(
          (n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri,
        )
      ) {
        assert.ok(Date.now() < deadline, `no diagnostics for ${uri}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } finally {
    await s.stop();
  }
});

test('a didChange that keeps the version is analysed, not served from the cache', async () => {
  const s = await started();
  try {
    const uri = 'file:///v.layers';
    open(s, uri);
    const before = await hover(s, uri);
    assert.match(JSON.stringify(before.result), /4,718,592/);
    s.notify('textDocument/didChange', {
      textDocument: { uri, version: 1 },
      contentChanges: [{ text: TEXT.replace('conv 32 3x3', 'conv 64 5x5') }],
    });
    const after = await hover(s, uri);
    assert.match(JSON.stringify(after.result), /26,214,400/); // 32 × 32 × 64 × 16 × 5 × 5
  } finally {
    await s.stop();
  }
});

test('a second initialize and requests after shutdown are InvalidRequest; exit then ends with 0', async () => {
  const s = await started();
  open(s, 'file:///s.layers');
  const again = await s.request('initialize', { processId: null, rootUri: null, capabilities: {} });
  assert.equal(again.error?.code, -32600);
  assert.equal((await hover(s, 'file:///s.layers')).error, undefined);
  const down = await s.request('shutdown', null);
  assert.equal(down.error, undefined);
  for (const method of ['textDocument/hover', 'textDocument/codeLens', 'workspace/executeCommand', 'shutdown']) {
    const r = await s.request(
      method,
      method === 'shutdown'
        ? null
        : { textDocument: { uri: 'file:///s.layers' }, position: { line: 0, character: 0 }, command: 'x' },
    );
    assert.equal(r.error?.code, -32600, method);
  }
  s.notify('exit', null);
  assert.equal(await exitWithin(s, 5_000), 0);
});
