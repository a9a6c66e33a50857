// The visual report renderer (server/src/report/html.ts) and its data (report/extras.ts):
// self-contained, strict CSP, escaped, and carrying the report's exact numbers. The
// browser tier (test/web/) checks the same pages as Chromium renders them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { buildReport } from '../../server/src/report/model';
import { reportExtras } from '../../server/src/report/extras';
import { renderHtmlReport } from '../../server/src/report/html';
import { spawnSync } from 'node:child_process';

const examples = readdirSync('examples').sort();
const attr = (html: string, name: string) => [...html.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);

for (const file of examples) {
  test(`html report of ${file}: standalone, strict CSP, exact totals and per-layer figures`, () => {
    const doc = analyzeSource(readFileSync(`examples/${file}`, 'utf8'), file);
    const report = buildReport(doc, file);
    const extras = reportExtras(doc);
    const html = renderHtmlReport(report, extras, { mode: 'standalone' });
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-[0-9a-f]+'; script-src 'none';/,
    );
    assert.doesNotMatch(
      html,
      /<script|\bsrc=|href="(?!#|https:\/\/[^"]*\/docs\/rules\.md#)|url\(|@import/i,
      'nothing to load, no script in the standalone file; links only to the rules documentation',
    );
    assert.doesNotMatch(html, / style="/, 'no inline style attributes (the CSP would block them)');
    assert.equal(attr(html, 'data-total="macs" data-value')[0], String(report.totals.macs));
    assert.equal(attr(html, 'data-total="params" data-value')[0], String(report.totals.params));
    const rows = [
      ...html.matchAll(
        /<tr id="layer-(\d+)" class="layer-row" data-layer="\d+" data-name="[^"]*" data-macs="(\d+)" data-params="(\d+)"/g,
      ),
    ];
    assert.deepEqual(
      rows.map((m) => [Number(m[2]), Number(m[3])]),
      report.layers.map((l) => [l.macs, l.params]),
    );
    const sep = report.diagnostics.filter((d) => d.code === 'separable-conv').map((d) => d.line);
    assert.deepEqual(
      extras.candidates.map((c) => c.line),
      sep,
    );
    assert.equal(html.match(/<tr class="cand-row"/g)?.length ?? 0, sep.length);
    assert.equal(extras.traffic.length, report.layers.length);
    // Every diagnostic is listed once, most severe first, with its rule's documentation.
    const findings = [...html.matchAll(/<tr class="finding sev-(\w+)" data-code="([^"]+)" data-line="(\d+)">/g)];
    assert.deepEqual(
      findings.map((m) => `${m[2]}@${m[3]}`).sort(),
      report.diagnostics.map((d) => `${d.code}@${d.line}`).sort(),
    );
    const rank = (s: string) => ['error', 'warning', 'info', 'hint'].indexOf(s);
    assert.deepEqual(
      findings.map((m) => rank(m[1]!)),
      findings.map((m) => rank(m[1]!)).sort((a, b) => a - b),
    );
    for (const m of findings) assert.ok(html.includes(`docs/rules.md#${m[2]}">${m[2]}</a>`), m[2]);
  });
}

test('extras: the α × ρ grid holds exact recounts, the file cell equals the totals, budgets mark cells', () => {
  const text = readFileSync('examples/mobilenet_v1.layers', 'utf8');
  const doc = analyzeSource(text, 'm.layers');
  const { grid } = reportExtras(doc, { macs: 300_000_000 });
  assert.ok(grid);
  assert.deepEqual(grid.sides, [224, 192, 160, 128]);
  assert.deepEqual(
    grid.cells.map((r) => r[0]!.macs),
    [568_740_352, 325_400_448, 149_497_088, 41_030_272],
  );
  assert.deepEqual(
    grid.cells[0]!.map((c) => c.macs),
    [568_740_352, 418_121_728, 290_675_200, 186_400_768],
  );
  assert.deepEqual(
    grid.cells[0]!.map((c) => c.overBudget),
    [true, true, false, false],
  );
  assert.deepEqual(grid.current, { alpha: 1, side: 224 });
});

test('extras: 1x1 convs are GEMMs with high arithmetic intensity, depthwise convs are memory-bound', () => {
  const doc = analyzeSource(readFileSync('examples/mobilenet_v1.layers', 'utf8'), 'm.layers');
  const report = buildReport(doc, 'm');
  const { traffic } = reportExtras(doc);
  const byName = (n: string) => traffic[report.layers.findIndex((l) => l.name === n)]!;
  // conv6 (1x1, 28x28x256 → 256): 4 × (200,704 + 200,704 + 65,536) bytes.
  const pw = byName('conv6');
  assert.deepEqual(
    [pw.inputElements, pw.outputElements, pw.bytes, pw.gemm],
    [200_704, 200_704, 4 * 466_944, [784, 256, 256]],
  );
  assert.equal(pw.intensity, 51_380_224 / (4 * 466_944));
  const dws = report.layers
    .map((l, i) => (l.kind === 'depthwise' ? traffic[i]!.intensity : NaN))
    .filter((x) => !Number.isNaN(x));
  const pws = report.layers
    .map((l, i) => (l.kind === 'pointwise' ? traffic[i]!.intensity : NaN))
    .filter((x) => !Number.isNaN(x));
  assert.ok(
    Math.max(...dws) < 2.5 && Math.min(...pws) > 5,
    `depthwise ≤ ${Math.max(...dws)}, pointwise ≥ ${Math.min(...pws)} MACs/byte`,
  );
  assert.equal(traffic[report.layers.findIndex((l) => l.op === 'relu')], null);
});

test('names from the file are escaped; the webview page has the script by nonce and apply buttons', () => {
  const text = 'network x<script>alert(1)</script>\ninput 8x8x16\n"><img src=x onerror=1>: conv 32 3x3\n';
  const doc = analyzeSource(text, 'e.layers');
  const html = renderHtmlReport(buildReport(doc, 'e<b>.layers'), reportExtras(doc), {
    mode: 'webview',
    nonce: 'abc123',
  });
  assert.doesNotMatch(html, /<img|<b>|<script>alert/);
  assert.match(html, /script-src 'nonce-abc123'/);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<script nonce="abc123">/);
  const ok = analyzeSource('input 8x8x16\nc: conv 32 3x3\n', 'ok.layers');
  assert.match(
    renderHtmlReport(buildReport(ok, 'ok'), reportExtras(ok), { mode: 'webview', nonce: 'n' }),
    /<button class="apply" data-apply="0"/,
  );
});

test('cli: report --format html writes the standalone page; unknown formats are usage errors', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/cli.js', 'report', 'examples/mobilenet_v1_conv.layers', ...args], {
      encoding: 'utf8',
    });
  const ok = cli('--format', 'html');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^<!DOCTYPE html>/);
  assert.match(ok.stdout, /data-total="macs" data-value="4867293184"/);
  const bad = cli('--format', 'pdf');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /html/);
});
