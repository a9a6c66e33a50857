// The files of `layerlint check`, each analysed into a CheckFile result, or a failure line
// when it cannot be read or analysed, handed to `onFile` in input order as soon as it and
// every file before it are done (so output can stream). With enough files and more than one
// core, in this thread and worker threads that run the CLI bundle itself (`workerScript`, set
// only by the CLI's process entry), each claiming files a batch at a time; else in this thread
// alone. The outcomes and their order are the same either way, and so is an invalid
// configuration (ConfigError), which stops the run at the first file (in input order) that
// meets it. The caller stays synchronous: once its own share is done it blocks on a shared
// counter the workers bump after each message.
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
        // No line index for a file without findings (most files of a tree).
        diagnostics: doc.diagnostics.length ? reportDiagnostics(doc) : [],
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
 * How many threads analyse, this one included: `LAYERLINT_WORKERS` when set (0 or 1: this one
 * alone), else one per core when there are at least WORKERS_MIN_FILES files; this one alone
 * (0) without a worker script or with `--verbose` (whose lines go to this thread's stderr).
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
  port: MessagePort;
  /** [0]: bumped (and notified) after every message, so the caller can wait without the event loop; [1]: the next file no thread has claimed (claimed BATCH at a time); [2]: 1 once a configuration error stops the run. */
  shared: Int32Array;
}

/** Files a thread claims at a time (and a worker answers for in one message). */
const BATCH = 16;
const SIGNAL = 0;
const NEXT = 1;
const STOP = 2;

type WorkerMessage = { index: number; outcome: FileOutcome } | { index: number; configError: string };

/** The next BATCH files for a thread to analyse, [from, to), or undefined when every file is claimed or the run stops. */
function claim(shared: Int32Array, count: number): [number, number] | undefined {
  if (Atomics.load(shared, STOP)) return undefined;
  const from = Atomics.add(shared, NEXT, BATCH);
  return from < count ? [from, Math.min(count, from + BATCH)] : undefined;
}

/**
 * `workers` threads (this one and workers - 1 worker threads) claim the files BATCH at a time
 * from a shared counter; a worker answers with one message per batch. This thread hands the
 * outcomes to `onFile` in input order whenever the next ones are done: between its own files,
 * and, once every file is claimed, as the workers' messages arrive.
 */
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
  const shared = new Int32Array(new SharedArrayBuffer(12));
  const { verbose: _, ...options } = cli;
  const ports: MessagePort[] = [];
  const threads: Worker[] = [];
  for (let k = 1; k < workers; k++) {
    const { port1, port2 } = new MessageChannel();
    const job: WorkerJob = { kind: WORKER_KIND, paths, cwd, cli: options, port: port2, shared };
    const thread = new Worker(workerScript, { workerData: job, transferList: [port2] });
    // A worker that fails is covered by the stall fallback below; its error must not end the process.
    thread.on('error', () => {});
    threads.push(thread);
    ports.push(port1);
  }
  const done: (WorkerMessage | undefined)[] = new Array(paths.length);
  const files: FileOutcome[] = [];
  let lastMessage = performance.now();
  const emitReady = () => {
    for (let next = done[files.length]; next; next = done[files.length]) {
      if ('configError' in next) throw new ConfigError(next.configError);
      done[files.length] = undefined;
      onFile(next.outcome, files.length);
      files.push(next.outcome);
    }
  };
  try {
    while (files.length < paths.length) {
      const seen = Atomics.load(shared, SIGNAL);
      for (const port of ports)
        for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
          lastMessage = performance.now();
          for (const msg of m.message as WorkerMessage[]) if (msg.index >= files.length) done[msg.index] = msg;
        }
      emitReady();
      if (files.length === paths.length) break;
      const mine = claim(shared, paths.length);
      if (mine) {
        for (let i = mine[0]; i < mine[1]; i++) {
          const msg = checkHere(paths, i, cwd, cli);
          done[i] = msg;
          if ('configError' in msg) {
            Atomics.store(shared, STOP, 1);
            break;
          }
          emitReady();
        }
        continue;
      }
      // A worker that died (out of memory, say) never answers: after a silence, this thread
      // analyses the files it waits for itself, until a message shows a worker is alive (a
      // late answer for a file is then ignored).
      if (!done[files.length] && performance.now() - lastMessage > stallMs) {
        done[files.length] = checkHere(paths, files.length, cwd, cli);
        continue;
      }
      Atomics.wait(shared, SIGNAL, seen, Math.min(1000, stallMs));
    }
  } finally {
    Atomics.store(shared, STOP, 1);
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

/** In a check worker thread: analyse batches of files until none is left, and return true; elsewhere false. */
export function serveCheckWorker(): boolean {
  const job = workerData as WorkerJob | undefined;
  if (job?.kind !== WORKER_KIND) return false;
  for (let batch = claim(job.shared, job.paths.length); batch; batch = claim(job.shared, job.paths.length)) {
    const answers: WorkerMessage[] = [];
    for (let i = batch[0]; i < batch[1]; i++) {
      const msg = checkHere(job.paths, i, job.cwd, job.cli);
      answers.push(msg);
      if ('configError' in msg) {
        Atomics.store(job.shared, STOP, 1);
        break;
      }
    }
    job.port.postMessage(answers);
    Atomics.add(job.shared, SIGNAL, 1);
    Atomics.notify(job.shared, SIGNAL);
  }
  job.port.close();
  return true;
}
