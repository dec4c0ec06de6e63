/** Rules of the codebase that a reviewer would otherwise have to remember. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const LIBRARY_DIRS = [
  'core',
  'shared',
  'cli',
  'graph',
  'ingest',
  'pipeline',
  'trust',
  'gate',
  'server',
];

function sources(): string[] {
  const top = fs.readdirSync('.').filter((f) => f.endsWith('.ts') && !f.endsWith('.config.ts'));
  const nested = LIBRARY_DIRS.filter((d) => fs.existsSync(d)).flatMap((dir) =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => path.join(e.parentPath, e.name)),
  );
  return [...top, ...nested];
}

describe('source layout', () => {
  it('reads process.env only in core/config.ts', () => {
    const readers = sources().filter((file) =>
      /process\.env\b/.test(
        fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''),
      ),
    );
    expect(readers).toEqual(['core/config.ts']);
  });

  it('names files in kebab-case', () => {
    for (const file of sources())
      expect(path.basename(file), file).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.ts$/);
  });

  it('has no console.log in library code (the CLI prints through its io)', () => {
    const offenders = sources().filter(
      (file) =>
        !file.startsWith('cli') &&
        /console\.(log|info|warn|error)/.test(fs.readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
