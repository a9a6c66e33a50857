// End-to-end tests of the `layerlint` CLI: each command and format spawned as a process on
// the built dist/cli.js (`npm test` builds it first), on examples/ and on temp folders for
// configuration, suppression comments and fix round trips. A few tests run main() in
// process where a process cannot show the behaviour (a TTY progress line, a fix whose
// result would not parse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { analyzeSource } from '../../server/src/engine/analyzeSource';
import { estimateAt } from '../../server/src/core/estimates';
import { CODES } from '../../server/src/core/diagnostics';
import { main } from '../../server/src/cli/main';
import { FIXERS } from '../../server/src/cli/commands/fix';
import type { Io } from '../../server/src/cli/io';
import { collectFiles, supportedExtensions } from '../../server/src/cli/files';
import { OnnxBuilder } from '../helpers/onnxModel';
import { checkFiles, workerCount, WORKERS_MIN_FILES } from '../../server/src/cli/checkPool';
import { buildReport } from '../../server/src/report/model';
import { compactReport } from '../golden/compact';

const CLI = resolve('dist/cli.js');
const ROOT = resolve('.');
const V1 = 'examples/mobilenet_v1.layers';
const CONV = 'examples/mobilenet_v1_conv.layers';
/** The two MobileNet examples (examples/ gains files in other formats; these figures are theirs). */
const EX = [V1, CONV];
const MACS_CONV = 4_867_293_184;
const PARAMS_CONV = 29_294_088;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (!opts.env || !('FORCE_COLOR' in opts.env)) delete env.FORCE_COLOR;
  if (!opts.env || !('NO_COLOR' in opts.env)) delete env.NO_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
// biome-ignore lint/suspicious/noExplicitAny: each test reads the fields of its own JSON shape
const json = (r: Run): any => JSON.parse(r.stdout);
const temp = () => mkdtempSync(join(tmpdir(), 'layerlint-cli-'));
const write = (path: string, text: string) => {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
const oneUsageLine = (r: Run) => {
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^layerlint: [^\n]+\n$/);
};

const SMALL = (extra = '') =>
  `network small\ninput 32x32x16\n${extra}c1: conv 32 3x3 | bn | relu\nc2: conv 32 3x3 | bn | relu\n`;

// --- version, help, usage errors ---------------------------------------------------------

