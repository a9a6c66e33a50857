// Differential test with PyTorch as the oracle (tier `npm run test:oracle`; needs
// /usr/bin/python3 with torch, see .ci/install-torch.sh). Every example (all formats) and a few hundred
// generated networks are exported with exportPyTorch and run, in one Python process, on a
// zero input: every layer's output shape, its MACs (forward hooks under our convention) and
// its parameters, and the total parameter count, must equal LayerLint's exactly. A failing
// generated network is shrunk to a minimal one and printed.
// Every real file of the shared corpus (../shared/corpus/real/) whose analysis is complete is
// checked the same way, at a smaller input side (atSmallSide); the ones the export cannot
// write are counted and named, not skipped silently. ORACLE_RUNS (default 300) and ORACLE_SEED (default 7) choose the generated networks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { exportPyTorch } from '../../server/src/export/pytorch';
import { join } from 'node:path';
import { corpusDir } from '../helpers/corpus';
import { analyzeSpec, printNet, shrink, validNet, type NetSpec } from '../helpers/netgen';

const PYTHON = '/usr/bin/python3';
const RUNS = Number(process.env.ORACLE_RUNS ?? 300);
const SEED = Number(process.env.ORACLE_SEED ?? 7);

interface Answer {
  id: number;
  error?: string;
  trace?: string;
  shapes?: [number, number, number][];
  macs?: number[];
  params?: number[];
  totalParams?: number;
}

/** The Python process: requests go out as JSON lines, answers come back matched by id. */
class Oracle {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (a: Answer) => void>();
  private nextId = 1;
  readonly ready: Promise<string>;
  private stderr = '';

  constructor() {
    this.proc = spawn(PYTHON, ['test/oracle/oracle.py'], { stdio: 'pipe' });
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    const lines = createInterface({ input: this.proc.stdout });
    let markReady: (v: string) => void;
    let failReady: (e: Error) => void;
    this.ready = new Promise((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    this.proc.on('exit', (code) => failReady(new Error(`python exited with ${code}: ${this.stderr}`)));
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as Answer & { ready?: boolean; torch?: string };
      if (msg.ready) return markReady(msg.torch ?? '?');
      this.waiting.get(msg.id)?.(msg);
      this.waiting.delete(msg.id);
    });
  }

  run(source: string): Promise<Answer> {
    const id = this.nextId++;
    return new Promise((res) => {
      this.waiting.set(id, res);
      this.proc.stdin.write(`${JSON.stringify({ id, source })}\n`);
    });
  }

  stop(): void {
    this.proc.stdin.end();
  }
}

/** Differences between LayerLint's analysis and what PyTorch measured (empty: they agree). */
function compare(doc: DocumentAnalysis, a: Answer): string[] {
  if (a.error) return [`PyTorch raised ${a.error}\n${a.trace ?? ''}`];
  const out: string[] = [];
  const layers = doc.analysis.layers;
  if (a.shapes!.length !== layers.length)
    return [`${a.shapes!.length} outputs from PyTorch, ${layers.length} layers in LayerLint`];
  layers.forEach((l, i) => {
    const name = l.layer.name;
    if (l.output!.join('x') !== a.shapes![i]!.join('x'))
      out.push(`${name}: shape ${l.output!.join('x')} vs PyTorch ${a.shapes![i]!.join('x')}`);
    if (l.macs !== a.macs![i]) out.push(`${name}: MACs ${l.macs} vs PyTorch ${a.macs![i]}`);
    if (l.params !== a.params![i]) out.push(`${name}: params ${l.params} vs PyTorch ${a.params![i]}`);
  });
  if (doc.analysis.totals.params !== a.totalParams)
    out.push(`total params ${doc.analysis.totals.params} vs PyTorch ${a.totalParams}`);
  const macs = a.macs!.reduce((x, y) => x + y, 0);
  if (doc.analysis.totals.macs !== macs) out.push(`total MACs ${doc.analysis.totals.macs} vs PyTorch ${macs}`);
  return out;
}

async function check(oracle: Oracle, doc: DocumentAnalysis): Promise<string[]> {
  const ex = exportPyTorch(doc.analysis);
  if (ex.problems.length) return ex.problems.map((p) => `cannot export: ${p}`);
  return compare(doc, await oracle.run(ex.source));
}

