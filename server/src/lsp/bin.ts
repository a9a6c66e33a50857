// `layerlint-language-server`: the language server over stdio (or node IPC), for VS Code
// and any other LSP client. Never writes to stdout outside the protocol. Over stdio, the
// input's framing is checked (./framing.ts): at a framing error the server logs it on
// stderr and exits with code 1, so the client restarts it, rather than wait forever.
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { companionsIn, companionsNextTo } from '../engine/companionsLoad';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runBench } from './benchRunner';
import { FramingGuard } from './framing';
import { configToEngineOptions } from '../engine/config';
import { clearConfigCache, loadConfigFor } from '../engine/configLoad';
import { MAX_MODEL_REPORT_BYTES } from './protocol';
import { startServer } from './server';
import { VERSION } from '../engine/version';

const HELP = `layerlint-language-server ${VERSION}

Usage:
  layerlint-language-server --stdio        speak LSP over stdin/stdout
  layerlint-language-server --node-ipc     speak LSP over Node IPC (VS Code)
  layerlint-language-server --version
  layerlint-language-server --help
`;

const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-v')) {
  process.stdout.write(`${VERSION}\n`);
} else if (
  args.includes('--help') ||
  args.includes('-h') ||
  !args.some(
    (a) =>
      a === '--stdio' ||
      a === '--node-ipc' ||
      a.startsWith('--socket') ||
      a.startsWith('--pipe') ||
      a.startsWith('--clientProcessId'),
  )
) {
  process.stdout.write(HELP);
  process.exitCode = args.length && !args.includes('--help') && !args.includes('-h') ? 2 : 0;
} else {
  // Anything a stray console.log would print must not corrupt the protocol stream.
  console.log = console.info = (...a: unknown[]) => console.error(...a);
  const connection = args.includes('--stdio')
    ? createConnection(
        ProposedFeatures.all,
        new StreamMessageReader(
          process.stdin.pipe(
            new FramingGuard((message) => {
              process.stderr.write(`layerlint-language-server: framing error on stdin: ${message}; exiting\n`);
              process.exit(1);
            }),
          ),
        ),
        new StreamMessageWriter(process.stdout),
      )
    : createConnection(ProposedFeatures.all);
  startServer(connection, {
    configFor(uri) {
      let path: string;
      try {
        path = fileURLToPath(uri);
      } catch {
        // Not a local file (another scheme, a host, an encoded separator): no configuration file.
        return { options: {}, errors: [] };
      }
      const loaded = loadConfigFor(path);
      // Weight shards (TensorFlow.js) are read from the document's folder on disk.
      return {
        options: { ...configToEngineOptions(loaded.config), companions: companionsNextTo(path) },
        errors: loaded.errors,
        ...(loaded.path
          ? { file: { uri: pathToFileURL(loaded.path).toString(), problems: loaded.problems ?? [] } }
          : {}),
      };
    },
    clearConfig: clearConfigCache,
    // A profile file named by layerlint.target: read from inside the workspace folder only.
    filesIn: (folderUri) => {
      try {
        return companionsIn(fileURLToPath(folderUri), 'the workspace folder');
      } catch {
        return { read: () => ({ error: 'the workspace folder is not on disk' }) };
      }
    },
    readModel(uri) {
      try {
        const path = fileURLToPath(uri);
        const { size } = statSync(path);
        if (size > MAX_MODEL_REPORT_BYTES) return undefined;
        // The configuration that applies, and weight shards / external data from the model's folder.
        const options = configToEngineOptions(loadConfigFor(path).config);
        return { bytes: readFileSync(path), options: { ...options, companions: companionsNextTo(path) } };
      } catch {
        return undefined;
      }
    },
    // The bench bundle is built next to this one (esbuild.mjs).
    bench: (request, onProgress) => runBench(join(__dirname, 'bench.js'), request, onProgress),
  });
}
