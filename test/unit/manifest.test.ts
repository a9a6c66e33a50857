// The extension manifest stays consistent: every grammar and language configuration it
// names exists, every grammar's patterns compile, and grammars belong to declared languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: {
    languages: { id: string; configuration?: string }[];
    grammars: { language: string; path: string; scopeName: string }[];
  };
};

function patterns(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => patterns(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') out.push(v);
      else patterns(v, out);
    }
  }
  return out;
}

test('every grammar exists, compiles and belongs to a declared language', () => {
  const languages = new Set(pkg.contributes.languages.map((l) => l.id));
  for (const g of pkg.contributes.grammars) {
    assert.ok(languages.has(g.language), `${g.language} is declared`);
    const grammar = JSON.parse(readFileSync(g.path, 'utf8')) as { scopeName: string };
    assert.equal(grammar.scopeName, g.scopeName);
    for (const p of patterns(grammar)) assert.doesNotThrow(() => new RegExp(p), p);
  }
  for (const l of pkg.contributes.languages)
    if (l.configuration) assert.ok(existsSync(l.configuration), l.configuration);
});
