/** pnpm and yarn lockfile readers on real lockfiles pnpm 8 and 9, yarn 1 and yarn 4 wrote. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLockfile } from '../../ingest/roots/read-lockfile.js';

const PROD = [
  'ansi-regex@5.0.1',
  'ansi-styles@4.3.0',
  'chalk@4.1.2',
  'color-convert@2.0.1',
  'color-name@1.1.4',
  'cross-spawn@7.0.3',
  'emoji-regex@8.0.0',
  'has-flag@4.0.0',
  'is-fullwidth-code-point@3.0.0',
  'isexe@2.0.0',
  'path-key@3.1.1',
  'shebang-command@2.0.0',
  'shebang-regex@3.0.0',
  'string-width@4.2.3',
  'strip-ansi@6.0.1',
  'supports-color@7.2.0',
  'which@2.0.2',
];

describe.each([
  ['pnpm-v8', 'pnpm-lock.yaml', 'pnpm lockfileVersion 6.0'],
  ['pnpm-v9', 'pnpm-lock.yaml', 'pnpm lockfileVersion 9.0'],
  ['yarn-classic', 'yarn.lock', 'yarn classic'],
  ['yarn-berry', 'yarn.lock', 'yarn berry'],
])('%s', (folder, name, format) => {
  const lockfile = readLockfile(path.resolve('tests/fixtures/lockfiles', folder, name));

  it(`reads the ${format} format with every locked package, the dev one marked`, () => {
    expect(lockfile.format).toBe(format);
    const prod = lockfile.packages
      .filter((p) => !p.dev)
      .map((p) => `${p.name}@${p.version}`)
      .sort();
    expect(prod).toEqual(PROD);
    expect(lockfile.packages.filter((p) => p.dev).map((p) => `${p.name}@${p.version}`)).toEqual([
      'is-number@4.0.0',
    ]);
    expect(lockfile.project.name).toBe('lock-demo');
  });

  it('links the project and the packages to what they require, aliases included', () => {
    const byId = new Map(lockfile.packages.map((p) => [p.id, `${p.name}@${p.version}`]));
    const edges = new Set(
      lockfile.edges.map(
        (e) => `${e.from === '' ? 'project' : byId.get(e.from)} -> ${byId.get(e.to)}`,
      ),
    );
    expect(edges).toContain('project -> chalk@4.1.2');
    expect(edges).toContain('project -> string-width@4.2.3'); // installed as string-width-cjs
    expect(edges).toContain('chalk@4.1.2 -> supports-color@7.2.0');
    expect(edges).toContain('which@2.0.2 -> isexe@2.0.0');
    expect(edges).toContain('string-width@4.2.3 -> strip-ansi@6.0.1');
  });
});

describe('readLockfile', () => {
  it('refuses a broken pnpm or yarn lockfile with a clear error', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-lock-'));
    fs.writeFileSync(path.join(dir, 'pnpm-lock.yaml'), 'just: [a list\n');
    expect(() => readLockfile(path.join(dir, 'pnpm-lock.yaml'))).toThrow(
      /not YAML|not a pnpm-lock.yaml/,
    );
    fs.writeFileSync(path.join(dir, 'yarn.lock'), '"a@^1":\n  version "1\n');
    expect(() => readLockfile(path.join(dir, 'yarn.lock'))).toThrow(/not a yarn.lock/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
