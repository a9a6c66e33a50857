// The docs stay true: every diagnostic code has its section in docs/rules.md (the target
// of codeDescription links), every built-in op is documented in docs/language.md, and the
// README's Neovim recipe is the file the Neovim test runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CODES } from '../../server/src/core/diagnostics';
import { OPS } from '../../server/src/formats/layers/ops';

test('docs/rules.md has a section for every code, with its default severity in the table', () => {
  const md = readFileSync('docs/rules.md', 'utf8');
  for (const [code, info] of Object.entries(CODES)) {
    assert.match(md, new RegExp(`^## ${code}$`, 'm'), `section for ${code}`);
    assert.match(
      md,
      new RegExp(`^\\| \\[${code}\\]\\(#${code}\\) \\| ${info.stage} \\| ${info.severity} \\|`, 'm'),
      `table row for ${code}`,
    );
  }
});

test('docs/language.md mentions every built-in op', () => {
  const md = readFileSync('docs/language.md', 'utf8');
  for (const op of Object.keys(OPS)) assert.ok(md.includes(op), op);
});

test("the README's Neovim recipe is editors/neovim/layerlint.lua, which test/editors/nvim/test.lua runs", () => {
  const recipe = readFileSync('editors/neovim/layerlint.lua', 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .trim();
  assert.ok(readFileSync('README.md', 'utf8').includes(`\`\`\`lua\n${recipe}\n\`\`\``));
});
