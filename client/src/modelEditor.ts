// `.onnx` and `.keras` files open in a read-only custom editor (package.json
// contributes.customEditors, view type layerlint.modelReport) that shows the model's cost
// report. A binary model is not a text document the language server sees: the client asks
// for it with `layerlint/modelReport` (by `file:` URI when the server can read files, else
// with its bytes read through vscode.workspace.fs, so it works on the web too) and renders
// the answer with report/html in standalone mode (no script runs in the webview; CSP
// default-src 'none'). Web-safe: no Node modules.
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { escapeHtml, renderHtmlReport } from '../../server/src/report/html';
import {
  MAX_MODEL_REPORT_BYTES,
  MODEL_REPORT_REQUEST,
  type ModelReportParams,
  type ReportResult,
} from '../../server/src/lsp/protocol';

export const MODEL_EDITOR_VIEW_TYPE = 'layerlint.modelReport';
/** Internal: the page each open report view last rendered (by URI), for tests. */
export const MODEL_EDITOR_STATE_COMMAND = 'layerlint.modelEditorState';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 0x8000)));
  return btoa(binary);
}

const page = (text: string) =>
  `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>${escapeHtml(text)}</p></body></html>`;

/**
 * The report page of the model at `uri`, or a page saying why there is none. A `file:` model
 * is read by the server itself (Node: nothing but its URI crosses the connection, and its
 * companion files are found); otherwise, or when the server cannot read it, its bytes are sent.
 */
async function modelReportHtml(client: BaseLanguageClient, uri: vscode.Uri): Promise<string> {
  const name = uri.path.split('/').pop() ?? uri.path;
  try {
    const { size } = await vscode.workspace.fs.stat(uri);
    if (size > MAX_MODEL_REPORT_BYTES)
      return page(`${name} has ${size} bytes, more than the ${MAX_MODEL_REPORT_BYTES} the report view reads.`);
    const ask = (params: ModelReportParams) =>
      client.sendRequest(MODEL_REPORT_REQUEST, params) as Promise<ReportResult | null>;
    const result =
      (uri.scheme === 'file' ? await ask({ name, uri: uri.toString() }) : null) ??
      (await ask({ name, data: toBase64(await vscode.workspace.fs.readFile(uri)) }));
    if (!result?.extras) return page(`LayerLint cannot read ${name}.`);
    return renderHtmlReport(result, result.extras, { mode: 'standalone', generator: 'LayerLint' });
  } catch (e) {
    return page(`LayerLint cannot read ${name}: ${(e as Error).message}`);
  }
}

/** Registers the editor; `start` starts the language server (once) before the first report. */
export function registerModelEditor(client: BaseLanguageClient, start: () => Promise<void>): vscode.Disposable {
  const rendered = new Map<string, string>();
  return vscode.Disposable.from(
    vscode.window.registerCustomEditorProvider(
      MODEL_EDITOR_VIEW_TYPE,
      {
        openCustomDocument: (uri) => ({ uri, dispose: () => rendered.delete(uri.toString()) }),
        async resolveCustomEditor(document, panel) {
          panel.webview.options = { enableScripts: false, localResourceRoots: [] };
          await start();
          panel.webview.html = await modelReportHtml(client, document.uri);
          rendered.set(document.uri.toString(), panel.webview.html);
        },
      },
      { supportsMultipleEditorsPerDocument: true },
    ),
    vscode.commands.registerCommand(MODEL_EDITOR_STATE_COMMAND, (uri: string) => rendered.get(uri)),
  );
}
