// A tiny runner for VS Code extension-host suites (no mocha in the web host): named checks
// run in order, each failure is logged, and run() rejects if any failed.
export interface Check {
  name: string;
  fn: () => Promise<void>;
}

export const check = (name: string, fn: () => Promise<void>): Check => ({ name, fn });

export async function runChecks(suite: string, checks: Check[]): Promise<void> {
  const failed: string[] = [];
  for (const c of checks) {
    const t0 = Date.now();
    try {
      await c.fn();
      console.log(`ok - ${suite}: ${c.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed.push(c.name);
      console.error(`not ok - ${suite}: ${c.name}: ${(e as Error).stack ?? e}`);
    }
  }
  console.log(`${suite}: ${checks.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length) throw new Error(`${failed.length} of ${checks.length} checks failed: ${failed.join('; ')}`);
}

/** Polls `f` until it returns a value (not undefined), or throws after `timeoutMs`. */
export async function poll<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
