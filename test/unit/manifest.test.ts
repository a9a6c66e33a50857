// The extension manifest stays consistent: every grammar and language configuration it
// names exists, every grammar's patterns compile, and grammars belong to declared languages;
// the Marketplace listing has what a user looks for (categories, keywords, links, banner)
// and its README's images ship in the VSIX.
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

test('the Marketplace listing: ML categories, keywords, homepage, bugs, banner, a user README whose images ship', () => {
  const m = JSON.parse(readFileSync('package.json', 'utf8'));
  for (const c of ['Machine Learning', 'Data Science', 'Linters', 'Visualization'])
    assert.ok(m.categories.includes(c), `category ${c}`);
  assert.ok(m.keywords.length >= 5 && m.keywords.length <= 30, 'keywords (vsce allows at most 30)');
  assert.match(m.homepage, /^https:\/\//);
  assert.match(m.bugs.url, /^https:\/\//);
  assert.match(m.galleryBanner.color, /^#[0-9a-f]{6}$/i);
  assert.ok(existsSync('CHANGELOG.md'));
  assert.match(m.scripts.package, /--readme-path marketplace\/README\.md --no-rewrite-relative-links/);
  const readme = readFileSync('marketplace/README.md', 'utf8');
  const shipped = readFileSync('.vscodeignore', 'utf8').split('\n');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((x) => x[1]!);
  assert.ok(images.length >= 2, 'features with pictures');
  for (const src of images) {
    assert.ok(existsSync(src), src);
    assert.ok(shipped.includes(`!${src}`), `${src} is allow-listed in .vscodeignore`);
  }
});
