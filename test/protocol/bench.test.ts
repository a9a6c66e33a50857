// `layerlint.bench` (LayerLint: Measure latency on this machine) over the protocol: the real
// server measures a small network in its bench child process with ONNX Runtime, reports
// progress with the run count, and then the lenses and hover show the measured times; after
// an edit only the whole-network median is shown, marked stale. A file bench refuses, and a
// cancelled run, end with a message and no crash; so do a missing ONNX Runtime and a crashed
// bench process (the runner on its own).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeLens, Hover } from 'vscode-languageserver-protocol';
import type { BenchReport } from '../../server/src/engine/bench';
import { ms } from '../../server/src/core/latency';
import { runBench } from '../../server/src/lsp/benchRunner';
import { startTestServer, type TestServer } from './lspClient';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'layerlint-bench-'));
before(async () => {
  server = await startTestServer({
    configuration: { bench: { threads: 1, repeats: 3 } },
    workDoneProgress: true,
    refreshLenses: true,
  });
});
after(async () => {
  await server.stop();
});

const NET =
  'network n\ninput 32x32x16\nc1: conv 32 3x3 | bn | relu\nd: dwconv 3x3 | bn | relu\np: conv 64 1x1\ng: avgpool global\nf: fc 10\n';

/** A document's lenses, each resolved (the per-line lenses come as ranges and data). */
const lensesOf = async (uri: string) =>
  (await Promise.all(
    ((await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[]).map((l) =>
      l.command ? l : server.conn.sendRequest('codeLens/resolve', l),
    ),
  )) as CodeLens[];
const titles = (lenses: CodeLens[], line: number) =>
  lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
const hoverAt = async (uri: string, line: number, character: number) => {
  const h = (await server.conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line, character },
  })) as Hover | null;
  return (h?.contents as { value: string } | undefined)?.value ?? '';
};

/** Polls the lenses until one on `line` satisfies `ok` (bounded; each poll is a real request). */
async function lensUntil(uri: string, line: number, ok: (title: string) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = titles(await lensesOf(uri), line).find(ok);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no lens on line ${line} within ${timeoutMs} ms: ${titles(await lensesOf(uri), line)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the server offers layerlint.bench, and the network line a lens that runs it', async () => {
  assert.ok(server.init.capabilities.executeCommandProvider?.commands.includes('layerlint.bench'));
  const path = join(dir, 'offer.layers');
  writeFileSync(path, NET);
  const { uri } = server.open(path, NET);
  await server.diagnostics(uri, 1);
  const lens = (await lensesOf(uri)).find((l) => l.command?.command === 'layerlint.bench');
  assert.equal(lens?.command?.title, 'Measure latency on this machine');
  assert.deepEqual(lens?.command?.arguments, [uri]);
  assert.equal(lens?.range.start.line, 0);
});

test('bench in the editor: progress with the run count, then measured times in lenses and hover; stale after an edit', async () => {
  const path = join(dir, 'n.layers');
  writeFileSync(path, NET);
  const { uri } = server.open(path, NET);
  await server.diagnostics(uri, 1);
  const refreshes = server.lensRefreshes();
  const pending = server.conn.sendRequest('workspace/executeCommand', { command: 'layerlint.bench', arguments: [uri] });
  const network = await lensUntil(uri, 0, (t) => t.startsWith('measured '));
  assert.match(
    network,
    /^measured \d[\d.]* ms on this machine, 1 thread, median of 3 \(spread [\d.]+ ms – [\d.]+ ms\)$/,
  );
  const report = (await pending) as BenchReport;
  assert.equal(report.repeats, 3);
  assert.equal(report.threads, 1);
  assert.ok(report.minMs <= report.medianMs && report.medianMs <= report.maxMs);
  assert.ok(server.lensRefreshes() > refreshes, 'the server asked the client to refresh its lenses');

  // Progress: begin with how many runs, a report per run (3 warm-up + 3 timed), end.
  const begin = server.progress().find((p) => p.value.kind === 'begin' && p.value.title?.includes('n.layers'))!;
  assert.equal(begin.value.message, '3 warm-up + 3 timed runs, 1 thread');
  const mine = server.progress().filter((p) => p.token === begin.token);
  assert.deepEqual(
    mine.filter((p) => p.value.kind === 'report').map((p) => p.value.message?.replace(/ \(.*\)$/, '')),
    ['run 1 of 6', 'run 2 of 6', 'run 3 of 6', 'run 4 of 6', 'run 5 of 6', 'run 6 of 6'],
  );
  assert.equal(mine[mine.length - 1]!.value.kind, 'end');
  assert.ok(
    server
      .messages()
      .some((m) => m.type === 3 && /n\.layers measured .* ms on this machine \(1 thread, median of 3/.test(m.message)),
  );

  // Each weighted line: its kernels' measured time beside its MACs.
  const lenses = await lensesOf(uri);
  const line3 = report.layers.filter((l) => l.line === 3);
  assert.deepEqual(
    line3.map((l) => l.name),
    ['c1'],
  );
  const expected = ` · measured ${ms(line3[0]!.measuredMs)}`;
  assert.ok(
    titles(lenses, 2).some((t) => t.includes(expected)),
    `${titles(lenses, 2)} has ${expected}`,
  );
  const layerHover = await hoverAt(uri, 2, 5);
  assert.match(layerHover, /\*\*Measured\*\* [\d.]+ ms on this machine, 1 thread, median of 3, onnxruntime-node/);
  assert.match(await hoverAt(uri, 0, 9), /\| measured \| measured [\d.]+ ms on this machine, 1 thread, median of 3/);

  // An edit: the whole-network median stays, marked stale; per-line times go.
  const edited = NET.replace('fc 10', 'fc 20');
  await server.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: edited }],
  });
  await server.diagnostics(uri, 2);
  const after = await lensesOf(uri);
  assert.match(titles(after, 0).join('|'), /measured [\d.]+ ms before your last edit \(1 thread\)/);
  assert.ok(!after.some((l) => l.range.start.line > 0 && l.command?.title.includes('measured')));
  assert.match(await hoverAt(uri, 2, 5), /Measured before your last edit/);
  // Back to the measured text (undo): current again.
  await server.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 3 },
    contentChanges: [{ text: NET }],
  });
  await server.diagnostics(uri, 3);
  assert.ok(titles(await lensesOf(uri), 2).some((t) => t.includes(' · measured ')));
});

