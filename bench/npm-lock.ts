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
  /**
   * Those of them only inside other packages' tarballs (`inBundle`): npm reads them from there,
   * even with --package-lock-only; trustmap reads no tarballs (docs/decisions/010-npm-tree.md).
   */
  bundled: Set<string>;
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
  return { seconds, ...lockfileVersions(path.join(dir, 'package-lock.json')) };
}

interface LockEntry {
  name?: unknown;
  version?: unknown;
  link?: unknown;
  inBundle?: unknown;
}

export function lockfileVersions(file: string): Pick<NpmLock, 'versions' | 'bundled'> {
  const lock = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    packages?: Record<string, LockEntry>;
  };
  const versions = new Set<string>();
  const inBundle = new Set<string>();
  const outside = new Set<string>();
  for (const [location, entry] of Object.entries(lock.packages ?? {})) {
    if (location === '' || entry.link === true || typeof entry.version !== 'string') continue;
    const folder = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const name = typeof entry.name === 'string' ? entry.name : folder;
    const id = `${name}@${entry.version}`;
    versions.add(id);
    (entry.inBundle === true ? inBundle : outside).add(id);
  }
  return { versions, bundled: new Set([...inBundle].filter((id) => !outside.has(id))) };
}
