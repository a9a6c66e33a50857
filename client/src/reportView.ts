// `LayerLint: Show Cost Report` (layerlint.showReport): a webview beside the editor with the
// visual report (server/src/htmlReport.ts) of the active spec. It follows the active spec
// editor, re-requests `layerlint/report` (with extras) after each `layerlint/stats`
// notification for its document, reveals a line when a bar is clicked and runs the server's
// `layerlint.applySeparable` [uri, version, layerIndex] from an apply button.
//
// Contract: the webview runs one nonce'd script, loads nothing (localResourceRoots empty,
// CSP default-src 'none'), and only posts {type:'ready'|'reveal'|'apply'} messages, which
// are validated here. Web-safe: no Node modules.
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { renderHtmlReport, renderReportBody } from '../../server/src/report/html';
import {
  COMMANDS,
  REPORT_REQUEST,
  type ReportParams,
  type ReportResult,
  type StatsParams,
} from '../../server/src/lsp/protocol';
import { DOCUMENT_SELECTOR } from './selector';

export const SHOW_REPORT_COMMAND = 'layerlint.showReport';
/** Internal: what the view last rendered, for tests. */
export const REPORT_VIEW_STATE_COMMAND = 'layerlint.reportViewState';

export interface ReportViewState {
  uri: string;
  version: number | undefined;
  macs: number;
  params: number;
  html: string;
  visible: boolean;
  /** The page in the webview loaded and its script said so (it runs under the CSP). */
  loaded: boolean;
}

type Inbound = { type: 'ready' } | { type: 'reveal'; line: number } | { type: 'apply'; layer: number };

function parseMessage(m: unknown): Inbound | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  if (o.type === 'ready') return { type: 'ready' };
  if (o.type === 'reveal' && Number.isInteger(o.line) && (o.line as number) >= 1)
    return { type: 'reveal', line: o.line as number };
  if (o.type === 'apply' && Number.isInteger(o.layer) && (o.layer as number) >= 0)
    return { type: 'apply', layer: o.layer as number };
  return undefined;
}

