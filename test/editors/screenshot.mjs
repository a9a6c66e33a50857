// Screenshots of LayerLint in real VS Code: code-server with the packaged VSIX installed, in
// headless Chromium. Each scene waits for what it shows (deadlines, no sleeps) and fails if it
// never appears; with --before (screenshots of an older VSIX, for before/after notes) what
// never appears is waited for a bounded time and the screenshot is taken anyway.
// `npm run screenshot` packages the VSIX first and takes the default scene.
//   node test/editors/screenshot.mjs [--scene NAME] [--out FILE] [--vsix FILE] [--before]
// Scenes:
//   hover     (default, docs/images/vscode.png) mobilenet_v1_conv.layers: lenses, squiggles, the hover on conv2
//   darknet   yolov3-tiny.cfg opened with no settings: its language, squiggles, lenses, the hover on a section
//   yaml      yolov8n.yaml: the hover on the first C2f row
//   problems  the Problems panel of mobilenet_v1_conv.layers
//   report    the cost report beside the editor in a 1080 px window with the sidebar closed (~540 px each)
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startCodeServer, launchChromium, closeBrowser, makeWorkspace } from './vscode/codeServer.mjs';

const { values: opts } = parseArgs({
  options: {
    scene: { type: 'string', default: 'hover' },
    out: { type: 'string' },
    vsix: { type: 'string', default: join(ROOT, 'layerlint.vsix') },
    before: { type: 'boolean', default: false },
  },
});
const OUT = opts.out ?? join(ROOT, 'docs/images/vscode.png');
const SETTINGS = {
  'editor.hover.delay': 100,
  'editor.minimap.enabled': false,
  'workbench.statusBar.visible': true,
  'window.commandCenter': false,
  'workbench.layoutControl.enabled': false,
  'editor.fontSize': 14,
};
const WAIT_MS = opts.before ? 15_000 : 60_000;

/** Waits for a locator; with --before, a miss is logged and the scene goes on. */
async function expect(what, locator, timeout = WAIT_MS) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
    return true;
  } catch (e) {
    if (!opts.before) throw new Error(`${what}: ${e.message.split('\n')[0]}`);
    console.log(`screenshot: (before) no ${what}`);
    return false;
  }
}

async function settle(page) {
  await page.waitForFunction(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))),
  );
}

async function open(page, file) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.dblclick();
  await page.locator('.tab.active', { hasText: file }).first().waitFor({ timeout: 30_000 });
}

/** Puts the cursor on a line (Go to Line), then moves the mouse `dx` pixels into that line and waits for a hover. */
async function hoverAtLine(page, line, hoverText, dx = 40) {
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(line));
  // The Go to Line box can take the Enter before its text: press again until it closes.
  const box = page.locator('.quick-input-widget').first();
  for (let i = 0; i < 10 && (await box.isVisible()); i++) {
    await page.keyboard.press('Enter');
    await box.waitFor({ state: 'hidden', timeout: 1000 }).catch(() => undefined);
  }
  const number = page.locator('.margin-view-overlays .line-numbers', { hasText: new RegExp(`^${line}$`) }).first();
  await number.waitFor({ timeout: 10_000 });
  await expect('squiggles', page.locator('.squiggly-warning, .squiggly-info, .squiggly-error'));
  const at = await number.boundingBox();
  const text = await page.locator('.view-lines').first().boundingBox();
  await page.mouse.move(text.x + dx, at.y + at.height / 2);
  await expect(
    `a hover with "${hoverText}"`,
    page.locator('.monaco-hover:not(.hidden)', { hasText: hoverText }),
    30_000,
  );
  await settle(page);
}

const SCENES = {
  async hover(page) {
    await open(page, 'mobilenet_v1_conv.layers');
    await expect('squiggles', page.locator('.squiggly-warning, .squiggly-info, .squiggly-error'));
    await expect('lenses', page.locator('.contentWidgets .codelens-decoration'));
    await expect('the conv2 lens', page.locator('.codelens-decoration', { hasText: 'separable: 29.3M' }));
    // Line 7: conv2, the first candidate (the stem conv1 reads 3 channels and is skipped).
    await hoverAtLine(page, 7, '231,211,008', 90);
  },
  async darknet(page) {
    await open(page, 'yolov3-tiny.cfg');
    await expect('the Darknet language in the status bar', page.locator('.statusbar-item', { hasText: 'Darknet cfg' }));
    await expect('lenses', page.locator('.contentWidgets .codelens-decoration'));
    // Line 40: the second [convolutional] (16 → 32 channels), a separable candidate.
    await hoverAtLine(page, 40, 'MACs');
  },
  async yaml(page) {
    await open(page, 'yolov8n.yaml');
    // Line 22: the first C2f row.
    await hoverAtLine(page, 22, 'C2f', 100);
  },
  async problems(page) {
    await open(page, 'mobilenet_v1_conv.layers');
    await expect('squiggles', page.locator('.squiggly-warning, .squiggly-info, .squiggly-error'));
    await page.keyboard.press('Control+Shift+M');
    await expect('the Problems panel', page.locator('.markers-panel .monaco-list-row'), 30_000);
    await settle(page);
  },
  async report(page) {
    await open(page, 'mobilenet_v1_conv.layers');
    await expect('squiggles', page.locator('.squiggly-warning, .squiggly-info, .squiggly-error'));
    await page.keyboard.press('Control+B'); // the sidebar closed: editor and report share the window
    await page.locator('.editor-actions [aria-label*="Show Cost Report"]').first().click();
    let frame;
    for (let i = 0; i < 120 && !frame; i++) {
      await page.waitForTimeout(250);
      for (const f of page.frames()) if (await f.$('#report').catch(() => null)) frame = f;
    }
    if (!frame) throw new Error('the report webview never showed the report');
    await frame
      .locator('#candidates')
      .scrollIntoViewIfNeeded()
      .catch(() => undefined);
    await frame.locator('#layers').scrollIntoViewIfNeeded();
    await settle(page);
  },
};

const scene = SCENES[opts.scene];
if (!scene) {
  console.error(`screenshot: unknown scene ${opts.scene} (${Object.keys(SCENES).join(', ')})`);
  process.exit(2);
}
let server;
let browser;
let code = 1;
const hardTimeout = setTimeout(() => {
  console.error('screenshot: hard timeout');
  server?.close();
  process.exit(1);
}, 240_000);
hardTimeout.unref();
try {
  server = await startCodeServer({ extraSettings: SETTINGS, vsix: resolve(opts.vsix) });
  const folder = makeWorkspace(server.dir);
  browser = await launchChromium();
  const width = opts.scene === 'report' ? 1080 : 1280;
  const page = await browser.newPage({ viewport: { width, height: 760 }, deviceScaleFactor: 1 });
  await page.goto(`http://${server.host}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await scene(page);
  mkdirSync(dirname(OUT), { recursive: true });
  await page.screenshot({ path: OUT });
  console.log(`screenshot: wrote ${OUT} (${Math.round(statSync(OUT).size / 1024)} KB)`);
  code = 0;
} catch (e) {
  console.error(`screenshot: ${e instanceof Error ? e.stack : e}`);
  if (server) console.error(server.output.slice(-30).join('\n'));
} finally {
  await closeBrowser(browser);
  server?.close();
}
process.exit(code);
