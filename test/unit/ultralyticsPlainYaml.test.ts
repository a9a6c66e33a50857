// The plain-YAML fast path of the Ultralytics reader (formats/ultralytics/plainYaml.ts) must
// read exactly what the `yaml` package reads: on every model file of the repo and the corpus,
// and on thousands of texts mutated with YAML's significant characters, `readModel` (fast path
// when it applies) equals `readModelWithYamlPackage` field for field, spans and findings
// included, and where the fast path accepts a text its tree has the package's values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { readModel, readModelWithYamlPackage } from '../../server/src/formats/ultralytics/model';
import { readPlainYaml } from '../../server/src/formats/ultralytics/plainYaml';
import { corpusDir } from '../helpers/corpus';
import { rng } from '../helpers/random';

function modelFiles(): { name: string; text: string }[] {
  const files = ['examples/yolov8n.yaml', 'test/data/corpus/ultralytics__ultralytics__yolov8.yaml'].map((f) => ({
    name: f,
    text: readFileSync(f, 'utf8'),
  }));
  const corpus = corpusDir('real/ultralytics');
  if (corpus) {
    const dir = join(corpus, 'real/ultralytics');
    for (const f of readdirSync(dir)
      .filter((x) => x.endsWith('.yaml'))
      .sort())
      files.push({ name: f, text: readFileSync(join(dir, f), 'utf8') });
  }
  return files;
}

/** Checks one text; returns whether the fast path read it. */
function agrees(text: string, what: string): boolean {
  assert.deepStrictEqual(readModel(text), readModelWithYamlPackage(text), what);
  const plain = readPlainYaml(text);
  if (plain) {
    const doc = parseDocument(text, { uniqueKeys: false });
    assert.deepStrictEqual(doc.errors, [], `${what}: the fast path read a text with YAML errors`);
    assert.deepStrictEqual(plain.toJSON(), doc.toJS(), `${what}: values`);
  }
  return plain !== undefined;
}

test('plain YAML: every model file reads the same with the fast path as with the yaml package, and takes it', () => {
  for (const { name, text } of modelFiles()) assert.ok(agrees(text, name), `${name}: fast path not taken`);
});

test('plain YAML: the forms it reads and those it leaves to the yaml package', () => {
  const read = [
    'nc: 80\nbackbone:\n- [-1, 1, Conv, [64, 3, 2]]\nhead:\n  - [[-1, 0], 1, Concat, [1]] # c\n',
    "a: 'it''s'\nb: \"x\"\nc: ~\nd: True\ne: +5\nf: 1.\ng: .5e3\nh: 007\ni: -0\nj: a b,c\nk: []\nl: [ ]\n",
    '# only a comment\n\nscales: # m\n  n: [0.33, 0.25, 1024]\n  # between\n  s: [0.33, 0.50, 1024] # t\nnc: 1',
  ];
  for (const text of read) assert.ok(agrees(text, JSON.stringify(text)), JSON.stringify(text));
  const left = [
    'a: 1\r\nb: 2\r\n', // CR
    'a:\t1\n', // tab
    'a: .inf\n',
    'a: 0x1f\n',
    'a: "\\n"\n', // an escape
    'a: &x 1\nb: *x\n',
    'a: {b: 1}\n',
    'a: [1,\n  2]\n', // a flow over two lines
    'a: [1, 2,]\n', // a trailing comma
    'a: b: c\n',
    'a:\nb: 1\n', // an empty value
    'a: 1\n  b\n', // a continuation line
    'a: [x: 1]\n',
    '---\na: 1\n',
    'a: é\n',
    'a:\n  - 1\n', // a block item that is not a flow sequence
    'a:\n  b:\n    c: 1\n',
    '- [1]\n',
    '',
  ];
  for (const text of left) {
    assert.equal(readPlainYaml(text), undefined, JSON.stringify(text));
    agrees(text, JSON.stringify(text));
  }
});

test('plain YAML: mutated model files read the same either way (1,500 texts)', () => {
  const bases = modelFiles().slice(0, 6);
  const alphabet = [
    ' ',
    '  ',
    '\n',
    '#',
    ' #',
    '-',
    '- ',
    ':',
    ': ',
    '[',
    ']',
    ',',
    "'",
    '"',
    '.',
    '0',
    '7',
    'e',
    'x',
    '~',
    'null',
    'True',
    '\t',
    '\r',
    '{',
    '\\',
  ];
  const rand = rng(18);
  let fast = 0;
  let total = 0;
  for (const { name, text: base } of bases) {
    for (let i = 0; i < 250; i++) {
      let text = base;
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
        const at = Math.floor(rand() * (text.length + 1));
        const cut = rand() < 0.5 ? Math.floor(rand() * 4) : 0;
        const insert = rand() < 0.8 ? alphabet[Math.floor(rand() * alphabet.length)]! : '';
        text = text.slice(0, at) + insert + text.slice(at + cut);
      }
      if (agrees(text, `${name}, mutation ${i}: ${JSON.stringify(text)}`)) fast++;
      total++;
    }
  }
  console.log(`plain YAML fuzz: ${fast} of ${total} mutated texts took the fast path, all equal`);
  assert.ok(fast > total / 4, `only ${fast} of ${total} took the fast path`);
});
