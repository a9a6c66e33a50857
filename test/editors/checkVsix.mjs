// Checks a VSIX against its manifest: every file package.json points at (main, browser, icon,
// grammars, language configurations, JSON schemas) is inside, and nothing is that should not be
// (source maps, sources, tests); the readme (the Marketplace page) is the user README with its
// images inside, and a changelog ships. The extension-host suite cannot notice a missing schema,
// grammar or image, so this does. The universal VSIX ships no node_modules/; a platform VSIX
// (TargetPlatform os-arch, tools/package-target.mjs) ships ONNX Runtime for Node for that os/arch
// only: onnxruntime-node's package.json, dist/*.js and bin/napi-v6/<os>/<arch>/*, and
// onnxruntime-common's package.json and CommonJS build, nothing else (no other platform's
// binary). When the VSIX is for this machine (or universal), the VSIX is unpacked where no
// other node_modules/ is in reach and its own dist/bench.js is run as the server runs it: a
// platform VSIX measures a small network with the onnxruntime-node it ships (resolved inside
// the unpacked extension), the universal one answers that ONNX Runtime is not installed.
// Exits non-zero listing the problems.
//   node test/editors/checkVsix.mjs [layerlint.vsix]
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, posix } from 'node:path';

const vsix = resolve(process.argv[2] ?? 'layerlint.vsix');
const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
const files = new Set(listing.filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length)));
const pkg = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' }));
const manifest = execFileSync('unzip', ['-p', vsix, 'extension.vsixmanifest'], { encoding: 'utf8' });
const target = /TargetPlatform="([^"]+)"/.exec(manifest)?.[1];

const local = (p) => typeof p === 'string' && !/^[a-z]+:\/\//i.test(p);
const norm = (p) => posix.normalize(p).replace(/^\.\//, '');
const c = pkg.contributes ?? {};
const referenced = [
  pkg.main,
  pkg.browser,
  pkg.icon,
  // the web extension starts its server worker from here (client/src/browserExtension.ts)
  pkg.browser && 'dist/web/server.js',
  // the Node server forks it for LayerLint: Measure latency on this machine (server/src/lsp/benchRunner.ts)
  'dist/bench.js',
  ...(c.languages ?? []).map((l) => l.configuration),
  ...(c.grammars ?? []).map((g) => g.path),
  ...(c.jsonValidation ?? []).map((j) => j.url),
  ...(c.snippets ?? []).map((s) => s.path),
  // the chunks the Node bundles require on first use (esbuild.mjs, LAZY_MODULES)
  ...['dist/serverMain.js', 'dist/bench.js'].flatMap((bundle) =>
    [
      ...execFileSync('unzip', ['-p', vsix, `extension/${bundle}`], { encoding: 'utf8', maxBuffer: 2 ** 26 }).matchAll(
        /require\("\.\/(lazy\/\w+\.js)"\)/g,
      ),
    ].map((m) => `dist/${m[1]}`),
  ),
]
  .filter(local)
  .map(norm);
const problems = [];
for (const p of new Set(referenced)) if (!files.has(p)) problems.push(`missing: ${p} (referenced by package.json)`);
// The Marketplace page is the VSIX's readme: for users (not the developer README), with
// every image inside the VSIX (a relative link the page resolves) and a changelog beside it.
const readme = listing.includes('extension/readme.md')
  ? execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' })
  : '';
if (!readme) problems.push('missing: readme.md');
for (const dev of ['npm ci', '.ci/', 'npm test'])
  if (readme.includes(dev)) problems.push(`readme.md is the developer README: it has "${dev}"`);
for (const [, src] of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g))
  if (!files.has(norm(src))) problems.push(`readme.md image not in the VSIX: ${src}`);
