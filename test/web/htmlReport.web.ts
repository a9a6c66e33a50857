// Browser tier: Chromium renders `layerlint report FILE --format html` of every example.
// What a reader sees must be the JSON report's numbers (totals, per-layer MACs and params,
// the candidates = the separable-conv diagnostics); the page must load nothing and break
// no CSP rule. Saves screenshots to out/web/ (UPDATE_SCREENSHOTS=1: docs/images/report.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { buildReport, type Report } from '../../server/src/report/model';
import { reportExtras } from '../../server/src/report/extras';
import { renderHtmlReport } from '../../server/src/report/html';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { launchChromium } from './chromium';

const OUT = 'out/web/html';
const SCREENSHOT = 'docs/images/report.png';
let browser: Browser;
before(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, ['dist/cli.js', 'report', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout;
}

const exact = (n: number) => n.toLocaleString('en-US');

for (const file of readdirSync('examples').sort()) {
  test(`Chromium renders the HTML report of ${file} with the JSON report's numbers`, async () => {
    const json = JSON.parse(cli(`examples/${file}`, '--format', 'json')) as Report;
    const htmlPath = resolve(OUT, `${file}.html`);
    writeFileSync(htmlPath, cli(`examples/${file}`, '--format', 'html'));
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(htmlPath).toString());

    const totals = await page.$$eval('[data-total]', (els) =>
      els.map((e) => [
        e.getAttribute('data-total'),
        Number(e.getAttribute('data-value')),
        e.nextElementSibling?.textContent,
      ]),
    );
    const byKey = new Map(totals.map(([k, v, shown]) => [k, { v, shown }]));
    for (const key of ['macs', 'params', 'flops', 'activations'] as const) {
      assert.equal(byKey.get(key)?.v, json.totals[key], key);
      assert.equal(byKey.get(key)?.shown, exact(json.totals[key]), `${key} as shown`);
    }
    // The full table: one row per layer, exact figures as text.
    const rows = await page.$$eval('tr.layer-row', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-name'),
        tr.querySelector('td.macs')!.textContent,
        tr.querySelector('td.params')!.textContent,
      ]),
    );
    assert.deepEqual(
      rows,
      json.layers.map((l) => [l.name, exact(l.macs), exact(l.params)]),
    );
    // The bar chart: every weighted layer, in network order, with its exact MACs and params.
    const bars = await page.$$eval('#layers g.row', (gs) =>
      gs.map((g) => [
        g.getAttribute('data-name'),
        Number(g.getAttribute('data-macs')),
        Number(g.getAttribute('data-params')),
      ]),
    );
    assert.deepEqual(
      bars,
      json.layers.filter((l) => l.kind !== 'other').map((l) => [l.name, l.macs, l.params]),
    );
    const visible = await page.$$eval(
      '#layers g.row rect.bar',
      (rs) => rs.filter((r) => (r as SVGRectElement).getBBox().width > 0).length,
    );
    assert.ok(visible >= bars.filter(([, m]) => (m as number) > 0).length, 'a visible bar per layer with MACs');
    // Per kind, as Table 2.
    const kinds = await page.$$eval('#kinds tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-kind'), tr.querySelectorAll('td')[0]!.textContent]),
    );
    assert.deepEqual(
      kinds,
      ['standard', 'pointwise', 'depthwise', 'fc', 'other'].map((k) => [
        k,
        exact(json.byKind[k as keyof Report['byKind']].macs),
      ]),
    );
    // Candidates = the separable-conv diagnostics, line by line.
    const cands = await page.$$eval('tr.cand-row', (trs) => trs.map((tr) => Number(tr.getAttribute('data-line'))));
    assert.deepEqual(
      cands,
      json.diagnostics.filter((d) => d.code === 'separable-conv').map((d) => d.line),
    );
    // The α × ρ grid: the file's own cell is the report's total; the α = 1 row is the resolution estimates.
    const current = await page.$eval('td.cell.current', (td) => Number(td.getAttribute('data-macs')));
    assert.equal(current, json.totals.macs);
    const row1 = await page.$$eval('#grid tbody tr:first-child td.cell', (tds) =>
      tds.map((td) => Number(td.getAttribute('data-macs'))),
    );
    assert.deepEqual(
      row1,
      json.estimates.resolution.map((r) => r.macs),
    );

    assert.deepEqual(requests, [pathToFileURL(htmlPath).toString()], 'loads nothing but itself');
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await page.screenshot({ path: `${OUT}/${file}.png`, fullPage: true });
    await page.close();
  });
}

test('screenshot for the README: mobilenet_v1_conv, top of the report', async () => {
  const htmlPath = resolve(OUT, 'mobilenet_v1_conv.layers.html');
  writeFileSync(htmlPath, cli('examples/mobilenet_v1_conv.layers', '--format', 'html'));
  const page = await browser.newPage({ viewport: { width: 1040, height: 900 } });
  await page.goto(pathToFileURL(htmlPath).toString());
  const bottom = await page.$eval('#kinds', (el) => el.getBoundingClientRect().bottom);
  const shot = `${OUT}/report.png`;
  await page.screenshot({
    path: shot,
    fullPage: true,
    clip: { x: 0, y: 0, width: 1040, height: Math.ceil(bottom) + 16 },
  });
  await page.close();
  if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(shot, SCREENSHOT);
  assert.ok(statSync(SCREENSHOT).size < 300 * 1024, `${SCREENSHOT} under 300 KB`);
});

test('at half a screen (540 px, the report beside the editor) the layer chart, its labels and both columns, and the apply buttons are in view', async () => {
  const file = 'examples/mobilenet_v1_conv.layers';
  const doc = analyzeSource(readFileSync(file, 'utf8'), file);
  const report = buildReport(doc, file);
  const extras = reportExtras(doc);
  for (const mode of ['standalone', 'webview'] as const) {
    const page = await browser.newPage({ viewport: { width: 540, height: 900 } });
    const html = renderHtmlReport(report, extras, { mode, nonce: 'n0nce', generator: 'test' });
    const path = resolve(OUT, `narrow-${mode}.html`);
    writeFileSync(path, html);
    await page.goto(pathToFileURL(path).toString());
    const outside = await page.evaluate(() => {
      const out: string[] = [];
      const right = document.documentElement.clientWidth;
      const check = (what: string, el: Element) => {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && (r.left < 0 || r.right > right))
          out.push(`${what} at ${Math.round(r.left)}..${Math.round(r.right)}`);
      };
      document.querySelectorAll('#layers text').forEach((t) => check(`chart text "${t.textContent}"`, t));
      document
        .querySelectorAll('#candidates tr.cand-row > *')
        .forEach((c) => getComputedStyle(c).display !== 'none' && check('candidate cell', c));
      document.querySelectorAll('button.apply').forEach((b) => check('apply button', b));
      return out;
    });
    assert.deepEqual(outside, [], `${mode}: ${outside.slice(0, 5).join('; ')}`);
    const axis = await page.$$eval('#layers text.axis', (ts) => ts.map((t) => t.textContent));
    assert.deepEqual(axis, ['MACs', 'Parameters']);
    if (mode === 'webview') assert.equal(await page.locator('button.apply').count(), 13);
    await page.close();
  }
});
