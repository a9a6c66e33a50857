// `layerlint-language-server`: the language server over stdio (or node IPC), for VS Code
// and any other LSP client. Never writes to stdout outside the protocol.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { fileURLToPath } from 'node:url';
import { configToEngineOptions } from '../engine/config';
import { clearConfigCache, loadConfigFor } from '../engine/configLoad';
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
  startServer(createConnection(ProposedFeatures.all), {
    configFor(uri) {
      if (!uri.startsWith('file:')) return { options: {}, errors: [] };
      const loaded = loadConfigFor(fileURLToPath(uri));
      return { options: configToEngineOptions(loaded.config), errors: loaded.errors };
    },
    clearConfig: clearConfigCache,
  });
}