test('a file bench cannot write: a warning naming why, no measurement, the server carries on', async () => {
  // A Caffe PriorBox (SSD) has no ONNX form in the writer.
  const text =
    'input: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\nlayer { name: "p" type: "PriorBox" bottom: "data" bottom: "data" top: "p" prior_box_param { min_size: 30 } }\n';
  const path = join(dir, 'u.prototxt');
  writeFileSync(path, text);
  const { uri } = server.open(path, text, 'prototxt');
  await server.diagnostics(uri, 1);
  const before = server.messages().length;
  const r = await server.conn.sendRequest('workspace/executeCommand', { command: 'layerlint.bench', arguments: [uri] });
  assert.equal(r, null);
  const said = server.messages().slice(before);
  assert.equal(said.length, 1);
  assert.equal(said[0]!.type, 2);
  assert.match(
    said[0]!.message,
    /^LayerLint: u\.prototxt cannot be measured: p: PriorBox \(priorbox\) has no ONNX form here$/,
  );
  assert.ok(!(await lensesOf(uri)).some((l) => l.command?.title.startsWith('measured')));
  // Without a document (the palette with no editor open): a message, not an error.
  assert.equal(
    await server.conn.sendRequest('workspace/executeCommand', { command: 'layerlint.bench', arguments: [] }),
    null,
  );
  assert.match(server.messages().at(-1)!.message, /open a model file/);
});

test('a run cancelled from its progress stops the bench process and measures nothing', async () => {
  const path = join(dir, 'long.layers');
  writeFileSync(path, NET);
  // Many repeats: the run would take long; cancel it as soon as it began.
  const s = await startTestServer({ configuration: { bench: { repeats: 10000 } }, workDoneProgress: true });
  try {
    const { uri: u } = s.open(path, NET);
    await s.diagnostics(u, 1);
    const pending = s.conn.sendRequest('workspace/executeCommand', { command: 'layerlint.bench', arguments: [u] });
    const deadline = Date.now() + 30_000;
    while (!s.progress().some((p) => p.value.kind === 'report') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const token = s.progress().find((p) => p.value.kind === 'begin')!.token;
    await s.conn.sendNotification('window/workDoneProgress/cancel', { token });
    assert.equal(await pending, null);
    assert.equal(s.progress().at(-1)!.value.kind, 'end');
    assert.ok(
      !((await s.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: u } })) as CodeLens[]).some((l) =>
        l.command?.title.startsWith('measured'),
      ),
    );
    assert.deepEqual(
      s.messages().filter((m) => m.type <= 2),
      [],
    );
  } finally {
    await s.stop();
  }
});

test('another format: a Caffe prototxt is measured, each layer on its own line', async () => {
  const { uri } = server.open('examples/mobilenet_v1.prototxt', undefined, 'prototxt');
  await server.diagnostics(uri, 1);
  assert.ok((await lensesOf(uri)).some((l) => l.command?.title === 'Measure latency on this machine'));
  const report = (await server.conn.sendRequest('workspace/executeCommand', {
    command: 'layerlint.bench',
    arguments: [uri],
  })) as BenchReport;
  assert.equal(report.network, 'MobileNet_v1');
  const conv1 = report.layers.find((l) => l.name === 'conv1')!;
  const line = titles(await lensesOf(uri), conv1.line - 1).join('|');
  assert.ok(line.includes(` · measured ${ms(conv1.measuredMs)}`), line);
});

test('the bench runner: ONNX Runtime missing, a crashed bench process and a missing bench program each end in a message', async () => {
  const request = {
    text: NET,
    fileName: 'n.layers',
    uri: 'untitled:n.layers',
    options: {},
    threads: 1,
    warmup: 1,
    repeats: 1,
  };
  // The real bench bundle (with the chunks it loads on first use, as installed) where no
  // node_modules can be found: onnxruntime-node is not installed there.
  const alone = mkdtempSync(join(tmpdir(), 'layerlint-no-ort-'));
  copyFileSync('dist/bench.js', join(alone, 'bench.js'));
  cpSync('dist/lazy', join(alone, 'lazy'), { recursive: true });
  const unavailable = await runBench(join(alone, 'bench.js'), request, () => undefined).outcome;
  assert.ok('unavailable' in unavailable, JSON.stringify(unavailable));
  assert.match(
    unavailable.unavailable,
    /^ONNX Runtime for Node is not installed \(an optional dependency\): npm install onnxruntime-node/,
  );
  // A process that dies without an outcome: how it ended and the end of its stderr.
  writeFileSync(join(alone, 'crash.js'), "process.stderr.write('native failure here\\n'); process.exit(3);\n");
  const crashed = await runBench(join(alone, 'crash.js'), request, () => undefined).outcome;
  assert.deepEqual(crashed, { failed: 'the bench process ended without a result (exit code 3): native failure here' });
  const missing = await runBench(join(alone, 'nope.js'), request, () => undefined).outcome;
  assert.ok('failed' in missing && /nope\.js is missing from this installation/.test(missing.failed));
});
