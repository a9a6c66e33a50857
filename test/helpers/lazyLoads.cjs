// Preloaded (`node -r`) into a dist/ bundle by test/cli/lazyChunks.test.ts: at exit, writes
// to stderr the dist/lazy/ chunks the process required, as `lazy chunks: NAME,NAME` (sorted).
const Module = require('node:module');

const required = new Set();
const load = Module._load;
Module._load = function (request, ...rest) {
  const chunk = /^\.\/lazy\/(\w+)\.js$/.exec(request);
  if (chunk) required.add(chunk[1]);
  return load.call(this, request, ...rest);
};
process.on('exit', () => process.stderr.write(`lazy chunks: ${[...required].sort().join(',')}\n`));
