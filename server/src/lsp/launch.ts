// Process entry of dist/server.js: runs the language server bundle (dist/serverMain.js, from
// bin.ts) through V8's code cache, so that every start after the first skips compiling it
// (docs/performance.md, start-up). The cache is a file next to the bundle, written a few
// seconds after a start that had none (or had one of another bundle or Node), or at exit if
// that comes first, with whatever functions the process compiled by then. The file starts with
// the SHA-1 of the bundle it was made from and is used only for that bundle: V8's own check
// compares the source's length only, and ran a rebuilt bundle of the same length with the old
// bundle's code. A cache that cannot be read or written (a read-only install) only costs the
// saving: the bundle runs either way, with the same arguments, process and behaviour.
// LAYERLINT_CODE_CACHE=0 turns it off.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/** How long after a start without a usable cache it is written (the bundle's start-up code is compiled by then). */
const WRITE_AFTER_MS = 3000;

/** Runs `file` (a CommonJS bundle) as a module, with its code cache at `cacheFile`. */
export function runWithCodeCache(file: string, cacheFile: string): void {
  const bytes = readFileSync(file);
  const digest = createHash('sha1').update(bytes).digest();
  const source = bytes.toString('utf8').replace(/^#!.*/, '');
  let cachedData: Buffer | undefined;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.subarray(0, digest.length).equals(digest)) cachedData = cache.subarray(digest.length);
  } catch {
    // No cache yet: this start compiles the bundle and writes one.
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    let written = false;
    const write = () => {
      if (!written) writeCodeCache(script, digest, cacheFile);
      written = true;
    };
    setTimeout(write, WRITE_AFTER_MS).unref();
    process.once('exit', write);
  }
  const module = new Module(file, require.main);
  module.filename = file;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
}

/** Writes the cache of `script` as `digest` (its bundle's SHA-1) followed by V8's data. */
function writeCodeCache(script: Script, digest: Buffer, cacheFile: string): void {
  // Written whole under another name, then renamed: a server starting meanwhile reads the old file or the new.
  const partial = `${cacheFile}.${process.pid}`;
  try {
    writeFileSync(partial, Buffer.concat([digest, script.createCachedData()]));
    renameSync(partial, cacheFile);
  } catch {
    rmSync(partial, { force: true });
  }
}

/**
 * V8 lets the heap grow to up to 4x what a full collection left alive, so over many edits of
 * a large document the process kept the pages of every old version's text and analysis (RSS
 * 170 -> 333-373 MB after 1,000 edits of 100,000 layers, the live heap flat at ~80 MB).
 * Growing it by at most 20% per full collection keeps RSS near the live size (185 MB), for
 * more frequent full collections (docs/performance.md). A command line that sets it wins.
 */
if (!process.execArgv.some((a) => a.startsWith('--heap-growing-percent')))
  setFlagsFromString('--heap-growing-percent=20');

const main = join(__dirname, 'serverMain.js');
if (process.env.LAYERLINT_CODE_CACHE === '0') require(main);
else runWithCodeCache(main, `${main}.cache`);
