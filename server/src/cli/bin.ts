// Process entry of dist/cli.js: wires main() to the real process, or, in a worker thread
// that `check` started on this same bundle, serves that worker (cli/checkPool.ts). Nothing
// else may live here; everything testable is in main.ts and below. A reader that closes the
// pipe early (`layerlint check DIR | head`) ends the run quietly with status 141, as a tool
// killed by SIGPIPE would: not a stack trace, and not a status that says the run finished.
import { serveCheckWorker } from './checkPool';
import { main } from './main';

/** The exit status of a process whose standard output was closed by its reader (128 + SIGPIPE). */
const CLOSED_PIPE_STATUS = 141;

if (!serveCheckWorker()) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(CLOSED_PIPE_STATUS);
  });
  const code = main(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    workerScript: __filename,
  });
  if (typeof code === 'number') process.exitCode = code;
  else void code.then((c) => (process.exitCode = c));
}
