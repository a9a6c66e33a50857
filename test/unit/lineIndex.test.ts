// LineIndex: offsets to lines and positions (UTF-16 columns), whatever order lookups come in
// (lineAt remembers the last line, since most callers walk forward).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/core/lineIndex';

const text = 'network t\r\ninput 8x8x3\n\nconv 8 3x3 # é, 😀\nrelu\n';

/** The line of an offset, the slow and obvious way. */
const lineOf = (offset: number) => text.slice(0, offset).split('\n').length - 1;

test('lineAt agrees with counting line breaks, for forward, backward and random lookups', () => {
  const index = new LineIndex(text);
  const offsets = [...Array(text.length + 1).keys()];
  let seed = 7;
  const keyed = offsets.map((o) => ({ o, key: (seed = (seed * 48271) % 2147483647) }));
  const shuffled = keyed.sort((a, b) => a.key - b.key).map((k) => k.o);
  for (const order of [offsets, [...offsets].reverse(), shuffled])
    for (const o of order) assert.equal(index.lineAt(o), lineOf(o), `offset ${o}`);
});

test('positionAt and offsetAt round-trip, and clamp outside the text', () => {
  const index = new LineIndex(text);
  for (let o = 0; o <= text.length; o++) {
    const p = index.positionAt(o);
    if (text[o - 1] !== '\r' || text[o] !== '\n') assert.equal(index.offsetAt(p), o);
  }
  assert.deepEqual(index.positionAt(10_000), index.positionAt(text.length));
  assert.equal(index.offsetAt({ line: 1, character: 999 }), text.indexOf('\n', 11));
  assert.equal(index.lineCount, 6);
});
