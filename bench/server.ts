// Editor latency, memory and start-up against the real bundled server process: time from
// didChange to the matching publishDiagnostics (debounce 0), response times of code lens
// (first request of a version, and the same request again from the version's cache, with
// the response's size; then the resolves of one screen of lenses, sent at once), hover, inlay hints and code actions, resident memory with 100,000
// layers open and after 1,000 edits, and time from spawn to the initialize response.
import { readFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLens, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { startTestServer, type TestServer } from '../test/protocol/lspClient';
import { generateLayers } from './generate';
import { summarize, type Figure } from './stats';

const FAST = { settings: { debounceMs: 0 } };
/**
 * Node flags for the server process: none, as the VS Code client starts it
 * (client/src/extension.ts), plus any in LAYERLINT_SERVER_FLAGS (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof` to profile the server).
 */
export const SERVER_FLAGS = process.env.LAYERLINT_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The kinds of edit a person makes: an option typed, a channel count changed, a line inserted. */
function personEdit(doc: TextDocument, i: number): TextDocumentContentChangeEvent {
  const text = doc.getText();
  const kind = i % 3;
  if (kind === 0) {
    const at = text.indexOf('stride=1 padding=same', (i * 7919) % Math.max(1, text.length - 100));
    const off = at >= 0 ? at : text.indexOf('stride=');
    const p = doc.positionAt(off + 'stride='.length);
    return { range: { start: p, end: { line: p.line, character: p.character + 1 } }, text: '1' };
  }
  if (kind === 1) {
    const at = text.indexOf('conv 32 1x1', (i * 104729) % Math.max(1, text.length - 100));
    const off = at >= 0 ? at : text.indexOf('conv 32 1x1');
    const p = doc.positionAt(off + 'conv '.length);
    return { range: { start: p, end: { line: p.line, character: p.character + 2 } }, text: i % 2 ? '32' : '48' };
  }
  const line = Math.min(doc.lineCount - 1, 12 + ((i * 31) % Math.max(1, doc.lineCount - 12)));
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '# a comment typed here\n' };
}

async function editLatency(server: TestServer, layers: number, edits: number): Promise<Figure[]> {
  const path = `bench-${layers}.layers`;
  const { uri, text } = server.open(path, generateLayers(layers));
  await server.diagnostics(uri, 1, 120_000);
  let doc = TextDocument.create(uri, 'layerspec', 1, text);
  const diag: number[] = [];
  const lens: number[] = [];
  const lensCached: number[] = [];
  const lensResolve: number[] = [];
  const hover: number[] = [];
  const hints: number[] = [];
  const actions: number[] = [];
  const time = async (bucket: number[], f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    bucket.push(performance.now() - t);
  };
  for (let i = 0; i < edits; i++) {
    const change = personEdit(doc, i);
    doc = TextDocument.update(doc, [change], doc.version + 1);
    const t = performance.now();
    const wait = server.diagnostics(uri, doc.version, 60_000);
    void server.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: doc.version },
      contentChanges: [change],
    });
    const published = await wait;
    diag.push(performance.now() - t);
    const line = Math.min(doc.lineCount - 1, 15 + (i % 200));
    let lenses: CodeLens[] = [];
    await time(lens, async () => {
      lenses = await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    });
    // The same request again: served from the version's cache, so what is left is the transfer.
    await time(lensCached, () => server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } }));
    // What VS Code then resolves: the unresolved lenses of one screen (~50 lines), all at once.
    const onScreen = lenses.filter((l) => !l.command && l.range.start.line >= line && l.range.start.line < line + 50);
    await time(lensResolve, () => Promise.all(onScreen.map((l) => server.conn.sendRequest('codeLens/resolve', l))));
    await time(hover, () =>
      server.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 6 } }),
    );
    await time(hints, () =>
      server.conn.sendRequest('textDocument/inlayHint', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 80, character: 0 } },
      }),
    );
    await time(actions, () =>
      server.conn.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        context: { diagnostics: published.diagnostics.slice(0, 1) },
      }),
    );
  }
  const lastLenses = (await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as unknown[];
  const lensCount = lastLenses.length;
  const lensKb = Buffer.byteLength(JSON.stringify(lastLenses)) / 1024;
  await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  const out: Figure[] = [];
  const diagTarget = layers <= 1_000 ? 10 : 50;
  const d = summarize(diag);
  out.push({ name: `latency.${layers}.edit_to_diagnostics.p50_ms`, value: d.median, unit: 'ms' });
  out.push({
    name: `latency.${layers}.edit_to_diagnostics.p99_ms`,
    value: d.p99,
    unit: 'ms',
    target: { op: '<', value: diagTarget },
    note: `${edits} edits`,
  });
  for (const [name, samples] of [
    ['code_lens', lens],
    ['code_lens_cached', lensCached],
    ['code_lens_resolve_screen', lensResolve],
    ['hover', hover],
    ['inlay_hints', hints],
    ['code_actions', actions],
  ] as const) {
    const s = summarize(samples);
    out.push({ name: `latency.${layers}.${name}.p50_ms`, value: s.median, unit: 'ms' });
    out.push({
      name: `latency.${layers}.${name}.p99_ms`,
      value: s.p99,
      unit: 'ms',
      target:
        layers >= 10_000 && (name === 'code_lens' || name === 'hover' || name === 'inlay_hints')
          ? { op: '<', value: 5 }
          : undefined,
    });
  }
  out.push({ name: `latency.${layers}.code_lens.response_kb`, value: lensKb, unit: 'KB', note: `${lensCount} lenses` });
  return out;
}

