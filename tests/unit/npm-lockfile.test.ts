/** The npm lockfile reader on real lockfiles npm wrote (tests/fixtures/lockfiles, versions 1 to 3). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNpmLockfile } from '../../ingest/roots/npm-lockfile.js';

const PROD = [
  'ansi-styles@4.3.0',
  'chalk@4.1.0',
  'color-convert@2.0.1',
  'color-name@1.1.4',
  'cross-spawn@7.0.3',
  'has-flag@4.0.0',
  'isexe@2.0.0',
  'path-key@3.1.1',
  'shebang-command@2.0.0',
  'shebang-regex@3.0.0',
  'supports-color@7.2.0',
  'which@2.0.2',
];

describe.each([1, 2, 3])('package-lock.json, lockfileVersion %i', (version) => {
  const file = `tests/fixtures/lockfiles/npm-v${version}/package-lock.json`;
  const lockfile = readNpmLockfile(fs.readFileSync(file, 'utf8'), file);

  it('lists every locked package with its exact version, dev ones marked', () => {
    const all = lockfile.packages.map((p) => `${p.name}@${p.version}`).sort();
    expect(all).toEqual([...PROD, 'is-number@4.0.0'].sort());
    expect(lockfile.packages.filter((p) => p.dev).map((p) => p.name)).toEqual(['is-number']);
    expect(lockfile.project.name).toBe('lock-demo');
  });

  it('links each package to the ones it requires, as Node would find them', () => {
    const byId = new Map(lockfile.packages.map((p) => [p.id, `${p.name}@${p.version}`]));
    const edges = lockfile.edges.map(
      (e) => `${e.from === '' ? 'project' : byId.get(e.from)} -> ${byId.get(e.to)}`,
    );
    expect(edges).toContain('chalk@4.1.0 -> ansi-styles@4.3.0');
    expect(edges).toContain('which@2.0.2 -> isexe@2.0.0');
    expect(edges).toContain('project -> chalk@4.1.0');
    expect(edges).toContain('project -> cross-spawn@7.0.3');
  });
});

describe('readNpmLockfile', () => {
  it('leaves out packages installed from git or a folder: they have no registry version', () => {
    const lockfile = readNpmLockfile(
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'app', dependencies: { a: '^1', b: 'github:x/b', c: 'file:../c' } },
          'node_modules/a': { version: '1.2.3' },
          'node_modules/b': { version: '2.0.0', resolved: 'git+ssh://git@github.com/x/b.git#abc' },
          'node_modules/c': { version: '0.1.0', resolved: 'file:../c' },
        },
      }),
      'package-lock.json',
    );
    expect(lockfile.packages.map((p) => p.name)).toEqual(['a']);
  });

  it('refuses a file that is not a lockfile with a clear error', () => {
    expect(() => readNpmLockfile('{"name": "x"}', 'x/package-lock.json')).toThrow(
      /not a package-lock.json/,
    );
    expect(() => readNpmLockfile('not json', 'x/package-lock.json')).toThrow(/is not JSON/);
  });
});
