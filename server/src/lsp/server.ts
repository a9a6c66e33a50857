// startServer(connection): declares capabilities and wires LSP requests to the feature
// providers. No analysis logic lives here. Works over any transport (stdio, IPC, a web
// worker) and with any client: settings come from workspace/configuration when the
// client supports it, defaults otherwise.
import {
  CodeActionKind,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type CodeLens,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache } from './documents';
import { codeActions, FIX_ALL_KIND, toWorkspaceEdit } from './features/codeActions';
import { codeLenses, resolveCodeLens, type EstimateLensData } from './features/codeLens';
import { completion, signatureHelp } from './features/completion';
import type { FeatureDoc } from './features/context';
import { diagnostics } from './features/diagnostics';
import { formatDocument } from './features/formatting';
import { hover } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { definition, prepareRename, references, rename } from './features/navigation';
import { documentSymbols, foldingRanges } from './features/symbols';
import { SEMANTIC_LEGEND, semanticTokens } from './features/semanticTokens';
import {
  COMMANDS,
  DEFAULT_SETTINGS,
  normalizeSettings,
  REPORT_REQUEST,
  STATS_NOTIFICATION,
  type ReportParams,
  type ReportResult,
  type Settings,
  type StatsParams,
} from './protocol';
import { buildReport } from '../report/model';
import { reportExtras } from '../report/extras';
import { VERSION } from '../engine/version';
import type { TextEdit } from '../formats/types';
import type { EngineOptions } from '../engine/analyzeSource';
import { modelFormat } from '../formats/sniff';
import { fileNameOf } from './documents';

/** What the server may need from its host process; the browser build provides none of it. */
export interface ServerHost {
  /** Engine options from the configuration file that applies to a document (layerlint.json). */
  configFor?(uri: string): { options: EngineOptions; errors: string[] };
  /** Forget cached configuration files (one was created, changed or deleted). */
  clearConfig?(): void;
}

