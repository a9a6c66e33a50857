// Node-only (bin.ts gives it to the server as ServerHost.bench): one `layerlint.bench` run in
// a child process, the bench bundle next to the server's (dist/bench.js, cli/bench/child.ts),
// so ONNX Runtime never blocks the server's event loop, a run can be cancelled by killing it,
// and a native crash takes only that process down. Every way a run can end is an outcome
// with a message a user can act on; nothing here throws.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { BenchMessage, BenchRequest } from '../engine/bench';

/** How a run ended: bench's own outcomes, or cancelled. */
export type BenchOutcome = Exclude<BenchMessage, { progress: unknown }> | { cancelled: true };

export interface BenchRun {
  outcome: Promise<BenchOutcome>;
  /** Stops the run (kills the child); the outcome is then `cancelled`. */
  cancel(): void;
}

/** The longest stderr kept to explain a crash. */
const STDERR_TAIL = 2000;

export function runBench(
  script: string,
  request: BenchRequest,
  onProgress: (done: number, total: number) => void,
): BenchRun {
  if (!existsSync(script))
    return {
      outcome: Promise.resolve({ failed: `the bench program ${script} is missing from this installation` }),
      cancel: () => undefined,
    };
  const child = fork(script, [], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
    // gc exposed: the bench collects the analysis's garbage before its timed runs (cli/bench/measure.ts).
    execArgv: ['--expose-gc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-STDERR_TAIL);
  });
  let cancelled = false;
  const outcome = new Promise<BenchOutcome>((resolve) => {
    let result: BenchOutcome | undefined;
    child.on('message', (m: BenchMessage) => {
      if ('progress' in m) onProgress(m.progress.done, m.progress.total);
      else result = m;
    });
    child.on('error', (e) => resolve({ failed: `the bench process could not run: ${e.message}` }));
    // 'close' comes after the process exited and its channels closed: every message is in.
    child.on('close', (code, signal) => {
      if (cancelled) resolve({ cancelled: true });
      else if (result) resolve(result);
      else
        resolve({
          failed: `the bench process ended without a result (${signal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`,
        });
    });
  });
  child.send(request);
  return {
    outcome,
    cancel() {
      cancelled = true;
      child.kill('SIGKILL');
    },
  };
}
