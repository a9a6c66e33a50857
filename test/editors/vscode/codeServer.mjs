// Shared harness for driving real VS Code (code-server from .tools, see .ci/install-editors.sh)
// with Debian's Chromium through playwright-core. startCodeServer() starts a private instance
// on 127.0.0.1 with a free port, throwaway user data, clean settings and the smoke-test driver
// enabled; launchChromium() never downloads a browser. Both return handles whose close() ends
// exactly the processes they started (code-server runs in its own process group).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const TOOLS = resolve(process.env.LAYERLINT_TOOLS_DIR ?? join(ROOT, '.tools'));
const NODE24 = join(TOOLS, 'node/node_modules/node/bin/node');
const CODE_SERVER = join(TOOLS, 'code-server/node_modules/code-server/out/node/entry.js');
export const CHROMIUM = process.env.LAYERLINT_CHROMIUM ?? '/usr/bin/chromium';

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
};

/** Fails early, with the command that fixes it, when a tool is missing. */
export function checkTools() {
  for (const [what, p] of [
    ['Node 24', NODE24],
    ['code-server', CODE_SERVER],
    ['Chromium', CHROMIUM],
  ]) {
    if (!existsSync(p)) throw new Error(`${what} not found at ${p}: run bash .ci/install-editors.sh`);
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Polls fn until it resolves truthy, or rejects after timeoutMs. */
export async function until(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A temp folder holding a copy of the example files, opened as the workspace; its workspace
 * settings keep LayerLint: Measure latency on this machine short (2 timed runs).
 */
export function makeWorkspace(dir) {
  const ws = join(dir, 'workspace');
  mkdirSync(ws, { recursive: true });
  cpSync(join(ROOT, 'examples'), ws, { recursive: true });
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.vscode/settings.json'), JSON.stringify({ 'layerlint.bench.repeats': 2 }, null, 2));
  // Files that share a model extension but are no model: LayerLint must leave them alone.
  mkdirSync(join(ws, 'not-models'), { recursive: true });
  writeFileSync(join(ws, 'not-models/config.yaml'), 'epochs: 100\nlr0: 0.01\n');
  writeFileSync(join(ws, 'not-models/setup.cfg'), '[metadata]\nname = demo\n\n[options]\npackages = find:\n');
  return ws;
}

/** Unzips a VSIX and returns the folder holding its `extension/`, usable as extensionDevelopmentPath. */
export function unpackVsix(vsix, dir) {
  const out = join(dir, 'vsix');
  execFileSync('unzip', ['-q', '-o', vsix, '-d', out]);
  return join(out, 'extension');
}

/**
 * Starts code-server. Options: extraSettings (merged into user settings), vsix (installed into
 * the private extensions folder first), log (line sink). Returns { host, dir, output, close }.
 */
export async function startCodeServer({ extraSettings = {}, vsix, log = () => {} } = {}) {
  checkTools();
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-cs-'));
  const ud = join(dir, 'ud');
  mkdirSync(join(ud, 'User'), { recursive: true });
  writeFileSync(join(ud, 'User/settings.json'), JSON.stringify({ ...SETTINGS, ...extraSettings }, null, 2));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  writeFileSync(join(dir, 'config.yaml'), `bind-addr: ${host}\nauth: none\ncert: false\n`);
  const base = [
    CODE_SERVER,
    '--config',
    join(dir, 'config.yaml'),
    '--user-data-dir',
    ud,
    '--extensions-dir',
    join(dir, 'ext'),
  ];
  const args = [
    ...base,
    '--auth',
    'none',
    '--bind-addr',
    host,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  const env = {
    ...process.env,
    PATH: `${join(TOOLS, 'node/node_modules/node/bin')}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(dir, 'xdg-config'),
    XDG_DATA_HOME: join(dir, 'xdg-data'),
  };
  if (vsix) {
    try {
      execFileSync(NODE24, [...base, '--install-extension', vsix], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }
  const child = spawn(NODE24, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const sink = (chunk) => {
    for (const line of chunk.toString().split('\n'))
      if (line.trim()) {
        output.push(line);
        log(`[code-server] ${line}`);
      }
  };
  child.stdout.on('data', sink);
  child.stderr.on('data', sink);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const close = () => {
    // the whole group: code-server plus the extension host and language server it started
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      'code-server /healthz',
      async () => {
        if (exited) throw new Error(`code-server exited early:\n${output.join('\n')}`);
        const r = await fetch(`http://${host}/healthz`);
        return r.ok;
      },
      60_000,
    );
  } catch (e) {
    close();
    throw e;
  }
  return { host, dir, output, close };
}

/** Closes a browser, giving up after 5 s (Playwright kills the browser it launched when this process exits). */
export async function closeBrowser(browser) {
  if (!browser) return;
  await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000).unref())]);
}

/** Headless Debian Chromium through playwright-core (never downloads a browser). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
