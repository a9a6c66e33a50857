// VS Code entry point: starts the language client against the bundled server, shows the
// active file's total MACs and parameters in the status bar, and registers the commands.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { STATS_NOTIFICATION, type StatsParams } from '../../server/src/protocol';
import { compact } from '../../server/src/core/format';
import { DOCUMENT_SELECTOR } from './selector';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'layerlint', fileEvents: vscode.workspace.createFileSystemWatcher('**/{layerlint.json,.layerlintrc.json}') },
  };
  client = new LanguageClient('layerlint', 'LayerLint', serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.name = 'LayerLint';
  context.subscriptions.push(status);
  const stats = new Map<string, StatsParams>();
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
    vscode.window.onDidChangeActiveTextEditor(showStatus),
    vscode.workspace.onDidCloseTextDocument((d) => {
      stats.delete(d.uri.toString());
      showStatus();
    }),
    vscode.commands.registerCommand('layerlint.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('layerlint.showOutput', () => client?.outputChannel.show()),
  );
  await client.start();
  context.subscriptions.push(
    client.onNotification(STATS_NOTIFICATION, (s: StatsParams) => {
      stats.set(s.uri, s);
      showStatus();
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
