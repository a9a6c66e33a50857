// cli/sourceFile.ts: a file is read whole into one buffer of its size, byte for byte; a text
// past MAX_SOURCE_BYTES is refused unread (`oversized`), and a path that is no regular file is
// a usage error naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SOURCE_BYTES, readSourceFile } from '../../server/src/cli/sourceFile';

const dir = mkdtempSync(join(tmpdir(), 'layerlint-source-'));

test('a binary model is read byte for byte; an empty file reads as empty', () => {
  const bytes = Buffer.alloc(3 * (1 << 20) + 17);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  writeFileSync(join(dir, 'm.onnx'), bytes);
  const read = readSourceFile(join(dir, 'm.onnx'));
  assert.equal(read.binary, true);
  assert.equal(read.oversized, false);
  assert.ok(read.bytes.equals(bytes));
  writeFileSync(join(dir, 'empty.layers'), '');
  const empty = readSourceFile(join(dir, 'empty.layers'));
  assert.equal(empty.bytes.length, 0);
  assert.equal(empty.text, '');
});

test('a text of exactly MAX_SOURCE_BYTES is read; one byte more is oversized and not read', () => {
  writeFileSync(join(dir, 'edge.layers'), Buffer.alloc(MAX_SOURCE_BYTES, 0x20));
  const edge = readSourceFile(join(dir, 'edge.layers'));
  assert.equal(edge.oversized, false);
  assert.equal(edge.text.length, MAX_SOURCE_BYTES);
  writeFileSync(join(dir, 'big.layers'), Buffer.alloc(MAX_SOURCE_BYTES + 1, 0x20));
  const big = readSourceFile(join(dir, 'big.layers'));
  assert.equal(big.oversized, true);
  assert.equal(big.bytes.length, 0);
});

test('a folder is a usage error naming it', () => {
  assert.throws(() => readSourceFile(dir, 'the-folder'), /cannot read the-folder/);
});
