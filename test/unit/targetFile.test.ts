// A profile file named from the editor (docs/latency.md#choosing-a-target): `target FILE` in a
// .layers file, read through the host's companion reader (confined to the spec's folder), and
// the layerlint.target setting, read relative to the workspace folder; a file that cannot be
// used gives no target and a diagnostic saying why (invalid-value on the path,
// target-unreadable for the setting), and the web host, which reads nothing, says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { companionsNextTo } from '../../server/src/engine/companionsLoad';
import { targetProfile, type TargetProfile } from '../../server/src/core/targets';
import type { Companions } from '../../server/src/formats/types';
import { AnalysisCache } from '../../server/src/lsp/documents';
import { DEFAULT_SETTINGS, normalizeSettings, resolveTargetSetting } from '../../server/src/lsp/settings';

const NPU: TargetProfile = { ...targetProfile('edgetpu-int8')!, id: 'my-npu' };
const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
/** A reader holding `files` (path → content); anything else is missing. */
const reader = (files: Record<string, unknown>): Companions => ({
  read: (p) => (Object.hasOwn(files, p) ? bytes(files[p]) : { error: 'no such file' }),
});
const SPEC = (target: string) => `target ${target}\ninput 16x16x16\nc: conv 16 3x3\n`;

test('target FILE: the profile read through the companion reader is the file’s target', () => {
  const doc = analyzeSource(SPEC('profiles/npu.json'), 'n.layers', {
    companions: reader({ 'profiles/npu.json': NPU }),
  });
  assert.deepEqual(doc.analysis.target, NPU);
  assert.ok(doc.analysis.latency()!.totalMs > 0);
  assert.deepEqual(
    doc.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  // The command line still overrides it; it overrides the configuration's target.
  const cli = analyzeSource(SPEC('npu.json'), 'n.layers', {
    companions: reader({ 'npu.json': NPU }),
    target: 'xeon-1t',
  });
  assert.equal(cli.analysis.target!.id, 'xeon-1t');
  const config = analyzeSource(SPEC('npu.json'), 'n.layers', {
    companions: reader({ 'npu.json': NPU }),
    defaultTarget: 'xeon-1t',
  });
  assert.equal(config.analysis.target!.id, 'my-npu');
});

test('target FILE that cannot be used: invalid-value on the path saying why, and no target', () => {
  const cases: [Companions | undefined, string, RegExp][] = [
    [reader({}), 'missing.json', /'missing.json' cannot be used: no such file\. No target is set\./],
    [reader({ 'bad.json': '{"id": ' }), 'bad.json', /cannot be used: invalid JSON/],
    [
      reader({ 'p/x.json': { ...NPU, kernelMs: -1 } }),
      'p/x.json',
      /not a target profile: kernelMs: expected a non-negative number of ms/,
    ],
    [reader({ 'p/x.json': { ...NPU, id: 'xeon-1t' } }), 'p/x.json', /'xeon-1t' is a built-in target/],
    [undefined, 'p/x.json', /this host reads no files next to the spec \(VS Code for the Web\)/],
  ];
  for (const [companions, path, why] of cases) {
    const text = SPEC(path);
    const doc = analyzeSource(text, 'n.layers', { ...(companions ? { companions } : {}), defaultTarget: 'xeon-1t' });
    const d = doc.diagnostics.filter((x) => x.code === 'invalid-value');
    assert.equal(d.length, 1, path);
    assert.match(d[0]!.message, why);
    assert.equal(text.slice(d[0]!.span.start, d[0]!.span.end), path);
    assert.equal(doc.analysis.target, undefined, path);
  }
  // A name that is neither built in nor a path: the list, and how to name a file.
  const unknown = analyzeSource(SPEC('tpu-v9'), 'n.layers').diagnostics.find((x) => x.code === 'invalid-value')!;
  assert.match(unknown.message, /Unknown target 'tpu-v9' \(targets: xeon-1t, .*edgetpu-int8.*; or a profile file/);
  assert.equal(SPEC('tpu-v9').slice(unknown.span.start, unknown.span.end), 'tpu-v9');
});

test('target NAME: one of layerlint.json’s targets, by id, as --target and the setting take it', () => {
  const doc = analyzeSource(SPEC('my-npu'), 'n.layers', { profiles: [NPU], defaultTarget: 'xeon-1t' });
  assert.deepEqual(doc.analysis.target, NPU);
  assert.deepEqual(
    doc.diagnostics.filter((d) => d.code === 'invalid-value'),
    [],
  );
  // Without that configuration the same name is unknown; the list then names the configured ids too.
  const alone = analyzeSource(SPEC('my-npu'), 'n.layers');
  assert.equal(alone.analysis.target, undefined);
  assert.match(alone.diagnostics.find((d) => d.code === 'invalid-value')!.message, /Unknown target 'my-npu'/);
  const other = analyzeSource(SPEC('tpu-v9'), 'n.layers', { profiles: [NPU] });
  assert.match(other.diagnostics.find((d) => d.code === 'invalid-value')!.message, /h200-fp16-b64, my-npu; or/);
});

test('target FILE on disk: inside the spec’s folder only (no .., no absolute path, no link out)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-target-'));
  mkdirSync(join(dir, 'spec', 'profiles'), { recursive: true });
  writeFileSync(join(dir, 'spec', 'profiles', 'npu.json'), JSON.stringify(NPU));
  writeFileSync(join(dir, 'outside.json'), JSON.stringify(NPU));
  const spec = join(dir, 'spec', 'n.layers');
  const run = (target: string) => analyzeSource(SPEC(target), spec, { companions: companionsNextTo(spec) });
  assert.equal(run('profiles/npu.json').analysis.target!.id, 'my-npu');
  for (const [path, why] of [
    ['../outside.json', /the path leaves the model’s folder/],
    [join(dir, 'outside.json'), /the path leaves the model’s folder/],
    ['profiles/none.json', /no such file/],
  ] as const) {
    const doc = run(path);
    assert.equal(doc.analysis.target, undefined, path);
    assert.match(doc.diagnostics.find((d) => d.code === 'invalid-value')!.message, why);
  }
});

