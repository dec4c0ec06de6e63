/**
 * Waiting on a condition instead of the clock: polls until `condition` gives a value (anything but
 * `undefined` or `false`), and fails after `timeoutMs` with what was awaited, so a test that waits
 * for something that never happens says what it waited for.
 */
import { execFileSync } from 'node:child_process';

export async function waitUntil<T>(
  what: string,
  condition: () => T | false | undefined | Promise<T | false | undefined>,
  { timeoutMs = 20_000, everyMs = 25 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The `ps` lines (`pid args`) of the processes whose command line holds every one of `parts`. */
export function processes(...parts: string[]): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'])
    .toString()
    .split('\n')
    .filter((line) => line !== '' && parts.every((part) => line.includes(part)));
}
