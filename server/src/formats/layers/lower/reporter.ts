// Diagnostics of one lowering. A repeat or a block used many times lowers the same text
// many times: each diagnostic is kept once per place (code, span, message), while `calls`
// counts every report, so that lowering can tell an op that checked cleanly.
import { makeDiagnostic, type Code, type EngineDiagnostic } from '../../../core/diagnostics';
import type { Span } from '../../../core/ir';

export class Reporter {
  readonly diagnostics: EngineDiagnostic[] = [];
  /** Diagnostics raised, reported or not. */
  calls = 0;
  private readonly reported = new Set<string>();

  readonly diag = (code: Code, span: Span, message: string): void => {
    this.calls++;
    const key = `${code}:${span.start}:${span.end}:${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(makeDiagnostic(code, span, message));
  };
}
