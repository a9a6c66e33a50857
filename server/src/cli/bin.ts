// Process entry of dist/cli.js: wires main() to the real process, or, in a worker thread
// that `check` started on this same bundle, serves that worker (cli/checkPool.ts). Nothing
// else may live here; everything testable is in main.ts and below.
import { serveCheckWorker } from './checkPool';
import { main } from './main';

if (!serveCheckWorker()) {
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
