// What main.ts needs of a command: its name, a one-line summary for `layerlint --help`, the
// full `--help` text, and run(argv, io) → exit code (or its promise). argv excludes the command name.
import type { Io } from '../io';

export interface Command {
  name: string;
  summary: string;
  help: string;
  /** The exit code; a promise of it for a command that measures (bench). */
  run(argv: string[], io: Io, version: string): number | Promise<number>;
}
