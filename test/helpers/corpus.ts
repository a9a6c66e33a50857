// Where the shared test corpus is: $LAYERLINT_CORPUS, else ../shared/corpus beside the clone
// (as CI lays it), else /work/shared/corpus. Third-party model files stay there, never in the repo.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The corpus folder holding `marker` (a path inside it), or undefined when none is found. */
export function corpusDir(marker = ''): string | undefined {
  return [process.env.LAYERLINT_CORPUS, '../shared/corpus', '/work/shared/corpus'].find(
    (d): d is string => !!d && existsSync(join(d, marker)),
  );
}
