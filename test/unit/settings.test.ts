// One source of truth for rule codes, severities, thresholds and editor settings: the
// defaults in code (core/diagnostics.ts CODES and SEVERITIES, core/rules/options.ts
// DEFAULT_RULE_OPTIONS, lsp/settings.ts DEFAULT_SETTINGS) are what the JSON schema,
// package.json's `contributes.configuration` and the docs tables say; and the editor
// settings and layerlint.json accept and reject the same rule and threshold entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CODES, SEVERITIES } from '../../server/src/core/diagnostics';
import { DEFAULT_RULE_OPTIONS, INTEGER_THRESHOLDS, type RuleOptions } from '../../server/src/core/rules/options';
import { parseConfig, RULE_SETTINGS } from '../../server/src/engine/config';
import { BENCH_RANGES, DEBOUNCE_RANGE, DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/lsp/settings';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const contributed: Record<string, { default?: unknown; [k: string]: unknown }> =
  pkg.contributes.configuration.properties;
const schema = JSON.parse(readFileSync('schemas/layerlint.schema.json', 'utf8'));

/** DEFAULT_SETTINGS as VS Code names them: `layerlint.codeLens.enable`, … (rules and thresholds are objects). */
function flatDefaults(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
    if (key === 'rules' || key === 'thresholds' || typeof value !== 'object') out[`layerlint.${key}`] = value;
    else for (const [k, v] of Object.entries(value)) out[`layerlint.${key}.${k}`] = v;
  }
  return out;
}

test('settings: package.json contributes exactly the settings lsp/settings.ts reads, with its defaults', () => {
  const defaults = flatDefaults();
  assert.deepEqual(Object.keys(contributed).sort(), Object.keys(defaults).sort());
  for (const [key, value] of Object.entries(defaults)) assert.deepEqual(contributed[key]!.default, value, key);
  const debounce = contributed['layerlint.debounceMs']!;
  assert.deepEqual([debounce.minimum, debounce.maximum], [DEBOUNCE_RANGE.minimum, DEBOUNCE_RANGE.maximum]);
  for (const [k, range] of Object.entries(BENCH_RANGES)) {
    const c = contributed[`layerlint.bench.${k}`]!;
    assert.deepEqual([c.type, c.minimum, c.maximum], ['integer', range.minimum, range.maximum], k);
  }
  // Out of range or not an integer: the default; in range: kept.
  assert.deepEqual(normalizeSettings({ bench: { threads: 0, repeats: 2.5 } }).bench, DEFAULT_SETTINGS.bench);
  assert.deepEqual(normalizeSettings({ bench: { threads: 4, repeats: 10_000 } }).bench, {
    threads: 4,
    repeats: 10_000,
  });
});

test('settings: rule severities are SEVERITIES plus off, in code, schema and package.json', () => {
  assert.deepEqual(RULE_SETTINGS, [...SEVERITIES, 'off']);
  assert.deepEqual((contributed['layerlint.rules']!.additionalProperties as { enum: string[] }).enum, RULE_SETTINGS);
  for (const [code, info] of Object.entries(CODES)) {
    const entry = schema.properties.rules.properties[code];
    assert.deepEqual(entry.enum, RULE_SETTINGS, code);
    assert.equal(entry.description, `${info.summary} Default: ${info.severity}. See docs/rules.md#${code}.`, code);
  }
});

test('settings: the editor thresholds are the schema thresholds, with DEFAULT_RULE_OPTIONS as defaults', () => {
  const thresholds = (contributed['layerlint.thresholds']!.properties ?? {}) as Record<string, { default: number }>;
  assert.deepEqual(thresholds, schema.properties.thresholds.properties);
  assert.deepEqual(
    Object.fromEntries(Object.entries(thresholds).map(([k, v]) => [k, v.default])),
    DEFAULT_RULE_OPTIONS,
  );
  for (const [k, v] of Object.entries(schema.properties.thresholds.properties) as [string, { type: string }][])
    assert.equal(v.type, INTEGER_THRESHOLDS.has(k as keyof RuleOptions) ? 'integer' : 'number', k);
});

test('docs: the threshold tables of docs/cli.md and docs/rules.md and the README settings list follow the code', () => {
  const row = Object.entries(DEFAULT_RULE_OPTIONS)
    .map(([k, v]) => `\`${k}\` (${v})`)
    .join(', ');
  assert.ok(readFileSync('docs/cli.md', 'utf8').includes(`| \`thresholds\` | ${row} |`), row);
  const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
  const names = Object.keys(flatDefaults()).map((k) => `\`${k.slice('layerlint.'.length)}\``);
  assert.ok(readme.includes(`Settings live under \`layerlint.*\`: ${names[0]} (`), 'README settings sentence');
  for (const name of names) assert.ok(readme.includes(name), name);
  const rules = readFileSync('docs/rules.md', 'utf8');
  for (const [k, v] of Object.entries(DEFAULT_RULE_OPTIONS))
    assert.ok(
      rules.includes(`| \`${k}\` | ${v} | ${schema.properties.thresholds.properties[k].description} |`),
      `docs/rules.md threshold row for ${k}`,
    );
});

const entry = fc.oneof(
  fc.constantFrom(...Object.keys(CODES), ...Object.keys(DEFAULT_RULE_OPTIONS), 'nope', '__proto__', 'constructor'),
  fc.string({ maxLength: 6 }),
);
const value = fc.oneof(
  fc.constantFrom(...RULE_SETTINGS, 'loud', null, true),
  fc.double({ noNaN: false }),
  fc.constantFrom(0.5, 2.5, -0),
  fc.integer({ min: -5, max: 50 }),
);

test('fuzz: editor settings and layerlint.json keep the same rule and threshold entries', () => {
  fc.assert(
    fc.property(fc.dictionary(entry, value), fc.dictionary(entry, value), (rules, thresholds) => {
      const settings = normalizeSettings({ rules, thresholds });
      const { config } = parseConfig({ rules, thresholds });
      assert.deepEqual(settings.rules, config.rules ?? {});
      assert.deepEqual(settings.thresholds, config.thresholds ?? {});
    }),
    { seed: 20240611, numRuns: 300 },
  );
  assert.deepEqual(normalizeSettings({ thresholds: { nope: 1, fcHeavyShare: -1, largeKernelMax: 7 } }).thresholds, {
    largeKernelMax: 7,
  });
});
