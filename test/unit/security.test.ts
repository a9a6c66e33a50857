// What the shipped bundles can reach: built with esbuild's metafile (the same entry points
// as esbuild.mjs), no LayerLint source imports a module that runs programs or opens network
// connections, and the only third-party imports of them are the two documented in
// docs/reliability.md. Also: no eval / new Function / dynamic import in LayerLint's code,
// and the extension declares full support for untrusted workspaces (it only reads data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const FORBIDDEN = new Set([
  'child_process',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'dns',
  'cluster',
  'worker_threads',
  'vm',
  'inspector',
]);
/** Third-party code that imports a forbidden module, and why it is never reached in a way that matters. */
const ALLOWED: Record<string, string[]> = {
  // Files.resolveGlobalNodePath/resolveGlobalYarnPath spawn npm/yarn; LayerLint never calls them.
  // benchRunner.ts forks the bench bundle (dist/bench.js) and nothing else (checked below).
  child_process: ['node_modules/vscode-languageserver/lib/node/files.js', 'server/src/lsp/benchRunner.ts'],
  // The --pipe / --socket transports: a local connection to the editor, only when it asks for one.
  net: ['node_modules/vscode-jsonrpc/lib/node/main.js'],
};

interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

function metafile(entryPoints: Record<string, string>): Metafile {
  const r = spawnSync(
    process.execPath,
    ['test/helpers/metafile.mjs', ...Object.entries(entryPoints).map(([k, v]) => `${k}=${v}`)],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Metafile;
}

function forbiddenImports(meta: Metafile): { module: string; from: string }[] {
  const found: { module: string; from: string }[] = [];
  for (const [file, input] of Object.entries(meta.inputs)) {
    for (const imp of input.imports) {
      const module = imp.path.replace(/^node:/, '');
      if (imp.external && FORBIDDEN.has(module)) found.push({ module, from: file });
    }
  }
  return found;
}

test('the CLI bundle imports nothing that runs programs or opens connections', () => {
  // One exception (docs/reliability.md): `check` runs its analyses in worker threads, and
  // those threads run the CLI bundle itself, nothing else (checked below).
  assert.deepEqual(forbiddenImports(metafile({ cli: 'server/src/cli/bin.ts' })), [
    { module: 'worker_threads', from: 'server/src/cli/checkPool.ts' },
  ]);
});

test("the CLI's worker threads run the CLI bundle itself, and only check starts them", () => {
  const meta = metafile({ server: 'server/src/lsp/bin.ts', cli: 'server/src/cli/bin.ts' });
  const own = Object.keys(meta.inputs).filter((f) => f.startsWith('server/src/'));
  const starting = own.filter((f) => /\bnew\s+Worker\s*\(/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(starting, ['server/src/cli/checkPool.ts']);
  assert.match(readFileSync('server/src/cli/checkPool.ts', 'utf8'), /new Worker\(workerScript, /);
  const bin = readFileSync('server/src/cli/bin.ts', 'utf8');
  assert.match(bin, /workerScript: __filename,/);
  assert.doesNotMatch(readFileSync('server/src/cli/checkPool.ts', 'utf8'), /\beval\s*:\s*true/);
});

test('the server bundle: only the two documented third-party imports, none from LayerLint code', () => {
  const found = forbiddenImports(metafile({ server: 'server/src/lsp/bin.ts' }));
  for (const f of found) assert.ok(ALLOWED[f.module]?.includes(f.from), `${f.from} imports ${f.module}`);
});

test('the server starts one program: its bench bundle, from benchRunner.ts only; the bench bundle starts none', () => {
  const own = forbiddenImports(metafile({ server: 'server/src/lsp/bin.ts' })).filter((f) =>
    f.from.startsWith('server/src/'),
  );
  assert.deepEqual(own, [{ module: 'child_process', from: 'server/src/lsp/benchRunner.ts' }]);
  const runner = readFileSync('server/src/lsp/benchRunner.ts', 'utf8');
  assert.deepEqual(runner.match(/\b(fork|spawn|spawnSync|exec|execFile|execFileSync|execSync)\s*\(/g), ['fork(']);
  assert.match(runner, /fork\(script, \[\], /);
  assert.match(readFileSync('server/src/lsp/bin.ts', 'utf8'), /runBench\(join\(__dirname, 'bench\.js'\), /);
  assert.deepEqual(forbiddenImports(metafile({ bench: 'server/src/cli/bench/child.ts' })), []);
});

test('LayerLint code has no eval, new Function or dynamic require/import', () => {
  const meta = metafile({ server: 'server/src/lsp/bin.ts', cli: 'server/src/cli/main.ts' });
  const own = Object.keys(meta.inputs).filter((f) => f.startsWith('server/src/'));
  assert.ok(own.length > 20);
  for (const f of own) {
    const src = readFileSync(f, 'utf8');
    assert.doesNotMatch(src, /\beval\s*\(|new\s+Function\s*\(|\brequire\s*\(\s*[^'"\s)]|\bimport\s*\(/, f);
  }
});

test('the extension supports untrusted workspaces: it only reads layer specs as data', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    capabilities: { untrustedWorkspaces: { supported: unknown } };
  };
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
});
