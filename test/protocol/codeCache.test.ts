// dist/server.js runs the server bundle through V8's code cache (server/src/lsp/launch.ts):
// a start without a cache writes one, a start with it uses it and leaves it alone, a cache V8
// rejects (garbage, another bundle) is replaced, LAYERLINT_CODE_CACHE=0 writes none, and the
// server behaves the same in every case. Runs copies of the built bundles in a temporary
// folder, so the cache beside dist/ is never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

function copyServer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-code-cache-'));
  for (const f of ['server.js', 'serverMain.js']) copyFileSync(resolve('dist', f), join(dir, f));
  return dir;
}

function version(dir: string, env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [join(dir, 'server.js'), '--version'], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('a start without a code cache writes one; the next start uses it and leaves it unchanged', () => {
  const dir = copyServer();
  const cache = join(dir, 'serverMain.js.cache');
  try {
    assert.equal(version(dir), VERSION);
    assert.ok(existsSync(cache), 'the cache was written at exit');
    const first = readFileSync(cache);
    assert.ok(first.length > 1000);
    const mtime = statSync(cache).mtimeMs;
    assert.equal(version(dir), VERSION);
    assert.equal(statSync(cache).mtimeMs, mtime, 'an accepted cache is not rewritten');
    assert.deepEqual(readFileSync(cache), first);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache V8 rejects is replaced, and the server still starts', () => {
  const dir = copyServer();
  const cache = join(dir, 'serverMain.js.cache');
  try {
    writeFileSync(cache, Buffer.alloc(4096, 7));
    assert.equal(version(dir), VERSION);
    assert.notDeepEqual(readFileSync(cache), Buffer.alloc(4096, 7));
    // A cache of another bundle (same Node, different source) is rejected too.
    writeFileSync(join(dir, 'serverMain.js'), `${readFileSync(join(dir, 'serverMain.js'), 'utf8')}\n// edited\n`);
    const stale = readFileSync(cache);
    assert.equal(version(dir), VERSION);
    assert.notDeepEqual(readFileSync(cache), stale);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache of another bundle of the same length is not used: the new bundle runs', () => {
  const dir = copyServer();
  try {
    assert.equal(version(dir), VERSION);
    // Same length, one string changed: V8's own check (the source's length) accepts the old cache.
    const other = VERSION.replace(/\d(?!.*\d)/, (d) => String((Number(d) + 1) % 10));
    const bundle = join(dir, 'serverMain.js');
    const text = readFileSync(bundle, 'utf8');
    assert.ok(text.includes(`"${VERSION}"`));
    writeFileSync(bundle, text.replaceAll(`"${VERSION}"`, `"${other}"`));
    assert.equal(readFileSync(bundle).length, Buffer.byteLength(text));
    assert.equal(version(dir), other);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LAYERLINT_CODE_CACHE=0 runs the bundle without writing a cache', () => {
  const dir = copyServer();
  try {
    assert.equal(version(dir, { LAYERLINT_CODE_CACHE: '0' }), VERSION);
    assert.ok(!existsSync(join(dir, 'serverMain.js.cache')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
