// A node:test reporter that prints one line at the end: how many tests passed, failed and
// were skipped, and how long the run took. test/run.mjs pairs it with the built-in `dot`
// reporter (a dot per test, then each failure in full), so `npm test` prints a screenful
// rather than a thousand lines of TAP; with CI set, TAP is kept. What tests print (the
// real-file tiers' "N of M files exact" summaries, fuzz counts) is kept too, above the
// closing line.
export default async function* summary(source) {
  const t0 = Date.now();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const notes = [];
  for await (const event of source) {
    if (event.type === 'test:stdout' && event.data.message.trim()) notes.push(event.data.message.trimEnd());
    if (event.data?.details?.type === 'suite') continue;
    if (event.type === 'test:pass') {
      if (event.data.skip || event.data.todo) skipped++;
      else passed++;
    } else if (event.type === 'test:fail') failed++;
  }
  if (notes.length) yield `\n${notes.join('\n')}\n`;
  yield `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`;
}
