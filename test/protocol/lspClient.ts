// A minimal LSP client for protocol tests: spawns the real bundled server over stdio and
// speaks JSON-RPC to it. Waits are event-driven (resolve on the matching notification),
// bounded by a deadline, never fixed sleeps.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type InitializeResult,
} from 'vscode-languageserver-protocol/node';

export const SERVER = resolve('dist/server.js');

export interface TestServer {
  conn: ProtocolConnection;
  proc: ChildProcessWithoutNullStreams;
  init: InitializeResult;
  stderr: () => string;
  /** The window/logMessage lines so far (what VS Code shows in the LayerLint output channel). */
  logs: () => string[];
  /** The window/showMessage notifications so far (type 1 error, 2 warning, 3 info). */
  messages: () => { type: number; message: string }[];
  /** The $/progress notifications so far, in order. */
  progress: () => {
    token: string | number;
    value: { kind: string; title?: string; message?: string; percentage?: number };
  }[];
  /** How many workspace/codeLens/refresh requests the server sent (with `refreshLenses`). */
  lensRefreshes: () => number;
  /** Resolves with the next publishDiagnostics for `uri` (with `version` if given). */
  diagnostics(uri: string, version?: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(path: string, text?: string, languageId?: string): { uri: string; text: string };
  stop(): Promise<void>;
}

export async function startTestServer(
  options: {
    configuration?: unknown;
    initializationOptions?: unknown /** Node flags for the server process (the VS Code client passes some). */;
    execArgv?: string[];
    /** Declare window.workDoneProgress: the server may create progress tokens. */
    workDoneProgress?: boolean;
    /** Declare workspace.codeLens.refreshSupport. */
    refreshLenses?: boolean;
    /** The workspace folders (file URIs) to initialize with; none by default. */
    workspaceFolders?: string[];
  } = {},
): Promise<TestServer> {
  const proc = spawn(process.execPath, [...(options.execArgv ?? []), SERVER, '--stdio'], { stdio: 'pipe' });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiters: { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  const seen: PublishDiagnosticsParams[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const i = waiters.findIndex((w) => w.uri === p.uri && (w.version === undefined || w.version === p.version));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(p);
    else seen.push(p);
  });
  const logs: string[] = [];
  conn.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) =>
    p.items.map(() => options.configuration ?? null),
  );
  conn.onRequest('workspace/applyEdit', () => ({ applied: true }));
  const messages: { type: number; message: string }[] = [];
  conn.onNotification('window/showMessage', (p: { type: number; message: string }) => {
    messages.push(p);
  });
  const progress: ReturnType<TestServer['progress']> = [];
  conn.onNotification('$/progress', (p: ReturnType<TestServer['progress']>[number]) => {
    progress.push(p);
  });
  conn.onRequest('window/workDoneProgress/create', () => null);
  let lensRefreshes = 0;
  conn.onRequest('workspace/codeLens/refresh', () => {
    lensRefreshes++;
    return null;
  });
  conn.onRequest('workspace/inlayHint/refresh', () => null);
  conn.listen();
  const init = (await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    ...(options.workspaceFolders
      ? { workspaceFolders: options.workspaceFolders.map((uri, i) => ({ uri, name: `folder${i}` })) }
      : {}),
    capabilities: {
      workspace: {
        configuration: options.configuration !== undefined,
        applyEdit: true,
        ...(options.refreshLenses ? { codeLens: { refreshSupport: true } } : {}),
      },
      ...(options.workDoneProgress ? { window: { workDoneProgress: true } } : {}),
      textDocument: { publishDiagnostics: { versionSupport: true } },
    },
    initializationOptions: options.initializationOptions,
  })) as InitializeResult;
  await conn.sendNotification('initialized', {});
  return {
    conn,
    proc,
    logs: () => logs,
    messages: () => messages,
    progress: () => progress,
    lensRefreshes: () => lensRefreshes,
    init,
    stderr: () => err,
    diagnostics(uri, version, timeoutMs = 10_000) {
      const i = seen.findIndex((p) => p.uri === uri && (version === undefined || p.version === version));
      if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]!);
      return new Promise((res, rej) => {
        const timer = setTimeout(
          () => rej(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms; stderr: ${err}`)),
          timeoutMs,
        );
        waiters.push({
          uri,
          version,
          resolve: (p) => {
            clearTimeout(timer);
            res(p);
          },
        });
      });
    },
    open(path, text, languageId = 'layerspec') {
      const body = text ?? readFileSync(path, 'utf8');
      const uri = pathToFileURL(resolve(path)).toString();
      void conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text: body } });
      return { uri, text: body };
    },
    async stop() {
      try {
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
      } catch {
        /* the process may already be gone */
      }
      // Let the server exit on its own (so that --cpu-prof and the like can write their files).
      if (proc.exitCode === null && proc.signalCode === null) {
        await new Promise<void>((done) => {
          const timer = setTimeout(done, 2000);
          proc.once('exit', () => {
            clearTimeout(timer);
            done();
          });
        });
      }
      conn.dispose();
      proc.kill();
    },
  };
}
