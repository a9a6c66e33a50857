// What main.ts needs of a command: its name, a one-line summary for `layerlint --help`, the
// full `--help` text, and run(argv, io) → exit code. argv excludes the command name.
import type { Io } from '../io';

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: string[], io: Io, version: string): number;
}
