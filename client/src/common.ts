// What the desktop (Node) and web clients share once each has built its LanguageClient:
// client options, the status bar with the active file's totals, the commands and the cost
// report view. Nothing here may import Node modules: the web build bundles this file.
import * as vscode from 'vscode';
import type { BaseLanguageClient, LanguageClientOptions } from 'vscode-languageclient';
import { compact } from '../../server/src/core/format';
import { STATS_NOTIFICATION, type StatsParams } from '../../server/src/lsp/protocol';
import { registerReportView } from './reportView';
import { DOCUMENT_SELECTOR } from './selector';

/** `watchConfig`: tell the server when a layerlint.json changes (the Node server reads it; the web worker cannot). */
export function clientOptions(watchConfig: boolean): LanguageClientOptions {
  return {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: watchConfig
      ? {
          configurationSection: 'layerlint',
          fileEvents: vscode.workspace.createFileSystemWatcher('**/{layerlint.json,.layerlintrc.json}'),
        }
      : { configurationSection: 'layerlint' },
  };
}

/** Registers the status bar, commands and report view, then starts the client. */
export async function activateCommon(
  context: vscode.ExtensionContext,
  client: BaseLanguageClient,
  restart: () => Promise<void>,
): Promise<void> {
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
    vscode.commands.registerCommand('layerlint.restartServer', restart),
    vscode.commands.registerCommand('layerlint.showOutput', () => client.outputChannel.show()),
    registerReportView(client, statsEvent.event),
  );
  await client.start();
  context.subscriptions.push(
    client.onNotification(STATS_NOTIFICATION, (s: StatsParams) => {
      stats.set(s.uri, s);
      showStatus();
      statsEvent.fire(s);
    }),
  );
}