function nonce(): string {
  const bytes = new Uint8Array(16);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const isSpec = (doc: vscode.TextDocument) =>
  vscode.languages.match(DOCUMENT_SELECTOR as vscode.DocumentSelector, doc) > 0;
const baseName = (uri: vscode.Uri) => uri.path.split('/').pop() ?? uri.path;

class ReportView {
  private panel: vscode.WebviewPanel | undefined;
  private target: vscode.Uri | undefined;
  private last: ReportResult | null = null;
  private html = '';
  /** The page in the webview has loaded and can take `update` messages. */
  private ready = false;
  private dirty = false;
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly client: BaseLanguageClient) {}

  async show(uri?: vscode.Uri): Promise<ReportViewState | undefined> {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || !isSpec(doc)) {
      void vscode.window.showInformationMessage(
        'LayerLint: open a layer spec (.layers, .prototxt, Darknet .cfg, Ultralytics .yaml) to see its cost report.',
      );
      return undefined;
    }
    const column = vscode.window.visibleTextEditors.find((e) => e.document === doc)?.viewColumn;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'layerlint.report',
        'Cost report',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [], enableFindWidget: true },
      );
      this.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
      this.panel.webview.onDidReceiveMessage((m) => void this.onMessage(m), undefined, this.disposables);
      this.panel.onDidChangeViewState(
        (e) => {
          // Hidden webviews lose their page: render it whole again when it comes back.
          if (e.webviewPanel.visible && this.dirty) void this.refresh(true);
        },
        undefined,
        this.disposables,
      );
    } else this.panel.reveal(column === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : undefined, true);
    this.retarget(doc.uri);
    await this.refresh(true);
    return this.state();
  }

  retarget(uri: vscode.Uri): void {
    if (this.target?.toString() === uri.toString()) return;
    this.target = uri;
    this.last = null;
    if (this.panel) this.panel.title = `Cost: ${baseName(uri)}`;
  }

  onStats(s: StatsParams): void {
    if (this.panel && this.target?.toString() === s.uri) void this.refresh(false);
  }

  onActiveEditor(editor: vscode.TextEditor | undefined): void {
    if (
      !this.panel ||
      !editor ||
      !isSpec(editor.document) ||
      editor.document.uri.toString() === this.target?.toString()
    )
      return;
    this.retarget(editor.document.uri);
    void this.refresh(true);
  }

  /** Asks the server for the report and shows it: the whole page when `full`, else an update message. */
  async refresh(full: boolean): Promise<void> {
    const panel = this.panel;
    const target = this.target;
    if (!panel || !target) return;
    if (!panel.visible && !full) {
      this.dirty = true;
      return;
    }
    const seq = ++this.seq;
    let result: ReportResult | null;
    try {
      result = await this.client.sendRequest<ReportResult | null>(REPORT_REQUEST, {
        uri: target.toString(),
        extras: true,
      } satisfies ReportParams);
    } catch (e) {
      result = null;
      this.client.outputChannel.appendLine(`cost report: ${(e as Error).message}`);
    }
    if (seq !== this.seq || this.panel !== panel) return; // a newer refresh or a closed panel
    this.dirty = false;
    this.last = result;
    if (!result?.extras) {
      this.setHtml(
        panel,
        `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>${baseName(target).replace(/[<&>"]/g, '')} is not open in an editor.</p></body></html>`,
      );
      return;
    }
    // The header names the file as the workspace does (models/yolo.cfg), not by its URI.
    const shown = { ...result, file: vscode.workspace.asRelativePath(target, false) };
    if (full || !this.ready) {
      this.setHtml(
        panel,
        renderHtmlReport(shown, result.extras, { mode: 'webview', nonce: nonce(), generator: 'LayerLint' }),
      );
    } else {
      const body = renderReportBody(shown, result.extras, { mode: 'webview' });
      this.html = body;
      void panel.webview.postMessage({ type: 'update', body });
    }
  }

  private setHtml(panel: vscode.WebviewPanel, html: string): void {
    this.ready = false;
    this.html = html;
    panel.webview.html = html;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseMessage(raw);
    const target = this.target;
    if (!m || !target) return;
    if (m.type === 'ready') {
      this.ready = true;
      return;
    }
    const doc =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString()) ??
      (await vscode.workspace.openTextDocument(target));
    if (m.type === 'reveal') {
      const line = Math.min(m.line - 1, doc.lineCount - 1);
      const column =
        vscode.window.visibleTextEditors.find((e) => e.document === doc)?.viewColumn ?? vscode.ViewColumn.One;
      const range = new vscode.Range(line, 0, line, 0);
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, selection: range });
      editor.revealRange(doc.lineAt(line).range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } else if (m.type === 'apply') {
      await vscode.commands.executeCommand(COMMANDS.applySeparable, target.toString(), doc.version, m.layer);
    }
  }

  state(): ReportViewState | undefined {
    if (!this.panel || !this.target) return undefined;
    return {
      uri: this.target.toString(),
      version: this.last?.version,
      macs: this.last?.totals.macs ?? 0,
      params: this.last?.totals.params ?? 0,
      html: this.html,
      visible: this.panel.visible,
      loaded: this.ready,
    };
  }

  dispose(): void {
    const panel = this.panel;
    this.panel = undefined;
    panel?.dispose();
    this.ready = false;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function registerReportView(client: BaseLanguageClient, onStats: vscode.Event<StatsParams>): vscode.Disposable {
  const view = new ReportView(client);
  return vscode.Disposable.from(
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, (uri?: unknown) =>
      view.show(uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(REPORT_VIEW_STATE_COMMAND, () => view.state()),
    onStats((s) => view.onStats(s)),
    vscode.window.onDidChangeActiveTextEditor((e) => view.onActiveEditor(e)),
    { dispose: () => view.dispose() },
  );
}
