// Runs the same extension-host suite (out/editors/vscode/suite.js) in desktop VS Code through
// @vscode/test-electron, for machines that can download VS Code (it fails offline with
// ENOTFOUND update.code.visualstudio.com; CI here uses runCodeServer.mjs instead).
//   node esbuild.mjs --editors && node test/editors/vscode/runTestElectron.mjs [--vscode-version 1.99.0]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { ROOT, makeWorkspace } from './codeServer.mjs';

const { values: opts } = parseArgs({ options: { 'vscode-version': { type: 'string', default: 'stable' } } });
const dir = mkdtempSync(join(tmpdir(), 'layerlint-te-'));
let code = 1;
try {
  code = await runTests({
    version: opts['vscode-version'],
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out/editors/vscode/suite.js'),
    launchArgs: [
      makeWorkspace(dir),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--user-data-dir',
      join(dir, 'ud'),
    ],
  });
} catch (e) {
  console.error(`runTestElectron: ${e instanceof Error ? e.message : e}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
