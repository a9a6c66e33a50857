// Runs the real-editor tests, one after another, each as its own process with a deadline:
// the VSIX contents checks (the universal VSIX and the linux-x64 one that ships ONNX Runtime),
// Neovim (built-in LSP), Emacs (eglot) and VS Code (code-server, extension-host suite, on the
// linux-x64 VSIX).
// Expects dist/ built, out/editors/ built, layerlint.vsix and layerlint-linux-x64.vsix packaged
// (npm run test:editors does all of it) and the editors installed (bash .ci/install-editors.sh). A missing editor is a
// failure, not a skip. Prints each test's duration and a closing `N passed, N failed` line.
//   node test/editors/run.mjs [vsix] [vsix-linux-x64] [nvim] [emacs] [vscode]
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const env = { ...process.env, LAYERLINT_NODE: process.execPath, LAYERLINT_SERVER: join(ROOT, 'dist/server.js') };
const TESTS = [
  { name: 'vsix', cmd: process.execPath, args: ['test/editors/checkVsix.mjs', 'layerlint.vsix'], timeoutS: 30 },
  {
    name: 'vsix-linux-x64',
    cmd: process.execPath,
    args: ['test/editors/checkVsix.mjs', 'layerlint-linux-x64.vsix'],
    timeoutS: 90,
  },
  {
    name: 'nvim',
    cmd: 'nvim',
    args: ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', 'luafile test/editors/nvim/test.lua'],
    timeoutS: 60,
  },
  { name: 'emacs', cmd: 'emacs', args: ['-Q', '--batch', '-l', 'test/editors/emacs/test.el'], timeoutS: 60 },
  {
    name: 'vscode',
    cmd: process.execPath,
    args: ['test/editors/vscode/runCodeServer.mjs', '--timeout', '240'],
    timeoutS: 300,
  },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !TESTS.some((t) => t.name === w));
if (unknown.length) {
  console.error(`unknown test(s): ${unknown.join(', ')}; known: ${TESTS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const selected = TESTS.filter((t) => !wanted.length || wanted.includes(t.name));

/** Runs one test in its own process group; resolves to { ok, ms, why }. */
function runOne(t) {
  const t0 = Date.now();
  return new Promise((res) => {
    const child = spawn(t.cmd, t.args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    const killGroup = (sig) => {
      try {
        process.kill(-child.pid, sig);
      } catch {
        /* gone */
      }
    };
    let timedOut = false;
    // On timeout: SIGTERM the group (runCodeServer.mjs then stops the code-server it started),
    // SIGKILL whatever is left 10 s later.
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => {
        killGroup('SIGKILL');
        res({ ok: false, ms: Date.now() - t0, why: `timed out after ${t.timeoutS} s` });
      }, 10_000);
    }, t.timeoutS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      res({ ok: false, ms: Date.now() - t0, why: `${e.message} (run bash .ci/install-editors.sh)` });
    });
    child.on('exit', (code, signal) => {
      if (timedOut) return; // the timer reports it
      clearTimeout(timer);
      killGroup('SIGKILL'); // the editor may leave a language server behind in its group
      res({ ok: code === 0, ms: Date.now() - t0, why: code === 0 ? '' : `exit ${code ?? signal}` });
    });
  });
}

let passed = 0;
let failed = 0;
for (const t of selected) {
  console.log(`--- ${t.name}`);
  const r = await runOne(t);
  console.log(`${r.ok ? 'PASS' : 'FAIL'} ${t.name} (${(r.ms / 1000).toFixed(1)} s)${r.why ? `: ${r.why}` : ''}`);
  if (r.ok) passed++;
  else failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
