/**
 * npm's own answer for the benchmarks: `npm install --package-lock-only --ignore-scripts` of one
 * dependency in a new folder, with a new (cold) cache and the configured registry, timed; and the
 * name@versions its lockfile lists.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NpmLock {
  seconds: number;
  /** `name@version` of every package in the lockfile (aliases by the real package's name). */
  versions: Set<string>;
}

/** Runs npm in `dir` (created, left for the caller to remove) for `name` at `range`. */
export async function npmLockOnly(
  dir: string,
  name: string,
  range: string,
  registry: string,
): Promise<NpmLock> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'bench', version: '1.0.0', dependencies: { [name]: range } }),
  );
  const started = performance.now();
  await run(
    'npm',
    [
      'install',
      '--package-lock-only',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      `--registry=${registry}`,
      '--cache',
      path.join(dir, 'cache'),
    ],
    { cwd: dir, maxBuffer: 64 * 2 ** 20 },
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, versions: lockfileVersions(path.join(dir, 'package-lock.json')) };
}

interface LockEntry {
  name?: unknown;
  version?: unknown;
  link?: unknown;
}

export function lockfileVersions(file: string): Set<string> {
  const lock = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    packages?: Record<string, LockEntry>;
  };
  const versions = new Set<string>();
  for (const [location, entry] of Object.entries(lock.packages ?? {})) {
    if (location === '' || entry.link === true || typeof entry.version !== 'string') continue;
    const folder = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const name = typeof entry.name === 'string' ? entry.name : folder;
    versions.add(`${name}@${entry.version}`);
  }
  return versions;
}
