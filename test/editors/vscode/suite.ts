// Extension-host test suite: the `run()` module that VS Code's test runner loads
// (--extensionTestsPath) inside a real extension host, with LayerLint as the development
// extension. Runs under code-server here (runCodeServer.mjs) and desktop VS Code elsewhere
// (runTestElectron.mjs). Needs a workspace folder containing mobilenet_v1_conv.layers.
// Every wait polls with a deadline; a failed check throws from run(), which fails the run.
// The cost-report webview checks are shared with the web suite (test/web/suite/reportView.ts).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MODEL_EDITOR_STATE_COMMAND, MODEL_EDITOR_VIEW_TYPE } from '../../../client/src/modelEditor';
import { analyzeSource } from '../../../server/src/engine/analyzeSource';
import { exportOnnx } from '../../../server/src/export/onnx';
import { poll, runChecks } from '../../web/suite/harness';
import { reportViewChecks } from '../../web/suite/reportView';

const TIMEOUT_MS = 60_000;
const until = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>) => poll(what, probe, TIMEOUT_MS);

function log(msg: string): void {
  console.log(`[layerlint-suite] ${msg}`);
}

function separable(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'separable-conv');
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const v = await body();
  log(`ok ${name} (${Date.now() - t0} ms)`);
  return v;
}

async function workspaceFile(glob: string): Promise<vscode.Uri> {
  const [file] = await until(glob, async () => {
    const found = await vscode.workspace.findFiles(glob, undefined, 1);
    return found.length ? found : undefined;
  });
  return file!;
}

