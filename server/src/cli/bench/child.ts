// The bench child process the language server starts for `layerlint.bench` (dist/bench.js,
// lsp/benchRunner.ts): receives one BenchRequest over IPC, analyses its text with the
// editor's options (and a companion-file reader for a local file), measures it with the CLI's own bench machinery (commands/bench.ts
// benchDocument), sends progress after each run and then one outcome, and exits. Running in
// its own process keeps ONNX Runtime off the server's event loop, and lets the server stop
// a run (cancel) or survive a native crash by killing this process.
import type { BenchMessage, BenchRequest } from '../../engine/bench';
import { fileURLToPath } from 'node:url';
import { analyzeSource } from '../../engine/analyzeSource';
import { companionsNextTo } from '../../engine/companionsLoad';
import { benchDocument } from '../commands/bench';

/** The file a `file:` URI names, or undefined (another scheme, an untitled document). */
function localPath(uri: string): string | undefined {
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

const send = (m: BenchMessage): Promise<void> =>
  new Promise((resolve) => (process.send ? process.send(m, undefined, {}, () => resolve()) : resolve()));

// The server went away (it exited, or killed the channel): nobody waits for the result.
process.once('disconnect', () => process.exit(0));

process.once('message', async (request: BenchRequest) => {
  let outcome: BenchMessage;
  try {
    const path = localPath(request.uri);
    const options = path ? { ...request.options, companions: companionsNextTo(path) } : request.options;
    const doc = analyzeSource(request.text, request.fileName, options);
    outcome = await benchDocument(doc, request.fileName, request.fileName, {
      threads: request.threads,
      warmup: request.warmup,
      repeats: request.repeats,
      onRun: (done, total) => void send({ progress: { done, total } }),
    });
  } catch (e) {
    outcome = { failed: (e as Error).message.split('\n')[0]! };
  }
  await send(outcome);
  process.disconnect?.();
});
