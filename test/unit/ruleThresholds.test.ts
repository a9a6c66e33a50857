// The rules' thresholds (docs/rules.md, core/rules/options.ts): each one settable in
// layerlint.json `thresholds` (and the editor's layerlint.thresholds) moves its rule, values
// out of range are refused naming the key, and a configuration file's problems point at the
// line and column of the value or key at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { parseThresholds } from '../../server/src/engine/config';
import { clearConfigCache, configErrorSpan, readConfigFile } from '../../server/src/engine/configLoad';
import type { RuleOptions } from '../../server/src/core/rules/options';

const count = (text: string, code: string, target?: string, rules: Partial<RuleOptions> = {}) =>
  analyzeSource(text, 'n.layers', { ...(target ? { target } : {}), rules }).diagnostics.filter((d) => d.code === code)
    .length;
const MOBILENET = readFileSync('examples/mobilenet_v1.layers', 'utf8');

test('thresholds: shares from 0 to 1, ratios at least 1, counts whole; each problem names the key', () => {
  const errors: string[] = [];
  const got = parseThresholds(
    {
      kernelOverheadShare: 0.8,
      elementwiseShare: 1.5,
      fcHeavyShare: 2,
      heavyGroupRatio: 0.9,
      pointwiseRatio: 6,
      pointwiseExcess: -0.1,
      plainStackDepth: 2.5,
    },
    errors,
  );
  assert.deepEqual(got, { kernelOverheadShare: 0.8, pointwiseRatio: 6 });
  assert.deepEqual(errors, [
    'thresholds.elementwiseShare: expected a share from 0 to 1, not 1.5',
    'thresholds.fcHeavyShare: expected a share from 0 to 1, not 2',
    'thresholds.heavyGroupRatio: expected a ratio of at least 1, not 0.9',
    'thresholds.pointwiseExcess: expected a non-negative number',
    'thresholds.plainStackDepth: expected a whole number',
  ]);
});

test('unbalanced-pointwise: pointwiseRatio and pointwiseExcess move it', () => {
  const text = 'input 56x56x16\nc: conv 64 1x1\n';
  assert.equal(count(text, 'unbalanced-pointwise'), 0, '1:4 is not above the default 4');
  assert.equal(count(text, 'unbalanced-pointwise', undefined, { pointwiseRatio: 3 }), 1);
  assert.equal(count(text, 'unbalanced-pointwise', undefined, { pointwiseRatio: 3, pointwiseExcess: 1 }), 0);
});

test('heavy-group-conv: heavyGroupRatio moves it', () => {
  const text = 'input 28x28x64\nc: conv 64 3x3 groups=8\n';
  assert.equal(count(text, 'heavy-group-conv'), 1);
  assert.equal(count(text, 'heavy-group-conv', undefined, { heavyGroupRatio: 100 }), 0);
});

test('kernel-overhead and elementwise-share: their shares move them', () => {
  assert.equal(count(MOBILENET, 'kernel-overhead', 'xeon-1t'), 0);
  assert.equal(count(MOBILENET, 'kernel-overhead', 'xeon-1t', { kernelOverheadShare: 0 }), 1);
  assert.equal(count(MOBILENET, 'kernel-overhead', 'h200-fp16-b1'), 1);
  assert.equal(count(MOBILENET, 'kernel-overhead', 'h200-fp16-b1', { kernelOverheadShare: 1 }), 0);
  assert.equal(count(MOBILENET, 'elementwise-share', 'xeon-1t'), 0);
  assert.equal(count(MOBILENET, 'elementwise-share', 'xeon-1t', { elementwiseShare: 0 }), 1);
});

test('activation-heavy: activationLayerShare and activationNetworkShare move the layer and network findings', () => {
  const findings = (rules: Partial<RuleOptions>) =>
    analyzeSource(MOBILENET, 'm.layers', { target: 'xeon-16t', rules }).diagnostics.filter(
      (d) => d.code === 'activation-heavy',
    );
  const network = (ds: ReturnType<typeof findings>) =>
    ds.filter((d) => d.data?.kind === 'activations' && d.data.layer === null).length;
  const byDefault = findings({});
  assert.equal(network(byDefault), 0);
  assert.equal(byDefault.length, 1);
  assert.equal(network(findings({ activationNetworkShare: 0 })), 1);
  assert.ok(findings({ activationLayerShare: 0 }).length > byDefault.length);
  assert.equal(findings({ activationLayerShare: 1 }).length, 0);
});

test('layerlint.json problems point at the line and column of the value or key at fault', () => {
  const text =
    '{\n  "thresholds": {\n    "kernelOverheadShare": 50,\n    "bogus": 1\n  },\n  "targets": [{}, "p.json"],\n  "extra": true\n}\n';
  const at = (error: string) => {
    const span = configErrorSpan(text, error);
    return span && text.slice(span.start, span.end);
  };
  assert.equal(at('thresholds.kernelOverheadShare: expected a share from 0 to 1, not 50'), '50');
  assert.equal(at("thresholds: unknown threshold 'bogus' (…)"), '"bogus"');
  assert.equal(at("unknown key 'extra'"), '"extra"');
  assert.equal(at('targets[1] (p.json): cannot read: ENOENT'), '"p.json"');
  assert.equal(at('the configuration must be a JSON object'), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-thresholds-'));
  writeFileSync(join(dir, 'layerlint.json'), text);
  clearConfigCache();
  const loaded = readConfigFile(join(dir, 'layerlint.json'));
  assert.ok(
    loaded.errors.includes(
      `${join(dir, 'layerlint.json')}:3:28: thresholds.kernelOverheadShare: expected a share from 0 to 1, not 50`,
    ),
    loaded.errors.join('\n'),
  );
  assert.deepEqual(loaded.config.thresholds, {});
});
