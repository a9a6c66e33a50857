// Checks of the cost report webview, for any extension host (web: suite/extension.ts;
// desktop VS Code or code-server: hook reportViewSuite's run() into the editors harness).
// The webview's DOM is out of an extension's reach, so the view reports what it rendered
// through the internal command `layerlint.reportViewState`.
import * as vscode from 'vscode';
import type { ReportViewState as ViewState } from '../../../client/src/reportView';
import { check, poll, runChecks, type Check } from './harness';

const exact = (n: number) => n.toLocaleString('en-US');

export function reportViewChecks(uri: vscode.Uri, totals: { macs: number; params: number }): Check[] {
  return [
    check('Show Cost Report opens the webview beside the spec with the active file’s totals', async () => {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      await vscode.commands.executeCommand('layerlint.showReport');
      const state = await poll('the report view', async () => {
        const s = await vscode.commands.executeCommand<ViewState | undefined>('layerlint.reportViewState');
        return s && s.macs > 0 && s.loaded ? s : undefined;
      });
      if (state.uri !== uri.toString()) throw new Error(`view shows ${state.uri}`);
      if (state.macs !== totals.macs || state.params !== totals.params)
        throw new Error(`view totals ${state.macs} / ${state.params}`);
      for (const s of [
        `data-total="macs" data-value="${totals.macs}"`,
        `>${exact(totals.macs)}<`,
        `>${exact(totals.params)}<`,
        "script-src 'nonce-",
      ]) {
        if (!state.html.includes(s)) throw new Error(`webview html lacks ${s}`);
      }
      // The header names the file as the workspace does, not by its URI.
      if (state.html.includes(uri.toString()) || state.html.includes('file://'))
        throw new Error('the webview shows a URI');
      const relative = vscode.workspace.asRelativePath(uri, false);
      if (!state.html.includes(`<p class="meta">${relative} · `)) throw new Error(`webview header lacks ${relative}`);
      const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      const tab = await poll(
        `a "Cost: …" webview tab`,
        () => tabs().find((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith('Cost:')),
        5000,
      ).catch((e: Error) => {
        throw new Error(
          `${e.message}; tabs: ${tabs()
            .map((t) => `${t.label} [${(t.input as { viewType?: string })?.viewType ?? typeof t.input}]`)
            .join(', ')}`,
        );
      });
      if (tab.group.viewColumn === vscode.ViewColumn.One) throw new Error('the webview is not beside the editor');
    }),
    check('the view follows an edit: a new statement changes its totals', async () => {
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\nextra: fc 10\n'));
      const state = await poll('an updated report view', async () => {
        const s = await vscode.commands.executeCommand<ViewState | undefined>('layerlint.reportViewState');
        return s && s.macs !== totals.macs ? s : undefined;
      });
      if (state.macs !== totals.macs + 1000 * 10) throw new Error(`after adding fc 10: ${state.macs}`);
      await vscode.commands.executeCommand('undo');
      await poll('the report view back at the original totals', async () => {
        const s = await vscode.commands.executeCommand<ViewState | undefined>('layerlint.reportViewState');
        return s && s.macs === totals.macs ? s : undefined;
      });
    }),
  ];
}

/** Standalone suite: opens `examples/mobilenet_v1_conv.layers` in the first workspace folder. */
export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  const candidates = [
    vscode.Uri.joinPath(folder.uri, 'examples', 'mobilenet_v1_conv.layers'),
    vscode.Uri.joinPath(folder.uri, 'mobilenet_v1_conv.layers'),
  ];
  let uri = candidates[0]!;
  for (const c of candidates) {
    try {
      await vscode.workspace.fs.stat(c);
      uri = c;
      break;
    } catch {
      /* try the next */
    }
  }
  await runChecks('report view', reportViewChecks(uri, { macs: 4_867_293_184, params: 29_294_088 }));
}
