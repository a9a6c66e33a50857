// What the desktop (Node) and web clients share once each has built its LanguageClient:
// client options (a palette command the server runs gets the active document), the status bar with the active file's totals, the commands, the cost
// report view, and when the server starts: only once a model is open (models.ts), so a
// plain YAML or `.cfg` file costs no server process. Nothing here may import Node modules:
// the web build bundles this file.
import * as vscode from 'vscode';
import type { BaseLanguageClient, LanguageClientOptions } from 'vscode-languageclient';
import { compact } from '../../server/src/core/format';
import { COMMANDS, STATS_NOTIFICATION, type StatsParams } from '../../server/src/lsp/protocol';
import { registerModelEditor } from './modelEditor';
import { registerReportView } from './reportView';
import { DOCUMENT_SELECTOR } from './selector';
import { CFG_LANGUAGES, isDarknetUnderOtherLanguage, isModelDocument } from './models';

/** What `activate` returns: lets the editor tests see whether the server was started. */
export interface LayerlintApi {
  serverStarted(): boolean;
}

/** `watchConfig`: tell the server when a layerlint.json changes (the Node server reads it; the web worker cannot). */
export function clientOptions(watchConfig: boolean): LanguageClientOptions {
  return {
    documentSelector: DOCUMENT_SELECTOR,
    middleware: {
      // From the command palette a server command has no arguments: measure the active editor's document.
      executeCommand: (command, args, next) =>
        command === COMMANDS.bench && !args.length
          ? next(command, [vscode.window.activeTextEditor?.document.uri.toString() ?? ''])
          : next(command, args),
    },
    synchronize: watchConfig
      ? {
          configurationSection: 'layerlint',
          fileEvents: vscode.workspace.createFileSystemWatcher('**/{layerlint.json,.layerlintrc.json}'),
        }
      : { configurationSection: 'layerlint' },
  };
}

/**
 * Registers the status bar, commands and report view; starts the client when a model is
 * open (now or later), and switches Darknet `.cfg` files to their language.
 */
export async function activateCommon(
  context: vscode.ExtensionContext,
  client: BaseLanguageClient,
  restart: () => Promise<void>,
): Promise<LayerlintApi> {
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.name = 'LayerLint';
  context.subscriptions.push(status);
  const stats = new Map<string, StatsParams>();
  const statsEvent = new vscode.EventEmitter<StatsParams>();
  const showStatus = () => {
    const editor = vscode.window.activeTextEditor;
    const s = editor && stats.get(editor.document.uri.toString());
    if (!s) {
      status.hide();
      return;
    }
    status.text = `$(pulse) ${compact(s.macs)} MACs · ${compact(s.params)} params${s.complete ? '' : ' (partial)'}`;
    status.tooltip = `LayerLint: ${s.macs.toLocaleString('en-US')} MACs, ${s.params.toLocaleString('en-US')} parameters${s.errors ? `, ${s.errors} error(s)` : ''}`;
    status.command = 'workbench.actions.view.problems';
    status.show();
  };
  context.subscriptions.push(
    statsEvent,
    vscode.window.onDidChangeActiveTextEditor(showStatus),
    vscode.workspace.onDidCloseTextDocument((d) => {
      stats.delete(d.uri.toString());
      showStatus();
    }),
    vscode.commands.registerCommand('layerlint.restartServer', () => (started ? restart() : start())),
    vscode.commands.registerCommand('layerlint.showOutput', () => client.outputChannel.show()),
    registerReportView(client, statsEvent.event),
    registerModelEditor(client, () => start()),
  );
  let started: Promise<void> | undefined;
  const start = (): Promise<void> =>
    (started ??= client.start().then(() => {
      context.subscriptions.push(
        client.onNotification(STATS_NOTIFICATION, (s: StatsParams) => {
          stats.set(s.uri, s);
          showStatus();
          statsEvent.fire(s);
        }),
      );
    }));
  const consider = (doc: vscode.TextDocument): void => {
    // Switching the language closes and reopens the document, which comes back here as darknet-cfg.
    if (isDarknetUnderOtherLanguage(doc)) void vscode.languages.setTextDocumentLanguage(doc, 'darknet-cfg');
    else if (!started && isModelDocument(doc)) void start();
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(consider),
    // A `.cfg` that becomes a network as it is typed, a YAML or JSON file that becomes a model.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (
        CFG_LANGUAGES.has(e.document.languageId) ||
        (!started && (e.document.languageId === 'yaml' || e.document.languageId === 'json'))
      )
        consider(e.document);
    }),
  );
  for (const doc of vscode.workspace.textDocuments) consider(doc);
  await started;
  return { serverStarted: () => started !== undefined };
}
