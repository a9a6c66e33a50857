// `check --format sarif`: a SARIF 2.1.0 log that GitHub code scanning accepts. One run;
// tool.driver.rules lists every stable code (core/diagnostics.ts CODES) with its summary
// as help and a helpUri into docs/rules.md; results point at 1-based regions of files
// given relative to the checked folder (uriBaseId %SRCROOT%). Levels: error → error,
// warning → warning, info and hint → note.
import { CODES, RULES_DOC_URL, ruleDocUrl, type Code, type Severity } from '../../core/diagnostics';
import type { CheckResult } from './types';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

const ruleName = (code: string) =>
  code.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase());

export function sarifLog(r: CheckResult): object {
  const codes = Object.keys(CODES) as Code[];
  const index = new Map(codes.map((c, i) => [c as string, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'LayerLint',
            version: r.tool.version,
            semanticVersion: r.tool.version,
            informationUri: RULES_DOC_URL.replace(/\/blob\/.*$/, ''),
            rules: codes.map((code) => {
              const info = CODES[code];
              return {
                id: code,
                name: ruleName(code),
                shortDescription: { text: info.summary },
                fullDescription: { text: info.summary },
                help: {
                  text: `${info.summary} See ${ruleDocUrl(code)}`,
                  markdown: `${info.summary} [Documentation](${ruleDocUrl(code)})`,
                },
                helpUri: ruleDocUrl(code),
                defaultConfiguration: { level: LEVEL[info.severity] },
                properties: { tags: [info.stage] },
              };
            }),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: r.files.flatMap((f) =>
          f.diagnostics.map((d) => ({
            ruleId: d.code,
            ...(index.has(d.code) ? { ruleIndex: index.get(d.code)! } : {}),
            level: LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
                  region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
}
