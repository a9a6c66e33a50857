// The LSP requests every feature answers, wired to the feature providers (features/):
// each runs on the current analysed version of its document through `withDoc`, which
// answers the fallback for a document LayerLint does not serve and RequestCancelled for a
// cancelled request. Also the server's capabilities and the edits of its commands.
import {
  CodeActionKind,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeLens,
  type Connection,
  type ServerCapabilities,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from '../formats/types';
import { reportExtras } from '../report/extras';
import { buildReport } from '../report/model';
import { codeActions, FIX_ALL_KIND } from './features/codeActions';
import {
  codeLenses,
  isLineLens,
  LineLensSets,
  resolveCodeLens,
  staleLineLens,
  type EstimateLensData,
} from './features/codeLens';
import { completion, signatureHelp } from './features/completion';
import type { FeatureDoc } from './features/context';
import { formatDocument } from './features/formatting';
import { hover } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { definition, prepareRename, references, rename } from './features/navigation';
import { SEMANTIC_LEGEND, semanticTokens } from './features/semanticTokens';
import { documentSymbols, foldingRanges } from './features/symbols';
import {
  COMMANDS,
  MAX_MODEL_REPORT_BYTES,
  MODEL_REPORT_REQUEST,
  REPORT_REQUEST,
  type ModelReportParams,
  type ReportParams,
  type ReportResult,
} from './protocol';
import { analyzeBytes, type EngineOptions } from '../engine/analyzeSource';

/** A model file's bytes and the engine options it is analysed with (its companions), by `file:` URI. */
export type ReadModel = (uri: string) => { bytes: Uint8Array; options: EngineOptions } | undefined;

/** Runs a feature on the current version of a document, or returns `fallback`. */
export type WithDoc = <T>(
  uri: string,
  token: CancellationToken | undefined,
  fallback: T,
  f: (doc: FeatureDoc) => T,
) => T | ResponseError<void>;

/** `canBench`: the host can run `layerlint.bench` (not the browser build). */
export function serverCapabilities(canBench: boolean): ServerCapabilities {
  return {
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
    executeCommandProvider: {
      commands: Object.values(COMMANDS).filter((c) => canBench || c !== COMMANDS.bench),
    },
  };
}

export function registerFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  withDoc: WithDoc,
  /** Why no request can be served now (before initialize, after shutdown), or undefined. */
  refusal: () => ResponseError<void> | undefined,
  readModel?: ReadModel,
): void {
  connection.onHover((p, token) => withDoc(p.textDocument.uri, token, null, (d) => hover(d, p.position)));
  const lineLensSets = new LineLensSets();
  connection.onCodeLens((p, token) => withDoc(p.textDocument.uri, token, [], (d) => codeLenses(d, lineLensSets)));
  connection.onCodeLensResolve((lens, token) => {
    const refused = refusal();
    if (refused) return refused;
    if (isLineLens(lens)) {
      // Any version: resolveCodeLens finds the layer in the current analysis, or says the lens is stale.
      const uri = lineLensSets.of(lens)?.set.uri;
      return uri === undefined
        ? staleLineLens(lens)
        : withDoc(uri, token, staleLineLens(lens), (d) => resolveCodeLens(d, lens, lineLensSets));
    }
    const data = lens.data as EstimateLensData | undefined;
    const stale: CodeLens = { ...lens, command: { title: '…', command: '' } };
    if (!data || typeof data.uri !== 'string') return lens;
    if (documents.get(data.uri)?.version !== data.version) return stale; // a lens of an older version
    return withDoc(data.uri, token, stale, (d) => resolveCodeLens(d, lens, lineLensSets));
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
  connection.onRequest(MODEL_REPORT_REQUEST, (p: ModelReportParams): ReportResult | null => {
    if (typeof p?.name !== 'string') return null;
    const read =
      typeof p.uri === 'string'
        ? readModel?.(p.uri)
        : typeof p.data === 'string'
          ? { bytes: fromBase64(p.data), options: {} }
          : undefined;
    if (!read?.bytes) return null;
    const doc = analyzeBytes(read.bytes, p.name, read.options);
    return { ...buildReport(doc, p.name), extras: reportExtras(doc) };
  });
  connection.onRequest(REPORT_REQUEST, (p: ReportParams, token) =>
    withDoc(
      p?.uri,
      token,
      null,
      (d): ReportResult =>
        p.extras ? { ...buildReport(d, d.uri), extras: reportExtras(d), version: d.version } : buildReport(d, d.uri),
    ),
  );
}

/** Base64 → bytes (atob: Node and web workers alike); undefined when invalid or past MAX_MODEL_REPORT_BYTES. */
function fromBase64(data: string): Uint8Array | undefined {
  if (data.length > (MAX_MODEL_REPORT_BYTES / 3) * 4 + 4) return undefined;
  try {
    const binary = atob(data);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** The edits a server command asks for (undefined when its arguments are stale or invalid). */
export function commandEdits(d: FeatureDoc, version: number, command: string, args: unknown[]): TextEdit[] | undefined {
  if (command === COMMANDS.applySeparable) {
    if (args[1] !== version || typeof args[2] !== 'number') return undefined; // a stale lens
    return d.frontEnd.separableEdits(d.parsed, d.analysis, args[2], d.text);
  }
  if (command === COMMANDS.setWidth && typeof args[1] === 'number' && args[1] > 0 && args[1] <= 4)
    return d.frontEnd.widthEdits(d.parsed, d.text, args[1]);
  if (command === COMMANDS.setResolution && Number.isInteger(args[1]) && (args[1] as number) > 0)
    return d.frontEnd.resolutionEdits(d.parsed, d.text, args[1] as number);
  return undefined;
}