test('the layerlint.target setting: a built-in id, or a profile file in the document’s workspace folder', () => {
  assert.equal(normalizeSettings({ target: 'profiles/npu.json' }).target, 'profiles/npu.json');
  assert.equal(normalizeSettings({ target: 'edgetpu-int8' }).target, 'edgetpu-int8');
  assert.equal(normalizeSettings({ target: 'tpu-v9' }).target, 'tpu-v9', 'an id: layerlint.json may define it');
  assert.equal(normalizeSettings({ target: 'TPU v9' }).target, DEFAULT_SETTINGS.target);
  const files = { 'file:///w/a': reader({ 'p/npu.json': NPU }), 'file:///w/a/b': reader({}) };
  const readIn = (folder: string) => files[folder as keyof typeof files];
  assert.deepEqual(resolveTargetSetting('xeon-1t', 'file:///w/a/n.layers', [], undefined), { id: 'xeon-1t' });
  assert.deepEqual(resolveTargetSetting('p/npu.json', 'file:///w/a/n.layers', ['file:///w/a'], readIn), {
    id: 'my-npu',
    profile: NPU,
  });
  // The innermost folder holding the document is the one the path is relative to.
  const inner = resolveTargetSetting('p/npu.json', 'file:///w/a/b/n.layers', ['file:///w/a', 'file:///w/a/b'], readIn);
  assert.match(
    (inner as { error: string }).error,
    /'p\/npu.json', which cannot be used: no such file\. No target is set\./,
  );
  // A folder whose name only starts like the document's is not its folder.
  const other = resolveTargetSetting('p/npu.json', 'file:///w/ab/n.layers', ['file:///w/a'], readIn);
  assert.match((other as { error: string }).error, /the document is in no workspace folder/);
  const web = resolveTargetSetting('p/npu.json', 'file:///w/a/n.layers', ['file:///w/a'], undefined);
  assert.match((web as { error: string }).error, /this host reads no files \(VS Code for the Web\)/);
});

test('editor: a setting whose file cannot be used is target-unreadable on the network line and leaves no target, not even layerlint.json’s', () => {
  const settings = { ...DEFAULT_SETTINGS, target: 'missing.json' };
  const cache = new AnalysisCache(
    () => settings,
    () => ({ defaultTarget: 'xeon-1t' }),
    undefined,
    (uri, value) => resolveTargetSetting(value, uri, ['file:///w'], () => reader({})),
  );
  const text = 'network n\ninput 16x16x16\nc: conv 24 3x3\n';
  const doc = cache.get(TextDocument.create('file:///w/n.layers', 'layerspec', 1, text));
  assert.equal(doc.analysis.target, undefined);
  const d = doc.diagnostics.filter((x) => x.code === 'target-unreadable');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.severity, 'warning');
  assert.equal(text.slice(d[0]!.span.start, d[0]!.span.end), 'network n');
  assert.match(d[0]!.message, /The layerlint.target setting names the profile file 'missing.json'/);
  // A file with its own target line keeps it, silently.
  const own = cache.get(TextDocument.create('file:///w/m.layers', 'layerspec', 1, `target xeon-16t\n${text}`));
  assert.equal(own.analysis.target!.id, 'xeon-16t');
  assert.ok(!own.diagnostics.some((x) => x.code === 'target-unreadable'));
  // A readable file: its profile is the target.
  const good = new AnalysisCache(
    () => ({ ...DEFAULT_SETTINGS, target: 'npu.json' }),
    () => ({}),
    undefined,
    (uri, value) =>
      resolveTargetSetting(value, uri, [pathToFileURL('/w').toString()], () => reader({ 'npu.json': NPU })),
  );
  assert.equal(good.get(TextDocument.create('file:///w/n.layers', 'layerspec', 1, text)).analysis.target!.id, 'my-npu');
});

test('editor: the setting may name one of layerlint.json’s targets by id; an id defined nowhere is target-unreadable', () => {
  const cache = (target: string) =>
    new AnalysisCache(
      () => ({ ...DEFAULT_SETTINGS, target }),
      () => ({ profiles: [NPU] }),
    );
  const text = 'network n\ninput 16x16x16\nc: conv 24 3x3\n';
  const open = (target: string) => cache(target).get(TextDocument.create('file:///w/n.layers', 'layerspec', 1, text));
  assert.equal(open('my-npu').analysis.target!.id, 'my-npu');
  const unknown = open('tpu-v9');
  assert.equal(unknown.analysis.target, undefined);
  assert.match(
    unknown.diagnostics.find((d) => d.code === 'target-unreadable')!.message,
    /names 'tpu-v9', which is no target here \(targets: xeon-1t, .*, my-npu; or a profile file/,
  );
});
