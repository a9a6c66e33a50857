// A peer in the bench (issue 18 item 5): LayerLint's full analysis of MobileNet v1
// (examples/mobilenet_v1.layers) next to the PyTorch hook count of the same network (the
// oracle's forward hooks on the exported module, bench/pytorch_peer.py), CPU time medians
// from one run and their ratio. Both totals are compared so the figure is of the same work.
// Without /usr/bin/python3 and torch (.ci/install-torch.sh) the PyTorch figure is skipped
// with a printed reason; LayerLint's is still reported.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { analyzeSource } from '../server/src/engine/analyzeSource';
import { exportPyTorch } from '../server/src/export/pytorch';
import { cpuMs, summarize, type Figure } from './stats';

const PYTHON = '/usr/bin/python3';
const FILE = 'examples/mobilenet_v1.layers';

export function peerBench(): Figure[] {
  const text = readFileSync(FILE, 'utf8');
  const doc = analyzeSource(text, FILE);
  for (let i = 0; i < 50; i++) analyzeSource(text, FILE);
  const ours = summarize(Array.from({ length: 200 }, () => cpuMs(() => analyzeSource(text, FILE))));
  const figures: Figure[] = [
    { name: 'peer.layerlint.mobilenet_v1.cpu_ms', value: ours.median, unit: 'ms', note: `min ${ours.min.toFixed(3)}` },
  ];
  const ex = exportPyTorch(doc.analysis, FILE);
  if (ex.problems.length) {
    console.log(`peer.pytorch: skipped, ${FILE} does not export: ${ex.problems.join('; ')}`);
    return figures;
  }
  const run = spawnSync(PYTHON, ['bench/pytorch_peer.py', '10'], { input: ex.source, encoding: 'utf8' });
  if (run.status !== 0) {
    const why = run.error?.message ?? run.stderr.trim().split('\n').pop();
    console.log(`peer.pytorch: skipped, ${PYTHON} with torch is not available (${why}); see .ci/install-torch.sh`);
    return figures;
  }
  const answer = JSON.parse(run.stdout) as { torch: string; cpu_ms: number[]; macs: number; params: number };
  const theirs = summarize(answer.cpu_ms);
  const t = doc.analysis.totals;
  const same = answer.macs === t.macs && answer.params === t.params;
  figures.push({
    name: 'peer.pytorch_hooks.mobilenet_v1.cpu_ms',
    value: theirs.median,
    unit: 'ms',
    note: `torch ${answer.torch}, min ${theirs.min.toFixed(1)}; MACs ${answer.macs} and parameters ${answer.params} ${same ? 'equal' : 'DIFFER from'} LayerLint's`,
  });
  figures.push({ name: 'peer.pytorch_hooks_vs_layerlint.ratio', value: theirs.median / ours.median, unit: 'x' });
  return figures;
}