if (!listing.includes('extension/changelog.md')) problems.push('missing: changelog.md');
for (const f of files) {
  if (/\.map$|\.ts$|^(test|out|server|client|tools|bench)\//.test(f)) problems.push(`should not ship: ${f}`);
}

// ONNX Runtime: nothing in the universal VSIX; in a platform one, its runtime files for that target only.
const runtime = [...files].filter((f) => f.startsWith('node_modules/'));
let runtimeNote = 'no ONNX Runtime (universal)';
if (!target) {
  for (const f of runtime) problems.push(`should not ship in the universal VSIX: ${f}`);
} else {
  const [os, arch] = target.split('-');
  const binDir = `node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/`;
  const allowed = [
    /^node_modules\/onnxruntime-node\/(package\.json|dist\/[^/]+\.js)$/,
    /^node_modules\/onnxruntime-common\/(package\.json|dist\/cjs\/package\.json|dist\/cjs\/[^/]+\.js)$/,
  ];
  for (const f of runtime)
    if (!f.startsWith(binDir) && !allowed.some((re) => re.test(f)))
      problems.push(`should not ship in the ${target} VSIX: ${f}`);
  for (const f of [
    'node_modules/onnxruntime-node/package.json',
    'node_modules/onnxruntime-node/dist/index.js',
    `${binDir}onnxruntime_binding.node`,
    'node_modules/onnxruntime-common/package.json',
    'node_modules/onnxruntime-common/dist/cjs/index.js',
  ])
    if (!files.has(f)) problems.push(`missing: ${f} (ONNX Runtime for ${target})`);
  // Uncompressed sizes (unzip -l: size, date, time, name).
  const sizes = new Map(
    execFileSync('unzip', ['-l', vsix], { encoding: 'utf8', maxBuffer: 1 << 24 })
      .split('\n')
      .map((l) => /^\s*(\d+)\s+\S+\s+\S+\s+extension\/(.+)$/.exec(l))
      .filter(Boolean)
      .map((m) => [m[2], Number(m[1])]),
  );
  const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  const binaries = runtime.filter((f) => f.startsWith(binDir));
  const binBytes = binaries.reduce((a, f) => a + (sizes.get(f) ?? 0), 0);
  runtimeNote = `ONNX Runtime for ${target}: ${runtime.length} files, binaries ${binaries
    .map((f) => f.slice(binDir.length))
    .join(' + ')} ${mib(binBytes)} unpacked`;
}
runtimeNote += `; VSIX ${(statSync(vsix).size / 2 ** 20).toFixed(1)} MiB`;

/** Runs the unpacked extension's dist/bench.js on a small network as the server does; resolves to its outcome. */
function benchChild(extension) {
  const request = {
    text: 'network n\ninput 32x32x16\nc1: conv 32 3x3 | bn | relu\ng: avgpool global\nf: fc 10\n',
    fileName: 'n.layers',
    uri: 'untitled:n.layers',
    options: {},
    threads: 1,
    warmup: 1,
    repeats: 2,
  };
  const env = { ...process.env };
  delete env.NODE_PATH;
  return new Promise((res) => {
    const child = fork(join(extension, 'dist/bench.js'), [], {
      cwd: extension,
      env,
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let outcome;
    child.on('message', (m) => {
      if (!('progress' in m)) outcome = m;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      res(outcome ?? { exited: `${code ?? signal}: ${stderr.slice(-500)}` });
    });
    child.send(request);
  });
}

const host = `${process.platform}-${process.arch}`;
if (!problems.length && (!target || target === host)) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'layerlint-checkvsix-')));
  try {
    // Node looks for node_modules/ in every folder above the script: none may be there but the extension's.
    for (let d = dirname(dir); ; d = dirname(d)) {
      if (existsSync(join(d, 'node_modules'))) problems.push(`cannot check resolution: ${d}/node_modules exists`);
      if (dirname(d) === d) break;
    }
    execFileSync('unzip', ['-q', vsix, '-d', dir]);
    const extension = join(dir, 'extension');
    const fromBench = createRequire(join(extension, 'dist/bench.js'));
    let resolved;
    try {
      resolved = fromBench.resolve('onnxruntime-node');
    } catch {
      resolved = undefined;
    }
    const outcome = problems.length ? undefined : await benchChild(extension);
    if (!target) {
      if (resolved) problems.push(`the universal VSIX's bench child resolves onnxruntime-node: ${resolved}`);
      if (outcome && !/not installed/.test(outcome.unavailable ?? ''))
        problems.push(
          `the universal VSIX's bench child should say ONNX Runtime is not installed: ${JSON.stringify(outcome)}`,
        );
      else if (outcome) runtimeNote += `; its bench child says: ${outcome.unavailable.split(' (')[0]}`;
    } else {
      if (!resolved?.startsWith(join(extension, 'node_modules/onnxruntime-node/')))
        problems.push(`the bench child resolves onnxruntime-node outside the extension: ${resolved}`);
      const report = outcome?.report;
      if (!report || !(report.medianMs > 0) || report.repeats !== 2)
        problems.push(`the bench child did not measure with the shipped runtime: ${JSON.stringify(outcome)}`);
      else
        runtimeNote += `; its bench child resolves ${resolved.slice(extension.length + 1)} and measured ${report.medianMs.toFixed(3)} ms (${report.runtime})`;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (problems.length) {
  console.error(`checkVsix: ${vsix}\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const shown = [...files].filter((f) => !f.startsWith('node_modules/')).sort();
console.log(
  `checkVsix: ${vsix}: ${files.size} files, all ${new Set(referenced).size} referenced paths present; ${runtimeNote}: ${shown.join(', ')}`,
);
