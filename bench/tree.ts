// `layerlint check DIR` on a whole tree (issue 18 item 4): a temporary folder of
// LAYERLINT_BENCH_TREE_FILES files (default 10,000), the examples of every format cycled
// over 100 subfolders, checked by the built dist/cli.js in one thread (LAYERLINT_WORKERS=0)
// and with its default workers, alternating; files per second of wall time, best of the
// runs, the CPU time per file of the run (all its threads: on a shared machine, wall time
// measures the neighbours), and the load average when it ran (see docs/performance.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Figure } from './stats';

const CLI = resolve('dist/cli.js');

function makeTree(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-tree-'));
  const examples = readdirSync('examples')
    .filter((f) => /\.(layers|prototxt|cfg|yaml)$/.test(f))
    .map((f) => ({ name: f, text: readFileSync(join('examples', f), 'utf8') }));
  for (let i = 0; i < count; i++) {
    const e = examples[i % examples.length]!;
    const sub = join(dir, `d${i % 100}`);
    if (i < 100) mkdirSync(sub);
    writeFileSync(join(sub, `${i}_${e.name}`), e.text);
  }
  return dir;
}

/** CPU milliseconds (user + system) of this process's finished children, from /proc (Linux; NaN elsewhere). */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // cutime and cstime (fields 16 and 17 of proc(5)), in clock ticks of 10 ms.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Wall and CPU milliseconds of one `check` run over `dir`; the run must see every file. */
function checkMs(dir: string, workers: string | undefined, count: number): { wall: number; cpu: number } {
  const env = { ...process.env };
  if (workers === undefined) delete env.LAYERLINT_WORKERS;
  else env.LAYERLINT_WORKERS = workers;
  const t = performance.now();
  const cpu = childrenCpuMs();
  const r = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = { wall: performance.now() - t, cpu: childrenCpuMs() - cpu };
  const files = (JSON.parse(r.stdout) as { summary: { files: number } }).summary.files;
  if (files !== count) throw new Error(`check saw ${files} of ${count} files: ${r.stderr}`);
  return ms;
}

export function treeBench(): Figure[] {
  const count = Number(process.env.LAYERLINT_BENCH_TREE_FILES ?? 10_000);
  const dir = makeTree(count);
  try {
    const load = loadavg()[0]!.toFixed(1);
    const one: { wall: number; cpu: number }[] = [];
    const many: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < 2; i++) {
      one.push(checkMs(dir, '0', count));
      many.push(checkMs(dir, undefined, count));
    }
    const perSecond = (runs: { wall: number }[]) => count / (Math.min(...runs.map((r) => r.wall)) / 1000);
    const cpuPerFile = (runs: { cpu: number }[]) => Math.min(...runs.map((r) => r.cpu)) / count;
    const note = `${count} files, load ${load} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
    return [
      { name: 'tree.check.one_thread.files_per_s', value: perSecond(one), unit: 'files/s', note },
      { name: 'tree.check.one_thread.cpu_ms_per_file', value: cpuPerFile(one), unit: 'ms', note: 'least of the runs' },
      {
        name: 'tree.check.workers.files_per_s',
        value: perSecond(many),
        unit: 'files/s',
        target: { op: '>=', value: 2000 },
        note: `${availableParallelism()} threads`,
      },
      {
        name: 'tree.check.workers.cpu_ms_per_file',
        value: cpuPerFile(many),
        unit: 'ms',
        note: 'all threads, least of the runs',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
