// `layerlint` command line: a small dispatcher (the process entry is ./bin.ts). `layerlint COMMAND [args]` runs one of
// check, report, fix, estimate, export, import, targets, bench and calibrate, each in ./commands/; `--version` prints package.json's
// version (bundled at build time), `--help` the command list, `COMMAND --help` its options.
//
// Contract: stdout carries only the command's output; messages go to stderr. Exit codes:
// 0 success, 1 findings (see each command), 2 usage, I/O, configuration or internal error
// (one `layerlint: ...` line on stderr; an internal error adds its stack).
import { check } from './commands/check';
import { estimate } from './commands/estimate';
import { fix } from './commands/fix';
import { report } from './commands/report';
import { exportCommand } from './commands/export';
import { targets } from './commands/targets';
import { bench } from './commands/bench';
import { calibrate } from './commands/calibrate';
import { importCommand } from './commands/import';
import type { Command } from './commands/types';
import { VERSION } from '../engine/version';
import { EXIT, UsageError, type Io } from './io';

export const COMMANDS: Command[] = [
  check,
  report,
  fix,
  estimate,
  exportCommand,
  importCommand,
  targets,
  bench,
  calibrate,
];

const HELP = `layerlint ${VERSION}: per-layer MACs, parameters and shapes of neural-network layer specs.

Usage: layerlint COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

  layerlint COMMAND --help   options of a command
  layerlint --version        the version

Configuration: layerlint.json or .layerlintrc.json in the file's folder or above.
Exit codes: 0 success, 1 findings (check: errors, or what --fail-on names), 2 usage or I/O error.
`;

export function main(argv: string[], io: Io): number | Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === '--version' || first === '-v') {
      io.out(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      const c = rest[0] && COMMANDS.find((x) => x.name === rest[0]);
      io.out(c ? c.help : HELP);
      return EXIT.ok;
    }
    if (first === undefined) {
      io.err(HELP);
      return EXIT.usage;
    }
    const command = COMMANDS.find((c) => c.name === first);
    if (!command)
      throw new UsageError(
        first.startsWith('-')
          ? `unknown option '${first}' (see 'layerlint --help')`
          : `unknown command '${first}' (${COMMANDS.map((c) => c.name).join(', ')})`,
      );
    const code = command.run(rest, io, VERSION);
    // `bench` measures asynchronously; its errors end the same way.
    return typeof code === 'number' ? code : code.catch((e: unknown) => failure(e, io));
  } catch (e) {
    return failure(e, io);
  }
}

/** A usage error is one line and exit 2; anything else is an internal error with its stack. */
function failure(e: unknown, io: Io): number {
  if (e instanceof UsageError) {
    io.err(`layerlint: ${e.message}\n`);
    return EXIT.usage;
  }
  io.err(`layerlint: internal error: ${(e as Error).stack ?? String(e)}\n`);
  return EXIT.usage;
}
