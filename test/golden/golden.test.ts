// Golden tests: the report of every file in examples/, in its compact form (compact.ts:
// header fields, one line per layer with its exact figures, one per diagnostic), must equal
// the reviewed test/golden/examples/<file>.txt, and of every test/golden/cases/<case>/input.*
// its expected.txt. Regenerate with `UPDATE_GOLDEN=1 npm test` and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { buildReport } from '../../server/src/report/model';
import { compactReport } from './compact';

const update = process.env.UPDATE_GOLDEN === '1';

function check(inputPath: string, displayName: string, expectedPath: string) {
  const report = buildReport(analyzeSource(readFileSync(inputPath, 'utf8'), inputPath), displayName);
  const actual = compactReport(report);
  if (update) {
    mkdirSync(dirname(expectedPath), { recursive: true });
    writeFileSync(expectedPath, actual);
  }
  assert.ok(existsSync(expectedPath), `${expectedPath} is missing: run UPDATE_GOLDEN=1 npm test and review it`);
  assert.equal(actual, readFileSync(expectedPath, 'utf8'));
}

for (const file of readdirSync('examples').sort()) {
  test(`golden: examples/${file}`, () =>
    check(join('examples', file), file, join('test/golden/examples', `${file}.txt`)));
}

const CASES = 'test/golden/cases';
for (const name of existsSync(CASES) ? readdirSync(CASES).sort() : []) {
  const input = readdirSync(join(CASES, name)).find((f) => f.startsWith('input.'));
  if (input)
    test(`golden: cases/${name}`, () => check(join(CASES, name, input), input, join(CASES, name, 'expected.txt')));
}