async function memory(): Promise<Figure[]> {
  const server = await startTestServer({
    initializationOptions: { settings: { debounceMs: 10 } },
    execArgv: SERVER_FLAGS,
  });
  try {
    const { uri, text } = server.open('bench-mem.layers', generateLayers(100_000));
    await server.diagnostics(uri, 1, 120_000);
    const base = rssMb(server.proc.pid!);
    let doc = TextDocument.create(uri, 'layerspec', 1, text);
    for (let burst = 0; burst < 100; burst++) {
      let wait;
      for (let k = 0; k < 10; k++) {
        const change = personEdit(doc, burst * 10 + k);
        doc = TextDocument.update(doc, [change], doc.version + 1);
        if (k === 9) wait = server.diagnostics(uri, doc.version, 120_000);
        void server.conn.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: doc.version },
          contentChanges: [change],
        });
      }
      await wait;
    }
    const after = rssMb(server.proc.pid!);
    return [
      { name: 'memory.100k_open.rss_mb', value: base, unit: 'MB', target: { op: '<', value: 200 } },
      {
        name: 'memory.100k_after_1000_edits.rss_mb',
        value: after,
        unit: 'MB',
        target: { op: '<', value: 200 },
        note: `growth ${(after - base).toFixed(1)} MB`,
      },
    ];
  } finally {
    await server.stop();
  }
}

async function startup(): Promise<Figure[]> {
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const s = await startTestServer({ execArgv: SERVER_FLAGS });
    samples.push(performance.now() - t);
    await s.stop();
  }
  const s = summarize(samples);
  return [
    {
      name: 'startup.spawn_to_initialize.median_ms',
      value: s.median,
      unit: 'ms',
      target: { op: '<', value: 150 },
      note: `p90 ${s.p90.toFixed(1)} ms over 10 starts`,
    },
  ];
}

export async function serverBench(): Promise<Figure[]> {
  const figures: Figure[] = [...(await startup())];
  const server = await startTestServer({ initializationOptions: FAST, execArgv: SERVER_FLAGS });
  try {
    figures.push(...(await editLatency(server, 1_000, 300)));
    figures.push(...(await editLatency(server, 10_000, 200)));
  } finally {
    await server.stop();
  }
  figures.push(...(await memory()));
  return figures;
}
