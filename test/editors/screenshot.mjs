// Takes docs/images/vscode.png: real VS Code (code-server, the packaged layerlint.vsix installed)
// in headless Chromium, showing examples/mobilenet_v1_conv.layers with code lenses, squiggles
// and the hover over conv2 open. Waits for each of those in the page (deadlines, no sleeps) and
// fails if one never appears. `npm run screenshot` packages the VSIX first.
//   node test/editors/screenshot.mjs [--out docs/images/vscode.png]
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startCodeServer, launchChromium, closeBrowser, makeWorkspace } from './vscode/codeServer.mjs';

const { values: opts } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'docs/images/vscode.png') },
    vsix: { type: 'string', default: join(ROOT, 'layerlint.vsix') },
  },
});
const FILE = 'mobilenet_v1_conv.layers';
const SETTINGS = {
  'editor.hover.delay': 100,
  'editor.minimap.enabled': false,
  'workbench.statusBar.visible': true,
  'window.commandCenter': false,
  'workbench.layoutControl.enabled': false,
  'editor.fontSize': 14,
};

let server;
let browser;
let code = 1;
const hardTimeout = setTimeout(() => {
  console.error('screenshot: hard timeout');
  server?.close();
  process.exit(1);
}, 180_000);
hardTimeout.unref();
try {
  server = await startCodeServer({ extraSettings: SETTINGS, vsix: resolve(opts.vsix) });
  const folder = makeWorkspace(server.dir);
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
  await page.goto(`http://${server.host}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.dblclick();
  // a squiggle and the lenses mean the server has analysed the file
  await page.waitForSelector('.squiggly-warning, .squiggly-info, .squiggly-error', { timeout: 60_000 });
  await page.waitForSelector('.contentWidgets .codelens-decoration', { timeout: 60_000 });
  await page.locator('.codelens-decoration', { hasText: 'separable: 29.3M' }).first().waitFor({ timeout: 60_000 });
  await page.locator('.view-line', { hasText: 'conv2:' }).first().waitFor();
  // Hover the squiggle on conv2's line: the first squiggle from the top (the stem conv1 has none).
  const squiggles = await page
    .locator('.view-overlays .squiggly-warning, .view-overlays .squiggly-info')
    .evaluateAll((els) =>
      els
        .map((e) => e.getBoundingClientRect())
        .map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height }))
        .sort((a, b) => a.y - b.y),
    );
  const conv2Line = await page.locator('.view-line', { hasText: 'conv2:' }).first().boundingBox();
  const sq = squiggles.find((r) => Math.abs(r.y - conv2Line.y) < conv2Line.height) ?? squiggles[0];
  if (!sq) throw new Error('no squiggle found');
  await page.mouse.move(sq.x + sq.w / 2, sq.y + sq.h / 2);
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: '231,211,008' }).first();
  await hover.waitFor({ state: 'visible', timeout: 30_000 });
  // Let the hover finish laying out (its size settles within a few frames).
  await page.waitForFunction(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))),
  );
  mkdirSync(dirname(opts.out), { recursive: true });
  await page.screenshot({ path: opts.out });
  console.log(`screenshot: wrote ${opts.out} (${Math.round(statSync(opts.out).size / 1024)} KB)`);
  code = 0;
} catch (e) {
  console.error(`screenshot: ${e instanceof Error ? e.stack : e}`);
  if (server) console.error(server.output.slice(-30).join('\n'));
} finally {
  await closeBrowser(browser);
  server?.close();
}
process.exit(code);
