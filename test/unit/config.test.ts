// The configuration: parseConfig (pure), configToEngineOptions, loadConfigFor (upward
// search, caching) and the shipped JSON schema, which must describe exactly what
// parseConfig accepts (every rule code, every threshold).
import { test } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { CODES } from '../../server/src/core/diagnostics';
import { DEFAULT_RULE_OPTIONS } from '../../server/src/core/rules/options';
import { configToEngineOptions, parseConfig, parseQuantity } from '../../server/src/engine/config';
import { clearConfigCache, loadConfigFor } from '../../server/src/engine/configLoad';
import { analyzeSource } from '../../server/src/engine/analyzeSource';

const schema = JSON.parse(readFileSync('schemas/layerlint.schema.json', 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

test('schema: one entry per rule code and per threshold', () => {
  assert.deepEqual(Object.keys(schema.properties.rules.properties).sort(), Object.keys(CODES).sort());
  assert.deepEqual(
    Object.keys(schema.properties.thresholds.properties).sort(),
    Object.keys(DEFAULT_RULE_OPTIONS).sort(),
  );
  for (const [k, v] of Object.entries(DEFAULT_RULE_OPTIONS))
    assert.equal(schema.properties.thresholds.properties[k].default, v, k);
});

test('package.json registers the schema for layerlint.json and .layerlintrc.json', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.deepEqual(pkg.contributes.jsonValidation, [
    { fileMatch: ['layerlint.json', '.layerlintrc.json'], url: './schemas/layerlint.schema.json' },
  ]);
});

const VALID = [
  {},
  {
    $schema: './node_modules/layerlint/schemas/layerlint.schema.json',
    rules: { 'separable-conv': 'error', 'fc-heavy': 'off' },
  },
  {
    thresholds: { separableMinMacs: 1000000, fcHeavyShare: 0.6 },
    convention: 'darknet',
    ignore: ['build/', '*.tmp.layers'],
  },
  { budget: { macs: '300M', params: 4200000 } },
  { budget: { macs: '1.5G' } },
];
const INVALID = [
  [],
  { rules: { 'separable-conv': 'loud' } },
  { rules: { 'no-such-rule': 'error' } },
  { thresholds: { nope: 1 } },
  { thresholds: { fcHeavyShare: 'half' } },
  { thresholds: { largeKernelMax: 5.5 } },
  { convention: 'caffe' },
  { ignore: 'build/' },
  { budget: { macs: 'lots' } },
  { budget: { flops: '1G' } },
  { extra: true },
];

test('parseConfig and the schema agree on what is valid', () => {
  for (const c of VALID) {
    assert.deepEqual(parseConfig(c).errors, [], JSON.stringify(c));
    assert.ok(validate(c), JSON.stringify(c));
  }
  for (const c of INVALID) {
    assert.ok(parseConfig(c).errors.length > 0, JSON.stringify(c));
    assert.ok(!validate(c), JSON.stringify(c));
  }
});

test('parseConfig keeps the valid part and names each problem', () => {
  const { config, errors } = parseConfig({
    rules: { 'separable-conv': 'off', 'fc-heavy': 'loud' },
    budget: { macs: '300M', params: 'x' },
  });
  assert.deepEqual(config, { rules: { 'separable-conv': 'off' }, budget: { macs: 300_000_000 } });
  assert.equal(errors.length, 2);
  assert.match(errors[0]!, /^rules\.fc-heavy: 'loud' is not one of error, warning, info, hint, off$/);
  assert.match(errors[1]!, /^budget\.params: /);
});

test('parseQuantity: numbers and K/M/G strings', () => {
  assert.equal(parseQuantity('300M'), 300_000_000);
  assert.equal(parseQuantity('4.2M'), 4_200_000);
  assert.equal(parseQuantity(' 1G '), 1_000_000_000);
  assert.equal(parseQuantity(1500), 1500);
  assert.equal(typeof parseQuantity('-3M'), 'string');
  assert.equal(typeof parseQuantity(0), 'string');
});

test('configToEngineOptions: severities, thresholds, default budget', () => {
  const { config } = parseConfig({
    rules: { 'separable-conv': 'error' },
    thresholds: { plainStackDepth: 100 },
    budget: { macs: '1M' },
  });
  assert.deepEqual(configToEngineOptions(config), {
    severities: { 'separable-conv': 'error' },
    rules: { plainStackDepth: 100 },
    defaultBudget: { macs: 1_000_000 },
  });
  assert.deepEqual(configToEngineOptions({}), {});
});

test("analysis: the default budget applies below the file's budget line and the explicit budget", () => {
  const src = (budget: string) => `network n\ninput 32x32x16\n${budget}c: conv 32 1x1\n`; // 524,288 MACs
  const over = (text: string, opts: object) =>
    analyzeSource(text, 'a.layers', opts).diagnostics.filter((d) => d.code === 'over-budget').length;
  assert.equal(over(src(''), { defaultBudget: { macs: 1000 } }), 1);
  assert.equal(over(src('budget macs=1M\n'), { defaultBudget: { macs: 1000 } }), 0);
  assert.equal(over(src('budget macs=1M\n'), { defaultBudget: { macs: 1000 }, budget: { macs: 1000 } }), 1);
  assert.equal(over(src('budget params=1M\n'), { defaultBudget: { macs: 1000 } }), 1); // only the metric the file sets is overridden
});

test('loadConfigFor: nearest layerlint.json or .layerlintrc.json upward; errors carry the path', () => {
  const root = mkdtempSync(join(tmpdir(), 'layerlint-config-'));
  mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
  mkdirSync(join(root, 'x'), { recursive: true });
  writeFileSync(join(root, 'layerlint.json'), JSON.stringify({ convention: 'netscope' }));
  writeFileSync(join(root, 'a', 'b', '.layerlintrc.json'), JSON.stringify({ convention: 'darknet' }));
  writeFileSync(join(root, 'x', 'layerlint.json'), '{ nope');
  clearConfigCache();
  assert.equal(loadConfigFor(join(root, 'm.layers')).config.convention, 'netscope');
  assert.equal(loadConfigFor(join(root, 'a', 'm.layers')).path, join(root, 'layerlint.json'));
  const deep = loadConfigFor(join(root, 'a', 'b', 'c', 'm.layers'));
  assert.equal(deep.config.convention, 'darknet');
  assert.equal(deep.dir, join(root, 'a', 'b'));
  const bad = loadConfigFor(join(root, 'x', 'm.layers'));
  assert.equal(bad.errors.length, 1);
  assert.ok(bad.errors[0]!.startsWith(`${join(root, 'x', 'layerlint.json')}: invalid JSON`));
});

test('loadConfigFor: the search stops at the repository root; a config above it never applies', () => {
  const root = mkdtempSync(join(tmpdir(), 'layerlint-config-'));
  writeFileSync(join(root, 'layerlint.json'), JSON.stringify({ rules: { 'separable-conv': 'off' } }));
  for (const marker of ['.git', '.hg', '.svn']) {
    const repo = join(root, `repo${marker}`);
    mkdirSync(join(repo, marker, 'objects'), { recursive: true });
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    clearConfigCache();
    const got = loadConfigFor(join(repo, 'src', 'deep', 'm.layers'));
    assert.deepEqual(got.config, {}, marker);
    assert.equal(got.path, undefined);
    assert.equal(got.stoppedAt, repo);
  }
  // A worktree's `.git` is a file: also a repository root.
  const worktree = join(root, 'wt');
  mkdirSync(worktree);
  writeFileSync(join(worktree, '.git'), 'gitdir: /elsewhere\n');
  clearConfigCache();
  assert.equal(loadConfigFor(join(worktree, 'm.layers')).stoppedAt, worktree);
  // Outside a repository the parent's config still applies.
  mkdirSync(join(root, 'plain'));
  clearConfigCache();
  assert.equal(loadConfigFor(join(root, 'plain', 'm.layers')).path, join(root, 'layerlint.json'));
});

test('fuzz: the config a file gets is the nearest one at or below its repository root', () => {
  let runs = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
      fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      (depth, hasConfig, repoAt) => {
        runs++;
        const root = mkdtempSync(join(tmpdir(), 'layerlint-walk-'));
        const dirs = [root];
        for (let i = 1; i <= depth; i++) dirs.push(join(dirs[i - 1]!, `d${i}`));
        mkdirSync(dirs[depth]!, { recursive: true });
        dirs.forEach((d, i) => {
          if (hasConfig[i])
            writeFileSync(join(d, 'layerlint.json'), JSON.stringify({ thresholds: { largeKernelMax: i } }));
        });
        if (repoAt !== undefined && repoAt <= depth) mkdirSync(join(dirs[repoAt]!, '.git'));
        clearConfigCache();
        const got = loadConfigFor(join(dirs[depth]!, 'm.layers'));
        let expected: number | undefined;
        for (let i = depth; i >= 0; i--) {
          if (hasConfig[i]) {
            expected = i;
            break;
          }
          if (repoAt === i) break;
        }
        // Folders above the temp root may hold configs of their own: only ours are compared.
        const level = got.config.thresholds?.largeKernelMax;
        if (expected !== undefined) assert.equal(level, expected);
        else if (repoAt !== undefined && repoAt <= depth) assert.equal(got.stoppedAt, dirs[repoAt]);
        else assert.ok(got.path === undefined || !got.path.startsWith(root));
      },
    ),
    { seed: 20240611, numRuns: Number(process.env.PROPS_RUNS ?? 60) },
  );
  assert.ok(runs > 0);
});
