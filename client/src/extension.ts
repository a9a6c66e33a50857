// VS Code desktop entry point: starts the language client against the bundled Node server
// (dist/server.js over IPC); everything else is shared with the web client (common.ts).
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { activateCommon, clientOptions, type LayerlintApi } from './common';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LayerlintApi> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    // Default V8 heap settings: edits are analysed incrementally, so a larger young generation
    // only costs memory (docs/performance.md).
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  client = new LanguageClient('layerlint', 'LayerLint', serverOptions, clientOptions(true));
  const c = client;
  return activateCommon(context, c, () => c.restart());
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