test('--version prints package.json version', () => {
  const r = run(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
});

test('--help for the tool and every command', () => {
  const top = run(['--help']);
  assert.equal(top.code, 0);
  for (const c of ['check', 'report', 'fix', 'estimate', 'export', 'import']) {
    assert.match(top.stdout, new RegExp(`\\n  ${c} `));
    const r = run([c, '--help']);
    assert.equal(r.code, 0, c);
    assert.match(r.stdout, new RegExp(`^Usage: layerlint ${c}`));
    assert.equal(r.stderr, '');
  }
  assert.equal(run([]).code, 2);
});

test('usage and I/O errors: one line on stderr, exit 2, nothing on stdout', () => {
  oneUsageLine(run(['frobnicate']));
  oneUsageLine(run(['--frobnicate']));
  oneUsageLine(run(['check', '--bogus', 'examples']));
  oneUsageLine(run(['check', 'examples', '--format', 'xml']));
  oneUsageLine(run(['check', 'examples', '--fail-on', 'fatal']));
  oneUsageLine(run(['check', 'examples', '--max-warnings', '-1']));
  oneUsageLine(run(['check', 'no/such/file.layers']));
  oneUsageLine(run(['report']));
  oneUsageLine(run(['report', 'missing.layers']));
  oneUsageLine(run(['report', 'examples']));
  oneUsageLine(run(['report', V1, '--format', 'sarif']));
  oneUsageLine(run(['report', V1, '--max-macs', 'lots']));
  oneUsageLine(run(['report', V1, '--convention', 'caffe']));
  oneUsageLine(run(['estimate', V1, '--width', '0.5,x']));
  oneUsageLine(run(['fix']));
  oneUsageLine(run(['fix', CONV, '--rule', 'fc-heavy']));
  oneUsageLine(run(['fix', 'examples', '--stdout']));
  assert.match(run(['report', 'missing.layers']).stderr, /cannot read missing\.layers: no such file/);
});

// --- check ---------------------------------------------------------------------------------

test('check: exit codes follow --fail-on and --max-warnings', () => {
  assert.equal(run(['check', ...EX]).code, 0); // 13 warnings, 1 info, no errors
  assert.equal(run(['check', ...EX, '--fail-on', 'warning']).code, 1);
  assert.equal(run(['check', V1, '--fail-on', 'warning']).code, 0);
  assert.equal(run(['check', V1, '--fail-on', 'info']).code, 0); // its one info finding is suppressed in the file
  assert.equal(run(['check', CONV, '--fail-on', 'info']).code, 1);
  assert.equal(run(['check', ...EX, '--max-warnings', '13']).code, 0);
  assert.equal(run(['check', ...EX, '--max-warnings', '12']).code, 1);
  assert.equal(run(['check', V1, '--max-macs', '300M']).code, 1);
  assert.equal(run(['check', V1, '--max-macs', '600M', '--max-params', '4.3M']).code, 0);
});

test('check: a folder is searched recursively; the default path is the working folder', () => {
  const r = run(['check', '--format', 'json'], { cwd: resolve('examples') });
  const exts = supportedExtensions();
  const expected = (readdirSync('examples', { recursive: true }) as string[])
    .map((f) => f.split('\\').join('/'))
    .filter((f) => exts.some((e) => f.toLowerCase().endsWith(e)))
    .sort();
  assert.ok(expected.includes('mobilenet_v1.layers'));
  assert.deepEqual(
    json(r).files.map((f: { file: string }) => f.file),
    expected,
  );
  const dir = temp();
  write(join(dir, 'a', 'b', 'deep.layers'), SMALL());
  write(join(dir, 'node_modules', 'x.layers'), 'broken\n');
  write(join(dir, '.hidden', 'x.layers'), 'broken\n');
  write(join(dir, 'notes.txt'), 'not a model\n');
  write(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n'); // generic YAML, no Ultralytics model
  assert.deepEqual(
    json(run(['check', '.', '--format', 'json'], { cwd: dir })).files.map((f: { file: string }) => f.file),
    ['a/b/deep.layers'],
  );
});

test('check in a Python project: non-model .cfg/.yaml/.prototxt and .gitignored files are skipped, exit 0', () => {
  const dir = temp();
  write(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  write(join(dir, '.gitignore'), 'build/\n*.tmp.layers\n');
  write(join(dir, 'setup.cfg'), '[metadata]\nname = demo\n\n[options]\npackages = find:\n');
  write(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
  write(join(dir, 'solver.prototxt'), 'net: "train.prototxt"\nbase_lr: 0.01\nlr_policy: "step"\n');
  write(join(dir, 'build', 'out.layers'), 'broken\n');
  write(join(dir, 'scratch.tmp.layers'), 'broken\n');
  write(join(dir, 'pkg', '.gitignore'), 'old.layers\n');
  write(join(dir, 'pkg', 'old.layers'), 'broken\n');
  write(
    join(dir, 'models', 'tiny.cfg'),
    '# a comment first\n\n[net]\nwidth=32\nheight=32\nchannels=3\n\n[convolutional]\nfilters=8\nsize=3\nstride=1\npad=1\nactivation=leaky\n',
  );
  write(join(dir, 'models', 'small.layers'), SMALL());
  const r = run(['check', '.', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(
    json(r).files.map((f: { file: string; format: string }) => `${f.file} ${f.format}`),
    ['models/small.layers layers', 'models/tiny.cfg darknet'],
  );
  // --no-gitignore takes the ignored files back (and their errors fail the run).
  const all = run(['check', '.', '--format', 'json', '--no-gitignore'], { cwd: dir });
  assert.equal(all.code, 1);
  assert.deepEqual(
    json(all).files.map((f: { file: string }) => f.file),
    ['build/out.layers', 'models/small.layers', 'models/tiny.cfg', 'pkg/old.layers', 'scratch.tmp.layers'],
  );
});

test('a file named that is no model: one clear line (alone: exit 2; with models: a note, the models checked)', () => {
  const dir = temp();
  write(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
  write(join(dir, 'setup.cfg'), '[metadata]\nname = demo\n');
  write(join(dir, 'small.layers'), SMALL());
  const alone = run(['check', 'compose.yaml'], { cwd: dir });
  oneUsageLine(alone);
  assert.match(
    alone.stderr,
    /^layerlint: compose\.yaml: skipped, not an Ultralytics model \(no top-level backbone: and head:\)\n$/,
  );
  const mixed = run(['check', 'setup.cfg', 'small.layers', '--format', 'json'], { cwd: dir });
  assert.equal(mixed.code, 0);
  assert.match(
    mixed.stderr,
    /^layerlint: setup\.cfg: skipped, not a Darknet network \(its first section, after comments, is not \[net\] or \[network\]\)\n$/,
  );
  assert.deepEqual(
    json(mixed).files.map((f: { file: string }) => f.file),
    ['small.layers'],
  );
  for (const args of [['report'], ['estimate'], ['export', '--pytorch']]) {
    const r = run([...args, 'compose.yaml'], { cwd: dir });
    oneUsageLine(r);
    assert.match(r.stderr, /compose\.yaml: not an Ultralytics model/);
  }
});

test('check --format text: file:line:col lines and a summary, no colour when piped', () => {
  const r = run(['check', ...EX]);
  assert.match(
    r.stdout,
    /^examples\/mobilenet_v1_conv\.layers:7:9: warning \[separable-conv\] conv2: depthwise-separable saves 201,908,224 MACs \(-87\.3%\)/m,
  );
  assert.match(r.stdout, /14 problems \(0 errors, 13 warnings, 1 info, 0 hints\) in 1 of 2 files\n$/);
  assert.doesNotMatch(r.stdout, /\u001b\[/);
  assert.equal(r.stderr, '');
});

test('check: FORCE_COLOR forces colour, NO_COLOR keeps it off', () => {
  assert.match(run(['check', ...EX], { env: { FORCE_COLOR: '1' } }).stdout, /\u001b\[33mwarning\u001b\[0m/);
  assert.doesNotMatch(run(['check', ...EX], { env: { NO_COLOR: '1' } }).stdout, /\u001b\[/);
});

test('check --format json: files, diagnostics and summary', () => {
  const r = json(run(['check', ...EX, '--format', 'json']));
  assert.equal(r.tool.name, 'layerlint');
  assert.equal(r.files.length, 2);
  assert.deepEqual(
    { ...r.summary },
    { error: 0, warning: 13, info: 1, hint: 0, files: 2, filesWithProblems: 1, failed: false },
  );
  const conv = r.files[1];
  assert.deepEqual(
    [conv.file, conv.format, conv.macs, conv.params, conv.complete],
    [CONV, 'layers', MACS_CONV, PARAMS_CONV, true],
  );
  assert.deepEqual(Object.keys(conv.diagnostics[0]).sort(), [
    'code',
    'column',
    'endColumn',
    'endLine',
    'line',
    'message',
    'severity',
  ]);
});

test('check --format sarif: valid SARIF 2.1.0 with rules, help links and 1-based regions', () => {
  const r = run(['check', ...EX, '--format', 'sarif', '--max-macs', '300M']);
  assert.equal(r.code, 1);
  const log = json(r);
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync('test/data/sarif-schema-2.1.0.json', 'utf8')));
  const valid: boolean = validate(log);
  assert.ok(valid, JSON.stringify(validate.errors, null, 2));
  const run0 = log.runs[0];
  const rules = run0.tool.driver.rules;
  assert.deepEqual(
    rules.map((x: { id: string }) => x.id),
    Object.keys(CODES),
  );
  for (const rule of rules) {
    assert.match(rule.helpUri, new RegExp(`/docs/rules\\.md#${rule.id}$`));
    assert.ok(rule.help.text.length > 10);
  }
  const sep = run0.results.find((x: { ruleId: string }) => x.ruleId === 'separable-conv');
  assert.equal(rules[sep.ruleIndex].id, 'separable-conv');
  assert.equal(sep.level, 'warning');
  assert.deepEqual(sep.locations[0].physicalLocation.artifactLocation, {
    uri: 'examples/mobilenet_v1_conv.layers',
    uriBaseId: '%SRCROOT%',
  });
  assert.deepEqual(sep.locations[0].physicalLocation.region, {
    startLine: 7,
    startColumn: 9,
    endLine: 7,
    endColumn: 20,
  });
  assert.ok(
    run0.results.some((x: { ruleId: string; level: string }) => x.ruleId === 'over-budget' && x.level === 'error'),
  );
  assert.ok(
    run0.results.some((x: { ruleId: string; level: string }) => x.ruleId === 'plain-deep-stack' && x.level === 'note'),
  );
});

test('check --format github: one workflow annotation per finding, escaped', () => {
  const r = run(['check', ...EX, '--format', 'github']);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 14);
  for (const l of lines)
    assert.match(
      l,
      /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=LayerLint \[[a-z0-9-]+\]::\S/,
    );
  assert.ok(
    lines.includes(
      '::warning file=examples/mobilenet_v1_conv.layers,line=7,col=9,endLine=7,endColumn=20,title=LayerLint [separable-conv]::conv2: depthwise-separable saves 201,908,224 MACs (-87.3%25): 231.2M → 29.3M MACs (standard 3x3 conv, ratio 1/64 + 1/9 = 0.127).',
    ),
  );
});

test('check --format markdown: a summary table and the findings', () => {
  const r = run(['check', ...EX, '--format', 'markdown']);
  assert.match(r.stdout, /^### LayerLint\n/);
  assert.match(r.stdout, /\| File \| Format \| MACs \| Params \| Errors \| Warnings \| Info \|/);
  assert.match(r.stdout, /\| `examples\/mobilenet_v1\.layers` \| layers \| 568\.7M \| 4\.23M \| 0 \| 0 \| 0 \|/);
  assert.match(r.stdout, /\[separable-conv\]\(https:\/\/\S+docs\/rules\.md#separable-conv\)/);
});

test('check: a progress line on stderr only when stderr is a TTY and there are many files', () => {
  const dir = temp();
  for (let i = 0; i < 12; i++) write(join(dir, `m${i}.layers`), SMALL());
  const capture = (tty: boolean) => {
    let out = '',
      err = '';
    const io: Io = {
      out: (s) => (out += s),
      err: (s) => (err += s),
      stdoutIsTTY: false,
      stderrIsTTY: tty,
      env: {},
      cwd: dir,
    };
    const code = main(['check', '.'], io);
    return { code, out, err };
  };
  const tty = capture(true);
  assert.match(tty.err, /\[1\/12\] m0\.layers/);
  assert.match(tty.err, /\[12\/12\]/);
  assert.doesNotMatch(tty.out, /\[1\/12\]/);
  assert.equal(capture(false).err, '');
});

// --- configuration, ignore patterns and suppression comments ----------------------------

test('config: layerlint.json / .layerlintrc.json found upward from each file', () => {
  const dir = temp();
  write(
    join(dir, 'layerlint.json'),
    JSON.stringify({
      rules: { 'separable-conv': 'off', 'plain-deep-stack': 'off' },
      ignore: ['generated/', '*.skip.layers'],
    }),
  );
  write(join(dir, 'a.layers'), SMALL());
  write(join(dir, 'x.skip.layers'), SMALL());
  write(join(dir, 'generated', 'g.layers'), 'this does not parse\n');
  write(join(dir, 'strict', '.layerlintrc.json'), JSON.stringify({ rules: { 'separable-conv': 'error' } }));
  write(join(dir, 'strict', 'deeper', 'b.layers'), SMALL());
  const r = run(['check', '.', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1);
  const files = json(r).files as { file: string; diagnostics: { code: string; severity: string }[] }[];
  assert.deepEqual(
    files.map((f) => f.file),
    ['a.layers', 'strict/deeper/b.layers'],
  );
  assert.deepEqual(files[0]!.diagnostics, []);
  assert.deepEqual(
    files[1]!.diagnostics.map((d) => `${d.code}:${d.severity}`),
    ['separable-conv:error', 'separable-conv:error'],
  );
  // --ignore-pattern, relative to the working folder
  assert.deepEqual(
    json(run(['check', '.', '--format', 'json', '--ignore-pattern', 'strict'], { cwd: dir })).files.map(
      (f: { file: string }) => f.file,
    ),
    ['a.layers'],
  );
  // --config replaces discovery
  write(join(dir, 'other.json'), JSON.stringify({ rules: {} }));
  const withOther = json(run(['check', 'a.layers', '--format', 'json', '--config', 'other.json'], { cwd: dir }));
  assert.equal(withOther.files[0].diagnostics.length, 2);
  write(join(dir, 'root.json'), JSON.stringify({ ignore: ['generated/', 'strict/'] }));
  const rooted = json(run(['check', '.', '--format', 'json', '--config', 'root.json'], { cwd: dir }));
  assert.deepEqual(
    rooted.files.map((f: { file: string }) => f.file),
    ['a.layers', 'x.skip.layers'],
  );
  write(join(dir, 'conf', 'rel.json'), JSON.stringify({ ignore: ['generated/', 'strict/'] }));
  const only = json(run(['check', '.', '--format', 'json', '--config', join('conf', 'rel.json')], { cwd: dir }));
  // patterns are relative to the config's folder (conf/), so these match nothing outside it
  assert.deepEqual(
    only.files.map((f: { file: string }) => f.file),
    ['a.layers', 'generated/g.layers', 'strict/deeper/b.layers', 'x.skip.layers'],
  );
});

test('config: thresholds and a budget given as "300M" strings', () => {
  const dir = temp();
  write(join(dir, 'layerlint.json'), JSON.stringify({ thresholds: { separableMinMacs: 1e9 }, budget: { macs: '1M' } }));
  write(join(dir, 'a.layers'), SMALL());
  write(join(dir, 'own.layers'), SMALL('budget macs=1G\n'));
  const r = json(run(['check', '.', '--format', 'json'], { cwd: dir }));
  const codes = (i: number) => r.files[i].diagnostics.map((d: { code: string }) => d.code);
  assert.deepEqual(codes(0), ['over-budget']); // config budget, separable-conv under its threshold
  assert.deepEqual(codes(1), []); // the file's own budget line wins over the config
  const cli = json(run(['check', 'own.layers', '--format', 'json', '--max-macs', '2M'], { cwd: dir }));
  assert.match(cli.files[0].diagnostics[0].message, /over the budget of 2\.00M/); // the command line wins over both
  const rep = json(run(['report', 'a.layers', '--format', 'json'], { cwd: dir }));
  assert.equal(rep.budget.macs, 1_000_000);
});

test('config: an invalid layerlint.json is a usage error naming the file and the key', () => {
  const dir = temp();
  write(join(dir, 'layerlint.json'), JSON.stringify({ rules: { 'separable-conv': 'loud' }, budget: { macs: 'many' } }));
  write(join(dir, 'a.layers'), SMALL());
  const r = run(['check', '.'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /layerlint\.json:1:28: rules\.separable-conv: 'loud' is not one of/);
  assert.match(r.stderr, /budget\.macs: 'many' is not a count/);
  write(join(dir, 'layerlint.json'), '{ "rules": ');
  assert.match(run(['check', '.'], { cwd: dir }).stderr, /invalid JSON/);
});

test('check honours suppression comments', () => {
  const dir = temp();
  write(
    join(dir, 'next.layers'),
    'network n\ninput 32x32x16\n# layerlint-disable-next-line separable-conv\nc1: conv 32 3x3\nc2: conv 32 3x3\n',
  );
  write(
    join(dir, 'same.layers'),
    'network n\ninput 32x32x16\nc1: conv 32 3x3 # layerlint-disable-line separable-conv\nc2: conv 32 3x3\n',
  );
  write(
    join(dir, 'file.layers'),
    '# layerlint-disable separable-conv\nnetwork n\ninput 32x32x16\nc1: conv 32 3x3\nc2: conv 32 3x3\n',
  );
  write(
    join(dir, 'other.layers'),
    'network n\ninput 32x32x16\n# layerlint-disable-next-line fc-heavy\nc1: conv 32 3x3\nc2: conv 32 3x3\n',
  );
  const r = json(run(['check', '.', '--format', 'json'], { cwd: dir }));
  const lines = (name: string) =>
    r.files
      .find((f: { file: string }) => f.file === name)
      .diagnostics.filter((d: { code: string }) => d.code === 'separable-conv')
      .map((d: { line: number }) => d.line);
  assert.deepEqual(lines('next.layers'), [5]);
  assert.deepEqual(lines('same.layers'), [4]);
  assert.deepEqual(lines('file.layers'), []);
  assert.deepEqual(lines('other.layers'), [4, 5]);
});

// --- report ------------------------------------------------------------------------------

test('report --format json is the engine report, whose figures the golden files pin', () => {
  for (const name of ['mobilenet_v1.layers', 'mobilenet_v1_conv.layers']) {
    const r = run(['report', `examples/${name}`, '--format', 'json']);
    assert.equal(r.code, 0);
    const path = `examples/${name}`;
    const report = { ...json(r), file: name };
    assert.deepEqual(report, buildReport(analyzeSource(readFileSync(path, 'utf8'), path), name));
    assert.equal(compactReport(report), readFileSync(`test/golden/examples/${name}.txt`, 'utf8'));
  }
});

test('report: text table, --sort macs --top N, totals over all layers', () => {
  const r = run(['report', V1, '--sort', 'macs', '--top', '3']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\(top 3 of 84 layers by MACs\)/);
  assert.match(r.stdout, /Total MACs: {3}568,740,352 /);
  assert.match(r.stdout, /Conv 1x1 \(pointwise\) +539,492,352 +94\.86%/);
  assert.match(
    r.stdout,
    /^Memory: +peak activations 4\.82MB at conv2 \(line 10\), fp32; all activations \(sum\) \S+B, weights 16\.9MB \(fp32\)$/m,
  );
  const j = json(run(['report', V1, '--format', 'json', '--sort', 'params', '--top', '2']));
  assert.deepEqual(
    j.layers.map((l: { name: string }) => l.name),
    ['conv14', 'fc'],
  );
  assert.equal(j.totals.params, 4_231_976);
});

test('report --format csv and markdown', () => {
  const csv = run(['report', V1, '--format', 'csv']).stdout.trimEnd().split('\n');
  assert.equal(
    csv[0],
    'name,op,kind,line,out_h,out_w,out_c,macs,params,activations,activation_bytes,weight_bytes,share_macs_pct',
  );
  assert.equal(csv.length, 85);
  assert.equal(csv[1], 'conv1,conv,standard,8,112,112,32,10838016,864,401408,1605632,3456,1.91');
  const md = run(['report', V1, '--format', 'markdown']).stdout;
  assert.match(md, /\*\*568,740,352 MACs\*\*/);
  assert.match(md, /\| Layer \| Op \| Output \| MACs \| Params \| % MACs \|/);
});

test('report --width/--resolution and budgets from the command line', () => {
  const j = json(run(['report', V1, '--format', 'json', '--width', '0.5', '--resolution', '160']));
  assert.equal(j.totals.macs, estimateAt(analyzeSource(readFileSync(V1, 'utf8'), V1).analysis.graph, 0.5, 160).macs);
  const over = run(['report', V1, '--max-macs', '300M', '--format', 'json']);
  assert.equal(over.code, 1);
  const d = json(over).diagnostics.find((x: { code: string }) => x.code === 'over-budget');
  assert.match(d.message, /over the budget of 300\.0M by 268\.7M \(\+89\.6%\); width 0\.72 fits, input side 160 fits/);
  assert.deepEqual(json(over).budget, { macs: 300_000_000, fit: { alpha: 0.72, side: 160 } });
});

test('report --convention: totals in that convention, or "not available"', () => {
  const j = json(run(['report', V1, '--format', 'json', '--convention', 'layerlint']));
  assert.equal(j.convention.available, true);
  assert.equal(j.convention.macs, 568_740_352);
  for (const id of ['darknet', 'netscope', 'ultralytics']) {
    const r = run(['report', V1, '--convention', id]);
    assert.equal(r.code, 0, id);
    assert.match(r.stdout, new RegExp(`Convention: +${id}: `));
    const c = json(run(['report', V1, '--format', 'json', '--convention', id])).convention;
    assert.equal(c.convention, id);
    if (!c.available) assert.match(r.stdout, /not available/);
  }
});

// --- estimate ----------------------------------------------------------------------------

test('estimate: the α x input grid', () => {
  const graph = analyzeSource(readFileSync(V1, 'utf8'), V1).analysis.graph;
  const r = run(['estimate', V1, '--width', '0.5,0.75', '--resolution', '160,192', '--format', 'json']);
  assert.equal(r.code, 0);
  const g = json(r);
  assert.deepEqual(g.base, { alpha: 1, side: 224 });
  assert.equal(g.cells.length, 4);
  for (const c of g.cells)
    assert.deepEqual(
      { macs: c.macs, params: c.params },
      (({ macs, params }) => ({ macs, params }))(estimateAt(graph, c.alpha, c.side)),
    );
  const text = run(['estimate', V1]).stdout;
  assert.match(text, /^α \\ input +224 +192 +160 +128$/m);
  assert.match(text, /^1 +568\.7M \/ 4\.23M +418\.1M \/ 4\.23M/m);
  assert.equal(run(['estimate', V1, '--format', 'csv']).stdout.split('\n')[1], '1,224,568740352,4231976,true');
  assert.match(run(['estimate', V1, '--format', 'markdown']).stdout, /\| α \\ input \| 224 \|/);
  const dir = temp();
  write(join(dir, 'bad.layers'), 'network n\nc1: conv 32 3x3\n');
  const bad = run(['estimate', 'bad.layers'], { cwd: dir });
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /missing-input/);
});

// --- fix -----------------------------------------------------------------------------------

/** A temp folder holding a copy of mobilenet_v1_conv.layers as conv.layers. */
function convCopy() {
  const dir = temp();
  const file = join(dir, 'conv.layers');
  copyFileSync(CONV, file);
  return { dir, file, before: readFileSync(file, 'utf8') };
}

function outputsByName(text: string, file: string) {
  return new Map(analyzeSource(text, file).analysis.layers.map((l) => [l.layer.name, l.output?.join('x')]));
}

test('fix: in place, parses, keeps every output shape, MACs drop exactly as predicted', () => {
  const { dir, file, before } = convCopy();
  const doc = analyzeSource(before, file);
  const predicted = doc.diagnostics.reduce(
    (s, d) => s + (d.data?.kind === 'separable' ? d.data.macs - d.data.separableMacs : 0),
    0,
  );
  assert.ok(predicted > 0);
  const r = run(['fix', 'conv.layers'], { cwd: dir });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /fixed 1 file \(13 findings\)/);
  assert.deepEqual(readdirSync(dir), ['conv.layers']); // no temp file left
  const after = readFileSync(file, 'utf8');
  const fixed = analyzeSource(after, file);
  assert.deepEqual(
    fixed.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.equal(doc.analysis.totals.macs - fixed.analysis.totals.macs, predicted);
  const outBefore = outputsByName(before, file),
    outAfter = outputsByName(after, file);
  for (const [name, shape] of outBefore) assert.equal(outAfter.get(name), shape, name);
  assert.equal(fixed.analysis.totals.macs, 568_740_352); // Conv MobileNet fixed = MobileNet v1
  // idempotent
  const again = run(['fix', 'conv.layers'], { cwd: dir });
  assert.match(again.stderr, /fixed 0 files .*1 unchanged/);
  assert.equal(readFileSync(file, 'utf8'), after);
});

test('fix --dry-run prints a unified diff and writes nothing; --stdout prints the fixed file', () => {
  const { dir, file, before } = convCopy();
  const dry = run(['fix', '.', '--dry-run'], { cwd: dir });
  assert.equal(dry.code, 1, 'a dry run that would change a file exits 1, so it can gate CI');
  assert.match(dry.stdout, /^--- a\/conv\.layers\n\+\+\+ b\/conv\.layers\n@@ /);
  assert.match(dry.stdout, /^-conv2: {2}conv 64 3x3 \| bn \| relu$/m);
  assert.match(dry.stdout, /^\+conv2_dw: +dwconv 3x3 \| bn \| relu$/m);
  assert.equal(readFileSync(file, 'utf8'), before);
  const out = run(['fix', 'conv.layers', '--stdout'], { cwd: dir });
  assert.equal(out.code, 0);
  assert.equal(readFileSync(file, 'utf8'), before);
  run(['fix', 'conv.layers'], { cwd: dir });
  assert.equal(out.stdout, readFileSync(file, 'utf8'));
  const clean = run(['fix', '.', '--dry-run'], { cwd: dir });
  assert.equal(clean.code, 0, 'nothing left to fix: exit 0');
  assert.equal(clean.stdout, '');
});

test('the flagship MobileNet v1 example greets a new user without findings', () => {
  const r = run(['check', V1]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'No problems in 1 file\n');
});

test('the top-level help says what check and fix --dry-run exit with, and they do', () => {
  const help = run(['--help']).stdout;
  assert.match(help, /check {6}lint files and folders; exit 1 on errors, --fail-on warning for more/);
  const warningsOnly = run(['check', CONV]);
  assert.match(warningsOnly.stdout, /\(0 errors, 13 warnings, /);
  assert.equal(warningsOnly.code, 0);
  assert.equal(run(['check', CONV, '--fail-on', 'warning']).code, 1);
  assert.match(run(['fix', '--help']).stdout, /with --dry-run, 1 when a file would change/);
});

test('fix --rule over-budget sets the width that fits', () => {
  const dir = temp();
  copyFileSync(V1, join(dir, 'v1.layers'));
  assert.equal(run(['fix', 'v1.layers', '--rule', 'over-budget', '--max-macs', '300M'], { cwd: dir }).code, 0);
  const doc = analyzeSource(readFileSync(join(dir, 'v1.layers'), 'utf8'), 'v1.layers', { budget: { macs: 300e6 } });
  assert.equal(doc.analysis.graph.width.alpha, 0.72);
  assert.ok(doc.analysis.totals.macs <= 300e6);
});

test('fix refuses to write a result that does not parse (exit 2, file untouched)', () => {
  const { dir, file, before } = convCopy();
  const original = FIXERS['separable-conv']!;
  FIXERS['separable-conv'] = () => [{ span: { start: 0, end: 0 }, newText: 'conv2: conv ??? 3x3 |\n' }];
  try {
    let err = '';
    const io: Io = { out: () => {}, err: (s) => (err += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: dir };
    assert.equal(main(['fix', 'conv.layers'], io), 2);
    assert.match(err, /refusing to change conv\.layers: the fixed text would not parse \(line 1:/);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.deepEqual(readdirSync(dir), ['conv.layers']);
  } finally {
    FIXERS['separable-conv'] = original;
  }
});

// --- docs --------------------------------------------------------------------------------

test('docs/cli.md documents every command and every option of its --help', async () => {
  const { COMMANDS } = await import('../../server/src/cli/main');
  const md = readFileSync('docs/cli.md', 'utf8');
  for (const c of COMMANDS) {
    assert.match(md, new RegExp(`^## \`layerlint ${c.name}`, 'm'), c.name);
    for (const [option] of c.help.matchAll(/--[a-z][a-z-]+/g)) assert.ok(md.includes(option), `${c.name} ${option}`);
  }
  assert.match(readFileSync('README.md', 'utf8'), /\[docs\/cli\.md\]\(docs\/cli\.md\)/);
});

test('check: a layer LayerLint cannot cost makes the result incomplete: exit 1, the layer named; severity configurable', () => {
  const dir = temp();
  const cfg = readFileSync('examples/yolov3-tiny.cfg', 'utf8').replace('[maxpool]', '[frobnicate]\n\n[maxpool]');
  writeFileSync(join(dir, 'net.cfg'), cfg);
  const r = run(['check', 'net.cfg', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const inc = json(r).files[0].diagnostics.find((d: { code: string }) => d.code === 'incomplete-analysis');
  assert.equal(inc.severity, 'error');
  assert.match(inc.message, /could not be costed/);
  const rep = json(run(['report', 'net.cfg', '--format', 'json'], { cwd: dir }));
  assert.equal(rep.complete, false);
  assert.equal(rep.missing.length, 1);
  assert.ok(rep.coverage.counted < rep.coverage.total);
  assert.deepEqual(rep.estimates, { width: [], resolution: [] });
  const text = run(['report', 'net.cfg'], { cwd: dir }).stdout;
  assert.match(text, /Incomplete: +not costed: /);
  writeFileSync(join(dir, 'layerlint.json'), JSON.stringify({ rules: { 'incomplete-analysis': 'warning' } }));
  assert.equal(run(['check', 'net.cfg'], { cwd: dir }).code, 0);
});

// --- ONNX ------------------------------------------------------------------------------------

/** A temp folder holding net.onnx: a conv, its BN and ReLU, a 3x3 conv with 64 inputs (a separable-conv finding), GAP, Gemm. */
function onnxFolder() {
  const dir = temp();
  const bytes = new OnnxBuilder()
    .input('x', ['batch', 3, 32, 32])
    .weight('w1', [64, 3, 3, 3])
    .weight('b1', [64])
    .weight('w2', [64, 64, 3, 3])
    .weight('wfc', [10, 64])
    .node({ op: 'Conv', name: 'stem', inputs: ['x', 'w1', 'b1'], outputs: ['a'], attrs: { pads: [1, 1, 1, 1] } })
    .node({ op: 'Relu', name: 'relu', inputs: ['a'], outputs: ['b'] })
    .node({ op: 'Conv', name: 'body', inputs: ['b', 'w2'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } })
    .node({ op: 'GlobalAveragePool', name: 'gap', inputs: ['c'], outputs: ['g'] })
    .node({ op: 'Flatten', name: 'flat', inputs: ['g'], outputs: ['f'] })
    .node({ op: 'Gemm', name: 'fc', inputs: ['f', 'wfc'], outputs: ['y'], attrs: { transB: 1 } })
    .encode();
  writeFileSync(join(dir, 'net.onnx'), bytes);
  return dir;
}
const ONNX_MACS = 32 * 32 * 64 * 3 * 9 + 32 * 32 * 64 * 64 * 9 + 640;

test('ONNX: report, check (SARIF names the node line), estimate and import work on a .onnx file', () => {
  const dir = onnxFolder();
  const rep = json(run(['report', 'net.onnx', '--format', 'json'], { cwd: dir }));
  assert.equal(rep.totals.macs, ONNX_MACS);
  assert.equal(rep.totals.params, 64 * 27 + 64 + 64 * 64 * 9 + 640);
  assert.equal(rep.complete, true);
  const sarif = run(['check', 'net.onnx', '--format', 'sarif'], { cwd: dir });
  const result = json(sarif).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'separable-conv');
  assert.match(result.message.text, /^body: depthwise-separable saves/);
  assert.equal(result.locations[0].physicalLocation.region.startLine, 3, 'node 3 of the listing');
  const folder = json(run(['check', '.', '--format', 'json'], { cwd: dir }));
  assert.deepEqual(
    folder.files.map((f: { file: string }) => f.file),
    ['net.onnx'],
  );
  const est = json(
    run(['estimate', 'net.onnx', '--width', '1', '--resolution', '32', '--format', 'json'], { cwd: dir }),
  );
  assert.equal(est.cells[0].macs, ONNX_MACS);
  const imported = run(['import', 'net.onnx', '-o', 'net.layers'], { cwd: dir });
  assert.equal(imported.code, 0, imported.stderr);
  const again = json(run(['report', 'net.layers', '--format', 'json'], { cwd: dir }));
  assert.equal(again.totals.macs, ONNX_MACS);
  assert.equal(again.totals.params, rep.totals.params);
  writeFileSync(join(dir, 'broken.onnx'), 'not a model');
  const broken = run(['check', 'broken.onnx'], { cwd: dir });
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /syntax-error.*broken\.onnx cannot be read/);
});

test('bench: the network measured with ONNX Runtime, whole and per layer by line, with the target’s estimate beside it', () => {
  const dir = temp();
  write(
    join(dir, 'n.layers'),
    'network n\ninput 32x32x16\nc1: conv 32 3x3 | bn | relu\nd: dwconv 3x3 | bn | relu\np: conv 64 1x1\ng: avgpool global\nf: fc 10\n',
  );
  const r = run(['bench', 'n.layers', '--format', 'json', '--warmup', '1', '--repeats', '3', '--target', 'xeon-1t'], {
    cwd: dir,
  });
  assert.equal(r.code, 0, r.stderr);
  const b = json(r);
  assert.match(b.runtime, /^onnxruntime-node /);
  assert.equal(b.threads, 1);
  assert.equal(b.repeats, 3);
  assert.ok(b.medianMs > 0 && b.minMs <= b.medianMs && b.medianMs <= b.maxMs);
  // The conv, BN and ReLU of line 3 run as one kernel, timed on the conv; every weighted layer is timed on its line.
  assert.deepEqual(
    b.layers.filter((l: { macs: number }) => l.macs > 0).map((l: { name: string; line: number }) => [l.name, l.line]),
    [
      ['c1', 3],
      ['d', 4],
      ['p', 5],
      ['f', 7],
    ],
  );
  for (const l of b.layers) assert.ok(l.measuredMs > 0 && l.estimatedMs >= 0, l.name);
  assert.equal(b.target, 'xeon-1t');
  const text = run(['bench', 'n.layers', '--warmup', '1', '--repeats', '2'], { cwd: dir });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Whole network: .* ms median of 2 runs after 1 warm-up \(min .* ms, max .* ms\)/);
  write(
    join(dir, 'u.prototxt'),
    'input: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\nlayer { name: "p" type: "PriorBox" bottom: "data" bottom: "data" top: "p" prior_box_param { min_size: 30 } }\n',
  );
  const refused = run(['bench', 'u.prototxt'], { cwd: dir });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /cannot be measured:\n {2}p: PriorBox \(priorbox\) has no ONNX form here/);
  assert.equal(run(['bench', 'n.layers', '--threads', '0'], { cwd: dir }).code, 2);
  // --compare separable: the file and its separable rewrite (c1's 3x3 conv), both measured.
  const c = run(
    ['bench', 'n.layers', '--compare', 'separable', '--format', 'json', '--warmup', '1', '--repeats', '2'],
    {
      cwd: dir,
    },
  );
  assert.equal(c.code, 0, c.stderr);
  const cmp = json(c).compare;
  assert.equal(cmp.rewrite, 'separable');
  assert.equal(cmp.convs, 1);
  assert.ok(cmp.separableMacs < cmp.macs && cmp.medianMs > 0 && cmp.separableMedianMs > 0);
  const plain = run(['bench', 'n.layers', '--compare', 'separable', '--warmup', '1', '--repeats', '2'], { cwd: dir });
  assert.match(
    plain.stdout,
    /Separable rewrite \(1 conv\): MACs .* \(-\d+%\), measured .* ms → .* ms \([-+]?\d+%\) on this machine, 1 thread/,
  );
  assert.equal(run(['bench', 'n.layers', '--compare', 'fused'], { cwd: dir }).code, 2);
});

test('calibrate: writes a valid profile fitted on this machine, which --target FILE and layerlint.json targets then use', () => {
  const dir = temp();
  const r = run(['calibrate', '--id', 'here-1t', '--warmup', '1', '--repeats', '2', '--out', 'p.json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /rates \(M per ms\) {2}dense [\d.]+, pointwise [\d.]+, depthwise [\d.]+, elementwise [\d.]+/);
  const profile = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'));
  assert.equal(profile.id, 'here-1t');
  for (const k of ['dense', 'pointwise', 'depthwise', 'elementwise']) assert.ok(profile.rates[k] > 0, k);
  assert.ok(profile.bytesPerMs > 0 && profile.kernelMs >= 0 && profile.stridedDepthwise >= 1);
  assert.match(
    profile.sources[0],
    /^Fitted by layerlint calibrate on \d{4}-\d\d-\d\dT.*load average [\d.]+ at the start; onnxruntime-node /,
  );
  write(join(dir, 'n.layers'), 'input 32x32x16\nc: conv 32 3x3 | bn | relu\n');
  const viaFile = json(run(['report', 'n.layers', '--target', './p.json', '--format', 'json'], { cwd: dir }));
  assert.equal(viaFile.target.id, 'here-1t');
  assert.ok(viaFile.totals.latencyMs > 0);
  write(join(dir, 'layerlint.json'), JSON.stringify({ targets: ['p.json'], target: 'here-1t' }));
  assert.equal(json(run(['report', 'n.layers', '--format', 'json'], { cwd: dir })).target.id, 'here-1t');
  write(join(dir, 'bad.json'), JSON.stringify({ ...profile, id: 'xeon-1t' }));
  const bad = run(['report', 'n.layers', '--target', 'bad.json'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--target bad\.json: not a target profile:\n {2}id: 'xeon-1t' is a built-in target/);
  assert.equal(run(['report', 'n.layers', '--target', 'nowhere-1t'], { cwd: dir }).code, 2);
});

test('estimate --target: every cell has its estimated latency, and the grid names the target', () => {
  const r = run(['estimate', V1, '--target', 'xeon-1t', '--format', 'json', '--width', '1,0.5']);
  assert.equal(r.code, 0, r.stderr);
  const g = json(r);
  assert.equal(g.target, 'xeon-1t');
  for (const c of g.cells) assert.ok(c.latencyMs > 0, JSON.stringify(c));
  const own = json(run(['report', V1, '--target', 'xeon-1t', '--format', 'json']));
  assert.equal(
    g.cells.find((c: { alpha: number; side: number }) => c.alpha === 1 && c.side === 224).latencyMs,
    own.totals.latencyMs,
  );
  assert.equal(run(['estimate', V1, '--target', 'abacus']).code, 2);
});

// --- check in worker threads (cli/checkPool.ts) -------------------------------------------

test('check in worker threads: the same results, in input order, as in one thread', () => {
  const dir = temp();
  const examples = readdirSync(resolve(ROOT, 'examples')).filter((f) => /\.(layers|prototxt|cfg|yaml)$/.test(f));
  for (let i = 0; i < 5; i++)
    for (const f of examples)
      write(join(dir, `d${i % 2}`, `${i}_${f}`), readFileSync(resolve(ROOT, 'examples', f), 'utf8'));
  write(join(dir, 'broken.layers'), 'network broken\ninput 8x8x3\nconv 8 3x3 stride=0\n');
  const paths = collectFiles(['.'], { cwd: dir, ignorePatterns: [], gitignore: false });
  const order = (workers: number) => {
    const seen: number[] = [];
    const files = checkFiles(paths, dir, {}, workers, CLI, (_, i) => seen.push(i));
    return { files, seen };
  };
  const one = order(0);
  const three = order(3);
  assert.equal(one.files.length, paths.length);
  assert.deepEqual(three.files, one.files);
  assert.deepEqual(three.seen, [...paths.keys()]);
  assert.ok(one.files.some((o) => 'file' in o && o.file.diagnostics.some((d) => d.severity === 'error')));
  for (const format of ['text', 'json', 'sarif']) {
    const a = run(['check', '.', '--format', format], { cwd: dir, env: { LAYERLINT_WORKERS: '0' } });
    const b = run(['check', '.', '--format', format], { cwd: dir, env: { LAYERLINT_WORKERS: '2' } });
    assert.equal(a.code, 1);
    assert.deepEqual(b, a);
  }
});

test('check in worker threads: when workers die or never answer, this thread analyses what is missing', {
  timeout: 60_000,
}, () => {
  const dir = temp();
  for (let i = 0; i < 6; i++) write(join(dir, `m${i}.layers`), SMALL());
  write(join(dir, 'bad.layers'), 'network bad\ninput 8x8x3\nconv 8 3x3 stride=0\n');
  const paths = collectFiles(['.'], { cwd: dir, ignorePatterns: [], gitignore: false });
  const expected = checkFiles(paths, dir, {}, 0, undefined, () => {});
  for (const script of ['// answers nothing\n', 'throw new Error("a worker that fails");\n']) {
    const path = join(dir, 'worker.js');
    writeFileSync(path, script);
    const seen: number[] = [];
    assert.deepEqual(
      checkFiles(paths, dir, {}, 2, path, (_, i) => seen.push(i), 20),
      expected,
    );
    assert.deepEqual(seen, [...paths.keys()]);
  }
});

test('check in worker threads: an invalid configuration stops the run at the same file, after the same output', () => {
  const dir = temp();
  for (let i = 0; i < 8; i++) write(join(dir, `a${i}`, 'm.layers'), SMALL());
  write(join(dir, 'a5', 'layerlint.json'), JSON.stringify({ rules: { 'separable-conv': 'loud' } }));
  const a = run(['check', '.'], { cwd: dir, env: { LAYERLINT_WORKERS: '0' } });
  const b = run(['check', '.'], { cwd: dir, env: { LAYERLINT_WORKERS: '3' } });
  assert.equal(a.code, 2);
  assert.match(a.stderr, /a5[\\/]layerlint\.json:1:28: rules\.separable-conv/);
  assert.deepEqual(b, a);
});

test('check in worker threads: how many', () => {
  const script = '/x/cli.js';
  assert.equal(workerCount(10, {}, {}, script), 0);
  assert.equal(workerCount(WORKERS_MIN_FILES, {}, {}, script), availableParallelism() > 1 ? availableParallelism() : 0);
  assert.equal(workerCount(10, { LAYERLINT_WORKERS: '3' }, {}, script), 3);
  assert.equal(workerCount(2, { LAYERLINT_WORKERS: '3' }, {}, script), 2);
  assert.equal(workerCount(500, { LAYERLINT_WORKERS: '1' }, {}, script), 0);
  assert.equal(workerCount(500, { LAYERLINT_WORKERS: '4' }, {}, undefined), 0);
  assert.equal(workerCount(500, { LAYERLINT_WORKERS: '4' }, { verbose: () => {} }, script), 0);
});

test('a reader that closes the pipe early ends the run quietly with status 141, not a stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlint-pipe-'));
  for (let i = 0; i < 200; i++) copyFileSync('examples/mobilenet_v1_conv.layers', join(dir, `net${i}.layers`));
  const child = spawn(process.execPath, [resolve('dist/cli.js'), 'check', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout.once('data', () => child.stdout.destroy());
  const status = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  assert.equal(stderr, '');
  assert.equal(status, 141);
});
