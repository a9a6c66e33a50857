// "Work only when asked" (issue 18 item 2): what the diagnostics path does not need is not
// computed on it. The totals of every Ultralytics scale (one lowering and costing per scale)
// are computed when a report asks, not when the server analyses and publishes diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { ultralyticsFrontEnd } from '../../server/src/formats/ultralytics';
import { diagnostics } from '../../server/src/lsp/features/diagnostics';
import { makeFeatureDoc } from '../../server/src/lsp/features/context';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { buildReport } from '../../server/src/report/model';

test('Ultralytics scale totals: not on the diagnostics path, once per report', () => {
  const original = ultralyticsFrontEnd.scaleEstimates!;
  let calls = 0;
  ultralyticsFrontEnd.scaleEstimates = (parsed) => {
    calls++;
    return original(parsed);
  };
  try {
    const text = readFileSync('examples/yolov8n.yaml', 'utf8');
    const doc = makeFeatureDoc(analyzeSource(text, 'yolov8n.yaml'), 'file:///yolov8n.yaml', 1, DEFAULT_SETTINGS);
    assert.ok(diagnostics(doc).length > 0);
    assert.equal(calls, 0);
    const report = buildReport(doc, 'yolov8n.yaml');
    assert.equal(calls, 1);
    assert.deepEqual(
      report.estimates.scales?.map((s) => s.scale),
      ['n', 's', 'm', 'l', 'x'],
    );
  } finally {
    ultralyticsFrontEnd.scaleEstimates = original;
  }
});
