// What the single-file commands (report, estimate, export) share: exactly one FILE from the
// positionals, resolved against the working directory and analysed with its configuration;
// a file whose shared extension holds no model (formats/sniff.ts) is a UsageError saying so.
import { resolve } from 'node:path';
import type { CommandLineOptions, FileAnalysis } from './document';
import { analyzeFile } from './document';
import { readSourceFile } from './sourceFile';
import { displayPath } from './files';
import { modelFormat, notModelReason } from '../formats/sniff';
import { UsageError, type Io } from './io';

/** Exactly one FILE, or a UsageError naming the command. */
export function singleFile(command: string, positionals: string[]): string {
  if (!positionals.length) throw new UsageError(`${command}: missing FILE (see 'layerlint ${command} --help')`);
  if (positionals.length > 1) throw new UsageError(`${command}: takes one FILE, got ${positionals.length}`);
  return positionals[0]!;
}

export function analyzeOne(command: string, positionals: string[], io: Io, cli: CommandLineOptions): FileAnalysis {
  const raw = singleFile(command, positionals);
  const path = resolve(io.cwd, raw);
  const file = displayPath(path, io.cwd);
  const source = readSourceFile(path, file);
  if (!source.oversized && modelFormat(path, source.text) === undefined)
    throw new UsageError(`${raw}: ${notModelReason(path)}`);
  return analyzeFile(path, file, cli, source);
}
