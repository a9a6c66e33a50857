// Every row of the Ultralytics reference table (/work/shared/corpus/real/ultralytics/REFERENCE.tsv:
// parameters and GFLOPs as Ultralytics 8.3.220 prints them, per model file read under a
// scale-named copy) analysed by LayerLint. A complete result must equal both figures exactly; an
// incomplete one must say so (complete: false) and carry no exact total. Prints one summary line
// and fails on any wrong figure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { conventionTotals } from '../../server/src/core/conventions';
import { corpusDir } from '../helpers/corpus';

interface ReferenceRow {
  /** `FAMILY/file-as-named.yaml`, the name Ultralytics read the file under (its scale letter included). */
  asNamed: string;
  scale: string;
  params: number;
  gflops: string;
}

function referenceRows(dir: string): ReferenceRow[] {
  return readFileSync(join(dir, 'REFERENCE.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('file_as_named'))
    .map((l) => {
      const [asNamed, scale, params, gflops] = l.split('\t');
      return { asNamed: asNamed!, scale: scale!, params: Number(params), gflops: gflops! };
    });
}

/** The corpus file behind a scale-named copy: `v8/yolov8s-seg.yaml` → `v8__yolov8-seg.yaml`. */
function sourceFile(dir: string, row: ReferenceRow): string {
  const [family, name] = row.asNamed.split('/') as [string, string];
  const direct = join(dir, `${family}__${name}`);
  if (existsSync(direct)) return direct;
  return join(dir, `${family}__${name.replace(new RegExp(`(\\d)${row.scale}`), '$1')}`);
}

const corpus = corpusDir('real/ultralytics/REFERENCE.tsv');

test('Ultralytics 8.3.220 reference: every file x scale exact or honestly incomplete, none wrong', () => {
  assert.ok(corpus, 'the shared corpus (real/ultralytics/REFERENCE.tsv) is not found');
  const dir = join(corpus, 'real', 'ultralytics');
  const rows = referenceRows(dir);
  assert.ok(rows.length > 100, `only ${rows.length} reference rows`);
  let exact = 0;
  let incomplete = 0;
  const wrong: string[] = [];
  for (const row of rows) {
    const d = analyzeSource(readFileSync(sourceFile(dir, row), 'utf8'), row.asNamed.split('/')[1]!);
    const t = conventionTotals('ultralytics', d.analysis);
    if (!d.analysis.complete) {
      // Honestly incomplete: flagged, and the convention's figures are presented as a lower bound.
      if (t.display.startsWith('at least ') && d.diagnostics.some((x) => x.code === 'incomplete-analysis'))
        incomplete++;
      else wrong.push(`${row.asNamed}: incomplete but presented as '${t.display}'`);
      continue;
    }
    const want = `${row.params} parameters, ${row.gflops} GFLOPs`;
    if (t.display === want) exact++;
    else wrong.push(`${row.asNamed}: ${t.display}, Ultralytics ${want}`);
  }
  console.log(
    `ultralytics: ${exact} of ${rows.length} file×scale runs exact, ${incomplete} honestly incomplete, ${wrong.length} wrong`,
  );
  assert.deepEqual(wrong, []);
});
