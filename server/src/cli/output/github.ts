// `check --format github`: GitHub Actions workflow commands, one line per finding:
//   ::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=LayerLint [code]::message
// error → ::error, warning → ::warning, info and hint → ::notice. Property values and the
// message are escaped as @actions/core escapes them (%, CR, LF; and : , in properties).
import type { Severity } from '../../core/diagnostics';
import type { CheckResult } from './types';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function githubAnnotations(r: CheckResult): string {
  const lines: string[] = [];
  for (const f of r.files) {
    for (const d of f.diagnostics) {
      const props = [
        `file=${escapeProperty(f.file)}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `endLine=${d.endLine}`,
        `endColumn=${d.endColumn}`,
        `title=${escapeProperty(`LayerLint [${d.code}]`)}`,
      ];
      lines.push(`::${COMMAND[d.severity]} ${props.join(',')}::${escapeData(d.message)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
