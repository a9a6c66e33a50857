// `layerlint report FILE --format html`: the standalone visual report (htmlReport.ts) of one
// analysed file. Always the whole network in file order (--sort and --top shape the tables
// of the other formats, not this page).
import type { DocumentAnalysis } from '../../engine/analyzeSource';
import { renderHtmlReport } from '../../report/html';
import { buildReport } from '../../report/model';
import { reportExtras } from '../../report/extras';
import { VERSION } from '../../engine/version';

export function reportHtml(doc: DocumentAnalysis, file: string): string {
  return renderHtmlReport(buildReport(doc, file), reportExtras(doc), {
    mode: 'standalone',
    generator: `LayerLint ${VERSION}`,
  });
}
