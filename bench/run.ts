// `npm run bench [-- --json]`: every benchmark, one summary line per figure; with --json,
// the figures are also written to bench/results.json for comparison across changes.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { engineBench } from './engine';
import { formatsBench } from './formats';
import { peerBench } from './peer';
import { treeBench } from './tree';
import { serverBench } from './server';
import { printFigure, type Figure } from './stats';

function sizes(): Figure[] {
  const out: Figure[] = [];
  const kb = (p: string) => statSync(p).size / 1024;
  out.push({
    name: 'size.client_bundle_kb',
    value: kb('dist/extension.js'),
    unit: 'KB',
    target: { op: '<', value: 150 },
  });
  // dist/server.js is the launcher (lsp/launch.ts); the server is dist/serverMain.js.
  out.push({
    name: 'size.server_bundle_kb',
    value: kb('dist/server.js') + kb('dist/serverMain.js'),
    unit: 'KB',
    target: { op: '<', value: 500 },
  });
  out.push({ name: 'size.cli_bundle_kb', value: kb('dist/cli.js'), unit: 'KB' });
  if (existsSync('layerlint.vsix')) out.push({ name: 'size.vsix_kb', value: kb('layerlint.vsix'), unit: 'KB' });
  return out;
}

async function main() {
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
  console.log(`LayerLint benchmarks on ${machine}`);
  const figures: Figure[] = [];
  const run = async (name: string, f: () => Figure[] | Promise<Figure[]>) => {
    if (only && !name.startsWith(only)) return;
    for (const fig of await f()) {
      printFigure(fig);
      figures.push(fig);
    }
  };
  await run('size', sizes);
  await run('engine', engineBench);
  await run('formats', formatsBench);
  await run('peer', peerBench);
  await run('tree', treeBench);
  await run('server', serverBench);
  if (json)
    writeFileSync(
      'bench/results.json',
      `${JSON.stringify({ machine, date: new Date().toISOString(), figures }, null, 2)}\n`,
    );
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
