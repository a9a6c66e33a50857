// `layerlint report FILE --format html`: the standalone visual report (htmlReport.ts) of one
// analysed file. Kept apart from main.ts so the CLI's dispatcher only names the format.
import type { DocumentAnalysis } from '../engine';
import { renderHtmlReport } from '../htmlReport';
import type { Report } from '../report';
import { reportExtras } from '../reportExtras';
import { VERSION } from '../version';

export function htmlReport(doc: DocumentAnalysis, report: Report): string {
  return renderHtmlReport(report, reportExtras(doc), { mode: 'standalone', generator: `LayerLint ${VERSION}` });
}