export function startServer(connection: Connection, host: ServerHost = {}): void {
  const documents = new TextDocuments(TextDocument);
  let canConfigure = false;
  let settings: Settings = DEFAULT_SETTINGS;
  const reported = new Set<string>();
  /** Documents whose diagnostics were published (to clear them when one stops being a model). */
  const withDiagnostics = new Set<string>();
  const configFor = (uri: string): EngineOptions => {
    if (!host.configFor) return {};
    const { options, errors } = host.configFor(uri);
    for (const e of errors) {
      if (reported.has(e)) continue;
      reported.add(e);
      void connection.window.showWarningMessage(`LayerLint configuration: ${e}`);
    }
    return options;
  };
  const cache = new AnalysisCache(() => settings, configFor);

  const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  let initialized = false;
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
  function served(doc: TextDocument): FeatureDoc | undefined {
    if (doc.languageId !== 'darknet-cfg') {
      const raw: unknown = doc.getText();
      if (modelFormat(fileNameOf(doc.uri), typeof raw === 'string' ? raw : '') === undefined) return undefined;
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
    const analysed = served(doc);
    if (!analysed) {
      // No longer a model (its [net] section was deleted): take back what was shown.
      if (withDiagnostics.delete(uri)) void connection.sendDiagnostics({ uri, version, diagnostics: [] });
      return;
    }
    // Drop the result if the document moved on while we worked.
    if (documents.get(uri)?.version !== version) return;
    withDiagnostics.add(uri);
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

  async function refreshSettings(): Promise<void> {
    if (canConfigure) {
      try {
        const [raw] = await connection.workspace.getConfiguration([{ section: 'layerlint' }]);
        settings = normalizeSettings(raw);
      } catch {
        settings = DEFAULT_SETTINGS;
      }
    }
    cache.clear();
    for (const d of documents.all()) validate(d.uri);
    void connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  connection.onInitialize((params): InitializeResult | ResponseError<never> => {
    if (initialized) return new ResponseError(ErrorCodes.InvalidRequest, 'The server is already initialized.');
    initialized = true;
    canConfigure = !!params.capabilities.workspace?.configuration;
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    if (init?.settings) settings = normalizeSettings(init.settings);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: true },
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, CodeActionKind.RefactorRewrite],
          resolveProvider: false,
        },
        inlayHintProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: ['=', '|', ' '] },
        signatureHelpProvider: { triggerCharacters: [' ', '='] },
        documentFormattingProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
        executeCommandProvider: { commands: Object.values(COMMANDS) },
      },
      serverInfo: { name: 'layerlint-language-server', version: VERSION },
    };
  });

  connection.onShutdown(() => {
    const refused = refusal();
    if (refused) return refused;
    shutDown = true;
    return undefined;
  });

  connection.onInitialized(() => {
    if (canConfigure) void refreshSettings();
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
    cache.clear();
    for (const d of documents.all()) validate(d.uri);
  });

  documents.onDidOpen((e) => validate(e.document.uri));
  documents.onDidChangeContent((e) =>
    cache.debounce(e.document.uri, settings.debounceMs, () => validate(e.document.uri)),
  );
  documents.onDidClose((e) => {
    cache.forget(e.document.uri);
    withDiagnostics.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((p, token) => withDoc(p.textDocument.uri, token, null, (d) => hover(d, p.position)));
  connection.onCodeLens((p, token) => withDoc(p.textDocument.uri, token, [], (d) => codeLenses(d)));
  connection.onCodeLensResolve((lens, token) => {
    const data = lens.data as EstimateLensData | undefined;
    const stale: CodeLens = { ...lens, command: { title: '…', command: '' } };
    const refused = refusal();
    if (refused) return refused;
    if (!data || typeof data.uri !== 'string') return lens;
    if (documents.get(data.uri)?.version !== data.version) return stale; // a lens of an older version
    return withDoc(data.uri, token, stale, (d) => resolveCodeLens(d, lens));
  });
  connection.onCodeAction((p, token) => withDoc(p.textDocument.uri, token, [], (d) => codeActions(d, p)));
  connection.languages.inlayHint.on((p, token) =>
    withDoc(p.textDocument.uri, token, [], (d) => inlayHints(d, p.range)),
  );
  connection.onDocumentSymbol((p, token) => withDoc(p.textDocument.uri, token, [], (d) => documentSymbols(d)));
  connection.onFoldingRanges((p, token) => withDoc(p.textDocument.uri, token, [], (d) => foldingRanges(d)));
  connection.onDefinition((p, token) => withDoc(p.textDocument.uri, token, [], (d) => definition(d, p.position)));
  connection.onReferences((p, token) =>
    withDoc(p.textDocument.uri, token, [], (d) => references(d, p.position, p.context.includeDeclaration)),
  );
  connection.onPrepareRename((p, token) =>
    withDoc(p.textDocument.uri, token, null, (d) => prepareRename(d, p.position)),
  );
  connection.onRenameRequest((p, token) =>
    withDoc(p.textDocument.uri, token, null, (d) => {
      const r = rename(d, p.position, p.newName);
      if (r && 'error' in r) return new ResponseError(-32602, r.error);
      return r?.edit ?? null;
    }),
  );
  connection.onCompletion((p, token) => withDoc(p.textDocument.uri, token, [], (d) => completion(d, p.position)));
  connection.onSignatureHelp((p, token) =>
    withDoc(p.textDocument.uri, token, null, (d) => signatureHelp(d, p.position)),
  );
  connection.onDocumentFormatting((p, token) => withDoc(p.textDocument.uri, token, [], (d) => formatDocument(d)));
  connection.languages.semanticTokens.on((p, token) =>
    withDoc(p.textDocument.uri, token, { data: [] }, (d) => semanticTokens(d)),
  );
  connection.onRequest(REPORT_REQUEST, (p: ReportParams, token) =>
    withDoc(
      p?.uri,
      token,
      null,
      (d): ReportResult =>
        p.extras ? { ...buildReport(d, d.uri), extras: reportExtras(d), version: d.version } : buildReport(d, d.uri),
    ),
  );

  connection.onExecuteCommand(async (p) => {
    const refused = refusal();
    if (refused) return refused;
    const args = p.arguments ?? [];
    const uri = typeof args[0] === 'string' ? args[0] : '';
    const doc = documents.get(uri);
    if (!doc) return null;
    const d = served(doc);
    if (!d) return null;
    let edits: TextEdit[] | undefined;
    if (p.command === COMMANDS.applySeparable) {
      if (args[1] !== doc.version || typeof args[2] !== 'number') return null; // a stale lens
      edits = d.frontEnd.separableEdits(d.parsed, d.analysis, args[2], d.text);
    } else if (p.command === COMMANDS.setWidth && typeof args[1] === 'number' && args[1] > 0 && args[1] <= 4) {
      edits = d.frontEnd.widthEdits(d.parsed, d.text, args[1]);
    } else if (p.command === COMMANDS.setResolution && Number.isInteger(args[1]) && (args[1] as number) > 0) {
      edits = d.frontEnd.resolutionEdits(d.parsed, d.text, args[1] as number);
    }
    if (!edits?.length) return null;
    await connection.workspace.applyEdit({ label: p.command, edit: toWorkspaceEdit(d, edits) });
    return null;
  });

  documents.listen(connection);
  connection.listen();
}