/** The open document at `uri` as it is now (switching its language replaces the object). */
function openDoc(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

/**
 * Before any model is open: a plain YAML file activates the extension but starts no server;
 * a Darknet `.cfg` (comments first, as real ones) is switched to darknet-cfg with no user
 * settings and gets diagnostics; a `setup.cfg` stays Properties and gets none.
 */
async function nonModelsAndDarknet(): Promise<void> {
  await step('a plain config.yaml starts no server', async () => {
    const yaml = await workspaceFile('**/not-models/config.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(yaml));
    const ext = await until('the extension active', () => {
      const e = vscode.extensions.getExtension<{ serverStarted(): boolean }>('layerlint.layerlint');
      return e?.isActive ? e : undefined;
    });
    assert.equal(ext.exports.serverStarted(), false, 'no server for a YAML file that is no model');
  });
  await step('a Darknet .cfg works out of the box; setup.cfg is left alone', async () => {
    const setup = await workspaceFile('**/not-models/setup.cfg');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(setup));
    const cfg = await workspaceFile('**/yolov3-tiny.cfg');
    const opened = await vscode.workspace.openTextDocument(cfg);
    assert.match(opened.lineAt(0).text, /^#/, 'the example starts with a comment, as real cfgs do');
    await vscode.window.showTextDocument(opened);
    await until('yolov3-tiny.cfg switched to darknet-cfg', () =>
      openDoc(cfg)?.languageId === 'darknet-cfg' ? true : undefined,
    );
    await until('diagnostics on yolov3-tiny.cfg', () => (separable(cfg).length ? true : undefined));
    assert.equal(openDoc(setup)?.languageId, 'properties', 'setup.cfg stays Properties');
    assert.deepEqual(vscode.languages.getDiagnostics(setup), [], 'nothing on setup.cfg');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
}

/**
 * A binary model opens in the read-only report view: an ONNX file written from the
 * standard-conv MobileNet example shows that network's exact totals and lists its
 * separable-conv findings.
 */
async function onnxReportView(): Promise<void> {
  await step('an .onnx file opens in the cost report view with its findings', async () => {
    const spec = await workspaceFile('**/mobilenet_v1_conv.layers');
    const analysis = analyzeSource(new TextDecoder().decode(await vscode.workspace.fs.readFile(spec)), spec.path);
    const { bytes, problems } = exportOnnx(analysis.analysis);
    assert.ok(bytes, `the example is written as ONNX: ${problems.join('; ')}`);
    const model = vscode.Uri.joinPath(spec, '..', 'models', 'mobilenet_v1_conv.onnx');
    await vscode.workspace.fs.writeFile(model, bytes);
    await vscode.commands.executeCommand('vscode.openWith', model, MODEL_EDITOR_VIEW_TYPE);
    const html = await until('the report view of the .onnx file', async () =>
      vscode.commands.executeCommand<string | undefined>(MODEL_EDITOR_STATE_COMMAND, model.toString()),
    );
    assert.ok(html.includes('data-total="macs" data-value="4867293184"'), 'the report shows 4,867,293,184 MACs');
    const findings = html.match(/<tr class="finding sev-warning" data-code="separable-conv"/g) ?? [];
    assert.equal(findings.length, 13, 'the 13 separable-conv findings are listed');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(
      tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === MODEL_EDITOR_VIEW_TYPE,
      'the active tab is the LayerLint report view',
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
}

/**
 * LayerLint: Measure latency on this machine, with the ONNX Runtime the VSIX ships: the
 * network lens offers it, and after the command the lens shows the measured median (the
 * workspace settings ask for 2 timed runs, makeWorkspace in codeServer.mjs).
 */
async function benchOnThisMachine(): Promise<void> {
  await step('layerlint.bench measures SqueezeNet with the shipped ONNX Runtime', async () => {
    const uri = await workspaceFile('**/squeezenet_v1_1.layers');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lensTitles = async () =>
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)).map(
        (l) => l.command?.title ?? '',
      );
    await until('the "Measure latency on this machine" lens', async () =>
      (await lensTitles()).includes('Measure latency on this machine') ? true : undefined,
    );
    const result = vscode.commands.executeCommand<{ repeats: number; medianMs: number } | null>(
      'layerlint.bench',
      uri.toString(),
    );
    // A null answer (no runtime, a failed run) means no lens will come: fail now, not at the deadline.
    let answered: { repeats: number } | null | undefined;
    void result.then((r) => {
      answered = r;
    });
    const measured = await until('the network lens "measured … on this machine"', async () => {
      if (answered === null) throw new Error('layerlint.bench measured nothing (see the LayerLint output)');
      return (await lensTitles()).find((t) => t.startsWith('measured '));
    });
    assert.match(
      measured,
      /^measured \d[\d.]* ms on this machine, 1 thread, median of 2 \(spread [\d.]+ ms – [\d.]+ ms\)$/,
    );
    const report = await result;
    assert.equal(report?.repeats, 2, `the bench report: ${JSON.stringify(report)}`);
    assert.ok(report.medianMs > 0, `a positive median: ${report.medianMs}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
}

export async function run(): Promise<void> {
  const t0 = Date.now();
  await nonModelsAndDarknet();
  await onnxReportView();
  await benchOnThisMachine();
  const [file] = await until('the example in the workspace', async () => {
    const found = await vscode.workspace.findFiles('**/mobilenet_v1_conv.layers', undefined, 1);
    return found.length ? found : undefined;
  });
  const uri = file!;
  const doc = await vscode.workspace.openTextDocument(uri);
  assert.equal(doc.languageId, 'layerspec');
  await vscode.window.showTextDocument(doc);

  const diags = await step('13 separable-conv diagnostics', () =>
    until('13 separable-conv diagnostics', () => (separable(uri).length === 13 ? separable(uri) : undefined)),
  );
  const ext = vscode.extensions.getExtension('layerlint.layerlint');
  assert.ok(ext?.isActive, 'the LayerLint extension is active');
  const conv2 = diags.find((d) => doc.lineAt(d.range.start.line).text.startsWith('conv2:'));
  assert.ok(conv2, 'a separable-conv diagnostic on conv2');
  assert.equal(doc.getText(conv2.range), 'conv 64 3x3');
  const line = conv2.range.start.line;

  await step('code lenses', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(
      lenses.some((l) => l.range.start.line === line && l.command?.title.includes('separable: 29.3M, -87.3%')),
      `a "separable: 29.3M, -87.3%" lens on conv2 (line ${line}); lenses: ${JSON.stringify(titles)}`,
    );
    assert.ok(
      titles.some((t) => t.includes('Total 4.87G MACs')),
      `a "Total 4.87G MACs" lens; lenses: ${JSON.stringify(titles)}`,
    );
  });

  await step('hover', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      conv2.range.start.translate(0, 2),
    );
    const text = hoverText(hovers);
    assert.ok(text.includes('= 231,211,008'), `hover contains "= 231,211,008": ${text}`);
  });

  // The cost report webview, before anything edits the file: it shows the file's totals and follows an edit.
  await step('cost report view', () =>
    runChecks('report view', reportViewChecks(uri, { macs: 4_867_293_184, params: 29_294_088 })),
  );
  await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);

  await step('quick fix', async () => {
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      uri,
      conv2.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a): a is vscode.CodeAction => 'isPreferred' in a && a.isPreferred === true);
    assert.ok(fix?.edit, `a preferred quick fix with an edit; actions: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.match(fix.title, /depthwise-separable/);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'applyEdit succeeded');
    assert.ok(doc.getText().includes('conv2_dw: dwconv 3x3'), 'the document now has conv2_dw');
    await until('12 separable-conv diagnostics after the fix', () => (separable(uri).length === 12 ? true : undefined));
  });

  // Leave the workspace as found: the edit was never saved.
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  log(`all checks passed in ${Date.now() - t0} ms`);
}
