/**
 * A project for `check` and `diff`: a git repository whose two commits of package-lock.json
 * differ by one dependency, `sneaky-dep@1.1.0`, a release published by `mallory` (a new account:
 * her first release anywhere) that adds a preinstall script; and the packuments behind both,
 * served by a fixture registry. `steady-dep` (alice's, since 2015) is in both commits.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FixtureRegistry } from './fixture-registry.js';
import { git } from './git-repo.js';

export const NEW_ACCOUNT = 'mallory';
export const SCRIPT = 'node ./collect.js';

const alice = { name: 'alice', email: 'alice@example.org' };
const bob = { name: 'bob', email: 'bob@example.org' };
const mallory = { name: NEW_ACCOUNT, email: 'mallory@example.org' };

function manifest(name: string, version: string, by: typeof alice, extra: object = {}): object {
  return {
    name,
    version,
    license: 'MIT',
    _npmUser: by,
    maintainers: [by],
    dependencies: {},
    ...extra,
  };
}

export function addGatePackuments(registry: FixtureRegistry): void {
  const steady: Record<string, object> = {};
  const times: Record<string, string> = { created: '2015-01-01T00:00:00.000Z' };
  for (let i = 0; i < 8; i++) {
    const v = `1.${String(i)}.0`;
    steady[v] = manifest('steady-dep', v, alice);
    times[v] = new Date(Date.UTC(2015 + i, 3, 1)).toISOString();
  }
  registry.overrides.set('steady-dep', {
    name: 'steady-dep',
    'dist-tags': { latest: '1.7.0' },
    maintainers: [alice],
    time: times,
    versions: steady,
  });
  registry.overrides.set('sneaky-dep', {
    name: 'sneaky-dep',
    'dist-tags': { latest: '1.1.0' },
    maintainers: [bob, mallory],
    time: {
      created: '2016-02-01T00:00:00.000Z',
      '1.0.0': '2016-02-01T00:00:00.000Z',
      '1.1.0': '2024-05-01T10:00:00.000Z',
    },
    versions: {
      '1.0.0': manifest('sneaky-dep', '1.0.0', bob),
      '1.1.0': {
        ...manifest('sneaky-dep', '1.1.0', mallory),
        maintainers: [bob, mallory],
        scripts: { preinstall: SCRIPT },
      },
    },
  });
}

function lockfile(dependencies: Record<string, string>): string {
  const packages: Record<string, object> = {
    '': { name: 'gate-app', version: '1.0.0', dependencies },
  };
  for (const [name, version] of Object.entries(dependencies))
    packages[`node_modules/${name}`] = {
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`,
      license: 'MIT',
      ...(name === 'sneaky-dep' ? { hasInstallScript: true } : {}),
    };
  return `${JSON.stringify({ name: 'gate-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

/** The repository, its two commits: `base` (steady-dep) and `head` (steady-dep, sneaky-dep). */
export function makeGateRepository(dir: string): { base: string; head: string } {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  const env = {
    GIT_AUTHOR_NAME: 'dev',
    GIT_AUTHOR_EMAIL: 'dev@example.org',
    GIT_COMMITTER_NAME: 'dev',
    GIT_COMMITTER_EMAIL: 'dev@example.org',
  };
  const commit = (dependencies: Record<string, string>, message: string): void => {
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      `${JSON.stringify({ name: 'gate-app', version: '1.0.0', dependencies }, null, 2)}\n`,
    );
    fs.writeFileSync(path.join(dir, 'package-lock.json'), lockfile(dependencies));
    git(dir, ['add', '.']);
    git(dir, ['commit', '--quiet', '-m', message], env);
  };
  commit({ 'steady-dep': '1.7.0' }, 'base');
  commit({ 'steady-dep': '1.7.0', 'sneaky-dep': '1.1.0' }, 'add sneaky-dep');
  return { base: 'HEAD~1', head: 'HEAD' };
}
