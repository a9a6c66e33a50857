// VS Code for the Web entry point (package.json `browser`): the language server runs in a
// web worker (dist/web/server.js, from server/src/browserMain.ts); everything else is
// shared with the desktop client (common.ts). Bundled for the browser: no Node modules.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { activateCommon, clientOptions, type LayerlintApi } from './common';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LayerlintApi> {
  const serverMain = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'server.js');
  const worker = new Worker(serverMain.toString(true));
  client = new LanguageClient('layerlint', 'LayerLint', clientOptions(false), worker);
  const c = client;
  // The browser client has no restart(): stop and start again on the same worker.
  return activateCommon(context, c, async () => {
    await c.stop();
    await c.start();
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
