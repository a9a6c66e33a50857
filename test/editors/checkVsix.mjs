// Checks layerlint.vsix against its manifest: every file package.json points at (main, browser, icon,
// grammars, language configurations, JSON schemas) is inside, and nothing is that should not be
// (source maps, sources, tests, node_modules); the readme (the Marketplace page) is the user
// README with its images inside, and a changelog ships. The extension-host suite cannot notice
// a missing schema, grammar or image, so this does. Exits non-zero listing the problems.
//   node test/editors/checkVsix.mjs [layerlint.vsix]
import { execFileSync } from 'node:child_process';
import { resolve, posix } from 'node:path';

const vsix = resolve(process.argv[2] ?? 'layerlint.vsix');
const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
const files = new Set(listing.filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length)));
const pkg = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' }));

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
  if (/\.map$|\.ts$|^(node_modules|test|out|server|client|tools|bench)\//.test(f))
    problems.push(`should not ship: ${f}`);
}
if (problems.length) {
  console.error(`checkVsix: ${vsix}\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `checkVsix: ${files.size} files, all ${new Set(referenced).size} referenced paths present: ${[...files].sort().join(', ')}`,
);
