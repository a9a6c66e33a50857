// Inline suppression comments, the same in every format that has `#` comments:
//   # layerlint-disable-next-line CODE[, CODE...]   the next line
//   # layerlint-disable-line CODE[, CODE...]        this line
//   # layerlint-disable CODE[, CODE...]             the whole file
// With no code, every code is suppressed. Syntax errors are never suppressed.
import type { EngineDiagnostic } from './diagnostics';
import { LineIndex } from './lineIndex';

const RE = /#\s*layerlint-disable(-next-line|-line)?(?![\w-])([^\n]*)/g;

export function applySuppressions(text: string, diags: EngineDiagnostic[]): EngineDiagnostic[] {
  if (!text.includes('layerlint-disable')) return diags;
  const index = new LineIndex(text);
  const byLine = new Map<number, Set<string> | 'all'>();
  let file: Set<string> | 'all' | undefined;
  const add = (cur: Set<string> | 'all' | undefined, codes: string[]): Set<string> | 'all' =>
    codes.length === 0 || cur === 'all' ? 'all' : new Set([...(cur ?? []), ...codes]);
  for (const m of text.matchAll(RE)) {
    const codes = m[2]!.split(/[\s,]+/).filter(Boolean);
    const line = index.positionAt(m.index!).line;
    if (m[1] === '-next-line') byLine.set(line + 1, add(byLine.get(line + 1), codes));
    else if (m[1] === '-line') byLine.set(line, add(byLine.get(line), codes));
    else file = add(file, codes);
  }
  const hit = (s: Set<string> | 'all' | undefined, code: string) => s === 'all' || s?.has(code);
  return diags.filter(
    (d) =>
      d.code === 'syntax-error' || !(hit(file, d.code) || hit(byLine.get(index.positionAt(d.span.start).line), d.code)),
  );
}
