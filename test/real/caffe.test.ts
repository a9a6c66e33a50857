// Every real Caffe file of the shared corpus (real/caffe/) against its REFERENCE.tsv, read at
// run time: Netscope's macc and param under `--convention netscope` where Netscope analysed the
// file without errors, torchvision's conv+fc MACs under the default where the network exists
// there. A file LayerLint cannot cost completely must say so (complete: false, with a
// diagnostic); a complete result that differs from a reference, or that contains a layer
// LayerLint did not understand, is wrong. Prints one summary line and fails on any wrong file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conventionTotals } from '../../server/src/core/conventions';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { corpusDir } from '../helpers/corpus';

interface Reference {
  netscopeMacc?: number;
  netscopeParam?: number;
  netscopeErrors: number;
  torchvisionMacs?: number;
}

function readReference(dir: string): Map<string, Reference> {
  const rows = readFileSync(join(dir, 'REFERENCE.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
  const header = rows.shift()!.split('\t');
  const column = (cells: string[], name: string): number | undefined => {
    const cell = cells[header.indexOf(name)]?.trim();
    return cell ? Number(cell) : undefined;
  };
  const out = new Map<string, Reference>();
  for (const row of rows) {
    const cells = row.split('\t');
    out.set(cells[0]!, {
      netscopeMacc: column(cells, 'netscope_macc'),
      netscopeParam: column(cells, 'netscope_param'),
      netscopeErrors: column(cells, 'netscope_errors') ?? 0,
      torchvisionMacs: column(cells, 'torchvision_macs'),
    });
  }
  return out;
}

type Verdict = 'exact' | 'incomplete' | 'unreferenced' | 'wrong';

/** The verdict on one file, and why it is wrong when it is. */
function judge(text: string, file: string, ref: Reference): { verdict: Verdict; why: string[] } {
  const d = analyzeSource(text, file);
  const a = d.analysis;
  const why: string[] = [];
  if (!a.complete) {
    const flagged = d.diagnostics.some((x) => x.severity === 'error' || x.severity === 'warning');
    return flagged ? { verdict: 'incomplete', why } : { verdict: 'wrong', why: ['incomplete without a diagnostic'] };
  }
  const unknown = a.layers.filter((l) => l.layer.op.kind === 'unknown').map((l) => l.layer.name);
  if (unknown.length) why.push(`complete although it has layers it does not understand: ${unknown.join(', ')}`);
  let compared = 0;
  if (ref.netscopeErrors === 0 && ref.netscopeMacc !== undefined && ref.netscopeParam !== undefined) {
    const ns = conventionTotals('netscope', a);
    if (ns.macs !== ref.netscopeMacc) why.push(`netscope macc ${ns.macs} != ${ref.netscopeMacc}`);
    if (ns.params !== ref.netscopeParam) why.push(`netscope param ${ns.params} != ${ref.netscopeParam}`);
    compared++;
  }
  if (ref.torchvisionMacs !== undefined) {
    const perImage = a.totals.macs / Math.max(1, a.graph.input.batch);
    if (perImage !== ref.torchvisionMacs) why.push(`MACs ${perImage} != torchvision ${ref.torchvisionMacs}`);
    compared++;
  }
  if (why.length) return { verdict: 'wrong', why };
  return { verdict: compared ? 'exact' : 'unreferenced', why };
}

const corpus = corpusDir('real/caffe');
const dir = corpus && join(corpus, 'real', 'caffe');

test('real Caffe files: equal to Netscope and torchvision, or honestly incomplete', () => {
  assert.ok(dir, 'the shared corpus (real/caffe/) is not found: set LAYERLINT_CORPUS to its corpus folder');
  const reference = readReference(dir!);
  const files = readdirSync(dir!)
    .filter((f) => f.endsWith('.prototxt'))
    .sort();
  assert.ok(files.length > 0, `no .prototxt files in ${dir}`);
  const counts: Record<Verdict, number> = { exact: 0, incomplete: 0, unreferenced: 0, wrong: 0 };
  const failures: string[] = [];
  for (const file of files) {
    const ref = reference.get(file);
    if (!ref) {
      counts.wrong++;
      failures.push(`${file}: no row in REFERENCE.tsv`);
      continue;
    }
    const { verdict, why } = judge(readFileSync(join(dir!, file), 'utf8'), file, ref);
    counts[verdict]++;
    if (verdict === 'wrong') failures.push(`${file}: ${why.join('; ')}`);
  }
  console.log(
    `caffe: ${counts.exact} of ${files.length} files exact, ${counts.incomplete} honestly incomplete, ${counts.wrong} wrong (${counts.unreferenced} complete without a reference figure)`,
  );
  assert.deepEqual(failures, []);
});
