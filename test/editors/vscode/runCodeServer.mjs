// Runs the extension-host suite (out/editors/vscode/suite.js) in real VS Code: code-server
// from .tools plus headless Debian Chromium, offline. The extension under test is the packaged
// VSIX a user of this machine installs (layerlint-linux-x64.vsix on Linux x64, with ONNX Runtime:
// tools/package-target.mjs), unzipped and loaded as the development extension, so the files the
// VSIX ships are the ones tested; pass --dev to load the repo folder instead.
// Exits with the suite's code (0 = passed); a hard timeout kills everything it started.
//   node test/editors/vscode/runCodeServer.mjs [--vsix layerlint-linux-x64.vsix] [--dev] [--timeout 240]
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startCodeServer, launchChromium, closeBrowser, makeWorkspace, unpackVsix } from './codeServer.mjs';

const { values: opts } = parseArgs({
  options: {
    vsix: { type: 'string', default: join(ROOT, `layerlint-${process.platform}-${process.arch}.vsix`) },
    dev: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '240' },
    verbose: { type: 'boolean', default: false },
  },
});
const NOISE = /ENOTFOUND open-vsx\.org|Timed out waiting for authentication provider/;
const TESTS_JS = join(ROOT, 'out/editors/vscode/suite.js');
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

let server;
let browser;
let finished = false;
async function finish(code, why) {
  if (finished) return;
  finished = true;
  if (why) console.error(`runCodeServer: ${why}`);
  if (code !== 0 && server && !opts.verbose)
    console.error(`--- code-server output ---\n${server.output.slice(-30).join('\n')}`);
  await closeBrowser(browser);
  server?.close();
  console.log(`runCodeServer: ${code === 0 ? 'passed' : `failed (${code})`} in ${elapsed()}`);
  process.exit(code);
}
const hardTimeout = setTimeout(() => finish(1, `hard timeout after ${opts.timeout} s`), Number(opts.timeout) * 1000);
hardTimeout.unref();
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => finish(130, `got ${sig}`));

try {
  if (!existsSync(TESTS_JS)) throw new Error(`${TESTS_JS} missing: run node esbuild.mjs --editors`);
  server = await startCodeServer({ log: opts.verbose ? (l) => console.log(l) : undefined });
  console.log(`runCodeServer: code-server up at http://${server.host} after ${elapsed()}`);
  let extDir = ROOT;
  if (!opts.dev) {
    const vsix = resolve(opts.vsix);
    if (!existsSync(vsix))
      throw new Error(`${vsix} missing: run npm run package:target -- ${process.platform}-${process.arch}`);
    extDir = unpackVsix(vsix, server.dir);
  }
  const folder = makeWorkspace(server.dir);
  browser = await launchChromium();
  const page = await browser.newPage();
  const exitCode = new Promise((res) => {
    page.exposeFunction('codeAutomationExit', (code) => res(code));
  });
  // The suite's own lines always; errors (up to 20 lines each) (offline noise such as
  // ENOTFOUND open-vsx.org is expected); everything with --verbose.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = (Array.isArray(args) ? args : [args]).map(String).join(' ');
    if (opts.verbose || text.includes('[layerlint-suite]')) console.log(`[exthost ${type}] ${text}`);
    else if (type === 'error' && !NOISE.test(text))
      console.log(`[exthost ${type}] ${text.split('\n').slice(0, 20).join('\n')}`);
  });
  const remote = (p) => `vscode-remote://${server.host}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extDir)],
    ['extensionTestsPath', remote(TESTS_JS)],
  ]);
  await page.goto(`http://${server.host}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
  const code = await exitCode;
  await finish(code === 0 ? 0 : 1, code === 0 ? undefined : `suite exited with ${code}`);
} catch (e) {
  await finish(1, e instanceof Error ? e.stack : String(e));
}
