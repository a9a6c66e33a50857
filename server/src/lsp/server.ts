// startServer(connection): the server's state (settings, analysis cache, published
// diagnostics), document lifecycle and commands; the capabilities and the feature requests
// are wired in handlers.ts. No analysis logic lives here. Works over any transport (stdio, IPC, a web
// worker) and with any client: settings come from workspace/configuration when the
// client supports it, defaults otherwise.
import {
  CodeLensRefreshRequest,
  DiagnosticSeverity,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ShowMessageNotification,
  ResponseError,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { EngineOptions } from '../engine/analyzeSource';
import { VERSION } from '../engine/version';
import { looksLikeKeras, modelFormat } from '../formats/sniff';
import { AnalysisCache, debounceDelay, fileNameOf } from './documents';
import { toWorkspaceEdit } from './features/codeActions';
import type { FeatureDoc } from './features/context';
import { diagnostics } from './features/diagnostics';
import { commandEdits, registerFeatures, serverCapabilities, type ReadModel } from './handlers';
import { Measurements, type StartBench } from './measurements';
import { COMMANDS, STATS_NOTIFICATION, type StatsParams } from './protocol';
import { DEFAULT_SETTINGS, normalizeSettings, resolveTargetSetting, type Settings } from './settings';
import type { Companions } from '../formats/types';

/** An analysis at least this long is logged to the client's output channel. */
const SLOW_ANALYSIS_MS = 100;

/** A configuration file (layerlint.json) by URI, and its problems where they are (published as its diagnostics). */
export interface ConfigFileProblems {
  uri: string;
  problems: { message: string; at?: { line: number; character: number }; end?: { line: number; character: number } }[];
}

/** What the server may need from its host process; the browser build provides none of it. */
export interface ServerHost {
  /** Engine options from the configuration file that applies to a document (layerlint.json). */
  configFor?(uri: string): { options: EngineOptions; errors: string[]; file?: ConfigFileProblems };
  /** Forget cached configuration files (one was created, changed or deleted). */
  clearConfig?(): void;
  /** The files of a workspace folder (by URI), nothing outside it: a `layerlint.target` profile file. The web host has none. */
  filesIn?(folderUri: string): Companions;
  /** Starts a `layerlint.bench` run in another process (benchRunner.ts); without it the command is not offered. */
  bench?: StartBench;
  /** Reads a model file for the report view by its `file:` URI (Node only); undefined when it cannot. */
  readModel?: ReadModel;
}

export function startServer(connection: Connection, host: ServerHost = {}): void {
  const documents = new TextDocuments(TextDocument);
  let canConfigure = false;
  let settings: Settings = DEFAULT_SETTINGS;
  const reported = new Set<string>();
  /** The version of each document whose diagnostics were last published (to clear them when one stops being a model). */
  const published = new Map<string, number>();
  const configFor = (uri: string): EngineOptions => {
    if (!host.configFor) return {};
    const { options, errors, file } = host.configFor(uri);
    for (const e of errors) {
      if (reported.has(e)) continue;
      reported.add(e);
      // A notification, not window.showWarningMessage: that sends a request, and a client that
      // does not answer it (no window/showMessageRequest) would bring the server down.
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message: `LayerLint configuration: ${e}`,
      });
    }
    if (file) publishConfigProblems(file);
    return options;
  };
  /** The configuration files whose problems are published, and what was published (to skip repeats). */
  const configPublished = new Map<string, string>();
  function publishConfigProblems(file: ConfigFileProblems): void {
    const shown = JSON.stringify(file.problems);
    if (configPublished.get(file.uri) === shown || (!file.problems.length && !configPublished.has(file.uri))) return;
    configPublished.set(file.uri, shown);
    const diagnostics: Diagnostic[] = file.problems.map((p) => {
      const at = p.at ?? { line: 0, character: 0 };
      return {
        range: { start: at, end: p.end ?? at },
        severity: DiagnosticSeverity.Warning,
        source: 'layerlint',
        message: p.message,
      };
    });
    void connection.sendDiagnostics({ uri: file.uri, diagnostics });
  }
  let canRefreshLenses = false;
  const measurements =
    host.bench &&
    new Measurements(connection, host.bench, () => {
      if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    });
  /** The workspace folders the client named at initialize (URIs): a profile file in layerlint.target is relative to one. */
  let workspaceFolders: string[] = [];
  const cache = new AnalysisCache(
    () => settings,
    configFor,
    measurements && ((uri) => measurements.get(uri)),
    (uri, value) => resolveTargetSetting(value, uri, workspaceFolders, host.filesIn),
  );

  const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  let initialized = false;
  let clientName = 'a client';
  let shutDown = false;
  /** Why a request cannot be served now (before initialize, after shutdown), or undefined. */
  const refusal = (): ResponseError<void> | undefined =>
    !initialized
      ? new ResponseError(ErrorCodes.ServerNotInitialized, 'The server has not been initialized.')
      : shutDown
        ? new ResponseError(ErrorCodes.InvalidRequest, 'The server is shut down: only exit is accepted.')
        : undefined;

  /**
   * The analysis of a document LayerLint serves. A file whose extension other tools share
   * (`.cfg`, `.yaml`, `.prototxt`) is served only when its content is a model
   * (formats/sniff.ts), unless the client declared it Darknet (`darknet-cfg`): a
   * `setup.cfg`, a `compose.yaml` or a Caffe solver gets nothing.
   */
  /** Whether each open document's text is a model, judged once per text (requests reuse it). */
  const isModelText = new Map<string, { text: string; model: boolean }>();
  function served(doc: TextDocument): FeatureDoc | undefined {
    if (doc.languageId !== 'darknet-cfg') {
      const raw: unknown = doc.getText();
      const text = typeof raw === 'string' ? raw : '';
      let verdict = isModelText.get(doc.uri);
      if (verdict?.text !== text) {
        // JSON under any name (untitled too) is a model only by its content.
        const model =
          modelFormat(fileNameOf(doc.uri), text) !== undefined && (doc.languageId !== 'json' || looksLikeKeras(text));
        verdict = { text, model };
        isModelText.set(doc.uri, verdict);
      }
      if (!verdict.model) return undefined;
    }
    return cache.get(doc);
  }

  /** Runs a feature on the current version of a document, or returns `fallback`. */
  function withDoc<T>(
    uri: string,
    token: CancellationToken | undefined,
    fallback: T,
    f: (doc: FeatureDoc) => T,
  ): T | ResponseError<void> {
    const refused = refusal();
    if (refused) return refused;
    const doc = documents.get(uri);
    if (!doc) return fallback;
    if (token?.isCancellationRequested) return cancelled();
    const analysed = served(doc);
    return analysed ? f(analysed) : fallback;
  }

  function validate(uri: string): void {
    try {
      publish(uri);
    } catch (e) {
      // One document that breaks the engine must not take the server (and every other document) down.
      connection.console.error(`LayerLint: analysing ${uri} failed: ${(e as Error).stack ?? e}`);
    }
  }

  function publish(uri: string): void {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const t0 = performance.now();
    const analysed = served(doc);
    if (analysed) logAnalysis(analysed, performance.now() - t0, !published.has(uri));
    if (!analysed) {
      // No longer a model (its [net] section was deleted): take back what was shown.
      if (published.delete(uri)) void connection.sendDiagnostics({ uri, version, diagnostics: [] });
      return;
    }
    // Drop the result if the document moved on while we worked.
    if (documents.get(uri)?.version !== version) return;
    published.set(uri, version);
    void connection.sendDiagnostics({ uri, version, diagnostics: diagnostics(analysed) });
    const t = analysed.analysis.totals;
    const stats: StatsParams = {
      uri,
      version,
      macs: t.macs,
      params: t.params,
      complete: analysed.analysis.complete,
      errors: analysed.diagnostics.filter((d) => d.severity === 'error').length,
    };
    void connection.sendNotification(STATS_NOTIFICATION, stats);
  }

  /** To the client's output channel: each document's first analysis, and any slow one after. */
  function logAnalysis(d: FeatureDoc, ms: number, first: boolean): void {
    if (!first && ms < SLOW_ANALYSIS_MS) return;
    const a = d.analysis;
    connection.console.info(
      `${first ? 'opened' : 'slow analysis of'} ${fileNameOf(d.uri)} v${d.version} (${d.frontEnd.id}): ` +
        `${a.layers.length} layers, ${d.diagnostics.length} diagnostics in ${ms.toFixed(1)} ms`,
    );
  }

  async function refreshSettings(): Promise<void> {
    if (canConfigure) {
      try {
        const [raw] = await connection.workspace.getConfiguration([{ section: 'layerlint' }]);
        settings = normalizeSettings(raw);
      } catch {
        settings = DEFAULT_SETTINGS;
      }
    }
    logSettings();
    cache.clear();
    for (const d of documents.all()) validate(d.uri);
    void connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  connection.onInitialize((params): InitializeResult | ResponseError<never> => {
    if (initialized) return new ResponseError(ErrorCodes.InvalidRequest, 'The server is already initialized.');
    initialized = true;
    clientName = params.clientInfo ? `${params.clientInfo.name} ${params.clientInfo.version ?? ''}`.trim() : 'a client';
    canConfigure = !!params.capabilities.workspace?.configuration;
    canRefreshLenses = !!params.capabilities.workspace?.codeLens?.refreshSupport;
    workspaceFolders = params.workspaceFolders?.length
      ? params.workspaceFolders.map((f) => f.uri)
      : params.rootUri
        ? [params.rootUri]
        : [];
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    if (init?.settings) settings = normalizeSettings(init.settings);
    return {
      capabilities: serverCapabilities(!!measurements),
      serverInfo: { name: 'layerlint-language-server', version: VERSION },
    };
  });

  let loggedSettings = '';
  function logSettings(): void {
    const shown = JSON.stringify(settings);
    if (shown === loggedSettings) return;
    loggedSettings = shown;
    connection.console.info(`settings: ${shown}`);
  }
  connection.onShutdown(() => {
    const refused = refusal();
    if (refused) return refused;
    shutDown = true;
    measurements?.stopAll();
    return undefined;
  });

  connection.onInitialized(() => {
    connection.console.info(
      `LayerLint ${VERSION} language server started for ${clientName}; debounce up to ${settings.debounceMs} ms, proportional to each file's analysis time`,
    );
    if (canConfigure) void refreshSettings();
    else logSettings();
  });
  connection.onDidChangeConfiguration((change) => {
    if (!canConfigure) {
      const s = (change.settings as { layerlint?: unknown } | undefined)?.layerlint;
      if (s) settings = normalizeSettings(s);
    }
    void refreshSettings();
  });

  connection.onDidChangeWatchedFiles(() => {
    host.clearConfig?.();
    reported.clear();
    // A configuration file that was fixed or deleted: clear its problems (re-validation publishes what is left).
    for (const uri of configPublished.keys()) void connection.sendDiagnostics({ uri, diagnostics: [] });
    configPublished.clear();
    cache.clear();
    for (const d of documents.all()) validate(d.uri);
  });

  documents.onDidOpen((e) => validate(e.document.uri));
  documents.onDidChangeContent((e) => {
    const uri = e.document.uri;
    // Also fired on open, which onDidOpen has just published: nothing new to say.
    if (published.get(uri) === e.document.version) return;
    cache.debounce(uri, debounceDelay(cache.lastDuration(uri), settings.debounceMs), () => validate(uri));
  });
  documents.onDidClose((e) => {
    cache.forget(e.document.uri);
    measurements?.forget(e.document.uri);
    isModelText.delete(e.document.uri);
    published.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  registerFeatures(connection, documents, withDoc, refusal, host.readModel);

  connection.onExecuteCommand(async (p, token, workDone) => {
    const refused = refusal();
    if (refused) return refused;
    const args = p.arguments ?? [];
    const uri = typeof args[0] === 'string' ? args[0] : '';
    const doc = documents.get(uri);
    if (p.command === COMMANDS.bench && measurements && !(doc && served(doc))) {
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message: 'LayerLint: open a model file to measure it.',
      });
      return null;
    }
    if (!doc) return null;
    const d = served(doc);
    if (!d) return null;
    if (p.command === COMMANDS.bench && measurements) {
      // The client's progress token when it sent one, else one the server asks for (when the client supports it).
      const progress = p.workDoneToken !== undefined ? workDone : await connection.window.createWorkDoneProgress();
      return measurements.measure(d, settings, token, progress);
    }
    const edits = commandEdits(d, doc.version, p.command, args);
    if (!edits?.length) return null;
    await connection.workspace.applyEdit({ label: p.command, edit: toWorkspaceEdit(d, edits) });
    return null;
  });

  documents.listen(connection);
  connection.listen();
}