let oracle: Oracle;
before(async () => {
  oracle = new Oracle();
  const version = await oracle.ready;
  console.log(`# PyTorch ${version}; ${RUNS} generated networks, seed ${SEED}`);
});
after(() => oracle.stop());

for (const file of readdirSync('examples').sort()) {
  test(`PyTorch agrees on every layer of examples/${file}`, async () => {
    const doc = analyzeSource(readFileSync(`examples/${file}`, 'utf8'), file);
    assert.deepEqual(await check(oracle, doc), []);
  });
}

test(`PyTorch agrees on every layer of ${RUNS} generated networks (seed ${SEED})`, async () => {
  const specs = fc.sample(validNet, { seed: SEED, numRuns: RUNS });
  const started = Date.now();
  // All networks go to the one Python process at once; answers arrive as they are ready.
  const results = await Promise.all(
    specs.map(async (spec) => ({ spec, diffs: await check(oracle, analyzeSpec(spec)) })),
  );
  const failing = results.filter((r) => r.diffs.length);
  const layers = results.reduce((a, r) => a + analyzeSpec(r.spec).analysis.layers.length, 0);
  console.log(
    `# ${specs.length} networks, ${layers} layers checked in ${Date.now() - started} ms; ${failing.length} disagree`,
  );
  const reports: string[] = [];
  for (const f of failing.slice(0, 3)) {
    const fails = async (s: NetSpec) => (await check(oracle, analyzeSpec(s))).length > 0;
    const min = await shrink(f.spec, fails);
    const diffs = await check(oracle, analyzeSpec(min));
    reports.push(`--- minimal failing network:\n${printNet(min)}--- differences:\n${diffs.join('\n')}`);
  }
  assert.equal(
    failing.length,
    0,
    `${failing.length} of ${specs.length} networks disagree with PyTorch\n${reports.join('\n')}`,
  );
});

/**
 * The file analysed at a smaller input side (about a quarter of its own, a multiple of 32 so
 * that strided detectors still line up), the smallest from there up that analyses without
 * errors; its own side when none does. Shapes, MACs and parameters are checked layer by layer
 * all the same, and the PyTorch run costs about a sixteenth.
 */
function atSmallSide(text: string, file: string): DocumentAnalysis {
  const own = analyzeSource(text, file);
  const side = own.analysis.input?.[0];
  if (!side || !own.analysis.complete) return own;
  for (let s = Math.max(64, Math.round(side / 4 / 32) * 32); s < side; s += 32) {
    const doc = analyzeSource(text, file, { side: s });
    if (doc.analysis.complete && !doc.diagnostics.some((d) => d.severity === 'error')) return doc;
  }
  return own;
}

/** The model files of the real corpus, per format folder. */
const REAL_FILES = /\.(prototxt|cfg|ya?ml)$/;

test('PyTorch agrees on every layer of every complete, exportable real file of the corpus', async () => {
  const corpus = corpusDir('real');
  assert.ok(corpus, 'the shared corpus (real/) is not found: set LAYERLINT_CORPUS');
  const started = Date.now();
  const checked: string[] = [];
  const incomplete: string[] = [];
  const notExportable: string[] = [];
  const disagree: string[] = [];
  const formats = readdirSync(join(corpus, 'real'), { withFileTypes: true }).filter((e) => e.isDirectory());
  for (const format of formats.map((e) => e.name).sort()) {
    const dir = join(corpus, 'real', format);
    for (const file of readdirSync(dir)
      .filter((f) => REAL_FILES.test(f))
      .sort()) {
      const name = `${format}/${file}`;
      const doc = atSmallSide(readFileSync(join(dir, file), 'utf8'), file);
      if (!doc.analysis.complete) {
        incomplete.push(name);
        continue;
      }
      const ex = exportPyTorch(doc.analysis);
      if (ex.problems.length) {
        notExportable.push(`${name} (${ex.problems[0]})`);
        continue;
      }
      const diffs = compare(doc, await oracle.run(ex.source));
      if (diffs.length) disagree.push(`${name}:\n  ${diffs.slice(0, 5).join('\n  ')}`);
      else checked.push(name);
    }
  }
  console.log(
    `oracle, real files: ${checked.length} agree with PyTorch on every layer, ${disagree.length} disagree, ${incomplete.length} incomplete (not exported), ${notExportable.length} not exportable; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const n of notExportable) console.log(`  not exportable: ${n}`);
  assert.ok(checked.length > 0, 'no real file was checked');
  assert.deepEqual(disagree, []);
});
