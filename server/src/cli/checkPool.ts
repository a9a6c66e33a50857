// The files of `layerlint check`, each analysed into a CheckFile result, or a failure line
// when it cannot be read or analysed, handed to `onFile` in input order as soon as it and
// every file before it are done (so output can stream). With enough files and more than one
// core, in worker threads that run the CLI bundle itself (`workerScript`, set only by the
// CLI's process entry), else in this thread; the outcomes and their order are the same either
// way, and so is an invalid configuration (ConfigError), which stops the run at the first file
// (in input order) that meets it. The caller stays synchronous: it blocks on a shared counter
// the workers bump after each message.
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import { reportDiagnostics } from '../report/model';
import { analyzeFile, type CommandLineOptions } from './document';
import { displayPath } from './files';
import { ConfigError, UsageError } from './io';
import type { CheckFile } from './output/types';

/** Below this many files, starting workers costs more than it saves. */
export const WORKERS_MIN_FILES = 64;
const WORKER_KIND = 'layerlint-check-worker';
/** How long no worker may answer before this thread analyses the file it waits for. */
const STALL_MS = 30_000;

/** One file's result, as the command reports it, or why it could not be checked. */
export type FileOutcome = { file: CheckFile } | { failed: string };

/** One file's outcome; an invalid configuration throws (ConfigError). */
export function checkOne(path: string, cwd: string, cli: CommandLineOptions): FileOutcome {
  const file = displayPath(path, cwd);
  try {
    const { doc } = analyzeFile(path, file, cli);
    const a = doc.analysis;
    return {
      file: {
        file,
        format: doc.frontEnd.id,
        macs: a.totals.macs,
        params: a.totals.params,
        complete: a.complete,
        diagnostics: reportDiagnostics(doc),
      },
    };
  } catch (e) {
    // One file that cannot be read or analysed must not cost the others their results.
    if (e instanceof ConfigError) throw e;
    return {
      failed: e instanceof UsageError ? e.message : `internal error in ${file}: ${(e as Error).stack ?? String(e)}`,
    };
  }
}

/**
 * How many worker threads to use: `LAYERLINT_WORKERS` when set (0 or 1: none), else one per
 * core when there are at least WORKERS_MIN_FILES files; none without a worker script or with
 * `--verbose` (whose lines go to this thread's stderr).
 */
export function workerCount(
  files: number,
  env: Record<string, string | undefined>,
  cli: CommandLineOptions,
  workerScript: string | undefined,
): number {
  if (!workerScript || cli.verbose) return 0;
  const asked = env.LAYERLINT_WORKERS;
  const n =
    asked !== undefined && /^\d+$/.test(asked)
      ? Number(asked)
      : files >= WORKERS_MIN_FILES
        ? availableParallelism()
        : 0;
  const count = Math.min(n, files);
  return count > 1 ? count : 0;
}

interface WorkerJob {
  kind: typeof WORKER_KIND;
  paths: string[];
  cwd: string;
  cli: CommandLineOptions;
  /** This worker takes the files first, first + stride, first + 2 stride, … */
  first: number;
  stride: number;
  port: MessagePort;
  /** Bumped (and notified) after every message, so the caller can wait without the event loop. */
  signal: Int32Array;
}

type WorkerMessage = { index: number; outcome: FileOutcome } | { index: number; configError: string };

export function checkFiles(
  paths: string[],
  cwd: string,
  cli: CommandLineOptions,
  workers: number,
  workerScript: string | undefined,
  onFile: (outcome: FileOutcome, index: number) => void,
  stallMs = STALL_MS,
): FileOutcome[] {
  if (workers < 2 || !workerScript)
    return paths.map((path, i) => {
      const outcome = checkOne(path, cwd, cli);
      onFile(outcome, i);
      return outcome;
    });
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { verbose: _, ...options } = cli;
  const ports: MessagePort[] = [];
  const threads: Worker[] = [];
  for (let k = 0; k < workers; k++) {
    const { port1, port2 } = new MessageChannel();
    const job: WorkerJob = {
      kind: WORKER_KIND,
      paths,
      cwd,
      cli: options,
      first: k,
      stride: workers,
      port: port2,
      signal,
    };
    const thread = new Worker(workerScript, { workerData: job, transferList: [port2] });
    // A worker that fails is covered by the stall fallback below; its error must not end the process.
    thread.on('error', () => {});
    threads.push(thread);
    ports.push(port1);
  }
  const done: (WorkerMessage | undefined)[] = new Array(paths.length);
  const files: FileOutcome[] = [];
  let lastMessage = performance.now();
  try {
    while (files.length < paths.length) {
      const seen = Atomics.load(signal, 0);
      for (const port of ports)
        for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
          const msg = m.message as WorkerMessage;
          lastMessage = performance.now();
          if (msg.index >= files.length) done[msg.index] = msg;
        }
      // A worker that died (out of memory, say) never answers: after a silence, this thread
      // analyses the file it waits for itself (a late answer for it is then ignored).
      if (!done[files.length] && performance.now() - lastMessage > stallMs) {
        done[files.length] = checkHere(paths, files.length, cwd, cli);
        lastMessage = performance.now();
      }
      for (let next = done[files.length]; next; next = done[files.length]) {
        if ('configError' in next) throw new ConfigError(next.configError);
        done[files.length] = undefined;
        onFile(next.outcome, files.length);
        files.push(next.outcome);
      }
      if (files.length < paths.length && !done[files.length]) Atomics.wait(signal, 0, seen, Math.min(1000, stallMs));
    }
  } finally {
    for (const t of threads) void t.terminate();
    for (const p of ports) p.close();
  }
  return files;
}

/** File `index` analysed in this thread, as a worker would answer for it. */
function checkHere(paths: string[], index: number, cwd: string, cli: CommandLineOptions): WorkerMessage {
  try {
    return { index, outcome: checkOne(paths[index]!, cwd, cli) };
  } catch (e) {
    if (e instanceof ConfigError) return { index, configError: e.message };
    throw e;
  }
}

/** In a check worker thread: analyse this worker's share of the files and return true; elsewhere false. */
export function serveCheckWorker(): boolean {
  const job = workerData as WorkerJob | undefined;
  if (job?.kind !== WORKER_KIND) return false;
  const post = (msg: WorkerMessage) => {
    job.port.postMessage(msg);
    Atomics.add(job.signal, 0, 1);
    Atomics.notify(job.signal, 0);
  };
  for (let i = job.first; i < job.paths.length; i += job.stride) {
    const msg = checkHere(job.paths, i, job.cwd, job.cli);
    post(msg);
    if ('configError' in msg) break;
  }
  job.port.close();
  return true;
}
