// What a command may touch of the outside world, so tests can run commands in-process and
// the process entry (main.ts) is the only place that knows about `process`. Commands write
// their output through `out` only; progress, warnings and errors go through `err`.
//
// Exit codes every command keeps: 0 success, 1 findings (check: at or above the failing
// severity; report: errors; estimate: shapes unknown), 2 usage, I/O, configuration or
// internal error. A UsageError becomes one `layerlint: <message>` line on stderr and exit 2.

export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** Whether stdout / stderr are terminals (colour, progress). */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The CLI bundle, when this process runs it: `check` may start worker threads on it. */
  workerScript?: string;
}

export class UsageError extends Error {}

/** An invalid layerlint.json: it stops the whole command, whichever file found it. */
export class ConfigError extends UsageError {}

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** Colour on a stream: FORCE_COLOR (not "0") forces it, NO_COLOR (any value) and non-TTYs turn it off. */
export function colorEnabled(io: Io, stream: 'out' | 'err' = 'out'): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (force === '0' || force === 'false') return false;
  return stream === 'out' ? io.stdoutIsTTY : io.stderrIsTTY;
}

export type Paint = (style: 'red' | 'yellow' | 'blue' | 'gray' | 'bold' | 'green', s: string) => string;

const SGR = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1, green: 32 } as const;

export function painter(on: boolean): Paint {
  return on ? (style, s) => `\u001b[${SGR[style]}m${s}\u001b[0m` : (_style, s) => s;
}
